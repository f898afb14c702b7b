// The designer in real Chromium with real pointer events: build the seed 002 flow from an empty
// canvas, map the module, watch problems come and go, undo/redo, copy the YAML, import safely,
// survive a reload, render markup as text, and connect from the keyboard.
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

const center = async (locator) => {
  const box = await locator.boundingBox();
  assert.ok(box, 'element is visible');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
};

/** A real pointer drag: press, move in steps, release. */
async function drag(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.mouse.up();
}

const node = (page, id) => page.locator(`[data-testid="node"][data-node-id="${id}"]`);
const port = (page, id, name) => page.locator(`[data-testid="port"][data-node-id="${id}"][data-port="${name}"] circle`);
const problems = (page, code) => page.locator(`[data-testid="problem"][data-code="${code}"]`);

async function dropFromPalette(page, kind, at) {
  const item = page.locator(`[data-testid="palette-item"][data-kind="${kind}"]`);
  await drag(page, await center(item), at);
}

async function canvasPoint(page, fx, fy) {
  const box = await page.getByTestId('canvas').boundingBox();
  return { x: box.x + box.width * fx, y: box.y + box.height * fy };
}

async function connect(page, fromId, portName, toId) {
  await drag(page, await center(port(page, fromId, portName)), await center(node(page, toId).locator('.cf-node__box')));
  await page.locator(`[data-testid="edge"][data-from="${fromId}"][data-port="${portName}"][data-to="${toId}"]`).waitFor();
}

async function freshFlow(page) {
  await page.getByTestId('new').click();
  await node(page, 'start').waitFor();
  assert.equal(await page.getByTestId('node').count(), 1);
}

