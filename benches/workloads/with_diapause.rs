//! diapause baselines for (a), (b), (c), (e) and (f), written as its README shows: a
//! `#[diapause::coroutine]` function returns its state enum (plain, `Unpin`, no allocation),
//! started with `start()` (no resume value: there is no `yield_!` for it to answer) and driven
//! with `resume(value)`.

// diapause's expansion of `yield_all!` matches its `()` result with `_`, which this pedantic
// lint flags in our crate (the code is generated, not ours to change).
#![allow(clippy::ignored_unit_patterns)]

use core::hint::black_box;
use std::cell::Cell;

use diapause::{Coroutine, CoroutineState};

use super::tree::{ROOT, Tree};

/// (a) Yields `x + 1` for every `x` it is resumed with; returns when resumed with 0. The first
/// value is an argument, since `start()` takes none.
#[diapause::coroutine(yield = u64, resume = u64)]
pub(crate) fn echo(first: u64) -> u64 {
    let mut x: u64 = first;
    loop {
        x = yield_!(x.wrapping_add(1));
        if x == 0 {
            return 0;
        }
    }
}

pub(crate) fn ping_pong_diapause(n: u64) -> u64 {
    let mut v = 1;
    let mut co = echo(v);
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

/// (b) Yields 0, 1, …, n - 1.
#[diapause::coroutine(yield = u64)]
pub(crate) fn upto(n: u64) {
    let mut i: u64 = 0;
    while i < n {
        yield_!(i);
        i += 1;
    }
}

pub(crate) fn sum_diapause(n: u64) -> u64 {
    let mut sum = 0u64;
    for x in upto(n) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// (c) The recursive `permgen`, yielding `a[0]` at each leaf. Recursive delegation needs
/// `yield_all!(box ..)` (an unboxed recursive state would be infinitely sized): one allocation
/// per level entered.
#[diapause::coroutine(yield = u32)]
pub(crate) fn permgen<'a>(a: &'a [Cell<u32>], n: usize) {
    if n <= 1 {
        yield_!(a[0].get());
    } else {
        for i in 0..n {
            a[n - 1].swap(&a[i]);
            let sub: permgen::State<'a> = permgen(a, n - 1);
            yield_all!(box sub);
            a[n - 1].swap(&a[i]);
        }
    }
}

pub(crate) fn perm_diapause(n: usize) -> u64 {
    let a = super::cells(n);
    let mut sum = 0u64;
    for x in permgen(&a, n) {
        sum = sum.wrapping_add(u64::from(black_box(x)));
    }
    sum
}

/// (e) A running total: yields the total so far, adds what it is resumed with. `start()` takes
/// no value, so the workload's first value (1) is added by the caller to the seed.
#[diapause::coroutine(yield = u64, resume = u64)]
pub(crate) fn total(seed: u64) -> u64 {
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
pub(crate) fn many_diapause(n: u64) -> Vec<total::State> {
    (0..n)
        .map(|i| {
            let mut co = total(i.wrapping_add(1));
            let _ = black_box(co.start());
            co
        })
        .collect()
}

/// The size of one suspended `total` coroutine, in bytes.
pub(crate) fn size() -> usize {
    let mut co = total(0);
    let _ = co.start();
    size_of_val(&co)
}

/// (f) The in-order walk of the subtree at `at`, delegating to itself with
/// `yield_all!(box ..)` as (c) does.
#[diapause::coroutine(yield = u64)]
pub(crate) fn walk_diapause<'a>(tree: &'a Tree, at: usize) {
    if let Some(left) = tree.nodes[at].left {
        let sub: walk_diapause::State<'a> = walk_diapause(tree, left);
        yield_all!(box sub);
    }
    yield_!(tree.nodes[at].value);
    if let Some(right) = tree.nodes[at].right {
        let sub: walk_diapause::State<'a> = walk_diapause(tree, right);
        yield_all!(box sub);
    }
}

pub(crate) fn tree_diapause(tree: &Tree) -> u64 {
    let mut sum = 0u64;
    for x in walk_diapause(tree, ROOT) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}
