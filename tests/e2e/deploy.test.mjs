// Sign-in and deploy in real Chromium against the real sandbox org on loopback: PKCE through the
// sandbox's sign-in page, loading the org's modules, publishing the seed 002 flow, and the failure
// paths (429 with a countdown, a failing job, a read-only user, a refused upload).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serveDist, launchBrowser, openApp, startSandbox, artifacts, root } from './harness.mjs';

let server;
let sandbox;
let browser;

before(async () => {
  server = await serveDist();
  sandbox = await startSandbox({ redirect: server.url });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sandbox?.close();
  await server?.close();
});

const ALEX = 'a11ce000-0000-4000-8000-000000000001';
const RILEY = 'a11ce000-0000-4000-8000-000000000002';

/** Opens the app, picks a template, and signs in through the sandbox's page as `user`. */
async function signIn(user = ALEX, template = 'seed-002-verify-then-queue.flow.json') {
  await sandbox.admin('/sandbox/faults', {});
  const app = await openApp(browser, server.url);
  const { page } = app;
  await page.getByTestId('template-select').selectOption(template);
  await page.getByTestId('deploy').click();
  await page.getByTestId('connect-region').selectOption('local');
  await page.getByTestId('connect-sandbox-url').fill(sandbox.url);
  await page.getByTestId('connect-sandbox-url').dispatchEvent('change');
  assert.equal(await page.getByTestId('connect-redirect-uri').inputValue(), server.url, 'the redirect URI defaults to this page');
  await page.getByTestId('connect-sign-in').click();
  await page.getByTestId(`sandbox-user-${user}`).click();
  await page.getByTestId('session-user').filter({ hasNotText: '…' }).waitFor();
  return app;
}

test('PKCE sign-in through the sandbox page leaves no code in the URL and no token in localStorage', async () => {
  const { page, errors, context } = await signIn();
  assert.equal(await page.getByTestId('session-user').textContent(), 'Alex Architect');
  assert.equal(await page.getByTestId('signed-in-user').textContent(), 'Alex Architect');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('code'), null);
  assert.equal(url.searchParams.get('state'), null);
  const storage = await page.evaluate(() => ({
    local: JSON.stringify(Object.fromEntries(Object.entries(localStorage))),
    session: JSON.stringify(Object.fromEntries(Object.entries(sessionStorage))),
  }));
  const token = JSON.parse(JSON.parse(storage.session)['callflow.session']).token;
  assert.ok(token.length >= 40, 'a token is held for this tab');
  assert.ok(!storage.local.includes(token), 'the token never reaches localStorage');
  assert.ok(!storage.session.includes('callflow.pkce'), 'the verifier is removed once used');
  // The flow opened before sign-in is still there after the round trip.
  await page.locator('[data-testid="node"][data-node-id="auth"]').waitFor();
  await page.getByTestId('sign-out').click();
  await page.getByTestId('connect-form').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('callflow.session')), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('loading the org modules makes the unpublished one fail validation; deploy succeeds with a version', async () => {
  const { page, errors, context } = await signIn(ALEX, 'three-modules.flow.json');
  assert.equal(await page.locator('[data-testid="problem"][data-code="module-not-published"]').count(), 0);
  await page.getByTestId('load-modules').click();
  await page.getByTestId('load-modules-status').filter({ hasText: 'Loaded 6' }).waitFor();
  await page.getByTestId('deploy-refused').waitFor();
  assert.match(await page.getByTestId('deploy-refused').textContent(), /Collect Survey Consent/);
  assert.ok(await page.getByTestId('deploy-run').isDisabled(), 'deploy is refused while errors exist');
  // One undo restores the bundled catalog.
  await page.getByTestId('undo').click();
  await page.getByTestId('deploy-refused').waitFor({ state: 'detached' });

  await page.getByTestId('template-select').selectOption('seed-002-verify-then-queue.flow.json');
  await page.getByTestId('dock-tab').and(page.locator('[data-tab="deploy"]')).click();
  await page.getByTestId('load-modules').click();
  await page.getByTestId('load-modules-status').filter({ hasText: 'Loaded 6' }).waitFor();
  await page.getByTestId('deploy-run').click();
  await page.getByTestId('deploy-result').waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('deploy-result').textContent(), /Created “Inbound - Support” — published version 1\.0/);
  const states = await page.getByTestId('deploy-step').evaluateAll((steps) => steps.map((s) => s.dataset.state));
  assert.deepEqual(states, ['done', 'done', 'done', 'done', 'done']);
  assert.match(await page.getByTestId('deploy-job-messages').textContent(), /published as version 1\.0/);
  await page.getByTestId('deploy-result').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'deploy-success.png') });
  // Again: the same flow, a new version.
  await page.getByTestId('deploy-run').click();
  await page.getByTestId('deploy-result').filter({ hasText: 'version 2.0' }).waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('deploy-result').textContent(), /^Updated/);
  assert.match(await page.getByTestId('deploy-plan').textContent(), /Plan: update “Inbound - Support” .*now at version 1\.0/);
  const flows = (await sandbox.state()).flows.filter((f) => f.name === 'Inbound - Support');
  assert.equal(flows.length, 1, 'no duplicate flow');
  assert.deepEqual(errors, []);
  await context.close();
});

