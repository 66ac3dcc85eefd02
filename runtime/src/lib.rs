//! The runtime of [`resumable`](https://docs.rs/resumable): the state machines that
//! `#[resumable]` lowers coroutine bodies to, and the types around them.
//!
//! Users depend on the `resumable` facade crate, which re-exports everything here together with
//! the macros. The source is in one folder per layer, and each layer uses only those above it in
//! this list (the modules keep flat paths: `resumable_runtime::state`, `::delegate`, ...):
//!
//! - `machine/`, Layer 1, the state machine (`core`; what allocates needs `alloc`):
//!   - [`state`]: [`State`] and the [`Resumable`] trait, with the adapter types its convenience
//!     methods return (their behaviour is in [`iter`], [`boxed`] and `stream`).
//!   - `handoff` (private): how a value crosses between a body and its resumer, and who may use
//!     the slot where it crosses.
//!   - [`delegate`]: `yield_from!` and the [`Subroutine`] trait; delegation to a coroutine that
//!     itself delegates (recursion) needs `alloc` for its frames.
//!   - `lower` (hidden): `Gen`, the lowered coroutine, what generated code builds on.
//!   - [`iter`]: generators as iterators: [`Iter`] over a pinned generator; [`IntoIter`] and
//!     [`TryIter`], which box it, need `alloc`. [`boxed`] (`alloc`): [`BoxResumable`] and
//!     [`LocalBoxResumable`]. `stream` (cargo feature `stream`): generators as
//!     `futures_core::Stream`s. [`pinned`] (`alloc`): many coroutines pinned in one allocation.
//!   - [`async_gen`]: async coroutines, which `.await` as well as `yield_!`: [`AsyncResumable`],
//!     and with `resume = ()` `futures_core::Stream`s.
//! - `handle/`, Layer 2, the Lua-style handle (`std`, but for [`status`]): [`status`] ([`Status`],
//!   Lua's four states), [`error`], [`running`](mod@running), [`coroutine`] ([`Coroutine`]) and
//!   [`wrap`].
//! - `pipe/`: [`pipe`]lines, producer → filters → consumer, pulled or pushed (`PipeIter`, which
//!   boxes, needs `alloc`).
//! - `io/` (cargo feature `io`, on by default; Unix): the reactor shared by [`dispatch`], many
//!   coroutines over non-blocking sockets on one thread, on `mio` (with cargo feature `tokio`,
//!   `dispatch::tokio` runs the same tasks as tokio futures, multi-threaded when they are
//!   `Send`), and [`events`], the seed's callback event loop with coroutines that read as if they
//!   blocked on top of it.
//!
//! # Features
//!
//! The crate is `#![no_std]`. What needs more than `core` comes with a cargo feature:
//!
//! | feature | brings | needs |
//! |---|---|---|
//! | (none) | `#[resumable]` fns and `coroutine!` with `'static` yield and resume types, `yield_!`, `yield_from!` to coroutines that delegate to nothing (polled in place), [`Iter`] over a generator pinned on the stack, the [`pipe`] combinators that do not box | `core`: no allocator, no thread-local, no global |
//! | `alloc` | `yield_from!` to coroutines that delegate themselves (recursion: frames on the heap), [`boxed`], [`IntoIter`] and [`TryIter`] (`for x in gen()`), `pipe::PipeIter`, [`pinned`] | `alloc` |
//! | `std` (default; implies `alloc`) | the Lua-style handle [`Coroutine`] with [`wrap`], [`running`](mod@running), [`error`]; yield and resume types that are not `'static` | `std` |
//! | `io` (default; implies `std`) | [`dispatch`], [`events`] | `std`, `mio` (Unix) |
//! | `stream` (implies `alloc`) | `futures_core::Stream` for generators and pipelines | `futures-core` |
//! | `tokio` (implies `io`) | `dispatch::tokio` | `tokio` |
//!
//! Without `std`, every coroutine's hand-off is checked by the `TypeId` of its yield and resume
//! types (see "Soundness" below), which needs them `'static`; a borrowed one (`yield = &'a str`)
//! is a compile error ("borrowed data escapes", "`'a` must outlive `'static`"). A `yield_from!` of
//! a coroutine that itself delegates is a compile error without `alloc`, in these words:
//! "`yield_from!` of a coroutine that itself delegates needs the `alloc` feature".
#![doc = include_str!("soundness.md")]
// `#[inline(always)]` sits only on the resume path (`Gen::drive`, the hand-off futures), where
// `benches/callgrind.sh` shows it decides between 5–7 instructions per item and 20–60.
#![allow(clippy::inline_always)]
#![no_std]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
#[macro_use]
extern crate std;

mod handle;
#[cfg(all(feature = "io", unix))]
mod io;
mod machine;
pub mod pipe;

// The modules keep the paths they had before the folders (`resumable_runtime::state`, ...).
pub use handle::status;
#[cfg(feature = "std")]
pub use handle::{coroutine, error, running, wrap};
#[cfg(all(feature = "io", unix))]
pub use io::{dispatch, events};
#[doc(hidden)]
pub use machine::lower;
#[cfg(feature = "stream")]
pub use machine::stream;
pub use machine::{async_gen, delegate, iter, state};
#[cfg(feature = "alloc")]
pub use machine::{boxed, pinned};

pub use async_gen::{AsyncResumable, AsyncSubroutine, Resume, TryStream};
#[cfg(feature = "alloc")]
pub use boxed::{BoxResumable, LocalBoxResumable};
#[cfg(feature = "std")]
pub use coroutine::{Coroutine, MAX_DEPTH};
pub use delegate::Subroutine;
#[cfg(feature = "std")]
pub use error::{CloseError, Panic, ResumeError};
pub use iter::Iter;
#[cfg(feature = "alloc")]
pub use iter::{IntoIter, TryIter};
#[cfg(feature = "alloc")]
pub use pinned::PinnedSlice;
#[cfg(feature = "std")]
pub use running::{CoroutineRef, Running, is_yieldable, running};
pub use state::{Resumable, State};
pub use status::Status;
#[cfg(feature = "stream")]
pub use stream::IntoStream;
#[cfg(feature = "std")]
pub use wrap::Wrap;
