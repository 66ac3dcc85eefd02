//! [`Task`]: a dispatcher task as a tokio future; [`spawn`] and [`spawn_local`].

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::prelude::rust_2024::*;

use ::tokio::task::JoinHandle;
use ::tokio::time::Sleep;

use super::super::Wait;
use super::driving;
use super::registration::ForeignWait;
use crate::error::{Panic, ResumeError};
use crate::state::{Resumable, State};

/// A dispatcher task (a coroutine resumed with `()` that yields [`Wait`]s and returns an
/// `io::Result<T>`, what [`Dispatcher::spawn`](crate::dispatch::Dispatcher::spawn) takes) as a
/// [`Future`] of its result, for a tokio runtime.
///
/// Its output is what the [`Dispatcher`](crate::dispatch::Dispatcher) would give as the task's
/// result: the task's own `Ok` or `Err`, or, when the task panics, an [`io::Error`] whose
/// `Display` is the panic message and whose [`into_inner`](io::Error::into_inner) is the
/// [`ResumeError`]. The coroutine is boxed (one allocation, as on the dispatcher) and dropped as
/// soon as it ends, closing its sockets.
///
/// Each poll resumes the coroutine as long as what it waits for may have happened, then waits
/// on tokio's readiness and timers (see [the module docs](super)). It must be polled inside a
/// tokio runtime with IO and time enabled; outside one, its output is an error. It is `Send`
/// when the coroutine is, and then [`spawn`] runs it on any worker thread.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use std::time::Duration;
/// use resumable::dispatch::tokio::Task;
/// use resumable::dispatch::{sleep, Wait};
/// use resumable::{resumable, yield_from};
///
/// #[resumable(yield = Wait)]
/// fn nap(ms: u64) -> std::io::Result<u64> {
///     yield_from!(sleep(Duration::from_millis(ms)));
///     Ok(ms)
/// }
///
/// let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// // Awaited directly, like any future.
/// assert_eq!(runtime.block_on(Task::new(nap(5))).unwrap(), 5);
/// ```
#[must_use = "futures do nothing unless awaited or spawned"]
pub struct Task<G> {
    /// The coroutine, until it ends.
    coroutine: Option<Pin<Box<G>>>,
    /// What it waits for now, if anything.
    waiting: Option<Waiting>,
    /// The task's timer: made for its first deadline, moved to each later one.
    sleep: Option<Pin<Box<Sleep>>>,
    /// The waker lent to the thread while the coroutine runs (kept, so that it is cloned only
    /// when the task's waker changes).
    waker: Option<Waker>,
    /// Whether a runtime was found on the first poll.
    checked: bool,
}

impl<G> fmt::Debug for Task<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task")
            .field("done", &self.coroutine.is_none())
            .field("waiting", &self.waiting.as_ref().map(|w| w.wait))
            .finish_non_exhaustive()
    }
}

/// The wait a task yielded, until it is over.
struct Waiting {
    wait: Wait,
    /// Not polled yet since the task yielded it.
    fresh: bool,
    /// The registration of a descriptor that is not one of our streams', for this wait.
    foreign: Option<ForeignWait>,
}

impl Waiting {
    fn new(wait: Wait) -> Self {
        Self {
            wait,
            fresh: true,
            foreign: None,
        }
    }

