//! The seed's callback library (`read_line`, `write_line`, `stop`, `run_loop`) on this thread's
//! event loop, and `run(code)` with `get_line` / `put_line` on top of it.

use core::cell::{Cell, RefCell};
use core::fmt;
use std::collections::{HashMap, VecDeque};
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::prelude::rust_2024::*;
use std::rc::Rc;
use std::time::Instant;

use super::bridge::{Resume, Suspend, Task, suspend_on};
use super::stream::{Attempt, Stream};
use crate::delegate::Subroutine;
use crate::dispatch::{Direction, Wait};
use crate::io::reactor::{self, Owner, Waiter};
use crate::lower::{Co, Static, from_parts_starting};
use crate::state::Resumable;

type ReadCallback = Callback<io::Result<Option<String>>>;
type WriteCallback = Callback<io::Result<()>>;
pub(super) type WaitCallback = Callback<io::Result<()>>;

/// The keys of waits for a [`Wait`] have this bit set, and their ticket in the others. The
/// keys of parked operations are a descriptor and a direction: `fd << 1 | write`.
const WAIT_KEY: usize = 1 << (usize::BITS - 1);

/// What to call when an operation is done: a user's callback, or (for [`get_line`] and
/// [`put_line`]) the coroutine waiting for it, resumed directly, which saves boxing a closure
/// around the [`Resume`] for every line.
pub(super) enum Callback<T> {
    Boxed(Box<dyn FnOnce(T)>),
    Resume(Resume<T>),
}

impl<T> Callback<T> {
    pub(super) fn call(self, value: T) {
        match self {
            Self::Boxed(callback) => callback(value),
            Self::Resume(resume) => resume.resume(value),
        }
    }
}

/// A pending operation: the seed's `cmdQueue` entries. The `usize` of an operation is its
/// ticket for [`cancel`] (0 for a callback's: those are never cancelled).
enum Cmd {
    Read(Stream, usize, ReadCallback),
    /// The text is `None` once it is in the stream's buffer.
    Write(Stream, Option<String>, usize, WriteCallback),
    /// Wait for what a dispatcher task would wait for, under this ticket.
    When(Wait, usize, WaitCallback),
    /// A wait is over: call its callback.
    Woken(WaitCallback),
    Stop,
}

/// A started task, seen by the loop without its result type.
trait Watched {
    fn is_waiting(&self) -> bool;
}

impl<T: 'static> Watched for Task<T> {
    fn is_waiting(&self) -> bool {
        Task::is_waiting(self)
    }
}

/// This thread's event loop.
struct Loop {
    queue: RefCell<VecDeque<Cmd>>,
    /// Operations waiting for their descriptor, by descriptor (only those with operations).
    parked: RefCell<HashMap<RawFd, Vec<Cmd>>>,
    parked_count: Cell<usize>,
    /// Waits for a [`Wait`] in the reactor, by ticket.
    waits: RefCell<HashMap<usize, WaitCallback>>,
    tickets: Cell<usize>,
    /// How the reactor tells this loop that a descriptor is ready.
    owner: Rc<dyn Owner>,
    /// Streams whose output buffer is not empty.
    dirty: RefCell<Vec<Stream>>,
    /// The tasks started on the loop that have not ended, by number: the loop keeps them alive
    /// while they wait (their callbacks hold them weakly). A task leaves when it finishes or is
    /// closed, so finished tasks whose handles are gone are freed whichever loop runs them.
    tasks: RefCell<HashMap<u64, Rc<dyn Watched>>>,
    next_task: Cell<u64>,
}

thread_local! {
    static LOOP: Loop = {
        // From the first use on, whoever blocks in this thread's reactor (a dispatcher run)
        // also runs this loop's operations.
        reactor::set_hook(|| LOOP.with(Loop::run_ready));
        Loop {
            queue: RefCell::default(),
            parked: RefCell::default(),
            parked_count: Cell::new(0),
            waits: RefCell::default(),
            tickets: Cell::new(0),
            owner: Rc::new(LoopOwner),
            dirty: RefCell::default(),
            tasks: RefCell::default(),
            next_task: Cell::new(0),
        }
    };
}

