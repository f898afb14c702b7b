//! Criterion benchmarks: validate at 1k / 10k / 100k nodes, Archy export at 2k nodes, and parsing.
//! Goals (issue 2): validate 10k ≤ 1 ms, export 2k ≤ 5 ms. Run: `cargo bench -p callflow-core`.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

fn validate(c: &mut Criterion) {
    let mut group = c.benchmark_group("validate");
    for size in [1_000usize, 10_000, 100_000] {
        let document = callflow_core::testing::large_flow(size);
        assert!(callflow_core::validate(&document).is_empty());
        group.throughput(Throughput::Elements(document.flow.nodes.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(size), &document, |b, document| {
            b.iter(|| callflow_core::validate(black_box(document)))
        });
    }
    group.finish();
}

fn export(c: &mut Criterion) {
    let document = callflow_core::testing::large_flow(2_000);
    c.bench_function("archy_export/2000", |b| {
        b.iter(|| callflow_core::export::archy(black_box(&document)).map(|a| a.yaml.len()))
    });
}

fn parse(c: &mut Criterion) {
    let text = callflow_core::testing::large_flow(10_000).to_json();
    c.bench_function("parse/10000", |b| b.iter(|| callflow_core::parse(black_box(&text)).is_ok()));
}

criterion_group!(benches, validate, export, parse);
criterion_main!(benches);
