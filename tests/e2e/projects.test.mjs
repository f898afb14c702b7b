// Projects in real Chromium: a common module authored beside the flows that call it, findings
// across flows, one undo history for the whole project, and the sidebar's edits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedApp, openApp } from './harness.mjs';

const app = servedApp();

const center = async (locator) => {
  const box = await locator.boundingBox();
  assert.ok(box, 'element is visible');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
};

/** A real pointer drag from the palette onto the canvas. */
async function dropFromPalette(page, kind, fx, fy) {
  const from = await center(page.locator(`[data-testid="palette-item"][data-kind="${kind}"]`));
  const box = await page.getByTestId('canvas').boundingBox();
  const to = { x: box.x + box.width * fx, y: box.y + box.height * fy };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.mouse.up();
}

const item = (page, name) => page.locator(`[data-testid="project-item"][data-name="${name}"]`);
const problems = (page, code, flow) =>
  page.locator(`[data-testid="problem"][data-code="${code}"]${flow ? `[data-flow="${flow}"]` : ''}`);

async function openWorkshop(page) {
  await page.getByTestId('template-select').selectOption('verify-caller-workshop.project.json');
  await item(page, 'Verify Caller').waitFor();
}

async function showFlowInspector(page) {
  // The inspector shows the flow's own properties when nothing is selected.
  await page.keyboard.press('Escape');
  await page.getByTestId('variables').waitFor();
}