/// The loop as the reactor sees it: the key of a wait is the descriptor and direction its
/// parked operations wait for, or [`WAIT_KEY`] and the ticket of a wait for a [`Wait`].
struct LoopOwner;

impl Owner for LoopOwner {
    fn wake(&self, key: usize, _ticket: u64) {
        let _ = LOOP.try_with(|l| {
            if key & WAIT_KEY == 0 {
                l.unpark(key >> 1);
            } else {
                l.wake_wait(key & !WAIT_KEY);
            }
        });
    }
}

/// A new ticket for an operation that may be [`cancel`]led: never 0.
fn new_ticket() -> usize {
    LOOP.with(|l| {
        let ticket = ((l.tickets.get() + 1) & !WAIT_KEY).max(1);
        l.tickets.set(ticket);
        ticket
    })
}

/// Asks the loop to call `callback` once what `wait` waits for may have happened (in the order
/// of the operations asked for; nothing happens before the loop runs). Returns the wait's
/// ticket, for [`cancel`].
pub(super) fn push_when(wait: Wait, callback: WaitCallback) -> usize {
    let ticket = new_ticket();
    push(Cmd::When(wait, ticket, callback));
    ticket
}

/// Takes back the operation of `ticket`, if it has not run: it is dropped with its callback
/// uncalled, whether it is queued, parked on its descriptor or waiting in the reactor, and the
/// reactor holds nothing for it any more (what a coroutine closed or dropped while it waits
/// does, through [`CancelOnDrop`]).
pub(super) fn cancel(ticket: usize) {
    let _ = LOOP.try_with(|l| l.cancel(ticket));
}

/// Cancels the operation of its ticket when dropped armed: a coroutine waiting for it was
/// closed or dropped before the operation's callback resumed it.
pub(super) struct CancelOnDrop(pub(super) Option<usize>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(ticket) = self.0 {
            cancel(ticket);
        }
    }
}

fn push(cmd: Cmd) {
    LOOP.with(|l| l.queue.borrow_mut().push_back(cmd));
}

/// Reads the next line of `stream` (without its newline) and calls `callback` with it, from
/// the loop: `Ok(None)` at the end of the stream. Lua's `lib.readline(stream, callback)`.
///
/// Nothing happens before [`run_loop`] runs. The operations run in the order they were asked
/// for; one that would block waits in the poll while the others go on.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use std::io::Write;
/// use resumable::events::{Stream, read_line, run_loop, stop};
///
/// let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
/// a.write_all(b"hello\n").unwrap();
/// let stream = Stream::new(b).unwrap();
/// read_line(&stream, |line| {
///     assert_eq!(line.unwrap().as_deref(), Some("hello"));
///     stop();
/// });
/// run_loop().unwrap();
/// ```
pub fn read_line(stream: &Stream, callback: impl FnOnce(io::Result<Option<String>>) + 'static) {
    push(Cmd::Read(
        stream.clone(),
        0,
        Callback::Boxed(Box::new(callback)),
    ));
}

/// Writes `text` to `stream` as given (the seed passes `line .. "\n"`) and calls `callback`
/// from the loop once it is taken: Lua's `lib.writeline(stream, text, callback)`.
///
/// Output is buffered like Lua's files: the callback runs as soon as the text is in the
/// stream's buffer, unless the buffer is full and the descriptor cannot take more, in which
/// case it waits in the poll. Buffers are flushed whenever the loop has nothing else to do,
/// when it ends and when the stream is dropped.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use std::io::Read;
/// use resumable::events::{Stream, run_loop, write_line};
///
/// let (a, mut b) = std::os::unix::net::UnixStream::pair().unwrap();
/// let stream = Stream::new(a).unwrap();
/// write_line(&stream, "one\n", |result| result.unwrap());
/// run_loop().unwrap(); // ends when nothing is left to do
/// drop(stream);
/// let mut text = String::new();
/// b.read_to_string(&mut text).unwrap();
/// assert_eq!(text, "one\n");
/// ```
pub fn write_line(
    stream: &Stream,
    text: impl Into<String>,
    callback: impl FnOnce(io::Result<()>) + 'static,
) {
    push(Cmd::Write(
        stream.clone(),
        Some(text.into()),
        0,
        Callback::Boxed(Box::new(callback)),
    ));
}

