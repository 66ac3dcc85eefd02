//! The target of the `#[resumable]` lowering: a body becomes an `async` block whose only awaits
//! are `yield_!` points, driven by [`Gen::resume`] with a waker of our own (see
//! the `handoff` module beside this one for how values cross and who may use the slot).
//!
//! Nothing here is public API: the items are reached by generated code through
//! `resumable::__private`, and each is safe to call in any order (see the crate's "Soundness"
//! section).

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::pin::Pin;
use core::ptr::{self, NonNull};
use core::task::{Context, Poll};

#[cfg(not(feature = "alloc"))]
use super::delegate::Leaf;
use super::delegate::{AsFrame, Detached, ErasedFrame, Frames, InPlace, Subroutine};
// The hand-off's public items keep their paths under `lower`, which generated code names.
pub use super::handoff::{Auto, Co, First, Instance, Keyed, Marker, Mode, Owner, Static, Yield};
use super::handoff::{Exchange, Link, ORPHANS, Sealed, Slot, waker};
use super::state::{Resumable, State};

/// A [`Gen`]'s body, or what became of it. The two ends need no byte of their own: they sit in
/// the niche of the body's own state (an `async` block's), so that a `Gen` that does not delegate
/// is exactly as large as its body.
enum Stage<B> {
    /// Not started, stopped at a `yield_!`, or inside `resume`.
    Live(B),
    /// The body returned and was dropped.
    Returned,
    /// A `resume` unwound out of the body, which was dropped in place as the panic passed.
    Panicked,
}

impl<B> Stage<B> {
    /// Drops the live body in place and leaves `end` (`Returned` or `Panicked`) in its stead,
    /// even if a drop in the body panics.
    ///
    /// # Safety
    ///
    /// `this` points to a live, pinned stage that nothing borrows.
    #[inline]
    unsafe fn end(this: *mut Self, end: fn() -> Self) {
        /// Writes the end, however the drop went.
        struct Leave<B>(*mut Stage<B>, fn() -> Stage<B>);
        impl<B> Drop for Leave<B> {
            fn drop(&mut self) {
                // SAFETY: `Stage::end`'s contract; the body, if any, was dropped (or its drop
                // unwound, which also ends its fields' lives), so it is overwritten, not dropped.
                unsafe { self.0.write((self.1)()) };
            }
        }
        let leave = Leave(this, end);
        // SAFETY: the caller's contract. The body is dropped where it is (pinning allows a drop
        // in place), and `leave` then overwrites it, so it is never dropped twice.
        unsafe {
            if let Stage::Live(body) = &mut *this {
                ptr::drop_in_place(body);
            }
        }
        drop(leave);
    }
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
    /// Whether this storage has a frame stack.
    const FRAMES: bool;
    /// The frame stack behind `this`, if this storage has one. Creates no reference to it, so
    /// that pointers to it taken by earlier resumes stay valid.
    fn frames(this: *mut Self) -> Option<NonNull<Frames<Y, R>>>;
    /// Disposes of the storage of a coroutine moved by value to be delegated to.
    fn discard(self);
}

/// The storage of a body without `yield_from!`: nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFrames;

impl<Y, R> Storage<Y, R> for NoFrames {
    // Delegates to nothing: polled in place.
    type InPlace<B> = Option<B>;
    const FRAMES: bool = false;

    #[inline(always)]
    fn frames(_: *mut Self) -> Option<NonNull<Frames<Y, R>>> {
        None
    }

    #[inline(always)]
    fn discard(self) {}
}

impl<Y, R> Storage<Y, R> for Frames<Y, R> {
    type InPlace<B> = AsFrame;
    const FRAMES: bool = true;

    #[inline(always)]
    fn frames(this: *mut Self) -> Option<NonNull<Frames<Y, R>>> {
        NonNull::new(this)
    }

    #[inline(always)]
    fn discard(self) {
        // A coroutine moved by value was never resumed with a frame pushed (a frame is pushed
        // only by a `yield_from!` pinned inside the body, so the body, and the `Gen`, cannot
        // move afterwards): its stack is unused and owns nothing, so it need not be dropped
        // (which would cost a call). Should it be used anyway, it is dropped as usual.
        if self.is_unused() {
            core::mem::forget(self);
        }
    }
}

