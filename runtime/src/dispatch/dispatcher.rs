//! [`Dispatcher`]: runs tasks (coroutines yielding [`Wait`]) until all of them finish.

use core::cmp::Reverse;
use core::fmt;
use std::collections::{BinaryHeap, VecDeque};
use std::io;
use std::os::fd::RawFd;
use std::time::{Duration, Instant};

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};

use super::Wait;
use super::wait::Direction;
use crate::coroutine::Coroutine;
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

/// One task: its coroutine while it is alive, and what it waits for.
struct Task<'a, T> {
    co: Option<Coroutine<'a, (), Wait, io::Result<T>>>,
    /// `Some` while the task is parked in the poll.
    wait: Option<Wait>,
}

/// How a file descriptor was last registered with the poll: for which socket object
/// ([`Wait`]'s `source`), which readiness, and which task's token.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Registration {
    source: u64,
    direction: Direction,
    task: usize,
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
            wait: None,
        });
        self.results.push(None);
        TaskId(self.tasks.len() - 1)
    }

    /// Runs every task to its end and returns their results, in spawn order.
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
        let result = match co.resume(()) {
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
        task.wait = None;
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
    /// the poll and blocking there when none can run.
    fn run_poll(
        &mut self,
        limit: usize,
        done: &mut impl FnMut(TaskId, &io::Result<T>),
    ) -> io::Result<()> {
        let mut poll = Poll::new()?;
        let mut events = Events::with_capacity(1024);
        // Indexed by file descriptor.
        let mut registrations: Vec<Option<Registration>> = Vec::new();
        let mut ready: VecDeque<usize> = VecDeque::new();
        let mut timers: BinaryHeap<Reverse<(Instant, usize)>> = BinaryHeap::new();
        let total = self.tasks.len();
        let mut started = 0;
        let mut live = 0;
        loop {
            while live < limit && started < total {
                ready.push_back(started);
                started += 1;
                live += 1;
            }
            while let Some(i) = ready.pop_front() {
                let wait = match self.step(i, done) {
                    Step::Wait(wait) => wait,
                    Step::Done => {
                        live -= 1;
                        if live < limit && started < total {
                            ready.push_back(started);
                            started += 1;
                            live += 1;
                        }
                        continue;
                    }
                };
                if let Some((fd, direction)) = wait.io {
                    let wanted = Registration {
                        source: wait.source,
                        direction,
                        task: i,
                    };
                    if let Err(error) = register(&poll, &mut registrations, fd, wanted) {
                        self.end(i, Err(error), done);
                        live -= 1;
                        continue;
                    }
                } else if wait.deadline.is_none() {
                    ready.push_back(i); // `yield_now`: after the others
                    continue;
                }
                if let Some(deadline) = wait.deadline {
                    timers.push(Reverse((deadline, i)));
                }
                self.tasks[i].wait = Some(wait);
            }
            if live == 0 && started == total {
                return Ok(());
            }
            if live == 0 {
                continue;
            }
            let timeout = self.next_timeout(&mut timers);
            match poll.poll(&mut events, timeout) {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
            for event in &events {
                let i = event.token().0;
                if self.tasks[i].wait.is_some_and(|wait| wait.io.is_some()) {
                    self.tasks[i].wait = None;
                    ready.push_back(i);
                }
            }
            let now = Instant::now();
            while let Some(&Reverse((deadline, i))) = timers.peek() {
                if deadline > now {
                    break;
                }
                timers.pop();
                if self.tasks[i]
                    .wait
                    .is_some_and(|wait| wait.deadline == Some(deadline))
                {
                    self.tasks[i].wait = None;
                    ready.push_back(i);
                }
            }
        }
    }

    /// How long the poll may block: until the earliest deadline a task still waits for, or
    /// for ever when none does (then some task waits for a socket). Drops timers of tasks that
    /// no longer wait for them.
    fn next_timeout(&self, timers: &mut BinaryHeap<Reverse<(Instant, usize)>>) -> Option<Duration> {
        while let Some(&Reverse((deadline, i))) = timers.peek() {
            if self.tasks[i]
                .wait
                .is_some_and(|wait| wait.deadline == Some(deadline))
            {
                return Some(deadline.saturating_duration_since(Instant::now()));
            }
            timers.pop();
        }
        None
    }
}

/// Registers `fd` with the poll for a task, or updates its registration.
///
/// mio is edge-triggered: a registration reports each time the socket becomes ready after it
/// was made. A task waits only after its operation would block, so when its socket is still
/// registered the same way (same socket object, readiness and task) the next edge is already
/// going to wake it, and nothing needs doing: no system call. Otherwise (re-)registering checks
/// the socket's current state, so a socket that became ready in between still wakes the task.
fn register(
    poll: &Poll,
    registrations: &mut Vec<Option<Registration>>,
    fd: RawFd,
    wanted: Registration,
) -> io::Result<()> {
    let Ok(index) = usize::try_from(fd) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("cannot wait for file descriptor {fd}"),
        ));
    };
    if index >= registrations.len() {
        registrations.resize(index + 1, None);
    }
    let known = registrations[index];
    if wanted.source != 0 && known == Some(wanted) {
        return Ok(());
    }
    let interest = match wanted.direction {
        Direction::Read => Interest::READABLE,
        Direction::Write => Interest::WRITABLE,
    };
    let result = register_fd(
        poll.registry(),
        fd,
        Token(wanted.task),
        interest,
        known.is_some(),
    );
    registrations[index] = result.is_ok().then_some(wanted);
    result.map_err(|error| {
        io::Error::new(
            error.kind(),
            format!("cannot wait for file descriptor {fd} in the poll: {error}"),
        )
    })
}

/// Registers `fd` with the poll under `token` for `interest`, or updates its registration when
/// `known` (it was registered before). Copes with a registration that is gone (the descriptor
/// was closed, which unregisters it, and its number reused) or still there (registered through
/// another path). Shared with the event loop of [`events`](crate::events): one reactor design.
pub(crate) fn register_fd(
    registry: &mio::Registry,
    fd: RawFd,
    token: Token,
    interest: Interest,
    known: bool,
) -> io::Result<()> {
    if known {
        match registry.reregister(&mut SourceFd(&fd), token, interest) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                registry.register(&mut SourceFd(&fd), token, interest)
            }
            other => other,
        }
    } else {
        match registry.register(&mut SourceFd(&fd), token, interest) {
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                registry.reregister(&mut SourceFd(&fd), token, interest)
            }
            other => other,
        }
    }
}
