//! [`Dispatcher`]: runs tasks (coroutines yielding [`Wait`]) until all of them finish.

use core::cell::RefCell;
use core::fmt;
use std::collections::VecDeque;
use std::io;
use std::prelude::rust_2024::*;
use std::rc::Rc;
use std::time::Duration;

use super::Wait;
use crate::coroutine::Coroutine;
use crate::io::reactor::{self, Owner, Waiter};
use crate::state::{Resumable, State};

/// How a [`Dispatcher`] schedules its tasks.
///
/// ```
/// use resumable::dispatch::Mode;
///
/// assert_eq!(Mode::default(), Mode::Poll);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Mode {
    /// Runs every task that can run; when none can, blocks in `mio::Poll` until a socket a task
    /// waits for is ready or the earliest deadline passes (the seed's dispatcher with
    /// `socket.select`). The default, and the one to use.
    #[default]
    Poll,
    /// One task at a time, in spawn order, each to its end before the next one starts; its waits
    /// block in the poll. What blocking I/O does, with the same task code: the baseline the seed
    /// compares the dispatchers with.
    Sequential,
    /// **What not to do**, kept for the comparison: the seed's first dispatcher. Resumes every
    /// live task in turn, round-robin, whatever it waits for, and never blocks: while the
    /// sockets have no data it spins, burning a whole core (the seed measured 30 times the CPU
    /// time of the blocking version). Results are the same as with [`Mode::Poll`].
    Busy,
}

/// Which task a result belongs to: the position of the task in spawn order, from 0.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use resumable::dispatch::{Dispatcher, Wait};
/// use resumable::resumable;
///
/// #[resumable(yield = Wait)]
/// fn answer() -> std::io::Result<u32> {
///     Ok(42)
/// }
///
/// let mut dispatcher = Dispatcher::new();
/// let id = dispatcher.spawn(answer());
/// assert_eq!(id.index(), 0);
/// assert_eq!(dispatcher.run().unwrap()[id.index()].as_ref().unwrap(), &42);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskId(usize);

impl TaskId {
    /// The task's position in spawn order (and in [`Dispatcher::run`]'s results).
    pub fn index(self) -> usize {
        self.0
    }
}

/// One task: its coroutine while it is alive.
struct Task<'a, T> {
    co: Option<Coroutine<'a, (), Wait, io::Result<T>>>,
}

/// Runs many tasks on one thread, cooperatively: each task is a coroutine that yields a
/// [`Wait`] when it would block, and returns an `io::Result<T>`.
///
/// [`spawn`](Self::spawn) adds tasks; [`run`](Self::run) runs them all to their end and returns
/// each task's result, in spawn order. A task that returns `Err`, or panics, ends alone: its
/// result is the error (for a panic, an [`io::Error`] whose `Display` is the panic message and
/// whose [`into_inner`](io::Error::into_inner) is the [`ResumeError`](crate::ResumeError)), and
/// the other tasks go on.
///
/// How tasks are scheduled is the [`Mode`]: [`Mode::Poll`] by default.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use std::time::Duration;
/// use resumable::dispatch::{sleep, Dispatcher, Wait};
/// use resumable::{resumable, yield_from};
///
/// #[resumable(yield = Wait)]
/// fn task(n: u32) -> std::io::Result<u32> {
///     yield_from!(sleep(Duration::from_millis(u64::from(n))));
///     if n == 2 {
///         panic!("task 2 fails");
///     }
///     Ok(n * 10)
/// }
///
/// let mut dispatcher = Dispatcher::new();
/// for n in 0..4 {
///     dispatcher.spawn(task(n));
/// }
/// let results = dispatcher.run().unwrap();
/// assert_eq!(results[1].as_ref().unwrap(), &10);
/// assert_eq!(results[2].as_ref().unwrap_err().to_string(), "task 2 fails");
/// assert_eq!(results[3].as_ref().unwrap(), &30);
/// ```
#[must_use = "tasks do nothing unless the dispatcher runs"]
pub struct Dispatcher<'a, T> {
    mode: Mode,
    tasks: Vec<Task<'a, T>>,
    results: Vec<Option<io::Result<T>>>,
}

impl<T> fmt::Debug for Dispatcher<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dispatcher")
            .field("mode", &self.mode)
            .field("tasks", &self.tasks.len())
            .finish_non_exhaustive()
    }
}

impl<T> Default for Dispatcher<'_, T> {
    fn default() -> Self {
        Self::new()
    }
}

/// What one resume of a task came to.
enum Step {
    /// The task yielded this.
    Wait(Wait),
    /// The task ended; its result is stored.
    Done,
}

