// Trunk post-build hook: puts the SHA-256 of Trunk's inline module loader into the page's
// Content-Security-Policy, so script-src can stay 'self' plus that one script. The loader names
// hashed file names, so its hash changes with every build; index.html carries the placeholder.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('csp-hash: TRUNK_STAGING_DIR is not set (run me as a Trunk hook)');
  process.exit(1);
}
const file = join(dir, 'index.html');
const html = readFileSync(file, 'utf8');
const scripts = [...html.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
if (scripts.length === 0 || !html.includes("'sha256-TRUNK-LOADER'")) {
  console.error('csp-hash: expected one inline module loader and the CSP placeholder in index.html');
  process.exit(1);
}
const hashes = scripts.map((body) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
writeFileSync(file, html.replace("'sha256-TRUNK-LOADER'", hashes.join(' ')));
