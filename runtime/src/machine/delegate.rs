//! Delegation: `yield_from!(sub)` runs the coroutine `sub` to completion inside the current one.
//!
//! Nested delegation does not nest calls. The outermost coroutine being resumed (the *driver*)
//! keeps a stack of frames, one per active `yield_from!`, and polls only the innermost one:
//! a value yielded at depth 10,000 reaches the resumer in one step, and a resume argument reaches
//! the innermost frame in one step. A `yield_from!` pushes a frame instead of polling its
//! coroutine itself; a frame that returns is popped, writes its return value into the waiting
//! `yield_from!` of its parent, and the parent is polled again. So recursion depth is bounded by
//! memory, not by the native stack, and a recursive generator needs no `Box::pin`.
//!
//! Frames live in blocks owned by the driver and reused: a block freed by a returning frame is
//! taken again by the next frame of the same layout, so steady-state recursion allocates nothing.
//!
//! A coroutine that delegates to nothing (a leaf) needs none of this: its `yield_from!` polls it
//! in place, inside the delegating body's own state, which is cheaper and adds just one level to
//! the native stack (see [`InPlace`]).
//!
//! # Why a frame never outlives what it borrows
//!
//! A frame's coroutine may borrow from the body that delegated to it (`yield_from!(each(&v))`
//! with `v` a local), and the driver polls frames directly, not through that body. Three things
//! keep such a frame from running, or being dropped, after what it borrows is gone, whatever code
//! the body contains:
//!
//! - A `yield_from!` future pushes a frame only if it lies inside the memory of the body being
//!   polled (a panic otherwise). Pinned there, it cannot be forgotten or moved without leaking
//!   that whole body, and it cannot be dropped without its `Drop` running.
//! - Its `Drop` removes its frame and every frame above it, innermost first: at once when the body
//!   that holds it is the one being polled (or none is), and otherwise as soon as the frame being
//!   polled returns control to the driver, before any other code runs (the frame's return value,
//!   if any, is then discarded). The future's type names the delegated coroutine, so everything
//!   that coroutine borrows outlives the future's `Drop`.
//! - A body may push at most one frame per poll (a second push panics), so a frame is always
//!   pushed by the level just below it.

#[cfg(feature = "alloc")]
use alloc::alloc::{alloc, dealloc, handle_alloc_error};
#[cfg(feature = "alloc")]
use alloc::vec::Vec;
use core::alloc::Layout;
use core::any::TypeId;
use core::fmt;
use core::future::Future;
use core::marker::{PhantomData, PhantomPinned};
use core::pin::Pin;
use core::ptr::{self, NonNull};
use core::task::{Context, Poll};

#[cfg(not(feature = "alloc"))]
use super::no_alloc::{Vec, alloc, dealloc, handle_alloc_error};

use super::handoff::Slot;
use super::handoff::{
    Co, Exchange, Header, Keyed, Link, Mode, ORPHANS, Owner, PUSHED, Sealed, owned_slot, waker,
};

/// A coroutine that can be delegated to with `yield_from!`: one whose body starts without an
/// argument (a `#[resumable]` fn with no `#[resume]` parameter).
///
/// Generators (`resume = ()`) without a `#[resume]` parameter are both [`Resumable`] and
/// `Subroutine`. A `#[resumable]` fn with another resume type and no `#[resume]` parameter is only
/// a `Subroutine`: it is a helper that yields on behalf of its caller, like a Lua function that
/// calls `coroutine.yield`, and has no first `resume` of its own whose argument could be lost.
///
/// This trait is sealed: only coroutines made by `#[resumable]` implement it.
///
/// [`Resumable`]: crate::Resumable
///
/// ```
/// use core::pin::pin;
/// use resumable::{resumable, yield_, yield_from, Resumable, State};
///
/// /// Yields `2 * a` on behalf of its caller and returns what the caller was resumed with.
/// #[resumable(yield = i32, resume = i32)]
/// fn helper(a: i32) -> i32 {
///     yield_!(2 * a)
/// }
///
/// #[resumable(yield = i32, resume = i32)]
/// fn body(#[resume] a: i32) -> i32 {
///     let r = yield_from!(helper(a + 1));
///     r * 10
/// }
///
/// let mut co = pin!(body());
/// assert_eq!(co.as_mut().resume(1), State::Yielded(4)); // helper yielded 2 * (1 + 1)
/// assert_eq!(co.as_mut().resume(7), State::Complete(70)); // 7 went to the helper's yield_!
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be delegated to with `yield_from!` from a coroutine resumed with `{R}`",
    label = "not a `Subroutine<{R}>`",
    note = "`yield_from!` takes a call of a `#[resumable]` fn without a `#[resume]` parameter, with the same `yield` and `resume` types as the caller",
    note = "a `coroutine!` closure or a fn with a `#[resume]` parameter takes its first argument from `resume`, so it cannot be delegated to; to yield what an iterator gives, write `for x in iter {{ yield_!(x); }}`"
)]
pub trait Subroutine<R = ()>: Sealed {
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
    /// Where a `yield_from!` keeps the body to poll it in place: the body itself for a
    /// coroutine that delegates to nothing, nothing for one that does (it becomes a frame of
    /// the driver). Not API.
    #[doc(hidden)]
    type __InPlace: InPlace<Detached<Self::__Body, Self::__Mode>>;

    /// The body with its identity, to be polled in place or as a frame. Not API.
    #[doc(hidden)]
    fn __into_body(self) -> Detached<Self::__Body, Self::__Mode>;

