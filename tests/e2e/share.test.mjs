// Share links in real Chromium: copy a link, open it beside your own work (read-only, your work
// untouched), make a copy; a flow too large for a link is offered as a download.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedApp, openApp } from './harness.mjs';

const app = servedApp();

test('a share link opens read-only beside your own work; Make a copy makes it yours', async () => {
  const { page, errors, context } = await openApp(app.browser, app.server.url, { permissions: ['clipboard-read', 'clipboard-write'] });
  await page.getByTestId('template-select').selectOption('seed-002-verify-then-queue.flow.json');
  await page.locator('[data-testid="node"][data-node-id="auth"]').waitFor();
  await page.getByTestId('share-link').click();
  await page.getByTestId('notice').filter({ hasText: 'Share link copied' }).waitFor();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /#share=v1\.[A-Za-z0-9_-]+$/);
  assert.ok(link.length < 2000, `a template's link is short (${link.length} characters)`);

  // Your own work is now another flow.
  await page.getByTestId('template-select').selectOption('business-hours-menu.flow.json');
  await page.locator('[data-testid="node"][data-node-id="main"]').waitFor();
  await page.waitForTimeout(500);

  // The link, in another tab of the same browser: the shared flow, read-only.
  const shared = await context.newPage();
  await shared.goto(link);
  await shared.getByTestId('shared-banner').waitFor();
  await shared.locator('[data-testid="node"][data-node-id="auth"]').click();
  await shared.keyboard.press('Delete');
  await shared.getByTestId('notice').filter({ hasText: 'read-only' }).waitFor();
  assert.equal(await shared.locator('[data-testid="node"][data-node-id="auth"]').count(), 1);

  // Your own work is as it was.
  const own = await context.newPage();
  await own.goto(app.server.url);
  await own.locator('[data-testid="node"][data-node-id="main"]').waitFor();
  assert.equal(await own.locator('[data-testid="node"][data-node-id="auth"]').count(), 0);

  // Make a copy: editable, saved, and the link leaves the address bar.
  await shared.getByTestId('make-copy').click();
  await shared.getByTestId('shared-banner').waitFor({ state: 'detached' });
  assert.ok(!shared.url().includes('#share='));
  await shared.locator('[data-testid="node"][data-node-id="auth"]').click();
  await shared.keyboard.press('Delete');
  await shared.locator('[data-testid="node"][data-node-id="auth"]').waitFor({ state: 'detached' });
  // The autosave runs once edits pause; then the library lists the copy.
  await shared.waitForTimeout(600);
  await shared.locator('[data-testid="dock-tab"][data-tab="library"]').click();
  await shared.locator('[data-testid="library-entry"].cf-row--current').filter({ hasText: 'Inbound - Support' }).waitFor();
  assert.ok(
    (await shared.getByTestId('library-entry').filter({ hasText: 'Inbound - Business hours menu' }).count()) >= 1,
    'your own flow is still in the library',
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test('a flow too large for a link is downloaded instead, and a damaged link leaves your work open', async () => {
  const { page, errors, context } = await openApp(app.browser, app.server.url, { permissions: ['clipboard-read', 'clipboard-write'] });
  await page.getByTestId('open-file').setInputFiles('target/e2e/grid-2000.flow.json');
  await page.getByTestId('notice').filter({ hasText: 'Opened' }).waitFor();
  const download = page.waitForEvent('download');
  await page.getByTestId('share-link').click();
  assert.match((await download).suggestedFilename(), /\.flow\.json$/);
  assert.match(await page.getByTestId('notice').textContent(), /download the file instead/);

  const damaged = await context.newPage();
  await damaged.goto(`${app.server.url}#share=v1.nonsense`);
  await damaged.getByTestId('notice').filter({ hasText: 'could not be opened' }).waitFor();
  assert.equal(await damaged.getByTestId('shared-banner').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});
