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
//! # Who may use a slot
//!
//! A body can contain anything a user's `macro_rules!` hides: hand-off futures moved into other
//! coroutines, polled by hand, kept past their `resume`. So no hand-off future trusts the waker it
//! is polled with. The slot records its *owner*, the coroutine whose body is being polled right
//! now, and every hand-off future checks that it belongs to that owner before it touches the
//! slot; a mismatch panics. The owner is one of two kinds, chosen by the [`Mode`] of the [`Co`]
//! token the future was made from:
//!
//! - [`Static`]: the yield and resume types are `'static`, and the owner is their `TypeId`. Two
//!   coroutines with equal `TypeId`s exchange exactly the same types, so a future of one used by
//!   the other still writes and reads the types the slot holds. The check compares two constants
//!   once `resume` is inlined, and folds away.
//! - [`Instance`]: any types, lifetimes included, which a `TypeId` cannot tell apart (`&'a str`
//!   and `&'static str`). The owner is a number drawn once per [`Co`] from a process-wide
//!   counter, never reused; only the [`Gen`] built from that token's [`Marker`] puts it in a slot,
//!   and the token, its marker and the `Gen` are all invariant in both types, so the slot's types
//!   are the token's exactly.
//!
//! Nothing here is public API: the items are reached by generated code through
//! `resumable::__private`, and each is safe to call in any order (see the crate's "Soundness"
//! section).

use core::any::TypeId;
use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::mem::{ManuallyDrop, MaybeUninit};
use core::num::NonZeroU64;
use core::pin::Pin;
use core::ptr::{self, NonNull};
#[cfg(feature = "std")]
use core::sync::atomic::{AtomicU64, Ordering};
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use crate::delegate::{AsFrame, Detached, ErasedFrame, Frames, InPlace, Sealed, Subroutine};
use crate::state::{Resumable, State};

/// The types a coroutine exchanges with its resumer: invariant in both, so that neither side can
/// be coerced to a subtype or supertype of what the other side uses (`&'a str` to `&'static str`).
pub(crate) type Exchange<Y, R> = PhantomData<fn(Y, R) -> (Y, R)>;

/// The coroutine whose body a slot currently serves: see the module docs.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    /// `TypeId::of::<(Y, R)>()` for a [`Static`] owner, `TypeId::of::<InstanceTag>()` otherwise.
    tag: TypeId,
    /// The instance number of an [`Instance`] owner, 0 for a [`Static`] one.
    id: u64,
}

/// The tag of every [`Instance`] owner: a private type, so never the `TypeId` of any `(Y, R)`.
struct InstanceTag;

/// How the futures of a [`Co`] recognise the slot of their own coroutine. Sealed.
pub trait Mode: Sealed + 'static {
    /// What a token, its futures and its `Gen` carry: nothing for [`Static`], a number for
    /// [`Instance`].
    type Id: Copy + fmt::Debug + Send + Sync + 'static;
}

/// A [`Mode`] for the yield type `Y` and resume type `R`.
pub trait Keyed<Y, R>: Mode {
    /// The owner a slot records while a body of this mode and id is polled.
    #[doc(hidden)]
    fn owner(id: Self::Id) -> Owner;
    /// Whether a future of this mode and id may use a slot whose owner is `owner`.
    #[doc(hidden)]
    fn owns(id: Self::Id, owner: &Owner) -> bool;
    /// Makes `owner` accept the futures of this mode and id, changing only what they check
    /// (the tag, or the number). What it leaves may let the futures of the levels polled
    /// before through too; they belong to the same driver, whose levels all exchange exactly
    /// the same types, so that is harmless.
    #[doc(hidden)]
    fn enter(id: Self::Id, owner: &mut Owner);
}

/// The [`Mode`] of coroutines whose yield and resume types are `'static`: recognised by type,
/// at no cost once inlined.
#[derive(Debug, Clone, Copy)]
pub struct Static;