test('builds the seed 002 flow from an empty canvas by dragging', async () => {
  const { page, errors, context } = await openApp(browser, server.url, { permissions: ['clipboard-read', 'clipboard-write'] });
  await freshFlow(page);
  // The catalog first, so the module can be picked.
  await page.getByTestId('load-demo-catalog').click();

  await dropFromPalette(page, 'invoke', await canvasPoint(page, 0.45, 0.45));
  await dropFromPalette(page, 'transfer', await canvasPoint(page, 0.75, 0.3));
  await dropFromPalette(page, 'disconnect', await canvasPoint(page, 0.75, 0.7));
  assert.equal(await page.getByTestId('node').count(), 4);
  await node(page, 'invoke').waitFor();
  assert.match(await node(page, 'invoke').textContent(), /Call common module \(shared flow\)/);

  // A problem appears the moment it exists: the invoke has no module and no complete path yet.
  await problems(page, 'unknown-module').waitFor();
  await problems(page, 'missing-path').first().waitFor();

  await connect(page, 'start', 'next', 'invoke');
  await connect(page, 'invoke', 'complete', 'transfer');
  await connect(page, 'invoke', 'error', 'disconnect');

  // Pick the module and map its required input in the inspector.
  await node(page, 'invoke').locator('.cf-node__box').click();
  await page.getByTestId('module-search').fill('verify');
  await page.locator('[data-testid="module-option"][data-module="Verify Caller"]').click();
  await page.locator('[data-testid="input-expression"][data-input="Common.callerId"]').waitFor();
  await problems(page, 'missing-required-input').waitFor();
  await page.locator('[data-testid="input-expression"][data-input="Common.callerId"]').fill('Call.Ani');
  await page.locator('[data-testid="input-expression"][data-input="Common.callerId"]').press('Enter');
  await problems(page, 'missing-required-input').waitFor({ state: 'detached' });

  // The queue.
  await node(page, 'transfer').locator('.cf-node__box').click();
  await page.getByTestId('field-queue').fill('Support');
  await page.getByTestId('field-queue').press('Enter');

  await page.getByText('No problems: ready to export.').waitFor();
  await page.screenshot({ path: join(artifacts, 'seed-002-built.png') });

  // Copy the Archy YAML and read it back from the clipboard.
  await page.getByTestId('export').click();
  await page.locator('[data-testid="export-tab"][data-format="archy"]').click();
  await page.getByTestId('copy').click();
  await page.getByTestId('copied').waitFor();
  const clipboard = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(clipboard, /callCommonModule:/);
  assert.match(clipboard, /Verify Caller:\n\s+ver_latestPublished:/);
  assert.match(clipboard, /Common\.callerId:\n\s+exp: Call\.Ani/);
  assert.match(clipboard, /transferToAcd:/);
  await page.screenshot({ path: join(root, 'docs/screenshot.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a problem vanishes when fixed, and clicking one selects its node', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await page.getByTestId('template-select').selectOption('seed-002-verify-then-queue.flow.json');
  await page.getByText('No problems: ready to export.').waitFor();
  await node(page, 'queue').locator('.cf-node__box').click();
  await page.getByTestId('field-queue').fill('Suport');
  await page.getByTestId('field-queue').press('Enter');
  const problem = problems(page, 'missing-queue');
  await problem.waitFor();
  assert.match(await problem.textContent(), /did you mean "Support"\?/);
  assert.match(await node(page, 'queue').getAttribute('class'), /cf-node--error/);

  await page.locator('.cf-canvas__background').click({ position: { x: 5, y: 5 } });
  assert.equal(await node(page, 'queue').getAttribute('aria-pressed'), 'false');
  await problem.click();
  assert.equal(await node(page, 'queue').getAttribute('aria-pressed'), 'true');

  await page.getByTestId('field-queue').fill('Support');
  await page.getByTestId('field-queue').press('Enter');
  await problem.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('undo and redo, one step per gesture', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await freshFlow(page);
  await dropFromPalette(page, 'play', await canvasPoint(page, 0.5, 0.5));
  await node(page, 'play').waitFor();
  const before = await node(page, 'play').getAttribute('transform');
  await drag(page, await center(node(page, 'play').locator('.cf-node__header')), await canvasPoint(page, 0.6, 0.7));
  assert.notEqual(await node(page, 'play').getAttribute('transform'), before);

  await page.keyboard.press('Control+z');
  assert.equal(await node(page, 'play').getAttribute('transform'), before);
  await page.getByTestId('undo').click();
  await node(page, 'play').waitFor({ state: 'detached' });
  await page.keyboard.press('Control+Shift+z');
  await node(page, 'play').waitFor();
  await page.getByTestId('redo').click();
  assert.notEqual(await node(page, 'play').getAttribute('transform'), before);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a bad import leaves the flow unchanged and says what and where', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await page.getByTestId('template-select').selectOption('business-hours-menu.flow.json');
  await node(page, 'main').waitFor();
  const count = await page.getByTestId('node').count();
  await page.getByTestId('open-file').setInputFiles({ name: 'broken.flow.json', mimeType: 'application/json', buffer: Buffer.from('{\n  "format": "callflow/v1",\n  "flow": {\n') });
  const notice = page.getByTestId('notice');
  await notice.waitFor();
  assert.match(await notice.textContent(), /line \d+, column \d+/);
  assert.match(await notice.textContent(), /unchanged/);
  assert.equal(await page.getByTestId('node').count(), count);

  // A tutorial graph opens through the doctor's conversion.
  const graph = { name: 'From a tutorial', start_node_id: 's', nodes: [{ id: 's', type: 'start' }, { id: 'i', type: 'invoke', action: { flow_id: 'x' } }, { id: 'h', type: 'hangup' }], edges: [{ from_node_id: 's', to_node_id: 'i', type: 'TRANSITION' }, { from_node_id: 'i', to_node_id: 'h', type: 'ON_COMPLETE' }] };
  await page.getByTestId('open-file').setInputFiles({ name: 'graph.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(graph)) });
  await node(page, 'i').waitFor();
  assert.equal(await node(page, 'i').getAttribute('data-kind'), 'invoke');
  await problems(page, 'unknown-module').waitFor();

  // Anything else goes to the doctor; the flow stays.
  await page.getByTestId('open-file').setInputFiles({ name: 'launch.json', mimeType: 'application/json', buffer: Buffer.from('{"flowId": "f", "inputs": {"customerId": "C-1"}}') });
  await page.locator('[data-testid="doctor-finding"][data-code="execution-inputs-field"]').waitFor();
  assert.match(await page.getByTestId('doctor-fixed').textContent(), /"Flow.customerId": "C-1"/);
  await node(page, 'i').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('reload restores the flow from local storage', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await freshFlow(page);
  await dropFromPalette(page, 'decision', await canvasPoint(page, 0.5, 0.4));
  await node(page, 'decision').waitFor();
  await page.reload();
  await node(page, 'decision').waitFor();
  assert.equal(await page.getByTestId('node').count(), 2);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a label with markup shows as text and runs nothing', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  let dialogs = 0;
  page.on('dialog', async (dialog) => { dialogs += 1; await dialog.dismiss(); });
  await page.getByTestId('template-select').selectOption('seed-002-verify-then-queue.flow.json');
  await node(page, 'auth').locator('.cf-node__box').click();
  await page.getByTestId('field-label').fill('<img src=x onerror=alert(1)>');
  await page.getByTestId('field-label').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-node-id="auth"] .cf-node__label')?.textContent.includes('<img'));
  assert.equal(await page.locator('.cf-canvas img, .cf-inspector img').count(), 0);
  await page.waitForTimeout(200);
  assert.equal(dialogs, 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('keyboard only: add a node and connect a port to it', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await freshFlow(page);
  await page.locator('[data-testid="palette-item"][data-kind="disconnect"]').focus();
  await page.keyboard.press('Enter');
  await node(page, 'disconnect').waitFor();
  await node(page, 'start').focus();
  await page.keyboard.press('Enter');
  // A target that names no node is refused with a message, and the field goes back to its value.
  const target = page.locator('[data-testid="connect-target"][data-port="next"]');
  await target.focus();
  await page.keyboard.type('nowhere');
  await page.keyboard.press('Enter');
  await page.getByTestId('notice').filter({ hasText: 'No node has the id “nowhere”' }).waitFor();
  assert.equal(await target.inputValue(), '');
  // The field suggests the flow's nodes while it has the focus; typing an id and Enter connects.
  await target.focus();
  assert.ok((await page.locator('#cf-connect-targets option[value="disconnect"]').count()) === 1);
  await page.keyboard.type('disconnect');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="edge"][data-from="start"][data-to="disconnect"]').waitFor();
  assert.equal(await target.inputValue(), 'disconnect');
  await page.getByText('No problems: ready to export.').waitFor();
  // Arrows move the selection by one grid step.
  await node(page, 'disconnect').focus();
  const before = await node(page, 'disconnect').getAttribute('transform');
  await page.keyboard.press('ArrowRight');
  assert.notEqual(await node(page, 'disconnect').getAttribute('transform'), before);
  assert.deepEqual(errors, []);
  await context.close();
});

test('moving one node re-renders that node and its edges, not the flow', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await page.getByTestId('template-select').selectOption('three-modules.flow.json');
  await node(page, 'account').waitFor();
  await page.evaluate(() => {
    window.__mutations = [];
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        const owner = r.target.closest?.('[data-testid="node"], [data-testid="edge"]');
        window.__mutations.push({
          type: r.type,
          attribute: r.attributeName,
          owner: owner ? `${owner.dataset.testid}:${owner.dataset.nodeId ?? `${owner.dataset.from}->${owner.dataset.to}`}` : r.target.nodeName,
        });
      }
    });
    observer.observe(document.querySelector('[data-testid="canvas"]'), { subtree: true, attributes: true, childList: true, characterData: true });
  });
  const start = await center(node(page, 'account').locator('.cf-node__header'));
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + 30, start.y + 60, { steps: 6 });
  const during = await page.evaluate(() => window.__mutations.splice(0));
  await page.mouse.up();
  const owners = new Set(during.map((m) => m.owner));
  // Only the dragged node and the edges into and out of it changed while dragging.
  const allowed = new Set(['node:account', 'edge:verify->account', 'edge:account->survey', 'edge:account->oops']);
  for (const owner of owners) assert.ok(allowed.has(owner), `unexpected re-render of ${owner}: ${JSON.stringify([...owners])}`);
  assert.ok(owners.has('node:account'));
  assert.ok(during.every((m) => m.type === 'attributes'), 'no elements were created or removed during the drag');
  assert.deepEqual(errors, []);
  await context.close();
});

test('light and dark themes follow the system, with a toggle', async () => {
  const { page, errors, context } = await openApp(browser, server.url, { colorScheme: 'dark' });
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await background(), 'rgb(18, 21, 28)');
  await page.getByTestId('theme').click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  assert.equal(await background(), 'rgb(244, 246, 249)');
  await page.getByTestId('theme').click();
  assert.equal(await background(), 'rgb(18, 21, 28)');
  await page.screenshot({ path: join(artifacts, 'dark.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a click on a port connects nothing; Shift-click removes a node from the selection; Tab keeps moving through the inspector', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await page.getByTestId('template-select').selectOption('seed-002-verify-then-queue.flow.json');
  await node(page, 'auth').waitFor();
  const edges = await page.getByTestId('edge').count();
  // The port's label lies inside its own node: clicking it must not connect the node to itself.
  await page.locator('[data-testid="port"][data-node-id="auth"][data-port="complete"] text').click();
  await page.locator('[data-testid="port"][data-node-id="auth"][data-port="error"] circle').click();
  assert.equal(await page.getByTestId('edge').count(), edges);
  await page.locator('[data-testid="edge"][data-from="auth"][data-port="complete"][data-to="queue"]').waitFor();
  assert.equal(await page.getByTestId('undo').isDisabled(), true, 'a click made no undo step');
  // Shift-click adds to the selection and, on a selected node, removes it again.
  await node(page, 'auth').locator('.cf-node__box').click();
  await node(page, 'queue').locator('.cf-node__box').click({ modifiers: ['Shift'] });
  assert.equal(await page.locator('[data-testid="node"][aria-pressed="true"]').count(), 2);
  await node(page, 'queue').locator('.cf-node__box').click({ modifiers: ['Shift'] });
  assert.deepEqual(
    await page.locator('[data-testid="node"][aria-pressed="true"]').evaluateAll((all) => all.map((n) => n.dataset.nodeId)),
    ['auth'],
  );
  // Committing a field with Tab keeps the focus moving through the inspector.
  await node(page, 'queue').locator('.cf-node__box').click();
  await page.getByTestId('field-label').fill('To support');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'field-queue');
  await page.keyboard.press('End');
  await page.keyboard.type(' desk');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'connect-target');
  assert.equal(await page.getByTestId('field-queue').inputValue(), 'Support desk');
  await page.waitForFunction(() => document.querySelector('[data-node-id="queue"] .cf-node__label')?.textContent === 'To support');
  // A refused rename says why, and the field goes back to the node's id.
  await page.getByTestId('field-id').fill('auth');
  await page.getByTestId('field-id').press('Enter');
  await page.getByTestId('notice').filter({ hasText: 'already in use' }).waitFor();
  assert.equal(await page.getByTestId('field-id').inputValue(), 'queue');
  // The wheel zooms at the cursor, also in the middle of a pan, and the pan keeps the zoom.
  const spot = await canvasPoint(page, 0.05, 0.95);
  const zoomBefore = await page.getByTestId('zoom-level').textContent();
  await page.mouse.move(spot.x, spot.y);
  await page.mouse.down();
  await page.mouse.move(spot.x + 10, spot.y - 10);
  await page.mouse.wheel(0, -300);
  await page.mouse.move(spot.x + 30, spot.y - 20);
  await page.mouse.up();
  assert.notEqual(await page.getByTestId('zoom-level').textContent(), zoomBefore);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the menu form: add a choice, edit it in place, see a repeated digit under the menu, undo', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await page.getByTestId('template-select').selectOption('business-hours-menu.flow.json');
  await node(page, 'main').waitFor();
  await node(page, 'main').locator('.cf-node__header').click();
  const digits = page.locator('[data-testid="inspector"] input[aria-label="Digit"]');
  const labels = page.locator('[data-testid="inspector"] input[aria-label="Choice label"]');
  const values = (inputs) => inputs.evaluateAll((all) => all.map((input) => input.value));
  assert.deepEqual(await values(digits), ['1', '2', '*']);
  await page.getByRole('button', { name: 'Add choice' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="inspector"] input[aria-label="Digit"]').length === 4);
  assert.deepEqual(await values(digits), ['1', '2', '*', '3']);
  // Editing a row keeps the focus moving: the row is updated in place, not rebuilt.
  await labels.nth(3).fill('Sales');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Remove choice');
  assert.equal(await labels.nth(3).inputValue(), 'Sales');
  // A repeated digit is reported under the menu's choices.
  await digits.nth(3).fill('1');
  await digits.nth(3).press('Enter');
  await page.locator('[data-testid="inspector"] .cf-field__problem').filter({ hasText: 'digit 1 is used by choice 1 and choice 4' }).waitFor();
  // Undo brings the rows back to what the document holds.
  await page.getByTestId('undo').click();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="inspector"] input[aria-label="Digit"]')].map((i) => i.value).join() === '1,2,*,3');
  assert.equal(await page.locator('[data-testid="inspector"] .cf-field__problem').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the invoke form updates in place: Tab keeps moving, undo shows the old mapping', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await page.getByTestId('template-select').selectOption('seed-002-verify-then-queue.flow.json');
  await node(page, 'auth').locator('.cf-node__header').click();
  const callerId = page.locator('[data-testid="input-expression"][data-input="Common.callerId"]');
  const customerId = page.locator('[data-testid="input-expression"][data-input="Common.customerId"]');
  assert.equal(await callerId.inputValue(), 'Call.Ani');
  await callerId.fill('Call.Dnis');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.input), 'Common.customerId');
  assert.equal(await callerId.inputValue(), 'Call.Dnis');
  await customerId.fill('"C-1"');
  await page.keyboard.press('Tab');
  // The output keeps its variable; a new variable is declared and mapped in one step.
  const verified = page.locator('[data-testid="output-target"][data-output="Common.verified"]');
  assert.equal(await verified.inputValue(), 'Flow.verified');
  await page.locator('[data-testid="output-target"][data-output="Common.customerName"] + [data-testid="declare-output"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="output-target"][data-output="Common.customerName"]')?.value === 'Flow.customerName');
  // Undo, one step at a time, shows each earlier mapping in the same fields.
  await page.getByTestId('undo').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="output-target"][data-output="Common.customerName"]')?.value === '');
  await page.getByTestId('undo').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="input-expression"][data-input="Common.customerId"]')?.value === '');
  await page.getByTestId('undo').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="input-expression"][data-input="Common.callerId"]')?.value === 'Call.Ani');
  assert.equal(await verified.inputValue(), 'Flow.verified');
  assert.deepEqual(errors, []);
  await context.close();
});

