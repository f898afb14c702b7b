//! A loop for profilers: `perf record cargo run --profile bench --example profile_validate`.
fn main() {
    let size: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let document = callflow_core::testing::large_flow(size);
    let start = std::time::Instant::now();
    let mut findings = 0;
    for _ in 0..200 {
        findings += callflow_core::validate(&document).len();
    }
    println!("validate {size}: {:?} per run ({findings} findings)", start.elapsed() / 200);
}