test('429 twice: a visible countdown, then the retry succeeds; a failing job shows its message', async () => {
  const { page, errors, context } = await signIn();
  await sandbox.admin('/sandbox/faults', { rateLimitNext: 2, retryAfterSeconds: 2, pathPrefix: '/api/v2/flows' });
  await page.getByTestId('deploy-run').click();
  const countdown = page.getByTestId('deploy-countdown');
  await countdown.filter({ hasText: /retrying in 2 s/ }).waitFor();
  await countdown.filter({ hasText: /retrying in 1 s/ }).waitFor();
  await page.getByTestId('deploy-result').waitFor({ timeout: 30_000 });
  const log = await page.getByTestId('deploy-log').textContent();
  assert.equal((log.match(/Rate limited \(429\)/g) ?? []).length, 2, log);
  assert.equal((await sandbox.state()).faults.injectedRateLimits >= 2, true);

  await sandbox.admin('/sandbox/faults', { failNextJobs: 1 });
  await page.getByTestId('deploy-run').click();
  await page.getByTestId('deploy-error').waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('deploy-error').textContent(), /failed: .*Injected failure/);
  assert.match(await page.getByTestId('deploy-job-messages').textContent(), /exit code 100/);
  const states = await page.getByTestId('deploy-step').evaluateAll((steps) => steps.map((s) => s.dataset.state));
  assert.deepEqual(states, ['done', 'done', 'done', 'failed', 'pending']);
  await page.screenshot({ path: join(artifacts, 'deploy-job-failed.png') });
  assert.deepEqual(errors.filter((e) => !e.includes('429')), []);
  await context.close();
});

test('a read-only user is told the missing permission; a refused upload offers the YAML', async () => {
  const { page, context } = await signIn(RILEY);
  await page.getByTestId('deploy-run').click();
  await page.getByTestId('deploy-error').waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('deploy-error').textContent(), /architect:job:create/);
  await page.getByTestId('sign-out').click();
  await context.close();

  const second = await signIn(ALEX);
  await sandbox.admin('/sandbox/faults', { refuseBrowserUpload: true });
  await second.page.getByTestId('deploy-run').click();
  await second.page.getByTestId('deploy-download-yaml').waitFor({ timeout: 60_000 });
  assert.match(await second.page.getByTestId('deploy-error').textContent(), /download the YAML/i);
  assert.match(await second.page.getByTestId('deploy-error').textContent(), /archy publish/);
  await sandbox.admin('/sandbox/faults', {});
  await second.context.close();
});

test('a workflow test run shows outputData, and flowErrorInfo when an input is missing', async () => {
  const { page, context } = await signIn();
  await page.getByTestId('load-modules').click();
  await page.getByTestId('load-modules-status').filter({ hasText: 'Loaded 6' }).waitFor();
  const request = page.getByTestId('test-run-request');
  assert.match(await request.inputValue(), /"Flow.customerId": "example"/);
  await page.getByTestId('test-run').click();
  await page.getByTestId('test-run-result').filter({ hasText: 'COMPLETED' }).waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('test-run-result').textContent(), /"Flow.statusCode": "200"/);
  const body = JSON.parse(await request.inputValue());
  body.inputData = { Flow: { customerId: 'C-1' } };
  await request.fill(JSON.stringify(body));
  await page.getByTestId('test-run').click();
  await page.getByTestId('test-run-result').filter({ hasText: 'FAILED' }).waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('test-run-result').textContent(), /error\.workflow\.expression\.unexpectedNull/);
  await context.close();
});