    /// What `yield_from!` calls: the delegation to the coroutine `thunk` builds, by the
    /// coroutine `co` is the token of. Not API.
    ///
    /// Called as a method of this trait, so that a `yield_from!` of something else fails
    /// `Self: Subroutine` first, reported with this trait's message at the user's argument (the
    /// types after it are then errors, about which rustc says nothing more); a coroutine with
    /// other yield values fails only [`SameYield`], reported in its words. The `Delegate`
    /// returned is typed by `Self::Yield`, which `SameYield` proves equal to the caller's `Y`,
    /// so its own bounds do not repeat that error. It is a concrete type, not a projection, so
    /// that it is `Send` when the coroutine is (a projection through the `impl Subroutine` a
    /// `#[resumable]` fn returns would hide its auto traits).
    #[doc(hidden)]
    #[inline(always)]
    #[allow(clippy::type_complexity)]
    fn __delegate<Y, M: Mode, C: FnOnce() -> Self>(
        co: &Co<Y, R, M>,
        thunk: C,
    ) -> Delegate<Self::Yield, R, M, C, Self, Self::Return, Self::__InPlace>
    where
        Self: Sized,
        Self::Yield: SameYield<Y>,
        Self: Leaf,
    {
        Delegate::new(co.id(), thunk)
    }
}

/// `Self` is `Y`: the bound that checks that a coroutine delegated to with `yield_from!` yields
/// what its caller yields. Its only implementation is `T: SameYield<T>`, and no other crate can
/// add one (its supertrait cannot be named outside this crate): delegation's soundness relies
/// on it, as the coroutine delegated to hands its values to its caller's resumer.
#[diagnostic::on_unimplemented(
    message = "`yield_from!` passes on what the coroutine it runs yields, `{Self}`, but this coroutine yields `{Y}`",
    label = "yields `{Self}`, not `{Y}`",
    note = "a coroutine delegated to with `yield_from!` must have the same `yield` type as its caller (and the same `resume` type)"
)]
pub trait SameYield<Y>: same::Same<Y> {}

impl<T> SameYield<T> for T {}

/// The coroutines `yield_from!` can run in this build: all of them with the `alloc` feature;
/// without it, only *leaves*, coroutines that delegate to nothing, which it polls in place with
/// no allocation (one that delegates itself would run as a frame on the heap).
///
/// Without `alloc`, `#[resumable]` adds `+ Leaf` to the type a fn returns when its body has no
/// `yield_from!`, and a `yield_from!` of any other coroutine is a compile error that says so:
///
/// ```text
/// error[E0277]: `yield_from!` of a coroutine that itself delegates needs the `alloc` feature
/// ```
///
/// Implemented by the crate only; there is nothing to implement it for by hand.
#[diagnostic::on_unimplemented(
    message = "`yield_from!` of a coroutine that itself delegates needs the `alloc` feature",
    label = "this coroutine uses `yield_from!` itself, so it would run as a frame on the heap",
    note = "enable the `alloc` feature of `resumable` (with a global allocator), or delegate only to coroutines that delegate to nothing: those are polled in place, with no allocation"
)]
pub trait Leaf {}

#[cfg(feature = "alloc")]
impl<T: ?Sized> Leaf for T {}

// Without `alloc`, `lower` implements it for the coroutines without frames.

/// The seal of [`SameYield`]: a public trait in a private module.
mod same {
    pub trait Same<Y> {}

    impl<T> Same<T> for T {}
}

/// The body of a coroutine taken out of its `Gen` to be delegated to, with the identity its
/// hand-off futures check: polled in place by a `yield_from!`, or as a frame by the driver.
#[repr(C)]
pub struct Detached<B, M: Mode> {
    pub(crate) body: B,
    pub(crate) id: M::Id,
}

impl<B, M: Mode> fmt::Debug for Detached<B, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Detached").finish_non_exhaustive()
    }
}

impl<B, M: Mode> Detached<B, M> {
    #[inline(always)]
    pub(crate) const fn new(body: B, id: M::Id) -> Self {
        Self { body, id }
    }

    /// The owner this body's hand-off futures check for.
    #[inline(always)]
    fn owner<Y, R>(&self) -> Owner
    where
        M: Keyed<Y, R>,
    {
        M::owner(self.id)
    }

    /// Polls the body with `cx`, whose slot's owner is already this body's.
    #[inline(always)]
    fn poll_same_owner(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<B::Output>
    where
        B: Future,
    {
        // SAFETY: `body` is structurally pinned (never moved out; `Detached` has no `Drop`
        // impl).
        unsafe { self.map_unchecked_mut(|this| &mut this.body) }.poll(cx)
    }

    /// Polls the body against the slot behind `header`, with the slot's owner set to this body
    /// (and, when `whole`, its memory to this body's) for the duration of the poll. The body gets
    /// a context of its own, made from `header`, so that once inlined the checks of its hand-off
    /// futures compare the values just stored and fold away.
    ///
    /// # Safety
    ///
    /// `header` is the header of the running `resume`'s live slot, not borrowed elsewhere, and
    /// the slot has types `Y`, `R`.
    #[inline(always)]
    unsafe fn poll_as<Y, R>(
        self: Pin<&mut Self>,
        header: *mut Header,
        whole: bool,
    ) -> Poll<B::Output>
    where
        B: Future,
        M: Keyed<Y, R>,
    {
        // SAFETY: `body` is structurally pinned (never moved out; `Detached` has no `Drop` impl);
        // `id` is `Copy`.
        let this = unsafe { self.get_unchecked_mut() };
        let body = &raw mut this.body;
        // SAFETY: the caller's contract; the reference ends before the poll.
        unsafe {
            M::enter(this.id, &mut (*header).owner);
            if whole {
                (*header).set_body(body);
            }
        }
        let link = Link {
            header,
            outer: ptr::null(),
        };
        // SAFETY: `link` outlives the poll below, the only place the waker is lent.
        let waker = unsafe { waker(&raw const link) };
        // SAFETY: see above.
        unsafe { Pin::new_unchecked(&mut *body) }.poll(&mut Context::from_waker(&waker))
    }
}

/// How a [`Delegate`] keeps the body of the coroutine it delegates to, if it keeps it at all.
///
/// A coroutine that delegates to nothing (a *leaf*: the helpers of `dispatch` and `events`, a
/// `#[resumable]` fn without `yield_from!`) is polled in place, inside the `yield_from!` that
/// runs it: no frame, no return to the driver's loop. Its poll adds one level to the native
/// stack, and only one, since it delegates no further. A coroutine that delegates becomes a
/// frame of the driver instead, so that recursion stays off the native stack and out of the
/// delegating body's state (which could otherwise contain itself).
pub trait InPlace<B> {
    /// Whether bodies are polled in place.
    const IN_PLACE: bool;
    /// Nothing kept yet.
    fn empty() -> Self;
    /// Keeps `body` (only when [`IN_PLACE`](Self::IN_PLACE)).
    fn keep(&mut self, body: B);
    /// The body kept, if any.
    fn body(self: Pin<&mut Self>) -> Option<Pin<&mut B>>;
    /// Drops the body kept.
    fn clear(self: Pin<&mut Self>);
}

impl<B> InPlace<B> for Option<B> {
    const IN_PLACE: bool = true;

