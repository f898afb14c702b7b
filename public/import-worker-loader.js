// Starts the import worker's wasm (built by Trunk from src/bin/import_worker.rs). A file of this
// origin, so the page's Content-Security-Policy allows it without blob: URLs.
importScripts('./import_worker.js');
wasm_bindgen('./import_worker_bg.wasm');
