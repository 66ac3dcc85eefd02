//! The runtime of [`resumable`](https://docs.rs/resumable): the state machines that
//! `#[resumable]` lowers coroutine bodies to, and the types around them.
//!
//! Users depend on the `resumable` facade crate, which re-exports everything here together with
//! the macros. Layers, each using only those above it in this list:
//!
//! - [`state`]: [`State`] and the [`Resumable`] trait (Layer 1).
//! - `lower` (hidden): what generated code builds on.
//! - [`iter`]: generators as iterators.
//! - [`pinned`]: many coroutines pinned in one allocation.

pub mod iter;
#[doc(hidden)]
pub mod lower;
pub mod pinned;
pub mod state;

pub use iter::{IntoIter, Iter};
pub use pinned::PinnedSlice;
pub use state::{Resumable, State};
