//! Async coroutines: `.await` inside a body, `resume(arg).await`, streams, delegation, wakers.

use core::future::{Future, poll_fn};
use core::pin::{Pin, pin};
use core::task::{Context, Poll, Waker};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Wake;

use futures_core::{FusedStream, Stream};

mod support;
use resumable::{AsyncResumable, State, coroutine, resumable, yield_, yield_from};

/// `StreamExt::next` without futures-util.
async fn next<S: Stream + ?Sized>(mut s: Pin<&mut S>) -> Option<S::Item> {
    poll_fn(|cx| s.as_mut().poll_next(cx)).await
}

/// A future that is pending once (waking its waker at once) and then ready.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

fn yield_now() -> YieldNow {
    YieldNow(false)
}

#[resumable(async, yield = u64)]
fn numbers(n: u64) {
    for i in 0..n {
        let x = core::future::ready(i).await;
        yield_now().await;
        yield_!(x * 10);
    }
}

#[test]
fn a_stream_awaits_and_yields() {
    let s = pin!(numbers(4));
    let items: Vec<u64> = futures_executor::block_on_stream(s).collect();
    assert_eq!(items, [0, 10, 20, 30]);
}

#[test]
fn a_finished_stream_keeps_returning_none() {
    futures_executor::block_on(async {
        let mut s = pin!(numbers(1));
        assert!(!s.is_terminated());
        assert_eq!(next(s.as_mut()).await, Some(0));
        assert_eq!(next(s.as_mut()).await, None);
        assert!(s.is_terminated());
        assert_eq!(next(s.as_mut()).await, None);
        assert_eq!(next(s.as_mut()).await, None);
    });
}

#[resumable(async, yield = u32, resume = u32)]
fn accumulate(#[resume] first: u32) -> u32 {
    let mut total = first;
    loop {
        yield_now().await;
        let x = yield_!(total);
        if x == 0 {
            return total;
        }
        total += core::future::ready(x).await;
    }
}

#[test]
fn resume_passes_every_argument_in_and_the_first_is_not_lost() {
    futures_executor::block_on(async {
        let mut co = pin!(accumulate());
        assert_eq!(co.as_mut().resume(5).await, State::Yielded(5));
        assert_eq!(co.as_mut().resume(2).await, State::Yielded(7));
        assert_eq!(co.as_mut().resume(0).await, State::Complete(7));
    });
}

#[test]
fn resuming_after_return_panics() {
    let result = std::panic::catch_unwind(|| {
        futures_executor::block_on(async {
            let mut co = pin!(accumulate());
            let _ = co.as_mut().resume(1).await;
            let _ = co.as_mut().resume(0).await;
            let _ = co.as_mut().resume(0).await;
        });
    });
    let message = *result.unwrap_err().downcast::<&str>().unwrap();
    assert_eq!(message, "cannot resume a coroutine that has returned");
}

#[test]
fn the_closure_form_takes_the_first_argument() {
    futures_executor::block_on(async {
        let offset = 100;
        let mut co = pin!(coroutine!(async move |x: u32| -> u32 {
            yield_now().await;
            let y = yield_!(x + offset);
            x + y
        }));
        assert_eq!(co.as_mut().resume(1).await, State::Yielded(101));
        assert_eq!(co.as_mut().resume(2).await, State::Complete(3));
    });
}

#[test]
fn a_closure_generator_is_a_stream() {
    let s = pin!(coroutine!(yield = char, async |()| {
        for c in "abc".chars() {
            yield_now().await;
            yield_!(c);
        }
    }));
    let s: String = futures_executor::block_on_stream(s).collect();
    assert_eq!(s, "abc");
}

#[resumable(async, yield = u8)]
fn checked(bytes: &[u8]) -> Result<(), String> {
    for &b in bytes {
        yield_now().await;
        if b == 0 {
            Err(format!("zero after {b}"))?;
        }
        yield_!(b);
    }
    Ok(())
}

#[test]
fn try_stream_ends_with_the_error() {
    let bytes = [1, 2, 0, 3];
    let s = pin!(checked(&bytes).try_stream());
    let items: Vec<_> = futures_executor::block_on_stream(s).collect();
    assert_eq!(items, [Ok(1), Ok(2), Err("zero after 0".to_owned())]);
    let s = pin!(checked(&[4]).try_stream());
    let items: Vec<_> = futures_executor::block_on_stream(s).collect();
    assert_eq!(items, [Ok(4)]);
}

#[resumable(yield = u64)]
fn sync_leaf(n: u64) -> u64 {
    for i in 0..n {
        yield_!(i);
    }
    n
}

#[resumable(async, yield = u64)]
fn async_sub(from: u64) -> &'static str {
    yield_now().await;
    yield_!(from);
    yield_now().await;
    yield_!(from + 1);
    "sub done"
}

