// The workshop kit in real Chromium: tidy a scrambled template, present a flow and step through
// it with the arrow keys, and download it as SVG and PNG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { servedApp, openApp, root, artifacts } from './harness.mjs';

const app = servedApp();

/** Opens the app on a template and waits for one of its nodes. */
async function openTemplate(file, nodeId) {
  const opened = await openApp(app.browser, app.server.url);
  await opened.page.getByTestId('template-select').selectOption(file);
  await opened.page.locator(`[data-testid="node"][data-node-id="${nodeId}"]`).waitFor();
  return opened;
}

/** Escape leaves presentation mode. */
async function leavePresentation(page) {
  await page.keyboard.press('Escape');
  await page.getByTestId('presenter').waitFor({ state: 'detached' });
}

/** Every node on the canvas: id, top-left corner and box size, from the DOM. */
async function boxes(page) {
  return page.locator('[data-testid="node"]').evaluateAll((nodes) =>
    nodes.map((node) => {
      const [, x, y] = node.getAttribute('transform').match(/translate\(([-\d.]+) ([-\d.]+)\)/);
      const box = node.querySelector('.cf-node__box');
      return { id: node.dataset.nodeId, x: Number(x), y: Number(y), w: Number(box.getAttribute('width')), h: Number(box.getAttribute('height')) };
    }),
  );
}

/** Opens the business-hours template with every node thrown into one small corner. */
async function openScrambled(page) {
  const template = JSON.parse(await readFile(join(root, 'public/templates/business-hours-menu.flow.json'), 'utf8'));
  template.flow.nodes.forEach((node, i) => {
    node.x = 40 + ((i * 37) % 5) * 30;
    node.y = 40 + ((i * 53) % 7) * 25;
  });
  template.flow.name = 'Scrambled hours';
  await page.getByTestId('open-file').setInputFiles({ name: 'scrambled.flow.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(template)) });
  await page.locator('[data-testid="node"][data-node-id="main"]').waitFor();
  return template;
}

function overlapping(list) {
  const pairs = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const [a, b] = [list[i], list[j]];
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) pairs.push(`${a.id}/${b.id}`);
    }
  }
  return pairs;
}