    #[inline(always)]
    fn empty() -> Self {
        None
    }

    #[inline(always)]
    fn keep(&mut self, body: B) {
        *self = Some(body);
    }

    #[inline(always)]
    fn body(self: Pin<&mut Self>) -> Option<Pin<&mut B>> {
        self.as_pin_mut()
    }

    #[inline(always)]
    fn clear(mut self: Pin<&mut Self>) {
        self.set(None);
    }
}

/// The [`InPlace`] of a coroutine that delegates: it is never kept in place.
#[derive(Debug, Clone, Copy, Default)]
pub struct AsFrame;

impl<B> InPlace<B> for AsFrame {
    const IN_PLACE: bool = false;

    #[inline(always)]
    fn empty() -> Self {
        Self
    }

    #[inline(always)]
    fn keep(&mut self, _: B) {
        unreachable!("a delegating coroutine is kept as a frame")
    }

    #[inline(always)]
    fn body(self: Pin<&mut Self>) -> Option<Pin<&mut B>> {
        None
    }

    #[inline(always)]
    fn clear(self: Pin<&mut Self>) {}
}

/// One frame on a driver's stack, with its types erased.
pub(crate) trait ErasedFrame<Y, R> {
    /// Polls the frame's coroutine, and goes on in this same call with the frames of its own
    /// type that control passes to: one it pushes, and the one below it when it returns (see
    /// [`Frames`], "One type, one loop").
    ///
    /// The coroutine is the innermost frame of `frames`, at level `at` (its index plus one, the
    /// stack's depth), or the driver's own body, at level 0 (with no frame on the stack). The
    /// loop never goes from frames to the driver's body or back, so what the driver called is
    /// what returned: `Ready` once the last coroutine polled returned and its value was written
    /// to its `out` (or dropped, when that is null), the driver's body when the driver called it
    /// and otherwise the innermost frame, still on the stack; `Pending` when the last poll
    /// returned that. Either way the slot's flags and yielded value are as that last poll left
    /// them, for the driver.
    ///
    /// # Safety
    ///
    /// `frames` is the driver's live stack, reached only through raw pointers. `header` is the
    /// header of the driver's live slot, of types `Y`, `R`, not borrowed elsewhere. `out` is
    /// null or points to the `Option<Output>` cell of the live `Delegate` that pushed this frame
    /// (for the body, a live cell of the driver's).
    unsafe fn poll_frame(
        self: Pin<&mut Self>,
        frames: NonNull<Frames<Y, R>>,
        at: usize,
        header: *mut Header,
        out: *mut (),
    ) -> Poll<()>;
}

impl<B: Future, M: Keyed<Y, R>, Y, R> ErasedFrame<Y, R> for Detached<B, M> {
    // The driver calls it for its own body too, so that its loop is the only caller of the
    // body's poll, which the optimiser can then inline into it: a recursive generator runs
    // call after call, return after return, in this one loop, with no call per poll.
    #[inline]
    unsafe fn poll_frame(
        self: Pin<&mut Self>,
        frames: NonNull<Frames<Y, R>>,
        mut at: usize,
        header: *mut Header,
        mut out: *mut (),
    ) -> Poll<()> {
        // SAFETY: the frame is pinned in its block (or the body in its `Gen`); it is reached
        // only through this pointer until the poll is over.
        let mut this: *mut Self = unsafe { self.get_unchecked_mut() };
        let slot = header.cast::<Slot<Y, R>>();
        loop {
            // SAFETY: the caller's contract, for the first coroutine; each one taken on below is
            // the innermost live frame, of this very type up to lifetimes (see `Frames`), pinned
            // in its block, and its `out` is the cell of the `Delegate` that pushed it.
            let polled = unsafe { Pin::new_unchecked(&mut *this).poll_as::<Y, R>(header, true) };
            // SAFETY: the poll is over; the slot is live, of types `Y`, `R`, and not borrowed.
            let flags = unsafe { (*header).flags };
            let next = match polled {
                Poll::Ready(value) => {
                    if let Some(out) = NonNull::new(out.cast::<Option<B::Output>>()) {
                        // SAFETY: the caller's contract: `out` is the cell of the `Delegate`
                        // that pushed this frame, which is alive (its `Drop` would have nulled
                        // `out` or removed this frame), pinned, and suspended, so not borrowed.
                        unsafe { *out.as_ptr() = Some(value) };
                    }
                    if flags != 0 {
                        return Poll::Ready(());
                    }
                    // SAFETY: the caller's contract; no frame is being polled.
                    match unsafe { Frames::return_to(frames, at) } {
                        Some(next) => {
                            at -= 1;
                            next
                        }
                        None => return Poll::Ready(()),
                    }
                }
                Poll::Pending => {
                    // SAFETY: as above.
                    if flags != PUSHED || unsafe { (*slot).yielded.is_some() } {
                        return Poll::Pending;
                    }
                    // SAFETY: as above.
                    match unsafe { Frames::enter_pushed(frames, at) } {
                        Some(next) => {
                            // SAFETY: as above; the push is acted on here, as the driver would.
                            unsafe { (*header).flags = 0 };
                            at += 1;
                            next
                        }
                        None => return Poll::Pending,
                    }
                }
            };
            this = next.0.cast::<Self>().as_ptr();
            out = next.1;
        }
    }
}

/// One place on a driver's stack: a block of memory, the layout it was allocated with, the frame
/// in it, and where the frame's return value goes. Below the stack's depth the block holds that
/// live frame; above it, the block is free and kept for the next frame pushed at that depth,
/// whatever its type, if it fits.
struct Entry<Y, R> {
    frame: NonNull<dyn ErasedFrame<Y, R>>,
    block: Layout,
    /// The `out` cell of the `Delegate` that pushed the frame; null once that `Delegate` was
    /// dropped while the frame was live (the frame is then an orphan, dropped soon).
    out: *mut (),
    /// The frame's type, lifetimes aside: frames of one type are polled in one loop.
    kind: TypeId,
}

/// A pointer to a frame, its type erased.
type ErasedPtr<Y, R> = NonNull<dyn ErasedFrame<Y, R>>;

/// The least alignment of every frame block.
const MIN_ALIGN: usize = 16;

/// No orphans (see [`Frames::orphans`]).
const NONE: usize = usize::MAX;

/// The frames of the coroutines a driver's body delegated to, innermost last, and the blocks of
/// returned frames kept for reuse.
///
/// # One type, one loop
///
/// A recursive generator pushes frames of its own type. The poll of a frame (the crate's
/// `ErasedFrame::poll_frame`) goes on, in the same call, with the frame it pushed when that
/// one has its own type, and with the frame below when it returns and that one has: a loop
/// around the body's poll, the only place the body is polled, so that the optimiser inlines it
/// there. Control goes back to the driver only for a yield, for a frame of another type, for the
/// driver's own body below the first frame, and for anything unusual (orphans, more than a
/// push), which the driver handles as before. The frames taken on in the loop are those the
/// driver would poll next, in the same order.
///
/// Each entry records its frame's type with `typeid`, which ignores lifetimes: a frame of the
/// loop's type may differ from it in lifetimes only (the body borrowing for a shorter one, say).
/// That difference does not exist in the code: a body's poll is the same machine code for every
/// lifetime, the frame lies in its own block as it was pushed, and its value goes through the
/// cell its own `Delegate` gave, whose type has the right lifetimes.
///
/// # Send
///
/// `Frames` is `Send` and `Sync` whatever it holds. That is sound because every frame was pushed
/// by a [`Delegate`] future that lives (suspended) inside the body of the driver or of an outer
/// frame (it checks so before pushing), and that future carries a `PhantomData` of the delegated
/// coroutine's type: the driver's body is `Send` only when every coroutine it delegates to is,
/// transitively, and a `Gen` is `Send` only when its body is.
pub struct Frames<Y, R> {
    entries: Vec<Entry<Y, R>>,
    /// Live frames: `entries[..depth]`.
    depth: usize,
    /// `entries[orphans..depth]` are to be dropped as soon as the frame being polled returns
    /// control to the driver; [`NONE`] when there are none.
    orphans: usize,
    /// The header of the slot of the `resume` running, null when none is: through it a
    /// `Delegate` dropped during a `resume` learns which frame is being polled (the one whose
    /// block the header's `start` is), and flags orphans to the driver.
    slot: *mut Header,
}

// SAFETY: see the type's `# Send` section: the body's auto traits stand for the frames'.
unsafe impl<Y, R> Send for Frames<Y, R> {}
// SAFETY: nothing is reachable through `&Frames`.
unsafe impl<Y, R> Sync for Frames<Y, R> {}

impl<Y, R> fmt::Debug for Frames<Y, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Frames")
            .field("depth", &self.depth)
            .field("blocks", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl<Y, R> Default for Frames<Y, R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<Y, R> Frames<Y, R> {
    /// No frames; allocates nothing.
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
            depth: 0,
            orphans: NONE,
            slot: ptr::null_mut(),
        }
    }