/// A lowered coroutine: the body's `async` block (or what became of it), and (for a body that
/// delegates) the frames of the coroutines it delegated to.
///
/// `#[resumable]` functions return this behind `impl Resumable` (or `impl Subroutine`). Without
/// delegation it holds nothing but the body's state (no heap allocation, no shared pointer), so it
/// is `Send` exactly when the body's state is; see [`Frames`] for the delegating case.
/// Invariant in `Y` and `R`.
#[must_use = "coroutines do nothing unless resumed"]
pub struct Gen<F, Y, R, K = TakesFirst, S = NoFrames, M: Mode = Instance> {
    // Declared first, so dropped first: its `yield_from!` futures drop the frames they pushed
    // (innermost first) while everything those frames borrow is still alive. Kept with its
    // identity as a frame is, so that a delegating body is polled by the very function that
    // polls its frames (see `drive`).
    stage: Stage<Detached<F, M>>,
    frames: S,
    _types: PhantomData<(Exchange<Y, R>, K)>,
}

impl<F, Y, R, K, S, M: Mode> fmt::Debug for Gen<F, Y, R, K, S, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let phase = match self.stage {
            Stage::Live(_) => "live",
            Stage::Returned => "returned",
            Stage::Panicked => "panicked",
        };
        f.debug_struct("Gen")
            .field("stage", &phase)
            .finish_non_exhaustive()
    }
}

impl<F: Future, Y, R, K, S, M: Mode> Gen<F, Y, R, K, S, M> {
    /// A `Gen` of any kind and storage, not started.
    #[inline(always)]
    const fn new(marker: Marker<Y, R, M>, body: F, frames: S) -> Self {
        Self {
            stage: Stage::Live(Detached::new(body, marker.id())),
            frames,
            _types: PhantomData,
        }
    }
}

/// Builds a [`Gen`] whose body takes the first argument and does not delegate.
#[inline(always)]
pub const fn from_parts<F: Future, Y, R, M: Mode>(
    marker: Marker<Y, R, M>,
    body: F,
) -> Gen<F, Y, R, TakesFirst, NoFrames, M> {
    Gen::new(marker, body, NoFrames)
}

/// Builds a [`Gen`] whose body starts without an argument and does not delegate.
#[inline(always)]
pub const fn from_parts_starting<F: Future, Y, R, M: Mode>(
    marker: Marker<Y, R, M>,
    body: F,
) -> Gen<F, Y, R, Starts, NoFrames, M> {
    Gen::new(marker, body, NoFrames)
}

/// Builds a [`Gen`] whose body takes the first argument and delegates with `yield_from!`.
#[inline(always)]
pub const fn from_parts_delegating<F: Future, Y, R, M: Mode>(
    marker: Marker<Y, R, M>,
    body: F,
) -> Gen<F, Y, R, TakesFirst, Frames<Y, R>, M> {
    Gen::new(marker, body, Frames::new())
}

/// Builds a [`Gen`] whose body starts without an argument and delegates with `yield_from!`.
#[inline(always)]
pub const fn from_parts_starting_delegating<F: Future, Y, R, M: Mode>(
    marker: Marker<Y, R, M>,
    body: F,
) -> Gen<F, Y, R, Starts, Frames<Y, R>, M> {
    Gen::new(marker, body, Frames::new())
}

/// What a `resume` that unwinds leaves behind: a driver's frame stack settled (frames whose
/// `yield_from!` was dropped while a frame above them ran are dropped now, before anything they
/// borrow can go, and the stack no longer counts as being polled), then the body dropped in place
/// and the stage `Panicked`. A panic in a frame (a coroutine run by `yield_from!` that itself
/// delegates) unwinds through the frame's poll and the driver, not through the body suspended in
/// its `yield_from!`; dropping the body here drops the frames it pushed, innermost first, then
/// its locals, as the unwinding of plain code would, before the panic reaches whoever catches it.
/// (A normal return settles as it goes and disarms it.)
struct Settle<B, Y, R> {
    frames: Option<NonNull<Frames<Y, R>>>,
    stage: *mut Stage<B>,
}

