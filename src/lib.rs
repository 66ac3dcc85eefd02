#![doc = include_str!("../README.md")]

pub use resumable_macros::{coroutine, resumable};
pub use resumable_runtime::{
    CloseError, Coroutine, CoroutineRef, MAX_DEPTH, Panic, ResumeError, Running, Status, Wrap,
    is_yieldable, running,
};
pub use resumable_runtime::{IntoIter, Iter, PinnedSlice, Resumable, State, iter, pinned, state};

/// Suspends the coroutine: hands its argument to the resumer and evaluates to the value passed
/// to the next `resume`.
///
/// `yield_!(v)` yields `v`; `yield_!()` yields `()`; `yield_!(a, b)` yields the tuple `(a, b)`.
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

/// Not public API: what the macros' generated code refers to. Calling these by hand is
/// unsupported and can break the invariants the runtime relies on.
#[doc(hidden)]
pub mod __private {
    pub use resumable_runtime::lower::{Co, Gen, from_parts, stub};
}