    /// Whether the wait is over (what it waits for may have happened); otherwise arranges for
    /// the waker of `cx` to be woken when it may be.
    fn poll(
        &mut self,
        sleep: &mut Option<Pin<Box<Sleep>>>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        let fresh = core::mem::replace(&mut self.fresh, false);
        match self.wait.io {
            // `yield_now`: once round the runtime's queue.
            None if self.wait.deadline.is_none() => {
                if fresh {
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                return Poll::Ready(Ok(()));
            }
            None => {}
            // A stream's wait: its operation registered the waker with the stream's own
            // readiness before yielding. A later poll means a wake-up (or at least a hint): the
            // operation tries again. The first poll only arms the timer, below.
            Some(_) if self.wait.armed && !fresh => return Poll::Ready(Ok(())),
            Some(_) if self.wait.armed => {}
            Some((fd, direction)) => {
                let foreign = match &mut self.foreign {
                    Some(foreign) => foreign,
                    None => self.foreign.insert(ForeignWait::new(fd, direction)?),
                };
                match foreign.poll_ready(cx) {
                    Poll::Ready(result) => {
                        self.foreign = None;
                        return Poll::Ready(result);
                    }
                    Poll::Pending => {}
                }
            }
        }
        if let Some(deadline) = self.wait.deadline {
            let deadline = ::tokio::time::Instant::from_std(deadline);
            let sleep = match sleep {
                Some(sleep) => {
                    if sleep.deadline() != deadline {
                        sleep.as_mut().reset(deadline);
                    }
                    sleep
                }
                None => sleep.insert(Box::pin(::tokio::time::sleep_until(deadline))),
            };
            if sleep.as_mut().poll(cx).is_ready() {
                self.foreign = None;
                return Poll::Ready(Ok(()));
            }
        }
        Poll::Pending
    }
}

impl<G> Task<G> {
    /// The future of `task`'s result. Nothing runs before it is polled; it can be awaited,
    /// spawned, or put in a `JoinSet` like any future.
    ///
    /// ```
    /// # if cfg!(miri) { return; } // Miri has no epoll
    /// use resumable::dispatch::tokio::Task;
    /// use resumable::dispatch::{yield_now, Wait};
    /// use resumable::{resumable, yield_from};
    ///
    /// #[resumable(yield = Wait)]
    /// fn twice(n: u32) -> std::io::Result<u32> {
    ///     yield_from!(yield_now());
    ///     Ok(2 * n)
    /// }
    ///
    /// let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// let sum = runtime.block_on(async {
    ///     let mut set = tokio::task::JoinSet::new();
    ///     for n in 1..=3 {
    ///         set.spawn(Task::new(twice(n)));
    ///     }
    ///     let mut sum = 0;
    ///     while let Some(joined) = set.join_next().await {
    ///         sum += joined.unwrap().unwrap();
    ///     }
    ///     sum
    /// });
    /// assert_eq!(sum, 12);
    /// ```
    pub fn new(task: G) -> Self {
        Self {
            coroutine: Some(Box::pin(task)),
            waiting: None,
            sleep: None,
            waker: None,
            checked: false,
        }
    }

    /// Whether the task has ended (its result was returned by a poll).
    ///
    /// ```
    /// # if cfg!(miri) { return; } // Miri has no epoll
    /// use core::future::Future;
    /// use core::pin::Pin;
    /// use resumable::dispatch::tokio::Task;
    /// use resumable::dispatch::{yield_now, Wait};
    /// use resumable::{resumable, yield_from};
    ///
    /// #[resumable(yield = Wait)]
    /// fn one_turn() -> std::io::Result<()> {
    ///     yield_from!(yield_now());
    ///     Ok(())
    /// }
    ///
    /// let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// let mut task = Task::new(one_turn());
    /// runtime.block_on(core::future::poll_fn(|cx| {
    ///     assert!(Pin::new(&mut task).poll(cx).is_pending()); // it yields once
    ///     assert!(!task.is_finished());
    ///     assert!(Pin::new(&mut task).poll(cx).is_ready());
    ///     assert!(task.is_finished());
    ///     std::task::Poll::Ready(())
    /// }));
    /// ```
    pub fn is_finished(&self) -> bool {
        self.coroutine.is_none()
    }

    /// The task ended with `result`: drops what it held.
    fn finish<T>(&mut self, result: io::Result<T>) -> Poll<io::Result<T>> {
        self.coroutine = None;
        self.waiting = None;
        self.sleep = None;
        Poll::Ready(result)
    }
}

impl<G, T> Task<G>
where
    G: Resumable<(), Yield = Wait, Return = io::Result<T>>,
{
    /// Resumes the coroutine once, with `waker` lent to the thread, catching a panic.
    fn resume(&mut self, waker: &Waker) -> Result<State<Wait, io::Result<T>>, Panic> {
        if !self.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
            self.waker = Some(waker.clone());
        }
        let coroutine = self
            .coroutine
            .as_mut()
            .expect("a `Task` is resumed only until it ends");
        driving(&mut self.waker, || {
            catch_unwind(AssertUnwindSafe(|| coroutine.as_mut().resume(())))
        })
        .map_err(Panic::new)
    }
}