/// Asks the loop to stop once the operations asked for before have run: Lua's `lib.stop()`.
/// Operations asked for later stay pending for the next [`run_loop`].
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use resumable::events::{Stream, read_line, run_loop, stop};
///
/// let stream = Stream::new(std::fs::File::open("Cargo.toml").unwrap()).unwrap();
/// let lines = Rc::new(Cell::new(0));
/// let seen = lines.clone();
/// read_line(&stream, move |_| seen.set(seen.get() + 1));
/// stop();
/// let seen = lines.clone();
/// read_line(&stream, move |_| seen.set(seen.get() + 1)); // after the stop
/// run_loop().unwrap();
/// assert_eq!(lines.get(), 1);
/// run_loop().unwrap();
/// assert_eq!(lines.get(), 2);
/// ```
pub fn stop() {
    push(Cmd::Stop);
}

/// The error [`run_loop`] and [`run`] return when the loop ran out of work while coroutines
/// were still suspended on callbacks that can no longer fire (e.g. a [`Resume`](super::Resume)
/// that was dropped unused). Carried inside an `io::Error` of kind
/// [`io::ErrorKind::Other`].
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use resumable::events::{Stalled, bridge, run};
/// use resumable::{coroutine, yield_from};
///
/// let result = run(coroutine!(|()| -> std::io::Result<()> {
///     yield_from!(bridge(|resume: resumable::events::Resume<()>| drop(resume)));
///     Ok(())
/// }));
/// let error = result.unwrap_err();
/// let stalled = error.get_ref().unwrap().downcast_ref::<Stalled>().unwrap();
/// assert_eq!(stalled.suspended(), 1);
/// assert_eq!(
///     error.to_string(),
///     "the event loop ended with 1 coroutine(s) suspended on a callback that never fired"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stalled {
    suspended: usize,
}

impl Stalled {
    /// How many coroutines were left suspended.
    pub fn suspended(&self) -> usize {
        self.suspended
    }
}

impl fmt::Display for Stalled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the event loop ended with {} coroutine(s) suspended on a callback that never fired",
            self.suspended
        )
    }
}

impl std::error::Error for Stalled {}

/// Runs the operations asked for, calling their callbacks, until [`stop`] or until nothing is
/// left to do (no operation pending): Lua's `lib.runloop()`. When nothing is left, it blocks in
/// a `mio::Poll` (epoll) until a descriptor an operation waits for is ready. Flushes every
/// stream's buffered output before it returns.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use std::io::Write;
/// use resumable::events::{Stream, read_line, run_loop};
///
/// // A writer thread: the loop waits in epoll until its line arrives.
/// let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
/// let writer = std::thread::spawn(move || {
///     std::thread::sleep(std::time::Duration::from_millis(20));
///     a.write_all(b"late\n").unwrap();
/// });
/// let stream = Stream::new(b).unwrap();
/// read_line(&stream, |line| assert_eq!(line.unwrap().as_deref(), Some("late")));
/// run_loop().unwrap(); // ends when nothing is left to do
/// writer.join().unwrap();
/// ```
///
/// # Errors
///
/// When the poll fails, and [`Stalled`] when the loop ran out of work while coroutines
/// [started](start) on it were still suspended (they are dropped).
pub fn run_loop() -> io::Result<()> {
    LOOP.with(Loop::run)
}

