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
pub trait Subroutine<R = ()>: Sealed {
    /// The type of the values handed out by `yield_!`.
    type Yield;
    /// The type of the value the body finally returns (the value of `yield_from!`).
    type Return;

    /// Polls the body with the driver's context. Not API: called by the driver only.
    #[doc(hidden)]
    fn __poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Return>;
}

/// Seals [`Subroutine`]: public in a hidden module, so that no other crate can name it.
pub trait Sealed {}

/// One frame on a driver's stack, with its types erased.
pub trait ErasedFrame<Y, R> {
    /// Polls the frame's coroutine; `Ready` once it returned and its value was handed back.
    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()>;
}

/// A delegated coroutine and where its return value goes: into the `out` cell of the
/// [`Delegate`] future its parent is suspended at.
struct Frame<S, T> {
    sub: S,
    out: *mut Option<T>,
}

impl<S, Y, R> ErasedFrame<Y, R> for Frame<S, S::Return>
where
    S: Subroutine<R, Yield = Y>,
{
    #[inline]
    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: `sub` is structurally pinned (never moved out; `Frame` has no `Drop` impl and
        // is not `Unpin`-projected elsewhere); `out` is a plain pointer.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: see above.
        let sub = unsafe { Pin::new_unchecked(&mut this.sub) };
        match sub.__poll(cx) {
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
    stack: Vec<NonNull<dyn ErasedFrame<Y, R>>>,
    free: Vec<(Layout, NonNull<u8>)>,
}

// SAFETY: see the type's `# Send` section: the body's auto traits stand for the frames'.
unsafe impl<Y, R> Send for Frames<Y, R> {}
// SAFETY: nothing is reachable through `&Frames`.
unsafe impl<Y, R> Sync for Frames<Y, R> {}

impl<Y, R> fmt::Debug for Frames<Y, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Frames")
            .field("depth", &self.stack.len())
            .field("free_blocks", &self.free.len())
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
            stack: Vec::new(),
            free: Vec::new(),
        }
    }

    /// The number of active frames.
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// The innermost active frame.
    #[inline]
    pub(crate) fn top(&self) -> Option<NonNull<dyn ErasedFrame<Y, R>>> {
        self.stack.last().copied()
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

    /// Pushes a frame for `sub`, whose return value will be written to `out`.
    ///
    /// # Safety
    ///
    /// `this` must point to a live `Frames` not borrowed elsewhere. `out` must stay valid, pinned
    /// and unborrowed until the new frame returns or is dropped, and everything `sub` borrows
    /// must outlive the frame: both hold when the caller is a `Delegate` future suspended inside
    /// the driver's body or an outer frame, which the frame is dropped before.
    pub(crate) unsafe fn push<'a, S>(this: NonNull<Self>, sub: S, out: *mut Option<S::Return>)
    where
        S: Subroutine<R, Yield = Y> + 'a,
        Y: 'a,
        R: 'a,
    {
        // SAFETY: the caller's contract.
        let frames = unsafe { &mut *this.as_ptr() };
        let layout = Layout::new::<Frame<S, S::Return>>();
        let reused = frames.free.iter().rposition(|(l, _)| *l == layout);
        let block = if let Some(i) = reused {
            frames.free.swap_remove(i).1
        } else {
            // SAFETY: `Frame` holds a pointer, so the layout's size is not zero.
            let block = unsafe { alloc(layout) };
            NonNull::new(block).unwrap_or_else(|| handle_alloc_error(layout))
        };
        let typed = block.cast::<Frame<S, S::Return>>();
        // SAFETY: `block` is a free block of this exact layout, owned by `frames`.
        unsafe { typed.as_ptr().write(Frame { sub, out }) };
        let erased: NonNull<dyn ErasedFrame<Y, R> + 'a> = typed;
        // SAFETY: only the lifetime bound changes. The frame is dropped (by `pop` or by `Drop`)
        // before anything it borrows ends: see this function's contract.
        let erased: NonNull<dyn ErasedFrame<Y, R>> = unsafe { core::mem::transmute(erased) };
        frames.stack.push(erased);
    }

    /// Drops the innermost frame and keeps its block for reuse.
    ///
    /// # Safety
    ///
    /// `this` must point to a live `Frames` not borrowed elsewhere.
    pub(crate) unsafe fn pop(this: Option<NonNull<Self>>) {
        let Some(this) = this else { return };
        // SAFETY: the caller's contract.
        let frames = unsafe { &mut *this.as_ptr() };
        if let Some(frame) = frames.stack.pop() {
            // SAFETY: the frame is live (it was on the stack) and owned by `frames`.
            let layout = Layout::for_value(unsafe { frame.as_ref() });
            // SAFETY: as above; after this the block is free memory of `layout`.
            unsafe { ptr::drop_in_place(frame.as_ptr()) };
            frames.free.push((layout, frame.cast()));
        }
    }
}

