//! A `#[global_allocator]` that counts the heap bytes each thread holds (allocated minus freed
//! on that thread), for the tests of `tests/dispatch.rs` and `tests/events.rs` that check that
//! a dispatcher or event loop does not grow: tests running in parallel do not see each other's
//! allocations. Each test file includes it with `#[path]` and declares the allocator itself.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting the bytes live on each thread.
pub(crate) struct Counting;

thread_local! {
    // `const` and without a destructor: touching it never allocates or registers anything.
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn add(bytes: usize, sign: isize) {
    let bytes = isize::try_from(bytes).unwrap_or(isize::MAX);
    // `try_with`: during thread teardown the slot may be gone; those bytes are not ours.
    let _ = LIVE.try_with(|n| n.set(n.get() + sign * bytes));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so `System`'s
// guarantees are ours; counting touches only a thread-local `Cell`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size(), 1);
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        add(layout.size(), 1);
        // SAFETY: forwarded unchanged; the caller upholds `alloc_zeroed`'s contract.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(layout.size(), -1);
        add(new_size, 1);
        // SAFETY: forwarded unchanged; the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(layout.size(), -1);
        // SAFETY: forwarded unchanged; the caller upholds `dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// The heap bytes this thread holds now (allocated minus freed here, since the thread began).
pub(crate) fn live_bytes() -> isize {
    LIVE.with(Cell::get)
}
