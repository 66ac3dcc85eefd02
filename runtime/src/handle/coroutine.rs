//! Layer 2: [`Coroutine`], a Lua-style handle around a boxed state machine.
//!
//! How it is built: one `Rc` allocation holds a header (phase: suspended, active, closing or
//! dead; nesting depth; the creating thread's context) and, after it, the state machine itself (a
//! `dyn` trait object, so the handle's type names only `R`, `Y` and `T`). A thread-local context
//! ([`running`](mod@crate::running)) records the innermost active or closing coroutine; a
//! coroutine is `Running` when it is that innermost one and `Normal` when it is active or closing
//! further out. `resume` checks the phase and the depth, makes itself the innermost, calls the
//! body inside [`catch_unwind`], and restores the previous innermost one. `close` (and the drop
//! of the last handle of a suspended coroutine) does the same around dropping the state machine,
//! as Lua 5.4's `coroutine.close` runs to-be-closed variables inside the coroutine.
//!
//! Cost: the hot path is a `dyn` call plus a handful of loads and stores; `catch_unwind` is free
//! until something panics. `benches/handle.rs` measures it against Layer 1.

use core::any::Any;
use core::cell::{Cell, UnsafeCell};
use core::fmt;
use core::hash::{Hash, Hasher};
use core::mem::{self, ManuallyDrop};
use core::pin::Pin;
use core::ptr::NonNull;
use std::boxed::Box;
use std::panic::{AssertUnwindSafe, RefUnwindSafe, UnwindSafe, catch_unwind};
use std::rc::{Rc, Weak};

pub use super::error::MAX_DEPTH;
use super::error::{CloseError, Panic, ResumeError};
use super::running::{CoroutineRef, Running};
use super::shared::{self, Erased, Header, Inner, Phase};
use super::status::Status;
use crate::state::{Resumable, State};

/// A state machine resumed through `&self`.
trait Body<R, Y, T>: Erased {
    /// Resumes the state machine.
    ///
    /// # Safety
    ///
    /// The state machine is alive, and nothing else accesses it until this returns: the caller
    /// has just moved the phase of the enclosing [`Inner`] from `Suspended` to `Active`.
    unsafe fn resume(&self, arg: R) -> State<Y, T>;
}

/// Where the state machine lives: pinned in place inside the `Rc` allocation, dropped in place.
struct Slot<G>(UnsafeCell<ManuallyDrop<G>>);

impl<G> Erased for Slot<G> {
    unsafe fn drop_body(&self) {
        // SAFETY: by this method's contract (which callers meet through the phase, a runtime
        // check: see `Inner`) the value is alive, unborrowed, and never used again, so dropping
        // it in place is its one drop; it is not moved first, which keeps the pinning promise
        // made in `resume`.
        unsafe { ManuallyDrop::drop(&mut *self.0.get()) }
    }
}

impl<R, G: Resumable<R>> Body<R, G::Yield, G::Return> for Slot<G> {
    #[inline]
    unsafe fn resume(&self, arg: R) -> State<G::Yield, G::Return> {
        // SAFETY: by this method's contract (which callers meet through the phase, a runtime
        // check: see `Inner`) the value is alive and this is the only access to it until we
        // return, so the `&mut` is unique. Pinning, by the API's shape: the value lives inside an
        // `Rc` allocation that nothing moves it out of (no code unwraps that `Rc` or asks it for
        // a `&mut`, and no method hands out a reference to the body), and it is dropped in place
        // (`drop_body`) before the allocation is freed; if every handle is leaked, the
        // allocation is never freed.
        let body = unsafe { Pin::new_unchecked(&mut **self.0.get()) };
        body.resume(arg)
    }
}

