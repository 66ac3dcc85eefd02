//! Generators (coroutines resumed with `()`) as fused iterators.

use core::fmt;
use core::future::Future;
use core::iter::FusedIterator;
use core::pin::Pin;

use crate::lower::{Gen, Mode};
use crate::state::{Resumable, State};

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

/// Where an [`Iter`] is: still iterating, or past the generator's return (value kept or taken).
enum End<T> {
    Running,
    Returned(T),
    Taken,
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
        match core::mem::replace(&mut self.end, End::Taken) {
            End::Returned(value) => Some(value),
            End::Running => {
                self.end = End::Running;
                None
            }
            End::Taken => None,
        }
    }
}

impl<G: Resumable<()> + ?Sized> Iterator for Iter<'_, G> {
    type Item = G::Yield;

    #[inline]
    fn next(&mut self) -> Option<G::Yield> {
        if !matches!(self.end, End::Running) {
            return None;
        }
        match self.generator.as_mut().resume(()) {
            State::Yielded(value) => Some(value),
            State::Complete(value) => {
                self.end = End::Returned(value);
                None
            }
        }
    }
}

impl<G: Resumable<()> + ?Sized> FusedIterator for Iter<'_, G> {}

impl<G: Resumable<()> + ?Sized> fmt::Debug for Iter<'_, G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter")
            .field("finished", &!matches!(self.end, End::Running))
            .finish_non_exhaustive()
    }
}

/// A generator moved into a box and iterated: what `for x in generator()` uses.
///
/// This costs one heap allocation per generator (the box that pins its state), made when
/// iteration starts, and nothing per item. To iterate without allocating, pin the generator
/// yourself and use [`Iter`].
///
/// ```
/// use resumable::{resumable, yield_};
///
/// #[resumable(yield = u64)]
/// fn squares(n: u64) {
///     for i in 0..n {
///         yield_!(i * i);
///     }
/// }
///
/// let mut total = 0;
/// for sq in squares(4) {
///     total += sq;
/// }
/// assert_eq!(total, 14);
/// ```
#[must_use = "iterators are lazy and do nothing unless consumed"]
pub struct IntoIter<G: Resumable<()>> {
    generator: Pin<Box<G>>,
    finished: bool,
}

impl<G: Resumable<()>> IntoIter<G> {
    /// Boxes `generator` and iterates over what it yields.
    pub fn new(generator: G) -> Self {
        Self {
            generator: Box::pin(generator),
            finished: false,
        }
    }
}

impl<G: Resumable<()>> Iterator for IntoIter<G> {
    type Item = G::Yield;

    #[inline]
    fn next(&mut self) -> Option<G::Yield> {
        if self.finished {
            return None;
        }
        match self.generator.as_mut().resume(()) {
            State::Yielded(value) => Some(value),
            State::Complete(_) => {
                self.finished = true;
                None
            }
        }
    }
}

impl<G: Resumable<()>> FusedIterator for IntoIter<G> {}

impl<G: Resumable<()>> fmt::Debug for IntoIter<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntoIter")
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl<F: Future, Y, K, S, M: Mode> IntoIterator for Gen<F, Y, (), K, S, M>
where
    Self: Resumable<(), Yield = Y>,
{
    type Item = Y;
    type IntoIter = IntoIter<Self>;

    fn into_iter(self) -> IntoIter<Self> {
        IntoIter::new(self)
    }
}