/// Starts `code` as a coroutine on this thread's loop, which resumes it from the callbacks it
/// waits for (with [`get_line`], [`put_line`] or any [`bridge`](super::bridge())): it runs up to its first wait
/// now, and on in [`run_loop`]. The [`Task`] gives its result once it finishes.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use std::io::Write;
/// use resumable::events::{Stream, get_line, run_loop, start};
/// use resumable::{coroutine, yield_from};
///
/// let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
/// a.write_all(b"ping\n").unwrap();
/// let stream = Stream::new(b).unwrap();
/// let task = start(coroutine!(move |()| -> std::io::Result<Option<String>> {
///     yield_from!(get_line(&stream))
/// }));
/// run_loop().unwrap();
/// assert_eq!(task.take_result().unwrap().unwrap().as_deref(), Some("ping"));
/// ```
pub fn start<T, G>(code: G) -> Task<T>
where
    T: 'static,
    G: Resumable<(), Yield = Suspend, Return = io::Result<T>> + 'static,
{
    let task = Task::new(code);
    keep(&task);
    task.start();
    task
}

/// Keeps `task` alive on the loop until it finishes or is closed.
fn keep<T: 'static>(task: &Task<T>) {
    let id = LOOP.with(|l| {
        let id = l.next_task.get();
        l.next_task.set(id + 1);
        l.tasks.borrow_mut().insert(id, Rc::new(task.clone()));
        id
    });
    task.on_end(move || {
        let _ = LOOP.try_with(|l| {
            // Dropped after the borrow: it may be the last handle, and its result's `Drop`
            // may start another task.
            let ended = l
                .tasks
                .try_borrow_mut()
                .ok()
                .and_then(|mut t| t.remove(&id));
            drop(ended);
        });
    });
}

/// The seed's `run(code)`: runs `code` as a coroutine on this thread's loop and stops the loop
/// when it finishes; returns what it returned. Inside, [`get_line`] and [`put_line`] look
/// blocking.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use std::io::{Read, Write};
/// use resumable::events::{Stream, Suspend, get_line, put_line, run};
/// use resumable::{resumable, yield_from};
///
/// /// Reverses the lines of `input` onto `output` (seed 35).
/// #[resumable(yield = Suspend)]
/// fn reverse(input: Stream, output: Stream) -> std::io::Result<usize> {
///     let mut lines = Vec::new();
///     while let Some(line) = yield_from!(get_line(&input))? {
///         lines.push(line);
///     }
///     for line in lines.iter().rev() {
///         yield_from!(put_line(&output, format!("{line}\n")))?;
///     }
///     Ok(lines.len())
/// }
///
/// let (mut feed, input) = std::os::unix::net::UnixStream::pair().unwrap();
/// let (output, mut sink) = std::os::unix::net::UnixStream::pair().unwrap();
/// feed.write_all(b"a\nb\nc\n").unwrap();
/// drop(feed);
/// let count = run(reverse(Stream::new(input).unwrap(), Stream::new(output).unwrap())).unwrap();
/// assert_eq!(count, 3);
/// let mut text = String::new();
/// sink.read_to_string(&mut text).unwrap();
/// assert_eq!(text, "c\nb\na\n");
/// ```
///
/// # Errors
///
/// What `code` returned; an `io::Error` holding the panic if it panicked; what [`run_loop`]
/// failed with, e.g. [`Stalled`] when `code` was left waiting for a callback that never fired.
pub fn run<T, G>(code: G) -> io::Result<T>
where
    T: 'static,
    G: Resumable<(), Yield = Suspend, Return = io::Result<T>> + 'static,
{
    let task = Task::new(code);
    task.on_done(stop);
    keep(&task);
    task.start();
    run_loop()?;
    task.take_result()
        .unwrap_or_else(|| Err(io::Error::other(Stalled { suspended: 1 })))
}

/// Whether no operation is queued: one asked for now would be the next to run.
fn idle() -> bool {
    LOOP.with(|l| l.queue.borrow().is_empty())
}