    /// The number of active frames.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The innermost active frame, where its value goes, and its level (the depth).
    ///
    /// # Safety
    ///
    /// `this` points to a live `Frames` not borrowed elsewhere.
    #[inline]
    #[allow(clippy::type_complexity)]
    pub(crate) unsafe fn top(this: NonNull<Self>) -> Option<(ErasedPtr<Y, R>, *mut (), usize)> {
        // SAFETY: the caller's contract; the reference ends here.
        let frames = unsafe { &*this.as_ptr() };
        match frames.depth {
            0 => None,
            depth => {
                // SAFETY: `depth <= entries.len()` always: `push` makes `entries[depth]` exist
                // before it raises the depth, and nothing else raises it or shortens `entries`
                // (only `Drop`, which ends the stack).
                let e = unsafe { frames.entries.get_unchecked(depth - 1) };
                Some((e.frame, e.out, depth))
            }
        }
    }

    /// The frame at level `at` returned, and left nothing for the driver to do: if the frame
    /// below it has its type (lifetimes aside), pops the returned one and gives the one below
    /// and where its value goes, to be polled next by the caller's loop.
    ///
    /// # Safety
    ///
    /// As [`top`](Self::top); no frame is being polled.
    #[inline(always)]
    unsafe fn return_to(this: NonNull<Self>, at: usize) -> Option<(NonNull<u8>, *mut ())> {
        let f = this.as_ptr();
        // SAFETY: the caller's contract; each access is a short one through `f`. The returned
        // frame is the innermost (`depth == at`), so `entries[at - 2]` is a live frame.
        unsafe {
            if at < 2 || (*f).depth != at {
                return None;
            }
            let entries = &(*f).entries;
            let below = entries.get_unchecked(at - 2);
            if below.kind != entries.get_unchecked(at - 1).kind {
                return None;
            }
            let next = (below.frame.cast::<u8>(), below.out);
            (*f).depth = at - 1;
            Some(next)
        }
    }

