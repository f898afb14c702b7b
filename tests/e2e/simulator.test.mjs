// The call simulator in real Chromium: place a call through the seed 002 flow to the queue and to a
// hang-up by choosing the module's outcome; press digits through the business-hours menu; save a
// run as a scenario, break the flow, and see the scenario fail in the Tests tab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { servedApp, openApp, root } from './harness.mjs';

const app = servedApp();

const node = (page, id) => page.locator(`[data-testid="node"][data-node-id="${id}"]`);
const outcome = (page, port) => page.locator(`[data-testid="sim-outcome"][data-port="${port}"]`);

async function placeCall(page, template) {
  await page.getByTestId('template-select').selectOption(template);
  await page.locator('[data-testid="dock-tab"][data-tab="simulate"]').click();
  await page.getByTestId('sim-start').click();
}

test('seed 002: the module answers, the call reaches the queue; step back, and it hangs up', async () => {
  const { page, errors, context } = await openApp(app.browser, app.server.url);
  await placeCall(page, 'seed-002-verify-then-queue.flow.json');
  await outcome(page, 'complete').waitFor();
  assert.equal(await node(page, 'auth').getAttribute('data-sim'), 'current');
  // The module's output is pre-filled with a sample of its type.
  assert.equal(await page.locator('[data-testid="sim-output"][data-name="Flow.verified"]').inputValue(), 'true');
  await outcome(page, 'complete').click();
  await page.locator('[data-testid="sim-ended"][data-end="transferred"]').waitFor();
  assert.match(await page.getByTestId('sim-ended').textContent(), /Transferred to Support/);
  assert.equal(await node(page, 'queue').getAttribute('data-sim'), 'current');
  assert.equal(await node(page, 'auth').getAttribute('data-sim'), 'visited');
  assert.equal(await page.locator('[data-testid="sim-variables"] tr[data-name="Flow.verified"] td').nth(1).textContent(), 'true');

  await page.getByTestId('sim-back').click();
  await outcome(page, 'error').click();
  await page.locator('[data-testid="sim-ended"][data-end="hungUp"]').waitFor();
  assert.equal(await node(page, 'bye').getAttribute('data-sim'), 'current');
  assert.equal(await node(page, 'queue').getAttribute('data-sim'), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('digits through the business-hours menu; a saved run fails once the flow breaks', async () => {
  const { page, errors, context } = await openApp(app.browser, app.server.url);
  await page.setViewportSize({ width: 1600, height: 1000 });
  await placeCall(page, 'business-hours-menu.flow.json');
  await outcome(page, 'open').click();
  // The menu: only its digits are on; the transcript has the welcome and the menu prompt.
  await page.locator('[data-testid="sim-key"][data-key="1"]:not([disabled])').waitFor();
  assert.ok(await page.locator('[data-testid="sim-key"][data-key="5"]').isDisabled());
  assert.match(await page.getByTestId('sim-transcript').textContent(), /For your account press 1/);
  await page.locator('[data-testid="sim-key"][data-key="1"]').click();
  for (const key of ['4', '2', '4', '2']) await page.locator(`[data-testid="sim-key"][data-key="${key}"]`).click();
  await page.getByTestId('sim-enter').click();
  await outcome(page, 'notFound').click();
  await outcome(page, 'next').click();
  await page.locator('[data-testid="sim-ended"][data-end="transferred"]').waitFor();
  assert.equal(await page.locator('[data-testid="sim-variables"] tr[data-name="Flow.accountNumber"] td').nth(1).textContent(), '"4242"');

  // Save it; the Tests tab replays it with the template's own three.
  await page.getByTestId('sim-scenario-name').fill('Account 4242 is not found');
  await page.getByTestId('sim-save').click();
  await page.locator('[data-testid="dock-tab"][data-tab="tests"]').click();
  const saved = page.locator('[data-testid="scenario"][data-name="Account 4242 is not found"]');
  await saved.waitFor();
  assert.equal(await saved.getAttribute('data-result'), 'pass');
  assert.equal(await page.locator('[data-testid="scenario"][data-result="pass"]').count(), 4);

  // Break the flow: the not-found prompt goes (with its edges). The scenario fails, saying where.
  await node(page, 'notFound').click();
  await page.keyboard.press('Delete');
  await page.locator('[data-testid="scenario"][data-name="Account 4242 is not found"][data-result="fail"]').waitFor();
  assert.match(await saved.textContent(), /answer 4/);
  // Undo mends it.
  await page.getByTestId('undo').click();
  await page.locator('[data-testid="scenario"][data-name="Account 4242 is not found"][data-result="pass"]').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('what the simulator cannot evaluate is asked: a loop count and an update value', async () => {
  const { page, errors, context } = await openApp(app.browser, app.server.url);
  // The loop fixture: silence leaves the count's variable unset; then the setVariable fixture.
  await page.getByTestId('open-file').setInputFiles(join(root, 'crates/callflow-core/tests/fixtures/scenarios/loop.flow.json'));
  await node(page, 'repeat').waitFor();
  await page.locator('[data-testid="dock-tab"][data-tab="simulate"]').click();
  await page.getByTestId('sim-start').click();
  await page.getByTestId('sim-no-input').click();
  await page.getByTestId('sim-question').filter({ hasText: 'the loop count ToInt(Flow.times)' }).waitFor();
  await page.getByTestId('sim-count').fill('2');
  await page.getByTestId('sim-count-go').click();
  await page.locator('[data-testid="sim-ended"][data-end="hungUp"]').waitFor();
  assert.equal(await page.locator('[data-testid="sim-variables"] tr[data-name="Flow.count"] td').nth(1).textContent(), '2');

  await page.getByTestId('open-file').setInputFiles(join(root, 'crates/callflow-core/tests/fixtures/scenarios/setVariable.flow.json'));
  await node(page, 'setWhen').waitFor();
  await page.getByTestId('sim-start').click();
  await page.getByTestId('sim-question').filter({ hasText: 'Flow.when' }).waitFor();
  await page.getByTestId('sim-value').fill('2026-12-02T09:30:00Z');
  await page.getByTestId('sim-value-go').click();
  await page.locator('[data-testid="sim-ended"][data-end="hungUp"]').waitFor();
  assert.equal(await page.locator('[data-testid="sim-variables"] tr[data-name="Flow.when"] td').nth(1).textContent(), '"2026-12-02T09:30:00Z"');
  assert.deepEqual(errors, []);
  await context.close();
});
