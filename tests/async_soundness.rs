//! The async twins of `tests/soundness.rs`: safe code that tries to break the async lowering
//! from inside a body, as a user's `macro_rules!` can (hand-off futures moved into other
//! coroutines, sync or async, or into a box, polled by another executor or with a kept waker,
//! started twice in one step, dropped early), the async waker used from another thread and kept
//! past its poll, and the `__private` items called by hand. Each case ends in a clean panic with
//! our message or in defined behaviour; CI runs this file under Miri (Stacked and Tree Borrows).

use core::future::Future;
use core::pin::{Pin, pin};
use core::task::{Context, Poll, Waker};
use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Wake;

use resumable::__private::{Co, Static, async_from_parts, async_from_parts_starting};
use resumable::async_gen::Stream;
use resumable::{AsyncResumable, AsyncSubroutine, Resumable, State, resumable, yield_, yield_from};

#[macro_use]
#[path = "support/attacks.rs"]
mod attacks;
use attacks::*;

/// Polls `future` to completion with a no-op waker (every future here is ready or wakes itself).
fn run<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return value;
        }
    }
}

/// The items of an async generator.
fn items<S: Stream>(stream: S) -> Vec<S::Item> {
    let mut stream = pin!(stream);
    let mut cx = Context::from_waker(Waker::noop());
    let mut out = Vec::new();
    loop {
        match stream.as_mut().poll_next(&mut cx) {
            Poll::Ready(Some(item)) => out.push(item),
            Poll::Ready(None) => return out,
            Poll::Pending => {}
        }
    }
}

/// Pending once, waking its waker, then ready.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// An async coroutine that yields twice around awaits.
#[resumable(async, yield = u32)]
fn sub() -> u32 {
    let _noisy = Noisy("sub");
    YieldNow(false).await;
    yield_!(1);
    YieldNow(false).await;
    yield_!(2);
    3
}

#[test]
fn a_yield_from_polled_from_a_box_and_dropped_runs_in_the_box_and_drops_the_sub() {
    #[resumable(async, yield = u32)]
    fn driver() {
        poll_once_boxed!(yield_from!(sub()));
        log("after the box");
        yield_!(7);
    }
    take_log();
    // The sub runs in place, in the box, with the driver's slot (its waker is the driver's):
    // its first poll waits, and the box is dropped with it, before the driver goes on.
    assert_eq!(items(driver()), [7]);
    assert_eq!(take_log(), ["drop sub", "after the box"]);
}

#[test]
fn a_yield_from_started_then_dropped_in_place_drops_the_sub() {
    #[resumable(async, yield = u32)]
    fn driver() -> u32 {
        start_then_drop!(yield_from!(sub()));
        log("after the drop");
        0
    }
    take_log();
    assert_eq!(run(pin!(driver()).as_mut().resume(())), State::Complete(0));
    assert_eq!(take_log(), ["drop sub", "after the drop"]);
}

#[test]
fn two_yields_in_one_step_panic_instead_of_losing_a_value() {
    #[resumable(async, yield = u32)]
    fn driver() -> u32 {
        start_then_drop!(yield_!(1));
        yield_!(2);
        0
    }
    assert_panics("two values were yielded in one step", || {
        let _ = run(pin!(driver()).as_mut().resume(()));
    });
}

#[test]
fn a_yield_moved_into_an_async_coroutine_with_another_yield_type_panics() {
    #[resumable(async, yield = u64)]
    fn host<F: Future<Output = ()>>(smuggled: F) {
        hidden_await!(smuggled);
    }

    #[resumable(async, yield = String)]
    fn outer() {
        let smuggled = hidden_async!(yield_!(String::from("a string")));
        let mut host = pin!(host(smuggled));
        let _ = host.as_mut().resume(()).await;
    }
    assert_panics(FOREIGN_OWNER, || {
        let _ = run(pin!(outer()).as_mut().resume(()));
    });
}