    /// The coroutine at level `at` pushed one frame and did nothing else: if that frame has the
    /// pusher's type (lifetimes aside), gives it and where its value goes, to be polled next by
    /// the caller's loop.
    ///
    /// # Safety
    ///
    /// As [`top`](Self::top); no frame is being polled.
    #[inline(always)]
    unsafe fn enter_pushed(this: NonNull<Self>, at: usize) -> Option<(NonNull<u8>, *mut ())> {
        let f = this.as_ptr();
        // SAFETY: the caller's contract; each access is a short one through `f`. The pushed
        // frame is the innermost (`depth == at + 1`: it was not released since), so it is live,
        // and the frame below it is the pusher (a body pushes at most one frame per poll).
        unsafe {
            // The driver's body (`at == 0`) goes back to the driver: its poll, inlined there,
            // stays a poll of the body alone, which the optimiser knows best.
            if at == 0 || (*f).depth != at + 1 {
                return None;
            }
            let entries = &(*f).entries;
            let pushed = entries.get_unchecked(at);
            (pushed.kind == entries.get_unchecked(at - 1).kind)
                .then(|| (pushed.frame.cast::<u8>(), pushed.out))
        }
    }

    /// Starts a `resume`: records its slot's header.
    ///
    /// # Safety
    ///
    /// As [`top`](Self::top).
    #[inline(always)]
    pub(crate) unsafe fn begin(this: NonNull<Self>, slot: *mut Header) {
        // SAFETY: the caller's contract.
        unsafe { (*this.as_ptr()).slot = slot };
    }

    /// Ends a `resume` (no orphans are left: the driver drops them after each poll).
    ///
    /// # Safety
    ///
    /// As [`top`](Self::top).
    #[inline(always)]
    pub(crate) unsafe fn end(this: Option<NonNull<Self>>) {
        if let Some(this) = this {
            // SAFETY: the caller's contract.
            unsafe { (*this.as_ptr()).slot = ptr::null_mut() };
        }
    }

    /// Polls `frame`, the innermost, at level `at` (see [`ErasedFrame::poll_frame`]).
    ///
    /// # Safety
    ///
    /// `frame` is the innermost frame of the live `Frames` `this`, not borrowed elsewhere;
    /// `header` and `out` as [`ErasedFrame::poll_frame`] requires (as returned by
    /// [`top`](Self::top), with `at`).
    #[inline]
    pub(crate) unsafe fn poll_frame(
        this: NonNull<Self>,
        frame: NonNull<dyn ErasedFrame<Y, R>>,
        at: usize,
        header: *mut Header,
        out: *mut (),
    ) -> Poll<()> {
        // SAFETY: the caller's contract; frames never move out of their blocks.
        unsafe { Pin::new_unchecked(&mut *frame.as_ptr()).poll_frame(this, at, header, out) }
    }

    /// Whether this stack never had a frame (so owns nothing, and need not be dropped).
    #[inline(always)]
    pub(crate) fn is_unused(&self) -> bool {
        self.entries.capacity() == 0
    }

