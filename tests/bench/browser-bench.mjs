// The designer's browser benchmark (run by `cargo xtask bench` against the release build): what a
// user feels, per interaction, on two shapes of flow at 100 / 1,000 / 2,000 / 10,000 nodes.
//
// Every figure is input → next frame, measured in the page: the time from the input event's own
// timestamp to the first animation frame after its handlers ran (the frame that paints the result),
// and the benchmark waits for that frame before sending the next input, so inputs never pile up
// and nothing is hidden by coalescing. Medians over the moves; the table adds the ratio to 100 nodes
// and, per gesture, how many moves were late (missed the frame after them: over 20 ms). When the
// work fits in a frame the latency is the wait for the next frame, so the ratio moves with frame
// phase and the late count is the steadier signal.
// Prints numbers and asserts nothing (the goals are in the issue; regressions are guarded by the
// counting tests in tests/e2e, not by timings).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launchBrowser, root, seedStoredFlow, emptyCanvasSpot } from '../e2e/harness.mjs';

// BENCH_SIZES=100,10000 and BENCH_SHAPES=chain narrow a run (checking a change quickly).
const SIZES = (process.env.BENCH_SIZES ?? '100,1000,2000,10000').split(',').map(Number);
const SHAPES = [
  { name: 'grid', node: 'b0_play' },
  { name: 'chain', node: 'p0' },
].filter((shape) => (process.env.BENCH_SHAPES ?? 'grid,chain').split(',').includes(shape.name));
const MOVES = 40;
// Input → next frame is at most one frame (16.7 ms) plus the work when the work fits in the frame.
const LATE_MS = 20;

const server = await serveDist();
const browser = await launchBrowser();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function open(shape, size) {
  const flow = await readFile(join(root, `target/bench-${shape}-${size}.flow.json`), 'utf8');
  const nodes = JSON.parse(flow).flow.nodes.length;
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await seedStoredFlow(context, flow);
  await context.addInitScript(() => {
    // Input → next frame, recorded for every pointer move and change event.
    window.__latencies = [];
    const record = (event) => {
      const started = event.timeStamp;
      requestAnimationFrame((frame) => window.__latencies.push(Math.max(frame, performance.now()) - started));
    };
    addEventListener('pointermove', record, true);
    addEventListener('change', record, true);
  });
  const page = await context.newPage();
  await page.goto(server.url);
  // Open: navigation start → the first frame with the flow's nodes on screen.
  await page.waitForSelector('[data-testid="node"]', { timeout: 300000 });
  const openMs = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(performance.now()))));
  // Where the open time goes: until the wasm runs (download, compile, instantiate), then building.
  const wasmStarted = await page.evaluate(() => performance.getEntriesByName('callflow:wasm-started')[0]?.startTime ?? NaN);
  const dom = await page.evaluate(() => document.getElementsByTagName('*').length);
  return { page, context, nodes, openMs, wasmStarted, dom };
}

const nextFrame = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

async function takeLatencies(page) {
  return page.evaluate(() => window.__latencies.splice(0));
}

/**
 * Drags from `start` by MOVES steps, waiting for a frame after each. Returns the median latency
 * and how many moves were late (their result missed the frame after them).
 */
async function gesture(page, start) {
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await nextFrame(page);
  await takeLatencies(page);
  for (let i = 1; i <= MOVES; i++) {
    await page.mouse.move(start.x + i * 3, start.y + Math.sin(i / 6) * 30);
    await nextFrame(page);
  }
  const latencies = await takeLatencies(page);
  await page.mouse.up();
  await nextFrame(page);
  return { median: median(latencies), late: latencies.filter((ms) => ms > LATE_MS).length };
}

async function measure(shape, size) {
  const { page, context, nodes, openMs, wasmStarted, dom } = await open(shape.name, size);
  const header = page.locator(`[data-testid="node"][data-node-id="${shape.node}"] .cf-node__header`);
  const box = await header.boundingBox();
  const { median: drag, late: dragLate } = await gesture(page, { x: box.x + box.width / 2, y: box.y + box.height / 2 });
  // Pan from an empty spot of the background.
  const { median: pan, late: panLate } = await gesture(page, await emptyCanvasSpot(page));
  // One label edit: select the node, type a label, commit (change) → next frame.
  await header.click();
  await page.evaluate(() => performance.clearMeasures('callflow:autosave'));
  const edits = [];
  for (let i = 0; i < 5; i++) {
    await takeLatencies(page);
    await page.getByTestId('field-label').fill(`Label ${i}`);
    await page.getByTestId('field-label').press('Enter');
    await nextFrame(page);
    edits.push(...(await takeLatencies(page)));
  }
  // Tidy layout of the whole flow: the layout alone in wasm (the app's `callflow:tidy` measure),
  // and the click → the next frame (the moves applied, then the view fitted to the whole flow).
  await page.keyboard.press('Escape');
  const tidyFrame = await page.evaluate(() => new Promise((resolve) => {
    const started = performance.now();
    document.querySelector('[data-testid="tidy"]').click();
    requestAnimationFrame(() => resolve(performance.now() - started));
  }));
  const tidy = await page.evaluate(() => performance.getEntriesByName('callflow:tidy').at(-1)?.duration ?? NaN);
  // The autosave after the edits (300 ms after the last one), as the app measures it.
  const autosave = await page
    .waitForFunction(() => performance.getEntriesByName('callflow:autosave').at(-1)?.duration, null, { timeout: 10000 })
    .then((handle) => handle.jsonValue());
  await context.close();
  return { nodes, openMs, wasmStarted, dom, drag, dragLate, pan, panLate, edit: median(edits), autosave, tidy, tidyFrame };
}

console.log('browser benchmark: input → next frame, medians (release build, headless Chromium)');
for (const shape of SHAPES) {
  const rows = [];
  for (const size of SIZES) rows.push(await measure(shape, size));
  const base = rows[0];
  const ratio = (value, key) => (value / base[key]).toFixed(2);
  console.log(`\nshape: ${shape.name}`);
  console.log('| nodes | drag per move | pan per move | label edit | open (wasm running at) | DOM elements | autosave (after the edit, off the input path) | tidy: layout in wasm / click → frame |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    console.log(
      `| ${row.nodes} | ${row.drag.toFixed(1)} ms (×${ratio(row.drag, 'drag')}; ${row.dragLate}/${MOVES} late) | ` +
        `${row.pan.toFixed(1)} ms (×${ratio(row.pan, 'pan')}; ${row.panLate}/${MOVES} late) | ` +
        `${row.edit.toFixed(1)} ms (×${ratio(row.edit, 'edit')}) | ${row.openMs.toFixed(0)} ms (${row.wasmStarted.toFixed(0)} ms) | ${row.dom} | ${row.autosave.toFixed(1)} ms | ` +
        `${row.tidy.toFixed(1)} ms / ${row.tidyFrame.toFixed(0)} ms |`,
    );
  }
}
await browser.close();
await server.close();