impl<B, Y, R> Drop for Settle<B, Y, R> {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: `frames` is the stack of the `Gen` being resumed, alive for this whole
        // `resume` and reached only through raw pointers; no frame is being polled now. `stage`
        // is that `Gen`'s stage: pinned, and not borrowed (the poll that was running has
        // unwound). The stack is no longer being polled (`end`), so the frames that the body's
        // `yield_from!` releases as it is dropped are dropped at once.
        unsafe {
            if let Some(frames) = self.frames {
                Frames::end(Some(frames));
                Frames::settle(frames);
            }
            Stage::end(self.stage, || Stage::Panicked);
        }
    }
}

/// The driver's code (see [`Gen::drive`]), for the two functions that run it, which differ only
/// in how they are inlined.
macro_rules! drive {
    ($self:ident, $arg:ident) => {{
        let arg = $arg;
        // SAFETY: `body` is structurally pinned: it is only ever reached through this pinned
        // projection, never moved out, and `Gen` has no `Drop` impl and no `Unpin` impl of its own
        // (it is `Unpin` only when all its fields are). `stage` and `frames` are reached only
        // through the pointers taken below; `frames` is not pinned.
        let this = unsafe { $self.get_unchecked_mut() };
        let stage = &raw mut this.stage;
        // SAFETY: `stage` is alive and not borrowed; the reference ends with the match.
        let detached: *mut Detached<F, M> = match unsafe { &mut *stage } {
            Stage::Live(detached) => detached,
            Stage::Returned => resumed_after_return(),
            Stage::Panicked => resumed_after_panic(),
        };
        // SAFETY: `detached` points to the live body; `id` is `Copy`; no reference is made.
        let (id, body_ptr) = unsafe { ((*detached).id, &raw mut (*detached).body) };
        let owner = M::owner(id);
        let frames = S::frames(&raw mut this.frames);
        // Every poll sets the header's body range first (the body branch below, or the frame's
        // `poll_frame`). (The owner is set whole: a level entering the slot may change only part
        // of it.)
        let mut slot = MaybeUninit::<Slot<Y, R>>::uninit();
        // Every access to `slot` from here on goes through this pointer, the one the waker hands
        // to the body, so that no access of ours invalidates it.
        let slot = slot.as_mut_ptr();
        // SAFETY: `slot` points to (uninitialised) memory of a `Slot<Y, R>`.
        unsafe { Slot::init(slot, owner, Some(arg), frames.map(NonNull::cast)) };
        // Armed only while a frame can leave orphans behind; disarmed on every normal return.
        let settle = Settle { frames, stage };
        if let Some(f) = frames {
            // SAFETY: `frames` points to `this.frames`, alive for this whole call and reached only
            // through raw pointers (the body's `yield_from!` futures use the same pointer).
            unsafe { Frames::begin(f, slot.cast()) };
        }
        // Where a delegating body's value goes when it returns.
        let mut out = None;
        loop {
            let ready = if let Some(f) = frames {
                // A delegating body is polled by the function that polls its frames (through the
                // same owner and memory bookkeeping), so that this function is its poll's only
                // caller and the optimiser can inline the poll there, checks folded; that
                // function goes on with the frames of the body's type (see `Frames`).
                // SAFETY: as above.
                if let Some((frame, cell, at)) = unsafe { Frames::top(f) } {
                    // SAFETY: as above; `frame` is the innermost live frame: pinned in its own
                    // block until popped or dropped, and not borrowed elsewhere. `slot` is alive
                    // and not borrowed; the frame sets the slot's owner and body to its own.
                    unsafe { Frames::poll_frame(f, frame, at, slot.cast(), cell).is_ready() }
                } else {
                    // SAFETY: `body` is pinned because `self` was (see the first SAFETY
                    // comment); `slot` is alive and not borrowed; `out` is a live
                    // `Option<F::Output>`.
                    let polled = unsafe {
                        Pin::new_unchecked(&mut *detached).poll_frame(
                            f,
                            0,
                            slot.cast(),
                            (&raw mut out).cast(),
                        )
                    };
                    if polled.is_ready() {
                        core::mem::forget(settle);
                        // SAFETY: as above; the body returned, and nothing borrows it.
                        unsafe {
                            Frames::end(frames);
                            Stage::end(stage, || Stage::Returned);
                        }
                        return match out {
                            Some(value) => State::Complete(value),
                            None => unreachable!("a returned body left no value"),
                        };
                    }
                    false
                }
            } else {
                // The body's owner and memory are stored right before its poll, and it gets a
                // context of its own, so that once inlined the checks of its hand-off futures
                // compare known values and fold away.
                // SAFETY: `slot` is alive and not borrowed (no poll is running); see above for
                // `frames`.
                unsafe {
                    M::enter(id, &mut (*slot).header.owner);
                    (*slot).header.set_body(body_ptr);
                }
                let link = Link {
                    header: slot.cast(),
                    outer: ptr::null(),
                };
                // SAFETY: `link` outlives the poll below, the only place the waker is lent.
                let waker = unsafe { waker(&raw const link) };
                let mut cx = Context::from_waker(&waker);
                // SAFETY: `body` is pinned because `self` was (see the first SAFETY comment).
                let body = unsafe { Pin::new_unchecked(&mut *body_ptr) };
                if let Poll::Ready(value) = body.poll(&mut cx) {
                    core::mem::forget(settle);
                    // SAFETY: as above.
                    // SAFETY: as above; the body returned, and nothing borrows it.
                    unsafe {
                        Frames::end(frames);
                        Stage::end(stage, || Stage::Returned);
                    }
                    return State::Complete(value);
                }
                false
            };
            // SAFETY: the poll is over; `slot` is alive and reached only through this pointer.
            let slot = unsafe { &mut *slot };
            let flags = core::mem::replace(&mut slot.header.flags, 0);
            if flags & ORPHANS != 0 {
                // A `yield_from!` was dropped while a frame above it ran: its frames go now.
                if let Some(f) = frames {
                    // SAFETY: as above; no frame is being polled.
                    unsafe { Frames::settle(f) };
                }
            } else if ready {
                // SAFETY: as above; the frame just returned, so it is popped before anything
                // polls it again.
                unsafe { Frames::pop_returned(frames) };
                continue;
            }
            if let Some(value) = slot.yielded.take() {
                core::mem::forget(settle);
                // SAFETY: as above.
                unsafe { Frames::end(frames) };
                return State::Yielded(value);
            }
            if flags == 0 {
                foreign_pending();
            }
        }
    }};
}

