//! Runs full validation of a generated flow in a loop, for a profiler:
//! `cargo run --profile bench -p callflow-core --features testing --example profile_validate -- grid 10000 500`.
fn main() {
    let mut args = std::env::args().skip(1);
    let shape = args.next().unwrap_or_else(|| "grid".into());
    let size: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(500);
    let document = match shape.as_str() {
        "chain" => callflow_core::testing::chain_flow(size),
        _ => callflow_core::testing::large_flow(size),
    };
    let started = std::time::Instant::now();
    let mut findings = 0;
    for _ in 0..rounds {
        findings += callflow_core::validate(std::hint::black_box(&document)).len();
    }
    let each = started.elapsed() / rounds as u32;
    println!("{shape} {size}: {each:?} per validation ({findings} findings)");
}
