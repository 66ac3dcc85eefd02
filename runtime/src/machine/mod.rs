//! Layer 1, the state machine: what `#[resumable]` lowers a body to, and the types around it.
//! `core` only, with what allocates behind cargo feature `alloc` (on by default).
//!
//! Each module uses only those above it in this list:
//!
//! - `state`: [`State`](crate::State) and the [`Resumable`](crate::Resumable) trait, and the
//!   adapters its provided methods return (defined beside it, so that it names nothing above
//!   it; `iter`, `boxed` and `stream` give them their behaviour and their public paths).
//! - `handoff`: how a value crosses between a body and its resumer: the slot on `resume`'s
//!   stack, the wakers that lead to it, the token and its hand-off futures (`yield_!`), and who
//!   may use a slot.
//! - `delegate`: `yield_from!`, the [`Subroutine`](crate::Subroutine) trait, and the frame stack
//!   of recursion (`alloc`; `no_alloc` stands in for it without).
//! - `lower`: `Gen`, the lowered coroutine and its driver.
//! - `iter`: generators as iterators; `boxed` (`alloc`), `pinned` (`alloc`), `stream`
//!   (`stream`): a coroutine boxed, many pinned in one allocation, a generator as a `Stream`.
//! - `async_gen`: async coroutines, driven by an executor.

pub mod async_gen;
#[cfg(feature = "alloc")]
pub mod boxed;
pub mod delegate;
pub(crate) mod handoff;
pub mod iter;
pub mod lower;
#[cfg(not(feature = "alloc"))]
mod no_alloc;
#[cfg(feature = "alloc")]
pub mod pinned;
pub mod state;
#[cfg(feature = "stream")]
pub mod stream;
