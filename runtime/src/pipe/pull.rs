//! The pull direction: producers and filter chains that a consumer pulls from.

#[cfg(feature = "alloc")]
use alloc::boxed::Box;
use core::fmt;
use core::iter::FusedIterator;
use core::pin::{Pin, pin};

use super::push::Sink;
use super::{Filter, Step};
use crate::state::{Resumable, State};

/// A stage a consumer pulls values from: a producer, or a producer followed by filters.
///
/// Implemented for every generator (a coroutine resumed with `()`: its yields are the items and
/// its return value is dropped), for any iterator through [`from_iter`], and for [`Pipe`].
/// A stage may hold coroutines, so it is pulled through `Pin<&mut Self>`; the consuming methods
/// below pin it on their own stack frame, so a whole pipeline runs without allocating.
///
/// ```
/// use resumable::pipe::Pull;
/// use resumable::{resumable, yield_};
///
/// #[resumable(yield = u64)]
/// fn upto(n: u64) {
///     for i in 0..n {
///         yield_!(i);
///     }
/// }
///
/// assert_eq!(upto(5).fold(0, |a, x| a + x), 10);
/// ```
pub trait Pull {
    /// The type of the values pulled.
    type Item;

    /// The next value, or `None` when the stage has ended.
    ///
    /// Once this returned `None` it must not be called again: a generator would panic
    /// (`cannot resume a coroutine that has returned`). The drivers of this module never do;
    /// [`Iter`] and [`PipeIter`] are fused.
    ///
    /// ```
    /// use core::pin::pin;
    /// use resumable::pipe::{from_iter, Pull};
    ///
    /// let mut p = pin!(from_iter([7]));
    /// assert_eq!(p.as_mut().pull(), Some(7));
    /// assert_eq!(p.as_mut().pull(), None);
    /// ```
    fn pull(self: Pin<&mut Self>) -> Option<Self::Item>;

    /// This stage followed by `filter`: a stage whose items are what `filter` emits.
    ///
    /// ```
    /// use resumable::pipe::Step::{Emit, Receive};
    /// use resumable::pipe::{from_iter, Pull, Step};
    /// use resumable::{resumable, yield_};
    ///
    /// /// Sums runs of inputs separated by zeros.
    /// #[resumable(yield = Step<u32>, resume = Option<u32>)]
    /// fn runs(#[resume] _start: Option<u32>) {
    ///     let mut sum = 0;
    ///     while let Some(x) = yield_!(Receive) {
    ///         if x == 0 {
    ///             yield_!(Emit(sum));
    ///             sum = 0;
    ///         } else {
    ///             sum += x;
    ///         }
    ///     }
    ///     yield_!(Emit(sum)); // flush at the end of input
    /// }
    ///
    /// let sums: Vec<u32> = from_iter([1, 2, 0, 3, 0, 4, 5]).pipe(runs()).into_iter().collect();
    /// assert_eq!(sums, [3, 3, 9]);
    /// ```
    #[must_use = "pipelines do nothing unless pulled"]
    fn pipe<F: Filter<Self::Item>>(self, filter: F) -> Pipe<Self, F>
    where
        Self: Sized,
    {
        Pipe {
            upstream: self,
            filter,
            upstream_done: false,
            done: false,
        }
    }

    /// Pulls every value and calls `f` on it: the consumer loop.
    ///
    /// ```
    /// use resumable::pipe::{from_iter, Pull};
    ///
    /// let mut seen = Vec::new();
    /// from_iter(["a", "b"]).for_each(|s| seen.push(s));
    /// assert_eq!(seen, ["a", "b"]);
    /// ```
    #[inline(always)]
    fn for_each(self, mut f: impl FnMut(Self::Item))
    where
        Self: Sized,
    {
        let mut this = pin!(self);
        while let Some(item) = this.as_mut().pull() {
            f(item);
        }
    }

