//! Async coroutines: bodies that `.await` any future as well as `yield_!`, resumed by awaiting
//! ([`AsyncResumable::resume`]), and with `resume = ()` [`Stream`]s.
//!
//! `#[resumable(async, yield = Y, resume = R)]` on a fn, or `coroutine!(async |x: R| ..)`, lowers
//! the body as the synchronous form does, to an `async` block whose `yield_!` points hand their
//! value over through a slot on the driver's stack. The difference is the driver,
//! [`AsyncGen`], and the waker it polls the body with.
//!
//! # The waker
//!
//! An awaited future must see the executor's waker, so that it is woken on any executor; a
//! `yield_!` must find its slot, without a thread-local. The body is polled with a waker of our
//! own whose data pointer leads to a `Link` on the driver's stack: the slot, and the waker of
//! the executor polling the driver. Its functions act on the executor's waker:
//!
//! - `clone` returns a clone of the executor's waker (not of ours), so a future that keeps the
//!   waker keeps the executor's, valid after the poll;
//! - `wake_by_ref` (and `wake`) wake the executor's waker;
//! - `drop` does nothing: our waker owns nothing.
//!
//! A consequence: `cx.waker().will_wake(&kept)` is `false` for a waker kept from an earlier poll,
//! as our waker is not the executor's; such a future clones the waker again when it is pending.
//!
//! # Why the link is never used after its poll
//!
//! No one but the driver owns a waker with this vtable: it is made in a `ManuallyDrop` on the
//! driver's stack and lent to the body only through the `Context` of one poll, and every clone is
//! the executor's own waker. So the functions of `VTABLE` (and `header()`, which reads the slot's
//! address out of the link) only ever run through a borrow of that `Context`, while the driver's
//! frame, and the link and slot in it, are alive. The link is never written after the waker is
//! made, so it may be read from any thread (the waker is `Sync`) while the body runs; the slot
//! is reached only by the hand-off futures on the body's thread, through the same checks as in
//! the synchronous form (the owner and types of the slot).
//!
//! # Delegation
//!
//! `yield_from!(sub)` in an async body runs `sub` in place, inside the `yield_from!`, polled with
//! the same waker: `sub` may be an async coroutine, or a synchronous one that delegates to nothing
//! (a leaf). A synchronous coroutine that itself uses `yield_from!` needs the frame stack of a
//! synchronous driver and panics when delegated to from an async body. An async coroutine cannot
//! hold a copy of itself, so recursion needs a box (`Box::pin`), resumed by hand in a loop:
//! `yield_from!` does not take a boxed coroutine.

use core::fmt;
use core::future::Future;
use core::marker::{PhantomData, PhantomPinned};
use core::mem::MaybeUninit;
use core::pin::Pin;
use core::task::{Context, Poll};

/// The traits of `futures-core` that async generators implement, re-exported so that a crate
/// can name them without depending on `futures-core` itself.
pub use futures_core::{FusedStream, Stream};

use super::delegate::{Detached, InPlace, SameYield, Subroutine};
use super::handoff::{
    Co, Exchange, Header, Instance, Keyed, Link, Marker, Mode, Sealed, Slot, owned_slot, waker,
};
use super::lower::{Starts, TakesFirst, resumed_after_panic, resumed_after_return};
use super::state::State;

/// What an async coroutine is doing between two polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Not started, or stopped at a `yield_!`: the next poll starts a step with an argument.
    Suspended,
    /// In the middle of a step, waiting for a future it awaited.
    Waiting,
    /// Being polled; seen again by a later poll only if the body panicked.
    Running,
    /// The body returned.
    Returned,
}

impl Phase {
    /// What a poll finds when no step starts: the argument of a step in the middle of which
    /// the body waits is `None` (it was taken when the step started); otherwise a panic.
    #[inline(never)]
    fn continued<R>(self) -> Option<R> {
        match self {
            Phase::Waiting => None,
            Phase::Running => resumed_after_panic(),
            Phase::Returned | Phase::Suspended => resumed_after_return(),
        }
    }
}

