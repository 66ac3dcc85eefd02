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

use core::alloc::Layout;
use core::fmt;
use core::future::Future;
use core::marker::{PhantomData, PhantomPinned};
use core::pin::Pin;
use core::ptr::{self, NonNull};
use core::task::{Context, Poll};
use std::alloc::{alloc, dealloc, handle_alloc_error};

use crate::lower::slot;

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
    /// Where a `yield_from!` keeps the body to poll it in place: the body itself for a
    /// coroutine that delegates to nothing, nothing for one that does (it becomes a frame of
    /// the driver). Not API.
    #[doc(hidden)]
    type __InPlace: InPlace<Self::__Body>;

    /// The body, to be polled by the driver as a frame. Not API.
    #[doc(hidden)]
    fn __into_body(self) -> Self::__Body;
}

/// Seals [`Subroutine`]: a public trait in a private module, so that no other crate can name it
/// and so none can implement `Subroutine` (the driver trusts its implementations' types).
mod sealed {
    pub trait Sealed {}
}

pub(crate) use sealed::Sealed;

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
pub trait ErasedFrame<Y, R> {
    /// Polls the frame's coroutine; `Ready` once it returned and its value was handed back.
    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()>;
}

/// The body of a delegated coroutine and where its return value goes: into the `out` cell of
/// the [`Delegate`] future its parent is suspended at.
struct Frame<F: Future> {
    body: F,
    out: *mut Option<F::Output>,
}

