//! What every handle of a coroutine shares, and what its thread knows of it: the coroutine's
//! header (phase, nesting depth, thread) in front of its type-erased state machine, and the
//! thread's context, which records the innermost active coroutine. The handle
//! ([`coroutine`](super::coroutine)), Lua's `running` ([`running`](super::running)) and
//! [`Status`] are read from here.

use core::cell::Cell;
use core::ptr::NonNull;

use super::status::Status;

/// What a coroutine is doing, as stored. `Active` and `Closing` are reported as `Running` or
/// `Normal` depending on whether the coroutine is the innermost one in the thread's context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Not started, or stopped at a `yield_!`. The body is alive and nobody borrows it.
    Suspended,
    /// Inside a `resume` of this coroutine, further up the stack. The body is borrowed by it.
    Active,
    /// Its state machine is being dropped by a `close` or by the drop of its last handle, further
    /// up the stack, which has the body to itself. Like `Active`, but it cannot yield.
    Closing,
    /// Returned, panicked or closed. The body has been dropped, or is being dropped after it
    /// returned or panicked.
    Dead,
}

/// The shared part of a coroutine: its header, then the state machine.
///
/// Invariant: the body is alive and unborrowed while `header.phase` is `Suspended`, and only
/// then may a call start using it, which it does by moving the phase away from `Suspended`
/// first (to `Active` to resume it, to `Closing` or `Dead` to drop it). While the phase is
/// `Active` or `Closing`, that one call, further up this thread's stack, has the body to itself;
/// it leaves the phase `Suspended` (the body yielded) or `Dead` (the body is dropped, even if a
/// `Drop` panicked). So no path can resume a body that is in use or dropped, or drop it twice.
#[repr(C)] // `header` first: a pointer to the `Inner` is a pointer to its `Header`.
pub(crate) struct Inner<B: ?Sized + Erased> {
    pub(crate) header: Header,
    pub(super) body: B,
}

/// What a coroutine's state is, whatever its types.
pub(crate) struct Header {
    pub(crate) phase: Cell<Phase>,
    /// While active or closing: how many coroutines are active or closing on this thread, this
    /// one included (the innermost one's depth is the thread's nesting depth), at most
    /// [`MAX_DEPTH`] for an active one and `MAX_DEPTH + 1` for a closing one.
    pub(super) depth: Cell<u32>,
    /// The context of the thread that created the coroutine: the only thread that can reach it,
    /// since handles are neither `Send` nor `Sync`. Kept here so that `resume` does not go
    /// through `LocalKey::with` (an indirect call when inlined into another crate), and so that
    /// the coroutine can be used from any thread-local destructor of its thread.
    pub(crate) context: ContextRef,
    /// The coroutine as the pointer [`running`](fn@crate::running) turns into a
    /// [`CoroutineRef`]: `Rc::as_ptr` of its allocation, with the trait object's lifetime
    /// erased. Set once, right after the allocation is made.
    pub(crate) this: Cell<Option<NonNull<Inner<dyn Erased>>>>,
}

/// What every state machine slot can do without knowing its types. Also what
/// [`CoroutineRef`] points to, so that it can name a coroutine of any type.
pub(crate) trait Erased {
    /// Drops the state machine in place.
    ///
    /// # Safety
    ///
    /// The state machine is alive and not borrowed, and this is the last use of it: the caller
    /// has just moved the phase of the enclosing [`Inner`] from `Suspended` (or from `Active`,
    /// for the resume that just ended) to `Closing` or `Dead`, and sets `Dead` once this
    /// returns or unwinds.
    unsafe fn drop_body(&self);
}

impl<B: ?Sized + Erased> Drop for Inner<B> {
    fn drop(&mut self) {
        let phase = &self.header.phase;
        match phase.get() {
            Phase::Dead => {}
            // Not reached: the last handle's `drop` closes a suspended coroutine before its `Rc`
            // lets go. Kept so that the body is dropped whatever path frees the allocation.
            Phase::Suspended => {
                phase.set(Phase::Dead);
                // SAFETY: the phase was `Suspended`, so the body is alive and unborrowed, and
                // `&mut self` means nothing else can reach it; we set `Dead` above, so this is
                // the last use.
                unsafe { self.body.drop_body() }
            }
            // The `resume` or `close` further up the stack borrows a handle, which keeps the `Rc`
            // alive. (Panicking here also keeps `Rc` from freeing the pinned body's memory.)
            Phase::Active | Phase::Closing => in_use_lost_its_last_handle(),
        }
    }
}

/// What `Inner::drop` does if it finds a coroutine in use (which cannot happen). Out of line:
/// a panic path inlined into the drop glue keeps callers from seeing through a handle's `dyn`
/// call.
#[cold]
#[inline(never)]
fn in_use_lost_its_last_handle() -> ! {
    unreachable!("a coroutine in use lost its last handle")
}

