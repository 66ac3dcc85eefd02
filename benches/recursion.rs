//! Criterion benchmarks of recursive generators: (c) every permutation of 10 elements by the
//! recursive `permgen`, (f) an in-order walk of a binary tree (`TREE_NODES` nodes, 2^20 unless
//! set in the environment), each through hand-written code, `resumable` and the peers
//! (genawaiter, corosensei, diapause, fauxgen, generator-rs), and the cost of delegation depth
//! (ours, 10 and 10,000 levels down). The workloads: `benches/workloads/permutations.rs`,
//! `tree.rs` and `depth.rs`.
//!
//! `cargo bench --bench recursion -- --warm-up-time 1 --measurement-time 2`; a group or variant
//! is picked by a filter: `cargo bench --bench recursion -- f_tree`.

// `criterion_group!` generates an undocumented pub fn.
#![allow(missing_docs)]

use core::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

mod workloads;
use workloads::depth::sum_nested;
use workloads::permutations::{
    perm_corosensei, perm_diapause, perm_fauxgen, perm_genawaiter, perm_generator_rs,
    perm_hand_callback, perm_hand_iter, perm_ours,
};
use workloads::tree::{
    Tree, tree_corosensei, tree_diapause, tree_fauxgen, tree_genawaiter, tree_generator_rs,
    tree_hand_callback, tree_hand_iter, tree_ours,
};

const PERMUTATIONS_OF_10: u64 = 3_628_800;
const DEPTH_ITEMS: u64 = 10_000_000;
/// The size of the tree of (f) unless `TREE_NODES` is set.
const TREE_NODES: usize = 1 << 20;

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

criterion_group!(benches, permutations, tree_walk, depth);
criterion_main!(benches);