/// An async coroutine: resumed by awaiting, `co.resume(arg).await`.
///
/// What the async forms of `#[resumable]` and `coroutine!` return. Each step runs the body until
/// its next `yield_!` or its end, awaiting whatever the body awaits on the way: the future of
/// [`resume`](Self::resume) is pending while the body waits.
///
/// ```
/// use core::pin::pin;
/// use resumable::{resumable, yield_, AsyncResumable, State};
///
/// #[resumable(async, yield = u32, resume = u32)]
/// fn doubler(#[resume] first: u32) -> &'static str {
///     let mut x = first;
///     while x != 0 {
///         let ready = core::future::ready(2 * x).await; // any future
///         x = yield_!(ready);
///     }
///     "done"
/// }
///
/// futures_executor::block_on(async {
///     let mut co = pin!(doubler());
///     assert_eq!(co.as_mut().resume(1).await, State::Yielded(2)); // 1 went to `first`
///     assert_eq!(co.as_mut().resume(5).await, State::Yielded(10));
///     assert_eq!(co.as_mut().resume(0).await, State::Complete("done"));
/// });
/// ```
///
/// # Synchronous APIs
///
/// An async coroutine is not a [`Resumable`](crate::Resumable): the Lua-style
/// [`Coroutine`](crate::Coroutine), `wrap`, iteration and the pipelines resume synchronously, and
/// giving them an async coroutine is a compile-time error saying so.
///
/// # Panics
///
/// Polling after the body returned (`cannot resume a coroutine that has returned`) or after it
/// panicked (`cannot resume a coroutine that panicked`); a panic in the body propagates.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an async coroutine resumed with `{R}`",
    label = "not an async coroutine resumed with `{R}`",
    note = "async coroutines are made by `#[resumable(async, ..)]` and `coroutine!(async |..| ..)`"
)]
pub trait AsyncResumable<R = ()> {
    /// The type of the values handed out by `yield_!`.
    type Yield;
    /// The type of the value the body finally returns.
    type Return;

    /// Polls the current step. A step starts, at a poll made while the coroutine is suspended
    /// (not started, or stopped at a `yield_!`), by taking the argument out of `arg`; the polls
    /// that follow while it waits for a future leave `arg` alone. `Ready` once the body yields or
    /// returns.
    ///
    /// # Panics
    ///
    /// When a step starts and `arg` is `None`, after the body returned or panicked, and when the
    /// body panics.
    fn poll_resume(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        arg: &mut Option<R>,
    ) -> Poll<State<Self::Yield, Self::Return>>;

    /// Runs the body until its next `yield_!` or its end, passing `arg` in: the first resume's
    /// argument goes to the `#[resume]` parameter (or the closure's parameter), each later one
    /// is the value of the `yield_!` the body stopped at.
    ///
    /// If the future is dropped while the body waits, the step goes on at the next `resume`,
    /// which returns what it yields; that `resume`'s argument is dropped, as the body did not
    /// ask for one.
    fn resume(self: Pin<&mut Self>, arg: R) -> Resume<'_, Self, R> {
        Resume {
            co: self,
            arg: Some(arg),
        }
    }

    /// A [`Stream`] of what a generator returning `Result<(), E>` yields, as `Ok` items, ending
    /// with its `Err` if it returns one (what async-stream's `try_stream!` gives).
    ///
    /// ```
    /// use core::pin::pin;
    /// use futures_core::Stream;
    /// use resumable::{resumable, yield_, AsyncResumable};
    ///
    /// #[resumable(async, yield = u32)]
    /// fn parse<'a>(words: &'a [&'a str]) -> Result<(), core::num::ParseIntError> {
    ///     for w in words {
    ///         yield_!(w.parse()?);
    ///     }
    ///     Ok(())
    /// }
    ///
    /// let words = ["1", "2", "x", "4"];
    /// let s = pin!(parse(&words).try_stream());
    /// let items: Vec<_> = futures_executor::block_on_stream(s).collect();
    /// assert_eq!(items.len(), 3);
    /// assert_eq!(items[..2], [Ok(1), Ok(2)]);
    /// assert!(items[2].is_err());
    /// ```
    fn try_stream<T, E>(self) -> TryStream<Self>
    where
        Self: Sized + AsyncResumable<(), Return = Result<T, E>>,
    {
        TryStream {
            co: self,
            done: false,
        }
    }
}

