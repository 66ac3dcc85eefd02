//! Criterion benchmark (a), ping-pong: 10M round trips of a `u64` each way, through the
//! hand-written state machine, `resumable` and the peers (genawaiter, corosensei, diapause,
//! fauxgen, generator-rs), in one run. The workloads: `benches/workloads/ping_pong.rs`.
//!
//! `cargo bench --bench ping_pong -- --warm-up-time 1 --measurement-time 2`

// `criterion_group!` generates an undocumented pub fn.
#![allow(missing_docs)]

use core::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

mod workloads;
use workloads::ping_pong::{
    ping_pong_corosensei, ping_pong_diapause, ping_pong_fauxgen, ping_pong_genawaiter,
    ping_pong_generator_rs, ping_pong_hand, ping_pong_ours,
};

const PING_PONG: u64 = 10_000_000;

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

criterion_group!(benches, ping_pong);
criterion_main!(benches);
