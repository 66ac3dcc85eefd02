//! Safe code that tries to break the lowering from inside a body, as a user's `macro_rules!`
//! can: awaits the attribute never saw, hand-off futures moved into other coroutines or into a
//! box, polled by another executor or with a kept waker, started twice in one step, dropped while
//! their frame runs, and the `__private` items called by hand. Each case must end in a clean
//! panic with our message (or, where the runtime can make it harmless, in defined behaviour),
//! never in undefined behaviour: CI runs this file under Miri, with Stacked and Tree Borrows.
//!
//! The compile-time holes (lifetimes stretched through variance) are `tests/ui/forge-*.rs`.

use core::future::Future;
use core::pin::{Pin, pin};
use core::task::{Context, Poll, Waker};
use std::cell::RefCell;
use std::rc::Rc;

use resumable::__private::{Co, Static, from_parts, from_parts_starting};
use resumable::{Resumable, State, Subroutine, resumable, yield_, yield_from};

#[macro_use]
#[path = "support/attacks.rs"]
mod attacks;
use attacks::*;

/// Starts both `$a` and `$b` in place in one step.
macro_rules! start_both {
    ($a:expr, $b:expr) => {{
        let mut a = pin!(Some(async {
            let _ = $a;
        }));
        let mut b = pin!(Some(async {
            let _ = $b;
        }));
        hidden_await!(PollInPlace(a.as_mut()));
        hidden_await!(PollInPlace(b.as_mut()));
    }};
}

/// Recursion `n` deep, then returns a `String`: every level is a frame of the driver.
#[resumable(yield = u32)]
fn deep(n: u32) -> String {
    let _noisy = Noisy(if n == 0 { "deep(0)" } else { "deep(n)" });
    if n > 0 {
        yield_from!(deep(n - 1));
    }
    yield_!(n);
    String::from("x")
}

#[test]
fn a_yield_from_polled_from_a_box_and_dropped_panics_instead_of_writing_into_freed_memory() {
    #[resumable(yield = u32)]
    fn driver() -> u32 {
        poll_once_boxed!(yield_from!(deep(1)));
        yield_!(7);
        0
    }
    assert_panics(OUTSIDE_BODY, || {
        let mut co = pin!(driver());
        let _ = co.as_mut().resume(());
        let _ = co.as_mut().resume(());
    });
}

#[test]
fn a_yield_from_dropped_while_its_frame_is_live_drops_the_frame_at_once() {
    #[resumable(yield = u32)]
    fn driver() -> u32 {
        let _noisy = Noisy("driver");
        start_then_drop!(yield_from!(deep(2)));
        log("after the drop");
        yield_!(7);
        log("resumed");
        0
    }
    take_log();
    let mut co = pin!(driver());
    // The frame of `deep(2)` was pushed but never polled: dropping the `yield_from!` drops it
    // (its `_noisy` never existed) before the body goes on.
    assert_eq!(co.as_mut().resume(()), State::Yielded(7));
    assert_eq!(take_log(), ["after the drop"]);
    assert_eq!(co.as_mut().resume(()), State::Complete(0));
    assert_eq!(take_log(), ["resumed", "drop driver"]);
}

/// `Pending` once, without a yield: in a step that also pushed a frame, the driver takes it for
/// that push and polls the innermost frame again.
struct PendingOnce(bool);

impl Future for PendingOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if core::mem::replace(&mut self.0, true) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// Recursion in which level `n == 1`, a frame of the same type as the one that pushed it (so
/// polled by the loop that goes on with such frames), starts a `yield_from!` of its own type and
/// drops it in the same step, then awaits something else that is `Pending` once: the step looks
/// like a push, but the frame pushed is gone.
#[resumable(yield = u32)]
fn starts_and_drops(n: u32) -> u32 {
    let _noisy = Noisy(if n == 0 { "innermost" } else { "level" });
    match n {
        0 => {
            yield_!(100);
            0
        }
        1 => {
            start_then_drop!(yield_from!(starts_and_drops(0)));
            log("after the drop");
            hidden_await!(PendingOnce(false));
            log("polled again");
            yield_!(1);
            1
        }
        _ => {
            let below = yield_from!(starts_and_drops(n - 1));
            yield_!(n);
            below + n
        }
    }
}

#[test]
fn a_frame_that_starts_and_drops_a_yield_from_of_its_own_type_in_one_step_goes_on() {
    take_log();
    let mut co = pin!(starts_and_drops(3));
    // The frame pushed by the dropped `yield_from!` is dropped unpolled (its `_noisy` never
    // existed), and nothing polls it: the frame that pushed it is polled again and yields.
    assert_eq!(co.as_mut().resume(()), State::Yielded(1));
    assert_eq!(take_log(), ["after the drop", "polled again"]);
    assert_eq!(co.as_mut().resume(()), State::Yielded(2));
    assert_eq!(take_log(), ["drop level"]);
    assert_eq!(co.as_mut().resume(()), State::Yielded(3));
    assert_eq!(take_log(), ["drop level"]);
    assert_eq!(co.as_mut().resume(()), State::Complete(6));
    assert_eq!(take_log(), ["drop level"]);
}