impl<Y, R> Drop for Frames<Y, R> {
    fn drop(&mut self) {
        // Innermost first: a frame may borrow from the frames (and the body) outside it.
        while let Some(frame) = self.stack.pop() {
            // SAFETY: the frame is live and owned by `self`; nothing else can reach it now.
            let layout = Layout::for_value(unsafe { frame.as_ref() });
            // SAFETY: as above. If this panics, the remaining frames and blocks are leaked (their
            // memory only: nothing is freed twice or used after free).
            unsafe { ptr::drop_in_place(frame.as_ptr()) };
            // SAFETY: the block was allocated with `layout` by `push`.
            unsafe { dealloc(frame.as_ptr().cast(), layout) };
        }
        for (layout, block) in self.free.drain(..) {
            // SAFETY: every free block was allocated with its recorded layout by `push`.
            unsafe { dealloc(block.as_ptr(), layout) };
        }
    }
}

/// The types a coroutine exchanges with its resumer, as a variance-neutral marker.
pub(crate) type Exchange<Y, R> = fn(Y) -> R;

/// The future behind one `yield_from!(sub)`: on its first poll it builds `sub` and pushes it as a
/// frame of the driver; on the next it hands back the value the frame returned.
#[must_use = "a `yield_from!` does nothing unless awaited by generated code"]
pub struct Delegate<Y, R, C, S: Subroutine<R>> {
    thunk: Option<C>,
    out: Option<S::Return>,
    // `S`: the body holding this future is `Send` only if the delegated coroutine is.
    _types: PhantomData<(Exchange<Y, R>, S)>,
    // A frame writes to `out` through a pointer while this future is suspended.
    _pinned: PhantomPinned,
}

impl<Y, R, C, S: Subroutine<R>> fmt::Debug for Delegate<Y, R, C, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delegate")
            .field("started", &self.thunk.is_none())
            .finish_non_exhaustive()
    }
}

impl<Y, R, C, S: Subroutine<R>> Delegate<Y, R, C, S> {
    pub(crate) const fn new(thunk: C) -> Self {
        Self {
            thunk: Some(thunk),
            out: None,
            _types: PhantomData,
            _pinned: PhantomPinned,
        }
    }
}

impl<Y, R, C, S> Future for Delegate<Y, R, C, S>
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
        if let Some(thunk) = this.thunk.take() {
            let sub = thunk();
            let slot = slot::<Y, R>(cx);
            let Some(frames) = slot.frames else {
                no_driver()
            };
            slot.pushed = true;
            // SAFETY: `frames` is the driver's live frame stack, reached only through the slot
            // during this poll. `out` is pinned in this future, which stays suspended inside the
            // driver's body or an outer frame until the new frame returns; the frame is dropped
            // before that body or frame is (innermost first), and `sub` borrows only what the
            // body or frame could reach, which outlives it.
            unsafe { Frames::push(frames, sub, &raw mut this.out) };
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