/// The future of one [`AsyncResumable::resume`].
///
/// ```
/// use core::pin::pin;
/// use resumable::{coroutine, yield_, AsyncResumable, State};
///
/// let mut co = pin!(coroutine!(async |x: u8| -> u8 { x + yield_!(x) }));
/// let step = co.as_mut().resume(2); // nothing runs until it is awaited
/// assert_eq!(futures_executor::block_on(step), State::Yielded(2));
/// assert_eq!(futures_executor::block_on(co.as_mut().resume(3)), State::Complete(5));
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Resume<'a, C: ?Sized, R> {
    co: Pin<&'a mut C>,
    arg: Option<R>,
}

impl<C: ?Sized, R> fmt::Debug for Resume<'_, C, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resume")
            .field("started", &self.arg.is_none())
            .finish_non_exhaustive()
    }
}

// The coroutine is pinned behind the reference; the argument is never pinned.
impl<C: ?Sized, R> Unpin for Resume<'_, C, R> {}

impl<C: AsyncResumable<R> + ?Sized, R> Future for Resume<'_, C, R> {
    type Output = State<C::Yield, C::Return>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.co.as_mut().poll_resume(cx, &mut this.arg)
    }
}

/// A lowered async coroutine: the body's `async` block and its phase. Holds nothing but the
/// body's state (no heap allocation), so it is `Send` exactly when the body's state is.
/// Invariant in `Y` and `R`.
///
/// What `coroutine!(async ..)` returns (a `#[resumable(async, ..)]` fn returns it behind
/// `impl AsyncResumable`).
///
/// ```
/// use core::pin::pin;
/// use resumable::{coroutine, yield_};
///
/// let co = coroutine!(async |()| yield_!('a'));
/// assert!(!co.is_complete());
/// let items: Vec<char> = futures_executor::block_on_stream(pin!(co)).collect();
/// assert_eq!(items, ['a']);
/// ```
#[must_use = "coroutines do nothing unless resumed"]
pub struct AsyncGen<F, Y, R, K = TakesFirst, M: Mode = Instance> {
    body: Detached<F, M>,
    phase: Phase,
    _types: PhantomData<(Exchange<Y, R>, K)>,
}

impl<F, Y, R, K, M: Mode> fmt::Debug for AsyncGen<F, Y, R, K, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncGen")
            .field("phase", &self.phase)
            .finish_non_exhaustive()
    }
}

/// Builds an [`AsyncGen`] whose body takes the first argument.
#[inline(always)]
pub const fn async_from_parts<F: Future, Y, R, M: Mode>(
    marker: Marker<Y, R, M>,
    body: F,
) -> AsyncGen<F, Y, R, TakesFirst, M> {
    AsyncGen::new(marker, body)
}

/// Builds an [`AsyncGen`] whose body starts without an argument.
#[inline(always)]
pub const fn async_from_parts_starting<F: Future, Y, R, M: Mode>(
    marker: Marker<Y, R, M>,
    body: F,
) -> AsyncGen<F, Y, R, Starts, M> {
    AsyncGen::new(marker, body)
}