/// The [`Mode`] of coroutines with any types: recognised by an instance number.
#[derive(Debug, Clone, Copy)]
pub struct Instance;

impl Sealed for Static {}
impl Sealed for Instance {}

impl Mode for Static {
    type Id = ();
}

impl Mode for Instance {
    type Id = NonZeroU64;
}

impl<Y: 'static, R: 'static> Keyed<Y, R> for Static {
    #[inline(always)]
    fn owner((): ()) -> Owner {
        Owner {
            tag: TypeId::of::<(Y, R)>(),
            id: 0,
        }
    }

    #[inline(always)]
    fn owns((): (), owner: &Owner) -> bool {
        owner.tag == TypeId::of::<(Y, R)>()
    }

    #[inline(always)]
    fn enter((): (), owner: &mut Owner) {
        owner.tag = TypeId::of::<(Y, R)>();
    }
}

impl<Y, R> Keyed<Y, R> for Instance {
    #[inline(always)]
    fn owner(id: NonZeroU64) -> Owner {
        Owner {
            tag: TypeId::of::<InstanceTag>(),
            id: id.get(),
        }
    }

    #[inline(always)]
    fn owns(id: NonZeroU64, owner: &Owner) -> bool {
        owner.id == id.get()
    }

    #[inline(always)]
    fn enter(id: NonZeroU64, owner: &mut Owner) {
        owner.id = id.get();
    }
}

/// The first number of the next block of instance numbers. Starts at 1 (0 marks a [`Static`]
/// owner).
#[cfg(feature = "std")]
static NEXT_BLOCK: AtomicU64 = AtomicU64::new(1);

/// Instance numbers are handed to threads in blocks of this many, so that making a token costs
/// no atomic operation (one on a shared counter costs tens of nanoseconds, more when contended).
#[cfg(feature = "std")]
const BLOCK: u64 = 1 << 16;

/// The last instance number handed out: well below `u64::MAX`, so that the counter never wraps.
#[cfg(feature = "std")]
const LAST: u64 = 1 << 62;

#[cfg(feature = "std")]
std::thread_local! {
    /// This thread's next instance number and the end of its block (empty at first).
    static INSTANCES: core::cell::Cell<(u64, u64)> = const { core::cell::Cell::new((0, 0)) };
}

/// A number no other [`Co`] of this process has had.
///
/// # Panics
///
/// After 2^62 tokens (centuries at one per nanosecond), so that the counter never wraps to a
/// number in use: every later call panics too.
#[cfg(feature = "std")]
#[inline]
fn fresh_instance() -> NonZeroU64 {
    let next = INSTANCES.try_with(|cell| {
        let (next, end) = cell.get();
        if next < end {
            cell.set((next + 1, end));
            next
        } else {
            refill(cell)
        }
    });
    // Without this thread's storage (it is being torn down): a number of its own.
    let next = next.unwrap_or_else(|_| take_block(1));
    match NonZeroU64::new(next) {
        Some(id) => id,
        None => instances_exhausted(),
    }
}

/// Takes a new block for this thread and hands out its first number.
#[cfg(feature = "std")]
#[cold]
#[inline(never)]
fn refill(cell: &core::cell::Cell<(u64, u64)>) -> u64 {
    let start = take_block(BLOCK);
    cell.set((start + 1, start + BLOCK));
    start
}

/// The first of `len` numbers no one else has.
#[cfg(feature = "std")]
fn take_block(len: u64) -> u64 {
    let start = NEXT_BLOCK.fetch_add(len, Ordering::Relaxed);
    if start > LAST {
        instances_exhausted();
    }
    start
}

#[cfg(feature = "std")]
#[cold]
#[inline(never)]
fn instances_exhausted() -> ! {
    panic!("too many coroutines: instance numbers are exhausted")
}

