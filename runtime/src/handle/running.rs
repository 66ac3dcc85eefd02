//! Which coroutine is running: Lua's `coroutine.running` and `coroutine.isyieldable`, and the
//! thread-local record behind them and behind [`Status`].

use core::fmt;
use core::hash::{Hash, Hasher};
use core::mem::ManuallyDrop;
use core::ptr;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::rc::{Rc, Weak};

use super::shared::{self, Erased, Inner, Phase};
use super::status::Status;

/// The innermost running coroutine of this thread, or [`Running::Main`] outside every
/// coroutine: Lua's `coroutine.running`.
///
/// ```
/// use resumable::{coroutine, running, yield_, Coroutine, Running, Status};
///
/// assert_eq!(running(), Running::Main);
/// let co = Coroutine::new(coroutine!(|()| {
///     yield_!(running());
/// }));
/// let inside = co.resume(()).unwrap().yielded().unwrap();
/// assert!(inside == co); // the handle-like value compares with the coroutine's handles
/// assert_eq!(inside.status(), Status::Suspended); // asked again from outside
/// ```
pub fn running() -> Running {
    match shared::with(|cx| cx.current.get()) {
        None => Running::Main,
        Some(header) => {
            // SAFETY: the context's current coroutine is alive, by the API's shape: only
            // `Coroutine::resume` and `Coroutine::close_suspended` set it, each for the duration
            // of a call that borrows one of the coroutine's handles (keeping its `Rc` alive), and
            // each restores the previous one before it returns or unwinds: everything between
            // the two runs inside `catch_unwind`, and there is no guard value that user code
            // could forget.
            let this = unsafe { header.as_ref() }.this.get();
            let Some(this) = this else {
                unreachable!("`this` is set when the coroutine is created")
            };
            // SAFETY: `this` is `Rc::as_ptr` of that live allocation, with only its trait
            // object's lifetime changed (see `Coroutine::new` and `Coroutine::to_ref`). The
            // temporary `Rc` is never dropped, so the strong count is left as it was; the `Weak`
            // made from it is the same as `to_ref` makes.
            let rc = ManuallyDrop::new(unsafe { Rc::from_raw(this.as_ptr().cast_const()) });
            Running::Coroutine(CoroutineRef::from_weak(Rc::downgrade(&rc)))
        }
    }
}

/// Whether the caller is inside a coroutine body, where `yield_!` can suspend it: Lua's
/// `coroutine.isyieldable`. False in the main context, and in a `Drop` that
/// [`close`](crate::Coroutine::close) (or dropping the last handle) runs: there the coroutine is
/// running but cannot yield, as Lua's `__close` metamethods run by `coroutine.close` cannot.
///
/// ```
/// use resumable::{coroutine, is_yieldable, Coroutine};
///
/// assert!(!is_yieldable());
/// let co: Coroutine<'_, (), (), bool> = Coroutine::new(coroutine!(|()| is_yieldable()));
/// assert_eq!(co.resume(()).unwrap().complete(), Some(true));
/// ```
pub fn is_yieldable() -> bool {
    shared::with(|cx| {
        cx.current.get().is_some_and(|header| {
            // SAFETY: the context's current coroutine is alive, as in `running`.
            unsafe { header.as_ref() }.phase.get() == Phase::Active
        })
    })
}

/// What [`running`](fn@running) returns: the main context, or the innermost running coroutine.
///
/// Lua's `coroutine.running` returns the running thread and whether it is the main one; Rust
/// code outside every coroutine has no coroutine object, hence [`Running::Main`]. Compares with
/// [`Coroutine`](crate::Coroutine) handles and [`CoroutineRef`]s, and formats with `{:p}` as an
/// address (for `Main`, one unique to this thread while it lives).
///
/// ```
/// use resumable::{running, Running, Status};
///
/// let here = running();
/// assert!(here.is_main());
/// assert_eq!(here.status(), Status::Running);
/// println!("thread: {here:p}\t{}", here.is_main());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Running {
    /// Not inside any coroutine: the thread's own (main) context.
    Main,
    /// Inside this coroutine's body.
    Coroutine(CoroutineRef),
}

impl Running {
    /// Whether this is [`Running::Main`].
    ///
    /// ```
    /// assert!(resumable::running().is_main());
    /// ```
    pub fn is_main(&self) -> bool {
        matches!(self, Self::Main)
    }

    /// The coroutine, unless this is [`Running::Main`].
    ///
    /// ```
    /// assert!(resumable::running().coroutine().is_none());
    /// ```
    pub fn coroutine(&self) -> Option<&CoroutineRef> {
        match self {
            Self::Main => None,
            Self::Coroutine(r) => Some(r),
        }
    }

