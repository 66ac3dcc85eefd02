//! fauxgen baselines for (a), (b), (c), (e) and (f), written as its README shows: a
//! `#[fauxgen::generator]` function returns a future-based generator, pinned before use
//! (`pin!` on the stack, `Box::pin` where it must outlive the frame), with `argument!()` for the
//! first resume value and `r#yield!` for the others.

use core::hint::black_box;
use core::pin::{Pin, pin};
use std::cell::Cell;

use fauxgen::{Generator, GeneratorState};

use super::tree::{ROOT, Tree};

/// (a) Yields `x + 1` for every `x` it is resumed with; returns when resumed with 0.
#[fauxgen::generator(yield = u64, arg = u64)]
pub(crate) fn echo() -> u64 {
    let mut x = argument!();
    loop {
        x = r#yield!(x.wrapping_add(1));
        if x == 0 {
            return 0;
        }
    }
}

pub(crate) fn ping_pong_fauxgen(n: u64) -> u64 {
    let mut co = pin!(echo());
    let mut v = 1;
    for _ in 0..n {
        match co.as_mut().resume(v) {
            GeneratorState::Yielded(y) => v = black_box(y),
            GeneratorState::Complete(r) => return r,
        }
    }
    v
}

/// (b) Yields 0, 1, …, n - 1.
#[fauxgen::generator(yield = u64)]
pub(crate) fn upto(n: u64) {
    let mut i = 0;
    while i < n {
        r#yield!(i);
        i += 1;
    }
}

pub(crate) fn sum_fauxgen(n: u64) -> u64 {
    let mut sum = 0u64;
    for x in pin!(upto(n)) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// (c) The recursive `permgen`, yielding `a[0]` at each leaf. fauxgen has no delegation: as
/// its docs show, a generator iterates a pinned sub-generator and yields each item again (so
/// an item is re-yielded once per level above it), and the recursive one must be boxed
/// (`Box::pin`), as a recursive `async fn` would be.
#[fauxgen::generator(yield = u32)]
pub(crate) fn permgen<'a>(a: &'a [Cell<u32>], n: usize) {
    if n <= 1 {
        r#yield!(a[0].get());
    } else {
        for i in 0..n {
            a[n - 1].swap(&a[i]);
            for x in Box::pin(permgen(a, n - 1)) {
                r#yield!(x);
            }
            a[n - 1].swap(&a[i]);
        }
    }
}

pub(crate) fn perm_fauxgen(n: usize) -> u64 {
    let a = super::cells(n);
    let mut sum = 0u64;
    for x in pin!(permgen(&a, n)) {
        sum = sum.wrapping_add(u64::from(black_box(x)));
    }
    sum
}

/// (e) A running total: the suspended state is the seed and the total.
#[fauxgen::generator(yield = u64, arg = u64)]
pub(crate) fn total(seed: u64) -> u64 {
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
) -> Vec<Pin<Box<impl Generator<u64, Yield = u64, Return = u64>>>> {
    (0..n)
        .map(|i| {
            let mut co = Box::pin(total(i));
            let _ = black_box(co.as_mut().resume(1));
            co
        })
        .collect()
}

/// The size of one suspended `total` generator, in bytes.
pub(crate) fn size() -> usize {
    let mut co = Box::pin(total(0));
    let _ = co.as_mut().resume(1);
    size_of_val(&*co)
}

/// (f) The in-order walk of the subtree at `at`, re-yielding from boxed sub-generators as
/// (c) does.
#[fauxgen::generator(yield = u64)]
pub(crate) fn walk_fauxgen<'a>(tree: &'a Tree, at: usize) {
    let node = &tree.nodes[at];
    if let Some(left) = node.left {
        for x in Box::pin(walk_fauxgen(tree, left)) {
            r#yield!(x);
        }
    }
    r#yield!(node.value);
    if let Some(right) = node.right {
        for x in Box::pin(walk_fauxgen(tree, right)) {
            r#yield!(x);
        }
    }
}

pub(crate) fn tree_fauxgen(tree: &Tree) -> u64 {
    let mut sum = 0u64;
    for x in pin!(walk_fauxgen(tree, ROOT)) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}