impl<F: Future, Y, R, K, S: Storage<Y, R>, M: Keyed<Y, R>> Gen<F, Y, R, K, S, M> {
    /// One `resume`: polls the innermost active frame (or the body, when there is none) until
    /// something yields or the body returns. A frame that returns is popped and its parent polled
    /// again at once; a `yield_from!` pushes a frame, which is polled at once. Without delegation
    /// (`S = NoFrames`) the loop runs once: one poll of the body.
    ///
    /// A coroutine that delegates to nothing is resumed through a function of its own,
    /// [`drive_alone`](Self::drive_alone), which is where its body is polled: the one place, so
    /// the body's poll is inlined there whatever the number of places that resume the coroutine
    /// (a filter fn of several pipelines), and that function is inlined where the optimiser
    /// sees fit. A delegating coroutine's driver is inlined where it is resumed: its body is
    /// polled by its frames' function (see [`ErasedFrame::poll_frame`]).
    #[inline(always)]
    fn drive(self: Pin<&mut Self>, arg: R) -> State<Y, F::Output> {
        if S::FRAMES {
            self.drive_here(arg)
        } else {
            self.drive_alone(arg)
        }
    }

    /// [`drive`](Self::drive) for a coroutine that delegates to nothing. The driver's code is
    /// written out here, not called: a function that only calls it would be inlined into each
    /// caller early, taking the body's poll along into each.
    #[inline]
    fn drive_alone(self: Pin<&mut Self>, arg: R) -> State<Y, F::Output> {
        drive!(self, arg)
    }

    /// [`drive`](Self::drive) for a delegating coroutine.
    #[inline(always)]
    fn drive_here(self: Pin<&mut Self>, arg: R) -> State<Y, F::Output> {
        drive!(self, arg)
    }

