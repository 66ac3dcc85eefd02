//! Boxed coroutines with a name: [`BoxResumable`] (`Send`) and [`LocalBoxResumable`].
//!
//! A `#[resumable]` fn returns an `impl Resumable`, a type without a name: it cannot be a struct
//! field's type, a trait method's return type in a `dyn`-compatible trait, or one of two branches
//! that return different coroutines. Boxing erases the type; these two are what to box into.
//! [`Resumable::boxed`] and [`Resumable::boxed_local`] make them.
//!
//! # Why a struct, not an alias of `Pin<Box<dyn Resumable>>`
//!
//! futures' `BoxFuture` is an alias of `Pin<Box<dyn Future + Send>>`, and that works because
//! `.await` pins for you and `Pin<Box<dyn Future>>` is a `Future`. A coroutine is used through
//! its own methods instead, and an alias would leave three traps that a struct removes:
//!
//! - `for x in boxed`: `Pin<Box<dyn Resumable>>` is not an iterator, and cannot be made one from
//!   this crate (`Pin`, `Box` and `IntoIterator` are all foreign, so the orphan rule forbids the
//!   impl). [`BoxResumable`] is [`IntoIterator`] when the coroutine is a generator returning
//!   `()`, as the unboxed generator is.
//! - `boxed.resume(())`: on a `Pin<Box<..>>` field this needs `.as_mut()` first, and on a plain
//!   `Box<dyn Resumable>` it cannot work at all (the coroutine must stay pinned). Both types
//!   have an inherent [`resume`](BoxResumable::resume) through `&mut self`.
//! - `{:?}`: both are `Debug`.
//!
//! Otherwise a boxed coroutine behaves as the unboxed one did: it implements [`Resumable`] with
//! the same types (and so [`Pull`](crate::pipe::Pull), and every provided method of
//! `Resumable`), and it is [`Unpin`], so it can be moved freely while suspended. The pinned box
//! is one [`into_pin`](BoxResumable::into_pin) or `From` away in both directions, for code
//! that wants the `dyn` itself.
//!
//! ```
//! use resumable::{resumable, yield_, BoxResumable, Resumable, State};
//!
//! #[resumable(yield = u8)]
//! fn bytes(s: &str) -> usize {
//!     for b in s.bytes() {
//!         yield_!(b);
//!     }
//!     s.len()
//! }
//!
//! /// A coroutine kept in a struct field, resumed later.
//! struct Reader<'a> {
//!     input: BoxResumable<'a, (), u8, usize>,
//! }
//!
//! let mut r = Reader { input: bytes("hi").boxed() };
//! assert_eq!(r.input.resume(()), State::Yielded(b'h'));
//! assert_eq!(r.input.resume(()), State::Yielded(b'i'));
//! assert_eq!(r.input.resume(()), State::Complete(2));
//! ```

use alloc::boxed::Box;
use core::fmt;
use core::pin::Pin;

pub use super::state::{BoxResumable, LocalBoxResumable};
use crate::iter::IntoIter;
use crate::state::{Resumable, State};