    /// Pulls every value and folds it into an accumulator.
    ///
    /// ```
    /// use resumable::pipe::{from_iter, Pull};
    ///
    /// assert_eq!(from_iter(1..=4).fold(1, |a, x| a * x), 24);
    /// ```
    #[inline(always)]
    fn fold<A>(self, init: A, mut f: impl FnMut(A, Self::Item) -> A) -> A
    where
        Self: Sized,
    {
        let mut this = pin!(self);
        let mut acc = init;
        while let Some(item) = this.as_mut().pull() {
            acc = f(acc, item);
        }
        acc
    }

    /// Pulls from this stage and pushes into `sink`, until either ends; then finishes the
    /// sink and returns its result. This is where a pull pipeline meets a push one.
    ///
    /// ```
    /// use resumable::pipe::{fold, from_iter, Pull};
    ///
    /// assert_eq!(from_iter([1, 2, 3]).push_into(fold(0, |a, x| a + x)), 6);
    /// ```
    #[inline(always)]
    fn push_into<S: Sink<Self::Item>>(self, sink: S) -> S::Output
    where
        Self: Sized,
    {
        // Through the sink's `feed`, which a filter's sink runs with one resume site.
        let mut this = pin!(self);
        sink.feed(Iter::new(this.as_mut()))
    }
}

impl<G: Resumable<()> + ?Sized> Pull for G {
    type Item = G::Yield;

    #[inline(always)]
    fn pull(self: Pin<&mut Self>) -> Option<G::Yield> {
        match self.resume(()) {
            State::Yielded(value) => Some(value),
            State::Complete(_) => None,
        }
    }
}

/// Any iterator as a producer: what [`from_iter`] returns.
///
/// ```
/// use resumable::pipe::{from_iter, Pull};
///
/// let lines = "a\nb".lines();
/// assert_eq!(from_iter(lines).fold(0, |n, _| n + 1), 2);
/// ```
#[must_use = "pipelines do nothing unless pulled"]
#[derive(Debug, Clone)]
pub struct FromIter<I> {
    iter: I,
}

/// Turns any iterator (or anything [`IntoIterator`]) into a producer, to start a pipeline.
///
/// ```
/// use resumable::pipe::{from_iter, Pull};
///
/// assert_eq!(from_iter(vec![1, 2]).fold(0, |a, x| a + x), 3);
/// ```
pub fn from_iter<I: IntoIterator>(iter: I) -> FromIter<I::IntoIter> {
    FromIter {
        iter: iter.into_iter(),
    }
}

impl<I: Iterator> Pull for FromIter<I> {
    type Item = I::Item;

    #[inline(always)]
    fn pull(self: Pin<&mut Self>) -> Option<I::Item> {
        // `FromIter` never pins `iter` (it is not structurally pinned), so it may be reached by
        // `&mut`.
        // SAFETY: nothing is moved out; `iter` is used through `&mut` only, which `FromIter`
        // allows since it makes no pinning promise about `iter`.
        unsafe { self.get_unchecked_mut() }.iter.next()
    }
}

impl<I: Iterator> IntoIterator for FromIter<I> {
    type Item = I::Item;
    type IntoIter = I;

    /// The iterator back, unchanged.
    fn into_iter(self) -> I {
        self.iter
    }
}

/// A stage followed by a filter: what [`Pull::pipe`] returns. Pulling it resumes the filter,
/// which pulls from the stage before it each time it yields [`Step::Receive`].
///
/// It is a [`Pull`] stage itself, so it can be piped again or consumed; as an
/// [`IntoIterator`] it moves into one box (one allocation for the whole pipeline, none per
/// item). Once the upstream ended, the filter receives `None` without the upstream being pulled
/// again; once the filter returned, the pipeline is over and its return value is dropped.
///
/// ```
/// use resumable::pipe::Step::{Emit, Receive};
/// use resumable::pipe::{from_iter, Pull, Step};
/// use resumable::{resumable, yield_};
///
/// #[resumable(yield = Step<String>, resume = Option<&'static str>)]
/// fn upper(#[resume] _start: Option<&'static str>) {
///     while let Some(s) = yield_!(Receive) {
///         yield_!(Emit(s.to_uppercase()));
///     }
/// }
///
/// for s in from_iter(["x", "y"]).pipe(upper()) {
///     assert!(s == "X" || s == "Y");
/// }
/// ```
#[must_use = "pipelines do nothing unless pulled"]
pub struct Pipe<U, F> {
    upstream: U,
    filter: F,
    upstream_done: bool,
    done: bool,
}

