//! What `delegate` uses of `alloc`, for builds without it: a frame stack that never holds a
//! frame.
//!
//! Without `alloc`, a `yield_from!` of a coroutine that delegates itself is a compile error (its
//! `Runnable` bound), so no frame is ever pushed: the only `yield_from!`s are of leaves, polled
//! in place. A delegating body still has a (zero-capacity) frame stack, whose code is the same as
//! with `alloc`; these stand-ins keep it compiling, and should a frame be pushed anyway, pushing
//! panics before anything is written.

use core::alloc::Layout;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut, RangeFull};

/// A vector that stays empty: the entries of a frame stack without `alloc`.
pub(crate) struct Vec<T>(PhantomData<T>);

// `Vec`'s signatures, which take `self`, so that `delegate` calls both alike.
#[allow(clippy::unused_self)]
impl<T> Vec<T> {
    pub(crate) const fn new() -> Self {
        Self(PhantomData)
    }

    pub(crate) const fn capacity(&self) -> usize {
        0
    }

    pub(crate) fn push(&mut self, _: T) {
        frames_need_alloc()
    }

    pub(crate) fn drain(&mut self, _: RangeFull) -> core::iter::Empty<T> {
        core::iter::empty()
    }
}

impl<T> Deref for Vec<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &[]
    }
}

impl<T> DerefMut for Vec<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut []
    }
}

/// Never returns a block.
///
/// # Safety
///
/// None needed (it allocates nothing); `unsafe` to match `alloc::alloc::alloc`.
pub(crate) unsafe fn alloc(_: Layout) -> *mut u8 {
    frames_need_alloc()
}

/// Never called: no block is ever allocated.
///
/// # Safety
///
/// None needed; `unsafe` to match `alloc::alloc::dealloc`.
pub(crate) unsafe fn dealloc(_: *mut u8, _: Layout) {
    frames_need_alloc()
}

pub(crate) fn handle_alloc_error(_: Layout) -> ! {
    frames_need_alloc()
}

#[cold]
#[inline(never)]
fn frames_need_alloc() -> ! {
    panic!("`yield_from!` of a coroutine that itself delegates needs the `alloc` feature")
}
