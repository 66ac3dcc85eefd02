//! Generators as [`futures_core::Stream`]s (cargo feature `stream`): [`IntoStream`], what
//! [`Resumable::into_stream`] returns.
//!
//! A coroutine of this crate never waits for I/O: its only suspension points are `yield_!`, so
//! every poll is `Ready` at once and the waker is never used. A stream here is only a stream, not
//! also an iterator: with `futures::StreamExt` in scope, `.next()` on a type that is both is
//! ambiguous (E0034). For a pipeline, see [`Pipe::into_stream`](crate::pipe::Pipe::into_stream).

use alloc::boxed::Box;
use core::fmt;
use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::{FusedStream, Stream};

pub use super::state::IntoStream;
use crate::state::{End, Resumable};

impl<G: Resumable<()>> IntoStream<G> {
    /// Boxes `generator` and streams what it yields; the same as
    /// [`generator.into_stream()`](Resumable::into_stream).
    ///
    /// ```
    /// use resumable::{coroutine, yield_, IntoStream};
    ///
    /// let s = IntoStream::new(coroutine!(|()| yield_!(1_u8)));
    /// assert_eq!(futures_executor::block_on_stream(s).collect::<Vec<_>>(), [1]);
    /// ```
    pub fn new(generator: G) -> Self {
        Self::from_pin(Box::pin(generator))
    }
}

impl<G: Resumable<()> + ?Sized> IntoStream<G> {
    /// Streams what a generator already pinned in a box yields, without allocating again; `G`
    /// may be a `dyn Resumable<()>`.
    ///
    /// ```
    /// use core::pin::Pin;
    /// use resumable::{coroutine, yield_, IntoStream, Resumable};
    ///
    /// let boxed: Pin<Box<dyn Resumable<(), Yield = u8, Return = ()> + Send>> =
    ///     Box::pin(coroutine!(|()| yield_!(1_u8)));
    /// let s = IntoStream::from_pin(boxed);
    /// assert_eq!(futures_executor::block_on_stream(s).count(), 1);
    /// ```
    pub fn from_pin(generator: Pin<Box<G>>) -> Self {
        Self {
            generator,
            end: End::Running,
        }
    }

    /// The generator's return value, once the stream reached it (taken by the first call).
    ///
    /// ```
    /// use resumable::{coroutine, yield_, Resumable};
    ///
    /// let mut s = coroutine!(|()| {
    ///     yield_!('a');
    ///     "done"
    /// })
    /// .into_stream();
    /// assert_eq!(s.returned(), None); // not there yet
    /// let mut items = futures_executor::block_on_stream(&mut s);
    /// assert_eq!(items.next(), Some('a'));
    /// assert_eq!(items.next(), None);
    /// assert_eq!(s.returned(), Some("done"));
    /// assert_eq!(s.returned(), None); // taken
    /// ```
    pub fn returned(&mut self) -> Option<G::Return> {
        self.end.take()
    }
}

impl<G: Resumable<()> + ?Sized> Stream for IntoStream<G> {
    type Item = G::Yield;

    /// The next yielded value, always `Ready`; `Ready(None)` from the generator's return on.
    ///
    /// # Panics
    ///
    /// If the generator panics (the panic propagates).
    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<G::Yield>> {
        let this = self.get_mut();
        Poll::Ready(this.end.next(this.generator.as_mut()))
    }
}

impl<G: Resumable<()> + ?Sized> FusedStream for IntoStream<G> {
    /// Whether the generator has returned.
    fn is_terminated(&self) -> bool {
        self.end.is_finished()
    }
}

// The generator is pinned in its box, and the return value is never pinned (`poll_next` reaches
// it through `&mut`), so the stream moves freely whatever the return type.
impl<G: Resumable<()> + ?Sized> Unpin for IntoStream<G> {}

impl<G: Resumable<()> + ?Sized> fmt::Debug for IntoStream<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntoStream")
            .field("finished", &self.end.is_finished())
            .finish_non_exhaustive()
    }
}
