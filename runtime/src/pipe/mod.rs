//! Pipelines: producer → filters → consumer, driven from either end.
//!
//! The seed's central example is a producer that reads lines, a filter that numbers them and a
//! consumer that writes them, each a loop of its own, matched up by resume and yield so that each
//! believes it is in charge. Lua writes the plumbing by hand (`send` / `receive`); this module
//! gives it types and combinators, with no heap allocation per item and none per stage.
//!
//! # One filter, both directions
//!
//! A *filter* is a coroutine that speaks one small protocol, [`Step`]: it yields
//! [`Step::Receive`] to ask for its next input, and is then resumed with `Some(item)`, or with
//! `None` once the input has ended; it yields [`Step::Emit`]`(out)` to hand a value downstream
//! (the resume that follows carries `None`, which it ignores). Returning ends the filter. Every
//! coroutine resumed with `Option<I>` that yields `Step<O>` is a [`Filter<I>`].
//!
//! ```
//! use resumable::pipe::Step::{Emit, Receive};
//! use resumable::pipe::{Pull, Step};
//! use resumable::{resumable, yield_};
//!
//! /// Lua's filter: numbers the lines with `%5d %s`, and stops (flushes) when its input ends.
//! #[resumable(yield = Step<String>, resume = Option<String>)]
//! fn numbered(#[resume] _start: Option<String>) {
//!     let mut n = 1;
//!     while let Some(line) = yield_!(Receive) {
//!         yield_!(Emit(format!("{n:5} {line}")));
//!         n += 1;
//!     }
//! }
//!
//! let lines = ["alpha", "beta"].map(String::from);
//! let mut out = Vec::new();
//! resumable::pipe::from_iter(lines).pipe(numbered()).for_each(|l| out.push(l));
//! assert_eq!(out, ["    1 alpha", "    2 beta"]);
//! ```
//!
//! The protocol says what the filter *wants*, never who drives it, so the same filter value
//! runs in both directions:
//!
//! - **pull** (consumer-driven, [`Pull`]): [`Pull::pipe`] puts a filter after a producer (a
//!   generator, or any iterator through [`from_iter`]). Each pull resumes the last stage; when
//!   it yields `Receive`, the stage before it is pulled, and so on up to the producer. The
//!   consumer is a loop: [`Pull::for_each`], [`Pull::fold`], or a `for` loop over the pipeline
//!   ([`IntoIterator`], [`Iter`]); or async code, with cargo feature `stream`: the pipeline's
//!   `into_stream()` is a `futures_core::Stream`.
//! - **push** (producer-driven, [`Sink`]): [`Filter::sink`] puts a filter in front of a sink.
//!   Each [`Sink::push`] resumes the filter with `Some(item)` and passes everything it emits on
//!   to the sink, until it asks for input again. A consumer is a sink: a closure
//!   ([`for_each`], [`fold`]) or a coroutine fed through its resume argument ([`consumer`]).
//!   The producer is any loop that calls `push`, or [`Sink::feed`].
//!
//! [`Filter::then`] joins two filters into one, which is again a filter, usable both ways.
//! [`Pull::push_into`] joins the two directions: it pulls from one pipeline and pushes into a
//! sink.
//!
//! So the filter logic is written once; what differs per direction is only the driver loop
//! around it ([`Pipe`] for pull, [`Filtered`] for push), which this module writes.
//!
//! # Cost
//!
//! Nothing is allocated per item or per stage: a pipeline is one value, pinned on the stack by
//! the method that runs it. A one-in, one-out filter is resumed twice per item (once to
//! `Receive`, once to `Emit`), but when the driver loops and the coroutine bodies are inlined
//! into one function, the optimiser dissolves the state machines and the loop is the one an
//! iterator chain compiles to. `benches/pipe.rs` (10,000,000 `u64` through producer →
//! `x + 1` → sum, instructions per item under callgrind): iterator chain 7, pulled 6, pushed 8.
//!
//! That depends on the optimiser inlining each coroutine body's `poll` into the loop. A
//! coroutine that delegates to nothing is resumed through a driver function of its own, the one
//! place its body is polled, so the body is inlined there whatever the number of places that
//! resume it (a filter fn used by several pipelines of a program, or twice in one pipeline:
//! 5–8 instructions per item), and the optimiser copies that function into each resume site
//! where it is worth it. Where it is not, the function is called: pushing through two filters
//! joined with [`Filter::then`] costs about 50 instructions per resume (215 per item). Pushing
//! through one [`Filter::sink`] inside another multiplies the resume sites (every place the
//! outer filter emits holds a copy of the inner one's steps). So to push through several
//! filters, join them with [`Filter::then`] and put one `sink` at the end; the drivers here keep
//! their resume sites few for the same reason.
//!
//! # The first resume
//!
//! A `#[resumable]` fn resumed with something other than `()` receives its first resume's
//! argument in a parameter marked `#[resume]` (a `coroutine!` closure in its parameter). The
//! drivers here start a filter with `None` there, before it has asked for anything, so that a
//! filter can emit before it receives (a header, say). Name that parameter `_start`, or `_`.
//!
//! # End of input
//!
//! When the input ends, `yield_!(Receive)` evaluates to `None`, and keeps doing so if asked again
//! (as a fused iterator would). A filter that returns then has its last emitted values delivered
//! first: the end of input flushes the pipeline from front to back, and [`Sink::finish`] returns
//! the consumer's result. Lua's seed filter instead formats `nil` forever; returning on `None`
//! is what ends ours. A filter that keeps yielding `Receive` after `None` without emitting
//! makes its driver loop forever, as the same Lua code would.
//!
//! # Ending early
//!
//! A filter that returns before its input ends stops the pipeline: a pull pipeline ends, and
//! [`Sink::push`] returns `false` so that the producer can stop. The values a producer made
//! and nobody received are dropped, as are suspended coroutines (their locals' `Drop` runs).

