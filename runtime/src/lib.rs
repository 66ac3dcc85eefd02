//! The runtime of [`resumable`](https://docs.rs/resumable): the state machines that
//! `#[resumable]` lowers coroutine bodies to, and the types around them.
//!
//! Users depend on the `resumable` facade crate, which re-exports everything here together with
//! the macros. Layers, each using only those above it in this list:
//!
//! - [`state`]: [`State`] and the [`Resumable`] trait (Layer 1).
//! - [`boxed`]: [`BoxResumable`] and [`LocalBoxResumable`], boxed coroutines with a name.
//! - `lower` (hidden): what generated code builds on.
//! - [`delegate`]: `yield_from!` and the [`Subroutine`] trait.
//! - [`iter`]: generators as iterators.
//! - [`async_gen`]: async coroutines, which `.await` as well as `yield_!`: [`AsyncResumable`],
//!   and with `resume = ()` `futures_core::Stream`s.
//! - `stream` (cargo feature `stream`): generators as `futures_core::Stream`s, `IntoStream`.
//! - [`pinned`]: many coroutines pinned in one allocation.
//! - [`pipe`]: pipelines, producer → filters → consumer, pulled or pushed.
//! - [`coroutine`], [`status`], [`error`], [`running`](mod@running), [`wrap`]: the Lua-style handle
//!   [`Coroutine`] (Layer 2) and what goes with it.
//! - [`dispatch`] (cargo feature `io`, on by default; Unix): many coroutines over non-blocking
//!   sockets on one thread, on `mio`; with cargo feature `tokio`, `dispatch::tokio` runs the same
//!   tasks as tokio futures, on tokio's readiness and timers, multi-threaded when they are `Send`.
//! - [`events`] (cargo feature `io`; Unix): the seed's callback event loop, and coroutines that
//!   read as if they blocked on top of it.
#![doc = include_str!("soundness.md")]
// `#[inline(always)]` sits only on the resume path (`Gen::drive`, the hand-off futures), where
// `benches/callgrind.sh` shows it decides between 5–7 instructions per item and 20–60.
#![allow(clippy::inline_always)]

pub mod async_gen;
pub mod boxed;
pub mod coroutine;
pub mod delegate;
#[cfg(all(feature = "io", unix))]
pub mod dispatch;
pub mod error;
#[cfg(all(feature = "io", unix))]
pub mod events;
pub mod iter;
#[doc(hidden)]
pub mod lower;
pub mod pinned;
pub mod pipe;
pub mod running;
pub mod state;
pub mod status;
#[cfg(feature = "stream")]
pub mod stream;
pub mod wrap;

pub use async_gen::{AsyncResumable, AsyncSubroutine, Resume, TryStream};
pub use boxed::{BoxResumable, LocalBoxResumable};
pub use coroutine::{Coroutine, MAX_DEPTH};
pub use delegate::Subroutine;
pub use error::{CloseError, Panic, ResumeError};
pub use iter::{IntoIter, Iter, TryIter};
pub use pinned::PinnedSlice;
pub use running::{CoroutineRef, Running, is_yieldable, running};
pub use state::{Resumable, State};
pub use status::Status;
#[cfg(feature = "stream")]
pub use stream::IntoStream;
pub use wrap::Wrap;