    /// Pushes a frame for the body `make` builds, whose return value will be written to `out`,
    /// and returns its index. The block kept at this depth is reused when it has the same layout
    /// (recursion: always, after the first time), so steady-state delegation allocates nothing.
    /// The body is built straight into its block (`make` runs after the block is found), so that
    /// it is not copied on the way.
    ///
    /// # Safety
    ///
    /// `this` points to a live `Frames` not borrowed elsewhere. `out` is the `out` cell of the
    /// pinned `Delegate` pushing the frame, which releases it (see [`release`](Self::release))
    /// when dropped; everything the body borrows outlives that `Delegate`'s drop.
    #[inline]
    pub(crate) unsafe fn push<'a, B, M>(
        this: NonNull<Self>,
        make: impl FnOnce() -> Detached<B, M>,
        out: *mut Option<B::Output>,
    ) -> usize
    where
        B: Future + 'a,
        M: Keyed<Y, R>,
        Y: 'a,
        R: 'a,
    {
        let f = this.as_ptr();
        let layout = Layout::new::<Detached<B, M>>();
        // A zero-sized body (a hand-made `Gen` around `core::future::Pending`) still gets a
        // block of one byte: `alloc` needs a size.
        let layout =
            Layout::from_size_align(layout.size().max(1), layout.align()).unwrap_or(layout);
        // SAFETY: the caller's contract; the reference ends before `make` runs user code.
        let depth = unsafe { (*f).depth };
        // SAFETY: as above.
        let kept = unsafe {
            let entries = &(*f).entries;
            entries.get(depth).map(|e| (e.frame.cast::<u8>(), e.block))
        };
        let typed = match kept {
            // Every block is at least `MIN_ALIGN`-aligned, so for most frames only the sizes are
            // compared (the alignment test is a constant).
            Some((block, fits))
                if layout.size() <= fits.size()
                    && (layout.align() <= MIN_ALIGN || layout.align() <= fits.align()) =>
            {
                block.cast::<Detached<B, M>>()
            }
            kept => {
                // A bigger block, big enough for both: coroutines of different layouts taking
                // turns at one depth settle on one block after at most one growth each.
                let grown = match kept {
                    Some((old, old_layout)) => {
                        // SAFETY: a free block (at or above the depth), allocated with its layout.
                        unsafe { dealloc(old.as_ptr(), old_layout) };
                        Layout::from_size_align(
                            layout.size().max(old_layout.size()),
                            layout.align().max(old_layout.align()),
                        )
                        .unwrap_or(layout)
                    }
                    None => layout,
                };
                let grown = grown.align_to(MIN_ALIGN).unwrap_or(grown);
                // SAFETY: the layout's size is not zero (see `layout` above).
                let block = unsafe { alloc(grown) };
                let block = NonNull::new(block).unwrap_or_else(|| handle_alloc_error(grown));
                let typed = block.cast::<Detached<B, M>>();
                // The block is recorded at once, as a free one (above the depth), so that it is
                // freed with the others should `make` panic.
                let erased: NonNull<dyn ErasedFrame<Y, R> + 'a> = typed;
                // SAFETY: only the lifetime bound changes (see below).
                let frame: NonNull<dyn ErasedFrame<Y, R>> = unsafe { core::mem::transmute(erased) };
                let entry = Entry {
                    frame,
                    block: grown,
                    out: ptr::null_mut(),
                    kind: typeid::of::<Detached<B, M>>(),
                };
                // SAFETY: as above.
                let entries = unsafe { &mut (*f).entries };
                if depth < entries.len() {
                    entries[depth] = entry;
                } else {
                    entries.push(entry);
                }
                typed
            }
        };
        // `make` runs user code (the call that builds the coroutine), which can reach this stack
        // only by dropping a `Delegate` of it (through a cell). That cannot move the depth: this
        // push runs inside the poll of the innermost level (the body, when there are no frames),
        // so a live frame that such a drop releases is at or below the one being polled, and is
        // only marked an orphan (see `release`).
        // SAFETY: `typed` is free memory, owned by the stack, at least as large and as aligned as
        // a `Detached<B, M>`; it stays free until `depth` grows below. No reference to the stack
        // is held across `make`.
        unsafe { typed.as_ptr().write(make()) };
        // SAFETY: as above.
        let depth_now = unsafe { (*f).depth };
        debug_assert_eq!(depth_now, depth, "the depth moved during a push");
        let erased: NonNull<dyn ErasedFrame<Y, R> + 'a> = typed;
        // SAFETY: only the lifetime bound changes. The frame is dropped (by `release`, `settle`
        // or `Drop`) or popped after returning before anything it borrows ends: see this
        // function's contract.
        let frame: NonNull<dyn ErasedFrame<Y, R>> = unsafe { core::mem::transmute(erased) };
        // SAFETY: as above; `make` is done, and `entries[depth]` exists (reused, or pushed above).
        unsafe {
            let entries = &mut (*f).entries;
            let entry = entries.get_unchecked_mut(depth);
            entry.frame = frame;
            entry.out = out.cast();
            entry.kind = typeid::of::<Detached<B, M>>();
            (*f).depth = depth + 1;
        }
        depth
    }

    /// Removes the innermost frame, which has returned, and keeps its block for reuse.
    ///
    /// The frame is not dropped: a frame holds the body of a coroutine (an `async` block), which
    /// owns nothing once it has returned (its locals and captures are dropped on return), so
    /// dropping one would only check its state. (And forgetting is always safe.)
    ///
    /// # Safety
    ///
    /// As [`top`](Self::top), when `this` is `Some`; the innermost frame has returned.
    #[inline]
    pub(crate) unsafe fn pop_returned(this: Option<NonNull<Self>>) {
        let Some(this) = this else { return };
        // SAFETY: the caller's contract.
        let frames = unsafe { &mut *this.as_ptr() };
        debug_assert!(frames.depth > 0, "no frame to pop");
        frames.depth -= 1;
    }

    /// Called by the `Delegate` whose frame is `entries[index]` (with `out` its cell) when it is
    /// dropped: removes that frame and every frame above it, if the frame is still live.
    ///
    /// # Safety
    ///
    /// `this` points to a live `Frames` (the one the `Delegate` pushed to), not borrowed
    /// elsewhere.
    #[cold]
    #[inline(never)]
    pub(crate) unsafe fn release(this: NonNull<Self>, index: usize, out: *mut ()) {
        let f = this.as_ptr();
        // SAFETY: the caller's contract; each access is a short one through `f`.
        unsafe {
            if (*f).depth <= index || !ptr::eq((&(*f).entries)[index].out, out) {
                // Its frame returned, or was removed already.
                return;
            }
            // The frame being polled, if any, is the one whose body the slot's header names
            // (the driver polls only the innermost frame; a frame pushed during its poll is not
            // polled yet). Frames are in distinct blocks, each body at the start of its block.
            let slot = (*f).slot;
            let running = !slot.is_null() && {
                let start = (*slot).start;
                (&(*f).entries)[index..(*f).depth]
                    .iter()
                    .any(|e| ptr::eq(e.frame.as_ptr().cast::<u8>(), start))
            };
            if running {
                // A frame at or above `index` is being polled (its code dropped the
                // `Delegate`): it cannot be dropped under its own feet. The frames become
                // orphans, dropped by the driver as soon as that poll returns, before any other
                // code runs; meanwhile the frame's value has nowhere to go.
                (&mut (*f).entries)[index].out = ptr::null_mut();
                (*f).orphans = (*f).orphans.min(index);
                // The driver reads the slot's flags after every poll: that is where it learns.
                (*(*f).slot).flags |= ORPHANS;
            } else {
                // The level being polled (if any) is the one that pushed the frame, or below:
                // the frames from `index` up are suspended, not on the stack. Drop them now,
                // while everything they borrow is alive.
                Self::unwind_to(this, index);
            }
        }
    }

    /// Drops the orphans, if any, and marks no level as being polled. Called by the driver after
    /// each poll that left orphans, and when a `resume` ends.
    ///
    /// # Safety
    ///
    /// `this` points to a live `Frames`, not borrowed elsewhere, none of whose frames is being
    /// polled.
    #[inline]
    pub(crate) unsafe fn settle(this: NonNull<Self>) {
        let f = this.as_ptr();
        // SAFETY: the caller's contract.
        unsafe {
            let orphans = core::mem::replace(&mut (*f).orphans, NONE);
            if orphans != NONE {
                // No frame runs while they are dropped: a `Delegate` dropped by one of them
                // drops its frames at once.
                let slot = core::mem::replace(&mut (*f).slot, ptr::null_mut());
                Self::unwind_to(this, orphans);
                (*f).slot = slot;
            }
        }
    }

    /// Drops the live frames from the innermost down to `entries[index]`, innermost first (a
    /// frame may borrow from the frames, and the body, below it).
    ///
    /// # Safety
    ///
    /// `this` points to a live `Frames`, not borrowed elsewhere; none of the frames dropped is
    /// being polled.
    unsafe fn unwind_to(this: NonNull<Self>, index: usize) {
        /// Finishes the unwinding if a frame's drop panics, as dropping a `Vec` does: every
        /// other frame is still dropped (a second panic aborts, as always in Rust).
        struct Rest<Y, R>(NonNull<Frames<Y, R>>, usize);

        impl<Y, R> Drop for Rest<Y, R> {
            fn drop(&mut self) {
                // SAFETY: as for `unwind_to`, which this continues.
                unsafe { Frames::unwind_to(self.0, self.1) };
            }
        }

        let f = this.as_ptr();
        let rest = Rest(this, index);
        // The depth is read again after every drop: a frame's drop may release frames below it
        // itself (a `Delegate` of a lower frame, dropped through a cell).
        // SAFETY: the caller's contract; each access is a short one through `f`, and no
        // reference is held across a frame's drop.
        while let Some(depth) = unsafe { (*f).depth }.checked_sub(1).filter(|&d| d >= index) {
            // The depth goes down first: if this frame's drop panics, `Rest` goes on with the
            // frames below it; and a `Delegate` dropped by it sees its frame gone.
            // SAFETY: as above; the entry held a live frame, which nothing else can reach now.
            unsafe {
                (*f).depth = depth;
                ptr::drop_in_place((&(*f).entries)[depth].frame.as_ptr());
            }
        }
        core::mem::forget(rest);
    }
}