/// What every slot begins with, whatever its types: read before the slot's types are known.
#[repr(C)]
pub(crate) struct Header {
    /// The coroutine whose body is being polled: only its hand-off futures may use the slot.
    pub(crate) owner: Owner,
    /// The memory of the body being polled, `start..end`: a `yield_from!` pushes a frame only
    /// from a future that lives in there (see `delegate`).
    pub(crate) start: *const u8,
    pub(crate) end: *const u8,
    /// What happened during the poll, besides a yield: [`PUSHED`], [`ORPHANS`].
    pub(crate) flags: u8,
}

/// A `yield_from!` pushed a frame: the `Pending` it returned is not a yield.
pub(crate) const PUSHED: u8 = 1;
/// A `yield_from!` was dropped while a frame above it ran: the driver must drop the orphans.
pub(crate) const ORPHANS: u8 = 2;

impl Header {
    /// Records `body`, of type `B`, as the memory of the body being polled.
    ///
    /// # Safety
    ///
    /// `body` points to a live `B`.
    #[inline(always)]
    pub(crate) unsafe fn set_body<B>(&mut self, body: *const B) {
        self.start = body.cast();
        // SAFETY: one past the end of the live `B` the caller names.
        self.end = unsafe { body.cast::<u8>().add(size_of::<B>()) };
    }

    /// Whether `value`, of type `T`, lies wholly inside the body being polled.
    #[inline(always)]
    pub(crate) fn holds<T>(&self, value: &T) -> bool {
        let start = ptr::from_ref(value).cast::<u8>();
        // SAFETY: one past the end of the value `value` refers to. (An in-bounds offset, so
        // that, inlined, the comparisons of two offsets into one body fold away.)
        let end = unsafe { ptr::from_ref(value).add(1) }.cast::<u8>();
        start >= self.start && end <= self.end
    }
}

/// The hand-off slot that lives on `resume`'s stack frame for the duration of one `resume`.
#[repr(C)]
pub(crate) struct Slot<Y, R> {
    /// First, so that a pointer to the slot is a pointer to its header.
    pub(crate) header: Header,
    /// The argument of the current `resume`, taken by the `yield_!` (or first-argument) future.
    pub(crate) arg: Option<R>,
    /// The value of the `yield_!` the body stopped at, taken by `resume` after `Pending`.
    pub(crate) yielded: Option<Y>,
    /// The frame stack of the delegating coroutine being resumed, if it is one.
    pub(crate) frames: Option<NonNull<Frames<Y, R>>>,
}

/// The waker given to a coroutine body. Its functions never touch the data pointer, so cloning,
/// waking or dropping it is always harmless; only [`header`] reads the pointer, after checking
/// that the waker is this one. A clone is a different, inert waker ([`INERT`]), so a waker kept
/// past its `resume` never leads to the (by then dead) slot.
static VTABLE: RawWakerVTable = RawWakerVTable::new(clone_waker, noop, noop, noop);

/// What a clone of a coroutine's waker is: a waker that does nothing and leads nowhere.
static INERT: RawWakerVTable = RawWakerVTable::new(clone_inert, noop, noop, noop);

fn clone_waker(_: *const ()) -> RawWaker {
    RawWaker::new(ptr::null(), &INERT)
}

fn clone_inert(_: *const ()) -> RawWaker {
    RawWaker::new(ptr::null(), &INERT)
}

fn noop(_: *const ()) {}

/// The waker a body or frame is polled with: its data pointer is the running `resume`'s slot.
///
/// Never dropped: its drop function is a no-op, and calling it through the vtable (a static of
/// this crate, opaque to the optimiser in the user's crate) would cost an indirect call.
#[inline(always)]
pub(crate) fn waker<Y, R>(slot: *mut Slot<Y, R>) -> ManuallyDrop<Waker> {
    let raw = RawWaker::new(slot.cast_const().cast(), &VTABLE);
    // SAFETY: the vtable's functions do nothing with the data pointer (clone makes an inert
    // waker, wake and drop are no-ops), so every `RawWaker` contract holds trivially and the
    // waker is safe to use, clone or send anywhere. Only `header()` reads the pointer, and only
    // through a context borrowing this waker, so while the `resume` that owns the slot runs.
    ManuallyDrop::new(unsafe { Waker::from_raw(raw) })
}

