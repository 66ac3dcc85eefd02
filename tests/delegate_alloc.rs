//! Delegation allocates per depth, not per call: the frames of delegated coroutines live in
//! blocks the driver keeps and reuses, so iterating every permutation of 8 elements with the
//! recursive generator allocates as much as for 7 elements (far fewer times than there are
//! permutations), a driver that delegates again and again allocates nothing after the first
//! time, and delegating to a leaf (a coroutine that delegates to nothing) allocates nothing at
//! all.
//!
//! A counting `#[global_allocator]` records allocations per thread, so tests running in parallel
//! do not see each other's.

use core::cell::Cell;
use core::pin::pin;
use std::hint::black_box;

use resumable::{Iter, Resumable, State, resumable, yield_, yield_from};

mod support;
use support::allocations;

// The seed's `permgen`, shared with `examples/permutations.rs`.
#[path = "../examples/shared/permgen.rs"]
mod permgen;
use permgen::permgen;

/// Iterates every permutation of `0..n` with the generator pinned on the stack; how many
/// allocations that made, how many permutations there were, and a checksum of them.
fn permutations(n: u8) -> (usize, (usize, u64)) {
    let a: Vec<Cell<u8>> = (0..n).map(Cell::new).collect();
    allocations(|| {
        let generator = pin!(permgen(&a, a.len()));
        let mut count = 0;
        let mut checksum = 0u64;
        for p in Iter::new(generator) {
            count += 1;
            checksum = checksum
                .wrapping_mul(31)
                .wrapping_add(u64::from(p[0].get()));
        }
        (count, checksum)
    })
}

#[test]
fn every_permutation_of_8_allocates_no_more_than_those_of_7() {
    let (seven, (count7, _)) = permutations(7);
    let (eight, (count8, sum8)) = permutations(8);
    println!("allocations: {seven} for 7! = {count7} permutations, {eight} for 8! = {count8}");
    assert_eq!(count7, 5040);
    assert_eq!(count8, 40_320);
    // The checksum depends on every permutation: the work was not optimised away.
    assert_ne!(black_box(sum8), 0);
    // One block per depth (7 frames below the driver for 8 elements), plus the stack's growth.
    assert!(eight <= 16, "{eight} allocations for {count8} permutations");
    assert!(
        eight.abs_diff(seven) <= 2,
        "allocations grew with the number of permutations: {seven} for 7, {eight} for 8"
    );
    // Not one per permutation, nor one per recursive call (there are 69,280 for 8 elements).
    assert!(eight * 1000 < count8);
}

#[resumable(yield = u64)]
fn countdown(from: u64) -> u64 {
    for i in (0..from).rev() {
        yield_!(i);
    }
    from
}

#[resumable(yield = u64)]
fn repeat_countdowns(times: u64) -> u64 {
    let mut total = 0;
    for _ in 0..times {
        total += yield_from!(countdown(3));
    }
    total
}

#[test]
fn delegating_to_a_leaf_again_and_again_allocates_nothing() {
    for times in [1, 10, 10_000] {
        let (n, (items, total)) = allocations(|| {
            let mut generator = pin!(repeat_countdowns(times));
            let mut it = Iter::new(generator.as_mut());
            let items = it.by_ref().count();
            (items, it.returned())
        });
        assert_eq!(items, usize::try_from(3 * times).unwrap());
        assert_eq!(total, Some(3 * times));
        // `countdown` delegates to nothing: it is polled in place, inside `repeat_countdowns`'s
        // own state, with no frame block and no frame stack entry.
        assert_eq!(n, 0, "{n} allocations for {times} delegations to a leaf");
    }
}

/// A chain `depth` levels deep whose bottom yields once.
#[resumable(yield = u32)]
fn chain(depth: u32) -> u32 {
    if depth == 0 {
        yield_!(0);
        0
    } else {
        1 + yield_from!(chain(depth - 1))
    }
}

