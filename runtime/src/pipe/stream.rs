//! Pull stages as [`futures_core::Stream`]s (feature `stream`): [`PipeStream`].
//!
//! A coroutine of this crate never waits for I/O: its only suspension points are `yield_!`, so
//! every poll is `Ready` at once and the waker is never used. The stream is its own type, not
//! a `Stream` impl on [`PipeIter`](super::PipeIter) or [`Iter`](super::Iter): a type that is both
//! an iterator and a stream makes `.next()` ambiguous (E0034) wherever `futures::StreamExt` is
//! in scope.

use alloc::boxed::Box;
use core::fmt;
use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::{FusedStream, Stream};

use super::pull::Pull;

/// A pull stage moved into a box and polled as a [`Stream`]: what
/// [`Pipe::into_stream`](super::Pipe::into_stream) returns.
///
/// One allocation per stream (the box pins the stage, so the stream is [`Unpin`]), none per
/// item; fused ([`FusedStream`]). Any [`Pull`] stage works with [`PipeStream::new`]; a generator
/// alone is better streamed with [`Resumable::into_stream`](crate::Resumable::into_stream),
/// which keeps its return value.
///
/// ```
/// use resumable::pipe::{from_iter, PipeStream, Pull};
///
/// let s = PipeStream::new(from_iter(["a", "b"]));
/// assert_eq!(futures_executor::block_on_stream(s).collect::<Vec<_>>(), ["a", "b"]);
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct PipeStream<P> {
    stage: Pin<Box<P>>,
    done: bool,
}

impl<P: Pull> PipeStream<P> {
    /// Boxes `stage` and streams what it gives.
    ///
    /// ```
    /// use resumable::pipe::{from_iter, PipeStream};
    ///
    /// let s = PipeStream::new(from_iter(1..=3));
    /// assert_eq!(futures_executor::block_on_stream(s).sum::<i32>(), 6);
    /// ```
    pub fn new(stage: P) -> Self {
        Self {
            stage: Box::pin(stage),
            done: false,
        }
    }
}

impl<P: Pull> Stream for PipeStream<P> {
    type Item = P::Item;

    /// The next value, always `Ready`; `Ready(None)` from the stage's end on.
    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<P::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        let next = this.stage.as_mut().pull();
        this.done = next.is_none();
        Poll::Ready(next)
    }
}

impl<P: Pull> FusedStream for PipeStream<P> {
    /// Whether the stage has ended.
    fn is_terminated(&self) -> bool {
        self.done
    }
}

impl<P> fmt::Debug for PipeStream<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PipeStream")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}
