//! (a) ping-pong: a `u64` passed each way per round trip. The coroutine yields `x + 1` for every
//! `x` it is resumed with and returns when resumed with 0; every variant drives it `n` times,
//! each yielded value through `black_box`. Here: the hand-written state machine, ours, and the
//! peers' (genawaiter, corosensei, diapause, fauxgen, generator-rs), each written as its docs
//! show.

use core::hint::black_box;
use core::pin::pin;

use resumable::{Resumable, State, resumable, yield_};

// ---------------------------------------------------------------------------------------------
// Hand-written.

/// The coroutine written by hand.
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

// ---------------------------------------------------------------------------------------------
// resumable.

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

// ---------------------------------------------------------------------------------------------
// Peers.

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

/// diapause: a `#[diapause::coroutine]` function returns its state enum (plain, `Unpin`, no
/// allocation), started with `start()` and driven with `resume(value)`. The first value is an
/// argument, since `start()` takes none (there is no `yield_!` for it to answer).
#[diapause::coroutine(yield = u64, resume = u64)]
pub(crate) fn echo_diapause(first: u64) -> u64 {
    let mut x: u64 = first;
    loop {
        x = yield_!(x.wrapping_add(1));
        if x == 0 {
            return 0;
        }
    }
}

pub(crate) fn ping_pong_diapause(n: u64) -> u64 {
    use diapause::{Coroutine, CoroutineState};
    let mut v = 1;
    let mut co = echo_diapause(v);
    let mut step = co.start();
    for _ in 0..n {
        match step {
            CoroutineState::Yielded(y) => v = black_box(y),
            CoroutineState::Complete(r) => return r,
        }
        step = co.resume(v);
    }
    v
}

/// fauxgen: a `#[fauxgen::generator]` function returns a future-based generator, pinned before
/// use, with `argument!()` for the first resume value and `r#yield!` for the others.
#[fauxgen::generator(yield = u64, arg = u64)]
pub(crate) fn echo_fauxgen() -> u64 {
    let mut x = argument!();
    loop {
        x = r#yield!(x.wrapping_add(1));
        if x == 0 {
            return 0;
        }
    }
}

pub(crate) fn ping_pong_fauxgen(n: u64) -> u64 {
    use fauxgen::{Generator, GeneratorState};
    let mut co = pin!(echo_fauxgen());
    let mut v = 1;
    for _ in 0..n {
        match co.as_mut().resume(v) {
            GeneratorState::Yielded(y) => v = black_box(y),
            GeneratorState::Complete(r) => return r,
        }
    }
    v
}

/// generator-rs (crate `generator`): `Gn::new_scoped` runs the closure on a stack of its own,
/// `send` resumes it with a value.
pub(crate) fn ping_pong_generator_rs(n: u64) -> u64 {
    let mut co = generator::Gn::<u64>::new_scoped(|mut s| {
        let mut x = s.get_yield().unwrap_or(0);
        loop {
            x = s.yield_(x.wrapping_add(1)).unwrap_or(0);
            if x == 0 {
                return 0;
            }
        }
    });
    let mut v = 1;
    for _ in 0..n {
        if co.is_done() {
            break;
        }
        v = black_box(co.send(v));
    }
    v
}
