//! The seed's recursive `permgen` as a generator, shared by `examples/permutations.rs`,
//! `tests/delegate.rs`, `tests/delegate_alloc.rs` and `benches/workloads/permutations.rs` (each
//! includes this file with `#[path = "…/examples/shared/permgen.rs"] mod permgen;`).

use std::cell::Cell;

use resumable::{resumable, yield_, yield_from};

/// Seeds 16, 17, 31, 32: the recursion of Lua's `permgen` as a generator that yields the
/// (shared, mutated) array at each leaf, delegating to itself for the inner levels. Every
/// permutation of `a[..n]` is yielded once, in Lua's order.
#[resumable(yield = &'a [Cell<T>])]
pub(crate) fn permgen<'a, T: 'a>(a: &'a [Cell<T>], n: usize) {
    if n <= 1 {
        yield_!(a);
    } else {
        for i in 0..n {
            a[n - 1].swap(&a[i]);
            yield_from!(permgen(a, n - 1));
            a[n - 1].swap(&a[i]);
        }
    }
}