    /// The status now. For [`Running::Main`], as in Lua: `Running` when no coroutine runs on
    /// this thread, `Normal` while one does (or is being closed).
    ///
    /// ```
    /// use resumable::{coroutine, running, Coroutine, Status};
    ///
    /// let main = running();
    /// let co: Coroutine<'_, (), (), Status> = Coroutine::new(coroutine!(move |()| main.status()));
    /// assert_eq!(co.resume(()).unwrap().complete(), Some(Status::Normal));
    /// assert_eq!(running().status(), Status::Running);
    /// ```
    pub fn status(&self) -> Status {
        match self {
            Self::Main => {
                if shared::with(|cx| cx.current.get().is_some()) {
                    Status::Normal
                } else {
                    Status::Running
                }
            }
            Self::Coroutine(r) => r.status(),
        }
    }
}

impl PartialEq<CoroutineRef> for Running {
    fn eq(&self, other: &CoroutineRef) -> bool {
        self.coroutine() == Some(other)
    }
}

impl PartialEq<Running> for CoroutineRef {
    fn eq(&self, other: &Running) -> bool {
        other == self
    }
}

impl fmt::Pointer for Running {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Main => fmt::Pointer::fmt(&shared::with(ptr::from_ref), f),
            Self::Coroutine(r) => fmt::Pointer::fmt(r, f),
        }
    }
}

/// A reference to a coroutine of any type, which can be compared with its
/// [`Coroutine`](crate::Coroutine) handles and asked for its [`status`](Self::status), but not
/// resumed. It does not keep the coroutine alive: once every handle is dropped, it reports
/// [`Status::Dead`]. [`running`](fn@running) and [`Coroutine::to_ref`](crate::Coroutine::to_ref) make them.
///
/// Neither `Send` nor `Sync` (nor is [`Running`]): it refers to a coroutine of this thread.
///
/// ```compile_fail,E0277
/// let here = resumable::running();
/// std::thread::spawn(move || here.is_main()); // error: `Weak<..>` cannot be sent between threads
/// ```
///
/// ```
/// use resumable::{coroutine, yield_, Coroutine, Status};
///
/// let a = Coroutine::new(coroutine!(|()| yield_!()));
/// let b = Coroutine::new(coroutine!(|()| yield_!()));
/// let (ra, rb) = (a.to_ref(), b.to_ref());
/// assert!(ra == a && rb == b && ra != rb);
/// a.resume(()).unwrap();
/// a.resume(()).unwrap();
/// assert_eq!((ra.status(), rb.status()), (Status::Dead, Status::Suspended));
/// ```
#[derive(Clone)]
pub struct CoroutineRef {
    weak: Weak<Inner<dyn Erased>>,
}

impl CoroutineRef {
    pub(crate) fn from_weak(weak: Weak<Inner<dyn Erased>>) -> Self {
        Self { weak }
    }

    /// The address of the coroutine's allocation, its identity. The `Weak` keeps the
    /// allocation, so no other coroutine can get this address while this reference lives.
    pub(crate) fn addr(&self) -> *const () {
        self.weak.as_ptr().cast()
    }

    /// The coroutine's status now; [`Status::Dead`] once every handle to it has been dropped.
    ///
    /// ```
    /// use resumable::{coroutine, Coroutine, Status};
    ///
    /// let co: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| {}));
    /// let r = co.to_ref();
    /// assert_eq!(r.status(), Status::Suspended);
    /// drop(co);
    /// assert_eq!(r.status(), Status::Dead);
    /// ```
    pub fn status(&self) -> Status {
        if self.weak.strong_count() == 0 {
            return Status::Dead;
        }
        // SAFETY: a strong handle exists (checked above), so the value is alive; `Rc` and
        // `Weak` are neither `Send` nor `Sync`, so the type confines them to this thread and
        // nothing drops the value while we use the reference. The header's fields that change
        // are `Cell`s, only ever read or written through shared references, and this creates a
        // reference to the header alone (the body, which may hold borrows that ended, is not
        // touched).
        let header = unsafe { &(*self.weak.as_ptr()).header };
        shared::status_of(header)
    }
}

// Reading a status cannot observe a broken state (see the same impls for `Coroutine`).
impl UnwindSafe for CoroutineRef {}
impl RefUnwindSafe for CoroutineRef {}

impl PartialEq for CoroutineRef {
    /// Whether both refer to the same coroutine.
    fn eq(&self, other: &Self) -> bool {
        self.addr() == other.addr()
    }
}

impl Eq for CoroutineRef {}

impl Hash for CoroutineRef {
    /// Hashes like the coroutine's [`Coroutine`](crate::Coroutine) handles.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.addr().addr().hash(state);
    }
}

impl fmt::Debug for CoroutineRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CoroutineRef")
            .field("address", &self.addr())
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

impl fmt::Pointer for CoroutineRef {
    /// The coroutine's address, the same as its handles' (Lua prints a thread as `thread: 0x…`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Pointer::fmt(&self.addr(), f)
    }
}
