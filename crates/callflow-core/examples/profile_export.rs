//! A loop for profilers: `perf record cargo run --profile bench --example profile_export`.
fn main() {
    let size: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let document = callflow_core::testing::large_flow(size);
    let start = std::time::Instant::now();
    let mut bytes = 0;
    for _ in 0..200 {
        bytes += callflow_core::export::archy(&document).map(|a| a.yaml.len()).unwrap_or(0);
    }
    println!("archy export {size}: {:?} per run ({} bytes)", start.elapsed() / 200, bytes / 200);
}
