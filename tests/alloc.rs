//! Coroutines allocate nothing of their own: creating one, pinning it on the stack and resuming
//! it to completion makes no heap allocation, and `for x in generator()` makes exactly one (the
//! box that pins the generator), however many items it yields.
//!
//! A counting `#[global_allocator]` records allocations per thread, so tests running in parallel
//! do not see each other's.

use core::pin::pin;
use std::hint::black_box;

use resumable::{Iter, Resumable, State, coroutine, resumable, yield_};

mod support;
use support::allocations;

#[resumable(yield = u64, resume = u64)]
fn running_sum(start: u64, #[resume] first: u64) -> u64 {
    let mut total = start + first;
    let mut history = [0u64; 8];
    let mut i = 0;
    loop {
        history[i % history.len()] = total;
        i += 1;
        let x = yield_!(total);
        if x == 0 {
            return total + history.iter().sum::<u64>();
        }
        total += x;
    }
}

#[test]
fn create_pin_and_resume_to_completion_without_allocating() {
    let (n, result) = allocations(|| {
        let mut co = pin!(running_sum(10));
        let mut steps = 0;
        let mut arg = 1;
        loop {
            match co.as_mut().resume(arg) {
                State::Yielded(_) => steps += 1,
                State::Complete(total) => return (steps, total),
            }
            arg = if steps == 5 { 0 } else { arg + 1 };
        }
    });
    assert_eq!(n, 0, "allocations while running a coroutine");
    // totals 11, 13, 16, 20, 25 then returns 25 + their sum.
    assert_eq!(result, (5, 25 + 11 + 13 + 16 + 20 + 25));
}

#[test]
fn closure_coroutine_runs_without_allocating() {
    let mut outer = 0u32;
    let (n, result) = allocations(|| {
        let mut co = pin!(coroutine!(|a: u32| {
            outer += a;
            let b: u32 = yield_!(a * 2);
            outer += b;
            a + b
        }));
        let first = co.as_mut().resume(3);
        let second = co.as_mut().resume(4);
        (first, second)
    });
    assert_eq!(n, 0);
    assert_eq!(result, (State::Yielded(6), State::Complete(7)));
    assert_eq!(outer, 7);
}

#[resumable(yield = u64)]
fn count_up(n: u64) -> u64 {
    let mut sum = 0;
    for i in 0..n {
        sum += i;
        yield_!(i);
    }
    sum
}

#[test]
fn iter_over_a_stack_pinned_generator_does_not_allocate() {
    let (n, (sum, returned)) = allocations(|| {
        let generator = pin!(count_up(1000));
        let mut it = Iter::new(generator);
        let sum: u64 = it.by_ref().sum();
        (sum, it.returned())
    });
    assert_eq!(n, 0);
    assert_eq!(sum, 999 * 1000 / 2);
    assert_eq!(returned, Some(sum));
}

#[test]
fn for_loop_allocates_once_per_generator_and_nothing_per_item() {
    for items in [0, 1, 10, 10_000] {
        let (n, sum) = allocations(|| {
            let mut sum = 0;
            // `black_box`: the optimiser may not elide the box it cannot see the end of.
            for x in black_box(count_up(items).iter()) {
                sum += x;
            }
            sum
        });
        assert_eq!(n, 1, "allocations for a generator of {items} items");
        assert_eq!(sum, (0..items).sum::<u64>());
    }
}

#[test]
fn two_generators_allocate_twice() {
    let (n, pairs) =
        allocations(|| black_box(count_up(50).iter().zip(count_up(70).iter())).count());
    assert_eq!(n, 2);
    assert_eq!(pairs, 50);
}

#[resumable(yield = [u8; 256])]
fn big_values(n: u8) {
    for i in 0..n {
        yield_!([i; 256]);
    }
}

#[test]
fn large_yielded_values_do_not_allocate() {
    let (n, last) = allocations(|| {
        let mut co = pin!(big_values(3));
        let mut last = 0;
        while let State::Yielded(v) = co.as_mut().resume(()) {
            last = v[255];
        }
        last
    });
    assert_eq!(n, 0);
    assert_eq!(last, 2);
}
