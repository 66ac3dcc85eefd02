//! Criterion benchmark (d) of `resumable::pipe`: 10,000,000 `u64` through producer → filter
//! (`x + 1`) → consumer (sum), pulled and pushed, against the same work as an iterator chain,
//! in the same run.
//!
//! `cargo bench --bench pipe`. Every variant passes each value through `black_box` in the
//! consumer, so none can be folded into a closed form.

// `criterion_group!` generates an undocumented pub fn.
#![allow(missing_docs)]

use core::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use resumable::pipe::Step::{self, Emit, Receive};
use resumable::pipe::{Filter, Pull, Sink, fold};
use resumable::{resumable, yield_};

const ITEMS: u64 = 10_000_000;

/// The producer: yields 0, 1, …, n - 1.
#[resumable(yield = u64)]
fn upto(n: u64) {
    let mut i = 0;
    while i < n {
        yield_!(i);
        i += 1;
    }
}

/// The filter: `x + 1` for every input.
#[resumable(yield = Step<u64>, resume = Option<u64>)]
fn add_one(#[resume] _start: Option<u64>) {
    while let Some(x) = yield_!(Receive) {
        yield_!(Emit(x.wrapping_add(1)));
    }
}

fn consume(acc: u64, x: u64) -> u64 {
    acc.wrapping_add(black_box(x))
}

/// The same work as an iterator chain.
fn iterator_chain(n: u64) -> u64 {
    (0..n).map(|x| x.wrapping_add(1)).fold(0, consume)
}

/// Pull: the consumer folds over generator → filter.
fn pull(n: u64) -> u64 {
    upto(n).pipe(add_one()).fold(0, consume)
}

/// Push: a producer loop pushes into filter → fold sink.
fn push(n: u64) -> u64 {
    add_one().sink(fold(0, consume)).feed(0..n)
}

/// Push with a generator as the producer: pulled from the generator, pushed into the sink.
fn push_from_generator(n: u64) -> u64 {
    upto(n).push_into(add_one().sink(fold(0, consume)))
}

fn pipeline(c: &mut Criterion) {
    let expect = iterator_chain(ITEMS);
    assert_eq!(pull(ITEMS), expect);
    assert_eq!(push(ITEMS), expect);
    assert_eq!(push_from_generator(ITEMS), expect);

    let mut g = c.benchmark_group("d_pipeline");
    g.throughput(Throughput::Elements(ITEMS)).sample_size(10);
    g.bench_function("iterator_chain", |b| {
        b.iter(|| iterator_chain(black_box(ITEMS)));
    });
    g.bench_function("pull", |b| b.iter(|| pull(black_box(ITEMS))));
    g.bench_function("push", |b| b.iter(|| push(black_box(ITEMS))));
    g.bench_function("push_from_generator", |b| {
        b.iter(|| push_from_generator(black_box(ITEMS)));
    });
    g.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
