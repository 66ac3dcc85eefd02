//! (e) many coroutines alive at once: create n, resume each once, keep them suspended. The
//! coroutine is a running total (its suspended state: the seed and the total). Here: the
//! hand-written one in a `Vec`, ours (each boxed, or inline in one `PinnedSlice`), and the peers'
//! (genawaiter's `rc::Gen`, diapause's state enums in a `Vec`, fauxgen boxed), each written as
//! its docs show, and the size of one suspended coroutine of each kind.
//!
//! corosensei and generator-rs have no (e): every coroutine owns a stack, a mapping with a guard
//! page (1 MiB and 32 KiB of address space by default), and a million of them would need a
//! million mappings, past Linux's default `vm.max_map_count` of 65,530.

use core::hint::black_box;
use core::pin::Pin;

use resumable::{PinnedSlice, Resumable, State, resumable, yield_};

// ---------------------------------------------------------------------------------------------
// Hand-written.

/// The coroutine written by hand.
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

// ---------------------------------------------------------------------------------------------
// resumable.

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

// ---------------------------------------------------------------------------------------------
// Peers.

/// genawaiter: each generator an `rc::Gen` (its docs' way to keep one beyond a stack frame: an
/// `Rc` for the value passed each way and a boxed future, two allocations each).
pub(crate) fn many_genawaiter(
    n: u64,
) -> Vec<genawaiter::rc::Gen<u64, u64, impl Future<Output = u64>>> {
    (0..n)
        .map(|i| {
            let mut co = genawaiter::rc::Gen::new(move |co| async move {
                // genawaiter drops the first resume argument: the first value (1) is added here.
                let mut total = i.wrapping_add(1);
                loop {
                    let x = co.yield_(total).await;
                    if x == 0 {
                        return total;
                    }
                    total = total.wrapping_add(x);
                }
            });
            let _ = black_box(co.resume_with(1));
            co
        })
        .collect()
}

/// diapause: yields the total so far, adds what it is resumed with. `start()` takes no value, so
/// the workload's first value (1) is added by the caller to the seed.
#[diapause::coroutine(yield = u64, resume = u64)]
pub(crate) fn total_diapause(seed: u64) -> u64 {
    let mut total: u64 = seed;
    loop {
        let x: u64 = yield_!(total);
        if x == 0 {
            return total;
        }
        total = total.wrapping_add(x);
    }
}

/// The state enums kept in a `Vec` (they are plain values: no pinning, no allocation each).
pub(crate) fn many_diapause(n: u64) -> Vec<total_diapause::State> {
    use diapause::Coroutine;
    (0..n)
        .map(|i| {
            let mut co = total_diapause(i.wrapping_add(1));
            let _ = black_box(co.start());
            co
        })
        .collect()
}

/// fauxgen: the running total, with `argument!()` for the first resume value.
#[fauxgen::generator(yield = u64, arg = u64)]
pub(crate) fn total_fauxgen(seed: u64) -> u64 {
    let mut total = seed.wrapping_add(argument!());
    loop {
        let x = r#yield!(total);
        if x == 0 {
            return total;
        }
        total = total.wrapping_add(x);
    }
}

/// Each generator boxed (one allocation each), since it must be pinned to be resumed.
pub(crate) fn many_fauxgen(
    n: u64,
) -> Vec<Pin<Box<impl fauxgen::Generator<u64, Yield = u64, Return = u64>>>> {
    use fauxgen::Generator;
    (0..n)
        .map(|i| {
            let mut co = Box::pin(total_fauxgen(i));
            let _ = black_box(co.as_mut().resume(1));
            co
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Sizes.

/// The size of one suspended coroutine of each kind, in bytes: ours, hand-written, diapause,
/// fauxgen (the last boxed, as it is kept).
pub(crate) fn sizes() -> (usize, usize, usize, usize) {
    use diapause::Coroutine;
    use fauxgen::Generator;
    let mut ours = Box::pin(total(0));
    let _ = ours.as_mut().resume(1);
    let mut diapause = total_diapause(0);
    let _ = diapause.start();
    let mut fauxgen = Box::pin(total_fauxgen(0));
    let _ = fauxgen.as_mut().resume(1);
    (
        size_of_val(&*ours),
        size_of::<TotalByHand>(),
        size_of_val(&diapause),
        size_of_val(&*fauxgen),
    )
}