mod pull;
mod push;
#[cfg(feature = "stream")]
mod stream;

use core::fmt;
use core::pin::Pin;

use crate::state::{Resumable, State};

#[cfg(feature = "alloc")]
pub use pull::PipeIter;
pub use pull::{FromIter, Iter, Pipe, Pull, from_iter};
pub use push::{Consumer, Filtered, Fold, ForEach, Sink, consumer, fold, for_each};
#[cfg(feature = "stream")]
pub use stream::PipeStream;

/// What a [`Filter`] yields: a request for input, or a value for downstream.
///
/// ```
/// use resumable::pipe::Step;
///
/// let step: Step<u32> = Step::Emit(3);
/// assert_eq!(step.emitted(), Some(3));
/// assert_eq!(Step::<u32>::Receive.emitted(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step<O> {
    /// Asks for the next input: the filter is resumed with `Some(item)`, or `None` once its
    /// input has ended. Lua's `receive(prod)`.
    Receive,
    /// Hands a value downstream; the resume that follows carries `None`. Lua's `send(x)`.
    Emit(O),
}

impl<O> Step<O> {
    /// The emitted value, or `None` for [`Step::Receive`].
    ///
    /// ```
    /// # use resumable::pipe::Step;
    /// assert_eq!(Step::Emit("x").emitted(), Some("x"));
    /// ```
    pub fn emitted(self) -> Option<O> {
        match self {
            Self::Receive => None,
            Self::Emit(value) => Some(value),
        }
    }
}

/// A pipeline stage: a coroutine resumed with `Option<I>` that yields [`Step<O>`]
/// (see the [module docs](self) for the protocol). Implemented for every such coroutine; the
/// same filter works pulled ([`Pull::pipe`]) and pushed ([`Filter::sink`]).
///
/// ```
/// use resumable::pipe::Step::{Emit, Receive};
/// use resumable::pipe::{Filter, Pull, Sink, Step};
/// use resumable::{resumable, yield_};
///
/// /// Emits each input twice.
/// #[resumable(yield = Step<u8>, resume = Option<u8>)]
/// fn twice(#[resume] _start: Option<u8>) {
///     while let Some(x) = yield_!(Receive) {
///         yield_!(Emit(x));
///         yield_!(Emit(x));
///     }
/// }
///
/// // Pulled:
/// let pulled = resumable::pipe::from_iter([1, 2]).pipe(twice()).fold(Vec::new(), |mut v, x| {
///     v.push(x);
///     v
/// });
/// // Pushed:
/// let mut pushed = Vec::new();
/// twice().sink(resumable::pipe::for_each(|x| pushed.push(x))).feed([1, 2]);
/// assert_eq!(pulled, [1, 1, 2, 2]);
/// assert_eq!(pushed, pulled);
/// ```
pub trait Filter<I>: Resumable<Option<I>, Yield = Step<Self::Output>> {
    /// The type of the values the filter emits.
    type Output;

    /// This filter followed by `next`: one filter that feeds what this one emits to `next`.
    ///
    /// ```
    /// use resumable::pipe::Step::{Emit, Receive};
    /// use resumable::pipe::{Filter, Pull, Step};
    /// use resumable::{resumable, yield_};
    ///
    /// #[resumable(yield = Step<u32>, resume = Option<u32>)]
    /// fn add(#[resume] _start: Option<u32>, k: u32) {
    ///     while let Some(x) = yield_!(Receive) {
    ///         yield_!(Emit(x + k));
    ///     }
    /// }
    ///
    /// let both = add(1).then(add(10));
    /// assert_eq!(resumable::pipe::from_iter([0, 5]).pipe(both).fold(0, |a, x| a + x), 11 + 16);
    /// ```
    #[must_use = "filters do nothing unless driven"]
    fn then<G: Filter<Self::Output>>(self, next: G) -> Then<Self, G>
    where
        Self: Sized,
    {
        Then {
            first: self,
            second: next,
            at: At::Start,
            first_done: false,
        }
    }

