//! The generic bridge: [`bridge`] turns a callback-taking call into a value-returning one inside
//! a coroutine, and [`Task`] drives such a coroutine, resumed by the callbacks.

use core::cell::{Cell, RefCell};
use core::fmt;
use std::io;
use std::prelude::rust_2024::*;
use std::rc::{Rc, Weak};

use crate::coroutine::Coroutine;
use crate::delegate::Subroutine;
use crate::lower::{Co, Static, from_parts_starting};
use crate::state::{Resumable, State};
use crate::status::Status;

/// What a coroutine suspended in [`bridge`] yields to its [`Task`]: "wake me when the callback
/// fires". Only a [`Task`] knows what to do with it; its contents are private.
///
/// ```
/// use resumable::events::{Suspend, Task, bridge};
/// use resumable::{coroutine, yield_from};
///
/// let task = Task::new(coroutine!(|()| -> std::io::Result<u8> {
///     Ok(yield_from!(bridge(|resume| resume.resume(7u8))))
/// }));
/// task.start();
/// assert_eq!(task.take_result().unwrap().unwrap(), 7);
/// # let _: Option<Suspend> = None;
/// ```
#[must_use = "a `Suspend` does nothing unless its coroutine yields it to a `Task`"]
pub struct Suspend {
    waiter: Rc<dyn Bind>,
}

impl fmt::Debug for Suspend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Suspend").finish_non_exhaustive()
    }
}

/// The callback's end of a [`bridge`]: [`resume`](Self::resume) hands the callback's value to
/// the coroutine waiting in the bridge and resumes it (at once if it is suspended there; if the
/// callback fires before the coroutine got to suspend, the bridge returns without suspending).
///
/// Harmless when the coroutine is gone: if its [`Task`] was closed or dropped, the value is
/// dropped and nothing else happens. Consumed by `resume`, so a callback resumes at most once.
/// Dropping it without calling `resume` leaves the coroutine suspended for ever; the event loop
/// reports such coroutines when it ends (see [`run_loop`](super::run_loop)).
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use resumable::events::{Resume, Task, bridge};
/// use resumable::{coroutine, yield_from};
///
/// let later: Rc<RefCell<Option<Resume<String>>>> = Rc::default();
/// let keep = later.clone();
/// let task = Task::new(coroutine!(move |()| -> std::io::Result<String> {
///     Ok(yield_from!(bridge(|resume| *keep.borrow_mut() = Some(resume))))
/// }));
/// task.start();
/// assert!(!task.is_finished());
/// let resume = later.borrow_mut().take().unwrap();
/// resume.resume("fired".to_owned());
/// assert_eq!(task.take_result().unwrap().unwrap(), "fired");
/// ```
#[must_use = "the waiting coroutine stays suspended unless this is resumed"]
pub struct Resume<T> {
    waiter: Rc<Waiter<T>>,
}

impl<T> fmt::Debug for Resume<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resume").finish_non_exhaustive()
    }
}

impl<T> Resume<T> {
    /// Gives `value` to the waiting coroutine and resumes it, if it is still there.
    pub fn resume(self, value: T) {
        self.waiter.value.set(Some(value));
        if let Some(task) = self.waiter.task.take().and_then(|task| task.upgrade()) {
            task.wake();
        }
    }

    /// This resumer as a plain callback, for APIs that take an `FnOnce(T)`.
    ///
    /// ```
    /// use resumable::events::{Task, bridge};
    /// use resumable::{coroutine, yield_from};
    ///
    /// fn their_api(x: u32, callback: impl FnOnce(u32)) {
    ///     callback(x * 2);
    /// }
    ///
    /// let task = Task::new(coroutine!(|()| -> std::io::Result<u32> {
    ///     Ok(yield_from!(bridge(|resume| their_api(21, resume.into_fn()))))
    /// }));
    /// task.start();
    /// assert_eq!(task.take_result().unwrap().unwrap(), 42);
    /// ```
    pub fn into_fn(self) -> impl FnOnce(T) + 'static
    where
        T: 'static,
    {
        move |value| self.resume(value)
    }
}

/// Where the callback's value waits for the coroutine, and which task to wake.
struct Waiter<T> {
    value: Cell<Option<T>>,
    task: Cell<Option<Weak<dyn Wake>>>,
}

/// Binds a suspended waiter to the task that will be woken.
trait Bind {
    fn bind(&self, task: Weak<dyn Wake>);
}

impl<T> Bind for Waiter<T> {
    fn bind(&self, task: Weak<dyn Wake>) {
        self.task.set(Some(task));
    }
}

/// A task that a callback can resume.
trait Wake {
    fn wake(self: Rc<Self>);
}

