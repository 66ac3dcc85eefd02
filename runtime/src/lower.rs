//! The target of the `#[resumable]` lowering: a body becomes an `async` block whose only awaits
//! are `yield_!` points, driven by [`Gen::resume`] with a waker of our own.
//!
//! How a value crosses the boundary: `resume` puts its argument in a `Slot` on its own stack
//! frame and polls the body with a waker whose data pointer is that slot. A `yield_!` future finds
//! the slot through the waker, leaves its value there and returns `Pending`; on the next poll it
//! takes the new argument out and returns `Ready`. Because the slot lives in `resume`'s frame and
//! not inside the coroutine, the body never points into itself and the optimiser can keep the
//! whole exchange in registers once `resume` is inlined.
//!
//! Nothing here is public API: the items are reached by generated code through
//! `resumable::__private`.

use core::future::Future;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::pin::Pin;
use core::ptr::{self, NonNull};
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use crate::delegate::{AsFrame, Delegate, Exchange, Frames, InPlace, Sealed, Subroutine};
use crate::state::{Resumable, State};

/// The hand-off slot that lives on `resume`'s stack frame for the duration of one poll.
pub(crate) struct Slot<Y, R> {
    /// The argument of the current `resume`, taken by the `yield_!` (or first-argument) future.
    pub(crate) arg: Option<R>,
    /// The value of the `yield_!` the body stopped at, taken by `resume` after `Pending`.
    pub(crate) yielded: Option<Y>,
    /// The frame stack of the delegating coroutine being resumed, if it is one.
    pub(crate) frames: Option<NonNull<Frames<Y, R>>>,
    /// Set by a `yield_from!` that pushed a frame: the `Pending` it returned is not a yield.
    pub(crate) pushed: bool,
}

/// The waker given to a coroutine body. Its functions never touch the data pointer, so cloning,
/// waking or dropping it is always harmless; only `slot` reads the pointer, after checking that
/// the waker is this one.
static VTABLE: RawWakerVTable = RawWakerVTable::new(clone_waker, noop, noop, noop);

fn clone_waker(data: *const ()) -> RawWaker {
    RawWaker::new(data, &VTABLE)
}

fn noop(_: *const ()) {}

/// The slot of the `resume` currently polling this body.
///
/// # Panics
///
/// When the context's waker is not one made by [`Gen::resume`]: a `yield_!` future was polled by
/// something other than a coroutine (only possible by misusing `__private`).
#[inline(always)]
pub(crate) fn slot<'a, Y, R>(cx: &'a mut Context<'_>) -> &'a mut Slot<Y, R> {
    let waker = cx.waker();
    if !ptr::eq(waker.vtable(), &raw const VTABLE) {
        foreign_waker();
    }
    // SAFETY: the vtable check above means this waker was built by `Gen::resume` (or cloned from
    // one), whose data pointer is `&raw mut slot` of a `Slot<Y, R>` on `resume`'s stack frame.
    // `resume` is still running: it is the one polling us through `cx`, and it does not touch
    // `slot` until `poll` returns, so this is the only live access. The types match because the
    // generated code creates every `Yield<Y, R>` / `First<Y, R>` from the `Co<Y, R>` token of the
    // same body that `Gen<F, Y, R>` polls (`__private::from_parts` ties the two together).
    unsafe { &mut *waker.data().cast::<Slot<Y, R>>().cast_mut() }
}

/// The token a lowered body uses to reach its resumer. Zero-sized; not `Clone` so that the
/// generated `let __co = __co;` moves it into the body's `async` block.
pub struct Co<Y, R> {
    _types: PhantomData<fn(Y) -> R>,
}

impl<Y, R> core::fmt::Debug for Co<Y, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Co").finish_non_exhaustive()
    }
}

/// A copyable witness of a [`Co`]'s types, used to tie the token to the [`Gen`] that polls it.
pub struct Marker<Y, R> {
    _types: PhantomData<fn(Y) -> R>,
}

impl<Y, R> Clone for Marker<Y, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Y, R> Copy for Marker<Y, R> {}

impl<Y, R> core::fmt::Debug for Marker<Y, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Marker").finish_non_exhaustive()
    }
}