impl Inner<dyn Erased + '_> {
    /// Drops the state machine of a suspended coroutine inside it, as Lua 5.4's
    /// `coroutine.close` runs to-be-closed variables: while the `Drop`s run, the coroutine is the
    /// innermost one of the thread's context (so `Running`, and its closer `Normal`), in phase
    /// `Closing`, so that resuming or closing it is an error. Then it is dead and the context is
    /// as before, also when a `Drop` panicked: the panic is caught and its payload returned.
    #[cold]
    #[inline(never)]
    fn close_suspended(&self) -> Result<(), Box<dyn Any + Send>> {
        debug_assert_eq!(self.header.phase.get(), Phase::Suspended);
        let cx = shared::deref(&self.header.context);
        let parent = cx.current.get();
        let depth = match parent {
            None => 1,
            // SAFETY: the context's current coroutine is alive, as in `resume`. Closing does not
            // fail at the depth limit; past it, the depth only makes every resume from inside
            // the `Drop`s fail, and stays at `MAX_DEPTH + 1`.
            Some(p) => unsafe { p.as_ref() }.depth.get().min(MAX_DEPTH) + 1,
        };
        self.header.phase.set(Phase::Closing);
        self.header.depth.set(depth);
        cx.current.set(Some(NonNull::from(&self.header)));
        let result = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: the phase was `Suspended`, so the body is alive and unborrowed; it is
            // `Closing` now, so no `resume`, `close` or handle drop touches it, and we set `Dead`
            // below before anything else runs, however this ends.
            unsafe { self.body.drop_body() }
        }));
        cx.current.set(parent);
        self.header.phase.set(Phase::Dead);
        result
    }

    /// The last handle of a suspended coroutine is being dropped: close it, and re-raise a panic
    /// from a `Drop` (or discard it, if the thread is already unwinding).
    #[cold]
    #[inline(never)]
    fn close_on_drop(&self) {
        if let Err(payload) = self.close_suspended() {
            if std::thread::panicking() {
                drop(payload);
            } else {
                std::panic::resume_unwind(payload);
            }
        }
    }
}

