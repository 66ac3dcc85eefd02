//! [`Wrap`]: a coroutine as a callable that raises instead of returning errors, Lua's
//! `coroutine.wrap`.

use core::fmt;
use core::iter::FusedIterator;

use super::coroutine::Coroutine;
use super::error::ResumeError;
use super::status::Status;
use crate::state::{Resumable, State};

/// A coroutine behind a callable, like the function Lua's `coroutine.wrap` returns: each call
/// resumes it and returns what it yielded; a panic in the body is re-raised in the caller with
/// its original payload; calling it after it finished panics with
/// `cannot resume dead coroutine` (and a re-entrant call with
/// `cannot resume non-suspended coroutine`).
///
/// Lua's wrapped function returns the values of a `yield` or, at the end, the body's return
/// values, through the same call. Rust needs one type for both:
///
/// - [`call`](Self::call) returns `Y`, converting the return value with `Into<Y>` on the last
///   call. It exists when the body's return type converts into its yield type: the same type,
///   `()` for both, or `T` returned where `Option<T>` is yielded, for example.
/// - [`call_opt`](Self::call_opt), when the body returns `()` (a generator, typically): returns
///   `Some(yielded)`, then `None` on the call where the body returns, as Lua's wrapped function
///   returns nothing (`nil`) there. The common case, and the one `call` cannot serve (`()` does
///   not convert into most `Y`).
/// - [`resume`](Self::resume) works for any types and returns the [`State`].
/// - With `R = ()`, a `Wrap` is also a fused [`Iterator`] over the yielded values, which ends
///   (rather than panics) when the body returns; the return value is dropped.
///
/// Cloning is cheap and clones share the coroutine. Like [`Coroutine`], a `Wrap` is neither
/// `Send` nor `Sync`.
///
/// ```
/// use resumable::{coroutine, yield_, Wrap};
///
/// // Lua: local f = coroutine.wrap(function (x) local y = coroutine.yield(x - 10) return y end)
/// let f = Wrap::new(coroutine!(|x: i32| {
///     let y = yield_!(x - 10);
///     y
/// }));
/// assert_eq!(f.call(100), 90);
/// assert_eq!(f.call(10), 10);
/// let after_the_end = std::panic::catch_unwind(|| f.call(0));
/// assert!(after_the_end.is_err()); // "cannot resume dead coroutine"
/// ```
///
/// As an iterator:
///
/// ```
/// use resumable::{coroutine, yield_, Wrap};
///
/// let evens = Wrap::new(coroutine!(|()| {
///     for i in 0..5 {
///         yield_!(i * 2);
///     }
/// }));
/// assert_eq!(evens.collect::<Vec<_>>(), [0, 2, 4, 6, 8]);
/// ```
#[must_use = "coroutines do nothing unless resumed"]
pub struct Wrap<'a, R, Y, T> {
    co: Coroutine<'a, R, Y, T>,
}

// Defined here, beside `Wrap`, so that the handle's module need not know it.
impl<'a, R, Y, T> Coroutine<'a, R, Y, T> {
    /// Turns the handle into a callable that returns yielded values directly and panics where
    /// `resume` would return an error: Lua's `coroutine.wrap`. See [`Wrap`].
    ///
    /// ```
    /// use resumable::{coroutine, yield_, Coroutine};
    ///
    /// let co = Coroutine::new(coroutine!(|x: i32| yield_!(x * 2)));
    /// let f = co.wrap();
    /// assert_eq!(f.call(21), 42);
    /// ```
    pub fn wrap(self) -> Wrap<'a, R, Y, T> {
        Wrap::from_coroutine(self)
    }
}

impl<'a, R, Y, T> Wrap<'a, R, Y, T> {
    /// Moves `body` into a new coroutine and wraps it: Lua's `coroutine.wrap(f)`.
    ///
    /// ```
    /// use resumable::{coroutine, yield_, Wrap};
    ///
    /// let f = Wrap::new(coroutine!(|()| yield_!("once")));
    /// assert_eq!(f.resume(()).yielded(), Some("once"));
    /// ```
    pub fn new<G>(body: G) -> Self
    where
        G: Resumable<R, Yield = Y, Return = T> + 'a,
    {
        Self::from_coroutine(Coroutine::new(body))
    }

