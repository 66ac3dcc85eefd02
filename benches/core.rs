//! Criterion benchmarks of Layer 1 against hand-written code and peer crates:
//! (a) ping-pong, (b) a generator as an iterator, (e) many coroutines alive at once.
//!
//! `cargo bench --bench core`; the README's table quotes the medians.

// `criterion_group!` generates an undocumented pub fn.
#![allow(missing_docs)]

use core::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

mod workloads;
use workloads::{
    many_hand, many_ours_boxed, many_ours_slice, perm_corosensei, perm_genawaiter,
    perm_hand_callback, perm_hand_iter, perm_ours, ping_pong_corosensei, ping_pong_genawaiter,
    ping_pong_hand, ping_pong_ours, sum_corosensei, sum_genawaiter, sum_hand, sum_nested,
    sum_ours_for, sum_ours_pinned,
};

const PING_PONG: u64 = 10_000_000;
const SUM: u64 = 100_000_000;
const MANY: u64 = 1_000_000;
const PERMUTATIONS_OF_10: u64 = 3_628_800;
const DEPTH_ITEMS: u64 = 10_000_000;

fn ping_pong(c: &mut Criterion) {
    let mut g = c.benchmark_group("a_ping_pong");
    g.throughput(Throughput::Elements(PING_PONG))
        .sample_size(10);
    g.bench_function("hand_written", |b| {
        b.iter(|| ping_pong_hand(black_box(PING_PONG)));
    });
    g.bench_function("resumable", |b| {
        b.iter(|| ping_pong_ours(black_box(PING_PONG)));
    });
    g.bench_function("genawaiter_stack", |b| {
        b.iter(|| ping_pong_genawaiter(black_box(PING_PONG)));
    });
    g.bench_function("corosensei", |b| {
        b.iter(|| ping_pong_corosensei(black_box(PING_PONG)));
    });
    g.finish();
}

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
    g.finish();
}

fn many_alive(c: &mut Criterion) {
    let mut g = c.benchmark_group("e_create_and_resume_many");
    g.throughput(Throughput::Elements(MANY)).sample_size(10);
    g.bench_function("hand_written_vec", |b| {
        b.iter_batched(
            || (),
            |()| many_hand(black_box(MANY)),
            BatchSize::PerIteration,
        );
    });
    g.bench_function("resumable_pinned_slice", |b| {
        b.iter_batched(
            || (),
            |()| many_ours_slice(black_box(MANY)),
            BatchSize::PerIteration,
        );
    });
    g.bench_function("resumable_boxed", |b| {
        b.iter_batched(
            || (),
            |()| many_ours_boxed(black_box(MANY)),
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

fn permutations(c: &mut Criterion) {
    let mut g = c.benchmark_group("c_permutations_of_10");
    g.throughput(Throughput::Elements(PERMUTATIONS_OF_10))
        .sample_size(10);
    g.bench_function("hand_written_recursion", |b| {
        b.iter(|| perm_hand_callback(black_box(10)));
    });
    g.bench_function("hand_written_iterator", |b| {
        b.iter(|| perm_hand_iter(black_box(10)));
    });
    g.bench_function("resumable", |b| b.iter(|| perm_ours(black_box(10))));
    g.bench_function("corosensei", |b| b.iter(|| perm_corosensei(black_box(10))));
    g.bench_function("genawaiter_boxed", |b| {
        b.iter(|| perm_genawaiter(black_box(10)));
    });
    g.finish();
}

fn depth(c: &mut Criterion) {
    let mut g = c.benchmark_group("delegation_depth");
    g.throughput(Throughput::Elements(DEPTH_ITEMS))
        .sample_size(10);
    for depth in [10, 10_000] {
        g.bench_function(format!("yield_from_depth_{depth}"), |b| {
            b.iter(|| sum_nested(black_box(depth), black_box(DEPTH_ITEMS)));
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    ping_pong,
    generator_sum,
    many_alive,
    permutations,
    depth
);
criterion_main!(benches);