/// A handle to a coroutine, like a Lua thread: resume it, ask its [`status`](Self::status),
/// [`close`](Self::close) it, [`wrap`](Self::wrap) it into a callable. Cloning is cheap (a
/// reference count) and every clone refers to the same coroutine; handles compare equal (and
/// hash) by identity.
///
/// `R` is the type passed in by each `resume`, `Y` the type a `yield_!` hands out, `T` the type
/// the body returns; `'a` is how long what the body borrows lives (`'static` if it borrows
/// nothing). Create one from any [`Resumable`]: a `coroutine!` closure or a `#[resumable]`
/// function's result.
///
/// ```
/// use resumable::{coroutine, yield_, Coroutine, State, Status};
///
/// // Lua: co = coroutine.create(function (a) local b = coroutine.yield(a + 1) return b * 2 end)
/// let co = Coroutine::new(coroutine!(|a: i32| {
///     let b = yield_!(a + 1); // the first resume's argument is `a`; the second one is `b`
///     b * 2
/// }));
/// assert_eq!(co.status(), Status::Suspended);
/// assert_eq!(co.resume(10).unwrap(), State::Yielded(11));
/// assert_eq!(co.resume(4).unwrap(), State::Complete(8));
/// assert_eq!(co.status(), Status::Dead);
/// assert_eq!(co.resume(0).unwrap_err().to_string(), "cannot resume dead coroutine");
/// ```
///
/// A `#[resumable]` function works the same; its parameter marked `#[resume]` receives the first
/// resume's argument:
///
/// ```
/// use resumable::{resumable, yield_, Coroutine, State};
///
/// #[resumable(yield = u64, resume = u64)]
/// fn accumulate(#[resume] first: u64) -> u64 {
///     let mut total = first;
///     loop {
///         match yield_!(total) {
///             0 => return total,
///             x => total += x,
///         }
///     }
/// }
///
/// let co = Coroutine::new(accumulate());
/// assert_eq!(co.resume(5).unwrap(), State::Yielded(5));
/// assert_eq!(co.resume(6).unwrap(), State::Yielded(11));
/// assert_eq!(co.resume(0).unwrap(), State::Complete(11));
/// ```
///
/// # Errors are values
///
/// [`resume`](Self::resume) never panics because of the coroutine: resuming a dead coroutine, a
/// running or normal one (re-entrantly, through a clone of its handle), a panic in the body and
/// nesting deeper than [`MAX_DEPTH`] all come back as a [`ResumeError`].
///
/// # Dropping
///
/// The state machine is dropped (its locals' `Drop` runs, in reverse order of declaration) when
/// the coroutine returns, panics or is [closed](Self::close), or when the last handle to a
/// suspended coroutine is dropped.
///
/// - When the body returns or panics, its locals are dropped by the body itself as it returns or
///   unwinds, so their `Drop` runs inside the running coroutine. Anything the state machine
///   still holds after that is dropped once the coroutine is dead.
/// - [`close`](Self::close) drops the locals of a suspended coroutine the way Lua 5.4's
///   `coroutine.close` runs its pending to-be-closed variables: inside the coroutine. While
///   their `Drop` runs, the coroutine's status is [`Running`](Status::Running),
///   [`running`](fn@crate::running) returns it, [`is_yieldable`](crate::is_yieldable) is false,
///   and whoever closes it is [`Normal`](Status::Normal); resuming or closing it from there is
///   an error. It is dead once `close` returns.
/// - Dropping the last handle of a suspended coroutine closes it in the same way, except that a
///   panic in a `Drop` propagates out of the handle's `drop`, like any panicking destructor
///   (use [`close`](Self::close) to get it back as an error instead). If the handle is dropped
///   while the thread is already unwinding from another panic, a second panic from such a
///   `Drop` is discarded in favour of the first, rather than aborting the process. This is a
///   deliberate difference from Lua, whose garbage collector frees an unreachable suspended
///   coroutine at some later time and does not run its pending to-be-closed variables: here the
///   locals are dropped at once, as for any Rust value.
///
/// Since the last handle's `drop` runs the body's `Drop`s, the borrow checker makes what the body
/// borrows outlive every handle:
///
/// ```compile_fail,E0597
/// use resumable::{coroutine, yield_, Coroutine};
///
/// let co;
/// let name = String::from("x");
/// co = Coroutine::new(coroutine!(|()| {
///     let _keep = &name; // error: `name` does not live long enough
///     yield_!();
/// }));
/// co.resume(()).unwrap();
/// ```
///
/// Handles are reference counted: a coroutine whose body holds a handle to itself is a cycle
/// and is never dropped, like an `Rc` cycle. [`CoroutineRef`] (from [`running`](fn@crate::running)
/// or [`to_ref`](Self::to_ref)) does not keep the coroutine alive and is the way to refer to
/// oneself.
///
/// # Threads
///
/// `Coroutine`, [`Wrap`](crate::Wrap), [`CoroutineRef`] and [`Running`] are neither `Send` nor `Sync`: they
/// share their coroutine through an `Rc`, and status is tracked per thread. To move a coroutine
/// to another thread, move the Layer 1 state machine (which is `Send` when what it holds is) and
/// make the handle there. [`Status`], [`ResumeError`] and [`CloseError`] are `Send + Sync`.
///
/// ```compile_fail,E0277
/// use resumable::{coroutine, Coroutine};
///
/// let co: Coroutine<'static, (), (), ()> = Coroutine::new(coroutine!(|()| {}));
/// std::thread::spawn(move || co.resume(())); // error: `Rc<..>` cannot be sent between threads
/// ```
///
/// Nor can a handle be shared with another thread:
///
/// ```compile_fail,E0277
/// use resumable::{coroutine, Coroutine};
///
/// let co: Coroutine<'static, (), (), ()> = Coroutine::new(coroutine!(|()| {}));
/// std::thread::scope(|s| {
///     s.spawn(|| co.resume(())); // error: `Rc<..>` cannot be shared between threads
/// });
/// ```
#[must_use = "coroutines do nothing unless resumed"]
pub struct Coroutine<'a, R, Y, T> {
    /// In a `ManuallyDrop` so that `drop` can move the `Rc` out (see there).
    inner: ManuallyDrop<Shared<'a, R, Y, T>>,
}