test('a module change is reported in every caller, and one undo clears it everywhere', async () => {
  const { page, errors, context } = await openApp(app.browser, app.server.url);
  await page.setViewportSize({ width: 1600, height: 1000 });
  await openWorkshop(page);
  const kinds = await page.getByTestId('project-item').evaluateAll((items) =>
    items.map((i) => [i.dataset.name, i.dataset.kind]),
  );
  assert.deepEqual(kinds, [
    ['Support Line', 'inboundcall'],
    ['Billing Line', 'inboundcall'],
    ['Verify Caller', 'commonmodule'],
  ]);
  await page.locator('[data-testid="dock-tab"][data-tab="problems"]').click();
  // Not deployed yet: each caller is told to deploy the module first (a warning, not a blocker).
  assert.equal(await problems(page, 'module-not-deployed').count(), 2);
  assert.equal(await page.locator('[data-testid="problem"][data-severity="error"]').count(), 0);

  // Open the module: its palette offers End module and no module call.
  await item(page, 'Verify Caller').locator('button').click();
  await page.locator('[data-testid="node"][data-kind="endModule"]').first().waitFor();
  assert.equal(await page.locator('[data-testid="palette-item"][data-kind="invoke"]').count(), 0);
  assert.equal(await page.locator('[data-testid="palette-item"][data-kind="endModule"]').count(), 1);

  // Rename its input: both callers now pass an input it does not have and miss the one it requires.
  await showFlowInspector(page);
  const input = page.locator('[data-testid="variable"][data-name="Common.callerId"]');
  assert.equal(await input.getByTestId('variable-input').isChecked(), true);
  const name = input.getByTestId('variable-name');
  await name.fill('Common.phoneNumber');
  await name.press('Enter');
  await page.locator('[data-testid="variable"][data-name="Common.phoneNumber"]').waitFor();
  for (const flow of ['Support Line', 'Billing Line']) {
    await problems(page, 'unknown-input', flow).waitFor();
    assert.equal(await problems(page, 'missing-required-input', flow).count(), 1, flow);
  }

  // One undo puts the module back, and both callers clear.
  await page.getByTestId('undo').click();
  await page.locator('[data-testid="variable"][data-name="Common.callerId"]').waitFor();
  assert.equal(await problems(page, 'unknown-input').count(), 0);
  assert.equal(await problems(page, 'missing-required-input').count(), 0);

  // The API requests tab: the whole project's deploy as a curl script, module first.
  await page.locator('[data-testid="dock-tab"][data-tab="export"]').click();
  await page.locator('[data-testid="export-tab"][data-format="api"]').click();
  const script = (await page.getByTestId('export-text').textContent()) ?? '';
  assert.match(script, /deploy 'Verify Caller' 'verify_caller\.yaml'\ndeploy 'Support Line' 'support_line\.yaml'\ndeploy 'Billing Line' 'billing_line\.yaml'/);
  assert.match(script, /POST.*\/api\/v2\/flows\/jobs/);
  // Terraform for the project: one resource per flow, callers depending on the module.
  await page.locator('[data-testid="export-tab"][data-format="terraform"]').click();
  const hcl = (await page.getByTestId('export-text').textContent()) ?? '';
  assert.equal((hcl.match(/depends_on = \[genesyscloud_flow\.verify_caller\]/g) ?? []).length, 2);
  await page.locator('[data-testid="dock-tab"][data-tab="problems"]').click();

  // A finding of another flow opens that flow when clicked.
  await problems(page, 'module-not-deployed', 'Billing Line').click();
  await page.locator('[data-testid="project-item"][data-name="Billing Line"][aria-current="true"]').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('the sidebar adds, renames, duplicates and deletes flows, each one undo step', async () => {
  const { page, errors, context } = await openApp(app.browser, app.server.url);
  await openWorkshop(page);

  // A new module: whole (start → End module), unused until a flow calls it.
  await page.getByTestId('project-add-module').click();
  await page.locator('[data-testid="project-item"][data-name="New common module"][aria-current="true"]').waitFor();
  await page.locator('[data-testid="dock-tab"][data-tab="problems"]').click();
  await problems(page, 'unused-module', 'New common module').waitFor();

  // Renaming the module renames the calls to it: the callers stay whole.
  await item(page, 'Verify Caller').locator('button').click();
  await page.getByTestId('project-rename').click();
  const rename = page.getByTestId('project-rename-input');
  await rename.fill('Verify Customer');
  await rename.press('Enter');
  await item(page, 'Verify Customer').waitFor();
  assert.equal(await problems(page, 'unknown-module').count(), 0);
  await item(page, 'Support Line').locator('button').click();
  await page.locator('[data-testid="node"][data-node-id="verify"]').click();
  assert.match(await page.getByTestId('invoke-module').textContent(), /Verify Customer/);

  // Duplicate, then delete the copy.
  await page.getByTestId('project-duplicate').click();
  await item(page, 'Support Line (copy)').waitFor();
  await page.getByTestId('project-delete').click();
  await item(page, 'Support Line (copy)').waitFor({ state: 'detached' });

  // Undo walks back through the project's edits: the copy returns, then the old module name.
  await page.getByTestId('undo').click();
  await item(page, 'Support Line (copy)').waitFor();
  await page.getByTestId('undo').click();
  await item(page, 'Support Line (copy)').waitFor({ state: 'detached' });
  await page.getByTestId('undo').click();
  await item(page, 'Verify Caller').waitFor();
  assert.equal(await page.getByTestId('project-item').count(), 4);

  // The project is kept in the browser: a reload opens it again, all four flows.
  await page.waitForTimeout(500);
  await page.reload();
  await item(page, 'New common module').waitFor();
  assert.equal(await page.getByTestId('project-item').count(), 4);
  assert.deepEqual(errors, []);
  await context.close();
});

test('author a module with an input and an output, call it from two flows, rename its input, undo', async () => {
  const { page, errors, context } = await openApp(app.browser, app.server.url);
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.getByTestId('new').click();
  await item(page, 'New inbound flow').waitFor();

  // The module: one input, one output.
  await page.getByTestId('project-add-module').click();
  await page.locator('[data-testid="project-item"][data-name="New common module"][data-kind="commonmodule"][aria-current="true"]').waitFor();
  await showFlowInspector(page);
  for (const [name, flag] of [['customerId', 'variable-input'], ['verified', 'variable-output']]) {
    await page.getByTestId('new-variable-name').fill(name);
    await page.getByTestId('add-variable').click();
    const row = page.locator(`[data-testid="variable"][data-name="Common.${name}"]`);
    await row.getByTestId(flag).check();
  }
  await page.locator('[data-testid="variable"][data-name="Common.customerId"] [data-testid="variable-input"]:checked').waitFor();

  // Two inbound flows call it, each passing the caller's number.
  await page.getByTestId('project-add-flow').click();
  for (const flow of ['New inbound flow', 'New inbound flow 2']) {
    await item(page, flow).locator('button').click();
    await page.locator(`[data-testid="project-item"][data-name="${flow}"][aria-current="true"]`).waitFor();
    await dropFromPalette(page, 'invoke', 0.5, 0.5);
    await page.locator('[data-testid="node"][data-node-id="invoke"]').click();
    await page.getByTestId('module-search').fill('New common');
    await page.locator('[data-testid="module-option"][data-module="New common module"]').click();
    const value = page.locator('[data-testid="input-expression"][data-input="Common.customerId"]');
    await value.fill('Call.Ani');
    await value.press('Enter');
  }
  await page.locator('[data-testid="dock-tab"][data-tab="problems"]').click();
  assert.equal(await problems(page, 'unknown-input').count(), 0);
  assert.equal(await problems(page, 'unused-module').count(), 0, 'both flows call the module');

  // Rename the module's input: both callers report the input they pass; one undo clears both.
  await item(page, 'New common module').locator('button').click();
  await showFlowInspector(page);
  const name = page.locator('[data-testid="variable"][data-name="Common.customerId"]').getByTestId('variable-name');
  await name.fill('Common.accountId');
  await name.press('Enter');
  for (const flow of ['New inbound flow', 'New inbound flow 2']) {
    await problems(page, 'unknown-input', flow).waitFor();
  }
  await page.getByTestId('undo').click();
  await page.locator('[data-testid="variable"][data-name="Common.customerId"]').waitFor();
  assert.equal(await problems(page, 'unknown-input').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});
