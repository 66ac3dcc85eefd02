//! Layer 2, the Lua-style handle: [`Coroutine`](crate::Coroutine), a coroutine boxed behind a
//! shared handle, with Lua's status, errors, running coroutine and `wrap`. Cargo feature `std`
//! (panics are caught with `catch_unwind`, and the running coroutine is a thread-local), except
//! `status`, Lua's four states, which is `core`.
//!
//! Each module uses only those above it in this list: `status`; `error` (with
//! [`MAX_DEPTH`](crate::MAX_DEPTH)); `shared`, what every handle of a coroutine shares and the
//! thread's record of the innermost one; `running`, Lua's `coroutine.running`; `coroutine`, the
//! handle; `wrap`.

#[cfg(feature = "std")]
pub mod coroutine;
#[cfg(feature = "std")]
pub mod error;
#[cfg(feature = "std")]
pub mod running;
#[cfg(feature = "std")]
mod shared;
pub mod status;
#[cfg(feature = "std")]
pub mod wrap;