impl<F: Future, Y, R> ErasedFrame<Y, R> for Frame<F> {
    #[inline]
    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: `body` is structurally pinned (never moved out; `Frame` has no `Drop` impl);
        // `out` is a plain pointer.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: see above.
        let body = unsafe { Pin::new_unchecked(&mut this.body) };
        match body.poll(cx) {
            Poll::Ready(value) => {
                // SAFETY: `out` points into the parent's `Delegate` future, which is pinned and
                // suspended waiting for this value: the parent is not polled, moved or dropped
                // while this frame is on the stack above it (frames drop innermost first).
                unsafe { *this.out = Some(value) };
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// One place on a driver's stack: a block of memory, the layout it was allocated with, and the
/// frame in it. Below the stack's depth the block holds that live frame; above it, the block is
/// free and kept for the next frame pushed at that depth, whatever its type, if it fits.
struct Entry<Y, R> {
    frame: NonNull<dyn ErasedFrame<Y, R>>,
    block: Layout,
}

/// The frames of the coroutines a driver's body delegated to, innermost last, and the blocks of
/// returned frames kept for reuse.
///
/// # Send
///
/// `Frames` is `Send` and `Sync` whatever it holds. That is sound because every frame was pushed
/// by a [`Delegate`] future that lives (suspended) inside the body of the driver or of an outer
/// frame, and that future carries a `PhantomData` of the delegated coroutine's type: the
/// driver's body is `Send` only when every coroutine it delegates to is, transitively, and a
/// `Gen` is `Send` only when its body is.
pub struct Frames<Y, R> {
    entries: Vec<Entry<Y, R>>,
    depth: usize,
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
        }
    }

    /// The number of active frames.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The innermost active frame.
    #[inline]
    pub(crate) fn top(&self) -> Option<NonNull<dyn ErasedFrame<Y, R>>> {
        match self.depth {
            0 => None,
            depth => self.entries.get(depth - 1).map(|e| e.frame),
        }
    }

    /// Polls `frame`.
    ///
    /// # Safety
    ///
    /// `frame` must be the innermost frame of a live `Frames`, not borrowed elsewhere.
    #[inline]
    pub(crate) unsafe fn poll_frame(
        frame: NonNull<dyn ErasedFrame<Y, R>>,
        cx: &mut Context<'_>,
    ) -> Poll<()> {
        // SAFETY: the caller's contract; frames never move out of their blocks.
        unsafe { Pin::new_unchecked(&mut *frame.as_ptr()) }.poll_frame(cx)
    }

    /// Pushes a frame for `body`, whose return value will be written to `out`. The block kept at
    /// this depth is reused when it has the same layout (recursion: always, after the first
    /// time), so steady-state delegation allocates nothing.
    ///
    /// # Safety
    ///
    /// `this` must point to a live `Frames` not borrowed elsewhere. `out` must stay valid, pinned
    /// and unborrowed until the new frame returns or is dropped, and everything `body` borrows
    /// must outlive the frame: both hold when the caller is a `Delegate` future suspended inside
    /// the driver's body or an outer frame, which the frame is dropped before.
    #[inline]
    pub(crate) unsafe fn push<'a, F>(this: NonNull<Self>, body: F, out: *mut Option<F::Output>)
    where
        F: Future + 'a,
        Y: 'a,
        R: 'a,
    {
        // SAFETY: the caller's contract.
        let frames = unsafe { &mut *this.as_ptr() };
        let layout = Layout::new::<Frame<F>>();
        let depth = frames.depth;
        let kept = frames
            .entries
            .get(depth)
            .map(|e| (e.frame.cast::<u8>(), e.block));
        let (block, block_layout) = match kept {
            Some((block, fits))
                if layout.size() <= fits.size() && layout.align() <= fits.align() =>
            {
                (block, fits)
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
                // SAFETY: `Frame` holds a pointer, so the layout's size is not zero.
                let block = unsafe { alloc(grown) };
                let block = NonNull::new(block).unwrap_or_else(|| handle_alloc_error(grown));
                (block, grown)
            }
        };
        let typed = block.cast::<Frame<F>>();
        // SAFETY: `block` is free memory, owned by `frames`, at least as large and as aligned as
        // a `Frame<F>`.
        unsafe { typed.as_ptr().write(Frame { body, out }) };
        let erased: NonNull<dyn ErasedFrame<Y, R> + 'a> = typed;
        // SAFETY: only the lifetime bound changes. The frame is dropped (by `pop` or by `Drop`)
        // before anything it borrows ends: see this function's contract.
        let frame: NonNull<dyn ErasedFrame<Y, R>> = unsafe { core::mem::transmute(erased) };
        let entry = Entry {
            frame,
            block: block_layout,
        };
        if depth < frames.entries.len() {
            frames.entries[depth] = entry;
        } else {
            frames.entries.push(entry);
        }
        frames.depth = depth + 1;
    }

    /// Removes the innermost frame, which has returned, and keeps its block for reuse.
    ///
    /// The frame is not dropped: frames hold the bodies of `#[resumable]` fns (`async` blocks),
    /// which own nothing once they have returned (their locals and captures are dropped on
    /// return), so dropping one would only check its state. (And forgetting is always safe.)
    ///
    /// # Safety
    ///
    /// `this` must point to a live `Frames` not borrowed elsewhere, whose innermost frame has
    /// returned.
    #[inline]
    pub(crate) unsafe fn pop_returned(this: Option<NonNull<Self>>) {
        let Some(this) = this else { return };
        // SAFETY: the caller's contract.
        let frames = unsafe { &mut *this.as_ptr() };
        frames.depth = frames.depth.saturating_sub(1);
    }
}

impl<Y, R> Frames<Y, R> {
    /// Drops the live frames, innermost first (a frame may borrow from the frames, and the body,
    /// outside it), then frees every block.
    fn clear(&mut self) {
        while let Some(depth) = self.depth.checked_sub(1) {
            // The depth goes down first: if this frame's drop panics, `Drop`'s guard calls
            // `clear` again, which goes on with the frames outside it.
            self.depth = depth;
            // SAFETY: the entry held a live frame; nothing else can reach it now.
            unsafe { ptr::drop_in_place(self.entries[depth].frame.as_ptr()) };
        }
        for entry in self.entries.drain(..) {
            // SAFETY: every block was allocated with its recorded layout by `push`.
            unsafe { dealloc(entry.frame.as_ptr().cast(), entry.block) };
        }
    }
}

/// Finishes dropping a [`Frames`] if a frame's drop panics, as dropping a `Vec` does: every other
/// frame is still dropped and every block freed (a second panic aborts, as always in Rust).
struct Rest<'a, Y, R>(&'a mut Frames<Y, R>);

impl<Y, R> Drop for Rest<'_, Y, R> {
    fn drop(&mut self) {
        self.0.clear();
    }
}

impl<Y, R> Drop for Frames<Y, R> {
    #[inline]
    fn drop(&mut self) {
        if self.entries.is_empty() {
            // Never delegated (the common case for a coroutine that is itself a frame).
            return;
        }
        let rest = Rest(self);
        rest.0.clear();
    }
}

/// The types a coroutine exchanges with its resumer, as a variance-neutral marker.
pub(crate) type Exchange<Y, R> = fn(Y) -> R;