/// A leaf (no `yield_from!`) that yields twice.
#[resumable(yield = u32)]
fn leaf() -> u32 {
    let _noisy = Noisy("leaf");
    yield_!(1);
    yield_!(2);
    3
}

#[test]
fn a_leaf_yield_from_started_then_dropped_in_place_drops_the_leaf() {
    #[resumable(yield = u32)]
    fn driver() -> u32 {
        start_then_drop!(yield_from!(leaf()));
        log("after the drop");
        0
    }
    take_log();
    let mut co = pin!(driver());
    // The leaf ran to its first yield in place, the body swallowed that, dropped the leaf and
    // returned: what the leaf yielded is dropped with the step.
    assert_eq!(co.as_mut().resume(()), State::Complete(0));
    assert_eq!(take_log(), ["drop leaf", "after the drop"]);
}

#[test]
fn two_yields_in_one_step_panic_instead_of_losing_a_value() {
    #[resumable(yield = u32)]
    fn driver() -> u32 {
        start_then_drop!(yield_!(1));
        yield_!(2);
        0
    }
    assert_panics("two values were yielded in one step", || {
        let mut co = pin!(driver());
        let _ = co.as_mut().resume(());
    });
}

#[test]
fn two_yield_froms_started_in_one_step_panic() {
    #[resumable(yield = u32)]
    fn driver() -> u32 {
        start_both!(yield_from!(deep(1)), yield_from!(deep(1)));
        0
    }
    assert_panics("two `yield_from!`s were started", || {
        let mut co = pin!(driver());
        let _ = co.as_mut().resume(());
    });
}

#[test]
fn a_yield_moved_into_a_coroutine_with_another_yield_type_panics() {
    /// Awaits whatever it is given, with its own context.
    #[resumable(yield = u64)]
    fn host<F: Future<Output = ()>>(smuggled: F) {
        hidden_await!(smuggled);
    }

    #[resumable(yield = String)]
    fn outer() {
        let smuggled = hidden_async!(yield_!(String::from("a string")));
        let mut host = pin!(host(smuggled));
        let _ = host.as_mut().resume(());
    }
    assert_panics(FOREIGN_OWNER, || {
        let mut co = pin!(outer());
        let _ = co.as_mut().resume(());
    });
}

#[test]
fn a_yield_moved_into_a_coroutine_whose_yield_type_differs_only_in_a_lifetime_panics() {
    #[resumable(yield = &'static str)]
    fn host<F: Future<Output = ()>>(smuggled: F) {
        hidden_await!(smuggled);
    }

    #[resumable(yield = &'a str)]
    fn outer<'a>(s: &'a str) {
        let smuggled = hidden_async!(yield_!(s));
        let mut host = pin!(host(smuggled));
        let _ = host.as_mut().resume(());
    }
    assert_panics(FOREIGN_OWNER, || {
        let local = String::from("short-lived");
        let mut co = pin!(outer(&local));
        let _ = co.as_mut().resume(());
    });
}

#[test]
fn a_yield_from_moved_into_another_coroutine_of_the_same_static_types_runs_there() {
    /// Awaits what it is given, with its own context, then delegates itself.
    #[resumable(yield = u32)]
    fn host<F: Future<Output = ()>>(smuggled: F) {
        hidden_await!(smuggled);
        yield_from!(deep(0));
    }

    #[resumable(yield = u32)]
    fn outer() {
        let smuggled = hidden_async!(yield_from!(deep(1)));
        let mut host = pin!(host(smuggled));
        while let State::Yielded(n) = host.as_mut().resume(()) {
            yield_!(n + 100);
        }
    }
    // Harmless, so allowed: the `yield_from!` now lies in `host`'s body, is polled by `host`,
    // and both exchange exactly the same ('static) types; `deep(1)` runs as `host`'s frames.
    let got: Vec<u32> = outer().into_iter().collect();
    assert_eq!(got, [100, 101, 100]);
}

