//! The push direction: sinks that a producer pushes values into.

use core::fmt;
use core::pin::{Pin, pin};

use super::{Filter, Step};
use crate::state::{Resumable, State};

/// Where a producer pushes values: a consumer, or filters in front of one.
///
/// A sink may hold coroutines, so it is fed through `Pin<&mut Self>`; [`Sink::feed`] pins it on
/// its own stack frame. Push values with [`push`](Self::push), then call
/// [`finish`](Self::finish) once at the end of input: it flushes the filters and returns the
/// consumer's result.
///
/// ```
/// use core::pin::pin;
/// use resumable::pipe::{fold, Sink};
///
/// let mut total = pin!(fold(0, |a, x: u32| a + x));
/// for x in [1, 2, 3] {
///     if !total.as_mut().push(x) {
///         break;
///     }
/// }
/// assert_eq!(total.finish(), 6);
/// ```
pub trait Sink<I> {
    /// What the consumer finally returns.
    type Output;

    /// Feeds one value. Returns `false` once the sink has ended and takes no more (a filter or
    /// the consumer returned early): the producer should stop; values pushed after that are
    /// dropped.
    ///
    /// ```
    /// # use core::pin::pin;
    /// # use resumable::pipe::{for_each, Sink};
    /// let mut sink = pin!(for_each(|x: i32| assert!(x > 0)));
    /// assert!(sink.as_mut().push(1));
    /// ```
    fn push(self: Pin<&mut Self>, item: I) -> bool;

    /// Ends the input: filters see `None`, emit what they still hold and return; then the
    /// consumer's result is returned.
    ///
    /// # Panics
    ///
    /// When called a second time.
    ///
    /// ```
    /// # use core::pin::pin;
    /// # use resumable::pipe::{fold, Sink};
    /// let mut count = pin!(fold(0, |n, _: char| n + 1));
    /// let _ = count.as_mut().push('a');
    /// assert_eq!(count.finish(), 1);
    /// ```
    fn finish(self: Pin<&mut Self>) -> Self::Output;

    /// Pushes every value of `items` until the sink ends, then finishes it: a producer loop.
    ///
    /// ```
    /// use resumable::pipe::{fold, Sink};
    ///
    /// assert_eq!(fold(String::new(), |s, w: &str| s + w).feed(["a", "b"]), "ab");
    /// ```
    #[inline(always)]
    fn feed(self, items: impl IntoIterator<Item = I>) -> Self::Output
    where
        Self: Sized,
    {
        let mut this = pin!(self);
        for item in items {
            if !this.as_mut().push(item) {
                break;
            }
        }
        this.finish()
    }
}

#[cold]
#[inline(never)]
fn finished_twice() -> ! {
    panic!("a sink was finished twice")
}

/// A consumer that calls a closure on every value: what [`for_each`] returns.
///
/// ```
/// use resumable::pipe::{for_each, ForEach, Sink};
///
/// let mut n = 0;
/// let sink: ForEach<_> = for_each(|x: u8| n += u32::from(x));
/// sink.feed([1, 2]);
/// assert_eq!(n, 3);
/// ```
#[must_use = "sinks do nothing unless fed"]
pub struct ForEach<F> {
    f: F,
    finished: bool,
}

impl<F> fmt::Debug for ForEach<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForEach").finish_non_exhaustive()
    }
}

/// A consumer that calls `f` on every value pushed into it.
///
/// ```
/// use resumable::pipe::{for_each, Sink};
///
/// let mut out = String::new();
/// for_each(|c: char| out.push(c)).feed("hi".chars());
/// assert_eq!(out, "hi");
/// ```
pub fn for_each<I, F: FnMut(I)>(f: F) -> ForEach<F> {
    ForEach { f, finished: false }
}

impl<I, F: FnMut(I)> Sink<I> for ForEach<F> {
    type Output = ();

    #[inline(always)]
    fn push(self: Pin<&mut Self>, item: I) -> bool {
        // SAFETY: `ForEach` pins nothing structurally; its fields are used through `&mut` only.
        (unsafe { self.get_unchecked_mut() }.f)(item);
        true
    }

    #[inline(always)]
    fn finish(self: Pin<&mut Self>) {
        // SAFETY: as in `push`.
        let this = unsafe { self.get_unchecked_mut() };
        if core::mem::replace(&mut this.finished, true) {
            finished_twice();
        }
    }
}

/// A consumer that folds the values into an accumulator: what [`fold`] returns.
///
/// ```
/// use resumable::pipe::{fold, Fold, Sink};
///
/// let longest: Fold<_, _> = fold(0, |m: usize, s: &str| m.max(s.len()));
/// assert_eq!(longest.feed(["ab", "abc", "a"]), 3);
/// ```
#[must_use = "sinks do nothing unless fed"]
pub struct Fold<A, F> {
    acc: Option<A>,
    f: F,
}

impl<A, F> fmt::Debug for Fold<A, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fold")
            .field("finished", &self.acc.is_none())
            .finish_non_exhaustive()
    }
}