impl<'a, T> Dispatcher<'a, T> {
    /// A dispatcher with no tasks, in [`Mode::Poll`].
    ///
    /// ```
    /// use resumable::dispatch::{Dispatcher, Mode};
    ///
    /// let dispatcher: Dispatcher<'_, ()> = Dispatcher::new();
    /// assert_eq!(dispatcher.mode(), Mode::Poll);
    /// assert!(dispatcher.is_empty());
    /// ```
    pub fn new() -> Self {
        Self::with_mode(Mode::Poll)
    }

    /// A dispatcher with no tasks, in the given mode.
    ///
    /// ```
    /// use resumable::dispatch::{Dispatcher, Mode};
    ///
    /// let dispatcher: Dispatcher<'_, ()> = Dispatcher::with_mode(Mode::Busy);
    /// assert_eq!(dispatcher.mode(), Mode::Busy);
    /// ```
    pub fn with_mode(mode: Mode) -> Self {
        Self {
            mode,
            tasks: Vec::new(),
            results: Vec::new(),
        }
    }

    /// The scheduling mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// How many tasks were spawned.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether no task was spawned.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Adds a task: a coroutine resumed with `()` that yields [`Wait`]s and returns an
    /// `io::Result<T>`, such as a call of a `#[resumable(yield = Wait)]` fn returning
    /// `io::Result<T>`. It does not start before [`run`](Self::run).
    ///
    /// ```
    /// # if cfg!(miri) { return; } // Miri has no epoll
    /// use resumable::dispatch::{Dispatcher, Wait};
    /// use resumable::coroutine;
    ///
    /// let mut dispatcher = Dispatcher::new();
    /// let id = dispatcher.spawn(coroutine!(|()| -> std::io::Result<&str> {
    ///     resumable::yield_!(Wait::yield_now());
    ///     Ok("done")
    /// }));
    /// assert_eq!(dispatcher.len(), 1);
    /// assert_eq!(dispatcher.run().unwrap()[id.index()].as_ref().unwrap(), &"done");
    /// ```
    pub fn spawn<G>(&mut self, task: G) -> TaskId
    where
        G: Resumable<(), Yield = Wait, Return = io::Result<T>> + 'a,
    {
        self.tasks.push(Task {
            co: Some(Coroutine::new(task)),
        });
        self.results.push(None);
        TaskId(self.tasks.len() - 1)
    }

    /// Runs every task to its end and returns their results, in spawn order.
    ///
    /// The run waits in this thread's reactor, which the event loop of
    /// [`events`](crate::events) shares: operations asked for there (up to its next
    /// [`stop`](crate::events::stop)) run during the run too.
    ///
    /// # Errors
    ///
    /// Only when the dispatcher itself cannot go on: creating or waiting in the `mio::Poll`
    /// failed. What goes wrong inside a task is that task's result.
    pub fn run(self) -> io::Result<Vec<io::Result<T>>> {
        self.run_with(|_, _| {})
    }

    /// Like [`run`](Self::run), and calls `done` with each task's id and result as soon as the
    /// task ends (in the order they end).
    ///
    /// ```
    /// # if cfg!(miri) { return; } // Miri has no epoll
    /// use std::time::Duration;
    /// use resumable::dispatch::{sleep, Dispatcher, Wait};
    /// use resumable::{resumable, yield_from};
    ///
    /// #[resumable(yield = Wait)]
    /// fn nap(ms: u64) -> std::io::Result<u64> {
    ///     yield_from!(sleep(Duration::from_millis(ms)));
    ///     Ok(ms)
    /// }
    ///
    /// let mut dispatcher = Dispatcher::new();
    /// dispatcher.spawn(nap(40));
    /// dispatcher.spawn(nap(1));
    /// let mut order = Vec::new();
    /// dispatcher.run_with(|id, _| order.push(id.index())).unwrap();
    /// assert_eq!(order, [1, 0]);
    /// ```
    ///
    /// # Errors
    ///
    /// As for [`run`](Self::run).
    pub fn run_with(
        mut self,
        mut done: impl FnMut(TaskId, &io::Result<T>),
    ) -> io::Result<Vec<io::Result<T>>> {
        match self.mode {
            Mode::Poll => self.run_poll(usize::MAX, &mut done)?,
            Mode::Sequential => self.run_poll(1, &mut done)?,
            Mode::Busy => self.run_busy(&mut done),
        }
        Ok(self
            .results
            .into_iter()
            // Every task ran to its end, so every result is there.
            .map(|result| result.unwrap_or_else(|| Err(io::Error::other("task did not run"))))
            .collect())
    }

