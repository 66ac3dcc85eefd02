//! Coroutines allocate nothing of their own: creating one, pinning it on the stack and resuming
//! it to completion makes no heap allocation, and `for x in generator()` makes exactly one (the
//! box that pins the generator), however many items it yields.
//!
//! A counting `#[global_allocator]` records allocations per thread, so tests running in parallel
//! do not see each other's.

use core::cell::Cell;
use core::pin::pin;
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;

use resumable::{Iter, Resumable, State, coroutine, resumable, yield_};

/// The system allocator, counting allocations (including reallocations) on each thread.
struct Counting;

thread_local! {
    // `const` and without a destructor: reading it never allocates or registers anything.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: during thread teardown the slot may already be gone; those are not ours.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so `System`'s
// guarantees are ours; counting touches only a thread-local `Cell`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: forwarded unchanged; the caller upholds `alloc_zeroed`'s contract.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: forwarded unchanged; the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged; the caller upholds `dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How many allocations `f` made on this thread, and what it returned.
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = ALLOCATIONS.with(Cell::get);
    let value = f();
    (ALLOCATIONS.with(Cell::get) - before, value)
}

#[test]
fn the_counter_sees_allocations() {
    let (n, v) = allocations(|| black_box(vec![1u8; 64]));
    assert_eq!(n, 1);
    let (n, ()) = allocations(|| drop(black_box(Box::new(v))));
    assert_eq!(n, 1);
}

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
            for x in black_box(count_up(items).into_iter()) {
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
    let (n, pairs) = allocations(|| black_box(count_up(50).into_iter().zip(count_up(70))).count());
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