test('copy and paste keep the edges inside the selection; box select picks nodes', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await page.getByTestId('template-select').selectOption('seed-002-verify-then-queue.flow.json');
  await node(page, 'auth').waitFor();
  await node(page, 'auth').locator('.cf-node__box').click();
  await node(page, 'queue').locator('.cf-node__box').click({ modifiers: ['Shift'] });
  assert.equal(await page.locator('[data-testid="node"][aria-pressed="true"]').count(), 2);
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await node(page, 'auth2').waitFor();
  await node(page, 'queue2').waitFor();
  // The complete edge between the two copied nodes came along; the edges to outside nodes did not.
  await page.locator('[data-testid="edge"][data-from="auth2"][data-port="complete"][data-to="queue2"]').waitFor();
  assert.equal(await page.locator('[data-testid="edge"][data-from="auth2"][data-port="error"]').count(), 0);
  assert.equal(await page.getByTestId('node').count(), 6);
  // One undo step removes the whole paste.
  await page.keyboard.press('Control+z');
  await node(page, 'auth2').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('node').count(), 4);

  // Shift-drag on the background selects with a box.
  const a = await center(node(page, 'queue').locator('.cf-node__box'));
  const b = await center(node(page, 'bye').locator('.cf-node__box'));
  await page.keyboard.down('Shift');
  await drag(page, { x: a.x - 120, y: a.y - 60 }, { x: b.x + 120, y: b.y + 60 });
  await page.keyboard.up('Shift');
  const selected = await page.locator('[data-testid="node"][aria-pressed="true"]').evaluateAll((els) => els.map((e) => e.dataset.nodeId).sort());
  assert.deepEqual(selected, ['bye', 'queue']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('pasting a flow document with Ctrl+V opens it; export text can still be selected and copied', async () => {
  const { page, errors, context } = await openApp(browser, server.url, { permissions: ['clipboard-read', 'clipboard-write'] });
  await freshFlow(page);
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(join(root, 'public/templates/data-action-lookup.flow.json'), 'utf8');
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await node(page, 'start').focus();
  await page.keyboard.press('Control+v');
  await node(page, 'lookup').waitFor();
  assert.equal(await node(page, 'lookup').getAttribute('data-kind'), 'dataAction');

  // Ctrl+C in the export panel copies the selected text, not nodes.
  await page.getByTestId('export').click();
  await page.getByTestId('export-text').click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+c');
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /callData:/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a step from the kind table: drop a collect input, fill its fields, find them in the Archy export', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await freshFlow(page);
  for (const [kind, fx, fy] of [['collectInput', 0.4, 0.4], ['disconnect', 0.7, 0.4]]) {
    const item = page.locator(`[data-testid="palette-item"][data-kind="${kind}"]`);
    await item.scrollIntoViewIfNeeded();
    await dropFromPalette(page, kind, await canvasPoint(page, fx, fy));
    await node(page, kind).waitFor();
  }
  await connect(page, 'start', 'next', 'collectInput');
  await connect(page, 'collectInput', 'success', 'disconnect');
  await node(page, 'collectInput').locator('.cf-node__header').click();
  await page.getByTestId('field-prompt').fill('Enter your account number.');
  await page.getByTestId('field-prompt').press('Enter');
  await page.getByTestId('field-variable').fill('Flow.account');
  await page.getByTestId('field-variable').press('Enter');
  await page.getByTestId('field-max-digits').fill('8');
  await page.getByTestId('field-max-digits').press('Enter');
  await page.locator('[data-testid="dock-tab"][data-tab="export"]').click();
  await page.locator('[data-testid="export-tab"][data-format="archy"]').click();
  const yaml = await page.getByTestId('export-text').textContent();
  for (const line of ['- collectInput:', 'var: Flow.account', 'min: 1', 'max: 8', 'tts: Enter your account number.', 'verificationType: none']) {
    assert.ok(yaml.includes(line), `the export has "${line}":\n${yaml}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