impl<Y, R> Co<Y, R> {
    /// A new token. Generated code makes exactly one per coroutine.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Self {
            _types: PhantomData,
        }
    }

    /// The type witness of this token.
    pub const fn marker(&self) -> Marker<Y, R> {
        Marker {
            _types: PhantomData,
        }
    }

    /// The future behind `yield_!(value)`: hands `value` out, evaluates to the next argument.
    pub const fn yield_(&self, value: Y) -> Yield<Y, R> {
        Yield {
            value: Some(value),
            _types: PhantomData,
        }
    }

    /// The future behind `yield_from!(sub)`: `thunk` builds the coroutine delegated to when the
    /// future is first polled (so that the body's state never contains it: recursion works).
    pub fn delegate<C, S>(&self, thunk: C) -> Delegate<Y, R, C, S, S::Return, S::__InPlace>
    where
        C: FnOnce() -> S,
        S: Subroutine<R, Yield = Y>,
    {
        Delegate::new(thunk)
    }

    /// The future that receives the first `resume`'s argument at the top of a body.
    pub const fn first(&self) -> First<Y, R> {
        First {
            _types: PhantomData,
        }
    }
}

/// The future behind one `yield_!`.
#[must_use = "a `yield_!` does nothing unless awaited by generated code"]
pub struct Yield<Y, R> {
    value: Option<Y>,
    _types: PhantomData<fn() -> R>,
}

// `Yield` never hands out a pinned reference to its fields, so it need not stay put.
impl<Y, R> Unpin for Yield<Y, R> {}

impl<Y, R> core::fmt::Debug for Yield<Y, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Yield")
            .field("pending", &self.value.is_some())
            .finish_non_exhaustive()
    }
}

impl<Y, R> Future for Yield<Y, R> {
    type Output = R;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        let this = self.get_mut();
        let slot = slot::<Y, R>(cx);
        if let Some(value) = this.value.take() {
            slot.yielded = Some(value);
            Poll::Pending
        } else {
            Poll::Ready(take_arg(slot))
        }
    }
}

/// The future that receives the first `resume`'s argument.
#[must_use = "the first argument is lost unless awaited by generated code"]
pub struct First<Y, R> {
    _types: PhantomData<fn(Y) -> R>,
}

impl<Y, R> core::fmt::Debug for First<Y, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("First").finish_non_exhaustive()
    }
}

impl<Y, R> Future for First<Y, R> {
    type Output = R;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        Poll::Ready(take_arg(slot::<Y, R>(cx)))
    }
}

#[inline(always)]
fn take_arg<Y, R>(slot: &mut Slot<Y, R>) -> R {
    match slot.arg.take() {
        Some(arg) => arg,
        None => arg_taken_twice(),
    }
}

#[cold]
#[inline(never)]
fn foreign_waker() -> ! {
    panic!("a `yield_!` point was polled outside the coroutine that created it")
}

#[cold]
#[inline(never)]
fn arg_taken_twice() -> ! {
    panic!("a `resume` argument was taken twice (a `yield_!` future was polled by hand)")
}

/// What a [`Gen`] is doing between two resumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Not started, or stopped at a `yield_!`.
    Suspended,
    /// Inside `resume`; seen again by a later `resume` only if the body panicked.
    Running,
    /// The body returned.
    Returned,
}

/// Kind of a [`Gen`] whose body receives the first `resume`'s argument (a `#[resume]`
/// parameter, or a `coroutine!` closure's parameter). It can only be resumed, not delegated to.
#[derive(Debug, Clone, Copy)]
pub struct TakesFirst;

/// Kind of a [`Gen`] whose body starts without an argument (no `#[resume]` parameter). It can
/// be delegated to with `yield_from!`; with `resume = ()` it can also be resumed.
#[derive(Debug, Clone, Copy)]
pub struct Starts;

/// Where a [`Gen`] keeps the frames of the coroutines its body delegates to: [`NoFrames`] when
/// the body has no `yield_from!`, [`Frames`] when it has.
pub trait Storage<Y, R> {
    /// How a `yield_from!` of a coroutine with this storage keeps its body `B`.
    type InPlace<B>: InPlace<B>;
    /// The frame stack, if this storage has one.
    fn frames(&mut self) -> Option<NonNull<Frames<Y, R>>>;
}

/// The storage of a body without `yield_from!`: nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFrames;

impl<Y, R> Storage<Y, R> for NoFrames {
    // Delegates to nothing: polled in place.
    type InPlace<B> = Option<B>;

    #[inline(always)]
    fn frames(&mut self) -> Option<NonNull<Frames<Y, R>>> {
        None
    }
}

impl<Y, R> Storage<Y, R> for Frames<Y, R> {
    type InPlace<B> = AsFrame;

    #[inline(always)]
    fn frames(&mut self) -> Option<NonNull<Frames<Y, R>>> {
        Some(NonNull::from(self))
    }
}

