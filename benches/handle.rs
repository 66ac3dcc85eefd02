//! What the Lua-style handle costs: one ping-pong round trip (resume with a value, the body adds
//! one and yields it back) through Layer 1 on a pinned coroutine, through a boxed `dyn`
//! Layer 1 coroutine (the handle's indirection alone), through `Coroutine::resume` (plus status
//! bookkeeping and `catch_unwind`), and through `Wrap::resume`, all in the same run.
//!
//! `cargo bench --bench handle -- --warm-up-time 1 --measurement-time 3`

// `criterion_group!` generates an undocumented pub fn.
#![allow(missing_docs)]

use core::hint::black_box;
use core::pin::{Pin, pin};

use criterion::{Criterion, criterion_group, criterion_main};
use resumable::{Coroutine, Resumable, ResumeError, State, Wrap, resumable, yield_};

/// Yields back each value it is resumed with, plus one.
#[resumable(yield = u64, resume = u64)]
fn ping_pong(#[resume] mut x: u64) {
    loop {
        x = yield_!(x.wrapping_add(1));
    }
}

/// The yielded value: every round trip takes it out, as a caller would, rather than handing the
/// whole result to `black_box` (a `Result<State<..>, ResumeError>` is bigger than a `State`, and
/// storing it for `black_box` would be measured as well).
#[inline]
fn yielded(state: State<u64, ()>) -> u64 {
    match state {
        State::Yielded(value) => value,
        State::Complete(()) => unreachable!("ping_pong never returns"),
    }
}

#[cold]
#[inline(never)]
fn failed(e: &ResumeError) -> ! {
    panic!("{e}")
}

fn round_trip(c: &mut Criterion) {
    let mut group = c.benchmark_group("round trip");

    group.bench_function("layer 1, pinned on the stack", |b| {
        let mut co = pin!(ping_pong());
        let _ = co.as_mut().resume(0);
        b.iter(|| yielded(co.as_mut().resume(black_box(1))));
    });

    group.bench_function("layer 1, Pin<Box<dyn Resumable>>", |b| {
        let mut co: Pin<Box<dyn Resumable<u64, Yield = u64, Return = ()>>> = Box::pin(ping_pong());
        let _ = co.as_mut().resume(0);
        b.iter(|| yielded(co.as_mut().resume(black_box(1))));
    });

    group.bench_function("Coroutine::resume", |b| {
        let co = Coroutine::new(ping_pong());
        let _ = co.resume(0);
        b.iter(|| match co.resume(black_box(1)) {
            Ok(state) => yielded(state),
            Err(e) => failed(&e),
        });
    });

    group.bench_function("Wrap::resume", |b| {
        let f = Wrap::new(ping_pong());
        let _ = f.resume(0);
        b.iter(|| yielded(f.resume(black_box(1))));
    });

    group.finish();
}

criterion_group!(benches, round_trip);
criterion_main!(benches);