impl<Y, R> Drop for Frames<Y, R> {
    #[inline]
    fn drop(&mut self) {
        /// Frees every block, also if a frame's drop panics.
        struct Blocks<'a, Y, R>(&'a mut Vec<Entry<Y, R>>);

        impl<Y, R> Drop for Blocks<'_, Y, R> {
            fn drop(&mut self) {
                for entry in self.0.drain(..) {
                    // SAFETY: every block was allocated with its recorded layout by `push`.
                    unsafe { dealloc(entry.frame.as_ptr().cast(), entry.block) };
                }
            }
        }

        if self.entries.is_empty() {
            // Never delegated (the common case for a coroutine that is itself a frame).
            return;
        }
        // The body was dropped first (it is declared first in `Gen`), and its `Delegate`s
        // removed their frames; whatever is left (orphans of a panicked `resume`) goes now,
        // innermost first.
        self.slot = ptr::null_mut();
        let this = NonNull::from(&mut *self);
        // SAFETY: `this` is alive (being dropped) and reached only through this pointer until
        // the unwinding is over.
        unsafe { Self::unwind_to(this, 0) };
        let blocks = Blocks(&mut self.entries);
        drop(blocks);
    }
}

/// Where a [`Delegate`] is: not started (holding the thunk that builds the coroutine), pushed
/// (its frame is on the driver's stack `frames`, at `index`), or done with the stack.
enum Step<C, Y, R> {
    Start(C),
    Pushed {
        frames: NonNull<Frames<Y, R>>,
        index: usize,
    },
    Done,
}

/// The future behind one `yield_from!(sub)`. For a coroutine that delegates, on its first poll it
/// builds `sub` and pushes it as a frame of the driver, and on the next it hands back the value
/// the frame returned. A leaf is polled in place instead, until it returns.
///
/// # Dropping
///
/// Dropping it while its frame is live drops that frame and every frame above it (see the module
/// docs).
#[must_use = "a `yield_from!` does nothing unless awaited by generated code"]
pub struct Delegate<Y, R, M: Mode, C, S, T, P> {
    step: Step<C, Y, R>,
    out: Option<T>,
    /// The body, for a coroutine polled in place (`P` is `S`'s [`InPlace`]).
    in_place: P,
    id: M::Id,
    // `S`: the body holding this future is `Send` only if the delegated coroutine is, and what
    // the delegated coroutine borrows must outlive this future's `Drop`.
    _types: PhantomData<(Exchange<Y, R>, S)>,
    // A frame writes to `out` through a pointer while this future is suspended.
    _pinned: PhantomPinned,
}

// SAFETY: `P` is always `S::__InPlace` (the only constructor, `new`, fixes it so), which holds
// nothing but `S`'s body (or nothing at all): a `Send` `S` has a `Send` body, since every
// `Subroutine` (a sealed trait) is a `Gen` holding its body, or a `Stub` holding none. So the
// auto trait would give the same answer; spelling it out makes a non-`Send` sub show up in
// error messages as the sub itself, once, and not a second time as its `__InPlace`. `pushed`
// points into the `Gen` whose body holds this future: it is used only by whoever has that `Gen`
// (resuming or dropping it, which needs `&mut`), so it goes wherever the `Gen` goes.
unsafe impl<Y, R, M: Mode, C: Send, S: Send, T: Send, P> Send for Delegate<Y, R, M, C, S, T, P> {}