/// Reads the next line of `stream` inside a coroutine, as if it blocked: the seed's
/// `getline(stream)`, a [`bridge`](super::bridge()) over [`read_line`]. `yield_from!(get_line(&stream))?` is
/// `None` at the end of the stream. See [`run`] for an example.
///
/// When no other operation is queued and the line is already there (buffered, or readable
/// without blocking), it returns it at once instead of suspending: the loop would run this read
/// next anyway, so the order of operations is the same, minus a suspend and a resume.
pub fn get_line(
    stream: &Stream,
) -> impl Subroutine<Yield = Suspend, Return = io::Result<Option<String>>> + use<> {
    let stream = stream.clone();
    let co = Co::<Suspend, (), Static>::new_static();
    from_parts_starting(co.marker(), async move {
        let co = co;
        if idle()
            && let Attempt::Done(line) = stream.try_read_line()
        {
            return line;
        }
        // `read_line(&stream, move |line| resume.resume(line))`, without boxing the closure;
        // taken back if the coroutine is closed while it waits.
        let mut cancel = CancelOnDrop(None);
        let ticket = &mut cancel.0;
        let line = suspend_on(&co, move |resume| {
            let t = new_ticket();
            *ticket = Some(t);
            push(Cmd::Read(stream, t, Callback::Resume(resume)));
        })
        .await;
        cancel.0 = None;
        line
    })
}

/// Writes `text` to `stream` inside a coroutine, as if it blocked: the seed's
/// `putline(stream, line)`, a [`bridge`](super::bridge()) over [`write_line`]. See [`run`] for an example.
///
/// Like [`get_line`], it returns at once without suspending when no other operation is queued
/// and the stream's buffer takes the text.
pub fn put_line(
    stream: &Stream,
    text: String,
) -> impl Subroutine<Yield = Suspend, Return = io::Result<()>> + use<> {
    let stream = stream.clone();
    let co = Co::<Suspend, (), Static>::new_static();
    from_parts_starting(co.marker(), async move {
        let co = co;
        let mut text = Some(text);
        if idle() {
            LOOP.with(|l| l.write_now(&stream, &mut text));
            if !stream.is_full() {
                return Ok(());
            }
            if let Attempt::Done(result) = stream.try_flush() {
                return result;
            }
        }
        // `write_line(&stream, text, move |done| resume.resume(done))`, without boxing the
        // closure; taken back if the coroutine is closed while it waits.
        let mut cancel = CancelOnDrop(None);
        let ticket = &mut cancel.0;
        let done = suspend_on(&co, move |resume| {
            let t = new_ticket();
            *ticket = Some(t);
            push(Cmd::Write(stream, text, t, Callback::Resume(resume)));
        })
        .await;
        cancel.0 = None;
        done
    })
}

/// How the loop ended.
#[derive(PartialEq, Eq)]
enum End {
    Stopped,
    Idle,
}

impl Loop {
    fn run(&self) -> io::Result<()> {
        let end = self.work();
        let flushed = self.flush_all();
        let end = end?;
        flushed?;
        let mut tasks = self.tasks.borrow_mut();
        // Finished and closed tasks need no watching any more.
        tasks.retain(|_, task| task.is_waiting());
        if end == End::Idle {
            let suspended = tasks.len();
            let stalled = core::mem::take(&mut *tasks);
            drop(tasks);
            drop(stalled);
            if suspended > 0 {
                return Err(io::Error::other(Stalled { suspended }));
            }
        }
        Ok(())
    }

    fn work(&self) -> io::Result<End> {
        loop {
            reactor::as_others(|| self.run_ready());
            if matches!(self.queue.borrow().front(), Some(Cmd::Stop)) {
                self.queue.borrow_mut().pop_front();
                return Ok(End::Stopped);
            }
            if self.parked_count.get() == 0 && self.waits.borrow().is_empty() {
                return Ok(End::Idle);
            }
            reactor::turn(reactor::next_timeout())?;
        }
    }

