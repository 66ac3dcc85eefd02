//! [`futures_core::Stream`] for pull stages (feature `stream`).
//!
//! A coroutine of this crate never waits for I/O: its only suspension points are `yield_!`, so
//! every poll is `Ready` at once. The stream impls below let a generator or a pull pipeline be
//! handed to async code that expects a `Stream`; they never return `Pending` and never use the
//! waker.

use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::{FusedStream, Stream};

use super::pull::{IntoIter, Iter, Pull};

impl<P: Pull> Stream for IntoIter<P> {
    type Item = P::Item;

    /// The next value, always `Ready`.
    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<P::Item>> {
        Poll::Ready(self.get_mut().next())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        Iterator::size_hint(self)
    }
}

impl<P: Pull> FusedStream for IntoIter<P> {
    fn is_terminated(&self) -> bool {
        self.is_done()
    }
}

impl<P: Pull + ?Sized> Stream for Iter<'_, P> {
    type Item = P::Item;

    /// The next value, always `Ready`.
    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<P::Item>> {
        Poll::Ready(self.get_mut().next())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        Iterator::size_hint(self)
    }
}

impl<P: Pull + ?Sized> FusedStream for Iter<'_, P> {
    fn is_terminated(&self) -> bool {
        self.is_done()
    }
}