impl<F, Y, R, K, M: Mode> AsyncGen<F, Y, R, K, M> {
    #[inline(always)]
    const fn new(marker: Marker<Y, R, M>, body: F) -> Self {
        Self {
            body: Detached::new(body, marker.id()),
            phase: Phase::Suspended,
            _types: PhantomData,
        }
    }

    /// Whether the body has returned.
    pub fn is_complete(&self) -> bool {
        self.phase == Phase::Returned
    }
}

impl<F: Future, Y, R, K, M: Keyed<Y, R>> AsyncGen<F, Y, R, K, M> {
    /// One poll of the body, with a slot for its hand-off futures and a waker that leads both to
    /// the slot and to the executor's waker.
    #[inline(always)]
    fn drive(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        arg: &mut Option<R>,
    ) -> Poll<State<Y, F::Output>> {
        // SAFETY: `body` is structurally pinned: only ever reached through this pinned
        // projection, never moved out, and `AsyncGen` has no `Drop` impl and no `Unpin` impl of
        // its own. `phase` is not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        let arg_out = arg;
        // One comparison on the path of a step that starts (every item of a stream whose awaits
        // are ready); the rest out of line.
        let arg = if this.phase == Phase::Suspended {
            match arg_out.take() {
                Some(arg) => Some(arg),
                None => missing_argument(),
            }
        } else {
            this.phase.continued()
        };
        this.phase = Phase::Running;
        let body_ptr = &raw mut this.body.body;
        let mut slot = MaybeUninit::<Slot<Y, R>>::uninit();
        // Every access to `slot` from here on goes through this pointer, the one the link hands
        // to the body, so that no access of ours invalidates it.
        let slot = slot.as_mut_ptr();
        // SAFETY: `slot` points to (uninitialised) memory of a `Slot<Y, R>`, initialised first
        // and its body range then; `body_ptr` points to the live body. No frame stack: a `yield_from!` in an async body
        // runs its coroutine in place.
        unsafe {
            Slot::init(slot, M::owner(this.body.id), arg, None);
            (*slot).header.set_body(body_ptr);
        }
        let link = Link {
            header: slot.cast(),
            outer: cx.waker(),
        };
        // SAFETY: the link lives until this function returns; the waker is only lent, in
        // `body_cx`, for the poll below (clones are the executor's waker).
        let waker = unsafe { waker(&raw const link) };
        let mut body_cx = Context::from_waker(&waker);
        // SAFETY: `body` is pinned because `self` was (see the first SAFETY comment).
        let body = unsafe { Pin::new_unchecked(&mut *body_ptr) };
        let polled = body.poll(&mut body_cx);
        // SAFETY: the poll is over; `slot` is alive, initialised, and reached only through this
        // pointer.
        let slot = unsafe { &mut *slot };
        if let Some(left) = slot.arg.take() {
            // The body did not take the argument (one that starts without one, resumed with
            // `()`): the caller keeps it.
            *arg_out = Some(left);
        }
        match polled {
            Poll::Ready(value) => {
                if slot.yielded.take().is_some() {
                    yielded_and_returned();
                }
                this.phase = Phase::Returned;
                Poll::Ready(State::Complete(value))
            }
            Poll::Pending => {
                if let Some(value) = slot.yielded.take() {
                    this.phase = Phase::Suspended;
                    Poll::Ready(State::Yielded(value))
                } else {
                    // An awaited future is pending: it holds a clone of the executor's waker.
                    this.phase = Phase::Waiting;
                    Poll::Pending
                }
            }
        }
    }
}

impl<F, Y, R, M> AsyncResumable<R> for AsyncGen<F, Y, R, TakesFirst, M>
where
    F: Future,
    M: Keyed<Y, R>,
{
    type Yield = Y;
    type Return = F::Output;

    #[inline(always)]
    fn poll_resume(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        arg: &mut Option<R>,
    ) -> Poll<State<Y, F::Output>> {
        self.drive(cx, arg)
    }
}