/// What a handle holds: a reference to the coroutine's header and state machine.
type Shared<'a, R, Y, T> = Rc<Inner<dyn Body<R, Y, T> + 'a>>;

impl<'a, R, Y, T> Coroutine<'a, R, Y, T> {
    /// Moves `body` into a new coroutine (one allocation), suspended before its first line:
    /// Lua's `coroutine.create`. The body does not run until the first [`resume`](Self::resume).
    ///
    /// ```
    /// use resumable::{coroutine, Coroutine, Status};
    ///
    /// let co: Coroutine<'_, &str, (), ()> =
    ///     Coroutine::new(coroutine!(|name: &str| println!("hi {name}")));
    /// assert_eq!(co.status(), Status::Suspended);
    /// ```
    // `inline`: once `new` is inlined, the compiler knows the state machine's type at the
    // resumes that follow and calls it directly.
    #[inline]
    pub fn new<G>(body: G) -> Self
    where
        G: Resumable<R, Yield = Y, Return = T> + 'a,
    {
        let inner = Rc::new(Inner {
            header: Header {
                phase: Cell::new(Phase::Suspended),
                depth: Cell::new(0),
                context: shared::context(),
                this: Cell::new(None),
            },
            body: Slot(UnsafeCell::new(ManuallyDrop::new(body))),
        });
        let this: *const Inner<Slot<G>> = Rc::as_ptr(&inner);
        let this: *const Inner<dyn Erased + 'a> = this;
        // `transmute`, not `as`: a pointer cast cannot extend a trait object's lifetime.
        #[allow(clippy::transmute_ptr_to_ptr)]
        // SAFETY: only the trait object's lifetime changes, not the pointer or the vtable. `this`
        // is only used by `running`, while this coroutine is the context's current one (so
        // alive), to make a `CoroutineRef`, which may outlive `'a`: see `to_ref` for why that is
        // sound.
        let this: *const Inner<dyn Erased> = unsafe { mem::transmute(this) };
        inner.header.this.set(NonNull::new(this.cast_mut()));
        Self {
            inner: ManuallyDrop::new(inner),
        }
    }