#[test]
fn a_yield_moved_between_sync_and_async_coroutines_with_other_types_panics() {
    #[resumable(yield = u64)]
    fn sync_host<F: Future<Output = ()>>(smuggled: F) {
        hidden_await!(smuggled);
    }

    #[resumable(async, yield = String)]
    fn outer() {
        let smuggled = hidden_async!(yield_!(String::from("a string")));
        let mut host = pin!(sync_host(smuggled));
        let _ = host.as_mut().resume(());
    }
    assert_panics(FOREIGN_OWNER, || {
        let _ = run(pin!(outer()).as_mut().resume(()));
    });

    #[resumable(async, yield = u64)]
    fn async_host<F: Future<Output = ()>>(smuggled: F) {
        hidden_await!(smuggled);
    }

    #[resumable(yield = String)]
    fn sync_outer() {
        let smuggled = hidden_async!(yield_!(String::from("a string")));
        let mut host = pin!(async_host(smuggled));
        let _ = run(host.as_mut().resume(()));
    }
    assert_panics(FOREIGN_OWNER, || {
        let _ = pin!(sync_outer()).as_mut().resume(());
    });
}

#[test]
fn a_yield_moved_into_a_coroutine_whose_yield_type_differs_only_in_a_lifetime_panics() {
    #[resumable(async, yield = &'static str)]
    fn host<F: Future<Output = ()>>(smuggled: F) {
        hidden_await!(smuggled);
    }

    #[resumable(async, yield = &'a str)]
    fn outer<'a>(s: &'a str) {
        let smuggled = hidden_async!(yield_!(s));
        let mut host = pin!(host(smuggled));
        let _ = host.as_mut().resume(()).await;
    }
    assert_panics(FOREIGN_OWNER, || {
        let local = String::from("short-lived");
        let _ = run(pin!(outer(&local)).as_mut().resume(()));
    });
}

#[test]
fn a_yield_from_moved_into_another_coroutine_with_a_borrowed_yield_type_panics() {
    #[resumable(async, yield = &'static str)]
    fn host<F: Future<Output = ()>>(smuggled: F) {
        hidden_await!(smuggled);
        yield_!("host");
    }

    #[resumable(async, yield = &'a str)]
    fn words<'a>(s: &'a str) {
        for word in s.split(' ') {
            yield_!(word);
        }
    }

    #[resumable(async, yield = &'a str)]
    fn outer<'a>(s: &'a str) {
        let smuggled = hidden_async!(yield_from!(words(s)));
        let mut host = pin!(host(smuggled));
        let _ = host.as_mut().resume(()).await;
    }
    assert_panics(FOREIGN_OWNER, || {
        let local = String::from("short lived");
        let _ = run(pin!(outer(&local)).as_mut().resume(()));
    });
}

#[test]
fn a_yield_from_moved_into_another_coroutine_of_the_same_static_types_runs_there() {
    #[resumable(async, yield = u32)]
    fn host<F: Future<Output = ()>>(smuggled: F) {
        hidden_await!(smuggled);
        yield_!(9);
    }

    #[resumable(async, yield = u32)]
    fn outer() {
        let smuggled = hidden_async!(yield_from!(sub()));
        let mut host = pin!(host(smuggled));
        while let State::Yielded(n) = host.as_mut().resume(()).await {
            yield_!(n + 100);
        }
    }
    // Harmless, so allowed: the `yield_from!` is polled by `host`'s driver, and both exchange
    // exactly the same ('static) types.
    assert_eq!(items(outer()), [101, 102, 109]);
}

macro_rules! poll_in_async_body_of {
    ($co:expr, $future:expr) => {{
        let (co, future) = ($co, $future);
        let mut generator = pin!(async_from_parts(co.marker(), async move {
            hidden_await!(future);
        }));
        let _ = run(generator.as_mut().resume(()));
    }};
}