#[resumable(yield = u32)]
fn chains(depth: u32, times: u32) -> u32 {
    let mut total = 0;
    for _ in 0..times {
        total += yield_from!(chain(depth));
    }
    total
}

#[test]
fn a_deep_chain_built_again_reuses_every_block() {
    let depth = 100;
    let (once, _) = allocations(|| {
        let mut generator = pin!(chains(depth, 1));
        Iter::new(generator.as_mut()).count()
    });
    let (many, (items, total)) = allocations(|| {
        let mut generator = pin!(chains(depth, 50));
        let mut it = Iter::new(generator.as_mut());
        (it.by_ref().count(), it.returned())
    });
    println!("allocations: {once} for one chain of depth {depth}, {many} for 50 of them");
    assert_eq!(items, 50);
    assert_eq!(total, Some(50 * depth));
    // One block per level, plus the stack's growth: a hundred and a few.
    assert!(
        once <= 101 + 16,
        "{once} allocations for a chain of {depth}"
    );
    assert_eq!(many, once, "building the chain again allocated");
}

/// A value of a small tree-shaped document: leaves are walked by one coroutine, lists by
/// another (a recursive one), so frames of two layouts take turns at the same depth.
enum Value {
    Leaf(u32),
    List(Vec<Value>),
}

/// Yields the leaf's value, with a bit of state held across the yield.
#[resumable(yield = u32)]
fn leaf(value: u32) -> u32 {
    let scratch = [value; 8];
    yield_!(scratch[7]);
    1
}

/// Yields every leaf value of `list`, in order; returns how many there were.
#[resumable(yield = u32)]
fn walk_list(list: &[Value]) -> u32 {
    let mut leaves = 0;
    for value in list {
        leaves += match value {
            Value::Leaf(v) => yield_from!(leaf(*v)),
            Value::List(inner) => yield_from!(walk_list(inner)),
        };
    }
    leaves
}

#[test]
fn subs_of_different_layouts_taking_turns_at_one_depth_do_not_allocate_per_call() {
    let document = |pairs: u32| -> Vec<Value> {
        (0..pairs)
            .flat_map(|i| {
                [
                    Value::Leaf(2 * i),
                    Value::List(vec![Value::Leaf(2 * i + 1)]),
                ]
            })
            .collect()
    };
    let walk = |doc: &[Value]| {
        allocations(|| {
            let mut generator = pin!(walk_list(doc));
            let mut it = Iter::new(generator.as_mut());
            let values: u64 = it.by_ref().map(u64::from).sum();
            (values, it.returned())
        })
    };
    let small = document(10);
    let large = document(1000);
    let (few, (sum_small, leaves_small)) = walk(&small);
    let (many, (sum_large, leaves_large)) = walk(&large);
    println!("allocations: {few} for 20 delegations at depth 1, {many} for 2,000");
    assert_eq!(leaves_small, Some(20));
    assert_eq!(sum_small, (0..20).sum::<u64>());
    assert_eq!(leaves_large, Some(2000));
    assert_eq!(sum_large, (0..2000).sum::<u64>());
    assert!(
        many.abs_diff(few) <= 2,
        "allocations grew with the number of delegations: {few} for 20, {many} for 2,000"
    );
}

#[test]
fn resuming_a_suspended_deep_chain_allocates_nothing() {
    #[resumable(yield = u64)]
    fn ticking(depth: u32, ticks: u64) {
        if depth == 0 {
            for t in 0..ticks {
                yield_!(t);
            }
        } else {
            yield_from!(ticking(depth - 1, ticks));
        }
    }

    let mut generator = pin!(ticking(200, 10_000));
    assert_eq!(generator.as_mut().resume(()), State::Yielded(0));
    let (n, sum) = allocations(|| {
        let mut sum = 0;
        while let State::Yielded(t) = generator.as_mut().resume(()) {
            sum += t;
        }
        sum
    });
    assert_eq!(n, 0);
    assert_eq!(sum, (0..10_000).sum::<u64>());
}
