//! (c) every permutation of n elements by the seed's recursive `permgen`, summing `a[0]` of each
//! (through `black_box`). Here: the hand-written recursion with a callback and the hand-written
//! iterator (an explicit stack), ours (`yield_from!` recursion, shared with
//! `examples/permutations.rs`), and the peers' (genawaiter, corosensei, diapause, fauxgen,
//! generator-rs), each written as its docs show: the stackless ones box every level, the
//! stackful ones run the plain recursion on their own stack.

// diapause's expansion of `yield_all!` matches its `()` result with `_`, which this pedantic
// lint flags in our crate (the code is generated, not ours to change).
#![allow(clippy::ignored_unit_patterns)]

use core::hint::black_box;
use core::pin::{Pin, pin};

use std::cell::Cell;

use resumable::Iter;

/// The array permuted: `0, 1, …, n - 1` in cells (the generators share it while it is mutated).
pub(crate) fn cells(n: usize) -> Vec<Cell<u32>> {
    (0..n)
        .map(|i| Cell::new(u32::try_from(i).unwrap_or(u32::MAX)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Hand-written.

/// The recursion by hand, calling back at each leaf.
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

/// The recursion by hand as an iterator: an explicit stack of loop counters, one per level,
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

// ---------------------------------------------------------------------------------------------
// resumable.

// The recursive generator, shared with `examples/permutations.rs`: yields the (shared, mutated)
// array at each leaf.
#[path = "../../examples/shared/permgen.rs"]
mod permgen;
pub(crate) use permgen::permgen;

pub(crate) fn perm_ours(n: usize) -> u64 {
    let a = cells(n);
    let mut sum = 0u64;
    for p in Iter::new(pin!(permgen(&a, n))) {
        sum = sum.wrapping_add(u64::from(black_box(p[0].get())));
    }
    sum
}

// ---------------------------------------------------------------------------------------------
// Peers.

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

/// diapause: `permgen` yielding `a[0]` at each leaf. Recursive delegation needs
/// `yield_all!(box ..)` (an unboxed recursive state would be infinitely sized): one allocation
/// per level entered.
#[diapause::coroutine(yield = u32)]
pub(crate) fn permgen_diapause<'a>(a: &'a [Cell<u32>], n: usize) {
    if n <= 1 {
        yield_!(a[0].get());
    } else {
        for i in 0..n {
            a[n - 1].swap(&a[i]);
            let sub: permgen_diapause::State<'a> = permgen_diapause(a, n - 1);
            yield_all!(box sub);
            a[n - 1].swap(&a[i]);
        }
    }
}

pub(crate) fn perm_diapause(n: usize) -> u64 {
    let a = cells(n);
    let mut sum = 0u64;
    for x in permgen_diapause(&a, n) {
        sum = sum.wrapping_add(u64::from(black_box(x)));
    }
    sum
}

/// fauxgen: `permgen` yielding `a[0]` at each leaf. fauxgen has no delegation: as its docs
/// show, a generator iterates a pinned sub-generator and yields each item again (so an item is
/// re-yielded once per level above it), and the recursive one must be boxed (`Box::pin`), as a
/// recursive `async fn` would be.
#[fauxgen::generator(yield = u32)]
pub(crate) fn permgen_fauxgen<'a>(a: &'a [Cell<u32>], n: usize) {
    if n <= 1 {
        r#yield!(a[0].get());
    } else {
        for i in 0..n {
            a[n - 1].swap(&a[i]);
            for x in Box::pin(permgen_fauxgen(a, n - 1)) {
                r#yield!(x);
            }
            a[n - 1].swap(&a[i]);
        }
    }
}

pub(crate) fn perm_fauxgen(n: usize) -> u64 {
    let a = cells(n);
    let mut sum = 0u64;
    for x in pin!(permgen_fauxgen(&a, n)) {
        sum = sum.wrapping_add(u64::from(black_box(x)));
    }
    sum
}

/// generator-rs: the plain recursion on the generator's stack (`new_scoped_local`: the body is
/// not `Send`), suspending at each leaf.
pub(crate) fn perm_generator_rs(n: usize) -> u64 {
    let perms = generator::Gn::<()>::new_scoped_local(move |mut s| {
        let mut a: Vec<u32> = (0..n)
            .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        permgen_callback(&mut a, n, &mut |p| s.yield_with(p[0]));
        generator::done!();
    });
    let mut sum = 0u64;
    for x in perms {
        sum = sum.wrapping_add(u64::from(black_box(x)));
    }
    sum
}
