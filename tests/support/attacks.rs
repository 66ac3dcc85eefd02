//! What `tests/soundness.rs` and `tests/async_soundness.rs` share: panic assertions, the
//! messages they expect, the macros that hide code from the attribute (as a user's
//! `macro_rules!` can), and a drop log. Included by each with `#[macro_use] #[path] mod attacks;`.

#![allow(dead_code, unused_macros)]

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The message of the panic `f` raises.
pub(crate) fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    payload
        .downcast_ref::<&str>()
        .map(ToString::to_string)
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// Asserts that `f` panics with a message containing `expected`.
#[track_caller]
pub(crate) fn assert_panics(expected: &str, f: impl FnOnce()) {
    let message = panic_message(f);
    assert!(
        message.contains(expected),
        "{message:?} does not say {expected:?}"
    );
}

pub(crate) const FOREIGN_OWNER: &str = "coroutine other than the one it belongs to";
pub(crate) const OUTSIDE_RESUME: &str = "outside a `resume` of its coroutine";
pub(crate) const OUTSIDE_BODY: &str = "from outside its coroutine's body";

/// `.await` where the attribute cannot see it: the tokens come from this macro's definition.
macro_rules! hidden_await {
    ($future:expr) => {
        $future.await
    };
}

/// An `async` block where the attribute cannot see it, around `$e`.
macro_rules! hidden_async {
    ($e:expr) => {
        async {
            let _ = $e;
        }
    };
}

/// Polls a future once, with the context it is itself polled with, then is ready.
pub(crate) struct PollOnce<F>(pub(crate) Pin<Box<F>>);

impl<F: Future> Future for PollOnce<F> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _ = self.0.as_mut().poll(cx);
        Poll::Ready(())
    }
}

/// The issue's `poll_once!`: boxes `$e` in an `async` block, polls it once and drops it.
macro_rules! poll_once_boxed {
    ($e:expr) => {
        hidden_await!(PollOnce(Box::pin(async {
            let _ = $e;
        })))
    };
}

/// Polls the future in a pinned `Option` once, in place, then is ready.
pub(crate) struct PollInPlace<'a, F>(pub(crate) Pin<&'a mut Option<F>>);

impl<F: Future> Future for PollInPlace<'_, F> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(future) = self.0.as_mut().as_pin_mut() {
            let _ = future.poll(cx);
        }
        Poll::Ready(())
    }
}

/// Starts `$e` in place (inside the body's own state), then drops it before it finishes.
macro_rules! start_then_drop {
    ($e:expr) => {{
        let mut future = pin!(Some(async {
            let _ = $e;
        }));
        hidden_await!(PollInPlace(future.as_mut()));
        future.set(None);
    }};
}

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

pub(crate) fn log(entry: impl Into<String>) {
    LOG.with(|l| l.borrow_mut().push(entry.into()));
}

pub(crate) fn take_log() -> Vec<String> {
    LOG.with(RefCell::take)
}

/// Logs its name when dropped.
pub(crate) struct Noisy(pub(crate) &'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}