/// A lowered coroutine: the body's `async` block, its phase, and (for a body that delegates) the
/// frames of the coroutines it delegated to.
///
/// `#[resumable]` functions return this behind `impl Resumable` (or `impl Subroutine`). Without
/// delegation it holds nothing but the body's state (no heap allocation, no shared pointer), so it
/// is `Send` exactly when the body's state is; see [`Frames`] for the delegating case.
#[must_use = "coroutines do nothing unless resumed"]
pub struct Gen<F, Y, R, K = TakesFirst, S = NoFrames> {
    // Declared first so that delegated frames, which may borrow from the body, drop before it.
    frames: S,
    body: F,
    phase: Phase,
    _types: PhantomData<(Exchange<Y, R>, K)>,
}

impl<F, Y, R, K, S> core::fmt::Debug for Gen<F, Y, R, K, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Gen")
            .field("phase", &self.phase)
            .finish_non_exhaustive()
    }
}

impl<F: Future, Y, R, K, S> Gen<F, Y, R, K, S> {
    /// A `Gen` of any kind and storage, not started.
    const fn new(body: F, frames: S) -> Self {
        Self {
            frames,
            body,
            phase: Phase::Suspended,
            _types: PhantomData,
        }
    }
}

/// Builds a [`Gen`] whose body takes the first argument and does not delegate.
pub const fn from_parts<F: Future, Y, R>(_: Marker<Y, R>, body: F) -> Gen<F, Y, R> {
    Gen::new(body, NoFrames)
}

/// Builds a [`Gen`] whose body starts without an argument and does not delegate.
pub const fn from_parts_starting<F: Future, Y, R>(
    _: Marker<Y, R>,
    body: F,
) -> Gen<F, Y, R, Starts> {
    Gen::new(body, NoFrames)
}

/// Builds a [`Gen`] whose body takes the first argument and delegates with `yield_from!`.
pub const fn from_parts_delegating<F: Future, Y, R>(
    _: Marker<Y, R>,
    body: F,
) -> Gen<F, Y, R, TakesFirst, Frames<Y, R>> {
    Gen::new(body, Frames::new())
}

/// Builds a [`Gen`] whose body starts without an argument and delegates with `yield_from!`.
pub const fn from_parts_starting_delegating<F: Future, Y, R>(
    _: Marker<Y, R>,
    body: F,
) -> Gen<F, Y, R, Starts, Frames<Y, R>> {
    Gen::new(body, Frames::new())
}

impl<F: Future, Y, R, K, S: Storage<Y, R>> Gen<F, Y, R, K, S> {
    /// One `resume`: polls the innermost active frame (or the body, when there is none) until
    /// something yields or the body returns. A frame that returns is popped and its parent polled
    /// again at once; a `yield_from!` pushes a frame, which is polled at once. Without delegation
    /// (`S = NoFrames`) the loop runs once: one poll of the body.
    #[inline(always)]
    fn drive(self: Pin<&mut Self>, arg: R) -> State<Y, F::Output> {
        // SAFETY: `body` is structurally pinned: it is only ever reached through this pinned
        // projection, never moved out, and `Gen` has no `Drop` impl and no `Unpin` impl of its own
        // (it is `Unpin` only when all its fields are). `frames` is reached only through the
        // pointer taken below, and `phase` by `&mut`; neither is pinned.
        let this = unsafe { self.get_unchecked_mut() };
        match this.phase {
            Phase::Suspended => {}
            Phase::Running => resumed_after_panic(),
            Phase::Returned => resumed_after_return(),
        }
        this.phase = Phase::Running;
        let frames = this.frames.frames();
        // SAFETY: see above; `this.body` is pinned because `self` was.
        let mut body = unsafe { Pin::new_unchecked(&mut this.body) };
        let mut slot = Slot::<Y, R> {
            arg: Some(arg),
            yielded: None,
            frames,
            pushed: false,
        };
        // Every access to `slot` from here on goes through this pointer, the one the waker hands
        // to the body, so that no access of ours invalidates it.
        let slot = &raw mut slot;
        let raw = RawWaker::new(slot.cast_const().cast(), &VTABLE);
        // SAFETY: the vtable's functions do nothing with the data pointer (clone copies it,
        // wake and drop are no-ops), so every `RawWaker` contract holds trivially and the waker
        // is safe to use, clone or send anywhere. Only `slot()` dereferences the pointer, during
        // the polls below, while `slot` is alive and not otherwise borrowed.
        // Never dropped: its drop function is a no-op, and calling it through the vtable (a
        // static of this crate, opaque to the optimiser in the user's crate) costs an indirect
        // call per resume.
        let waker = ManuallyDrop::new(unsafe { Waker::from_raw(raw) });
        let mut cx = Context::from_waker(&waker);
        loop {
            // SAFETY: `frames` points to `this.frames`, alive and unborrowed for this whole call
            // (the body and frames reach it only through the same pointer, from `slot`).
            let top = frames.and_then(|f| unsafe { f.as_ref() }.top());
            if let Some(frame) = top {
                // SAFETY: `frame` is the innermost live frame of `frames`: pinned in its own block
                // until popped, and not borrowed elsewhere.
                if unsafe { Frames::poll_frame(frame, &mut cx) }.is_ready() {
                    // SAFETY: as above; the frame just returned, so it is popped before anything
                    // polls it again.
                    unsafe { Frames::pop_returned(frames) };
                    continue;
                }
            } else if let Poll::Ready(value) = body.as_mut().poll(&mut cx) {
                this.phase = Phase::Returned;
                return State::Complete(value);
            }
            // SAFETY: the polls are over; `slot` is alive and reached only through this pointer.
            let slot = unsafe { &mut *slot };
            if let Some(value) = slot.yielded.take() {
                this.phase = Phase::Suspended;
                return State::Yielded(value);
            }
            if !core::mem::replace(&mut slot.pushed, false) {
                foreign_pending();
            }
        }
    }