#[test]
fn a_yield_from_moved_into_another_coroutine_with_a_borrowed_yield_type_panics() {
    #[resumable(yield = &'static str)]
    fn host<F: Future<Output = ()>>(smuggled: F) {
        hidden_await!(smuggled);
        yield_!("host");
    }

    #[resumable(yield = &'a str)]
    fn words<'a>(s: &'a str) {
        for word in s.split(' ') {
            yield_!(word);
        }
    }

    #[resumable(yield = &'a str)]
    fn outer<'a>(s: &'a str) {
        let smuggled = hidden_async!(yield_from!(words(s)));
        let mut host = pin!(host(smuggled));
        let _ = host.as_mut().resume(());
    }
    assert_panics(FOREIGN_OWNER, || {
        let local = String::from("short lived");
        let mut co = pin!(outer(&local));
        let _ = co.as_mut().resume(());
    });
}

/// Polls `$future` (made from a hand-made token) in the body of a coroutine built from `$co`.
macro_rules! poll_in_body_of {
    ($co:expr, $future:expr) => {{
        let (co, future) = ($co, $future);
        let mut generator = pin!(from_parts(co.marker(), async move {
            hidden_await!(future);
        }));
        let _ = generator.as_mut().resume(());
    }};
}

#[test]
fn hand_made_tokens_cannot_confuse_types() {
    // A `String` future polled by a body whose slot holds `u64`s: by instance number...
    assert_panics(FOREIGN_OWNER, || {
        let stranger = Co::<String, ()>::new();
        poll_in_body_of!(Co::<u64, ()>::new(), stranger.yield_(String::from("x")));
    });
    // ... and by type.
    assert_panics(FOREIGN_OWNER, || {
        let stranger = Co::<String, (), Static>::new_static();
        poll_in_body_of!(
            Co::<u64, (), Static>::new_static(),
            stranger.yield_(String::from("x"))
        );
    });
    // An instance future in a static slot of the same types, and the other way round.
    assert_panics(FOREIGN_OWNER, || {
        let stranger = Co::<u64, ()>::new();
        poll_in_body_of!(Co::<u64, (), Static>::new_static(), stranger.yield_(1));
    });
    assert_panics(FOREIGN_OWNER, || {
        let stranger = Co::<u64, (), Static>::new_static();
        poll_in_body_of!(Co::<u64, ()>::new(), stranger.yield_(1));
    });
}

#[test]
fn a_static_future_of_exactly_the_same_types_may_serve_another_coroutine() {
    // Harmless, so allowed: the value has exactly the type the slot holds.
    let stranger = Co::<u64, (), Static>::new_static();
    let future = stranger.yield_(41);
    let co = Co::<u64, (), Static>::new_static();
    let mut generator = pin!(from_parts_starting(co.marker(), async move {
        hidden_await!(future);
        1
    }));
    assert_eq!(generator.as_mut().resume(()), State::Yielded(41));
    assert_eq!(generator.as_mut().resume(()), State::Complete(1));
}