test('tidy a scrambled template: no two nodes overlap, the happy path is level, one undo step', async () => {
  const { page, errors, context } = await openApp(app.browser, app.server.url);
  const template = await openScrambled(page);
  const before = await boxes(page);
  assert.ok(overlapping(before).length > 5, 'the scrambled flow starts tangled');

  await page.getByTestId('tidy').click();
  // The tidied positions are drawn within a frame or two; read them once nothing overlaps.
  let after = [];
  for (let tries = 0; tries < 50; tries++) {
    after = await boxes(page);
    if (after.length === template.flow.nodes.length && overlapping(after).length === 0) break;
    await page.waitForTimeout(50);
  }
  assert.equal(after.length, template.flow.nodes.length, 'every node is in view after the tidy');
  assert.deepEqual(overlapping(after), [], 'no two nodes overlap');
  const at = Object.fromEntries(after.map((b) => [b.id, b]));
  // The happy path of this template: open hours → welcome → menu 1 → account found → the queue.
  const happy = ['start', 'hours', 'welcome', 'main', 'account', 'lookup', 'toSupport'];
  for (let i = 1; i < happy.length; i++) {
    assert.equal(at[happy[i]].y, at.start.y, `${happy[i]} is on the happy row`);
    assert.ok(at[happy[i]].x > at[happy[i - 1]].x, `${happy[i]} is right of ${happy[i - 1]}`);
  }
  for (const box of after) assert.ok(box.y >= at.start.y, `${box.id} is not above the happy row`);
  // Branches below, and the error-only hang-up below every branch it is reached from.
  assert.ok(at.closed.y > at.start.y && at.toBilling.y > at.start.y);

  await page.screenshot({ path: join(artifacts, 'tidy.png') });
  // Tidying a tidy flow moves nothing and adds no undo step, so one undo puts every node back.
  await page.getByTestId('tidy').click();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.deepEqual(await boxes(page), after, 'a second tidy moves nothing');
  await page.getByTestId('undo').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="node"]').length > 0
    && [...document.querySelectorAll('[data-testid="node"]')].every((n) => /translate\(\d{2,3}(\.\d)? \d{2,3}(\.\d)?\)/.test(n.getAttribute('transform'))));
  const undone = Object.fromEntries((await boxes(page)).map((b) => [b.id, b]));
  for (const box of before) assert.deepEqual([undone[box.id].x, undone[box.id].y], [box.x, box.y], `${box.id} is back`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('present and step with the arrow keys; nothing can be edited; Escape leaves', async () => {
  const { page, errors, context } = await openTemplate('seed-002-verify-then-queue.flow.json', 'auth');
  const zoomBefore = await page.getByTestId('zoom-level').textContent();

  await page.getByTestId('present').click();
  await page.getByTestId('presenter').waitFor();
  for (const hidden of ['.cf-toolbar', '.cf-palette', '.cf-inspector', '.cf-dock']) {
    assert.equal(await page.locator(hidden).isVisible(), false, `${hidden} is hidden`);
  }
  const label = page.getByTestId('presenter-label');
  const position = page.getByTestId('presenter-position');
  await position.filter({ hasText: /^1 \// }).waitFor();
  const total = Number((await position.textContent()).split(' / ')[1]);
  assert.equal(total, await page.locator('[data-testid="node"]').count(), 'every node is a step');
  const selected = () => page.locator('[data-testid="node"].cf-node--selected').getAttribute('data-node-id');
  assert.equal(await selected(), 'start');

  // → steps along the happy path (start → verify → the queue), each node centred.
  const seen = [await label.textContent()];
  for (let i = 1; i < total; i++) {
    await page.keyboard.press('ArrowRight');
    await position.filter({ hasText: new RegExp(`^${i + 1} /`) }).waitFor();
    seen.push(await label.textContent());
    const id = await selected();
    const box = await page.locator(`[data-testid="node"][data-node-id="${id}"] .cf-node__box`).boundingBox();
    const stage = await page.getByTestId('canvas').boundingBox();
    assert.ok(Math.abs(box.x + box.width / 2 - (stage.x + stage.width / 2)) < 4, `${id} is centred across`);
    assert.ok(box.y > stage.y && box.y + box.height < stage.y + stage.height, `${id} is on screen`);
    assert.ok(box.width > 168 * 1.5, 'nodes are drawn larger');
  }
  assert.equal(new Set(seen).size, total, `each step shows another node (${seen.join(', ')})`);
  await page.keyboard.press('ArrowRight');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.match(await position.textContent(), new RegExp(`^${total} /`), 'the last step stays');
  await page.keyboard.press('ArrowLeft');
  await position.filter({ hasText: new RegExp(`^${total - 1} /`) }).waitFor();
  await page.keyboard.press('Home');
  await position.filter({ hasText: /^1 \// }).waitFor();

  await page.keyboard.press('ArrowRight');
  await position.filter({ hasText: /^2 \// }).waitFor();
  await page.screenshot({ path: join(root, 'docs/present.png') });
  // Read-only: Delete does not remove the highlighted node, and a drag moves nothing.
  const highlighted = await selected();
  const before = await page.locator(`[data-testid="node"][data-node-id="${highlighted}"]`).getAttribute('transform');
  await page.keyboard.press('Delete');
  await page.getByTestId('presenter-notice').filter({ hasText: 'being presented' }).waitFor();
  const header = await page.locator(`[data-testid="node"][data-node-id="${highlighted}"] .cf-node__header`).boundingBox();
  await page.mouse.move(header.x + 20, header.y + 10);
  await page.mouse.down();
  await page.mouse.move(header.x + 120, header.y + 90, { steps: 5 });
  await page.mouse.up();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.equal(await page.locator(`[data-testid="node"][data-node-id="${highlighted}"]`).count(), 1, `${highlighted} is still there`);
  assert.equal(await page.locator(`[data-testid="node"][data-node-id="${highlighted}"]`).getAttribute('transform'), before, 'nothing moved');
  assert.equal(await page.getByTestId('undo').isDisabled(), true, 'nothing entered the history');

  await leavePresentation(page);
  assert.equal(await page.locator('.cf-toolbar').isVisible(), true);
  assert.equal(await page.getByTestId('zoom-level').textContent(), zoomBefore, 'the view is put back');
  assert.deepEqual(errors, []);
  await context.close();
});

test('present a simulated call: the arrows follow the call', async () => {
  const { page, errors, context } = await openTemplate('seed-002-verify-then-queue.flow.json', 'auth');
  await page.locator('[data-testid="dock-tab"][data-tab="simulate"]').click();
  await page.getByTestId('sim-start').click();
  await page.locator('[data-testid="sim-outcome"][data-port="error"]').click();
  await page.getByTestId('sim-ended').waitFor();
  await page.getByTestId('present').click();
  await page.getByTestId('presenter').filter({ hasText: 'the simulated call' }).waitFor();
  const position = page.getByTestId('presenter-position');
  const total = Number((await position.textContent()).split(' / ')[1]);
  const path = [];
  for (let i = 0; i < total; i++) {
    if (i > 0) await page.keyboard.press('ArrowRight');
    await position.filter({ hasText: new RegExp(`^${i + 1} /`) }).waitFor();
    path.push(await page.locator('[data-testid="node"].cf-node--selected').getAttribute('data-node-id'));
  }
  assert.equal(path[0], 'start');
  assert.equal(path[1], 'auth');
  assert.equal(await page.locator(`[data-testid="node"][data-node-id="${path.at(-1)}"]`).getAttribute('data-kind'), 'disconnect', `the call's path ends at the hang-up: ${path}`);
  await leavePresentation(page);
  assert.deepEqual(errors, []);
  await context.close();
});

test('download the flow as SVG (every label as text) and PNG at 1× and 2×', async () => {
  const { page, errors, context } = await openTemplate('business-hours-menu.flow.json', 'main');
  await page.getByTestId('export').click();
  await page.locator('[data-testid="export-tab"][data-format="image"]').click();
  await page.getByTestId('image-preview').locator('svg').waitFor();

  const template = JSON.parse(await readFile(join(root, 'public/templates/business-hours-menu.flow.json'), 'utf8'));
  await page.screenshot({ path: join(artifacts, 'image-export.png') });
  const svgDownload = page.waitForEvent('download');
  await page.locator('[data-testid="export-image"][data-format="svg"]').click();
  const svgFile = await svgDownload;
  assert.match(svgFile.suggestedFilename(), /\.svg$/);
  const svg = await readFile(await svgFile.path(), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  for (const node of template.flow.nodes) assert.ok(svg.includes(`>${escape(node.label)}</text>`), `the SVG has "${node.label}" as text`);
  assert.ok(svg.includes(`>${escape(template.flow.name)}</text>`), 'the flow name is the title');
  assert.ok(svg.includes('data-legend'), 'the legend is on by default');
  assert.equal((svg.match(/<image|base64/g) ?? []).length, 0, 'no raster inside the SVG');

  const size = page.getByTestId('image-size');
  const width = Number(await size.getAttribute('data-width'));
  const height = Number(await size.getAttribute('data-height'));
  for (const scale of [1, 2]) {
    const pngDownload = page.waitForEvent('download');
    await page.locator(`[data-testid="export-image"][data-format="png"][data-scale="${scale}"]`).click();
    const png = await readFile(await (await pngDownload).path());
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [Math.round(width * scale), Math.round(height * scale)], `${scale}× size`);
    assert.ok(png.length > 5_000, `the PNG has content (${png.length} bytes)`);
    if (scale === 1) await writeFile(join(root, 'docs/business-hours.png'), png);
  }

  // The print theme and no legend change the SVG.
  await page.getByTestId('image-theme').selectOption('print');
  await page.getByTestId('image-legend').uncheck();
  const printDownload = page.waitForEvent('download');
  await page.locator('[data-testid="export-image"][data-format="svg"]').click();
  const print = await readFile(await (await printDownload).path(), 'utf8');
  assert.ok(!print.includes('data-legend') && print.includes('fill="#000000"'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a 2,000-node flow: the image preview waits to be asked, the SVG download is whole', async () => {
  const { page, errors, context } = await openApp(app.browser, app.server.url);
  await page.getByTestId('open-file').setInputFiles(join(root, 'target/e2e/grid-2000.flow.json'));
  await page.locator('[data-testid="node"]').first().waitFor();
  const nodes = JSON.parse(await readFile(join(root, 'target/e2e/grid-2000.flow.json'), 'utf8')).flow.nodes.length;
  await page.getByTestId('export').click();
  await page.locator('[data-testid="export-tab"][data-format="image"]').click();
  await page.getByTestId('image-show-preview').waitFor();
  assert.equal(await page.getByTestId('image-preview').count(), 0, 'no preview is drawn unasked');
  const download = page.waitForEvent('download');
  await page.locator('[data-testid="export-image"][data-format="svg"]').click();
  const svg = await readFile(await (await download).path(), 'utf8');
  assert.equal((svg.match(/data-node-id="/g) ?? []).length, nodes, 'every node is in the SVG');
  await page.getByTestId('image-show-preview').click();
  await page.getByTestId('image-preview').locator('svg').waitFor();
  assert.match(await page.getByTestId('image-size').textContent(), /a snapshot/);
  await page.getByTestId('image-redraw-preview').waitFor();
  // Other options drop the snapshot: it is asked for again.
  await page.getByTestId('image-theme').selectOption('print');
  await page.getByTestId('image-show-preview').waitFor();
  assert.equal(await page.getByTestId('image-preview').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});