/// A consumer that folds every value pushed into it into `init` with `f`; [`Sink::finish`]
/// returns the accumulator.
///
/// ```
/// use resumable::pipe::{fold, Sink};
///
/// assert_eq!(fold(0u64, |a, x: u64| a + x).feed(1..=10), 55);
/// ```
pub fn fold<A, I, F: FnMut(A, I) -> A>(init: A, f: F) -> Fold<A, F> {
    Fold { acc: Some(init), f }
}

impl<A, I, F: FnMut(A, I) -> A> Sink<I> for Fold<A, F> {
    type Output = A;

    #[inline(always)]
    fn push(self: Pin<&mut Self>, item: I) -> bool {
        // SAFETY: `Fold` pins nothing structurally; its fields are used through `&mut` only.
        let this = unsafe { self.get_unchecked_mut() };
        if let Some(acc) = this.acc.take() {
            this.acc = Some((this.f)(acc, item));
        }
        true
    }

    #[inline(always)]
    fn finish(self: Pin<&mut Self>) -> A {
        // SAFETY: as in `push`.
        match unsafe { self.get_unchecked_mut() }.acc.take() {
            Some(acc) => acc,
            None => finished_twice(),
        }
    }
}

/// A consumer coroutine fed through its resume argument: what [`consumer`] returns.
///
/// ```
/// use resumable::pipe::{consumer, Consumer, Sink};
/// use resumable::{coroutine, yield_};
///
/// let count: Consumer<_, char> = consumer(coroutine!(|first: Option<char>| {
///     let mut n = usize::from(first.is_some());
///     while yield_!().is_some() {
///         n += 1;
///     }
///     n
/// }));
/// assert_eq!(count.feed("abc".chars()), 3);
/// ```
#[must_use = "sinks do nothing unless fed"]
pub struct Consumer<C: Resumable<Option<I>>, I> {
    co: C,
    returned: Option<C::Return>,
    finished: bool,
}

impl<C: Resumable<Option<I>>, I> fmt::Debug for Consumer<C, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("returned", &self.returned.is_some())
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

/// A consumer written as a coroutine: each pushed value resumes it with `Some(value)` (the
/// first one arrives in its `#[resume]` parameter, later ones as the value of `yield_!()`), and
/// the end of input resumes it with `None`, until it returns; [`Sink::finish`] gives back what
/// it returned. Returning earlier ends the sink.
///
/// ```
/// use resumable::pipe::{consumer, Sink};
/// use resumable::{resumable, yield_};
///
/// /// Joins lines until an empty one.
/// #[resumable(yield = (), resume = Option<&'static str>)]
/// fn join(#[resume] mut next: Option<&'static str>) -> String {
///     let mut all = String::new();
///     while let Some(line) = next {
///         if line.is_empty() {
///             break;
///         }
///         all.push_str(line);
///         next = yield_!();
///     }
///     all
/// }
///
/// assert_eq!(consumer(join()).feed(["a", "b", "", "c"]), "ab");
/// ```
pub fn consumer<I, C: Resumable<Option<I>, Yield = ()>>(co: C) -> Consumer<C, I> {
    Consumer {
        co,
        returned: None,
        finished: false,
    }
}

impl<I, C: Resumable<Option<I>, Yield = ()>> Sink<I> for Consumer<C, I> {
    type Output = C::Return;

    #[inline(always)]
    fn push(self: Pin<&mut Self>, item: I) -> bool {
        // SAFETY: `co` is structurally pinned (only reached through the projection below, never
        // moved; `Consumer` has no `Drop` impl and no `Unpin` impl of its own); the other
        // fields are plain data.
        let this = unsafe { self.get_unchecked_mut() };
        if this.returned.is_some() {
            return false;
        }
        // SAFETY: see above.
        match unsafe { Pin::new_unchecked(&mut this.co) }.resume(Some(item)) {
            State::Yielded(()) => true,
            State::Complete(value) => {
                this.returned = Some(value);
                false
            }
        }
    }

    #[inline(always)]
    fn finish(self: Pin<&mut Self>) -> C::Return {
        // SAFETY: as in `push`.
        let this = unsafe { self.get_unchecked_mut() };
        if core::mem::replace(&mut this.finished, true) {
            finished_twice();
        }
        // SAFETY: as in `push`.
        let mut co = unsafe { Pin::new_unchecked(&mut this.co) };
        loop {
            if let Some(value) = this.returned.take() {
                return value;
            }
            if let State::Complete(value) = co.as_mut().resume(None) {
                this.returned = Some(value);
            }
        }
    }
}