    /// Whether the body has returned.
    pub fn is_complete(&self) -> bool {
        self.phase == Phase::Returned
    }
}

impl<F: Future, Y, R, S: Storage<Y, R>> Resumable<R> for Gen<F, Y, R, TakesFirst, S> {
    type Yield = Y;
    type Return = F::Output;

    #[inline(always)]
    fn resume(self: Pin<&mut Self>, arg: R) -> State<Y, F::Output> {
        self.drive(arg)
    }
}

impl<F: Future, Y, S: Storage<Y, ()>> Resumable<()> for Gen<F, Y, (), Starts, S> {
    type Yield = Y;
    type Return = F::Output;

    #[inline(always)]
    fn resume(self: Pin<&mut Self>, arg: ()) -> State<Y, F::Output> {
        self.drive(arg)
    }
}

impl<F: Future, Y, R, S> Sealed for Gen<F, Y, R, Starts, S> {}

impl<F: Future, Y, R, S: Storage<Y, R>> Subroutine<R> for Gen<F, Y, R, Starts, S> {
    type Yield = Y;
    type Return = F::Output;
    type __Body = F;
    type __InPlace = S::InPlace<F>;

    #[inline]
    fn __into_body(self) -> F {
        let Gen { frames, body, .. } = self;
        // A coroutine moved by value was never resumed (resuming needs it pinned), so its frame
        // stack is empty and owns nothing: forgetting it skips a call to its destructor.
        core::mem::forget(frames);
        body
    }
}

#[cold]
#[inline(never)]
fn resumed_after_panic() -> ! {
    panic!("cannot resume a coroutine that panicked")
}

#[cold]
#[inline(never)]
fn resumed_after_return() -> ! {
    panic!("cannot resume a coroutine that has returned")
}

#[cold]
#[inline(never)]
fn foreign_pending() -> ! {
    panic!("a coroutine body stopped without `yield_!` (it awaited a foreign future)")
}

/// What the macros emit in place of a body that failed to compile, so that the error they report
/// is not followed by unrelated ones. Never constructed at run time by valid code.
pub struct Stub<Y, R, T> {
    _types: PhantomData<fn(R) -> (Y, T)>,
}

impl<Y, R, T> core::fmt::Debug for Stub<Y, R, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Stub").finish_non_exhaustive()
    }
}

/// A [`Stub`]; see there.
pub const fn stub<Y, R, T>() -> Stub<Y, R, T> {
    Stub {
        _types: PhantomData,
    }
}

#[diagnostic::do_not_recommend]
impl<Y, R, T> Resumable<R> for Stub<Y, R, T> {
    type Yield = Y;
    type Return = T;

    fn resume(self: Pin<&mut Self>, _: R) -> State<Y, T> {
        unreachable!("a coroutine that failed to compile was resumed")
    }
}

impl<Y, R, T> Sealed for Stub<Y, R, T> {}

#[diagnostic::do_not_recommend]
impl<Y, R, T> Subroutine<R> for Stub<Y, R, T> {
    type Yield = Y;
    type Return = T;
    type __Body = core::future::Pending<T>;
    type __InPlace = AsFrame;

    fn __into_body(self) -> Self::__Body {
        unreachable!("a coroutine that failed to compile was delegated to")
    }
}

impl<Y, T> IntoIterator for Stub<Y, (), T> {
    type Item = Y;
    type IntoIter = core::iter::Empty<Y>;

    fn into_iter(self) -> Self::IntoIter {
        core::iter::empty()
    }
}