    /// Wraps an existing coroutine; the same as [`Coroutine::wrap`].
    ///
    /// ```
    /// use resumable::{coroutine, Coroutine, Wrap};
    ///
    /// let co: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| {}));
    /// let f = Wrap::from_coroutine(co.clone());
    /// assert!(*f.coroutine() == co);
    /// ```
    pub fn from_coroutine(co: Coroutine<'a, R, Y, T>) -> Self {
        Self { co }
    }

    /// Resumes the coroutine like [`Coroutine::resume`], but panics instead of returning an
    /// error.
    ///
    /// ```
    /// use resumable::{coroutine, yield_, State, Wrap};
    ///
    /// let f = Wrap::new(coroutine!(|n: u32| {
    ///     yield_!(n);
    ///     "done"
    /// }));
    /// assert_eq!(f.resume(7), State::Yielded(7));
    /// assert_eq!(f.resume(0), State::Complete("done"));
    /// ```
    ///
    /// # Panics
    ///
    /// - If the body panics: the panic is re-raised with its original payload
    ///   ([`std::panic::resume_unwind`]; the panic hook already ran for it).
    /// - If the coroutine is dead: `cannot resume dead coroutine`.
    /// - If it is running or normal (called from inside itself): `cannot resume non-suspended
    ///   coroutine`.
    /// - If [`MAX_DEPTH`](crate::MAX_DEPTH) coroutines are active: `C stack overflow`.
    #[inline]
    #[track_caller]
    pub fn resume(&self, arg: R) -> State<Y, T> {
        match self.co.resume(arg) {
            Ok(state) => state,
            Err(err) => raise(err),
        }
    }

    /// Resumes the coroutine and returns what it yielded or, on the call where it returns, its
    /// return value converted into `Y`. The way to use a `Wrap` as a plain function.
    ///
    /// For a body that returns `()`, use [`call_opt`](Self::call_opt) instead.
    ///
    /// ```
    /// use resumable::{coroutine, yield_, Wrap};
    ///
    /// // Yields `Option<u8>`, returns `u8`: the last call gives `Some(return value)`.
    /// let f = Wrap::new(coroutine!(|()| {
    ///     yield_!(None);
    ///     3_u8
    /// }));
    /// assert_eq!(f.call(()), None);
    /// assert_eq!(f.call(()), Some(3));
    /// ```
    ///
    /// # Panics
    ///
    /// As [`resume`](Self::resume).
    #[inline]
    #[track_caller]
    pub fn call(&self, arg: R) -> Y
    where
        T: IntoYield<Y>,
    {
        match self.resume(arg) {
            State::Yielded(value) => value,
            State::Complete(value) => value.into_yield(),
        }
    }

    /// The wrapped coroutine's handle.
    ///
    /// ```
    /// use resumable::{coroutine, Status, Wrap};
    ///
    /// let f: Wrap<'_, (), (), ()> = Wrap::new(coroutine!(|()| {}));
    /// assert_eq!(f.coroutine().status(), Status::Suspended);
    /// ```
    pub fn coroutine(&self) -> &Coroutine<'a, R, Y, T> {
        &self.co
    }

    /// Unwraps the coroutine's handle.
    ///
    /// ```
    /// use resumable::{coroutine, Wrap};
    ///
    /// let f: Wrap<'_, (), (), i32> = Wrap::new(coroutine!(|()| 5));
    /// let co = f.into_coroutine();
    /// assert_eq!(co.resume(()).unwrap().complete(), Some(5));
    /// ```
    pub fn into_coroutine(self) -> Coroutine<'a, R, Y, T> {
        self.co
    }
}