impl<U, F> fmt::Debug for Pipe<U, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pipe")
            .field("upstream_done", &self.upstream_done)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<U: Pull, F: Filter<U::Item>> Pull for Pipe<U, F> {
    type Item = F::Output;

    #[inline(always)]
    fn pull(self: Pin<&mut Self>) -> Option<F::Output> {
        // SAFETY: `upstream` and `filter` are structurally pinned: only reached through the
        // pinned projections below, never moved out; `Pipe` has no `Drop` impl and no `Unpin`
        // impl of its own. The flags are plain data.
        let this = unsafe { self.get_unchecked_mut() };
        if this.done {
            return None;
        }
        // SAFETY: see above.
        let mut upstream = unsafe { Pin::new_unchecked(&mut this.upstream) };
        // SAFETY: see above.
        let mut filter = unsafe { Pin::new_unchecked(&mut this.filter) };
        // The filter is at its start or after an `Emit`: either way it is resumed with `None`.
        let mut arg = None;
        loop {
            match filter.as_mut().resume(arg) {
                State::Yielded(Step::Emit(value)) => return Some(value),
                State::Yielded(Step::Receive) => {
                    arg = if this.upstream_done {
                        None
                    } else {
                        let next = upstream.as_mut().pull();
                        this.upstream_done = next.is_none();
                        next
                    };
                }
                State::Complete(_) => {
                    this.done = true;
                    return None;
                }
            }
        }
    }
}

#[cfg(feature = "stream")]
impl<U: Pull, F: Filter<U::Item>> Pipe<U, F> {
    /// The pipeline as a [`futures_core::Stream`] of what its last stage emits (cargo feature
    /// `stream`): a [`PipeStream`](super::PipeStream), which is only a stream (so `StreamExt::next` on it is never
    /// ambiguous), boxed once so that it is `Unpin`. A generator alone has
    /// [`Resumable::into_stream`](crate::Resumable::into_stream).
    ///
    /// ```
    /// use resumable::pipe::Step::{Emit, Receive};
    /// use resumable::pipe::{from_iter, Pull, Step};
    /// use resumable::{resumable, yield_};
    ///
    /// #[resumable(yield = Step<u32>, resume = Option<u32>)]
    /// fn squares(#[resume] _start: Option<u32>) {
    ///     while let Some(x) = yield_!(Receive) {
    ///         yield_!(Emit(x * x));
    ///     }
    /// }
    ///
    /// let s = from_iter(1..=3).pipe(squares()).into_stream();
    /// assert_eq!(futures_executor::block_on_stream(s).collect::<Vec<_>>(), [1, 4, 9]);
    /// ```
    pub fn into_stream(self) -> super::PipeStream<Self> {
        super::PipeStream::new(self)
    }
}

#[cfg(feature = "alloc")]
impl<U: Pull, F: Filter<U::Item>> IntoIterator for Pipe<U, F> {
    type Item = F::Output;
    type IntoIter = PipeIter<Self>;

    fn into_iter(self) -> PipeIter<Self> {
        PipeIter::new(self)
    }
}

/// A pinned stage borrowed as a fused [`Iterator`], without allocating.
///
/// ```
/// use core::pin::pin;
/// use resumable::pipe::{from_iter, Iter, Pull};
///
/// let mut stage = pin!(from_iter([1, 2, 3]));
/// let firsts: Vec<i32> = Iter::new(stage.as_mut()).take(2).collect();
/// assert_eq!(firsts, [1, 2]);
/// assert_eq!(Iter::new(stage).next(), Some(3));
/// ```
#[must_use = "iterators are lazy and do nothing unless consumed"]
pub struct Iter<'a, P: ?Sized> {
    stage: Pin<&'a mut P>,
    done: bool,
}

