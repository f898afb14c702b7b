// The app of issue 2 in real Chromium: the core's validator runs in wasm on every keystroke.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serveDist, launchBrowser, openApp, artifacts, root } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await serveDist();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const text = (page) => page.getByTestId('document-text');

test('the bundled seed 002 template loads and validates clean', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  assert.equal(await page.getByTestId('problems-summary').textContent(), 'No problems: ready to export.');
  assert.equal(await page.getByTestId('problem').count(), 0);
  const yaml = await page.getByTestId('export-text').textContent();
  assert.match(yaml, /callCommonModule:/);
  assert.match(yaml, /Verify Caller:\n\s+ver_latestPublished:/);
  await page.screenshot({ path: join(artifacts, 'app-clean.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a problem appears while typing and vanishes when fixed', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  const original = await text(page).inputValue();
  await text(page).fill(original.replace('"Common.callerId": "Call.Ani"', '"customerId": "Call.Ani"'));
  const problem = page.locator('[data-testid="problem"][data-code="unknown-input"]');
  await problem.waitFor();
  assert.equal(await problem.getAttribute('data-node-id'), 'auth');
  assert.equal(await problem.getAttribute('data-severity'), 'error');
  assert.match(await problem.textContent(), /did you mean "Common.customerId"\?/);
  // The required input is now missing too, and the YAML export says why it is blocked.
  await page.locator('[data-testid="problem"][data-code="missing-required-input"]').waitFor();
  assert.match(await page.getByTestId('export-blocked').textContent(), /Blocked/);
  await page.screenshot({ path: join(artifacts, 'app-problem.png') });
  await page.screenshot({ path: join(root, 'docs/screenshot.png') });

  await text(page).fill(original);
  await page.getByText('No problems: ready to export.').waitFor();
  assert.equal(await page.getByTestId('problem').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('broken JSON is reported with line and column, never a crash', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await text(page).fill('{\n  "format": "callflow/v1"\n  "flow": {}\n}');
  const problem = page.locator('[data-testid="problem"][data-code="invalid-document"]');
  await problem.waitFor();
  assert.match(await problem.textContent(), /line 3, column 3/);
  assert.match(await page.getByTestId('export-blocked').textContent(), /cannot be read/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('templates switch, and each export tab shows its format', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await page.getByTestId('template-select').selectOption('business-hours-menu.flow.json');
  await page.getByText('No problems: ready to export.').waitFor();
  assert.match(await page.getByTestId('export-text').textContent(), /menuTask:/);
  await page.locator('[data-testid="export-tab"][data-format="terraform"]').click();
  assert.match(await page.getByTestId('export-text').textContent(), /resource "genesyscloud_flow" "inbound_business_hours_menu"/);
  await page.locator('[data-testid="export-tab"][data-format="json"]').click();
  assert.match(await page.getByTestId('export-text').textContent(), /"format": "callflow\/v1"/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('markup in a label is shown as text and runs nothing', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  let dialogs = 0;
  page.on('dialog', async (dialog) => {
    dialogs += 1;
    await dialog.dismiss();
  });
  const original = await text(page).inputValue();
  await text(page).fill(original.replace('"module": "Verify Caller"', '"module": "<img src=x onerror=alert(1)>"'));
  const problem = page.locator('[data-testid="problem"][data-code="unknown-module"]');
  await problem.waitFor();
  assert.match(await problem.textContent(), /<img src=x onerror=alert\(1\)>/);
  assert.equal(await page.locator('.cf-problems img').count(), 0);
  await page.waitForTimeout(200);
  assert.equal(dialogs, 0);
  assert.deepEqual(errors, []);
  await context.close();
});
