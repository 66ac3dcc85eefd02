#![doc = include_str!("../README.md")]
// Without `std`, the facade is `core`-only too, like the runtime (README: "`no_std`").
#![cfg_attr(not(feature = "std"), no_std)]

pub use resumable_macros::coroutine;
#[cfg(feature = "std")]
pub use resumable_macros::resumable;
// Without `std`, `#[resumable]` says in its words that yield and resume types must be `'static`;
// without `alloc` too, it returns types that say which coroutines are leaves (those
// `yield_from!` runs without a frame) and are not `IntoIterator` (which boxes).
#[cfg(all(feature = "alloc", not(feature = "std")))]
pub use resumable_macros::resumable_alloc as resumable;
#[cfg(not(feature = "alloc"))]
pub use resumable_macros::resumable_core as resumable;
/// The cooperative dispatcher: many coroutines over non-blocking sockets on one thread (cargo
/// feature `io`, on by default; Unix).
#[cfg(all(feature = "io", unix))]
pub use resumable_runtime::dispatch;
/// Event loops: the seed's callback library, and coroutines that read as if they blocked on top
/// of it (cargo feature `io`, on by default; Unix).
#[cfg(all(feature = "io", unix))]
pub use resumable_runtime::events;
pub use resumable_runtime::{AsyncResumable, AsyncSubroutine, Resume, TryStream, async_gen};
#[cfg(feature = "alloc")]
pub use resumable_runtime::{BoxResumable, LocalBoxResumable, boxed};
#[cfg(feature = "std")]
pub use resumable_runtime::{
    CloseError, Coroutine, CoroutineRef, MAX_DEPTH, Panic, ResumeError, Running, Wrap,
    is_yieldable, running, wrap,
};
#[cfg(feature = "alloc")]
pub use resumable_runtime::{IntoIter, PinnedSlice, TryIter, pinned};
#[cfg(feature = "stream")]
pub use resumable_runtime::{IntoStream, stream};
pub use resumable_runtime::{
    Iter, Resumable, State, Status, Subroutine, delegate, iter, pipe, state,
};

/// Suspends the coroutine: hands its argument to the resumer and evaluates to the value passed
/// to the next `resume`.
///
/// `yield_!(v)` yields `v`; `yield_!()` yields `()`; `yield_!(a, b)` yields the tuple `(a, b)`; a
/// trailing comma is ignored (`yield_!(v,)` yields `v`). The temporaries made while computing
/// `v` are dropped before the coroutine suspends, not at the end of the enclosing statement
/// (`yield_!(f(&String::from("x")))` drops the `String` before the resumer sees the value).
///
/// It is only meaningful directly inside the body of a `#[resumable]` function or a
/// `coroutine!` closure, which rewrite it. Anywhere else, including inside a closure, an `async`
/// block or a nested fn within such a body, it is a compile-time error.
///
/// ```compile_fail
/// fn not_a_coroutine() {
///     resumable::yield_!(1);
/// }
/// ```
#[macro_export]
macro_rules! yield_ {
    (@rewritten) => {};
    ($($tokens:tt)*) => {
        ::core::compile_error!(
            "`yield_!` can only be used directly in the body of a `#[resumable]` fn or a `coroutine!` closure"
        )
    };
}

/// Runs the coroutine `sub` to completion inside the current one and evaluates to its return
/// value (Python's `yield from`, with resume values forwarded).
///
/// Everything `sub` yields passes out to the current coroutine's resumer, and every resume
/// argument passes in to `sub`. `sub` must be a [`Subroutine`]: a `#[resumable]` fn without a
/// `#[resume]` parameter, with the same `yield` and `resume` types. A `#[resumable]` fn may
/// `yield_from!` a call to itself: recursion needs no `Box::pin`, costs O(1) per yielded value at
/// any depth, and is bounded by memory rather than by the native stack (see [`delegate`]).
///
/// Temporaries in the call's arguments live until the delegation ends, as in a `for` loop over
/// the same call: `yield_from!(each(&vec![1, 2, 3]))` works.
///
/// Like `yield_!`, it is only meaningful directly in the body of a `#[resumable]` fn or a
/// `coroutine!` closure.
///
/// ```
/// use resumable::{resumable, yield_, yield_from};
///
/// /// Yields the numbers 0..n, in order, by recursion.
/// #[resumable(yield = u32)]
/// fn count(n: u32) {
///     if n > 0 {
///         yield_from!(count(n - 1));
///         yield_!(n - 1);
///     }
/// }
///
/// assert_eq!(count(4).into_iter().collect::<Vec<_>>(), [0, 1, 2, 3]);
/// ```
///
/// ```compile_fail
/// fn not_a_coroutine() {
///     resumable::yield_from!(core::iter::empty::<()>());
/// }
/// ```
#[macro_export]
macro_rules! yield_from {
    (@rewritten) => {};
    ($($tokens:tt)*) => {
        ::core::compile_error!(
            "`yield_from!` can only be used directly in the body of a `#[resumable]` fn or a `coroutine!` closure"
        )
    };
}

/// Not public API: what the macros' generated code refers to. Calling these by hand is
/// unsupported, but safe: the runtime checks what it relies on, and a misuse panics (see the
/// "Soundness" section of the runtime's docs).
#[doc(hidden)]
pub mod __private {
    pub use resumable_runtime::async_gen::{async_from_parts, async_from_parts_starting};
    pub use resumable_runtime::delegate::Leaf;
    pub use resumable_runtime::lower::{
        Co, Gen, Instance, Static, from_parts, from_parts_delegating, from_parts_starting,
        from_parts_starting_delegating, stub,
    };
}