#[resumable(async, yield = u64)]
fn delegating(log: &Mutex<Vec<String>>) {
    let n = yield_from!(sync_leaf(2));
    log.lock().unwrap().push(format!("leaf returned {n}"));
    let s = yield_from!(async_sub(100));
    log.lock().unwrap().push(s.to_owned());
    yield_!(7);
}

#[test]
fn yield_from_runs_sync_leaves_and_async_coroutines() {
    let log = Mutex::new(Vec::new());
    let s = pin!(delegating(&log));
    let items: Vec<u64> = futures_executor::block_on_stream(s).collect();
    assert_eq!(items, [0, 1, 100, 101, 7]);
    assert_eq!(*log.lock().unwrap(), ["leaf returned 2", "sub done"]);
}

#[resumable(yield = u64)]
fn sync_delegating() {
    yield_from!(sync_leaf(1));
}

#[resumable(async, yield = u64)]
fn delegates_to_a_delegating_sync_coroutine() {
    yield_from!(sync_delegating());
}

#[test]
fn yield_from_a_sync_coroutine_that_delegates_panics() {
    let result = std::panic::catch_unwind(|| {
        let s = pin!(delegates_to_a_delegating_sync_coroutine());
        futures_executor::block_on_stream(s).count()
    });
    let message = *result.unwrap_err().downcast::<&str>().unwrap();
    assert!(message.contains("cannot delegate"), "{message}");
}

/// A waker that counts its wakes.
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Keeps a clone of the waker it is polled with, pending until told otherwise.
struct KeepWaker<'a> {
    kept: &'a Mutex<Option<Waker>>,
    ready: &'a AtomicUsize,
}

impl Future for KeepWaker<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.ready.load(Ordering::SeqCst) > 0 {
            return Poll::Ready(());
        }
        *self.kept.lock().unwrap() = Some(cx.waker().clone());
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn awaited_futures_see_the_executors_waker() {
    let counter = Arc::new(Counter(AtomicUsize::new(0)));
    let waker = Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);
    let kept = Mutex::new(None);
    let ready = AtomicUsize::new(0);
    let mut co = pin!(coroutine!(yield = u8, async |()| {
        KeepWaker {
            kept: &kept,
            ready: &ready,
        }
        .await;
        yield_!(1);
    }));
    assert_eq!(co.as_mut().poll_next(&mut cx), Poll::Pending);
    // `wake_by_ref` on the body's waker woke the executor's.
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    // The clone the future kept is the executor's waker itself, valid after the poll.
    let clone = kept.lock().unwrap().take().unwrap();
    // (Compared by data pointer: the executor's `Arc`. `will_wake` also compares vtable
    // addresses, which Miri may duplicate.)
    assert!(core::ptr::eq(clone.data(), waker.data()));
    clone.wake();
    assert_eq!(counter.0.load(Ordering::SeqCst), 2);
    ready.store(1, Ordering::SeqCst);
    assert_eq!(co.as_mut().poll_next(&mut cx), Poll::Ready(Some(1)));
    assert_eq!(co.as_mut().poll_next(&mut cx), Poll::Ready(None));
}

#[test]
fn a_pending_step_does_not_consume_the_next_argument() {
    let waker = Waker::noop();
    let mut cx = Context::from_waker(waker);
    let mut co = pin!(coroutine!(yield = u32, async |x: u32| -> u32 {
        yield_now().await;
        let y = yield_!(x);
        yield_now().await;
        x + y
    }));
    let mut arg = Some(1);
    assert_eq!(co.as_mut().poll_resume(&mut cx, &mut arg), Poll::Pending);
    assert_eq!(arg, None, "the first argument went in at the first poll");
    assert_eq!(
        co.as_mut().poll_resume(&mut cx, &mut arg),
        Poll::Ready(State::Yielded(1))
    );
    let mut arg = Some(2);
    assert_eq!(co.as_mut().poll_resume(&mut cx, &mut arg), Poll::Pending);
    let mut other = Some(99);
    assert_eq!(
        co.as_mut().poll_resume(&mut cx, &mut other),
        Poll::Ready(State::Complete(3))
    );
    assert_eq!(
        other,
        Some(99),
        "a poll in the middle of a step leaves the argument alone"
    );
}

#[test]
fn creating_and_streaming_allocates_nothing() {
    let (count, items) = support::allocations(|| {
        // Awaits that are pending (and wake) and ready, yields, a delegation: on the stack.
        let mut s = pin!(delegating_without_log());
        let mut cx = Context::from_waker(Waker::noop());
        let mut sum = 0;
        loop {
            match s.as_mut().poll_next(&mut cx) {
                Poll::Ready(Some(x)) => sum += x,
                Poll::Ready(None) => break sum,
                Poll::Pending => {}
            }
        }
    });
    assert_eq!(items, 10 + 1 + 100 + 101 + 20 + 30);
    assert_eq!(count, 0);
}

#[resumable(async, yield = u64)]
fn delegating_without_log() {
    yield_from!(numbers(4));
    yield_from!(sync_leaf(2));
    yield_from!(async_sub(100));
}