/// What both boxes share. `$name` is the type, `$($bound)*` the auto traits of its `dyn`.
macro_rules! boxed_resumable {
    (@method BoxResumable) => { "boxed" };
    (@method LocalBoxResumable) => { "boxed_local" };
    (@dyn BoxResumable) => { " + Send" };
    (@dyn LocalBoxResumable) => { "" };
    ($name:ident, $new_example:literal, $($bound:tt)*) => {
        impl<'a, R, Y, T> $name<'a, R, Y, T> {
            /// Moves `coroutine` into a pinned box.
            ///
            /// The same as `coroutine.`[`boxed()`](Resumable::boxed) (for `BoxResumable`) or
            /// [`boxed_local()`](Resumable::boxed_local) (for `LocalBoxResumable`).
            ///
            /// ```
            /// use resumable::{coroutine, yield_, State};
            #[doc = concat!("use resumable::", stringify!($name), ";")]
            ///
            #[doc = $new_example]
            /// assert_eq!(co.resume(()), State::Yielded('a'));
            /// assert_eq!(co.resume(()), State::Complete(()));
            /// ```
            pub fn new<G>(coroutine: G) -> Self
            where
                G: Resumable<R, Yield = Y, Return = T> $($bound)* + 'a,
            {
                Self { inner: Box::pin(coroutine) }
            }

            /// Resumes the coroutine: runs its body until its next `yield_!` or its end, passing
            /// `arg` in. [`Resumable::resume`] without the `Pin`: the box keeps the coroutine
            /// pinned, so `&mut self` is enough.
            ///
            /// ```
            /// use resumable::{resumable, yield_, Resumable, State};
            ///
            /// #[resumable(yield = u32, resume = u32)]
            /// fn doubler(#[resume] first: u32) {
            ///     let mut x = first;
            ///     loop {
            ///         x = yield_!(x * 2);
            ///     }
            /// }
            ///
            #[doc = concat!("let mut co = doubler().", boxed_resumable!(@method $name), "();")]
            /// assert_eq!(co.resume(4), State::Yielded(8));
            /// assert_eq!(co.resume(5), State::Yielded(10));
            /// ```
            ///
            /// # Panics
            ///
            /// As the coroutine's own `resume`: for the coroutines of this crate, when resumed
            /// after they returned or panicked; a panic in the body propagates.
            #[inline]
            pub fn resume(&mut self, arg: R) -> State<Y, T> {
                self.inner.as_mut().resume(arg)
            }

            /// The coroutine, pinned, to pass where a `Pin<&mut dyn Resumable>` is expected
            /// (for example [`Iter::new`](crate::Iter::new), which iterates without moving it).
            ///
            /// ```
            /// use resumable::{resumable, yield_, Iter, Resumable};
            ///
            /// #[resumable(yield = u8)]
            /// fn three() {
            ///     yield_!(1);
            ///     yield_!(2);
            ///     yield_!(3);
            /// }
            ///
            #[doc = concat!("let mut co = three().", boxed_resumable!(@method $name), "();")]
            /// // Take two, keep the coroutine (suspended) for later.
            /// assert_eq!(Iter::new(co.as_mut()).take(2).collect::<Vec<_>>(), [1, 2]);
            /// assert_eq!(co.resume(()).yielded(), Some(3));
            /// ```
            pub fn as_mut(
                &mut self,
            ) -> Pin<&mut (dyn Resumable<R, Yield = Y, Return = T> $($bound)* + 'a)> {
                self.inner.as_mut()
            }

            /// The pinned box inside.
            ///
            /// ```
            /// use core::pin::Pin;
            /// use resumable::{coroutine, yield_, Resumable};
            ///
            #[doc = concat!(
                "let co = coroutine!(|()| {\n    yield_!('x');\n    1_u8\n})\n.",
                boxed_resumable!(@method $name),
                "();",
            )]
            #[doc = concat!(
                "let mut pinned: Pin<Box<dyn Resumable<(), Yield = char, Return = u8>",
                boxed_resumable!(@dyn $name),
                ">> =\n    co.into_pin();",
            )]
            /// assert_eq!(pinned.as_mut().resume(()).yielded(), Some('x'));
            /// ```
            pub fn into_pin(
                self,
            ) -> Pin<Box<dyn Resumable<R, Yield = Y, Return = T> $($bound)* + 'a>> {
                self.inner
            }
        }

        impl<'a, R, Y, T> From<Pin<Box<dyn Resumable<R, Yield = Y, Return = T> $($bound)* + 'a>>>
            for $name<'a, R, Y, T>
        {
            /// Wraps a coroutine already pinned in a box, without allocating again.
            fn from(
                inner: Pin<Box<dyn Resumable<R, Yield = Y, Return = T> $($bound)* + 'a>>,
            ) -> Self {
                Self { inner }
            }
        }

        impl<'a, R, Y, T> From<$name<'a, R, Y, T>>
            for Pin<Box<dyn Resumable<R, Yield = Y, Return = T> $($bound)* + 'a>>
        {
            /// The pinned box inside; the same as [`into_pin`](BoxResumable::into_pin).
            fn from(boxed: $name<'a, R, Y, T>) -> Self {
                boxed.inner
            }
        }

        impl<R, Y, T> Resumable<R> for $name<'_, R, Y, T> {
            type Yield = Y;
            type Return = T;

            #[inline]
            fn resume(self: Pin<&mut Self>, arg: R) -> State<Y, T> {
                self.get_mut().inner.as_mut().resume(arg)
            }
        }

        impl<'a, Y> IntoIterator for $name<'a, (), Y, ()> {
            type Item = Y;
            type IntoIter = IntoIter<Self>;

            /// Iterates over what the generator yields, as `for x in generator()` does for the
            /// unboxed one. Only for generators returning `()`, as for the unboxed one: iterate
            /// another with [`iter`](Resumable::iter), whose
            /// [`returned`](crate::IntoIter::returned) then gives its return value, or without
            /// moving it with [`Iter::new`](crate::Iter::new)`(boxed.as_mut())`.
            fn into_iter(self) -> IntoIter<Self> {
                IntoIter::new(self)
            }
        }

        impl<R, Y, T> fmt::Debug for $name<'_, R, Y, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }
    };
}