impl<F, Y, M> AsyncResumable<()> for AsyncGen<F, Y, (), Starts, M>
where
    F: Future,
    M: Keyed<Y, ()>,
{
    type Yield = Y;
    type Return = F::Output;

    #[inline(always)]
    fn poll_resume(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        arg: &mut Option<()>,
    ) -> Poll<State<Y, F::Output>> {
        self.drive(cx, arg)
    }
}

/// An async generator that returns `()` is a stream of what it yields: no allocation, and fused
/// (it keeps returning `None` once the body returned).
impl<F, Y, K, M> Stream for AsyncGen<F, Y, (), K, M>
where
    F: Future<Output = ()>,
    M: Keyed<Y, ()>,
{
    type Item = Y;

    #[inline(always)]
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Y>> {
        if self.phase != Phase::Suspended && self.phase == Phase::Returned {
            return Poll::Ready(None);
        }
        match self.drive(cx, &mut Some(())) {
            Poll::Ready(State::Yielded(value)) => Poll::Ready(Some(value)),
            Poll::Ready(State::Complete(())) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<F, Y, K, M> FusedStream for AsyncGen<F, Y, (), K, M>
where
    F: Future<Output = ()>,
    M: Keyed<Y, ()>,
{
    fn is_terminated(&self) -> bool {
        self.phase == Phase::Returned
    }
}

/// The stream of [`AsyncResumable::try_stream`]: `Ok` for each value yielded, then the `Err`
/// the generator returns, if any, then nothing. Holds the generator inline (pin it to poll it);
/// fused.
///
/// ```
/// use core::pin::pin;
/// use resumable::async_gen::FusedStream;
/// use resumable::{coroutine, yield_, AsyncResumable};
///
/// let s = coroutine!(async |()| -> Result<(), &'static str> {
///     yield_!(1);
///     Err("stopped")
/// })
/// .try_stream();
/// let mut s = pin!(s);
/// assert!(!s.is_terminated());
/// let items: Vec<_> = futures_executor::block_on_stream(s.as_mut()).collect();
/// assert_eq!(items, [Ok(1), Err("stopped")]);
/// assert!(s.is_terminated());
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct TryStream<G> {
    co: G,
    done: bool,
}

impl<G> fmt::Debug for TryStream<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryStream")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<G, T, E> Stream for TryStream<G>
where
    G: AsyncResumable<(), Return = Result<T, E>>,
{
    type Item = Result<G::Yield, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // SAFETY: `co` is structurally pinned (never moved out; `TryStream` has no `Drop` impl
        // and is `Unpin` only when `G` is); `done` is not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        if this.done {
            return Poll::Ready(None);
        }
        // SAFETY: see above.
        let co = unsafe { Pin::new_unchecked(&mut this.co) };
        match core::task::ready!(co.poll_resume(cx, &mut Some(()))) {
            State::Yielded(value) => Poll::Ready(Some(Ok(value))),
            State::Complete(Ok(_)) => {
                this.done = true;
                Poll::Ready(None)
            }
            State::Complete(Err(error)) => {
                this.done = true;
                Poll::Ready(Some(Err(error)))
            }
        }
    }
}

impl<G, T, E> FusedStream for TryStream<G>
where
    G: AsyncResumable<(), Return = Result<T, E>>,
{
    fn is_terminated(&self) -> bool {
        self.done
    }
}

/// A coroutine that an async coroutine can delegate to with `yield_from!`: an async coroutine
/// whose body starts without an argument (no `#[resume]` parameter), or a synchronous
/// [`Subroutine`].
///
/// It is run in place, inside the `yield_from!`, and polled with the async coroutine's waker, so
/// what it awaits is woken by the executor. A synchronous coroutine that itself delegates (has a
/// `yield_from!`) needs a synchronous driver's frame stack: delegating to one from an async body
/// panics.
///
/// Sealed: only coroutines made by this crate's macros implement it.
///
/// ```
/// use resumable::{resumable, yield_, yield_from};
///
/// #[resumable(yield = u32)]
/// fn sync_leaf() -> u32 {
///     yield_!(1);
///     10
/// }
///
/// #[resumable(async, yield = u32)]
/// fn async_helper(x: u32) -> u32 {
///     yield_!(core::future::ready(x).await);
///     20
/// }
///
/// #[resumable(async, yield = u32)]
/// fn both() {
///     let a = yield_from!(sync_leaf());
///     let b = yield_from!(async_helper(2));
///     yield_!(a + b);
/// }
///
/// let s = core::pin::pin!(both());
/// assert_eq!(futures_executor::block_on_stream(s).collect::<Vec<_>>(), [1, 2, 30]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be delegated to with `yield_from!` from an async coroutine resumed with `{R}`",
    label = "not a coroutine an async coroutine can delegate to",
    note = "`yield_from!` in an async coroutine takes a call of a `#[resumable(async, ..)]` or `#[resumable]` fn without a `#[resume]` parameter, with the same `yield` and `resume` types as the caller"
)]
pub trait AsyncSubroutine<R = ()>: AsyncSealed {
    /// The type of the values handed out by `yield_!`.
    type Yield;
    /// The type of the value the body finally returns (the value of `yield_from!`).
    type Return;
    /// The body's state machine. Not API.
    #[doc(hidden)]
    type __Body: Future<Output = Self::Return>;
    /// How the body's hand-off futures recognise their coroutine. Not API.
    #[doc(hidden)]
    type __Mode: Keyed<Self::Yield, R>;
    /// Whether the body can be polled in place (it has no frames to push). Not API.
    #[doc(hidden)]
    const __IN_PLACE: bool;