impl<'a, P: Pull + ?Sized> Iter<'a, P> {
    /// Iterates over what `stage` gives, until it ends.
    ///
    /// ```
    /// use core::pin::pin;
    /// use resumable::pipe::{from_iter, Iter};
    ///
    /// assert_eq!(Iter::new(pin!(from_iter("ab".chars()))).count(), 2);
    /// ```
    pub fn new(stage: Pin<&'a mut P>) -> Self {
        Self { stage, done: false }
    }
}

impl<P: ?Sized> Iter<'_, P> {
    /// Whether the stage has ended (this iterator returned `None`).
    ///
    /// ```
    /// # use core::pin::pin;
    /// # use resumable::pipe::{from_iter, Iter};
    /// let mut stage = pin!(from_iter([()]));
    /// let mut it = Iter::new(stage.as_mut());
    /// assert!(it.next().is_some() && it.next().is_none() && it.is_done());
    /// ```
    pub fn is_done(&self) -> bool {
        self.done
    }
}

impl<P: Pull + ?Sized> Iterator for Iter<'_, P> {
    type Item = P::Item;

    #[inline(always)]
    fn next(&mut self) -> Option<P::Item> {
        if self.done {
            return None;
        }
        let next = self.stage.as_mut().pull();
        self.done = next.is_none();
        next
    }
}

impl<P: Pull + ?Sized> FusedIterator for Iter<'_, P> {}

impl<P: ?Sized> fmt::Debug for Iter<'_, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// A stage moved into a box and iterated: what `for x in pipeline` uses. One allocation per
/// pipeline, none per item; [`Iter`] borrows a pinned stage instead.
///
/// Only an iterator: `PipeStream` (from `Pipe::into_stream`, cargo feature `stream`) is the
/// stream, so that `.next()` is never ambiguous with `futures::StreamExt` in scope. (What
/// `for x in generator()` uses is [`resumable::IntoIter`](crate::IntoIter).)
///
/// ```
/// use resumable::pipe::{from_iter, PipeIter};
/// use resumable::{resumable, yield_};
///
/// #[resumable(yield = char)]
/// fn abc() {
///     for c in ['a', 'b', 'c'] {
///         yield_!(c);
///     }
/// }
///
/// assert_eq!(PipeIter::new(abc()).collect::<String>(), "abc");
/// assert_eq!(PipeIter::new(from_iter([1])).count(), 1);
/// ```
#[cfg(feature = "alloc")]
#[must_use = "iterators are lazy and do nothing unless consumed"]
pub struct PipeIter<P> {
    stage: Pin<Box<P>>,
    done: bool,
}

#[cfg(feature = "alloc")]
impl<P: Pull> PipeIter<P> {
    /// Boxes `stage` and iterates over what it gives.
    ///
    /// ```
    /// use resumable::pipe::{from_iter, PipeIter};
    ///
    /// assert_eq!(PipeIter::new(from_iter([3, 4])).max(), Some(4));
    /// ```
    pub fn new(stage: P) -> Self {
        Self {
            stage: Box::pin(stage),
            done: false,
        }
    }
}

#[cfg(feature = "alloc")]
impl<P> PipeIter<P> {
    /// Whether the stage has ended (this iterator returned `None`).
    ///
    /// ```
    /// # use resumable::pipe::{from_iter, PipeIter};
    /// let mut it = PipeIter::new(from_iter([()]));
    /// assert!(it.next().is_some() && it.next().is_none() && it.is_done());
    /// ```
    pub fn is_done(&self) -> bool {
        self.done
    }
}

#[cfg(feature = "alloc")]
impl<P: Pull> Iterator for PipeIter<P> {
    type Item = P::Item;

    #[inline(always)]
    fn next(&mut self) -> Option<P::Item> {
        if self.done {
            return None;
        }
        let next = self.stage.as_mut().pull();
        self.done = next.is_none();
        next
    }
}

#[cfg(feature = "alloc")]
impl<P: Pull> FusedIterator for PipeIter<P> {}

#[cfg(feature = "alloc")]
impl<P> fmt::Debug for PipeIter<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PipeIter")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}