#[test]
fn hand_off_futures_polled_by_another_executor_panic() {
    let co = Co::<u32, ()>::new();
    assert_panics(OUTSIDE_RESUME, || {
        futures_executor::block_on(co.yield_(1));
    });
    assert_panics(OUTSIDE_RESUME, || {
        futures_executor::block_on(co.first());
    });
    assert_panics(OUTSIDE_RESUME, || {
        futures_executor::block_on(Subroutine::__delegate(&co, || deep(1)));
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

#[test]
fn a_waker_kept_past_its_resume_leads_nowhere() {
    let kept: Rc<RefCell<Option<Waker>>> = Rc::default();
    let thief = Rc::clone(&kept);
    let co = Co::<u32, ()>::new();
    let pending = co.yield_(5);
    let mut generator = pin!(from_parts_starting(co.marker(), async move {
        let co = co;
        hidden_await!(StealWaker(&thief));
        hidden_await!(co.yield_(1));
    }));
    assert_eq!(generator.as_mut().resume(()), State::Yielded(1));
    let waker = kept.borrow_mut().take().expect("the body kept a waker");
    // Waking it is harmless.
    waker.wake_by_ref();
    // Polling one of the coroutine's own futures with it after the `resume` panics: it does not
    // lead to the dead slot.
    assert_panics(OUTSIDE_RESUME, move || {
        let mut pending = pin!(pending);
        let _ = pending.as_mut().poll(&mut Context::from_waker(&waker));
    });
    assert_eq!(generator.as_mut().resume(()), State::Complete(()));
}

#[test]
fn a_dropped_yield_from_unwinds_every_frame_above_it_innermost_first() {
    #[resumable(yield = u32)]
    fn driver() -> u32 {
        // `deep(2)` runs two levels down and suspends at its yield: three frames are live when
        // the driver is dropped.
        let r = yield_from!(deep(2));
        log(r);
        0
    }
    take_log();
    let mut co = Box::pin(driver());
    assert_eq!(co.as_mut().resume(()), State::Yielded(0));
    drop(co);
    assert_eq!(take_log(), ["drop deep(0)", "drop deep(n)", "drop deep(n)"]);
}

#[test]
fn a_panic_in_a_frame_leaves_a_coroutine_that_drops_cleanly() {
    #[resumable(yield = u32)]
    fn bomb(n: u32) -> u32 {
        let _noisy = Noisy("bomb");
        if n > 0 {
            yield_from!(bomb(n - 1));
        }
        yield_!(n);
        panic!("bomb went off")
    }
    #[resumable(yield = u32)]
    fn driver() -> u32 {
        let _noisy = Noisy("driver");
        yield_from!(bomb(2))
    }
    take_log();
    let mut co = Box::pin(driver());
    assert_eq!(co.as_mut().resume(()), State::Yielded(0));
    let message = panic_message(|| {
        let _ = co.as_mut().resume(());
    });
    assert_eq!(message, "bomb went off");
    // Every body the panic came through dropped its locals while it unwound, innermost first,
    // as plain calls would (the frames and the driver's body, dropped in place).
    assert_eq!(
        take_log(),
        ["drop bomb", "drop bomb", "drop bomb", "drop driver"]
    );
    assert_panics("panicked", || {
        let _ = co.as_mut().resume(());
    });
    // Nothing is dropped twice.
    drop(co);
    assert_eq!(take_log(), [] as [&str; 0]);
}

/// Drops, in place, the future in a pinned `Option` it is given a pointer to.
trait DropInPlace {
    fn drop_in_place(self: Pin<&mut Self>);
}

impl<F> DropInPlace for Option<F> {
    fn drop_in_place(self: Pin<&mut Self>) {
        let mut this = self;
        this.set(None);
    }
}

type Handle = core::cell::Cell<Option<core::ptr::NonNull<dyn DropInPlace>>>;

/// A frame that drops the `yield_from!` that pushed it, through `handle`, while it runs.
#[resumable(yield = u32)]
fn drops_its_caller(handle: &Handle, again: bool) {
    let _noisy = Noisy("drops_its_caller");
    if again {
        // Never taken: it makes this a delegating coroutine, so that it runs as a frame.
        yield_from!(drops_its_caller(handle, false));
    }
    log("frame runs");
    let target = handle.take().expect("the driver lent its future");
    // SAFETY: (test only) the pointer is to a pinned `Option` in the driver's suspended body,
    // which outlives this call and is not otherwise borrowed now. Safe code could do the same
    // with a cell holding the pinned reference; the borrow checker makes that hard to spell, so
    // the test takes this shortcut to reach the runtime's mechanism.
    unsafe { Pin::new_unchecked(&mut *target.as_ptr()) }.drop_in_place();
    log("frame goes on");
    yield_!(1);
    log("frame resumed");
}

#[test]
fn a_yield_from_dropped_by_its_own_running_frame_orphans_the_frame_until_its_poll_returns() {
    take_log();
    let handle: Handle = core::cell::Cell::new(None);
    let co = Co::<u32, (), Static>::new_static();
    let handle_ref = &handle;
    let mut generator = pin!(resumable::__private::from_parts_starting_delegating(
        co.marker(),
        async move {
            let co = co;
            let mut started = pin!(Some(async {
                let () = Subroutine::__delegate(&co, || drops_its_caller(handle_ref, false)).await;
            }));
            // SAFETY: (test only) see `drops_its_caller`.
            let lent: *mut (dyn DropInPlace + '_) = unsafe { started.as_mut().get_unchecked_mut() };
            // SAFETY: (test only) erases the lifetime of a pointer used only while `started`
            // lives (the frame runs during the next resume, inside this body's lifetime).
            handle_ref.set(Some(unsafe {
                core::mem::transmute::<
                    core::ptr::NonNull<dyn DropInPlace + '_>,
                    core::ptr::NonNull<dyn DropInPlace>,
                >(core::ptr::NonNull::new_unchecked(lent))
            }));
            // Starts the `yield_from!` (it pushes its frame), then yields: the frame is polled
            // by the next resume.
            hidden_await!(PollInPlace(started.as_mut()));
            co.yield_(7).await;
            log("body resumed");
            0
        }
    ));
    assert_eq!(generator.as_mut().resume(()), State::Yielded(7));
    assert!(take_log().is_empty());
    // The frame drops the future that pushed it, goes on, and yields; its frame is dropped as
    // soon as its poll returns, and what it yielded still comes out.
    assert_eq!(generator.as_mut().resume(()), State::Yielded(1));
    assert_eq!(
        take_log(),
        ["frame runs", "frame goes on", "drop drops_its_caller"]
    );
    assert_eq!(generator.as_mut().resume(()), State::Complete(0));
    assert_eq!(take_log(), ["body resumed"]);
}
