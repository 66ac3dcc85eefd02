//! Bugs the differential tests (`difftest/`) found, each kept as the minimal case that shows it.

use core::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use resumable::{Coroutine, Resumable, resumable, yield_, yield_from};

thread_local! {
    static LOG: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

fn log(entry: &'static str) {
    LOG.with(|l| l.borrow_mut().push(entry));
}

fn take_log() -> Vec<&'static str> {
    LOG.with(|l| core::mem::take(&mut *l.borrow_mut()))
}

struct Noisy(&'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        log(self.0);
    }
}

#[resumable(yield = i64, resume = i64)]
fn leaf() -> i64 {
    let _l = Noisy("drop leaf");
    panic!("boom")
}

/// Delegates, so that `outer` runs it as a frame.
#[resumable(yield = i64, resume = i64)]
fn middle() -> i64 {
    let _m = Noisy("drop middle");
    yield_from!(leaf())
}

#[resumable(yield = i64, resume = i64)]
fn outer(#[resume] _first: i64) -> i64 {
    let _o = Noisy("drop outer");
    yield_from!(middle())
}

/// A panic in a frame unwound through the frame and the driver, not through the body suspended
/// in its `yield_from!`: that body's locals lived until the coroutine was dropped, after the
/// panic was caught. Plain code drops every local of every call a panic unwinds through before
/// it is caught.
#[test]
fn a_panic_in_a_frame_drops_every_body_it_unwinds_through() {
    let mut co = Box::pin(outer());
    let caught = catch_unwind(AssertUnwindSafe(|| co.as_mut().resume(0)));
    log("caught");
    assert!(caught.is_err());
    // Resuming again is refused before the dropped body could be polled.
    let again = catch_unwind(AssertUnwindSafe(|| co.as_mut().resume(1)));
    assert!(again.is_err());
    drop(co);
    log("dropped");
    assert_eq!(
        take_log(),
        [
            "drop leaf",
            "drop middle",
            "drop outer",
            "caught",
            "dropped"
        ]
    );
}

#[resumable(yield = i64, resume = i64)]
fn deep(n: u32) -> i64 {
    let _d = Noisy("drop deep");
    if n == 0 {
        let _x = yield_!(1);
        panic!("bottom");
    }
    yield_from!(deep(n - 1))
}

#[resumable(yield = i64, resume = i64)]
fn top(#[resume] _first: i64) -> i64 {
    let _t = Noisy("drop top");
    yield_from!(deep(3))
}

/// The same after a suspension, several frames deep, and through the Lua handle (which drops
/// the body once its `resume` returns the panic as an error).
#[test]
fn a_panic_deep_in_frames_after_a_yield_drops_innermost_first() {
    let mut co = Box::pin(top());
    assert_eq!(co.as_mut().resume(0), resumable::State::Yielded(1));
    assert!(catch_unwind(AssertUnwindSafe(|| co.as_mut().resume(2))).is_err());
    log("caught");
    drop(co);
    let expected = [
        "drop deep",
        "drop deep",
        "drop deep",
        "drop deep",
        "drop top",
        "caught",
    ];
    assert_eq!(take_log(), expected);

    let handle: Coroutine<'_, i64, i64, i64> = Coroutine::new(top());
    assert!(handle.resume(0).is_ok());
    assert!(handle.resume(2).is_err());
    log("caught");
    assert_eq!(take_log(), expected);
}
