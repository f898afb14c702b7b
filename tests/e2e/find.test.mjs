// Find (Ctrl+F) and the shortcut sheet (?) in real Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedApp, openApp } from './harness.mjs';

const app = servedApp();

test('Ctrl+F finds nodes by label, queue and prompt and steps through them; ? lists every shortcut', async () => {
  const { page, errors, context } = await openApp(app.browser, app.server.url);
  await page.getByTestId('template-select').selectOption('business-hours-menu.flow.json');
  await page.locator('[data-testid="node"][data-node-id="main"]').waitFor();
  await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+f');
  const input = page.getByTestId('find-input');
  await input.waitFor();
  // "support" is in two queue transfers' queue and in a label, and in the voicemail's queue.
  await input.fill('support');
  const count = page.getByTestId('find-count');
  await count.filter({ hasText: 'of' }).waitFor();
  const total = Number((await count.textContent()).split(' of ')[1]);
  assert.ok(total >= 2, `several matches (${total})`);
  const first = await page.locator('[data-testid="node"].cf-node--selected').getAttribute('data-node-id');
  await input.press('Enter');
  const second = await page.locator('[data-testid="node"].cf-node--selected').getAttribute('data-node-id');
  assert.notEqual(first, second, 'Enter steps to the next match');
  assert.match(await count.textContent(), /^2 of /);
  // A prompt's words find their node.
  await input.fill('pound');
  await page.locator('[data-testid="node"][data-node-id="account"].cf-node--selected').waitFor();
  await input.fill('nothing like this');
  assert.equal(await count.textContent(), 'no match');
  await input.press('Escape');
  await page.getByTestId('find').waitFor({ state: 'detached' });

  await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Shift+?');
  await page.getByTestId('shortcut-sheet').waitFor();
  assert.ok((await page.getByTestId('shortcut').count()) >= 10);
  assert.match(await page.getByTestId('shortcut-sheet').textContent(), /Ctrl\+F/);
  await page.keyboard.press('Escape');
  await page.getByTestId('shortcut-sheet').waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});