    /// Runs the coroutine until its next `yield_!` or its end, passing `arg` in: Lua's
    /// `coroutine.resume`. The first resume's argument goes to the closure's parameter (or the
    /// `#[resume]` parameter); each later one becomes the value of the `yield_!` the body is
    /// stopped at.
    ///
    /// `Ok(State::Yielded(y))` means the body stopped at `yield_!(y)` and is suspended again;
    /// `Ok(State::Complete(t))` means it returned `t` and is dead.
    ///
    /// ```
    /// use resumable::{coroutine, yield_, Coroutine, State};
    ///
    /// // One type for every resume's argument: the first one's string is unused here.
    /// let co = Coroutine::new(coroutine!(|(_, x): (String, i32)| {
    ///     let (s, y) = yield_!(x + 10);
    ///     (s, y + x + 10)
    /// }));
    /// assert_eq!(co.resume((String::new(), 50)).unwrap(), State::Yielded(60));
    /// assert_eq!(
    ///     co.resume(("sss".to_owned(), 100)).unwrap(),
    ///     State::Complete(("sss".to_owned(), 160)),
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// - [`ResumeError::Dead`] if the coroutine returned, panicked or was closed (every time).
    /// - [`ResumeError::NonSuspended`] if it is running or normal, i.e. being resumed further up
    ///   this thread's stack. That resume goes on undisturbed.
    /// - [`ResumeError::Panicked`] if a panic escaped the body: the coroutine is now dead and its
    ///   locals were dropped. The error holds the payload.
    /// - [`ResumeError::StackOverflow`] if [`MAX_DEPTH`] coroutines are already active on this
    ///   thread. The coroutine stays suspended.
    ///
    /// `arg` is dropped when the body does not run.
    #[inline(always)]
    pub fn resume(&self, arg: R) -> Result<State<Y, T>, ResumeError> {
        let inner = &*self.inner;
        if inner.header.phase.get() != Phase::Suspended {
            return Err(self.not_suspended());
        }
        let cx = shared::deref(&inner.header.context);
        let parent = cx.current.get();
        let depth = match parent {
            None => 1,
            // SAFETY: the context's current coroutine is alive: it is set only by this function
            // and `close_suspended`, for the duration of a call that borrows one of its handles,
            // and restored before that call returns or unwinds (see `running`). Its depth is at
            // most `MAX_DEPTH + 1` (a close nested at the limit), so this cannot overflow.
            Some(p) => unsafe { p.as_ref() }.depth.get() + 1,
        };
        if depth > MAX_DEPTH {
            return Err(ResumeError::StackOverflow);
        }
        cx.current.set(Some(self.erased()));
        inner.header.depth.set(depth);
        inner.header.phase.set(Phase::Active);
        let result = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: the phase was `Suspended` (checked above), so the body is alive and
            // unborrowed; it is `Active` now, so no other `resume`, `close` or handle drop
            // touches it until we set it back below.
            unsafe { inner.body.resume(arg) }
        }));
        cx.current.set(parent);
        match result {
            Ok(State::Yielded(value)) => {
                inner.header.phase.set(Phase::Suspended);
                Ok(State::Yielded(value))
            }
            Ok(State::Complete(value)) => self.returned(value),
            Err(payload) => Err(self.panicked(payload)),
        }
    }

    /// The error for a `resume` of a coroutine that is not suspended.
    #[cold]
    #[inline(never)]
    fn not_suspended(&self) -> ResumeError {
        if self.inner.header.phase.get() == Phase::Dead {
            ResumeError::Dead
        } else {
            ResumeError::NonSuspended
        }
    }

    /// The body returned `value`: drop what is left of it, and hand `value` out.
    #[inline(never)]
    fn returned(&self, value: T) -> Result<State<Y, T>, ResumeError> {
        match self.kill() {
            Ok(()) => Ok(State::Complete(value)),
            Err(payload) => {
                drop(value);
                Err(ResumeError::Panicked(Panic::new(payload)))
            }
        }
    }

    /// A panic escaped the body (its locals were dropped while unwinding): drop what is left.
    /// A second panic while dropping it is discarded in favour of the first.
    #[cold]
    #[inline(never)]
    fn panicked(&self, payload: Box<dyn Any + Send>) -> ResumeError {
        if let Err(second) = self.kill() {
            drop(second);
        }
        ResumeError::Panicked(Panic::new(payload))
    }

    /// Marks a coroutine whose resume just ended (it returned or panicked) dead and drops what is
    /// left of its state machine, catching a panic from a `Drop`.
    fn kill(&self) -> Result<(), Box<dyn Any + Send>> {
        let inner = &*self.inner;
        debug_assert_eq!(inner.header.phase.get(), Phase::Active);
        inner.header.phase.set(Phase::Dead);
        catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: the phase was `Active` for the resume that just ended, which has let go of
            // the body, so the body is alive and unborrowed; we set `Dead` above, so this is the
            // last use.
            unsafe { inner.body.drop_body() }
        }))
    }

    /// The coroutine's status, with Lua's meaning: see [`Status`].
    ///
    /// ```
    /// use resumable::{coroutine, running, yield_, Coroutine, Status};
    ///
    /// let co = Coroutine::new(coroutine!(|()| {
    ///     yield_!(running().status()); // asked from inside: running
    /// }));
    /// assert_eq!(co.status(), Status::Suspended);
    /// assert_eq!(co.resume(()).unwrap().yielded(), Some(Status::Running));
    /// assert_eq!(co.status(), Status::Suspended);
    /// ```
    pub fn status(&self) -> Status {
        shared::status_of(&self.inner.header)
    }

    /// Kills a suspended coroutine: drops its state machine (its locals' `Drop` runs, in reverse
    /// order; the code after the `yield_!` it is stopped at never runs) and makes it dead. Lua's
    /// `coroutine.close`. Closing a dead coroutine does nothing and succeeds.
    ///
    /// As in Lua, the `Drop`s run inside the coroutine: meanwhile its status is
    /// [`Running`](Status::Running), [`running`](fn@crate::running) returns it,
    /// [`is_yieldable`](crate::is_yieldable) is false, and the caller of `close` is
    /// [`Normal`](Status::Normal) (if it is a coroutine). Resuming the coroutine from there returns
    /// [`ResumeError::NonSuspended`] and closing it [`CloseError::Running`] (or
    /// [`CloseError::Normal`], from a coroutine resumed there).
    ///
    /// ```
    /// use resumable::{coroutine, yield_, Coroutine, Status};
    ///
    /// struct Noisy;
    /// impl Drop for Noisy {
    ///     fn drop(&mut self) { println!("closed"); }
    /// }
    ///
    /// let co = Coroutine::new(coroutine!(|()| {
    ///     let _noisy = Noisy;
    ///     yield_!();
    ///     unreachable!("a closed coroutine never runs again");
    /// }));
    /// co.resume(()).unwrap();
    /// co.close().unwrap(); // prints "closed"
    /// assert_eq!(co.status(), Status::Dead);
    /// co.close().unwrap(); // no-op
    /// ```
    ///
    /// # Errors
    ///
    /// - [`CloseError::Running`] / [`CloseError::Normal`] if the coroutine is active (it tried
    ///   to close itself, or one it resumed tried to close it). Nothing changes.
    /// - [`CloseError::Panicked`] if a `Drop` panicked while the state machine was dropped. The
    ///   remaining locals were still dropped, the coroutine is dead, and the caller is running
    ///   again.
    pub fn close(&self) -> Result<(), CloseError> {
        match self.status() {
            Status::Dead => Ok(()),
            Status::Running => Err(CloseError::Running),
            Status::Normal => Err(CloseError::Normal),
            Status::Suspended => self
                .erased_inner()
                .close_suspended()
                .map_err(|payload| CloseError::Panicked(Panic::new(payload))),
        }
    }

    /// A reference to this coroutine that can be compared with handles and asked for its status,
    /// whatever the coroutine's types, and that does not keep it alive. The same kind of value
    /// [`running`](fn@crate::running) returns.
    ///
    /// ```
    /// use resumable::{coroutine, Coroutine, Status};
    ///
    /// let co: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| {}));
    /// let r = co.to_ref();
    /// assert!(r == co);
    /// drop(co); // the last handle: the coroutine is gone
    /// assert_eq!(r.status(), Status::Dead);
    /// ```
    pub fn to_ref(&self) -> CoroutineRef {
        let weak: Weak<Inner<dyn Body<R, Y, T> + 'a>> = Rc::downgrade(&self.inner);
        let weak: Weak<Inner<dyn Erased + 'a>> = weak;
        // SAFETY: only the trait object's lifetime changes, not the layout or the vtable. By the
        // API's shape, a `CoroutineRef` cannot reach the body: it has no method that upgrades
        // the `Weak`, resumes or drops the value (only the last strong handle, a
        // `Coroutine<'a, ..>`, does that, within `'a`, as the borrow checker ensures); it reads
        // the header, which borrows nothing, and only while a strong handle exists; and when
        // it is the last reference it frees the allocation, whose layout the vtable describes.
        let weak: Weak<Inner<dyn Erased>> = unsafe { mem::transmute(weak) };
        CoroutineRef::from_weak(weak)
    }

    /// The address of the shared allocation: the coroutine's identity.
    fn addr(&self) -> *const () {
        Rc::as_ptr(&self.inner).cast()
    }

    /// The shared part, seen without its types: what `close` works on.
    #[inline]
    fn erased_inner(&self) -> &Inner<dyn Erased + 'a> {
        &**self.inner
    }

    /// The pointer the thread-local context records while this coroutine is active.
    #[inline]
    fn erased(&self) -> NonNull<Header> {
        NonNull::from(&self.inner.header)
    }
}