impl<G, T> Future for Task<G>
where
    G: Resumable<(), Yield = Wait, Return = io::Result<T>>,
{
    type Output = io::Result<T>;

    /// # Panics
    ///
    /// When polled again after it returned its result.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let this = self.get_mut();
        assert!(
            this.coroutine.is_some(),
            "a `dispatch::tokio::Task` polled after it returned its result"
        );
        if !this.checked {
            if ::tokio::runtime::Handle::try_current().is_err() {
                return this.finish(Err(io::Error::other(
                    "a dispatcher task on the tokio engine must run inside a tokio runtime",
                )));
            }
            this.checked = true;
        }
        loop {
            if let Some(waiting) = &mut this.waiting {
                match waiting.poll(&mut this.sleep, cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(())) => this.waiting = None,
                    Poll::Ready(Err(error)) => return this.finish(Err(error)),
                }
            }
            match this.resume(cx.waker()) {
                Ok(State::Yielded(wait)) => this.waiting = Some(Waiting::new(wait)),
                Ok(State::Complete(result)) => return this.finish(result),
                Err(panic) => {
                    let error = io::Error::other(ResumeError::Panicked(panic));
                    return this.finish(Err(error));
                }
            }
        }
    }
}

/// Runs a `Send` dispatcher task on the current tokio runtime ([`tokio::spawn`]): on the
/// multi-threaded runtime it may be resumed on any worker thread, a different one after each
/// wait. The [`JoinHandle`] gives `Ok` with the task's result (its error or panic included, as
/// [`Task`] says), `Err` only if the task was cancelled.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use resumable::dispatch::{yield_now, Wait};
/// use resumable::{resumable, yield_from};
///
/// #[resumable(yield = Wait)]
/// fn count(n: u32) -> std::io::Result<u32> {
///     for _ in 0..n {
///         yield_from!(yield_now());
///     }
///     if n == 3 {
///         panic!("three is too many");
///     }
///     Ok(n)
/// }
///
/// let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// let (two, three) = runtime.block_on(async {
///     let two = resumable::dispatch::tokio::spawn(count(2));
///     let three = resumable::dispatch::tokio::spawn(count(3));
///     (two.await.unwrap(), three.await.unwrap())
/// });
/// assert_eq!(two.unwrap(), 2);
/// assert_eq!(three.unwrap_err().to_string(), "three is too many");
/// ```
///
/// # Panics
///
/// Outside a tokio runtime (as [`tokio::spawn`] does).
pub fn spawn<G, T>(task: G) -> JoinHandle<io::Result<T>>
where
    G: Resumable<(), Yield = Wait, Return = io::Result<T>> + Send + 'static,
    T: Send + 'static,
{
    ::tokio::task::spawn(Task::new(task))
}

/// Runs a dispatcher task that need not be `Send` on the current
/// [`LocalSet`](::tokio::task::LocalSet) ([`tokio::task::spawn_local`]): it stays on the
/// thread that runs the set. The [`JoinHandle`] is as [`spawn`]'s.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use resumable::dispatch::{yield_now, Wait};
/// use resumable::{resumable, yield_from};
///
/// /// Holds an `Rc` across its waits: not `Send`.
/// #[resumable(yield = Wait)]
/// fn tick(turns: Rc<Cell<u32>>) -> std::io::Result<u32> {
///     for _ in 0..3 {
///         turns.set(turns.get() + 1);
///         yield_from!(yield_now());
///     }
///     Ok(turns.get())
/// }
///
/// let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// let turns = Rc::new(Cell::new(0));
/// let local = tokio::task::LocalSet::new();
/// let last = local.block_on(&runtime, async {
///     let a = resumable::dispatch::tokio::spawn_local(tick(turns.clone()));
///     let b = resumable::dispatch::tokio::spawn_local(tick(turns.clone()));
///     a.await.unwrap().unwrap().max(b.await.unwrap().unwrap())
/// });
/// assert_eq!(last, 6);
/// ```
///
/// # Panics
///
/// Outside a `LocalSet` (as [`tokio::task::spawn_local`] does).
pub fn spawn_local<G, T>(task: G) -> JoinHandle<io::Result<T>>
where
    G: Resumable<(), Yield = Wait, Return = io::Result<T>> + 'static,
    T: 'static,
{
    ::tokio::task::spawn_local(Task::new(task))
}
