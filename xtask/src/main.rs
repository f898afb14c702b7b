//! `cargo xtask`: the project's automation. Every command installs what it needs first (and says so),
//! skipping each step when the right version is already there.
//!
//! - `serve [--dev]`: (release build unless `--dev`) the designer on http://127.0.0.1:8080 and the sandbox org on
//!   http://127.0.0.1:8787 (demo users, modules, a workflow; no account needed)
//! - `test`: fmt, clippy (warnings denied), native tests, the wasm build and wasm tests, browser tests
//! - `bench`: criterion benchmarks, `callflow check` against `python3 json.load` on 20,000 nodes, and
//!   the browser benchmark (drag frame times, validation in wasm, first render, download sizes), and
//!   the sandbox load run (1,000 deploy cycles from 16 concurrent clients with faults on)
//! - `schema`: rewrite public/schema/flow-v1.json from the types
//! - `gen-flow N FILE [--chain]`: write a generated valid flow of about N nodes (the grid, or one
//!   long chain whose every module error goes to one handler)
//! - `fuzz [SECONDS]`: run the cargo-fuzz target (nightly) for a while

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};

/// Versions that must match (see shared/reference/toolchain.md and Cargo.lock).
const WASM_BINDGEN_VERSION: &str = "0.2.130";
const TRUNK_VERSION: &str = "0.21.14";
const WASM_OPT_VERSION: &str = "version 132";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    std::env::set_current_dir(&root)?;
    prepend_path(&[root.join("node_modules/.bin"), cargo_bin()]);
    match args.first().map(String::as_str) {
        // The release build by default: a user judges the product by it. `--dev` rebuilds faster.
        Some("serve") => serve(&root, !args.iter().any(|a| a == "--dev")),
        Some("test") => test(&root),
        Some("bench") => bench(&root),
        Some("schema") => schema(&root),
        Some("gen-flow") => {
            let size: usize = args.get(1).context("gen-flow N FILE")?.parse().context("N must be a number")?;
            let file = args.get(2).context("gen-flow N FILE [--chain]")?;
            let chain = args.iter().any(|a| a == "--chain");
            let document =
                if chain { callflow_core::testing::chain_flow(size) } else { callflow_core::testing::large_flow(size) };
            std::fs::write(file, document.to_json())?;
            println!("wrote {file} ({} nodes, {})", document.flow.nodes.len(), if chain { "chain" } else { "grid" });
            Ok(())
        }
        Some("fuzz") => fuzz(&root, args.get(1).map_or(Ok(60), |s| s.parse()).context("SECONDS must be a number")?),
        _ => {
            eprintln!(
                "usage: cargo xtask <serve [--dev] | test | bench | schema | gen-flow N FILE [--chain] | fuzz [SECONDS]>"
            );
            std::process::exit(2);
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_default()
        .join("bin")
}

fn prepend_path(dirs: &[PathBuf]) {
    let mut paths: Vec<PathBuf> = dirs.to_vec();
    if let Some(existing) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&existing));
    }
    if let Ok(joined) = std::env::join_paths(paths) {
        // Safety of set_var: xtask is single-threaded at this point.
        unsafe { std::env::set_var("PATH", joined) };
    }
}

fn step(title: &str) {
    println!("\n==> {title}");
}

/// Runs a command, echoing it, and fails with its exit status.
fn run(program: &str, args: &[&str]) -> Result<()> {
    println!("$ {program} {}", args.join(" "));
    let status = Command::new(program).args(args).status().with_context(|| format!("could not start {program}"))?;
    if !status.success() {
        bail!("{program} {} failed ({status})", args.join(" "));
    }
    Ok(())
}

/// The first line a command prints for its version, when it runs at all.
fn version_of(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).stderr(Stdio::null()).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).lines().next().unwrap_or("").to_owned())
}

fn is_root() -> bool {
    version_of("id", &["-u"]).is_some_and(|uid| uid.trim() == "0")
}

