//! (b) a generator as an iterator: the sum of 0..n, yielded one by one, each item through
//! `black_box`. Here: the hand-written `Iterator`, ours (boxed by `for x in gen()`, and pinned
//! on the stack), and the peers' (genawaiter, corosensei, diapause, fauxgen, generator-rs), each
//! written as its docs show.

use core::hint::black_box;
use core::pin::pin;

use resumable::{Iter, resumable, yield_};

// ---------------------------------------------------------------------------------------------
// Hand-written.

/// The generator written by hand.
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

pub(crate) fn sum_hand(n: u64) -> u64 {
    let mut sum = 0u64;
    for x in (UptoByHand { i: 0, n }) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

// ---------------------------------------------------------------------------------------------
// resumable.

/// Yields 0, 1, …, n - 1.
#[resumable(yield = u64)]
pub(crate) fn upto(n: u64) {
    let mut i = 0;
    while i < n {
        yield_!(i);
        i += 1;
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

// ---------------------------------------------------------------------------------------------
// Peers.

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

/// diapause: yields 0, 1, …, n - 1 (its state enum is an `Iterator`).
#[diapause::coroutine(yield = u64)]
pub(crate) fn upto_diapause(n: u64) {
    let mut i: u64 = 0;
    while i < n {
        yield_!(i);
        i += 1;
    }
}

pub(crate) fn sum_diapause(n: u64) -> u64 {
    let mut sum = 0u64;
    for x in upto_diapause(n) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// fauxgen: yields 0, 1, …, n - 1 (iterated pinned on the stack).
#[fauxgen::generator(yield = u64)]
pub(crate) fn upto_fauxgen(n: u64) {
    let mut i = 0;
    while i < n {
        r#yield!(i);
        i += 1;
    }
}

pub(crate) fn sum_fauxgen(n: u64) -> u64 {
    let mut sum = 0u64;
    for x in pin!(upto_fauxgen(n)) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// generator-rs: yields 0, 1, …, n - 1 on a stack of its own, `done!()` ends it.
pub(crate) fn sum_generator_rs(n: u64) -> u64 {
    let upto = generator::Gn::new_scoped(move |mut s| {
        let mut i = 0;
        while i < n {
            s.yield_with(i);
            i += 1;
        }
        generator::done!();
    });
    let mut sum = 0u64;
    for x in upto {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}