/// The header of the slot of the `resume` currently polling through `cx`.
///
/// # Panics
///
/// When the context's waker is not the one made by [`Gen::resume`] for this poll: the future was
/// polled by something other than a coroutine, or with a clone of a coroutine's waker.
#[inline(always)]
pub(crate) fn header(cx: &Context<'_>) -> *mut Header {
    let waker = cx.waker();
    if ptr::eq(waker.vtable(), &raw const VTABLE) {
        // Only `Gen::drive` makes a waker with `VTABLE` (clones get `INERT`), and its data
        // pointer is its slot, which begins with a `Header`. The waker is borrowed from `cx`, so
        // that `drive` is still running: the slot is alive.
        waker.data().cast::<Header>().cast_mut()
    } else if ptr::eq(waker.vtable(), &raw const crate::async_gen::VTABLE) {
        // An async coroutine's waker: its data pointer leads to the slot through the driver's
        // `Link` (see `async_gen`).
        crate::async_gen::header_of(waker)
    } else {
        foreign_waker()
    }
}

/// The slot of the `resume` currently polling through `cx`, if the future with mode `M` and id
/// `id` may use it.
///
/// # Panics
///
/// As [`header`]; and when the body being polled is not the coroutine that made the future (a
/// hand-off future moved into another coroutine, or made from a token by hand).
#[inline(always)]
pub(crate) fn owned_slot<Y, R, M: Keyed<Y, R>>(cx: &Context<'_>, id: M::Id) -> *mut Slot<Y, R> {
    let header = header(cx);
    // SAFETY: `header` points to the live header of the slot of the running `resume` (see
    // `header`); it is read through a shared reference that ends at once, while nothing else
    // accesses the slot (the body being polled is single-threaded code on this stack).
    if !M::owns(id, unsafe { &(*header).owner }) {
        foreign_owner();
    }
    // The owner matches: the slot's types are this future's (see the module docs).
    header.cast()
}

/// The token a lowered body uses to reach its resumer: it makes the body's hand-off futures. Not
/// `Clone`, so that the generated `let __co = __co;` moves it into the body's `async` block.
///
/// Invariant in `Y` and `R`. `M` says how its futures recognise their coroutine (see [`Mode`]);
/// by default [`Auto`], so that `Co::<Y, R>::new()` (what the macros emit when they cannot tell
/// that the types are `'static`) is an [`Instance`] token with `std` and a [`Static`] one
/// without.
pub struct Co<Y, R, M: Mode = Auto> {
    id: M::Id,
    _types: Exchange<Y, R>,
}

impl<Y, R, M: Mode> fmt::Debug for Co<Y, R, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Co")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// A copyable witness of a [`Co`]'s types and identity, used to build the [`Gen`] that polls the
/// token's body.
pub struct Marker<Y, R, M: Mode = Instance> {
    id: M::Id,
    _types: Exchange<Y, R>,
}

impl<Y, R, M: Mode> Clone for Marker<Y, R, M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Y, R, M: Mode> Copy for Marker<Y, R, M> {}

impl<Y, R, M: Mode> Marker<Y, R, M> {
    /// The identity of the token this marker was taken from.
    #[inline(always)]
    pub(crate) const fn id(self) -> M::Id {
        self.id
    }
}

impl<Y, R, M: Mode> fmt::Debug for Marker<Y, R, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Marker")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The [`Mode`] of the tokens the macros make when they cannot tell that the yield and resume
/// types are `'static`: [`Instance`] (any types), which draws its numbers from a process-wide
/// counter, so needs `std`.
#[cfg(feature = "std")]
pub type Auto = Instance;

