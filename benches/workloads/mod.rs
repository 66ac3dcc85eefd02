//! The workloads of the core benchmarks, shared by the criterion bench (`core.rs`) and the
//! instruction-count binary (`instructions.rs`). Every variant does the same work and passes
//! each value through `black_box`, so none can be folded into a closed form.

#![allow(dead_code)]

use core::hint::black_box;
use core::pin::{Pin, pin};

use std::cell::Cell;

use resumable::{Iter, PinnedSlice, Resumable, State, resumable, yield_, yield_from};

// The peers added for issue 15, one module per crate, and workload (f) for every variant.
mod tree;
mod with_diapause;
mod with_fauxgen;
mod with_generator_rs;
pub(crate) use tree::{
    Tree, tree_corosensei, tree_genawaiter, tree_hand_callback, tree_hand_iter, tree_ours,
};
pub(crate) use with_diapause::{
    many_diapause, perm_diapause, ping_pong_diapause, sum_diapause, tree_diapause,
};
pub(crate) use with_fauxgen::{
    many_fauxgen, perm_fauxgen, ping_pong_fauxgen, sum_fauxgen, tree_fauxgen,
};
pub(crate) use with_generator_rs::{
    perm_generator_rs, ping_pong_generator_rs, sum_generator_rs, tree_generator_rs,
};

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

// corosensei (and generator-rs) have no (e): every coroutine owns a stack, a mapping with a
// guard page, and a million of them would need a million mappings, past Linux's default
// `vm.max_map_count` of 65,530 (and 1 MiB of address space each by default).

/// The size of one suspended coroutine of each kind, in bytes: ours, hand-written, diapause,
/// fauxgen (the last boxed, as it is kept).
pub(crate) fn sizes() -> (usize, usize, usize, usize) {
    let mut co = Box::pin(total(0));
    let _ = co.as_mut().resume(1);
    (
        size_of_val(&*co),
        size_of::<TotalByHand>(),
        with_diapause::size(),
        with_fauxgen::size(),
    )
}

// ---------------------------------------------------------------------------------------------
// (c) every permutation of n elements by the seed's recursive `permgen`, summing `a[0]`.

// The recursive generator, shared with `examples/permutations.rs`: yields the (shared, mutated)
// array at each leaf.
#[path = "../../examples/shared/permgen.rs"]
mod permgen;
pub(crate) use permgen::permgen;

pub(crate) fn cells(n: usize) -> Vec<Cell<u32>> {
    (0..n)
        .map(|i| Cell::new(u32::try_from(i).unwrap_or(u32::MAX)))
        .collect()
}

pub(crate) fn perm_ours(n: usize) -> u64 {
    let a = cells(n);
    let mut sum = 0u64;
    for p in Iter::new(pin!(permgen(&a, n))) {
        sum = sum.wrapping_add(u64::from(black_box(p[0].get())));
    }
    sum
}

/// The same recursion by hand, calling back at each leaf.
pub(crate) fn permgen_callback(a: &mut [u32], n: usize, leaf: &mut impl FnMut(&[u32])) {
    if n <= 1 {
        leaf(a);
    } else {
        for i in 0..n {
            a.swap(n - 1, i);
            permgen_callback(a, n - 1, leaf);
            a.swap(n - 1, i);
        }
    }
}

pub(crate) fn perm_hand_callback(n: usize) -> u64 {
    let mut a: Vec<u32> = (0..n)
        .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
        .collect();
    let mut sum = 0u64;
    permgen_callback(&mut a, n, &mut |p| {
        sum = sum.wrapping_add(u64::from(black_box(p[0])));
    });
    sum
}

/// The same recursion by hand as an iterator: an explicit stack of loop counters, one per level,
/// producing the permutations in the same order.
pub(crate) struct PermIter {
    a: Vec<u32>,
    /// `next_i[k]`: the next `i` of the loop at level `n = k + 1`, for the levels in progress.
    next_i: Vec<usize>,
    /// The level the walk is at (`n`), `0` once finished.
    level: usize,
    started: bool,
}