    /// Resumes task `i` once. When it ends, stores its result and tells `done`.
    fn step(&mut self, i: usize, done: &mut impl FnMut(TaskId, &io::Result<T>)) -> Step {
        let task = &mut self.tasks[i];
        let co = task.co.as_ref().expect("only live tasks are resumed");
        // A dispatcher inside a tokio task drives its own tasks: their streams wait here.
        #[cfg(feature = "tokio")]
        let resumed = super::tokio::outside(|| co.resume(()));
        #[cfg(not(feature = "tokio"))]
        let resumed = co.resume(());
        let result = match resumed {
            Ok(State::Yielded(wait)) => return Step::Wait(wait),
            Ok(State::Complete(result)) => result,
            Err(panic) => Err(io::Error::other(panic)),
        };
        self.end(i, result, done);
        Step::Done
    }

    /// Task `i` ended with `result`.
    fn end(
        &mut self,
        i: usize,
        result: io::Result<T>,
        done: &mut impl FnMut(TaskId, &io::Result<T>),
    ) {
        let task = &mut self.tasks[i];
        task.co = None;
        done(TaskId(i), &result);
        self.results[i] = Some(result);
    }

    /// The seed's first dispatcher: round-robin over the live tasks, never waiting.
    fn run_busy(&mut self, done: &mut impl FnMut(TaskId, &io::Result<T>)) {
        let mut live: Vec<usize> = (0..self.tasks.len()).collect();
        let mut at = 0;
        while !live.is_empty() {
            if at >= live.len() {
                at = 0;
            }
            match self.step(live[at], done) {
                Step::Wait(_) => at += 1,
                Step::Done => {
                    live.remove(at);
                }
            }
        }
    }

    /// Runs the tasks, at most `limit` at once (in spawn order), parking the ones that wait in
    /// this thread's reactor and blocking there when none can run.
    fn run_poll(
        &mut self,
        limit: usize,
        done: &mut impl FnMut(TaskId, &io::Result<T>),
    ) -> io::Result<()> {
        let queue = Rc::new(Queue {
            ready: RefCell::new(VecDeque::new()),
            waiting: RefCell::new(vec![0; self.tasks.len()]),
        });
        let owner: Rc<dyn Owner> = queue.clone();
        let result = self.poll_loop(limit, &queue, &owner, done);
        // Whatever the tasks still waited for (only when the poll failed) means nothing now.
        reactor::purge(&owner);
        result
    }

    fn poll_loop(
        &mut self,
        limit: usize,
        queue: &Queue,
        owner: &Rc<dyn Owner>,
        done: &mut impl FnMut(TaskId, &io::Result<T>),
    ) -> io::Result<()> {
        let total = self.tasks.len();
        let mut started = 0;
        let mut live = 0;
        let mut ticket = 0;
        let mut batch = VecDeque::new();
        loop {
            while live < limit && started < total {
                queue.ready.borrow_mut().push_back(started);
                started += 1;
                live += 1;
            }
            core::mem::swap(&mut batch, &mut *queue.ready.borrow_mut());
            if batch.is_empty() {
                if live == 0 {
                    return Ok(());
                }
                // Every live task waits: let the event loop's work run, then block.
                if !reactor::run_others() {
                    reactor::turn(reactor::next_timeout())?;
                }
                continue;
            }
            for i in batch.drain(..) {
                let wait = match self.step(i, done) {
                    Step::Wait(wait) => wait,
                    Step::Done => {
                        live -= 1;
                        continue;
                    }
                };
                if wait.io.is_none() && wait.deadline.is_none() {
                    queue.ready.borrow_mut().push_back(i); // `yield_now`: after the others
                    continue;
                }
                ticket += 1;
                queue.waiting.borrow_mut()[i] = ticket;
                let waiter = Waiter {
                    owner: owner.clone(),
                    key: i,
                    ticket,
                };
                if let Err(error) = reactor::wait_for(&wait, waiter) {
                    queue.waiting.borrow_mut()[i] = 0;
                    self.end(i, Err(error), done);
                    live -= 1;
                }
            }
            // Between rounds, the event loop's work and the sockets get their turn too, so
            // tasks that only `yield_now` starve neither.
            reactor::run_others();
            if !queue.ready.borrow().is_empty() {
                reactor::turn(Some(Duration::ZERO))?;
            }
        }
    }
}

/// The tasks of one run that can run, and the ticket of each task's current wait (0: none).
/// Wakes from the reactor land here.
struct Queue {
    ready: RefCell<VecDeque<usize>>,
    waiting: RefCell<Vec<u64>>,
}

impl Owner for Queue {
    fn wake(&self, key: usize, ticket: u64) {
        let mut waiting = self.waiting.borrow_mut();
        if ticket != 0 && waiting.get(key) == Some(&ticket) {
            waiting[key] = 0;
            self.ready.borrow_mut().push_back(key);
        }
    }
}
