//! What can go wrong when a coroutine is resumed or closed through its handle.

use core::any::Any;
use core::fmt;
use core::mem::ManuallyDrop;
use std::borrow::ToOwned;
use std::boxed::Box;
use std::error::Error;
use std::string::String;
use std::sync::{Mutex, PoisonError};

/// How many coroutines can be active (running or normal) at once on one thread. A `resume` that
/// would make one more returns [`ResumeError::StackOverflow`] instead of running the body, so a
/// runaway chain of coroutines resuming each other stops with an error rather than overflowing
/// the native stack. Lua's limit for the same thing (`LUAI_MAXCCALLS`) is also 200.
///
/// ```
/// assert_eq!(resumable::MAX_DEPTH, 200);
/// ```
pub const MAX_DEPTH: u32 = 200;

/// Why [`Coroutine::resume`](crate::Coroutine::resume) did not run the body to its next
/// `yield_!` or its end. `Display` uses Lua's words.
///
/// ```
/// use resumable::{coroutine, Coroutine, ResumeError};
///
/// let co: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| {}));
/// co.resume(()).unwrap();
/// let err = co.resume(()).unwrap_err();
/// assert!(matches!(err, ResumeError::Dead));
/// assert_eq!(err.to_string(), "cannot resume dead coroutine");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum ResumeError {
    /// The coroutine returned, panicked or was closed: `cannot resume dead coroutine`.
    /// Returned every time it is resumed again.
    Dead,
    /// The coroutine is running or normal: it is already being resumed further up this thread's
    /// stack (it is resuming itself, or one of the coroutines it resumed is resuming it).
    /// `cannot resume non-suspended coroutine`. The running coroutine is not disturbed.
    NonSuspended,
    /// A panic escaped the body during this resume. The coroutine is now dead and its state was
    /// dropped. `Display` shows the panic message.
    Panicked(Panic),
    /// Resuming would nest more than [`MAX_DEPTH`] active coroutines on this thread:
    /// `C stack overflow`, Lua's words for the same limit. The coroutine stays suspended.
    StackOverflow,
}

impl fmt::Display for ResumeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Dead => f.write_str("cannot resume dead coroutine"),
            Self::NonSuspended => f.write_str("cannot resume non-suspended coroutine"),
            Self::Panicked(panic) => fmt::Display::fmt(panic, f),
            Self::StackOverflow => f.write_str("C stack overflow"),
        }
    }
}

impl Error for ResumeError {}

impl ResumeError {
    /// The panic, when this is [`ResumeError::Panicked`].
    ///
    /// ```
    /// use resumable::{coroutine, Coroutine};
    ///
    /// let co: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| panic!("boom")));
    /// let err = co.resume(()).unwrap_err();
    /// assert_eq!(err.panic().map(|p| p.message()), Some("boom"));
    /// ```
    pub fn panic(&self) -> Option<&Panic> {
        match self {
            Self::Panicked(panic) => Some(panic),
            _ => None,
        }
    }

    /// The panic, when this is [`ResumeError::Panicked`], by value (to re-raise it with
    /// [`Panic::resume_unwind`] or take its payload).
    ///
    /// ```
    /// use resumable::{coroutine, Coroutine};
    ///
    /// let co: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| {
    ///     std::panic::panic_any(42_u8)
    /// }));
    /// let payload = co.resume(()).unwrap_err().into_panic().unwrap().into_payload();
    /// assert_eq!(payload.downcast_ref::<u8>(), Some(&42));
    /// ```
    pub fn into_panic(self) -> Option<Panic> {
        match self {
            Self::Panicked(panic) => Some(panic),
            _ => None,
        }
    }
}

/// Why [`Coroutine::close`](crate::Coroutine::close) failed. `Display` uses Lua's words.
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use resumable::{coroutine, CloseError, Coroutine};
///
/// // A coroutine that tries to close itself while it runs.
/// let cell: Rc<RefCell<Option<Coroutine<'_, (), (), String>>>> = Rc::default();
/// let me = Rc::clone(&cell);
/// let co = Coroutine::new(coroutine!(move |()| {
///     let me = me.borrow_mut().take().unwrap();
///     let err = me.close().unwrap_err();
///     assert!(matches!(err, CloseError::Running));
///     err.to_string()
/// }));
/// *cell.borrow_mut() = Some(co.clone());
/// let said = co.resume(()).unwrap().complete().unwrap();
/// assert_eq!(said, "cannot close a running coroutine");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum CloseError {
    /// The coroutine is running its own body (it tried to close itself):
    /// `cannot close a running coroutine`.
    Running,
    /// The coroutine is normal (it resumed the coroutine that tried to close it):
    /// `cannot close a normal coroutine`.
    Normal,
    /// A `Drop` of one of the body's locals panicked while the body was dropped. The other
    /// locals were still dropped, and the coroutine is dead. `Display` shows the panic message.
    Panicked(Panic),
}

impl fmt::Display for CloseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Running => f.write_str("cannot close a running coroutine"),
            Self::Normal => f.write_str("cannot close a normal coroutine"),
            Self::Panicked(panic) => fmt::Display::fmt(panic, f),
        }
    }
}