    /// Runs the queued operations until none is left or a [`stop`] is next (which stays
    /// queued); then writes what it can of the buffered output. Returns whether anything ran.
    fn run_ready(&self) -> bool {
        let mut ran = false;
        loop {
            let next = {
                let mut queue = self.queue.borrow_mut();
                if matches!(queue.front(), Some(Cmd::Stop)) {
                    return ran;
                }
                queue.pop_front()
            };
            let Some(cmd) = next else {
                self.flush_some();
                return ran;
            };
            ran = true;
            self.step(cmd);
        }
    }

    /// See [`cancel`].
    fn cancel(&self, ticket: usize) {
        let is = |cmd: &Cmd| match cmd {
            Cmd::Read(_, t, _) | Cmd::Write(_, _, t, _) | Cmd::When(_, t, _) => *t == ticket,
            Cmd::Woken(_) | Cmd::Stop => false,
        };
        // Taken out under the borrows, dropped after them (a callback's captures may do
        // anything when dropped).
        let mut gone: Vec<Cmd> = Vec::new();
        let Ok(mut waits) = self.waits.try_borrow_mut() else {
            return;
        };
        if let Some(callback) = waits.remove(&ticket) {
            drop(waits);
            reactor::cancel(&self.owner, WAIT_KEY | ticket);
            drop(callback);
            return;
        }
        drop(waits);
        if let Ok(mut queue) = self.queue.try_borrow_mut()
            && let Some(at) = queue.iter().position(is)
        {
            gone.extend(queue.remove(at));
        }
        if gone.is_empty()
            && let Ok(mut parked) = self.parked.try_borrow_mut()
        {
            let mut emptied = None;
            for (fd, cmds) in parked.iter_mut() {
                if let Some(at) = cmds.iter().position(is) {
                    gone.push(cmds.swap_remove(at));
                    self.parked_count.set(self.parked_count.get() - 1);
                    if cmds.is_empty() {
                        emptied = Some(*fd);
                    }
                    break;
                }
            }
            if let Some(fd) = emptied {
                parked.remove(&fd);
                drop(parked);
                // Nothing waits for it any more.
                if let Ok(key) = usize::try_from(fd) {
                    reactor::cancel(&self.owner, key << 1);
                    reactor::cancel(&self.owner, key << 1 | 1);
                }
            }
        }
        drop(gone);
    }

    /// Starts a wait for `wait`: registers it in the reactor under its ticket.
    fn when(&self, wait: Wait, ticket: usize, callback: WaitCallback) {
        let passed = wait
            .deadline
            .is_some_and(|deadline| deadline <= Instant::now());
        if passed || (wait.io.is_none() && wait.deadline.is_none()) {
            return callback.call(Ok(()));
        }
        let waiter = Waiter {
            owner: self.owner.clone(),
            key: WAIT_KEY | ticket,
            ticket: ticket as u64,
        };
        if let Err(error) = reactor::wait_for(&wait, waiter) {
            return callback.call(Err(error));
        }
        self.waits.borrow_mut().insert(ticket, callback);
    }

    /// The reactor says the wait of `ticket` may be over: its callback is queued.
    fn wake_wait(&self, ticket: usize) {
        let callback = self.waits.borrow_mut().remove(&ticket);
        if let Some(callback) = callback {
            self.queue.borrow_mut().push_back(Cmd::Woken(callback));
        }
    }

    /// The reactor says descriptor `fd` is ready: its parked operations go back in the queue
    /// (they retry).
    fn unpark(&self, fd: usize) {
        let Ok(fd) = RawFd::try_from(fd) else {
            return;
        };
        let Some(cmds) = self.parked.borrow_mut().remove(&fd) else {
            return;
        };
        self.parked_count.set(self.parked_count.get() - cmds.len());
        self.queue.borrow_mut().extend(cmds);
    }

