//! Criterion benchmark (d) of `resumable::pipe`: 10,000,000 `u64` through producer → filter
//! (`x + 1`) → consumer (sum), pulled and pushed, against the same work as an iterator chain,
//! in the same run.
//!
//! The same pipeline pulled through generators of the peer crates (genawaiter, corosensei,
//! diapause, fauxgen, generator-rs), each written as its docs show a generator consuming
//! another: the filter is a generator that iterates the producer and yields `x + 1`.
//!
//! A second group runs two such filters (`pipe` twice pulled; pushed through `then`, and
//! through one `sink` inside another) against two `map`s.
//!
//! `cargo bench --bench pipe`. Every variant passes each value through `black_box` in the
//! consumer, so none can be folded into a closed form.
//!
//! Timings on a shared machine are noisy; instruction counts are not. `pipe VARIANT N` runs one
//! variant once, so instructions per item are the difference of two callgrind runs:
//!
//! ```text
//! bin=$(cargo bench --bench pipe --no-run --message-format=json 2>/dev/null \
//!   | sed -n 's/.*"executable":"\([^"]*pipe-[^"]*\)".*/\1/p' | tail -n 1)
//! for n in 100000 1100000; do
//!   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$n "$bin" push "$n" >/dev/null 2>&1
//!   grep '^summary' /tmp/cg.$n
//! done   # (second - first) / 1000000 = instructions per item
//! ```

// `criterion_group!` generates an undocumented pub fn.
#![allow(missing_docs)]

use core::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group};
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

/// The filter, `x + 1` for every input, once per name: each pipeline below has a filter fn of
/// its own, as a program's pipeline usually has (and as each peer's has), used once or, in the
/// two-filter pipelines, twice. `add_one`, used by both `pull_shared` and `push_shared`, is
/// what one fn driven from several pipelines costs (once 180 instructions per item, its body
/// polled out of line; now as much as a filter of a pipeline's own).
macro_rules! add_one {
    ($($name:ident),*) => {$(
        #[resumable(yield = Step<u64>, resume = Option<u64>)]
        fn $name(#[resume] _start: Option<u64>) {
            while let Some(x) = yield_!(Receive) {
                yield_!(Emit(x.wrapping_add(1)));
            }
        }
    )*};
}

add_one!(
    add_one,
    add_one_pull,
    add_one_push,
    add_one_push_from_generator,
    add_one_pull_two,
    add_one_push_then,
    add_one_push_nested
);

fn consume(acc: u64, x: u64) -> u64 {
    acc.wrapping_add(black_box(x))
}

/// The same work as an iterator chain.
fn iterator_chain(n: u64) -> u64 {
    (0..n).map(|x| x.wrapping_add(1)).fold(0, consume)
}

/// Pull: the consumer folds over generator → filter.
fn pull(n: u64) -> u64 {
    upto(n).pipe(add_one_pull()).fold(0, consume)
}

/// Pull, through a filter fn that other pipelines of this binary use too.
fn pull_shared(n: u64) -> u64 {
    upto(n).pipe(add_one()).fold(0, consume)
}

/// Keeps `add_one` driven from several places (see `add_one!`).
fn push_shared(n: u64) -> u64 {
    add_one().sink(fold(0, consume)).feed(0..n)
}

/// Push: a producer loop pushes into filter → fold sink.
fn push(n: u64) -> u64 {
    add_one_push().sink(fold(0, consume)).feed(0..n)
}

/// Push with a generator as the producer: pulled from the generator, pushed into the sink.
fn push_from_generator(n: u64) -> u64 {
    upto(n).push_into(add_one_push_from_generator().sink(fold(0, consume)))
}

/// genawaiter: the filter's body iterates the producer (both on the stack).
fn pull_genawaiter(n: u64) -> u64 {
    use genawaiter::stack::{Co, let_gen_using};
    let_gen_using!(producer, |co: Co<'_, u64>| async move {
        let mut i = 0;
        while i < n {
            co.yield_(i).await;
            i += 1;
        }
    });
    let_gen_using!(filter, |co: Co<'_, u64>| async move {
        for x in producer {
            co.yield_(x.wrapping_add(1)).await;
        }
    });
    filter.into_iter().fold(0, consume)
}

/// corosensei: the filter coroutine resumes the producer coroutine.
fn pull_corosensei(n: u64) -> u64 {
    use corosensei::{Coroutine, CoroutineResult, Yielder};
    let mut producer = Coroutine::new(move |yielder: &Yielder<(), u64>, ()| {
        let mut i = 0;
        while i < n {
            yielder.suspend(i);
            i += 1;
        }
    });
    let mut filter = Coroutine::new(move |yielder: &Yielder<(), u64>, ()| {
        while let CoroutineResult::Yield(x) = producer.resume(()) {
            yielder.suspend(x.wrapping_add(1));
        }
    });
    let mut acc = 0;
    while let CoroutineResult::Yield(x) = filter.resume(()) {
        acc = consume(acc, x);
    }
    acc
}

/// diapause: the producer's state enum is the filter's argument, iterated with `for`.
#[diapause::coroutine(yield = u64)]
fn upto_diapause(n: u64) {
    let mut i: u64 = 0;
    while i < n {
        yield_!(i);
        i += 1;
    }
}

/// diapause's filter: `x + 1` for every item of `src`.
#[diapause::coroutine(yield = u64)]
fn add_one_diapause(src: upto_diapause::State) {
    for x in src {
        yield_!(x.wrapping_add(1));
    }
}