    /// The body with its identity. Not API.
    #[doc(hidden)]
    fn __into_async_body(self) -> Detached<Self::__Body, Self::__Mode>;

    /// What `yield_from!` in an async body calls. Not API.
    #[doc(hidden)]
    #[inline(always)]
    #[allow(clippy::type_complexity)]
    fn __delegate_async<Y, M: Mode, C: FnOnce() -> Self>(
        co: &Co<Y, R, M>,
        thunk: C,
    ) -> AsyncDelegate<Self::Yield, R, M, C, Self, Detached<Self::__Body, Self::__Mode>>
    where
        Self: Sized,
        Self::Yield: SameYield<Y>,
    {
        AsyncDelegate {
            thunk: Some(thunk),
            body: None,
            id: co.id(),
            _types: PhantomData,
            _pinned: PhantomPinned,
        }
    }
}

impl<S: Subroutine<R> + Sealed, R> AsyncSubroutine<R> for S {
    type Yield = S::Yield;
    type Return = S::Return;
    type __Body = S::__Body;
    type __Mode = S::__Mode;
    const __IN_PLACE: bool = <S::__InPlace as InPlace<Detached<S::__Body, S::__Mode>>>::IN_PLACE;

    #[inline(always)]
    fn __into_async_body(self) -> Detached<S::__Body, S::__Mode> {
        self.__into_body()
    }
}

impl<F, Y, R, K, M: Mode> AsyncSealed for AsyncGen<F, Y, R, K, M> {}

impl<F, Y, R, M> AsyncSubroutine<R> for AsyncGen<F, Y, R, Starts, M>
where
    F: Future,
    M: Keyed<Y, R>,
{
    type Yield = Y;
    type Return = F::Output;
    type __Body = F;
    type __Mode = M;
    const __IN_PLACE: bool = true;

    #[inline(always)]
    fn __into_async_body(self) -> Detached<F, M> {
        self.body
    }
}

