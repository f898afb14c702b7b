// The designer's browser benchmark (run by `cargo xtask bench` against the release build):
// drag frame times at 500 / 1,000 / 2,000 nodes, validation time in wasm at 10,000 nodes, time to
// first render of 1,000 nodes. Prints numbers; asserts nothing (goals are in the issue, not here).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launchBrowser, root } from '../e2e/harness.mjs';

const server = await serveDist();
const browser = await launchBrowser();

/** The generator gives about `size` nodes (whole blocks); the exact count is in the file. */
async function nodesIn(size) {
  return JSON.parse(await readFile(join(root, `target/bench-${size}.flow.json`), 'utf8')).flow.nodes.length;
}

async function pageWithFlow(size) {
  const flow = await readFile(join(root, `target/bench-${size}.flow.json`), 'utf8');
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(([text]) => {
    if (!sessionStorage.getItem('bench-seeded')) {
      localStorage.setItem('callflow.flow.bench', text);
      localStorage.setItem('callflow.library', JSON.stringify([{ id: 'bench', name: 'bench' }]));
      localStorage.setItem('callflow.current', 'bench');
      sessionStorage.setItem('bench-seeded', '1');
    }
  }, [flow]);
  const page = await context.newPage();
  await page.goto(server.url);
  return { page, context };
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function firstRender(size) {
  const { page, context } = await pageWithFlow(size);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="node"]').length >= n, await nodesIn(size), { polling: 'raf', timeout: 120000 });
  const ms = await page.evaluate(() => performance.now());
  await context.close();
  return ms;
}

async function dragFrames(size) {
  const { page, context } = await pageWithFlow(size);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="node"]').length >= n, await nodesIn(size), { timeout: 120000 });
  await page.getByTestId('zoom-in').click();
  const target = page.locator('[data-testid="node"][data-node-id="b0_play"] .cf-node__header');
  const box = await target.boundingBox();
  const start = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (now) => { window.__frames.push(now - last); last = now; if (window.__recording) requestAnimationFrame(tick); };
    window.__recording = true;
    requestAnimationFrame(tick);
  });
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  for (let i = 1; i <= 120; i++) {
    await page.mouse.move(start.x + i * 2, start.y + Math.sin(i / 10) * 40);
  }
  await page.mouse.up();
  const frames = await page.evaluate(() => { window.__recording = false; return window.__frames.slice(2); });
  await context.close();
  return { p50: percentile(frames, 50), p95: percentile(frames, 95), count: frames.length };
}

async function validation(size) {
  const { page, context } = await pageWithFlow(size);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="node"]').length >= n, await nodesIn(size), { timeout: 300000 });
  // Each rename of the flow is one edit and one validation (moves skip validation: positions never
  // matter to it). Keep the fastest of five.
  const times = [];
  for (let i = 0; i < 5; i++) {
    const before = await page.getByTestId('problems-summary').getAttribute('data-validation-ms');
    await page.evaluate((name) => {
      const input = document.querySelector('[data-testid="flow-name"]');
      input.value = name;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }, `Generated flow ${i}`);
    await page.waitForFunction((b) => document.querySelector('[data-testid="problems-summary"]').dataset.validationMs !== b, before, { timeout: 10000 }).catch(() => {});
    times.push(Number(await page.getByTestId('problems-summary').getAttribute('data-validation-ms')));
  }
  await context.close();
  return Math.min(...times);
}

console.log('browser benchmark (release build, headless Chromium)');
console.log(`  first render, 1,000 nodes: ${(await firstRender(1000)).toFixed(0)} ms after navigation start`);
for (const size of [500, 1000, 2000]) {
  const { p50, p95, count } = await dragFrames(size);
  console.log(`  drag, ${size} nodes: frame p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (${count} frames)`);
}
console.log(`  validation in wasm, 10,000 nodes: ${(await validation(10000)).toFixed(2)} ms`);
await browser.close();
await server.close();
