//! The hand-off: how a value crosses between a lowered body and its resumer, and who may use the
//! place where it crosses. Both the lowering ([`lower`](super::lower)) and delegation
//! ([`delegate`](super::delegate)) build on it.
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
//!   counter, never reused; only the [`Gen`](super::lower::Gen) built from that token's [`Marker`] puts it in a slot,
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
use core::mem::ManuallyDrop;
use core::num::NonZeroU64;
use core::pin::Pin;
use core::ptr::{self, NonNull};
#[cfg(feature = "std")]
use core::sync::atomic::{AtomicU64, Ordering};
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

pub(crate) use sealed::Sealed;

/// Seals [`Subroutine`](crate::Subroutine), the modes and the async traits: a public trait in a
/// private module, so that no other crate can name it and so none can implement them (the
/// drivers trust their implementations' types).
mod sealed {
    pub trait Sealed {}
}

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
    /// The frame stack (a `Frames<Y, R>` of [`delegate`](super::delegate)) of the delegating
    /// coroutine being resumed, if it is one. Its type is erased here, below delegation; the
    /// slot's owner check gives its `Y` and `R`.
    pub(crate) frames: Option<NonNull<()>>,
}

impl<Y, R> Slot<Y, R> {
    /// Initialises the slot at `slot`: `owner`, no flags, `arg` for the body to take, nothing
    /// yielded, and the driver's frame stack, if any. The header's body range is left unwritten:
    /// each poll records its body's (`Header::set_body`) before anything reads it, and storing it
    /// here too would cost a resume two stores the optimiser cannot always remove.
    ///
    /// # Safety
    ///
    /// `slot` is valid for writes of a `Slot<Y, R>`.
    #[inline(always)]
    pub(crate) unsafe fn init(
        slot: *mut Self,
        owner: Owner,
        arg: Option<R>,
        frames: Option<NonNull<()>>,
    ) {
        // SAFETY: the caller's contract; each field is written once, through raw pointers.
        unsafe {
            (&raw mut (*slot).header.owner).write(owner);
            (&raw mut (*slot).header.flags).write(0);
            (&raw mut (*slot).arg).write(arg);
            (&raw mut (*slot).yielded).write(None);
            (&raw mut (*slot).frames).write(frames);
        }
    }
}

/// What a coroutine's waker points to: the header of the slot of the running poll and, for an
/// async coroutine, the waker of the executor polling it (null for a synchronous one). Lives on
/// the driver's stack for one poll and is never written after it is made; it is apart from the
/// slot, so that another thread may read it during the poll (through a clone or a wake of the
/// waker) while the body holds the slot.
pub(crate) struct Link {
    pub(crate) header: *mut Header,
    pub(crate) outer: *const Waker,
}

/// The waker a body (or a frame) is polled with, its data pointer a [`Link`]. Only ever lent, in
/// the `Context` of one poll: no one owns it, so its functions run only during that poll, while
/// the link is alive. Cloning it gives the executor's waker (async), or a waker that does nothing
/// and leads nowhere ([`INERT`], synchronous), so a waker kept past the poll never leads to the
/// (by then dead) link or slot. Waking it wakes the executor's waker, if any.
static VTABLE: RawWakerVTable = RawWakerVTable::new(clone_link, wake_link, wake_link, noop);

/// What a clone of a synchronous coroutine's waker is: a waker that does nothing and leads
/// nowhere.
static INERT: RawWakerVTable = RawWakerVTable::new(clone_inert, noop, noop, noop);

fn clone_inert(_: *const ()) -> RawWaker {
    RawWaker::new(ptr::null(), &INERT)
}

fn noop(_: *const ()) {}

/// The executor's waker behind a link, if any.
///
/// # Safety
///
/// `data` is the data pointer of a waker with [`VTABLE`], reached through a borrow of the
/// `Context` it was lent in: the link it points to is alive.
unsafe fn outer<'a>(data: *const ()) -> Option<&'a Waker> {
    // SAFETY: the caller's contract; the link and the executor's waker it names outlive the poll
    // during which this reference is used (it never leaves the vtable functions below).
    unsafe { (*data.cast::<Link>()).outer.as_ref() }
}

unsafe fn clone_link(data: *const ()) -> RawWaker {
    // SAFETY: the vtable's functions are only called through a borrow of the `Context` our waker
    // is lent in (no one owns a waker with this vtable), so the link is alive.
    match unsafe { outer(data) } {
        Some(outer) => {
            let clone = ManuallyDrop::new(outer.clone());
            // The clone's ownership moves into the `RawWaker` (the `Waker` made from it drops it).
            RawWaker::new(clone.data(), clone.vtable())
        }
        None => RawWaker::new(ptr::null(), &INERT),
    }
}

unsafe fn wake_link(data: *const ()) {
    // SAFETY: as in `clone_link`. (`wake` by value is never called on our waker: no one owns
    // one; if it were, there would be nothing to drop.)
    if let Some(outer) = unsafe { outer(data) } {
        outer.wake_by_ref();
    }
}

/// The waker a body or frame is polled with, leading to `link`.
///
/// Never dropped: its drop function is a no-op, and calling it through the vtable (a static of
/// this crate, opaque to the optimiser in the user's crate) would cost an indirect call.
///
/// # Safety
///
/// `link` is alive for as long as the waker is lent (one poll), and the waker is only lent, in a
/// `Context`, never handed out by value.
#[inline(always)]
pub(crate) unsafe fn waker(link: *const Link) -> ManuallyDrop<Waker> {
    let raw = RawWaker::new(link.cast(), &VTABLE);
    // SAFETY: the vtable's functions read the link only while the waker is lent (the caller's
    // contract), and forward to the executor's waker, which is thread-safe, or do nothing; they
    // never write the link. So every `RawWaker` contract holds.
    ManuallyDrop::new(unsafe { Waker::from_raw(raw) })
}

/// The header of the slot of the poll currently running through `cx`.
///
/// # Panics
///
/// When the context's waker is not the one a coroutine's driver made for this poll: the future
/// was polled by something other than a coroutine, or with a clone of a coroutine's waker.
#[inline(always)]
pub(crate) fn header(cx: &Context<'_>) -> *mut Header {
    let waker = cx.waker();
    if !ptr::eq(waker.vtable(), &raw const VTABLE) {
        foreign_waker();
    }
    // SAFETY: only the drivers make a waker with `VTABLE` (clones get `INERT` or the executor's),
    // and its data pointer is their link; the waker is borrowed from `cx`, so that the poll is
    // still running and the link is alive. It is only read.
    unsafe { (*waker.data().cast::<Link>()).header }
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

/// A copyable witness of a [`Co`]'s types and identity, used to build the [`Gen`](super::lower::Gen) that polls the
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