fn pull_diapause(n: u64) -> u64 {
    add_one_diapause(upto_diapause(n))
        .into_iter()
        .fold(0, consume)
}

/// fauxgen: the producer, pinned inside the filter as its docs' `powers_of_two` does.
#[fauxgen::generator(yield = u64)]
fn upto_fauxgen(n: u64) {
    let mut i = 0;
    while i < n {
        r#yield!(i);
        i += 1;
    }
}

/// fauxgen's filter: `x + 1` for every item of the producer.
#[fauxgen::generator(yield = u64)]
fn add_one_fauxgen(n: u64) {
    for x in core::pin::pin!(upto_fauxgen(n)) {
        r#yield!(x.wrapping_add(1));
    }
}

fn pull_fauxgen(n: u64) -> u64 {
    core::pin::pin!(add_one_fauxgen(n)).fold(0, consume)
}

/// generator-rs: a filter over any iterator, as its `pipe` example writes one.
fn add_one_generator_rs<'a, I: Iterator<Item = u64> + Send + 'a>(
    input: I,
) -> generator::Generator<'a, (), u64> {
    generator::Gn::new_scoped(|mut s| {
        for x in input {
            s.yield_with(x.wrapping_add(1));
        }
        generator::done!();
    })
}

fn pull_generator_rs(n: u64) -> u64 {
    let producer = generator::Gn::new_scoped(move |mut s| {
        let mut i = 0;
        while i < n {
            s.yield_with(i);
            i += 1;
        }
        generator::done!();
    });
    add_one_generator_rs(producer).fold(0, consume)
}

/// Two filters, as an iterator chain.
fn iterator_chain_two(n: u64) -> u64 {
    (0..n)
        .map(|x| x.wrapping_add(1))
        .map(|x| x.wrapping_add(1))
        .fold(0, consume)
}

/// Two filters pulled, one `pipe` after the other.
fn pull_two(n: u64) -> u64 {
    upto(n)
        .pipe(add_one_pull_two())
        .pipe(add_one_pull_two())
        .fold(0, consume)
}

/// Two filters joined with `then`, pushed into.
fn push_two(n: u64) -> u64 {
    add_one_push_then()
        .then(add_one_push_then())
        .sink(fold(0, consume))
        .feed(0..n)
}

/// Two filters pushed into, each `sink`ing into the next.
fn push_nested(n: u64) -> u64 {
    add_one_push_nested()
        .sink(add_one_push_nested().sink(fold(0, consume)))
        .feed(0..n)
}

fn pipeline(c: &mut Criterion) {
    let expect = iterator_chain(ITEMS);
    assert_eq!(pull(ITEMS), expect);
    assert_eq!(push(ITEMS), expect);
    assert_eq!(push_from_generator(ITEMS), expect);
    for (name, peer) in PEERS {
        assert_eq!(peer(ITEMS), expect, "{name}");
    }

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
    for (name, peer) in PEERS {
        g.bench_function(*name, |b| b.iter(|| peer(black_box(ITEMS))));
    }
    g.finish();

    let expect = iterator_chain_two(ITEMS);
    assert_eq!(pull_two(ITEMS), expect);
    assert_eq!(push_two(ITEMS), expect);
    assert_eq!(push_nested(ITEMS), expect);
    let mut g = c.benchmark_group("d_pipeline_two_filters");
    g.throughput(Throughput::Elements(ITEMS)).sample_size(10);
    g.bench_function("iterator_chain", |b| {
        b.iter(|| iterator_chain_two(black_box(ITEMS)));
    });
    g.bench_function("pull", |b| b.iter(|| pull_two(black_box(ITEMS))));
    g.bench_function("push_then", |b| b.iter(|| push_two(black_box(ITEMS))));
    g.bench_function("push_nested", |b| {
        b.iter(|| push_nested(black_box(ITEMS)));
    });
    g.finish();
}

criterion_group!(benches, pipeline);

/// One workload: items in, sum out.
type Workload = fn(u64) -> u64;

/// The peers' pulled pipelines by name.
const PEERS: &[(&str, Workload)] = &[
    ("pull_genawaiter", pull_genawaiter),
    ("pull_corosensei", pull_corosensei),
    ("pull_diapause", pull_diapause),
    ("pull_fauxgen", pull_fauxgen),
    ("pull_generator_rs", pull_generator_rs),
];

/// The variants by name, for `pipe VARIANT N` (and the peers of [`PEERS`]).
const VARIANTS: &[(&str, Workload)] = &[
    ("iterator_chain", iterator_chain),
    ("pull", pull),
    ("pull_shared", pull_shared),
    ("push_shared", push_shared),
    ("push", push),
    ("push_from_generator", push_from_generator),
    ("iterator_chain_two", iterator_chain_two),
    ("pull_two", pull_two),
    ("push_then", push_two),
    ("push_nested", push_nested),
];

fn main() {
    // `pipe VARIANT N` runs one variant once over N items and exits: for instruction counts
    // under callgrind, which are deterministic where timings on a shared machine are not.
    let args: Vec<String> = std::env::args().collect();
    if let [_, name, n] = &args[..]
        && let Ok(n) = n.parse::<u64>()
        && let Some((_, variant)) = VARIANTS.iter().chain(PEERS).find(|(v, _)| v == name)
    {
        println!("{}", variant(black_box(n)));
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