/// The [`Mode`] of the tokens the macros make when they cannot tell that the yield and resume
/// types are `'static`: without `std` there is no counter to draw instance numbers from (no
/// global, no thread-local), so [`Static`], and the types must be `'static`.
#[cfg(not(feature = "std"))]
pub type Auto = Static;

#[cfg(feature = "std")]
impl<Y, R> Co<Y, R, Instance> {
    /// A new token with an instance number of its own: for any yield and resume types.
    #[allow(clippy::new_without_default)]
    #[inline]
    pub fn new() -> Self {
        Self {
            id: fresh_instance(),
            _types: PhantomData,
        }
    }
}

impl<Y: 'static, R: 'static> Co<Y, R, Static> {
    /// A new token for `'static` yield and resume types: its futures recognise their coroutine by
    /// type, at no cost.
    #[inline]
    pub const fn new_static() -> Self {
        Self {
            id: (),
            _types: PhantomData,
        }
    }

    /// Without `std`, what the macros emit for types they cannot judge: as
    /// [`new_static`](Self::new_static), so the types must be `'static` (see [`Auto`]).
    #[cfg(not(feature = "std"))]
    #[allow(clippy::new_without_default)]
    #[inline]
    pub const fn new() -> Self {
        Self::new_static()
    }
}

impl<Y, R, M: Mode> Co<Y, R, M> {
    /// The identity the hand-off futures of this token's coroutine check.
    #[inline(always)]
    pub(crate) const fn id(&self) -> M::Id {
        self.id
    }

    /// The type witness of this token.
    #[inline(always)]
    pub const fn marker(&self) -> Marker<Y, R, M> {
        Marker {
            id: self.id,
            _types: PhantomData,
        }
    }

    /// The future behind `yield_!(value)`: hands `value` out, evaluates to the next argument.
    #[inline(always)]
    pub const fn yield_(&self, value: Y) -> Yield<Y, R, M> {
        Yield {
            value: Some(value),
            id: self.id,
            _types: PhantomData,
        }
    }

    /// The future that receives the first `resume`'s argument at the top of a body.
    #[inline(always)]
    pub const fn first(&self) -> First<Y, R, M> {
        First {
            id: self.id,
            _types: PhantomData,
        }
    }
}

/// The future behind one `yield_!`.
#[must_use = "a `yield_!` does nothing unless awaited by generated code"]
pub struct Yield<Y, R, M: Mode = Instance> {
    value: Option<Y>,
    id: M::Id,
    _types: Exchange<Y, R>,
}

// `Yield` never hands out a pinned reference to its fields, so it need not stay put.
impl<Y, R, M: Mode> Unpin for Yield<Y, R, M> {}

impl<Y, R, M: Mode> fmt::Debug for Yield<Y, R, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Yield")
            .field("pending", &self.value.is_some())
            .finish_non_exhaustive()
    }
}

impl<Y, R, M: Keyed<Y, R>> Future for Yield<Y, R, M> {
    type Output = R;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        let this = self.get_mut();
        let slot = owned_slot::<Y, R, M>(cx, this.id);
        // SAFETY: `owned_slot` checked that the slot is alive and holds this future's types;
        // nothing else accesses it until this poll returns.
        let slot = unsafe { &mut *slot };
        if let Some(value) = this.value.take() {
            if slot.yielded.is_some() {
                yielded_twice();
            }
            slot.yielded = Some(value);
            Poll::Pending
        } else {
            Poll::Ready(take_arg(slot))
        }
    }
}

/// The future that receives the first `resume`'s argument.
#[must_use = "the first argument is lost unless awaited by generated code"]
pub struct First<Y, R, M: Mode = Instance> {
    id: M::Id,
    _types: Exchange<Y, R>,
}

impl<Y, R, M: Mode> fmt::Debug for First<Y, R, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("First").finish_non_exhaustive()
    }
}

