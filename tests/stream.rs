//! Generators and pipelines as `futures_core::Stream`s (feature `stream`, which the
//! dev-dependency on `resumable-runtime` turns on for the tests): `into_stream()` gives a type
//! that is only a stream, so `.next()` is never ambiguous with a `StreamExt` in scope; it is
//! `Unpin`, fused, `Send` when the generator is, and keeps the return value.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::cell::Cell;

use futures_core::{FusedStream, Stream};
use resumable::pipe::Step::{self, Emit, Receive};
use resumable::pipe::{Pull, from_iter};
use resumable::{Resumable, coroutine, resumable, yield_};

/// What `futures::StreamExt::next` is: a method named `next` on every `Stream + Unpin`. If the
/// streams below were also iterators, every `.next()` on them would be E0034 (ambiguous).
trait StreamNext: Stream + Unpin {
    fn next(&mut self) -> impl Future<Output = Option<Self::Item>> + '_ {
        core::future::poll_fn(move |cx| Pin::new(&mut *self).poll_next(cx))
    }
}

impl<S: Stream + Unpin + ?Sized> StreamNext for S {}

#[resumable(yield = u32)]
fn upto(n: u32) -> &'static str {
    for i in 0..n {
        yield_!(i);
    }
    "counted"
}

#[resumable(yield = Step<u32>, resume = Option<u32>)]
fn doubled(#[resume] _start: Option<u32>) {
    while let Some(x) = yield_!(Receive) {
        yield_!(Emit(x * 2));
    }
}

#[test]
fn a_generator_is_a_stream_through_into_stream() {
    let items: Vec<u32> = futures_executor::block_on_stream(upto(4).into_stream()).collect();
    assert_eq!(items, [0, 1, 2, 3]);
}

#[test]
fn next_is_not_ambiguous_and_the_return_value_is_kept() {
    let mut s = upto(2).into_stream();
    let seen = futures_executor::block_on(async {
        let mut seen = Vec::new();
        while let Some(x) = s.next().await {
            seen.push(x);
        }
        seen
    });
    assert_eq!(seen, [0, 1]);
    assert!(s.is_terminated());
    assert_eq!(s.returned(), Some("counted"));
    assert_eq!(s.returned(), None);
}

#[test]
fn every_poll_is_ready_and_the_stream_is_fused() {
    let polled = Cell::new(0);
    let mut s = coroutine!(|()| {
        polled.set(polled.get() + 1);
        yield_!('a');
        polled.set(polled.get() + 1);
    })
    .into_stream();
    let mut cx = Context::from_waker(Waker::noop());
    assert!(!s.is_terminated());
    assert_eq!(Pin::new(&mut s).poll_next(&mut cx), Poll::Ready(Some('a')));
    assert_eq!(Pin::new(&mut s).poll_next(&mut cx), Poll::Ready(None));
    assert!(s.is_terminated());
    // Fused: polling again does not resume the finished generator (which would panic).
    assert_eq!(Pin::new(&mut s).poll_next(&mut cx), Poll::Ready(None));
    assert_eq!(polled.get(), 2);
}

#[test]
fn the_stream_is_send_when_the_generator_is_and_always_unpin() {
    fn assert_send_unpin<T: Send + Unpin>(_: &T) {}
    fn assert_unpin<T: Unpin>(_: &T) {}
    let s = upto(3).into_stream();
    assert_send_unpin(&s);
    let total = std::thread::spawn(move || futures_executor::block_on_stream(s).sum::<u32>())
        .join()
        .unwrap();
    assert_eq!(total, 3);

    // Not `Send` (an `Rc` held across a yield), still `Unpin`, and the return type need not be.
    let rc = std::rc::Rc::new(1);
    let local = coroutine!(move |()| {
        yield_!(*rc);
        core::marker::PhantomPinned
    })
    .into_stream();
    assert_unpin(&local);
}

#[test]
fn a_pipeline_is_a_stream_through_into_stream() {
    let mut s = from_iter(1..=3).pipe(doubled()).into_stream();
    let items = futures_executor::block_on(async {
        let mut items = Vec::new();
        while let Some(x) = s.next().await {
            items.push(x);
        }
        items
    });
    assert_eq!(items, [2, 4, 6]);
    assert!(s.is_terminated());
    // A pipeline that starts from a generator.
    let from_gen = upto(3).pipe(doubled()).into_stream();
    assert_eq!(
        futures_executor::block_on_stream(from_gen).collect::<Vec<_>>(),
        [0, 2, 4]
    );
}

#[test]
fn a_boxed_generator_streams_without_a_second_box() {
    // The facade names `IntoStream` only with its own `stream` feature; the tests reach the
    // runtime's directly.
    let boxed = upto(2).boxed();
    let mut s = resumable_runtime::IntoStream::from_pin(boxed.into_pin());
    assert_eq!(
        futures_executor::block_on_stream(&mut s).collect::<Vec<_>>(),
        [0, 1]
    );
    assert_eq!(s.returned(), Some("counted"));
    // Or simply, boxing the box once more:
    let items: Vec<u32> =
        futures_executor::block_on_stream(upto(2).boxed().into_stream()).collect();
    assert_eq!(items, [0, 1]);
}

#[test]
fn debug_says_whether_it_finished() {
    let mut s = upto(0).into_stream();
    assert_eq!(format!("{s:?}"), "IntoStream { finished: false, .. }");
    let _ = futures_executor::block_on(s.next());
    assert_eq!(format!("{s:?}"), "IntoStream { finished: true, .. }");
    let p = from_iter([1]).pipe(doubled()).into_stream();
    assert_eq!(format!("{p:?}"), "PipeStream { done: false, .. }");
}
