//! Share-link sizes: each bundled template and generated flows of 500 and 2,000 nodes, as the
//! compact JSON the link holds and as the link's fragment. Run:
//! `cargo run --release -p callflow-core --example share_sizes`.

use callflow_core::share::{encode, MAX_FRAGMENT};

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/templates");
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut names: Vec<_> =
        std::fs::read_dir(&root).map(|dir| dir.filter_map(|e| e.ok()).map(|e| e.path()).collect()).unwrap_or_default();
    names.sort();
    for path in names.iter().filter(|p| p.to_string_lossy().ends_with(".json") && !p.ends_with("index.json")) {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let compact = match callflow_core::parse_project(&text) {
            Ok(project) if callflow_core::project::looks_like_project(&text) => project.to_compact_json(),
            Ok(project) => project.document(0).map(|d| d.to_compact_json()).unwrap_or_default(),
            Err(_) => continue,
        };
        rows.push((path.file_name().unwrap_or_default().to_string_lossy().into_owned(), compact));
    }
    for size in [500, 2_000] {
        rows.push((
            format!("generated grid, {size} nodes"),
            callflow_core::testing::large_flow(size).to_compact_json(),
        ));
    }
    println!("| flow | compact JSON | link fragment |");
    println!("|---|---|---|");
    for (name, compact) in rows {
        let link = match encode(&compact) {
            Ok(fragment) => format!("{} characters", fragment.len()),
            Err(error) => format!("too large ({error}; limit {MAX_FRAGMENT})"),
        };
        println!("| {name} | {} B | {link} |", compact.len());
    }
}