impl<Y, R, M: Keyed<Y, R>> Future for First<Y, R, M> {
    type Output = R;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        let slot = owned_slot::<Y, R, M>(cx, self.id);
        // SAFETY: as in `Yield::poll`.
        Poll::Ready(take_arg(unsafe { &mut *slot }))
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
    panic!(
        "a `yield_!` or `yield_from!` was polled outside a `resume` of its coroutine (by another executor, or with a kept waker)"
    )
}

#[cold]
#[inline(never)]
fn foreign_owner() -> ! {
    panic!(
        "a `yield_!` or `yield_from!` was polled by a coroutine other than the one it belongs to"
    )
}

#[cold]
#[inline(never)]
fn yielded_twice() -> ! {
    panic!("two values were yielded in one step of a coroutine (a `yield_!` was polled by hand)")
}

#[cold]
#[inline(never)]
fn arg_taken_twice() -> ! {
    panic!("a `resume` argument was taken twice (a `yield_!` future was polled by hand)")
}

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
            stage: Stage::Live(Detached::new(body, marker.id)),
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

impl<F: Future, Y, R, K, S: Storage<Y, R>, M: Keyed<Y, R>> Gen<F, Y, R, K, S, M> {
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
        // The header's body range is left unset here: every poll sets it first (the body branch
        // below, or the frame's `poll_frame`), and nothing reads it but during a poll. (The
        // owner is set whole: a level entering the slot may change only part of it.)
        let mut slot = MaybeUninit::<Slot<Y, R>>::uninit();
        // Every access to `slot` from here on goes through this pointer, the one the waker hands
        // to the body, so that no access of ours invalidates it.
        let slot = slot.as_mut_ptr();
        // SAFETY: `slot` points to (uninitialised) memory of a `Slot<Y, R>`; these writes
        // initialise every field that is read before it is written.
        unsafe {
            (&raw mut (*slot).header.owner).write(owner);
            (&raw mut (*slot).header.flags).write(0);
            (&raw mut (*slot).arg).write(Some(arg));
            (&raw mut (*slot).yielded).write(None);
            (&raw mut (*slot).frames).write(frames);
        }
        // Armed only while a frame can leave orphans behind; disarmed on every normal return.
        let settle = Settle { frames, stage };
        if let Some(f) = frames {
            // SAFETY: `frames` points to `this.frames`, alive for this whole call and reached only
            // through raw pointers (the body's `yield_from!` futures use the same pointer).
            unsafe { Frames::begin(f, slot.cast()) };
        }
        loop {
            // SAFETY: as above.
            let top = frames.and_then(|f| unsafe { Frames::top(f) });
            let ready = if let Some((frame, out)) = top {
                // SAFETY: as above; `frame` is the innermost live frame: pinned in its own block
                // until popped or dropped, and not borrowed elsewhere. `slot` is alive and not
                // borrowed; the frame sets the slot's owner and body to its own.
                unsafe { Frames::poll_frame(frame, slot.cast(), out).is_ready() }
            } else if S::FRAMES {
                // A delegating body is polled by the function that polls its frames (through the
                // same owner and memory bookkeeping), so that this function is its poll's only
                // caller and the optimiser can inline the poll there, checks folded, saving a call
                // per frame poll.
                let mut out = None;
                // SAFETY: `body` is pinned because `self` was (see the first SAFETY comment);
                // `slot` is alive and not borrowed; `out` is a live `Option<F::Output>`.
                let ready = unsafe {
                    Pin::new_unchecked(&mut *detached)
                        .poll_frame(slot.cast(), (&raw mut out).cast())
                        .is_ready()
                };
                if ready {
                    core::mem::forget(settle);
                    // SAFETY: as above.
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
                let waker = waker(slot);
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
    type IntoIter = crate::IntoIter<Self>;

    fn into_iter(self) -> Self::IntoIter {
        crate::IntoIter::new(self)
    }
}
