// Shared set-up for the browser tests: a static HTTP server for dist/ on loopback, and Debian's
// Chromium driven by playwright-core with real input events. Nothing here reaches the network.
import { createServer } from 'node:http';
import { readFile, stat, mkdir } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'dist');
export const artifacts = join(root, 'tests/e2e/artifacts');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
};

/** Serves dist/ on 127.0.0.1 at a free port; resolves to { url, close }. */
export async function serveDist() {
  await stat(join(dist, 'index.html')).catch(() => {
    throw new Error('dist/index.html is missing: run `cargo xtask test` (it builds the app first)');
  });
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
    const file = join(dist, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dist)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Launches headless Chromium (Debian's) with the flags this machine needs. */
export async function launchBrowser() {
  await mkdir(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Opens the app in a fresh page and records console errors and page errors. */
export async function openApp(browser, url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(url);
  await page.getByTestId('problems-summary').waitFor();
  return { page, errors, context };
}

/**
 * Starts the sandbox org (the real `callflow-sandbox` binary) on a free loopback port, accepting
 * `redirect` as an extra redirect URI. Resolves to { url, admin(path, body), state(), close }.
 */
export async function startSandbox({ redirect, args = [] } = {}) {
  const { spawn } = await import('node:child_process');
  const binary = join(root, 'target/debug/callflow-sandbox');
  await stat(binary).catch(() => {
    throw new Error('target/debug/callflow-sandbox is missing: run `cargo build -p callflow-sandbox`');
  });
  const child = spawn(binary, ['--listen', '127.0.0.1:0', ...(redirect ? ['--allow-redirect', redirect] : []), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = seen.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`callflow-sandbox exited with ${code}`)));
  });
  const admin = async (path, body) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body ?? {}) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const state = async () => (await fetch(`${url}/sandbox/state`)).json();
  const close = () => new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill();
  });
  return { url, admin, state, close };
}

/**
 * Makes `context` open with `text` as the saved current flow, the way the app finds a flow it
 * autosaved (compact JSON in local storage). Seeded once per tab, so a reload keeps what the app saved.
 */
export async function seedStoredFlow(context, text) {
  const stored = JSON.stringify(JSON.parse(text));
  await context.addInitScript(([flow]) => {
    if (!sessionStorage.getItem('callflow-seeded')) {
      localStorage.setItem('callflow.flow.seeded', flow);
      localStorage.setItem('callflow.library', JSON.stringify([{ id: 'seeded', name: 'seeded' }]));
      localStorage.setItem('callflow.current', 'seeded');
      sessionStorage.setItem('callflow-seeded', '1');
    }
  }, [stored]);
}

/** A point of the canvas where the background itself is under the pointer (no node, edge or minimap). */
export async function emptyCanvasSpot(page) {
  const canvas = await page.getByTestId('canvas').boundingBox();
  const spot = await page.evaluate((box) => {
    for (let fy = 0.9; fy > 0.1; fy -= 0.05) {
      for (let fx = 0.1; fx < 0.9; fx += 0.05) {
        const [x, y] = [box.x + box.width * fx, box.y + box.height * fy];
        if (document.elementFromPoint(x, y)?.classList.contains('cf-canvas__background')) return { x, y };
      }
    }
    return null;
  }, canvas);
  if (!spot) throw new Error('no empty spot of the canvas');
  return spot;
}

/** Registers the usual set-up for a test file: dist/ served on loopback and Chromium launched
 * before the tests, both closed after. Returns an object whose `server` and `browser` are set then. */
export function servedApp() {
  const state = { server: null, browser: null };
  before(async () => {
    state.server = await serveDist();
    state.browser = await launchBrowser();
  });
  after(async () => {
    await state.browser?.close();
    await state.server?.close();
  });
  return state;
}