/// The future behind one `yield_from!(sub)` in an async body: builds `sub` when first polled and
/// polls its body in place, with the caller's context, under `sub`'s owner, until it returns.
#[must_use = "a `yield_from!` does nothing unless awaited by generated code"]
pub struct AsyncDelegate<Y, R, M: Mode, C, S, B> {
    thunk: Option<C>,
    body: Option<B>,
    id: M::Id,
    // `S`: the body holding this future is `Send` only if the delegated coroutine is, and what
    // it borrows must outlive this future.
    _types: PhantomData<(Exchange<Y, R>, S)>,
    _pinned: PhantomPinned,
}

// SAFETY: `B` is always `S`'s body (`__delegate_async`, the only constructor, fixes it so), and
// every `AsyncSubroutine` (a sealed trait) is a coroutine of this crate that holds its body (or,
// for a stub, none): a `Send` `S` has a `Send` body. Spelled out because `B` is a projection
// through the opaque type a coroutine fn returns, which hides its auto traits.
unsafe impl<Y, R, M: Mode, C: Send, S: Send, B> Send for AsyncDelegate<Y, R, M, C, S, B> {}

impl<Y, R, M: Mode, C, S, B> fmt::Debug for AsyncDelegate<Y, R, M, C, S, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncDelegate")
            .field("started", &self.thunk.is_none())
            .finish_non_exhaustive()
    }
}

impl<Y, R, M, C, S> Future for AsyncDelegate<Y, R, M, C, S, Detached<S::__Body, S::__Mode>>
where
    M: Keyed<Y, R>,
    C: FnOnce() -> S,
    S: AsyncSubroutine<R, Yield = Y>,
{
    type Output = S::Return;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<S::Return> {
        // SAFETY: `body` is structurally pinned: kept, polled and dropped in place (set to
        // `None`), never moved out; the thunk is not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        if let Some(thunk) = this.thunk.take() {
            if !S::__IN_PLACE {
                delegating_sub();
            }
            this.body = Some(thunk().__into_async_body());
        }
        let Some(body) = this.body.as_mut() else {
            polled_after_return()
        };
        // Checks that the slot is ours, so of our types, which are the sub's
        // (`S: AsyncSubroutine<R, Yield = Y>`, and its `__Mode: Keyed<Y, R>`).
        let header = owned_slot::<Y, R, M>(cx, this.id).cast::<Header>();
        // SAFETY: `header` is the live slot's header (checked above); the references end at
        // once, and nothing else accesses the slot between the hand-off futures' polls.
        let saved = unsafe { (*header).owner };
        // SAFETY: as above.
        unsafe { <S::__Mode as Keyed<Y, R>>::enter(body.id, &mut (*header).owner) };
        // SAFETY: `body.body` is pinned (see the first SAFETY comment).
        let polled = unsafe { Pin::new_unchecked(&mut body.body) }.poll(cx);
        // SAFETY: as above; the sub's poll is over. Ours again.
        unsafe { (*header).owner = saved };
        let value = core::task::ready!(polled);
        this.body = None;
        Poll::Ready(value)
    }
}

/// Seals [`AsyncSubroutine`]: implemented by every coroutine of this crate that can be
/// delegated to (a public trait in a private module).
mod sealed {
    pub trait AsyncSealed {}

    impl<S: super::super::handoff::Sealed> AsyncSealed for S {}
}

use sealed::AsyncSealed;

#[cold]
#[inline(never)]
fn delegating_sub() -> ! {
    panic!(
        "an async coroutine cannot delegate with `yield_from!` to a synchronous coroutine that itself uses `yield_from!`"
    )
}

#[cold]
#[inline(never)]
fn polled_after_return() -> ! {
    panic!("a `yield_from!` was polled again after its coroutine returned")
}

#[cold]
#[inline(never)]
fn missing_argument() -> ! {
    panic!("an async coroutine's step was started without an argument (`poll_resume` with `None`)")
}

#[cold]
#[inline(never)]
fn yielded_and_returned() -> ! {
    panic!("two values were yielded in one step of a coroutine (a `yield_!` was polled by hand)")
}