/// The per-thread record of active coroutines. The chain of active coroutines itself lives on
/// the native stack: each `resume` (and each `close`) keeps its parent in a local and restores it
/// on the way out.
pub(crate) struct Context {
    /// The innermost active or closing coroutine, `None` in the main (non-coroutine) context.
    /// Its depth, kept in the coroutine, is the nesting depth checked against
    /// [`crate::MAX_DEPTH`]. A coroutine is here only while a `resume` or `close` of it, further
    /// up this thread's stack, borrows one of its handles: so it is alive.
    pub(crate) current: Cell<Option<NonNull<Header>>>,
}

/// Items for targets where `std` keeps thread-locals in the thread's native thread-local
/// storage (`native`), and for the others (`emulated`).
///
/// Native storage lives until the thread has run every thread-local destructor, so a `const`
/// thread-local without destructor can be used, through a pointer cached anywhere on its
/// thread, for as long as the thread runs code: the assumption `std` makes for its own such
/// thread-locals. Elsewhere `std` emulates thread-locals with OS keys and frees each value when
/// its key's destructor runs, in an order nobody controls, so a pointer cached in a coroutine
/// could outlive the value.
///
/// The condition names, with stable `cfg`s, the targets whose `rustc --print cfg` includes
/// `target_thread_local` (checked against every built-in target of rustc 1.97), plus `wasm`
/// without threads, where a thread-local is a plain `static`. A target it does not name gets
/// the emulated items, which are correct everywhere.
macro_rules! by_storage {
    (native { $($native:item)* } emulated { $($emulated:item)* }) => {
        by_storage! {
            @where (any(
                all(
                    target_os = "linux",
                    any(target_env = "gnu", target_env = "musl", target_env = "uclibc"),
                    not(target_abi = "x32"),
                ),
                target_vendor = "apple",
                all(target_os = "windows", target_env = "msvc", not(target_vendor = "win7")),
                target_os = "freebsd",
                target_os = "netbsd",
                target_os = "dragonfly",
                target_os = "fuchsia",
                all(target_family = "wasm", not(target_feature = "atomics")),
            ))
            native { $($native)* }
            emulated { $($emulated)* }
        }
    };
    (@where $native_storage:tt native { $($native:item)* } emulated { $($emulated:item)* }) => {
        $(
            #[cfg $native_storage]
            $native
        )*
        $(
            #[cfg(not $native_storage)]
            $emulated
        )*
    };
}

by_storage! {
native {
    thread_local! {
        // No destructor and a `const` initialiser: access is a plain thread-local load, and it
        // stays usable while other thread-locals are being destroyed.
        static CONTEXT: Context = const {
            Context {
                current: Cell::new(None),
            }
        };
    }

    /// How a coroutine refers to the context of its thread: a plain pointer, valid for as long
    /// as the thread runs code.
    pub(crate) type ContextRef = NonNull<Context>;

    /// This thread's context, for a coroutine created now.
    pub(crate) fn context() -> ContextRef {
        with(|cx| NonNull::from(cx))
    }

    /// The context a coroutine refers to.
    #[inline(always)]
    pub(crate) fn deref(cx: &ContextRef) -> &Context {
        // SAFETY: `cx` comes from `context()` on the thread that created the coroutine, the only
        // thread its handles can reach it from (they are neither `Send` nor `Sync`), and on
        // this target that storage outlives every use of the thread (see `by_storage`).
        unsafe { cx.as_ref() }
    }
}
emulated {
    thread_local! {
        // Shared with every coroutine made on this thread, which keeps it alive for as long as
        // it needs it, whatever the order in which the thread's thread-locals are destroyed.
        static CONTEXT: std::rc::Rc<Context> = std::rc::Rc::new(Context {
            current: Cell::new(None),
        });
    }

    /// How a coroutine refers to the context of its thread: it shares it.
    pub(crate) type ContextRef = std::rc::Rc<Context>;

    /// This thread's context, for a coroutine created now.
    ///
    /// # Panics
    ///
    /// While or after this thread's thread-locals are destroyed.
    pub(crate) fn context() -> ContextRef {
        CONTEXT.with(std::rc::Rc::clone)
    }

    /// The context a coroutine refers to.
    #[inline(always)]
    pub(crate) fn deref(cx: &ContextRef) -> &Context {
        cx
    }
}
}

/// Runs `f` with this thread's context.
///
/// # Panics
///
/// Where `std` emulates thread-locals (see `by_storage`): while or after this thread's
/// thread-locals are destroyed.
#[inline]
pub(crate) fn with<T>(f: impl FnOnce(&Context) -> T) -> T {
    CONTEXT.with(|cx| f(cx))
}

/// The status of the coroutine whose header this is. Reads the thread's context through the
/// coroutine, so it works wherever the coroutine can be used.
pub(crate) fn status_of(header: &Header) -> Status {
    match header.phase.get() {
        Phase::Suspended => Status::Suspended,
        Phase::Dead => Status::Dead,
        Phase::Active | Phase::Closing => {
            let innermost = deref(&header.context).current.get();
            if innermost == Some(NonNull::from(header)) {
                Status::Running
            } else {
                Status::Normal
            }
        }
    }
}