// A handle is never seen in a broken state after a panic: a panic in the body is caught inside
// `resume`, which then marks the coroutine dead, and nothing else in a handle's methods panics
// half-way through an update. (What the body shares with others is covered by those values' own
// unwind safety.)
impl<R, Y, T> UnwindSafe for Coroutine<'_, R, Y, T> {}
impl<R, Y, T> RefUnwindSafe for Coroutine<'_, R, Y, T> {}

impl<R, Y, T> Drop for Coroutine<'_, R, Y, T> {
    /// Drops the handle. The last handle of a suspended coroutine closes it first: see
    /// [Dropping](Coroutine#dropping).
    #[inline]
    fn drop(&mut self) {
        // SAFETY: this is the only place `inner` is taken out of its `ManuallyDrop`, and `self`
        // is not used after it (the field's own drop glue does nothing).
        let inner = unsafe { ManuallyDrop::take(&mut self.inner) };
        // Moved out rather than dropped through `&mut self`, so that a caller's landing pads do
        // not take the handle's address: that keeps the handle in registers in a resume loop
        // and lets the compiler see through its `dyn` call (12 instructions per resume).
        drop_handle(inner);
    }
}

/// Drops a handle, closing its coroutine first if it is the last one and suspended. `Rc` is
/// confined to this thread, so the count cannot change under us; a body cannot hold a handle to
/// itself without being counted.
#[inline]
fn drop_handle(inner: Rc<Inner<dyn Erased + '_>>) {
    if Rc::strong_count(&inner) == 1 {
        drop_last(inner);
    }
}