boxed_resumable!(
    BoxResumable,
    "let mut co = BoxResumable::new(coroutine!(|()| yield_!('a')));",
    + Send
);
boxed_resumable!(
    LocalBoxResumable,
    "let mut co = LocalBoxResumable::new(coroutine!(|()| yield_!('a')));",
);

impl<'a, R, Y, T> BoxResumable<'a, R, Y, T> {
    /// Itself: a coroutine already boxed is not boxed again. (Shadows
    /// [`Resumable::boxed`], which would box the box.)
    ///
    /// ```
    /// use resumable::{coroutine, yield_, Resumable};
    ///
    /// let once = coroutine!(|()| yield_!(1_u8)).boxed();
    /// let same = once.boxed(); // no second allocation
    /// assert_eq!(same.into_iter().collect::<Vec<_>>(), [1]);
    /// ```
    pub fn boxed(self) -> Self {
        self
    }

    /// The same box, without the `Send` bound. (Shadows [`Resumable::boxed_local`], which would
    /// box the box.)
    ///
    /// ```
    /// use resumable::{coroutine, yield_, LocalBoxResumable, Resumable};
    ///
    /// let sendable = coroutine!(|()| yield_!(1_u8)).boxed();
    /// let local: LocalBoxResumable<'_, (), u8, ()> = sendable.boxed_local();
    /// assert_eq!(local.into_iter().count(), 1);
    /// ```
    pub fn boxed_local(self) -> LocalBoxResumable<'a, R, Y, T> {
        LocalBoxResumable::from(self)
    }
}

impl<R, Y, T> LocalBoxResumable<'_, R, Y, T> {
    /// Itself: a coroutine already boxed is not boxed again. (Shadows
    /// [`Resumable::boxed_local`], which would box the box.)
    ///
    /// ```
    /// use resumable::{coroutine, yield_, Resumable};
    ///
    /// let once = coroutine!(|()| yield_!(1_u8)).boxed_local();
    /// let same = once.boxed_local(); // no second allocation
    /// assert_eq!(same.into_iter().collect::<Vec<_>>(), [1]);
    /// ```
    pub fn boxed_local(self) -> Self {
        self
    }
}

impl<'a, R, Y, T> From<BoxResumable<'a, R, Y, T>> for LocalBoxResumable<'a, R, Y, T> {
    /// Forgets that the coroutine is `Send`, without allocating again.
    ///
    /// ```
    /// use resumable::{coroutine, yield_, BoxResumable, LocalBoxResumable, State};
    ///
    /// let sendable = BoxResumable::new(coroutine!(|()| yield_!(7_u8)));
    /// let mut local = LocalBoxResumable::from(sendable);
    /// assert_eq!(local.resume(()), State::Yielded(7));
    /// ```
    fn from(boxed: BoxResumable<'a, R, Y, T>) -> Self {
        Self { inner: boxed.inner }
    }
}
