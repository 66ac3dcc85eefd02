//! The workloads of the async bench (`benches/stream.rs`, and `stream_*` in
//! `benches/instructions.rs` for callgrind): a stream of `n` `u64`s where each item awaits a
//! future that is immediately ready, consumed `StreamExt::next`-style (a `poll_fn` over
//! `poll_next`) in a `block_on` loop, summing the items through `black_box`. Four producers of the
//! same stream: hand-written `poll_next`, ours, async-stream's `stream!`, genawaiter's async
//! generator.

use core::future::{Future, Ready, poll_fn, ready};
use core::hint::black_box;
use core::pin::{Pin, pin};
use core::task::{Context, Poll};

use futures_core::Stream;
use genawaiter::GeneratorState;
use resumable::{resumable, yield_};

/// Sums a stream's items, `StreamExt::next` by `StreamExt::next`, on futures-executor.
fn sum_stream<S: Stream<Item = u64>>(s: S) -> u64 {
    futures_executor::block_on(async {
        let mut s = pin!(s);
        let mut sum = 0_u64;
        while let Some(x) = poll_fn(|cx| s.as_mut().poll_next(cx)).await {
            sum = sum.wrapping_add(black_box(x));
        }
        sum
    })
}

/// The hand-written stream: the state machine of `for i in 0..n { yield ready(i).await }`.
struct Hand {
    i: u64,
    n: u64,
    /// The future being awaited for the current item.
    pending: Option<Ready<u64>>,
}

impl Stream for Hand {
    type Item = u64;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u64>> {
        let this = &mut *self;
        if this.pending.is_none() {
            if this.i == this.n {
                return Poll::Ready(None);
            }
            this.pending = Some(ready(this.i));
            this.i += 1;
        }
        let Some(future) = this.pending.as_mut() else {
            unreachable!()
        };
        match Pin::new(future).poll(cx) {
            Poll::Ready(x) => {
                this.pending = None;
                Poll::Ready(Some(x))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

pub(crate) fn stream_hand(n: u64) -> u64 {
    sum_stream(Hand {
        i: 0,
        n,
        pending: None,
    })
}

/// Ours: an async generator.
#[resumable(async, yield = u64)]
fn ours(n: u64) {
    for i in 0..n {
        let x = ready(i).await;
        yield_!(x);
    }
}

pub(crate) fn stream_ours(n: u64) -> u64 {
    sum_stream(ours(n))
}

pub(crate) fn stream_async_stream(n: u64) -> u64 {
    sum_stream(async_stream::stream! {
        for i in 0..n {
            let x = ready(i).await;
            yield x;
        }
    })
}

/// genawaiter's async generator (`rc`: boxed once, not per item), resumed with `async_resume`:
/// it has no `Stream` impl without its `futures03` feature, and this is what that impl does.
pub(crate) fn stream_genawaiter(n: u64) -> u64 {
    let mut generator = genawaiter::rc::Gen::new(|co| async move {
        for i in 0..n {
            let x = ready(i).await;
            co.yield_(x).await;
        }
    });
    futures_executor::block_on(async {
        let mut sum = 0_u64;
        while let GeneratorState::Yielded(x) = generator.async_resume().await {
            sum = sum.wrapping_add(black_box(x));
        }
        sum
    })
}
