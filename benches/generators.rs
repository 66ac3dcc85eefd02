//! Criterion benchmark (b), a generator as an iterator: the sum of 100M items yielded one by
//! one, through the hand-written `Iterator`, `resumable` (boxed by `for`, and pinned) and the
//! peers (genawaiter, corosensei, diapause, fauxgen, generator-rs), in one run. The workloads:
//! `benches/workloads/generators.rs`.
//!
//! `cargo bench --bench generators -- --warm-up-time 1 --measurement-time 2`

// `criterion_group!` generates an undocumented pub fn.
#![allow(missing_docs)]

use core::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

mod workloads;
use workloads::generators::{
    sum_corosensei, sum_diapause, sum_fauxgen, sum_genawaiter, sum_generator_rs, sum_hand,
    sum_ours_for, sum_ours_pinned,
};

const SUM: u64 = 100_000_000;

fn generator_sum(c: &mut Criterion) {
    let mut g = c.benchmark_group("b_generator_sum");
    g.throughput(Throughput::Elements(SUM)).sample_size(10);
    g.bench_function("hand_written_iterator", |b| {
        b.iter(|| sum_hand(black_box(SUM)));
    });
    g.bench_function("resumable_for_loop", |b| {
        b.iter(|| sum_ours_for(black_box(SUM)));
    });
    g.bench_function("resumable_pinned_iter", |b| {
        b.iter(|| sum_ours_pinned(black_box(SUM)));
    });
    g.bench_function("genawaiter_stack", |b| {
        b.iter(|| sum_genawaiter(black_box(SUM)));
    });
    g.bench_function("corosensei", |b| b.iter(|| sum_corosensei(black_box(SUM))));
    g.bench_function("diapause", |b| b.iter(|| sum_diapause(black_box(SUM))));
    g.bench_function("fauxgen", |b| b.iter(|| sum_fauxgen(black_box(SUM))));
    g.bench_function("generator_rs", |b| {
        b.iter(|| sum_generator_rs(black_box(SUM)));
    });
    g.finish();
}

criterion_group!(benches, generator_sum);
criterion_main!(benches);