impl PermIter {
    pub(crate) fn new(n: usize) -> Self {
        Self {
            a: (0..n)
                .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
                .collect(),
            next_i: vec![0; n + 1],
            level: n,
            started: false,
        }
    }

    /// Advances to the next leaf; `false` when every permutation was produced.
    #[inline]
    pub(crate) fn advance(&mut self) -> bool {
        let Self {
            a, next_i, level, ..
        } = self;
        if self.started {
            // Leave the leaf (n == 1) and undo the swap of the level above.
            *level += 1;
        }
        self.started = true;
        loop {
            let n = *level;
            if n == 0 || n > a.len() {
                return false;
            }
            if n <= 1 {
                return true;
            }
            let i = next_i[n];
            if i > 0 {
                a.swap(n - 1, i - 1); // undo the swap before the recursive call of step i - 1
            }
            if i == n {
                next_i[n] = 0;
                *level += 1; // this level is done: back to the one above
                continue;
            }
            a.swap(n - 1, i);
            next_i[n] = i + 1;
            *level -= 1; // descend
        }
    }
}

pub(crate) fn perm_hand_iter(n: usize) -> u64 {
    let mut it = PermIter::new(n);
    let mut sum = 0u64;
    while it.advance() {
        sum = sum.wrapping_add(u64::from(black_box(it.a[0])));
    }
    sum
}

pub(crate) fn perm_corosensei(n: usize) -> u64 {
    use corosensei::{Coroutine, CoroutineResult, Yielder};
    let mut co = Coroutine::new(move |yielder: &Yielder<(), u32>, ()| {
        let mut a: Vec<u32> = (0..n)
            .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        permgen_callback(&mut a, n, &mut |p| {
            yielder.suspend(p[0]);
        });
    });
    let mut sum = 0u64;
    while let CoroutineResult::Yield(x) = co.resume(()) {
        sum = sum.wrapping_add(u64::from(black_box(x)));
    }
    sum
}

type BoxedStep<'a> = Pin<Box<dyn core::future::Future<Output = ()> + 'a>>;

/// genawaiter's recursion: every level is a boxed future awaiting the next.
fn permgen_genawaiter<'a>(
    co: &'a genawaiter::stack::Co<'_, u32>,
    a: &'a [Cell<u32>],
    n: usize,
) -> BoxedStep<'a> {
    Box::pin(async move {
        if n <= 1 {
            co.yield_(a[0].get()).await;
        } else {
            for i in 0..n {
                a[n - 1].swap(&a[i]);
                permgen_genawaiter(co, a, n - 1).await;
                a[n - 1].swap(&a[i]);
            }
        }
    })
}

pub(crate) fn perm_genawaiter(n: usize) -> u64 {
    let a = cells(n);
    let a = &a;
    genawaiter::stack::let_gen_using!(generator, |co: genawaiter::stack::Co<'_, u32>| async move {
        permgen_genawaiter(&co, a, n).await;
    });
    let mut sum = 0u64;
    for x in generator {
        sum = sum.wrapping_add(u64::from(black_box(x)));
    }
    sum
}

// ---------------------------------------------------------------------------------------------
// The per-item cost of yielding from deep inside delegation.

/// Delegates `depth` levels down, then yields 0..n from there.
#[resumable(yield = u64)]
pub(crate) fn nested(depth: u32, n: u64) {
    if depth == 0 {
        let mut i = 0;
        while i < n {
            yield_!(i);
            i += 1;
        }
    } else {
        yield_from!(nested(depth - 1, n));
    }
}

pub(crate) fn sum_nested(depth: u32, n: u64) -> u64 {
    let mut sum = 0u64;
    for x in Iter::new(pin!(nested(depth, n))) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}
