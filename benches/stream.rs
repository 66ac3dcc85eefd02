//! Criterion benchmark of async generators as streams: 10,000,000 `u64`, each awaiting a future
//! that is immediately ready, summed `StreamExt::next`-style in a `block_on` loop; hand-written
//! `poll_next`, ours, async-stream's `stream!` and genawaiter's async generator, in one run.
//!
//! `cargo bench --bench stream -- --warm-up-time 1 --measurement-time 2`. The workloads:
//! `benches/workloads/streams.rs`. Instruction counts per item: `bash benches/callgrind.sh
//! stream_hand stream_ours stream_async_stream stream_genawaiter` (the same workloads, run by
//! `benches/instructions.rs`).

// `criterion_group!` generates an undocumented pub fn.
#![allow(missing_docs)]

use criterion::{Criterion, Throughput, criterion_group};

mod workloads;
use workloads::streams::{stream_async_stream, stream_genawaiter, stream_hand, stream_ours};

const ITEMS: u64 = 10_000_000;

fn bench(c: &mut Criterion) {
    let expected = stream_hand(1000);
    for (name, f) in [
        ("ours", stream_ours as fn(u64) -> u64),
        ("async-stream", stream_async_stream),
        ("genawaiter", stream_genawaiter),
    ] {
        assert_eq!(f(1000), expected, "{name} computes another sum");
    }
    let mut group = c.benchmark_group("stream of 10M u64, each awaiting a ready future");
    group.throughput(Throughput::Elements(ITEMS));
    group.sample_size(10);
    group.bench_function("hand-written poll_next", |b| b.iter(|| stream_hand(ITEMS)));
    group.bench_function("resumable (async)", |b| b.iter(|| stream_ours(ITEMS)));
    group.bench_function("async-stream stream!", |b| {
        b.iter(|| stream_async_stream(ITEMS));
    });
    group.bench_function("genawaiter rc async", |b| {
        b.iter(|| stream_genawaiter(ITEMS));
    });
    group.finish();
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