impl Error for CloseError {}

/// A panic caught at the boundary of a coroutine: its message, and its payload (the value given
/// to `panic!` / [`std::panic::panic_any`]) so that it can be re-raised as it was.
///
/// The payload is a `Box<dyn Any + Send>`, which is not `Sync`; it is kept behind a mutex so
/// that the error types holding a `Panic` are `Send + Sync` like any [`Error`]. It can be taken
/// out once.
///
/// ```
/// use resumable::{coroutine, Coroutine};
///
/// let co: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| {
///     let what = String::from("cheese");
///     panic!("no more {what}")
/// }));
/// let panic = co.resume(()).unwrap_err().into_panic().unwrap();
/// assert_eq!(panic.message(), "no more cheese");
/// assert_eq!(panic.to_string(), "no more cheese");
/// let payload = panic.into_payload();
/// assert_eq!(payload.downcast_ref::<String>().map(String::as_str), Some("no more cheese"));
/// ```
pub struct Panic {
    // Boxed, so that `ResumeError` stays two words and `resume`'s result small; dropped by an
    // out-of-line `Drop`, so that dropping a `Result<State<..>, ResumeError>` inlines to a test
    // of its tag (nothing at all where the compiler knows it is `Ok`).
    inner: ManuallyDrop<Box<PanicInner>>,
}

struct PanicInner {
    message: String,
    payload: Mutex<Option<Box<dyn Any + Send>>>,
}

/// The message `std`'s panic hook prints for a payload that is neither `&str` nor `String`.
const NON_STRING_PAYLOAD: &str = "Box<dyn Any>";

impl Panic {
    /// Wraps a payload caught by [`std::panic::catch_unwind`].
    ///
    /// ```
    /// let payload = std::panic::catch_unwind(|| panic!("oops")).unwrap_err();
    /// assert_eq!(resumable::Panic::new(payload).message(), "oops");
    /// ```
    pub fn new(payload: Box<dyn Any + Send>) -> Self {
        let message = if let Some(s) = payload.downcast_ref::<&'static str>() {
            (*s).to_owned()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            NON_STRING_PAYLOAD.to_owned()
        };
        Self {
            inner: ManuallyDrop::new(Box::new(PanicInner {
                message,
                payload: Mutex::new(Some(payload)),
            })),
        }
    }

    /// The panic message: the payload when it is a `&str` or `String` (what `panic!` with a
    /// message produces), `Box<dyn Any>` otherwise, like `std`'s panic hook prints.
    ///
    /// ```
    /// let payload = std::panic::catch_unwind(|| std::panic::panic_any(7)).unwrap_err();
    /// assert_eq!(resumable::Panic::new(payload).message(), "Box<dyn Any>");
    /// ```
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// Takes the payload out, leaving `None` for later calls.
    ///
    /// ```
    /// let payload = std::panic::catch_unwind(|| panic!("once")).unwrap_err();
    /// let panic = resumable::Panic::new(payload);
    /// assert!(panic.take_payload().is_some());
    /// assert!(panic.take_payload().is_none());
    /// assert_eq!(panic.message(), "once"); // the message stays
    /// ```
    pub fn take_payload(&self) -> Option<Box<dyn Any + Send>> {
        self.inner
            .payload
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// The payload. If it was already taken with [`Panic::take_payload`], a new `String`
    /// payload holding the message.
    ///
    /// ```
    /// let payload = std::panic::catch_unwind(|| panic!("boom")).unwrap_err();
    /// let payload = resumable::Panic::new(payload).into_payload();
    /// assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    /// ```
    pub fn into_payload(self) -> Box<dyn Any + Send> {
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `self` was taken by value and put in a `ManuallyDrop`, so `Panic::drop` never
        // runs for it, and `this` is not used after this line: the box is taken out once and
        // never dropped in place.
        let inner = unsafe { ManuallyDrop::take(&mut this.inner) };
        let PanicInner { message, payload } = *inner;
        payload
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .unwrap_or_else(|| Box::new(message))
    }

    /// Re-raises the panic with its original payload ([`std::panic::resume_unwind`]), as if it
    /// had never been caught. The panic hook does not run again.
    ///
    /// ```should_panic
    /// let payload = std::panic::catch_unwind(|| panic!("again")).unwrap_err();
    /// resumable::Panic::new(payload).resume_unwind();
    /// ```
    pub fn resume_unwind(self) -> ! {
        std::panic::resume_unwind(self.into_payload())
    }
}

impl Drop for Panic {
    #[inline(never)]
    fn drop(&mut self) {
        // SAFETY: `inner` is dropped only here, once, as the `Panic` is dropped; `into_payload`,
        // the only other place that takes it, consumes the `Panic` without running this `Drop`.
        // (If the payload's own `Drop` panics, the box is still freed once, by the drop glue.)
        unsafe { ManuallyDrop::drop(&mut self.inner) }
    }
}

impl fmt::Debug for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Panic")
            .field("message", &self.inner.message)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl Error for Panic {}

// The limit is part of `ResumeError::StackOverflow`'s contract; keep the doc link honest.
const _: () = assert!(MAX_DEPTH > 0);