impl<Y, R, M: Mode, C, S, T, P> fmt::Debug for Delegate<Y, R, M, C, S, T, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delegate")
            .field("started", &!matches!(self.step, Step::Start(_)))
            .finish_non_exhaustive()
    }
}

impl<Y, R, M: Mode, C, S: Subroutine<R>> Delegate<Y, R, M, C, S, S::Return, S::__InPlace> {
    #[inline(always)]
    pub(crate) fn new(id: M::Id, thunk: C) -> Self {
        Self {
            step: Step::Start(thunk),
            out: None,
            in_place: S::__InPlace::empty(),
            id,
            _types: PhantomData,
            _pinned: PhantomPinned,
        }
    }
}

impl<Y, R, M: Mode, C, S, T, P> Drop for Delegate<Y, R, M, C, S, T, P> {
    #[inline]
    fn drop(&mut self) {
        if let Step::Pushed { frames, index } = self.step {
            // SAFETY: `frames` is the stack of the driver whose body (or one of whose frames)
            // holds this future: it was checked to lie in that body when it pushed. That body is
            // dropped before the stack (`Gen` declares it first), and a frame's body is dropped
            // by the stack itself before the stack goes, so the stack is alive. It is reached
            // only through raw pointers, and no reference to it is held across user code.
            unsafe { Frames::release(frames, index, (&raw mut self.out).cast()) };
        }
    }
}

impl<Y, R, M, C, S> Future for Delegate<Y, R, M, C, S, S::Return, S::__InPlace>
where
    M: Keyed<Y, R>,
    C: FnOnce() -> S,
    S: Subroutine<R, Yield = Y>,
{
    type Output = S::Return;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<S::Return> {
        // SAFETY: `out` stays where it is (it is only written through the pointer handed to the
        // frame, and read here); `in_place` is structurally pinned (see below); the thunk is
        // taken out of `step`, which moves no pinned data.
        let this = unsafe { self.get_unchecked_mut() };
        if <S::__InPlace as InPlace<Detached<S::__Body, S::__Mode>>>::IN_PLACE {
            if let Step::Start(thunk) = core::mem::replace(&mut this.step, Step::Done) {
                this.in_place.keep(thunk().__into_body());
            }
            // SAFETY: `in_place` is structurally pinned: kept, polled and dropped in place,
            // never moved out.
            let mut in_place = unsafe { Pin::new_unchecked(&mut this.in_place) };
            let Some(body) = in_place.as_mut().body() else {
                polled_before_return()
            };
            let polled = if body.owner() == M::owner(this.id) {
                // The same owner (`Static` modes of the same types: a comparison of constants):
                // the sub's own futures check the slot as ours would, and nothing else of ours
                // touches it.
                body.poll_same_owner(cx)
            } else {
                // Every poll runs the sub against the slot under its owner: check the slot is
                // ours each time, before relabelling it.
                let header = owned_slot::<Y, R, M>(cx, this.id).cast::<Header>();
                // SAFETY: `header` is the live slot's (checked above, with our types, which are
                // the sub's: `S: Subroutine<R, Yield = Y>`); the sub's futures use it during the
                // poll and no reference to it is held across it. Ours again after.
                unsafe {
                    let polled = body.poll_as::<Y, R>(header, false);
                    M::enter(this.id, &mut (*header).owner);
                    polled
                }
            };
            let value = core::task::ready!(polled);
            in_place.clear();
            return Poll::Ready(value);
        }
        if !matches!(this.step, Step::Start(_)) {
            // Pushed before: the frame returned (and wrote `out`) or it did not.
            return match this.out.take() {
                Some(value) => {
                    this.step = Step::Done;
                    Poll::Ready(value)
                }
                None => polled_before_return(),
            };
        }
        let slot = owned_slot::<Y, R, M>(cx, this.id);
        // SAFETY: `owned_slot` checked the slot is alive and ours; the reference ends at once.
        let (header, frames) = unsafe { (&(*slot).header, (*slot).frames) };
        // The slot's types are ours (`owned_slot`), so its frame stack is a `Frames<Y, R>`.
        let frames = frames.map(NonNull::cast::<Frames<Y, R>>);
        if !header.holds(&*this) {
            not_in_body();
        }
        if header.flags & PUSHED != 0 {
            pushed_twice();
        }
        let Some(frames) = frames else { no_driver() };
        let Step::Start(thunk) = core::mem::replace(&mut this.step, Step::Done) else {
            polled_before_return()
        };
        // SAFETY: `frames` is the driver's live frame stack, reached only through raw pointers.
        // `out` is pinned in this future, which lies in the body being polled (checked above), so
        // it cannot be moved or forgotten while that body lives; its `Drop` releases the frame,
        // and `S` (in its type) bounds everything the frame borrows.
        let index = unsafe { Frames::push(frames, || thunk().__into_body(), &raw mut this.out) };
        this.step = Step::Pushed { frames, index };
        // The driver polls the new frame next, from its loop: however deep delegation goes,
        // only one frame is ever being polled on the native stack.
        // SAFETY: as above; the slot is still alive and not borrowed.
        unsafe { (*slot).header.flags |= PUSHED };
        Poll::Pending
    }
}

#[cold]
#[inline(never)]
fn no_driver() -> ! {
    panic!("`yield_from!` in a coroutine that was not lowered for delegation")
}

#[cold]
#[inline(never)]
fn not_in_body() -> ! {
    panic!(
        "a `yield_from!` was polled from outside its coroutine's body (moved into a box or another future)"
    )
}

#[cold]
#[inline(never)]
fn pushed_twice() -> ! {
    panic!("two `yield_from!`s were started in one step of a coroutine (one was polled by hand)")
}

#[cold]
#[inline(never)]
fn polled_before_return() -> ! {
    panic!("a `yield_from!` was polled again before its coroutine returned")
}
