//! Criterion benchmark (e), many coroutines alive at once: create 1M, resume each once, keep
//! them suspended; the hand-written ones in a `Vec`, `resumable` (in a `PinnedSlice`, and boxed)
//! and the peers that can hold a million (genawaiter, diapause, fauxgen), in one run. The
//! workloads: `benches/workloads/many.rs`.
//!
//! `cargo bench --bench many -- --warm-up-time 1 --measurement-time 2`

// `criterion_group!` generates an undocumented pub fn.
#![allow(missing_docs)]

use core::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

mod workloads;
use workloads::many::{
    many_diapause, many_fauxgen, many_genawaiter, many_hand, many_ours_boxed, many_ours_slice,
};

const MANY: u64 = 1_000_000;

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
    // pass Linux's default `vm.max_map_count` (see `benches/workloads/many.rs`).
    g.finish();
}

criterion_group!(benches, many_alive);
criterion_main!(benches);