/// [`drop_handle`] for the last handle: out of line, since it runs once per coroutine.
#[inline(never)]
fn drop_last(inner: Rc<Inner<dyn Erased + '_>>) {
    if inner.header.phase.get() == Phase::Suspended {
        inner.close_on_drop();
    }
    drop(inner); // frees the allocation, unless a `CoroutineRef` still refers to it
}

impl<R, Y, T> Clone for Coroutine<'_, R, Y, T> {
    /// Another handle to the same coroutine.
    fn clone(&self) -> Self {
        Self {
            inner: ManuallyDrop::new(Rc::clone(&self.inner)),
        }
    }
}

impl<R, Y, T> PartialEq for Coroutine<'_, R, Y, T> {
    /// Whether both handles refer to the same coroutine.
    fn eq(&self, other: &Self) -> bool {
        self.addr() == other.addr()
    }
}

impl<R, Y, T> Eq for Coroutine<'_, R, Y, T> {}

impl<R, Y, T> Hash for Coroutine<'_, R, Y, T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.addr().addr().hash(state);
    }
}

impl<R, Y, T> PartialEq<CoroutineRef> for Coroutine<'_, R, Y, T> {
    fn eq(&self, other: &CoroutineRef) -> bool {
        self.addr() == other.addr()
    }
}

impl<R, Y, T> PartialEq<Coroutine<'_, R, Y, T>> for CoroutineRef {
    fn eq(&self, other: &Coroutine<'_, R, Y, T>) -> bool {
        self.addr() == other.addr()
    }
}

impl<R, Y, T> PartialEq<Running> for Coroutine<'_, R, Y, T> {
    fn eq(&self, other: &Running) -> bool {
        other.coroutine().is_some_and(|r| r == self)
    }
}

impl<R, Y, T> PartialEq<Coroutine<'_, R, Y, T>> for Running {
    fn eq(&self, other: &Coroutine<'_, R, Y, T>) -> bool {
        other == self
    }
}

impl<R, Y, T> fmt::Debug for Coroutine<'_, R, Y, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Coroutine")
            .field("address", &self.addr())
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

impl<R, Y, T> fmt::Pointer for Coroutine<'_, R, Y, T> {
    /// The coroutine's address, its identity (Lua prints a thread as `thread: 0x…`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Pointer::fmt(&self.addr(), f)
    }
}