/// Calls a callback-taking API and evaluates to the callback's argument, as if the call blocked:
/// `let value = yield_from!(bridge(|resume| api(args, move |v| resume.resume(v))));`.
///
/// `register` receives a [`Resume`] and must arrange for it to be called once with the value
/// (typically by passing a callback to the API that calls [`Resume::resume`]). The coroutine
/// then suspends, yielding a [`Suspend`] to its [`Task`], until the callback fires; the
/// callback resumes it and the bridge returns the callback's value. If the callback fires
/// during `register`, the bridge returns at once without suspending.
///
/// The coroutine must be driven by a [`Task`] (the event loop's [`run`](super::run) and
/// [`start`](super::start) make one), since that is what the callback resumes.
///
/// # Example: a callback library that is not ours
///
/// A tiny timer wheel with its own loop, bridged in three lines:
///
/// ```
/// use std::cell::RefCell;
/// use std::collections::BTreeMap;
/// use resumable::events::{Suspend, Task, bridge};
/// use resumable::{resumable, yield_from};
///
/// /// Someone else's callback API: run `callback(now)` at tick `at`.
/// #[derive(Default)]
/// struct Timers {
///     due: RefCell<BTreeMap<u64, Vec<Box<dyn FnOnce(u64)>>>>,
/// }
///
/// impl Timers {
///     fn at(&self, tick: u64, callback: impl FnOnce(u64) + 'static) {
///         self.due.borrow_mut().entry(tick).or_default().push(Box::new(callback));
///     }
///     /// Their event loop: fires the timers in tick order.
///     fn run(&self) {
///         loop {
///             let Some((tick, callbacks)) = self.due.borrow_mut().pop_first() else { break };
///             for callback in callbacks {
///                 callback(tick);
///             }
///         }
///     }
/// }
///
/// thread_local!(static TIMERS: Timers = Timers::default());
///
/// // The bridge: `sleep_until` looks blocking inside a coroutine.
/// fn sleep_until(tick: u64) -> impl resumable::Subroutine<Yield = Suspend, Return = u64> {
///     bridge(move |resume| TIMERS.with(|t| t.at(tick, move |now| resume.resume(now))))
/// }
///
/// #[resumable(yield = Suspend)]
/// fn sleeper(ticks: Vec<u64>) -> std::io::Result<Vec<u64>> {
///     let mut woke = Vec::new();
///     for tick in ticks {
///         woke.push(yield_from!(sleep_until(tick)));
///     }
///     Ok(woke)
/// }
///
/// let a = Task::new(sleeper(vec![1, 5, 9]));
/// let b = Task::new(sleeper(vec![3, 4]));
/// a.start();
/// b.start();
/// TIMERS.with(Timers::run);
/// assert_eq!(a.take_result().unwrap().unwrap(), [1, 5, 9]);
/// assert_eq!(b.take_result().unwrap().unwrap(), [3, 4]);
/// ```
pub fn bridge<T: 'static>(
    register: impl FnOnce(Resume<T>),
) -> impl Subroutine<Yield = Suspend, Return = T> {
    let co = Co::<Suspend, (), Static>::new_static();
    from_parts_starting(co.marker(), async move {
        let co = co;
        suspend_on(&co, register).await
    })
}

/// The body of [`bridge`], for subroutines of this module that try something else first.
pub(super) async fn suspend_on<T: 'static>(
    co: &Co<Suspend, (), Static>,
    register: impl FnOnce(Resume<T>),
) -> T {
    let waiter = Rc::new(Waiter {
        value: Cell::new(None),
        task: Cell::new(None),
    });
    register(Resume {
        waiter: Rc::clone(&waiter),
    });
    loop {
        if let Some(value) = waiter.value.take() {
            return value;
        }
        let bind: Rc<dyn Bind> = waiter.clone();
        co.yield_(Suspend { waiter: bind }).await;
    }
}

/// A coroutine driven by callbacks: it yields [`Suspend`] in [`bridge`], and the callback that
/// the bridge registered resumes it. Ends with an `io::Result<T>` (a panic in the body becomes
/// an `io::Error` whose `Display` is the panic message).
///
/// The handle is a reference, cheap to clone. Callbacks hold only a weak reference: once every
/// handle is dropped (or the task [closed](Self::close)), a late callback does nothing.
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use resumable::events::{Resume, Task, bridge};
/// use resumable::{coroutine, yield_from, Status};
///
/// let pending: Rc<RefCell<Vec<Resume<u32>>>> = Rc::default();
/// let keep = pending.clone();
/// let task = Task::new(coroutine!(move |()| -> std::io::Result<u32> {
///     let a = yield_from!(bridge(|r| keep.borrow_mut().push(r)));
///     Ok(a + 1)
/// }));
/// assert_eq!(task.status(), Status::Suspended);
/// task.start();
/// task.close().unwrap(); // the body is dropped
/// let resume = pending.borrow_mut().pop().unwrap();
/// resume.resume(1); // harmless
/// assert!(task.take_result().is_none());
/// assert_eq!(task.status(), Status::Dead);
/// ```
#[must_use = "coroutines do nothing unless resumed"]
pub struct Task<T> {
    inner: Rc<TaskInner<T>>,
}

impl<T> Clone for Task<T> {
    fn clone(&self) -> Self {
        Self {
            inner: Rc::clone(&self.inner),
        }
    }
}

impl<T: 'static> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task")
            .field("status", &self.status())
            .field("finished", &self.is_finished())
            .finish_non_exhaustive()
    }
}