    /// Tries one operation: calls its callback, or parks it until its descriptor is ready.
    fn step(&self, cmd: Cmd) {
        match cmd {
            Cmd::Read(stream, ticket, callback) => match stream.try_read_line() {
                Attempt::Done(line) => callback.call(line),
                Attempt::WouldBlock => {
                    self.park(
                        &stream,
                        Direction::Read,
                        Cmd::Read(stream.clone(), ticket, callback),
                    );
                }
            },
            Cmd::Write(stream, mut text, ticket, callback) => {
                self.write_now(&stream, &mut text);
                if !stream.is_full() {
                    return callback.call(Ok(()));
                }
                match stream.try_flush() {
                    Attempt::Done(result) => callback.call(result),
                    Attempt::WouldBlock => {
                        let cmd = Cmd::Write(stream.clone(), None, ticket, callback);
                        self.park(&stream, Direction::Write, cmd);
                    }
                }
            }
            Cmd::When(wait, ticket, callback) => self.when(wait, ticket, callback),
            Cmd::Woken(callback) => callback.call(Ok(())),
            Cmd::Stop => {}
        }
    }

    /// Moves `text` (if still there) into `stream`'s output buffer.
    fn write_now(&self, stream: &Stream, text: &mut Option<String>) {
        if let Some(text) = text.take() {
            stream.buffer(&text);
            self.mark_dirty(stream);
        }
    }

    fn mark_dirty(&self, stream: &Stream) {
        let mut dirty = self.dirty.borrow_mut();
        if !dirty.iter().any(|s| Rc::ptr_eq(&s.inner, &stream.inner)) {
            dirty.push(stream.clone());
        }
    }

    /// Before blocking: writes what it can of every buffered output. A stream that cannot take
    /// all of it is watched for writability (its next write retries).
    fn flush_some(&self) {
        let dirty: Vec<Stream> = self.dirty.borrow().clone();
        for stream in dirty {
            if let Attempt::WouldBlock = stream.try_flush() {
                // If it cannot be watched, `flush_all` writes it out when the loop ends.
                let _ = self.watch(&stream, Direction::Write);
            }
        }
        self.dirty.borrow_mut().retain(Stream::has_output);
    }

    /// At the end: writes out every buffered output, waiting as needed.
    fn flush_all(&self) -> io::Result<()> {
        let dirty = core::mem::take(&mut *self.dirty.borrow_mut());
        let mut result = Ok(());
        for stream in dirty {
            if let Err(error) = stream.flush_blocking() {
                result = Err(error);
            }
        }
        result
    }

    /// Parks `cmd` until `stream` is ready for `direction`.
    fn park(&self, stream: &Stream, direction: Direction, cmd: Cmd) {
        if let Err(error) = self.watch(stream, direction) {
            match cmd {
                Cmd::Read(_, _, callback) => callback.call(Err(error)),
                Cmd::Write(_, _, _, callback)
                | Cmd::When(_, _, callback)
                | Cmd::Woken(callback) => {
                    callback.call(Err(error));
                }
                Cmd::Stop => {}
            }
            return;
        }
        self.parked
            .borrow_mut()
            .entry(stream.as_raw_fd())
            .or_default()
            .push(cmd);
        self.parked_count.set(self.parked_count.get() + 1);
    }

    /// Asks the reactor to tell this loop when `stream` is ready for `direction` (then its
    /// parked operations retry).
    fn watch(&self, stream: &Stream, direction: Direction) -> io::Result<()> {
        let fd = stream.as_raw_fd();
        let key = usize::try_from(fd).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("cannot wait for file descriptor {fd}: not a descriptor number"),
            )
        })?;
        let waiter = Waiter {
            owner: self.owner.clone(),
            key: key << 1 | usize::from(direction == Direction::Write),
            ticket: 0,
        };
        let wait = Wait {
            io: Some((fd, direction)),
            deadline: None,
            source: stream.inner.source,
            armed: false,
        };
        reactor::wait_for(&wait, waiter)
    }
}