/// The wasm target, wasm-bindgen-cli at the Cargo.lock version, trunk, and wasm-opt from npm.
fn ensure_web_tools(root: &Path) -> Result<()> {
    step("toolchain for the web build");
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"))
        .unwrap_or(false);
    if installed {
        println!("ok: rust target wasm32-unknown-unknown");
    } else {
        println!("installing the rust target wasm32-unknown-unknown");
        run("rustup", &["target", "add", "wasm32-unknown-unknown"])?;
    }

    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    if !lock.contains(&format!("name = \"wasm-bindgen\"\nversion = \"{WASM_BINDGEN_VERSION}\"")) {
        bail!("Cargo.lock does not pin wasm-bindgen {WASM_BINDGEN_VERSION}; keep `wasm-bindgen = \"={WASM_BINDGEN_VERSION}\"` in Cargo.toml");
    }
    let wanted = format!("wasm-bindgen {WASM_BINDGEN_VERSION}");
    if version_of("wasm-bindgen", &["--version"]).is_some_and(|v| v.trim() == wanted) {
        println!("ok: {wanted}");
    } else {
        println!("installing wasm-bindgen-cli {WASM_BINDGEN_VERSION} (about 2 minutes)");
        // Without --locked: the locked set wants a crate version the registry lacks (toolchain.md).
        run("cargo", &["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN_VERSION])?;
    }

    let wanted = format!("trunk {TRUNK_VERSION}");
    if version_of("trunk", &["--version"]).is_some_and(|v| v.trim() == wanted) {
        println!("ok: {wanted}");
    } else {
        println!("installing trunk {TRUNK_VERSION} (about 9 minutes on 2 cores; 0.22 needs a newer rustc)");
        run("cargo", &["install", "trunk", "--version", TRUNK_VERSION, "--locked"])?;
    }

    ensure_node_modules(root)?;
    match version_of("wasm-opt", &["--version"]) {
        Some(version) if version.contains(WASM_OPT_VERSION) => println!("ok: wasm-opt {WASM_OPT_VERSION} (npm binaryen)"),
        other => bail!("wasm-opt on PATH is {other:?}, expected {WASM_OPT_VERSION} from node_modules/.bin (npm binaryen); Debian's binaryen builds modules that crash"),
    }

    step("fetching crates for offline builds");
    run("cargo", &["fetch"])?;
    Ok(())
}

/// binaryen (wasm-opt) and playwright-core from npm, at the versions of package.json.
fn ensure_node_modules(root: &Path) -> Result<()> {
    if version_of("node", &["--version"]).is_none() || version_of("npm", &["--version"]).is_none() {
        bail!("node and npm are needed (wasm-opt and the browser tests come from npm): apt-get install nodejs npm");
    }
    let present = root.join("node_modules/binaryen/package.json").exists()
        && root.join("node_modules/playwright-core/package.json").exists();
    if present {
        println!("ok: node_modules (binaryen, playwright-core)");
    } else {
        println!("installing npm packages: binaryen (wasm-opt), playwright-core");
        run("npm", &["install", "--no-audit", "--no-fund"])?;
    }
    Ok(())
}

/// Debian's Chromium and ChromeDriver for the browser tests.
fn ensure_chromium() -> Result<()> {
    step("Chromium for the browser tests");
    let have = version_of("chromium", &["--version"]).filter(|_| Path::new("/usr/bin/chromium").exists());
    let driver = version_of("chromedriver", &["--version"]);
    if let (Some(chromium), Some(driver)) = (&have, &driver) {
        println!("ok: {chromium}; {driver}");
        return Ok(());
    }
    if !is_root() {
        bail!("Chromium is missing. Install it, then run this again:\n  sudo apt-get update && sudo apt-get install -y chromium chromium-driver");
    }
    println!("installing chromium and chromium-driver from Debian (apt)");
    run("apt-get", &["update"])?;
    let status = Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()?;
    if !status.success() {
        bail!("apt-get install chromium chromium-driver failed ({status})");
    }
    Ok(())
}

fn serve(root: &Path, release: bool) -> Result<()> {
    ensure_web_tools(root)?;
    step("building the sandbox org");
    run("cargo", &["build", "-p", "callflow-sandbox"])?;
    step("starting the sandbox org on http://127.0.0.1:8787");
    // Beside the designer; it stops with this command. Published flows are kept in target/sandbox-data.
    let mut sandbox = Command::new(root.join("target/debug/callflow-sandbox"))
        .args(["--listen", "127.0.0.1:8787", "--data-dir"])
        .arg(root.join("target/sandbox-data"))
        .spawn()
        .context("starting callflow-sandbox")?;
    step("serving the designer");
    println!("Callflow Studio: http://127.0.0.1:8080/  (Ctrl+C stops both)");
    println!("No account is needed: the templates and the demo module catalog are bundled.");
    println!("Deploy to the sandbox org: Deploy → region \"Local sandbox\" → Sign in → pick Alex Architect");
    println!("  (or Riley Reader, who may look but not publish). Admin: http://127.0.0.1:8787/sandbox/state");
    let mut args = vec!["serve"];
    if release {
        args.push("--release");
    }
    let result = run("trunk", &args);
    let _ = sandbox.kill();
    let _ = sandbox.wait();
    result
}

fn test(root: &Path) -> Result<()> {
    let started = Instant::now();
    ensure_web_tools(root)?;
    ensure_chromium()?;

    step("rustfmt");
    run("cargo", &["fmt", "--all", "--check"])?;
    step("clippy, warnings denied");
    run("cargo", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    step("native tests");
    run("cargo", &["test", "--workspace"])?;
    step("wasm build (release: opt-level z, LTO, wasm-opt)");
    run("trunk", &["build", "--release"])?;
    report_dist_sizes(root)?;
    step("wasm tests in headless Chromium (wasm-bindgen-test)");
    // Release, like the app users get: the test prints what validation costs in wasm at 10k nodes.
    run(
        "cargo",
        &[
            "test",
            "--release",
            "-p",
            "callflow-studio",
            "--target",
            "wasm32-unknown-unknown",
            "--tests",
            "--",
            "--nocapture",
        ],
    )?;
    step("browser tests (playwright-core driving Chromium; the sandbox org on loopback)");
    run("cargo", &["build", "-p", "callflow-sandbox"])?;
    // The scale tests open generated flows of 2,000 nodes of both shapes.
    std::fs::create_dir_all(root.join("target/e2e"))?;
    std::fs::write(root.join("target/e2e/grid-2000.flow.json"), callflow_core::testing::large_flow(2_000).to_json())?;
    std::fs::write(root.join("target/e2e/chain-2000.flow.json"), callflow_core::testing::chain_flow(2_000).to_json())?;
    run("node", &["--test", "tests/e2e/"])?;
    println!("\nall checks passed in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Prints the raw and gzip sizes of what the browser downloads: the first load, and the import
/// worker, which is loaded on the first Archy import only.
fn report_dist_sizes(root: &Path) -> Result<()> {
    let mut first_load = 0usize;
    let mut on_import = 0usize;
    let mut entries: Vec<_> = std::fs::read_dir(root.join("dist"))?.collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let path = entry.path();
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(extension, "wasm" | "js" | "css" | "html") {
            continue;
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
        let raw = std::fs::metadata(&path)?.len();
        let output = Command::new("gzip").args(["-9", "-c"]).arg(&path).output()?;
        let worker = name.starts_with("import_worker") || name.starts_with("import-worker");
        if worker {
            on_import += output.stdout.len();
        } else {
            first_load += output.stdout.len();
        }
        let when = if worker { " (on the first import)" } else { "" };
        println!("  {name:<48} {raw:>8} B raw {:>8} B gzip{when}", output.stdout.len());
    }
    println!("  first load, gzip: {first_load} B; the import worker, on the first import: {on_import} B");
    Ok(())
}

fn bench(root: &Path) -> Result<()> {
    step("criterion benchmarks (callflow-core)");
    run("cargo", &["bench", "-p", "callflow-core", "--bench", "core"])?;

    step("`callflow check` against python3 json.load, 20,000 nodes");
    run("cargo", &["build", "--profile", "bench", "-p", "callflow-cli"])?;
    let file = root.join("target/bench-20000.flow.json");
    std::fs::write(&file, callflow_core::testing::large_flow(20_000).to_json())?;
    let bytes = std::fs::metadata(&file)?.len();
    let callflow = root.join("target/release/callflow");
    let file_arg: OsString = file.clone().into_os_string();
    let ours = time_command(&callflow, &[OsString::from("check"), file_arg.clone()], 10)?;
    let python_code = OsString::from(format!("import json; json.load(open({:?}))", file.display().to_string()));
    let python = time_command(Path::new("python3"), &[OsString::from("-c"), python_code], 10)?;
    println!("  file: {bytes} bytes, {} nodes", 20_000);
    println!("  callflow check: median {:.1} ms", ours * 1e3);
    println!("  python3 json.load: median {:.1} ms", python * 1e3);
    println!("  ratio: callflow takes {:.2}x the time of python3", ours / python);

    step("browser benchmark (release build, headless Chromium)");
    ensure_web_tools(root)?;
    ensure_chromium()?;
    for size in [100, 1_000, 2_000, 10_000] {
        let grid = callflow_core::testing::large_flow(size).to_json();
        std::fs::write(root.join(format!("target/bench-grid-{size}.flow.json")), grid)?;
        let chain = callflow_core::testing::chain_flow(size).to_json();
        std::fs::write(root.join(format!("target/bench-chain-{size}.flow.json")), chain)?;
    }
    run("trunk", &["build", "--release"])?;
    report_dist_sizes(root)?;
    run("node", &["tests/bench/browser-bench.mjs"])?;

    step("sandbox load: 1,000 deploy cycles, 16 concurrent clients, faults on");
    run("cargo", &["run", "--release", "-p", "callflow-sandbox", "--example", "load", "--", "1000", "16", "25"])
}

/// Median wall time of `runs` runs, in seconds.
fn time_command(program: &Path, args: &[OsString], runs: usize) -> Result<f64> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let status = Command::new(program).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status()?;
        times.push(started.elapsed().as_secs_f64());
        if !status.success() {
            bail!("{} exited with {status}", program.display());
        }
    }
    times.sort_by(f64::total_cmp);
    Ok(times[runs / 2])
}

fn schema(root: &Path) -> Result<()> {
    for (file, text) in [
        ("flow-v1.json", callflow_core::schema::flow_v1_schema()),
        ("project-v1.json", callflow_core::schema::project_v1_schema()),
    ] {
        let path = root.join("public/schema").join(file);
        std::fs::write(&path, text)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn fuzz(root: &Path, seconds: u64) -> Result<()> {
    if version_of("cargo", &["fuzz", "--version"]).is_none() {
        println!("installing cargo-fuzz");
        run("cargo", &["install", "cargo-fuzz", "--locked"])?;
    }
    let dir = root.join("crates/callflow-core");
    std::env::set_current_dir(&dir)?;
    let corpus = dir.join("fuzz/corpus/parse_validate_export");
    std::fs::create_dir_all(&corpus)?;
    for entry in std::fs::read_dir(root.join("public/templates"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            std::fs::copy(&path, corpus.join(path.file_name().unwrap_or_default()))?;
        }
    }
    let time = format!("-max_total_time={seconds}");
    run("cargo", &["+nightly", "fuzz", "run", "parse_validate_export", "--", &time, "-max_len=20000"])
}
