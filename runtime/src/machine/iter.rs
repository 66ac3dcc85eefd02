//! Generators (coroutines resumed with `()`) as fused iterators.

use core::fmt;
use core::iter::FusedIterator;
use core::pin::Pin;

#[cfg(feature = "alloc")]
use alloc::boxed::Box;

pub(crate) use super::state::End;
#[cfg(feature = "alloc")]
pub use super::state::{IntoIter, TryIter};
use super::state::{Resumable, State};

/// A generator borrowed as a fused [`Iterator`], without allocating: pin the generator where it
/// is (e.g. with [`core::pin::pin!`]) and iterate.
///
/// The return value of the generator is dropped; [`Iter::returned`] gives it back.
///
/// ```
/// use core::pin::pin;
/// use resumable::{resumable, yield_, Iter};
///
/// #[resumable(yield = u32)]
/// fn countdown(from: u32) -> &'static str {
///     for i in (1..=from).rev() {
///         yield_!(i);
///     }
///     "liftoff"
/// }
///
/// let generator = pin!(countdown(3));
/// let mut it = Iter::new(generator);
/// assert_eq!(it.by_ref().collect::<Vec<_>>(), [3, 2, 1]);
/// assert_eq!(it.next(), None); // fused
/// assert_eq!(it.returned(), Some("liftoff"));
/// ```
#[must_use = "iterators are lazy and do nothing unless consumed"]
pub struct Iter<'a, G: Resumable<()> + ?Sized> {
    generator: Pin<&'a mut G>,
    end: End<G::Return>,
}

impl<T> End<T> {
    /// The next value `generator` yields, or `None` from its return on (the return value is
    /// kept); the generator is not resumed again after it returned.
    #[inline]
    pub(crate) fn next<G>(&mut self, generator: Pin<&mut G>) -> Option<G::Yield>
    where
        G: Resumable<(), Return = T> + ?Sized,
    {
        if !matches!(self, End::Running) {
            return None;
        }
        match generator.resume(()) {
            State::Yielded(value) => Some(value),
            State::Complete(value) => {
                *self = End::Returned(value);
                None
            }
        }
    }

    /// Whether the generator has returned.
    pub(crate) fn is_finished(&self) -> bool {
        !matches!(self, End::Running)
    }

    /// The return value, if reached and not yet taken.
    pub(crate) fn take(&mut self) -> Option<T> {
        match core::mem::replace(self, End::Taken) {
            End::Returned(value) => Some(value),
            End::Running => {
                *self = End::Running;
                None
            }
            End::Taken => None,
        }
    }
}

impl<'a, G: Resumable<()> + ?Sized> Iter<'a, G> {
    /// Iterates over the values `generator` yields, until it returns.
    pub fn new(generator: Pin<&'a mut G>) -> Self {
        Self {
            generator,
            end: End::Running,
        }
    }

    /// The generator's return value, once iteration reached it (taken by the first call).
    pub fn returned(&mut self) -> Option<G::Return> {
        self.end.take()
    }
}

impl<G: Resumable<()> + ?Sized> Iterator for Iter<'_, G> {
    type Item = G::Yield;

    #[inline]
    fn next(&mut self) -> Option<G::Yield> {
        self.end.next(self.generator.as_mut())
    }
}

impl<G: Resumable<()> + ?Sized> FusedIterator for Iter<'_, G> {}

impl<G: Resumable<()> + ?Sized> fmt::Debug for Iter<'_, G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter")
            .field("finished", &self.end.is_finished())
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "alloc")]
impl<G: Resumable<()>> IntoIter<G> {
    /// Boxes `generator` and iterates over what it yields.
    pub fn new(generator: G) -> Self {
        Self {
            generator: Box::pin(generator),
            end: End::Running,
        }
    }

    /// The generator's return value, once iteration reached it (taken by the first call).
    ///
    /// ```
    /// use resumable::{resumable, yield_, Resumable};
    ///
    /// #[resumable(yield = char)]
    /// fn letters(word: &str) -> usize {
    ///     for c in word.chars() {
    ///         yield_!(c);
    ///     }
    ///     word.len()
    /// }
    ///
    /// let mut it = letters("abc").iter();
    /// assert_eq!(it.returned(), None); // not there yet
    /// assert_eq!(it.by_ref().count(), 3);
    /// assert_eq!(it.returned(), Some(3));
    /// assert_eq!(it.returned(), None); // taken
    /// ```
    pub fn returned(&mut self) -> Option<G::Return> {
        self.end.take()
    }
}

#[cfg(feature = "alloc")]
impl<G: Resumable<()>> Iterator for IntoIter<G> {
    type Item = G::Yield;

    #[inline]
    fn next(&mut self) -> Option<G::Yield> {
        self.end.next(self.generator.as_mut())
    }
}

#[cfg(feature = "alloc")]
impl<G: Resumable<()>> FusedIterator for IntoIter<G> {}

#[cfg(feature = "alloc")]
impl<G: Resumable<()>> fmt::Debug for IntoIter<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntoIter")
            .field("finished", &self.end.is_finished())
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "alloc")]
impl<G, E> TryIter<G>
where
    G: Resumable<(), Return = Result<(), E>>,
{
    /// Boxes `generator` and iterates over what it yields, then its error.
    pub fn new(generator: G) -> Self {
        Self {
            generator: Box::pin(generator),
            finished: false,
        }
    }
}

#[cfg(feature = "alloc")]
impl<G, E> Iterator for TryIter<G>
where
    G: Resumable<(), Return = Result<(), E>>,
{
    type Item = Result<G::Yield, E>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        match self.generator.as_mut().resume(()) {
            State::Yielded(value) => Some(Ok(value)),
            State::Complete(result) => {
                self.finished = true;
                result.err().map(Err)
            }
        }
    }
}

#[cfg(feature = "alloc")]
impl<G, E> FusedIterator for TryIter<G> where G: Resumable<(), Return = Result<(), E>> {}

#[cfg(feature = "alloc")]
impl<G: Resumable<()>> fmt::Debug for TryIter<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryIter")
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}