impl<R, Y> Wrap<'_, R, Y, ()> {
    /// Resumes a coroutine whose body returns `()` (a generator, typically) and returns
    /// `Some(what it yielded)`, or `None` on the call where the body returns: Lua's wrapped
    /// function, which returns nothing there. Calling again after that panics, as Lua raises.
    ///
    /// This is [`call`](Self::call) for the common case where the return type does not convert
    /// into the yield type. Unlike [`Iterator::next`] (for `R = ()`), which ends quietly
    /// and stays ended, it treats a call after the end as the mistake Lua says it is, and it
    /// passes a resume argument of any type.
    ///
    /// ```
    /// use resumable::{coroutine, yield_, Wrap};
    ///
    /// // Lua: local next = coroutine.wrap(function () for i = 1, 2 do coroutine.yield(i) end end)
    /// let next = Wrap::new(coroutine!(|()| {
    ///     for i in 1..=2_u32 {
    ///         yield_!(i);
    ///     }
    /// }));
    /// assert_eq!(next.call_opt(()), Some(1));
    /// assert_eq!(next.call_opt(()), Some(2));
    /// assert_eq!(next.call_opt(()), None); // the body returned
    /// assert!(std::panic::catch_unwind(|| next.call_opt(())).is_err()); // dead
    /// ```
    ///
    /// A body fed through its resume argument:
    ///
    /// ```
    /// use resumable::{coroutine, yield_, Wrap};
    ///
    /// // Echoes lines upper-cased until it is fed an empty one.
    /// let shout = Wrap::new(coroutine!(|first: &str| {
    ///     let mut line = first;
    ///     while !line.is_empty() {
    ///         line = yield_!(line.to_uppercase());
    ///     }
    /// }));
    /// assert_eq!(shout.call_opt("hi").as_deref(), Some("HI"));
    /// assert_eq!(shout.call_opt(""), None);
    /// ```
    ///
    /// # Panics
    ///
    /// As [`resume`](Self::resume).
    #[inline]
    #[track_caller]
    pub fn call_opt(&self, arg: R) -> Option<Y> {
        match self.resume(arg) {
            State::Yielded(value) => Some(value),
            State::Complete(()) => None,
        }
    }
}

/// A body's return value that [`Wrap::call`] can hand out in place of a yielded `Y`, on the call
/// where the body returns. Implemented for every type that converts into `Y` ([`Into<Y>`]);
/// there is nothing to implement. It exists to say, when the conversion is missing, what to call
/// instead.
///
/// ```
/// use resumable::wrap::IntoYield;
///
/// fn hand_out<T: IntoYield<Option<u8>>>(returned: T) -> Option<u8> {
///     returned.into_yield()
/// }
/// assert_eq!(hand_out(3_u8), Some(3)); // `u8: Into<Option<u8>>`
/// ```
#[diagnostic::on_unimplemented(
    message = "`Wrap::call` cannot hand out the body's return value, `{Self}`, as its yield type `{Y}`",
    label = "the body returns `{Self}`, which does not convert into `{Y}`",
    note = "`call` returns each yielded value and, on the last call, the return value, so it needs `{Self}: Into<{Y}>`",
    note = "for a body that returns `()`, `call_opt` returns `Some(yielded)`, then `None` where the body returns; `resume` returns a `State` for any types"
)]
pub trait IntoYield<Y> {
    /// The return value, as a yielded value.
    ///
    /// ```
    /// use resumable::wrap::IntoYield;
    ///
    /// let yielded: u32 = 7_u8.into_yield();
    /// assert_eq!(yielded, 7);
    /// ```
    fn into_yield(self) -> Y;
}

// Not recommended, so that a missing conversion is reported with the trait's own message (which
// names `call_opt`) rather than as rustc's "`u32: From<()>` is not satisfied".
#[diagnostic::do_not_recommend]
impl<T: Into<Y>, Y> IntoYield<Y> for T {
    #[inline]
    fn into_yield(self) -> Y {
        self.into()
    }
}

/// Turns a resume error into the panic Lua's wrapped function raises.
#[cold]
#[inline(never)]
#[track_caller]
fn raise(err: ResumeError) -> ! {
    match err {
        ResumeError::Panicked(panic) => panic.resume_unwind(),
        other => panic!("{other}"),
    }
}

impl<Y, T> Iterator for Wrap<'_, (), Y, T> {
    type Item = Y;

    /// The next yielded value; `None` once the body returned (or was closed).
    ///
    /// # Panics
    ///
    /// As [`Wrap::resume`], except that a dead coroutine ends the iteration instead.
    #[inline]
    fn next(&mut self) -> Option<Y> {
        if self.co.status() == Status::Dead {
            return None;
        }
        match self.resume(()) {
            State::Yielded(value) => Some(value),
            State::Complete(_) => None,
        }
    }
}

impl<Y, T> FusedIterator for Wrap<'_, (), Y, T> {}

impl<R, Y, T> Clone for Wrap<'_, R, Y, T> {
    /// Another callable for the same coroutine.
    fn clone(&self) -> Self {
        Self {
            co: self.co.clone(),
        }
    }
}

impl<R, Y, T> fmt::Debug for Wrap<'_, R, Y, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wrap")
            .field("coroutine", &self.co)
            .finish_non_exhaustive()
    }
}

impl<R, Y, T> fmt::Pointer for Wrap<'_, R, Y, T> {
    /// The wrapped coroutine's address.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Pointer::fmt(&self.co, f)
    }
}