#[test]
fn hand_made_tokens_cannot_confuse_types() {
    assert_panics(FOREIGN_OWNER, || {
        let stranger = Co::<String, ()>::new();
        poll_in_async_body_of!(Co::<u64, ()>::new(), stranger.yield_(String::from("x")));
    });
    assert_panics(FOREIGN_OWNER, || {
        let stranger = Co::<String, (), Static>::new_static();
        poll_in_async_body_of!(
            Co::<u64, (), Static>::new_static(),
            stranger.yield_(String::from("x"))
        );
    });
    assert_panics(FOREIGN_OWNER, || {
        let stranger = Co::<u64, ()>::new();
        poll_in_async_body_of!(Co::<u64, (), Static>::new_static(), stranger.yield_(1));
    });
    // A delegation made from another coroutine's token.
    assert_panics(FOREIGN_OWNER, || {
        let stranger = Co::<u32, ()>::new();
        poll_in_async_body_of!(
            Co::<u32, ()>::new(),
            AsyncSubroutine::__delegate_async(&stranger, sub)
        );
    });
}

#[test]
fn hand_off_futures_polled_by_another_executor_panic() {
    let co = Co::<u32, ()>::new();
    assert_panics(OUTSIDE_RESUME, || {
        futures_executor::block_on(co.yield_(1));
    });
    assert_panics(OUTSIDE_RESUME, || {
        futures_executor::block_on(AsyncSubroutine::__delegate_async(&co, sub));
    });
}

/// Keeps a clone of the waker it is polled with.
struct StealWaker<'a>(&'a RefCell<Option<Waker>>);

impl Future for StealWaker<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.0.borrow_mut() = Some(cx.waker().clone());
        Poll::Ready(())
    }
}

struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_waker_kept_past_its_poll_is_the_executors_and_leads_nowhere_else() {
    let kept: RefCell<Option<Waker>> = RefCell::default();
    let co = Co::<u32, ()>::new();
    let pending = co.yield_(5);
    let counter = Arc::new(Counter(AtomicUsize::new(0)));
    let executor = Waker::from(Arc::clone(&counter));
    {
        let mut generator = pin!(async_from_parts_starting(co.marker(), async {
            let co = co;
            hidden_await!(StealWaker(&kept));
            hidden_await!(co.yield_(1));
        }));
        let mut cx = Context::from_waker(&executor);
        assert_eq!(
            generator.as_mut().poll_resume(&mut cx, &mut Some(())),
            Poll::Ready(State::Yielded(1))
        );
        assert_eq!(
            generator.as_mut().poll_resume(&mut cx, &mut Some(())),
            Poll::Ready(State::Complete(()))
        );
    }
    // The driver's frame (and its link) is gone; the clone is the executor's own waker.
    let waker = kept.borrow_mut().take().expect("the body kept a waker");
    assert!(core::ptr::eq(waker.data(), executor.data()));
    waker.wake_by_ref();
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    assert_panics(OUTSIDE_RESUME, move || {
        let mut pending = pin!(pending);
        let _ = pending.as_mut().poll(&mut Context::from_waker(&waker));
    });
}

/// Wakes and clones the waker from another thread while the body is being polled.
struct WakeFromAnotherThread;

impl Future for WakeFromAnotherThread {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let waker = cx.waker();
        std::thread::scope(|s| {
            s.spawn(|| {
                waker.wake_by_ref();
                // A clone made on another thread, woken by value.
                #[allow(clippy::waker_clone_wake)]
                waker.clone().wake();
            });
            s.spawn(|| waker.wake_by_ref());
        });
        Poll::Ready(())
    }
}

#[test]
fn the_waker_may_be_used_from_other_threads_during_the_poll() {
    #[resumable(async, yield = u32)]
    fn body() {
        WakeFromAnotherThread.await;
        yield_!(1);
        WakeFromAnotherThread.await;
    }
    let counter = Arc::new(Counter(AtomicUsize::new(0)));
    let executor = Waker::from(Arc::clone(&counter));
    let mut cx = Context::from_waker(&executor);
    let mut s = pin!(body());
    assert_eq!(s.as_mut().poll_next(&mut cx), Poll::Ready(Some(1)));
    assert_eq!(s.as_mut().poll_next(&mut cx), Poll::Ready(None));
    assert_eq!(counter.0.load(Ordering::SeqCst), 6);
}

