//! The workloads of the core benchmarks, shared by the criterion bench (`core.rs`) and the
//! instruction-count binary (`instructions.rs`). Every variant does the same work and passes
//! each value through `black_box`, so none can be folded into a closed form.

#![allow(dead_code)]

use core::hint::black_box;
use core::pin::{Pin, pin};

use resumable::{Iter, PinnedSlice, Resumable, State, resumable, yield_};

// ---------------------------------------------------------------------------------------------
// (a) ping-pong: a `u64` passed each way per round trip.

/// Yields `x + 1` for every `x` it is resumed with; returns when resumed with 0.
#[resumable(yield = u64, resume = u64)]
pub(crate) fn echo(#[resume] first: u64) -> u64 {
    let mut x = first;
    loop {
        x = yield_!(x.wrapping_add(1));
        if x == 0 {
            return 0;
        }
    }
}

/// The same coroutine written by hand.
#[derive(Default)]
pub(crate) struct EchoByHand {
    started: bool,
}

impl EchoByHand {
    #[inline]
    pub(crate) fn resume(&mut self, x: u64) -> State<u64, u64> {
        if self.started && x == 0 {
            return State::Complete(0);
        }
        self.started = true;
        State::Yielded(x.wrapping_add(1))
    }
}

pub(crate) fn ping_pong_ours(n: u64) -> u64 {
    let mut co = pin!(echo());
    let mut v = 1;
    for _ in 0..n {
        match co.as_mut().resume(v) {
            State::Yielded(y) => v = black_box(y),
            State::Complete(r) => return r,
        }
    }
    v
}

pub(crate) fn ping_pong_hand(n: u64) -> u64 {
    let mut co = EchoByHand::default();
    let mut v = 1;
    for _ in 0..n {
        match co.resume(v) {
            State::Yielded(y) => v = black_box(y),
            State::Complete(r) => return r,
        }
    }
    v
}

pub(crate) fn ping_pong_genawaiter(n: u64) -> u64 {
    use genawaiter::GeneratorState;
    genawaiter::stack::let_gen_using!(co, |co: genawaiter::stack::Co<'_, u64, u64>| async move {
        // genawaiter drops the first resume argument; the first value is fixed instead.
        let mut x = 1u64;
        loop {
            x = co.yield_(x.wrapping_add(1)).await;
            if x == 0 {
                return 0u64;
            }
        }
    });
    let mut v = 1;
    for _ in 0..n {
        match co.resume_with(v) {
            GeneratorState::Yielded(y) => v = black_box(y),
            GeneratorState::Complete(r) => return r,
        }
    }
    v
}

pub(crate) fn ping_pong_corosensei(n: u64) -> u64 {
    use corosensei::{Coroutine, CoroutineResult, Yielder};
    let mut co = Coroutine::new(|yielder: &Yielder<u64, u64>, first: u64| {
        let mut x = first;
        loop {
            x = yielder.suspend(x.wrapping_add(1));
            if x == 0 {
                return 0u64;
            }
        }
    });
    let mut v = 1;
    for _ in 0..n {
        match co.resume(v) {
            CoroutineResult::Yield(y) => v = black_box(y),
            CoroutineResult::Return(r) => return r,
        }
    }
    v
}

// ---------------------------------------------------------------------------------------------
// (b) a generator as an iterator: the sum of 0..n, yielded one by one.

/// Yields 0, 1, …, n - 1.
#[resumable(yield = u64)]
pub(crate) fn upto(n: u64) {
    let mut i = 0;
    while i < n {
        yield_!(i);
        i += 1;
    }
}

/// The same generator written by hand.
pub(crate) struct UptoByHand {
    i: u64,
    n: u64,
}

impl Iterator for UptoByHand {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        if self.i < self.n {
            let i = self.i;
            self.i += 1;
            Some(i)
        } else {
            None
        }
    }
}

pub(crate) fn sum_ours_for(n: u64) -> u64 {
    let mut sum = 0u64;
    for x in upto(n) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

pub(crate) fn sum_ours_pinned(n: u64) -> u64 {
    let mut sum = 0u64;
    for x in Iter::new(pin!(upto(n))) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

pub(crate) fn sum_hand(n: u64) -> u64 {
    let mut sum = 0u64;
    for x in (UptoByHand { i: 0, n }) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

pub(crate) fn sum_genawaiter(n: u64) -> u64 {
    genawaiter::stack::let_gen_using!(generator, |co: genawaiter::stack::Co<'_, u64>| async move {
        let mut i = 0;
        while i < n {
            co.yield_(i).await;
            i += 1;
        }
    });
    let mut sum = 0u64;
    for x in generator {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

pub(crate) fn sum_corosensei(n: u64) -> u64 {
    use corosensei::{Coroutine, CoroutineResult, Yielder};
    let mut co = Coroutine::new(move |yielder: &Yielder<(), u64>, ()| {
        let mut i = 0;
        while i < n {
            yielder.suspend(i);
            i += 1;
        }
    });
    let mut sum = 0u64;
    while let CoroutineResult::Yield(x) = co.resume(()) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

// ---------------------------------------------------------------------------------------------
// (e) many coroutines alive at once: create n, resume each once, keep them suspended.

/// A running total: the suspended state is the seed and the total.
#[resumable(yield = u64, resume = u64)]
pub(crate) fn total(seed: u64, #[resume] first: u64) -> u64 {
    let mut total = seed.wrapping_add(first);
    loop {
        let x = yield_!(total);
        if x == 0 {
            return total;
        }
        total = total.wrapping_add(x);
    }
}

/// The same coroutine written by hand.
pub(crate) struct TotalByHand {
    total: u64,
    started: bool,
}

impl TotalByHand {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            total: seed,
            started: false,
        }
    }

    #[inline]
    pub(crate) fn resume(&mut self, x: u64) -> State<u64, u64> {
        if self.started && x == 0 {
            return State::Complete(self.total);
        }
        self.started = true;
        self.total = self.total.wrapping_add(x);
        State::Yielded(self.total)
    }
}

/// Our coroutines, each boxed (one allocation per coroutine kept alive).
pub(crate) fn many_ours_boxed(
    n: u64,
) -> Vec<Pin<Box<impl Resumable<u64, Yield = u64, Return = u64>>>> {
    (0..n)
        .map(|i| {
            let mut co = Box::pin(total(i));
            let _ = black_box(co.as_mut().resume(1));
            co
        })
        .collect()
}

/// Our coroutines, stored inline in one pinned slice (no allocation per coroutine).
pub(crate) fn many_ours_slice(
    n: u64,
) -> PinnedSlice<impl Resumable<u64, Yield = u64, Return = u64>> {
    let mut all: PinnedSlice<_> = (0..n).map(total).collect();
    for co in &mut all {
        let _ = black_box(co.resume(1));
    }
    all
}

/// The hand-written ones, stored inline in a `Vec`.
pub(crate) fn many_hand(n: u64) -> Vec<TotalByHand> {
    (0..n)
        .map(|i| {
            let mut co = TotalByHand::new(i);
            let _ = black_box(co.resume(1));
            co
        })
        .collect()
}

/// The size of one suspended coroutine of each kind, in bytes.
pub(crate) fn sizes() -> (usize, usize) {
    let mut co = Box::pin(total(0));
    let _ = co.as_mut().resume(1);
    (size_of_val(&*co), size_of::<TotalByHand>())
}