test('an expired token: the 401 asks to sign in again, forgets the token, and keeps the flow', async () => {
  const { page, context } = await signIn();
  await sandbox.admin('/sandbox/clock', { advanceSeconds: 90_000 });
  await page.getByTestId('deploy-run').click();
  await page.getByTestId('deploy-error').waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('deploy-error').textContent(), /401.*sign in again/);
  await page.getByTestId('connect-form').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('callflow.session')), null);
  await page.locator('[data-testid="node"][data-node-id="auth"]').waitFor();
  await context.close();
});

test('a foreign redirect URI is refused before leaving; denying comes back as a clear refusal, with no session', async () => {
  await sandbox.admin('/sandbox/faults', {});
  const { page, errors, context } = await openApp(browser, server.url);
  await page.getByTestId('deploy').click();
  await page.getByTestId('connect-sandbox-url').fill(sandbox.url);
  await page.getByTestId('connect-sandbox-url').dispatchEvent('change');
  // A redirect URI on another origin could never hand the answer back to this tab.
  await page.getByTestId('connect-redirect-uri').fill('http://127.0.0.1:1/');
  await page.getByTestId('connect-redirect-uri').dispatchEvent('change');
  await page.getByTestId('connect-sign-in').click();
  await page.getByTestId('connect-message').filter({ hasText: "must be on this page's origin" }).waitFor();
  await page.getByTestId('connect-redirect-uri').fill(server.url);
  await page.getByTestId('connect-redirect-uri').dispatchEvent('change');
  await page.getByTestId('connect-sign-in').click();
  await page.getByTestId('sandbox-deny').click();
  await page.getByTestId('connect-message').filter({ hasText: 'access_denied' }).waitFor();
  await page.getByTestId('connect-form').waitFor();
  assert.equal(new URL(page.url()).search, '', 'error and state are stripped from the address bar');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('callflow.pkce')), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a project: extract three steps into a module, publish modules first, republish stale callers', async () => {
  const { page, errors, context } = await signIn(ALEX, 'verify-caller-workshop.project.json');
  await page.setViewportSize({ width: 1600, height: 1000 });
  const item = (name) => page.locator(`[data-testid="project-item"][data-name="${name}"]`);
  await item('Support Line').locator('button').click();
  // Select the welcome, the participant data and the hold prompt, and extract them.
  for (const id of ['greet', 'mark', 'hold']) {
    await page.locator(`[data-testid="node"][data-node-id="${id}"]`).click({ modifiers: id === 'greet' ? [] : ['Shift'] });
  }
  await page.getByTestId('extract-name').fill('Line Greeting');
  await page.getByTestId('extract-module').click();
  await item('Line Greeting').waitFor();
  await page.locator('[data-testid="node"][data-node-id="line_greeting"]').waitFor();
  assert.equal(await page.locator('[data-testid="node"][data-node-id="greet"]').count(), 0);

  // Publish the project: both modules before the flows that call them.
  await page.locator('[data-testid="dock-tab"][data-tab="deploy"]').click();
  await page.getByTestId('deploy-project').click();
  const log = page.getByTestId('project-deploy-log');
  await log.filter({ hasText: 'Published “Billing Line”' }).waitFor();
  const lines = await log.locator('li').allTextContents();
  assert.match(lines[0], /Order: Verify Caller → Line Greeting → Support Line → Billing Line/);
  assert.equal(lines.length, 5, lines.join('\n'));
  assert.equal(await page.locator('[data-testid="problem"][data-code="module-not-deployed"]').count(), 0);

  // A new version of Verify Caller: both callers now hold the old copy.
  await item('Verify Caller').locator('button').click();
  await page.keyboard.press('Escape');
  const description = page.locator('.cf-inspector input').nth(1);
  await description.fill('Verifies the caller, second edition.');
  await description.press('Enter');
  await page.getByTestId('deploy-run').click();
  await page.getByTestId('deploy-result').waitFor();
  await page.locator('[data-testid="dock-tab"][data-tab="impact"]').click();
  const stale = page.locator('[data-testid="impact-caller"][data-module="Verify Caller"][data-stale="true"]');
  await stale.first().waitFor();
  assert.deepEqual(await stale.evaluateAll((rows) => rows.map((r) => r.dataset.flow)), ['Support Line', 'Billing Line']);
  // The README's picture of the modules panel.
  await page.screenshot({ path: join(root, 'docs/impact.png') });
  await page.getByTestId('republish-callers').click();
  await page.getByTestId('impact-stale').waitFor({ state: 'detached' });
  assert.equal(await stale.count(), 0);
  assert.equal(await page.locator('[data-testid="impact-caller"][data-stale="false"]').count(), 3);
  assert.deepEqual(errors, []);
  await context.close();
});