#[test]
fn a_panicking_body_cannot_be_resumed_and_drops_cleanly() {
    #[resumable(async, yield = u32)]
    fn body(fail: bool) {
        let _noisy = Noisy("body");
        YieldNow(false).await;
        assert!(!fail, "the body failed");
        yield_!(1);
    }
    take_log();
    let mut co = Box::pin(body(true));
    assert_panics("the body failed", || {
        let _ = run(co.as_mut().resume(()));
    });
    assert_panics("cannot resume a coroutine that panicked", || {
        let _ = run(co.as_mut().resume(()));
    });
    drop(co);
    assert_eq!(take_log(), ["drop body"]);
}

#[test]
fn a_step_started_without_an_argument_panics() {
    let mut co = pin!(sub());
    let mut cx = Context::from_waker(Waker::noop());
    assert_panics("without an argument", || {
        let _ = co.as_mut().poll_resume(&mut cx, &mut None);
    });
}

#[test]
fn a_resume_dropped_while_waiting_lets_the_next_resume_finish_its_step() {
    let mut co = pin!(sub());
    let mut cx = Context::from_waker(Waker::noop());
    {
        let mut first = co.as_mut().resume(());
        assert_eq!(Pin::new(&mut first).poll(&mut cx), Poll::Pending);
    }
    assert_eq!(run(co.as_mut().resume(())), State::Yielded(1));
    assert_eq!(run(co.as_mut().resume(())), State::Yielded(2));
    assert_eq!(run(co.as_mut().resume(())), State::Complete(3));
}

#[test]
fn a_yield_of_a_hand_made_token_in_a_hidden_async_block_panics() {
    #[resumable(async, yield = u32)]
    fn body() {
        // A future of a token made by hand, hidden in an `async` block the body awaits: polled
        // with the body's waker, it finds the slot, and its owner check refuses it.
        hidden_await!(async { hidden_await!(Co::<u32, ()>::new().yield_(5)) });
    }
    assert_panics(FOREIGN_OWNER, || {
        let _ = items(body());
    });
}

#[test]
fn a_sync_coroutine_resumed_inside_an_async_body_has_its_own_slot() {
    #[resumable(yield = u32)]
    fn inner() {
        yield_!(1);
        yield_!(2);
    }
    #[resumable(async, yield = u32)]
    fn outer() {
        let mut inner = pin!(inner());
        while let State::Yielded(x) = inner.as_mut().resume(()) {
            YieldNow(false).await;
            yield_!(x * 10);
        }
    }
    assert_eq!(items(outer()), [10, 20]);
}

#[resumable(yield = u32)]
fn sync_delegating() {
    yield_from!(sync_leaf());
}

#[resumable(yield = u32)]
fn sync_leaf() {
    yield_!(1);
}

#[test]
fn a_synchronous_delegation_called_by_hand_in_an_async_body_panics_or_runs_in_place() {
    use resumable::Subroutine;
    // `Subroutine::__delegate` with a token of the same (static) types, as a `macro_rules!` could
    // write it. A coroutine that delegates needs a frame stack, which an async driver has not.
    #[resumable(async, yield = u32)]
    fn framed() {
        hidden_await!(Subroutine::__delegate(
            &Co::<u32, (), Static>::new_static(),
            sync_delegating
        ));
    }
    assert_panics("not lowered for delegation", || {
        let _ = items(framed());
    });
    // A leaf is polled in place, as in a synchronous body.
    #[resumable(async, yield = u32)]
    fn leaf_by_hand() {
        hidden_await!(Subroutine::__delegate(
            &Co::<u32, (), Static>::new_static(),
            sync_leaf
        ));
    }
    assert_eq!(items(leaf_by_hand()), [1]);
}
