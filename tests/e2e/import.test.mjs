// Archy import in real Chromium: drop a YAML file written in the shapes of real Architect exports
// on the canvas, see its tasks and menus laid out, edit one prompt, and find in the Archy export
// that edit and nothing else changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { servedApp, openApp, root } from './harness.mjs';

const app = servedApp();

const node = (page, id) => page.locator(`[data-testid="node"][data-node-id="${id}"]`);

async function archyExport(page) {
  await page.locator('[data-testid="dock-tab"][data-tab="export"]').click();
  await page.locator('[data-testid="export-tab"][data-format="archy"]').click();
  const text = page.getByTestId('export-text');
  await text.waitFor();
  return (await text.textContent()) ?? '';
}

test('a dropped Archy file opens laid out, and an edit changes only itself in the export', async () => {
  const { page, errors, context } = await openApp(app.browser, app.server.url);
  await page.setViewportSize({ width: 1920, height: 1200 });
  const yaml = await readFile(join(root, 'crates/callflow-core/tests/fixtures/import/business-hours-ivr.yaml'), 'utf8');

  // A real drop event carrying the file, as the operating system's drag would deliver it.
  const dataTransfer = await page.evaluateHandle((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'acme-main-line.yaml', { type: 'application/yaml' }));
    return transfer;
  }, yaml);
  await page.dispatchEvent('[data-testid="canvas"]', 'dragover', { dataTransfer });
  await page.dispatchEvent('[data-testid="canvas"]', 'drop', { dataTransfer });
  await node(page, 'task_Startup_10').waitFor();
  assert.match(await page.getByTestId('notice').textContent(), /Imported the Archy flow "Acme Main Line"/);

  // Its two tasks and its menu, each heading a region of its own, none on top of another node.
  assert.equal(await page.locator('[data-testid="node"][data-kind="task"]').count(), 2);
  assert.equal(await page.locator('[data-testid="node"][data-kind="menu"]').count(), 1);
  const boxes = [];
  for (const element of await page.getByTestId('node').all()) boxes.push(await element.boundingBox());
  assert.ok(boxes.length >= 15, `most of the flow is on screen (${boxes.length} nodes)`);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      assert.ok(!overlap, `nodes ${i} and ${j} overlap`);
    }
  }
  const startup = await node(page, 'task_Startup_10').boundingBox();
  const account = await node(page, 'task_Account_Lookup_12').boundingBox();
  assert.ok(account.y > startup.y, 'each task starts a region below the one before');
  // A sound real flow checks clean (and the export below is not refused).
  await page.locator('[data-testid="dock-tab"][data-tab="problems"]').click();
  assert.equal(await page.locator('[data-testid="problem"][data-severity="error"]').count(), 0);

  const before = (await archyExport(page)).split('\n');
  assert.ok(before.some((line) => line.includes('targetTaskRef: /inboundCall/tasks/task[Account Lookup_12]')));
  assert.ok(before.some((line) => line.includes('verificationType: none')), 'a kept action is written back');

  // Edit one prompt in the inspector.
  await node(page, 'playAudio_Emergency_notice').click();
  const prompt = page.getByTestId('field-prompt');
  await prompt.fill('We are closed today.');
  await prompt.press('Enter');

  const afterEdit = (await archyExport(page)).split('\n');
  assert.equal(afterEdit.length, before.length);
  const changed = afterEdit.map((line, i) => [before[i], line]).filter(([a, b]) => a !== b);
  assert.deepEqual(changed, [['                    tts: We are closed due to an emergency.', '                    tts: We are closed today.']]);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a broken YAML file is refused with its line, and the flow stays', async () => {
  const { page, errors, context } = await openApp(app.browser, app.server.url);
  const count = await page.getByTestId('node').count();
  await page.getByTestId('open-file').setInputFiles({
    name: 'broken.yaml',
    mimeType: 'application/yaml',
    buffer: Buffer.from('inboundCall:\n  name: Broken\n  tasks:\n    - task: [unclosed\n'),
  });
  // The import runs in its worker: the notice says "Importing…" first, then why nothing opened.
  const notice = page.getByTestId('notice');
  await page.waitForFunction(() => /Nothing was imported/.test(document.querySelector('[data-testid="notice"]')?.textContent ?? ''));
  assert.match(await notice.textContent(), /line \d+, column \d+/);
  assert.match(await notice.textContent(), /unchanged/);
  assert.equal(await page.getByTestId('node').count(), count);
  assert.deepEqual(errors, []);
  await context.close();
});