    /// Whether the body has returned.
    pub fn is_complete(&self) -> bool {
        matches!(self.stage, Stage::Returned)
    }
}

impl<F, Y, R, S, M> Resumable<R> for Gen<F, Y, R, TakesFirst, S, M>
where
    F: Future,
    S: Storage<Y, R>,
    M: Keyed<Y, R>,
{
    type Yield = Y;
    type Return = F::Output;

    #[inline(always)]
    fn resume(self: Pin<&mut Self>, arg: R) -> State<Y, F::Output> {
        self.drive(arg)
    }
}

impl<F, Y, S, M> Resumable<()> for Gen<F, Y, (), Starts, S, M>
where
    F: Future,
    S: Storage<Y, ()>,
    M: Keyed<Y, ()>,
{
    type Yield = Y;
    type Return = F::Output;

    #[inline(always)]
    fn resume(self: Pin<&mut Self>, arg: ()) -> State<Y, F::Output> {
        self.drive(arg)
    }
}

impl<F: Future, Y, R, K, S, M: Mode> Sealed for Gen<F, Y, R, K, S, M> {}

/// The kind of a [`Gen`] that can be delegated to: [`Starts`] only. A bound rather than the
/// kind in the impl's header, so that a `yield_from!` of a `coroutine!` fails this impl's
/// where-clause, which is not recommended, and is reported as `Subroutine` not implemented,
/// without rustc pointing at this impl and the internal `Starts` and `TakesFirst`.
pub trait Delegable: Sealed {}

impl Delegable for Starts {}
impl Sealed for Starts {}

#[diagnostic::do_not_recommend]
impl<F, Y, R, K, S, M> Subroutine<R> for Gen<F, Y, R, K, S, M>
where
    K: Delegable,
    F: Future,
    S: Storage<Y, R>,
    M: Keyed<Y, R>,
{
    type Yield = Y;
    type Return = F::Output;
    type __Body = F;
    type __Mode = M;
    type __InPlace = S::InPlace<Detached<F, M>>;

    #[inline]
    fn __into_body(self) -> Detached<F, M> {
        let Gen { stage, frames, .. } = self;
        S::discard(frames);
        match stage {
            Stage::Live(body) => body,
            // A coroutine handed to `yield_from!` by value was never resumed.
            Stage::Returned | Stage::Panicked => unreachable!("a coroutine delegated to had run"),
        }
    }
}

#[cold]
#[inline(never)]
pub(crate) fn resumed_after_panic() -> ! {
    panic!("cannot resume a coroutine that panicked")
}

#[cold]
#[inline(never)]
pub(crate) fn resumed_after_return() -> ! {
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

impl<Y, R, T> fmt::Debug for Stub<Y, R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
    type __Mode = Instance;
    type __InPlace = AsFrame;

    fn __into_body(self) -> Detached<Self::__Body, Instance> {
        unreachable!("a coroutine that failed to compile was delegated to")
    }
}

#[cfg(feature = "alloc")]
impl<Y> IntoIterator for Stub<Y, (), ()> {
    type Item = Y;
    type IntoIter = super::iter::IntoIter<Self>;

    fn into_iter(self) -> Self::IntoIter {
        super::iter::IntoIter::new(self)
    }
}

#[cfg(not(feature = "alloc"))]
#[diagnostic::do_not_recommend]
impl<F, Y, R, K, M: Mode> Leaf for Gen<F, Y, R, K, NoFrames, M> {}

#[cfg(not(feature = "alloc"))]
#[diagnostic::do_not_recommend]
impl<Y, R, T> Leaf for Stub<Y, R, T> {}

/// Only generators that return `()` are iterators themselves: one that returns a value would
/// drop it unseen in a `for` loop. Those use [`Resumable::iter`] or [`Resumable::try_iter`].
#[cfg(feature = "alloc")]
impl<F: Future, Y, K, S, M: Mode> IntoIterator for Gen<F, Y, (), K, S, M>
where
    Self: Resumable<(), Yield = Y, Return = ()>,
{
    type Item = Y;
    type IntoIter = super::iter::IntoIter<Self>;

    fn into_iter(self) -> super::iter::IntoIter<Self> {
        super::iter::IntoIter::new(self)
    }
}
