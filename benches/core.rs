//! Criterion benchmarks of Layer 1 against hand-written code and peer crates (genawaiter,
//! corosensei, diapause, fauxgen, generator-rs): (a) ping-pong, (b) a generator as an iterator,
//! (c) permutations by a recursive generator, (e) many coroutines alive at once, (f) an in-order
//! walk of a binary tree by a recursive generator (`TREE_NODES` nodes, 2^20 unless set in the
//! environment), and the cost of delegation depth.
//!
//! `cargo bench --bench core -- --warm-up-time 1 --measurement-time 3`; the README's table
//! quotes the medians. A group or variant is picked by a filter: `cargo bench --bench core --
//! f_tree`.

// `criterion_group!` generates an undocumented pub fn.
#![allow(missing_docs)]

use core::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

mod workloads;
use workloads::{
    Tree, many_diapause, many_fauxgen, many_genawaiter, many_hand, many_ours_boxed,
    many_ours_slice, perm_corosensei, perm_diapause, perm_fauxgen, perm_genawaiter,
    perm_generator_rs, perm_hand_callback, perm_hand_iter, perm_ours, ping_pong_corosensei,
    ping_pong_diapause, ping_pong_fauxgen, ping_pong_genawaiter, ping_pong_generator_rs,
    ping_pong_hand, ping_pong_ours, sum_corosensei, sum_diapause, sum_fauxgen, sum_genawaiter,
    sum_generator_rs, sum_hand, sum_nested, sum_ours_for, sum_ours_pinned, tree_corosensei,
    tree_diapause, tree_fauxgen, tree_genawaiter, tree_generator_rs, tree_hand_callback,
    tree_hand_iter, tree_ours,
};

const PING_PONG: u64 = 10_000_000;
const SUM: u64 = 100_000_000;
const MANY: u64 = 1_000_000;
const PERMUTATIONS_OF_10: u64 = 3_628_800;
const DEPTH_ITEMS: u64 = 10_000_000;
/// The size of the tree of (f) unless `TREE_NODES` is set.
const TREE_NODES: usize = 1 << 20;

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
    g.bench_function("diapause", |b| {
        b.iter(|| ping_pong_diapause(black_box(PING_PONG)));
    });
    g.bench_function("fauxgen", |b| {
        b.iter(|| ping_pong_fauxgen(black_box(PING_PONG)));
    });
    g.bench_function("generator_rs", |b| {
        b.iter(|| ping_pong_generator_rs(black_box(PING_PONG)));
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
    g.bench_function("diapause", |b| b.iter(|| sum_diapause(black_box(SUM))));
    g.bench_function("fauxgen", |b| b.iter(|| sum_fauxgen(black_box(SUM))));
    g.bench_function("generator_rs", |b| {
        b.iter(|| sum_generator_rs(black_box(SUM)));
    });
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
    g.bench_function("diapause_vec", |b| {
        b.iter_batched(
            || (),
            |()| many_diapause(black_box(MANY)),
            BatchSize::PerIteration,
        );
    });
    g.bench_function("fauxgen_boxed", |b| {
        b.iter_batched(
            || (),
            |()| many_fauxgen(black_box(MANY)),
            BatchSize::PerIteration,
        );
    });
    g.bench_function("genawaiter_rc", |b| {
        b.iter_batched(
            || (),
            |()| many_genawaiter(black_box(MANY)),
            BatchSize::PerIteration,
        );
    });
    // corosensei and generator-rs: a stack (a mapping) per coroutine, a million of them would
    // pass Linux's default `vm.max_map_count` (see `benches/workloads/mod.rs`).
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
    g.bench_function("diapause_boxed", |b| {
        b.iter(|| perm_diapause(black_box(10)));
    });
    g.bench_function("fauxgen_boxed_reyield", |b| {
        b.iter(|| perm_fauxgen(black_box(10)));
    });
    g.bench_function("generator_rs", |b| {
        b.iter(|| perm_generator_rs(black_box(10)));
    });
    g.finish();
}

/// A tree walk of each variant of (f).
type TreeWalk = fn(&Tree) -> u64;

fn tree_walk(c: &mut Criterion) {
    let nodes = std::env::var("TREE_NODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(TREE_NODES);
    let tree = Tree::complete(nodes);
    let mut g = c.benchmark_group("f_tree_walk");
    g.throughput(Throughput::Elements(tree.len() as u64))
        .sample_size(10);
    let variants: [(&str, TreeWalk); 8] = [
        ("hand_written_iterator", tree_hand_iter),
        ("hand_written_recursion", tree_hand_callback),
        ("resumable", tree_ours),
        ("corosensei", tree_corosensei),
        ("genawaiter_boxed", tree_genawaiter),
        ("diapause_boxed", tree_diapause),
        ("fauxgen_boxed_reyield", tree_fauxgen),
        ("generator_rs", tree_generator_rs),
    ];
    for (name, walk) in variants {
        g.bench_function(name, |b| b.iter(|| walk(black_box(&tree))));
    }
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
    tree_walk,
    depth
);
criterion_main!(benches);
