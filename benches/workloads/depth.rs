//! The per-item cost of yielding from deep inside delegation: ours only (no peer delegates
//! without boxing each level, and the hand-written equivalent is (b)'s loop, `sum_hand` in
//! `generators.rs`).

use core::hint::black_box;
use core::pin::pin;

use resumable::{Iter, resumable, yield_, yield_from};

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