    /// This filter in front of `downstream`: a [`Sink`] that feeds every value pushed into it
    /// through the filter and pushes what comes out into `downstream`.
    ///
    /// ```
    /// use resumable::pipe::Step::{Emit, Receive};
    /// use resumable::pipe::{Filter, Sink, Step};
    /// use resumable::{resumable, yield_};
    ///
    /// /// Passes on the first `n` inputs, then ends.
    /// #[resumable(yield = Step<char>, resume = Option<char>)]
    /// fn take(#[resume] _start: Option<char>, n: usize) {
    ///     for _ in 0..n {
    ///         let Some(c) = yield_!(Receive) else { return };
    ///         yield_!(Emit(c));
    ///     }
    /// }
    ///
    /// let s = take(2).sink(resumable::pipe::fold(String::new(), |mut s, c| {
    ///     s.push(c);
    ///     s
    /// }));
    /// assert_eq!(s.feed("abc".chars()), "ab");
    /// ```
    #[must_use = "sinks do nothing unless fed"]
    fn sink<S: Sink<Self::Output>>(self, downstream: S) -> Filtered<Self, S>
    where
        Self: Sized,
    {
        Filtered::new(self, downstream)
    }
}

impl<I, O, F> Filter<I> for F
where
    F: Resumable<Option<I>, Yield = Step<O>> + ?Sized,
{
    type Output = O;
}

/// Which stage of a [`Then`] its last yield came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// Not resumed yet.
    Start,
    /// The first filter asked for input: the next resume goes to it.
    First,
    /// The second filter emitted: the next resume goes to it.
    Second,
}

/// Two filters joined into one: what [`Filter::then`] returns. Itself a [`Filter`], so it can
/// be pulled, pushed into, or joined again.
///
/// It runs the second filter first (the consumer end, as Lua's pull order does), resumes the
/// first when the second asks for input, and yields [`Step::Receive`] only when the first asks
/// for input. Its return value is the second filter's.
///
/// ```
/// use resumable::pipe::Step::{Emit, Receive};
/// use resumable::pipe::{Filter, Step};
/// use resumable::{resumable, yield_, Resumable, State};
/// use core::pin::pin;
///
/// #[resumable(yield = Step<i32>, resume = Option<i32>)]
/// fn neg(#[resume] _start: Option<i32>) {
///     while let Some(x) = yield_!(Receive) {
///         yield_!(Emit(-x));
///     }
/// }
///
/// let mut f = pin!(neg().then(neg()));
/// assert_eq!(f.as_mut().resume(None), State::Yielded(Step::Receive));
/// assert_eq!(f.as_mut().resume(Some(4)), State::Yielded(Step::Emit(4)));
/// ```
#[must_use = "filters do nothing unless driven"]
pub struct Then<A, B> {
    first: A,
    second: B,
    at: At,
    first_done: bool,
}

impl<A, B> fmt::Debug for Then<A, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Then")
            .field("first_done", &self.first_done)
            .finish_non_exhaustive()
    }
}

impl<I, A, B> Resumable<Option<I>> for Then<A, B>
where
    A: Filter<I>,
    B: Filter<A::Output>,
{
    type Yield = Step<B::Output>;
    type Return = B::Return;

    #[inline(always)]
    fn resume(self: Pin<&mut Self>, arg: Option<I>) -> State<Step<B::Output>, B::Return> {
        // SAFETY: `first` and `second` are structurally pinned: they are only reached through
        // these pinned projections, never moved, and `Then` has no `Drop` impl and no `Unpin`
        // impl of its own. `at` and `first_done` are plain data, never pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: see above.
        let mut first = unsafe { Pin::new_unchecked(&mut this.first) };
        // SAFETY: see above.
        let mut second = unsafe { Pin::new_unchecked(&mut this.second) };
        // What to resume next: the first filter with its argument, or the second with its own.
        let mut to_first = match this.at {
            At::First => Some(arg),
            At::Start | At::Second => None,
        };
        let mut to_second = None;
        loop {
            if let Some(arg) = to_first.take() {
                match first.as_mut().resume(arg) {
                    State::Yielded(Step::Emit(value)) => to_second = Some(value),
                    State::Yielded(Step::Receive) => {
                        this.at = At::First;
                        return State::Yielded(Step::Receive);
                    }
                    State::Complete(_) => this.first_done = true,
                }
            }
            match second.as_mut().resume(to_second.take()) {
                State::Yielded(Step::Emit(value)) => {
                    this.at = At::Second;
                    return State::Yielded(Step::Emit(value));
                }
                // After `Emit` the first filter's resume argument is ignored; before its first
                // resume it is the `None` that starts it.
                State::Yielded(Step::Receive) if !this.first_done => to_first = Some(None),
                // The input ended: the second keeps receiving `None`.
                State::Yielded(Step::Receive) => {}
                State::Complete(value) => return State::Complete(value),
            }
        }
    }
}