/// A filter in front of a sink: what [`Filter::sink`] returns. Itself a [`Sink`], so filters
/// stack: `a.then(b).sink(consumer)`, or `a.sink(b.sink(consumer))` (the same output; the
/// first optimises better, see the [module docs](super#cost)).
///
/// The filter is started (resumed with `None`) by the first push, or by [`Sink::finish`] if
/// nothing was pushed; everything it emits is pushed downstream at once.
///
/// ```
/// use resumable::pipe::Step::{Emit, Receive};
/// use resumable::pipe::{fold, Filter, Sink, Step};
/// use resumable::{resumable, yield_};
///
/// /// Emits a running count of the inputs, and the total at the end.
/// #[resumable(yield = Step<usize>, resume = Option<char>)]
/// fn count(#[resume] _start: Option<char>) {
///     let mut n = 0;
///     while yield_!(Receive).is_some() {
///         n += 1;
///     }
///     yield_!(Emit(n));
/// }
///
/// assert_eq!(count().sink(fold(Vec::new(), |mut v, n| { v.push(n); v })).feed("abc".chars()), [3]);
/// ```
#[must_use = "sinks do nothing unless fed"]
pub struct Filtered<F, S> {
    filter: F,
    downstream: S,
    started: bool,
    done: bool,
}

impl<F, S> fmt::Debug for Filtered<F, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Filtered")
            .field("started", &self.started)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<F, S> Filtered<F, S> {
    /// `filter` in front of `downstream`; the same as [`Filter::sink`].
    ///
    /// ```
    /// use resumable::pipe::Step::{Emit, Receive};
    /// use resumable::pipe::{for_each, Filtered, Sink, Step};
    /// use resumable::{resumable, yield_};
    ///
    /// #[resumable(yield = Step<i32>, resume = Option<i32>)]
    /// fn id(#[resume] _start: Option<i32>) {
    ///     while let Some(x) = yield_!(Receive) {
    ///         yield_!(Emit(x));
    ///     }
    /// }
    ///
    /// let mut seen = 0;
    /// Filtered::new(id(), for_each(|x| seen += x)).feed([1, 2]);
    /// assert_eq!(seen, 3);
    /// ```
    pub fn new(filter: F, downstream: S) -> Self {
        Self {
            filter,
            downstream,
            started: false,
            done: false,
        }
    }

    /// Resumes the filter and pushes what it emits downstream, until it asks for input that
    /// `next` does not give (`true`: it waits for more) or it or the downstream ended (`false`).
    /// `next` gives the filter's next input: `Some(Some(x))`, `Some(None)` once the input has
    /// ended, or `None` when there is nothing to give now. A filter not started yet is first
    /// resumed with `None`.
    ///
    /// The only place the filter is resumed: a body polled from one place is inlined into the
    /// loop that drives it, where its checks fold (see the [module docs](super#cost)).
    #[inline(always)]
    fn run<I>(self: Pin<&mut Self>, mut next: impl FnMut() -> Option<Option<I>>) -> bool
    where
        F: Filter<I>,
        S: Sink<F::Output>,
    {
        // SAFETY: `filter` and `downstream` are structurally pinned: only reached through the
        // projections below, never moved; `Filtered` has no `Drop` impl and no `Unpin` impl
        // of its own. The flags are plain data.
        let this = unsafe { self.get_unchecked_mut() };
        if this.done {
            return false;
        }
        // SAFETY: see above.
        let mut filter = unsafe { Pin::new_unchecked(&mut this.filter) };
        // SAFETY: see above.
        let mut downstream = unsafe { Pin::new_unchecked(&mut this.downstream) };
        // Not started: the first resume's argument is `None`. Started: it asked for input last.
        let mut arg = if this.started {
            match next() {
                Some(arg) => arg,
                None => return true,
            }
        } else {
            this.started = true;
            None
        };
        loop {
            match filter.as_mut().resume(arg) {
                State::Yielded(Step::Emit(value)) => {
                    if !downstream.as_mut().push(value) {
                        this.done = true;
                        return false;
                    }
                    arg = None;
                }
                State::Yielded(Step::Receive) => match next() {
                    Some(input) => arg = input,
                    None => return true,
                },
                State::Complete(_) => {
                    this.done = true;
                    return false;
                }
            }
        }
    }

    /// The downstream sink, pinned.
    #[inline(always)]
    fn downstream(self: Pin<&mut Self>) -> Pin<&mut S> {
        // SAFETY: `downstream` is structurally pinned, see `drive`.
        unsafe { self.map_unchecked_mut(|this| &mut this.downstream) }
    }
}

impl<I, F: Filter<I>, S: Sink<F::Output>> Sink<I> for Filtered<F, S> {
    type Output = S::Output;

    #[inline(always)]
    fn push(self: Pin<&mut Self>, item: I) -> bool {
        let mut item = Some(item);
        self.run(|| item.take().map(Some))
    }

    #[inline(always)]
    fn finish(mut self: Pin<&mut Self>) -> S::Output {
        // End of input: the filter receives `None` until it returns (or the downstream ends).
        self.as_mut().run(|| Some(None));
        self.downstream().finish()
    }

    /// As [`Sink::feed`], with the filter resumed from one place: the input, then `None` (as
    /// often as it asks) until it returns.
    #[inline(always)]
    fn feed(self, items: impl IntoIterator<Item = I>) -> S::Output {
        let mut this = pin!(self);
        // Fused: `None` again and again once the input ended.
        let mut items = items.into_iter().fuse();
        this.as_mut().run(|| Some(items.next()));
        this.downstream().finish()
    }
}