struct TaskInner<T> {
    co: Coroutine<'static, (), Suspend, io::Result<T>>,
    result: RefCell<Option<io::Result<T>>>,
    started: Cell<bool>,
    finished: Cell<bool>,
    on_done: Cell<Option<Box<dyn FnOnce()>>>,
    /// Called when the body finishes or is closed, after `on_done`.
    on_end: Cell<Option<Box<dyn FnOnce()>>>,
}

impl<T: 'static> Wake for TaskInner<T> {
    fn wake(self: Rc<Self>) {
        let result = match self.co.resume(()) {
            Ok(State::Yielded(suspend)) => {
                let this: Rc<dyn Wake> = self.clone();
                suspend.waiter.bind(Rc::downgrade(&this));
                return;
            }
            Ok(State::Complete(result)) => result,
            // Closed, or resumed from inside itself: nothing to do.
            Err(crate::ResumeError::Dead | crate::ResumeError::NonSuspended) => return,
            Err(error) => Err(io::Error::other(error)),
        };
        *self.result.borrow_mut() = Some(result);
        self.finished.set(true);
        if let Some(done) = self.on_done.take() {
            done();
        }
        if let Some(end) = self.on_end.take() {
            end();
        }
    }
}

impl<T: 'static> Task<T> {
    /// Wraps `body` (a coroutine resumed with `()` that yields [`Suspend`]) in a task. It does
    /// not run before [`start`](Self::start).
    ///
    /// ```
    /// use resumable::coroutine;
    /// use resumable::events::Task;
    ///
    /// let task = Task::new(coroutine!(|()| -> std::io::Result<()> { Ok(()) }));
    /// assert!(!task.is_finished());
    /// task.start();
    /// assert!(task.is_finished());
    /// ```
    pub fn new<G>(body: G) -> Self
    where
        G: Resumable<(), Yield = Suspend, Return = io::Result<T>> + 'static,
    {
        Self {
            inner: Rc::new(TaskInner {
                co: Coroutine::new(body),
                result: RefCell::new(None),
                started: Cell::new(false),
                finished: Cell::new(false),
                on_done: Cell::new(None),
                on_end: Cell::new(None),
            }),
        }
    }

    /// Runs the body up to its first wait (or its end). Starting a started task does nothing.
    pub fn start(&self) {
        if !self.inner.started.replace(true) {
            Rc::clone(&self.inner).wake();
        }
    }

    /// Whether the body has run to its end (or panicked). A [closed](Self::close) task is not
    /// finished: it has no result.
    pub fn is_finished(&self) -> bool {
        self.inner.finished.get()
    }

    /// Whether the body started and is suspended, waiting for a callback.
    pub(crate) fn is_waiting(&self) -> bool {
        self.inner.started.get()
            && !self.inner.finished.get()
            && self.inner.co.status() == Status::Suspended
    }

    /// The coroutine's status, in Lua's words: suspended before it starts and while it waits,
    /// dead once finished or closed.
    ///
    /// ```
    /// use resumable::events::{Resume, Task, bridge};
    /// use resumable::{Status, coroutine, yield_from};
    ///
    /// let task = Task::new(coroutine!(|()| -> std::io::Result<()> {
    ///     yield_from!(bridge(|resume: Resume<()>| drop(resume))); // never resumed
    ///     Ok(())
    /// }));
    /// task.start();
    /// assert_eq!(task.status(), Status::Suspended);
    /// task.close().unwrap();
    /// assert_eq!(task.status(), Status::Dead);
    /// assert!(!task.is_finished());
    /// ```
    pub fn status(&self) -> Status {
        self.inner.co.status()
    }

    /// Takes the body's result, once it finished: `None` before, or if it was closed, or if
    /// the result was already taken. A panic in the body is an `io::Error` with its message.
    ///
    /// ```
    /// use resumable::coroutine;
    /// use resumable::events::Task;
    ///
    /// let task = Task::new(coroutine!(|()| -> std::io::Result<()> { panic!("oops") }));
    /// task.start();
    /// assert_eq!(task.take_result().unwrap().unwrap_err().to_string(), "oops");
    /// assert!(task.take_result().is_none());
    /// ```
    pub fn take_result(&self) -> Option<io::Result<T>> {
        self.inner.result.borrow_mut().take()
    }

    /// Drops the suspended body (its locals' `Drop` runs); a callback that fires later does
    /// nothing.
    ///
    /// # Errors
    ///
    /// [`CloseError`](crate::CloseError) when the body is running (closing itself).
    pub fn close(&self) -> Result<(), crate::CloseError> {
        self.inner.co.close()?;
        if let Some(end) = self.inner.on_end.take() {
            end();
        }
        Ok(())
    }

    /// Calls `done` when the body finishes (not when it is closed).
    pub(crate) fn on_done(&self, done: impl FnOnce() + 'static) {
        self.inner.on_done.set(Some(Box::new(done)));
    }

    /// Calls `end` when the body finishes or is closed, whichever comes first.
    pub(crate) fn on_end(&self, end: impl FnOnce() + 'static) {
        self.inner.on_end.set(Some(Box::new(end)));
    }
}
