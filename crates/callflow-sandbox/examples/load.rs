//! `cargo run --release -p callflow-sandbox --example load -- [cycles] [clients] [names]`:
//! deploy cycles from concurrent clients against an in-process sandbox with faults on; prints
//! throughput, latency and the no-lost/no-duplicate check. `cargo xtask bench` runs it.

#[path = "../tests/support/load.rs"]
mod load;

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().unwrap_or_else(|_| panic!("numbers only: {a}")));
    let cycles = args.next().unwrap_or(1_000);
    let clients = args.next().unwrap_or(16);
    let names = args.next().unwrap_or(25);
    let report = load::run(cycles, clients, names, load::faults(42));
    let percentile = |p: f64| report.latencies_ms[((report.latencies_ms.len() as f64 - 1.0) * p) as usize];
    let duplicates: Vec<_> = report.flows_per_name.iter().filter(|(_, flows, _)| *flows > 1).collect();
    let versions: usize = report.flows_per_name.iter().map(|(_, _, v)| v).sum();
    println!("deploy cycles: {} from {} clients over {} flow names", report.cycles, report.clients, names);
    println!(
        "elapsed: {:.1} s, {:.1} cycles/s",
        report.elapsed.as_secs_f64(),
        report.cycles as f64 / report.elapsed.as_secs_f64()
    );
    println!(
        "cycle latency: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        percentile(0.5),
        percentile(0.95),
        percentile(1.0)
    );
    println!(
        "published: {}, gave up: {}, whole-deploy retries after injected job failures: {}",
        report.published, report.gave_up, report.job_retries
    );
    println!("faults injected: {}", report.sandbox_state["faults"]);
    println!("sandbox stats: {}", report.sandbox_state["stats"]);
    println!(
        "flows per name > 1 (duplicates): {}; published versions {} vs successful cycles {}",
        duplicates.len(),
        versions,
        report.published
    );
    let lost = report.published as usize != versions;
    println!(
        "{}",
        if duplicates.is_empty() && !lost {
            "OK: no lost flow, no duplicate flow"
        } else {
            "FAILED: lost or duplicate flows"
        }
    );
    if !duplicates.is_empty() || lost {
        std::process::exit(1);
    }
}
