// The designer at 2,000 nodes, both generated shapes (the grid, and one long chain whose invoke
// error edges all lead to one handler): what a drag, a pan and a label edit re-render, counted as
// DOM mutations per node and edge view. Nothing here is timed (timings live in the benchmark).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launchBrowser, root, seedStoredFlow, emptyCanvasSpot } from './harness.mjs';

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

// Written by `cargo xtask test` from callflow_core::testing before the browser tests run.
const SHAPES = [
  { file: 'grid-2000.flow.json', node: 'b0_invoke' },
  { file: 'chain-2000.flow.json', node: 'm0' },
];

/** Opens the app with `text` as the saved current flow (the way a returning user opens it). */
async function openFlow(text) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await seedStoredFlow(context, text);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.goto(server.url);
  await page.waitForSelector('[data-testid="node"]');
  return { page, context, errors };
}

/** Records every mutation inside the canvas, by the node or edge view it belongs to. */
async function watchCanvas(page) {
  await page.evaluate(() => {
    window.__mutations = [];
    new MutationObserver((records) => {
      for (const r of records) {
        const owner = r.target.closest?.('[data-testid="node"], [data-testid="edge"]');
        window.__mutations.push({
          type: r.type,
          owner: owner ? `${owner.dataset.testid}:${owner.dataset.nodeId ?? `${owner.dataset.from}->${owner.dataset.to}`}` : null,
        });
      }
    }).observe(document.querySelector('[data-testid="canvas"]'), { subtree: true, attributes: true, childList: true, characterData: true });
  });
}

const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const takeMutations = (page) => page.evaluate(() => window.__mutations.splice(0));
const ownersOf = (mutations) => new Set(mutations.map((m) => m.owner).filter(Boolean));

for (const shape of SHAPES) {
  test(`${shape.file}: a drag, a pan and a label edit re-render only what they touch`, async () => {
    const text = await readFile(join(root, 'target/e2e', shape.file), 'utf8');
    const flow = JSON.parse(text).flow;
    assert.ok(flow.nodes.length >= 1999);
    const { page, context, errors } = await openFlow(text);
    // Only what is near the view is in the DOM.
    const rendered = await page.getByTestId('node').count();
    assert.ok(rendered > 0 && rendered < 200, `${rendered} node views for ${flow.nodes.length} nodes`);

    const id = shape.node;
    const touching = flow.edges.filter((e) => e.from === id || e.to === id).map((e) => `edge:${e.from}->${e.to}`);
    const allowed = new Set([`node:${id}`, ...touching]);
    await watchCanvas(page);

    // Pan a little from an empty spot (nothing selected yet): one transform changes, no node or
    // edge view.
    const spot = await emptyCanvasSpot(page);
    const view = page.locator('svg[data-testid="canvas"] > g[transform]');
    const viewBefore = await view.getAttribute('transform');
    await page.mouse.move(spot.x, spot.y);
    await page.mouse.down();
    for (let i = 1; i <= 4; i++) {
      await page.mouse.move(spot.x + i * 3, spot.y + i * 2);
      await frames(page);
    }
    await page.mouse.up();
    const panned = await takeMutations(page);
    assert.notEqual(await view.getAttribute('transform'), viewBefore, 'the pan moved the view');
    assert.deepEqual([...ownersOf(panned)], [], 'a small pan re-rendered node or edge views');
    assert.ok(panned.length <= 12, `a pan of 4 moves made ${panned.length} mutations`);

    // Drag: only the dragged node and its edges change, and no view is created or removed.
    const header = await page.locator(`[data-testid="node"][data-node-id="${id}"] .cf-node__header`).boundingBox();
    const start = { x: header.x + header.width / 2, y: header.y + header.height / 2 };
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    for (let i = 1; i <= 8; i++) {
      await page.mouse.move(start.x + i * 4, start.y + i * 6);
      await frames(page);
    }
    const during = await takeMutations(page);
    await page.mouse.up();
    await frames(page);
    const dragged = ownersOf(during);
    for (const owner of dragged) assert.ok(allowed.has(owner), `the drag re-rendered ${owner}: ${[...dragged]}`);
    assert.ok(dragged.has(`node:${id}`), 'the dragged node moved');
    assert.ok(during.every((m) => m.type === 'attributes'), 'no view was created or removed during the drag');
    await takeMutations(page);

    // A label edit: the node shows the new label; no other node or edge view changes.
    await page.locator(`[data-testid="node"][data-node-id="${id}"] .cf-node__header`).click();
    await frames(page);
    await takeMutations(page);
    await page.getByTestId('field-label').fill('Edited at scale');
    await page.getByTestId('field-label').press('Enter');
    await page.waitForFunction((nodeId) => document.querySelector(`[data-node-id="${nodeId}"] .cf-node__label`)?.textContent === 'Edited at scale', id);
    await frames(page);
    const edited = ownersOf(await takeMutations(page));
    assert.deepEqual([...edited], [`node:${id}`], `the label edit re-rendered ${[...edited]}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