/// The future behind one `yield_from!(sub)`: on its first poll it builds `sub` and pushes it as a
/// frame of the driver; on the next it hands back the value the frame returned.
#[must_use = "a `yield_from!` does nothing unless awaited by generated code"]
pub struct Delegate<Y, R, C, S, T, P> {
    thunk: Option<C>,
    out: Option<T>,
    /// The body, for a coroutine polled in place (`P` is `S`'s [`InPlace`]).
    in_place: P,
    // `S`: the body holding this future is `Send` only if the delegated coroutine is.
    _types: PhantomData<(Exchange<Y, R>, S)>,
    // A frame writes to `out` through a pointer while this future is suspended.
    _pinned: PhantomPinned,
}

// SAFETY: `P` is always `S::__InPlace` (the only constructor, `new`, fixes it so), which holds
// nothing but `S`'s body (or nothing at all): a `Send` `S` has a `Send` body, since every
// `Subroutine` (a sealed trait) is a `Gen` holding its body, or a `Stub` holding none. So the
// auto trait would give the same answer; spelling it out makes a non-`Send` sub show up in
// error messages as the sub itself, once, and not a second time as its `__InPlace`.
unsafe impl<Y, R, C: Send, S: Send, T: Send, P> Send for Delegate<Y, R, C, S, T, P> {}

impl<Y, R, C, S, T, P> fmt::Debug for Delegate<Y, R, C, S, T, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delegate")
            .field("started", &self.thunk.is_none())
            .finish_non_exhaustive()
    }
}

impl<Y, R, C, S: Subroutine<R>> Delegate<Y, R, C, S, S::Return, S::__InPlace> {
    pub(crate) fn new(thunk: C) -> Self {
        Self {
            thunk: Some(thunk),
            out: None,
            in_place: S::__InPlace::empty(),
            _types: PhantomData,
            _pinned: PhantomPinned,
        }
    }
}

impl<Y, R, C, S> Future for Delegate<Y, R, C, S, S::Return, S::__InPlace>
where
    C: FnOnce() -> S,
    S: Subroutine<R, Yield = Y>,
{
    type Output = S::Return;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<S::Return> {
        // SAFETY: `out` stays where it is (it is only written through the pointer handed to the
        // frame, and read here); `thunk` is taken out, which moves no pinned data.
        let this = unsafe { self.get_unchecked_mut() };
        if <S::__InPlace as InPlace<S::__Body>>::IN_PLACE {
            if let Some(thunk) = this.thunk.take() {
                this.in_place.keep(thunk().__into_body());
            }
            // SAFETY: `in_place` is structurally pinned: kept, polled and dropped in place,
            // never moved out.
            let mut in_place = unsafe { Pin::new_unchecked(&mut this.in_place) };
            let Some(body) = in_place.as_mut().body() else {
                polled_before_return()
            };
            // The body yields through `cx` exactly as it would as a frame: its `yield_!`s
            // reach the driver's slot, and `Pending` goes up to the driver.
            let value = core::task::ready!(body.poll(cx));
            in_place.clear();
            return Poll::Ready(value);
        }
        if let Some(thunk) = this.thunk.take() {
            let body = thunk().__into_body();
            let hand_off = slot::<Y, R>(cx);
            let Some(frames) = hand_off.frames else {
                no_driver()
            };
            // SAFETY: `frames` is the driver's live frame stack, reached only through the slot
            // during this poll. `out` is pinned in this future, which stays suspended inside the
            // driver's body or an outer frame until the new frame returns; the frame is dropped
            // before that body or frame is (innermost first), and the body borrows only what
            // this body or frame could reach, which outlives it.
            unsafe { Frames::push(frames, body, &raw mut this.out) };
            // The driver polls the new frame next, from its loop: however deep delegation goes,
            // only one frame is ever being polled on the native stack.
            hand_off.pushed = true;
            Poll::Pending
        } else {
            match this.out.take() {
                Some(value) => Poll::Ready(value),
                None => polled_before_return(),
            }
        }
    }
}

#[cold]
#[inline(never)]
fn no_driver() -> ! {
    panic!("`yield_from!` in a coroutine that was not lowered for delegation")
}

#[cold]
#[inline(never)]
fn polled_before_return() -> ! {
    panic!("a `yield_from!` was polled again before its coroutine returned")
}
