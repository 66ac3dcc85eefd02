//! The reactor: this thread's one `mio::Poll`, its deadlines, and who waits for what.
//!
//! Every [`Dispatcher`](super::Dispatcher) run and the event loop of
//! [`events`](crate::events) wait here, so dispatcher tasks and event-loop callbacks share one
//! `epoll_wait`: whichever of them is blocked in the poll wakes the others' waiters too. A
//! waiter is an owner (a dispatcher run, the event loop), a key the owner knows (a task, a
//! descriptor) and a ticket (which wait of that key); waking one only tells its owner, who
//! checks the ticket and queues the work. Nothing runs user code while the reactor's state is
//! borrowed.
//!
//! Descriptors are registered once, edge-triggered, for reading and writing both, under their
//! own number as the token: a second wait on the same descriptor costs no system call. Each
//! registration remembers which object the descriptor belonged to (its *source* number), so a
//! descriptor number that was closed and reused by another object is registered afresh.

use core::cell::{Cell, RefCell};
use core::cmp::Ordering as CmpOrdering;
use std::collections::{BinaryHeap, HashMap};
use std::io;
use std::os::fd::RawFd;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};

use super::wait::Direction;

/// Someone whose work waits in the reactor: told when what it waits for may have happened.
pub(crate) trait Owner {
    /// What `key` waited for with `ticket` may have happened (a hint: retry and wait again).
    fn wake(&self, key: usize, ticket: u64);
    /// Whether `key` still waits with `ticket`; stale deadlines are dropped unseen.
    fn is_current(&self, key: usize, ticket: u64) -> bool;
}

/// One wait: whom to tell, about what.
#[derive(Clone)]
pub(crate) struct Waiter {
    pub(crate) owner: Rc<dyn Owner>,
    pub(crate) key: usize,
    pub(crate) ticket: u64,
}

impl Waiter {
    fn same_wait(&self, other: &Self) -> bool {
        core::ptr::addr_eq(Rc::as_ptr(&self.owner), Rc::as_ptr(&other.owner))
            && self.key == other.key
    }

    fn owned_by(&self, owner: &Rc<dyn Owner>) -> bool {
        core::ptr::addr_eq(Rc::as_ptr(&self.owner), Rc::as_ptr(owner))
    }

    fn wake(self) {
        self.owner.wake(self.key, self.ticket);
    }
}

/// A descriptor the reactor knows.
#[derive(Default)]
struct Fd {
    /// The source number it is registered under, `None` when not registered.
    registered: Option<u64>,
    waiters: Vec<(Direction, Waiter)>,
}

/// A deadline someone waits for; the heap's top is the earliest.
struct Timer {
    deadline: Instant,
    /// Order of arrival, so equal deadlines fire in the order they were asked for.
    seq: u64,
    waiter: Waiter,
}

impl PartialEq for Timer {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == CmpOrdering::Equal
    }
}

impl Eq for Timer {}

impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timer {
    fn cmp(&self, other: &Self) -> CmpOrdering {
        // Reversed: `BinaryHeap` is a max-heap.
        (other.deadline, other.seq).cmp(&(self.deadline, self.seq))
    }
}

/// Work other than the caller's that also runs on this thread's reactor (the event loop's
/// queue): run what can run without blocking; returns whether anything ran.
pub(crate) type Hook = fn() -> bool;

#[derive(Default)]
struct Reactor {
    poll: RefCell<Option<Poll>>,
    events: RefCell<Option<Events>>,
    /// The descriptors registered or waited for, by number: as many entries as descriptors
    /// the reactor was asked about and accepted, whatever their numbers (a descriptor is
    /// checked by the poll before it gets an entry).
    fds: RefCell<HashMap<RawFd, Fd>>,
    timers: RefCell<BinaryHeap<Timer>>,
    seq: Cell<u64>,
    hook: Cell<Option<Hook>>,
    in_hook: Cell<bool>,
}

thread_local! {
    static REACTOR: Reactor = Reactor::default();
}

/// A new source number: never 0, never reused in this process.
pub(crate) fn new_source() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The poll's token for `fd`, or the error for a descriptor that cannot be waited for.
fn token(fd: RawFd) -> io::Result<Token> {
    usize::try_from(fd).map(Token).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("cannot wait for file descriptor {fd}: not a descriptor number"),
        )
    })
}

/// Waits for `fd` (which belongs to the object numbered `source`, 0 if unknown) to become
/// ready for `direction`, then wakes `waiter`. Replaces a wait of the same owner and key on
/// `fd` in that direction.
///
/// Registers `fd` with the poll unless it is already registered for the same source (with
/// source 0 it is registered again every time: a descriptor nobody numbered may have been
/// closed and its number reused). The descriptor gets an entry in the reactor's table only
/// once the poll accepted it, so a number that is not an open descriptor costs nothing.
pub(crate) fn wait_fd(
    fd: RawFd,
    source: u64,
    direction: Direction,
    waiter: Waiter,
) -> io::Result<()> {
    let token = token(fd)?;
    REACTOR.with(|r| {
        let mut fds = r.fds.borrow_mut();
        let registered = fds.get(&fd).and_then(|entry| entry.registered);
        if source == 0 || registered != Some(source) {
            // Registered under this source (only 0 gets here so): update it. Under another:
            // the usual reason is that the old object closed the descriptor, which took it out
            // of the poll, so add it (and update it if it turns out to be there after all).
            if let Some(entry) = fds.get_mut(&fd) {
                entry.registered = None;
            }
            let poll = r.poll()?;
            let registry = poll
                .as_ref()
                .map(Poll::registry)
                .ok_or(io::ErrorKind::Other)?;
            register_fd(
                registry,
                fd,
                token,
                Interest::READABLE | Interest::WRITABLE,
                registered == Some(source),
            )
            .map_err(|error| {
                io::Error::new(
                    error.kind(),
                    format!("cannot wait for file descriptor {fd} in the poll: {error}"),
                )
            })?;
        }
        let entry = fds.entry(fd).or_default();
        entry.registered = Some(source);
        entry
            .waiters
            .retain(|(d, w)| *d != direction || !w.same_wait(&waiter));
        entry.waiters.push((direction, waiter));
        Ok(())
    })
}

/// Wakes `waiter` at `deadline` (or at the first turn after it).
pub(crate) fn wait_until(deadline: Instant, waiter: Waiter) {
    REACTOR.with(|r| {
        let seq = r.seq.get();
        r.seq.set(seq + 1);
        r.timers.borrow_mut().push(Timer {
            deadline,
            seq,
            waiter,
        });
    });
}

/// Waits for what `wait` waits for: its descriptor (if any) to be ready, or its deadline (if
/// any) to pass, whichever comes first; then wakes `waiter`. A [`Wait::yield_now`](super::Wait)
/// waits for nothing: the caller handles it.
///
/// # Errors
///
/// When the descriptor cannot be waited for (see [`wait_fd`]); then nothing waits.
pub(crate) fn wait_for(wait: &super::Wait, waiter: Waiter) -> io::Result<()> {
    if let Some((fd, direction)) = wait.io {
        wait_fd(fd, wait.source, direction, waiter.clone())?;
    }
    if let Some(deadline) = wait.deadline {
        wait_until(deadline, waiter);
    }
    Ok(())
}

/// `fd` is about to be closed (or to stop being used): forgets its waiters and removes it from
/// the poll, so that its number is registered afresh when it is reused.
pub(crate) fn forget(fd: RawFd) {
    let _ = REACTOR.try_with(|r| {
        let (Ok(mut fds), Ok(poll)) = (r.fds.try_borrow_mut(), r.poll.try_borrow()) else {
            return;
        };
        let Some(entry) = fds.remove(&fd) else {
            return;
        };
        if entry.registered.is_some()
            && let Some(poll) = poll.as_ref()
        {
            let _ = poll.registry().deregister(&mut SourceFd(&fd));
        }
    });
}

/// Drops every wait of `owner` (it is done: its keys mean nothing any more).
pub(crate) fn purge(owner: &Rc<dyn Owner>) {
    let _ = REACTOR.try_with(|r| {
        for entry in r.fds.borrow_mut().values_mut() {
            entry.waiters.retain(|(_, w)| !w.owned_by(owner));
        }
        r.timers.borrow_mut().retain(|t| !t.waiter.owned_by(owner));
    });
}

/// How long a turn may block for the earliest deadline still waited for, `None` for none.
/// Drops the deadlines nobody waits for any more.
pub(crate) fn next_timeout() -> Option<Duration> {
    REACTOR.with(|r| {
        let mut timers = r.timers.borrow_mut();
        while let Some(top) = timers.peek() {
            if top
                .waiter
                .owner
                .is_current(top.waiter.key, top.waiter.ticket)
            {
                return Some(top.deadline.saturating_duration_since(Instant::now()));
            }
            timers.pop();
        }
        None
    })
}

/// Blocks in the poll for at most `timeout` (`None`: until a descriptor is ready), then wakes
/// the waiters of the descriptors that became ready and of the deadlines that passed.
///
/// # Errors
///
/// When the poll cannot be created or waited in (not when it is interrupted by a signal).
pub(crate) fn turn(timeout: Option<Duration>) -> io::Result<()> {
    let mut woken = Vec::new();
    REACTOR.with(|r| -> io::Result<()> {
        let mut poll = r.poll()?;
        let poll = poll.as_mut().ok_or(io::ErrorKind::Other)?;
        let mut events = r.events.borrow_mut();
        let events = events.get_or_insert_with(|| Events::with_capacity(1024));
        match poll.poll(events, timeout) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
        let mut fds = r.fds.borrow_mut();
        for event in events.iter() {
            let Ok(fd) = RawFd::try_from(event.token().0) else {
                continue;
            };
            let Some(entry) = fds.get_mut(&fd) else {
                continue;
            };
            let failed = event.is_error();
            let read = failed || event.is_readable() || event.is_read_closed();
            let write = failed || event.is_writable() || event.is_write_closed();
            entry.waiters.retain(|(direction, waiter)| {
                let ready = match direction {
                    Direction::Read => read,
                    Direction::Write => write,
                };
                if ready {
                    woken.push(waiter.clone());
                }
                !ready
            });
        }
        Ok(())
    })?;
    REACTOR.with(|r| {
        let now = Instant::now();
        let mut timers = r.timers.borrow_mut();
        while timers.peek().is_some_and(|top| top.deadline <= now) {
            if let Some(timer) = timers.pop() {
                woken.push(timer.waiter);
            }
        }
    });
    for waiter in woken {
        waiter.wake();
    }
    Ok(())
}

/// Lets the other work on this thread's reactor (the event loop's queue) run, unless it is
/// already running further up the stack. Returns whether anything ran.
pub(crate) fn run_others() -> bool {
    let hook = REACTOR.with(|r| if r.in_hook.get() { None } else { r.hook.get() });
    hook.is_some_and(as_others)
}

/// Runs `f` as the other work: [`run_others`] does nothing until it returns (the work is not
/// entered twice when a callback of it runs a dispatcher).
pub(crate) fn as_others<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            let was = self.0;
            let _ = REACTOR.try_with(|r| r.in_hook.set(was));
        }
    }
    let _restore = Restore(REACTOR.with(|r| r.in_hook.replace(true)));
    f()
}

/// Sets the other work [`run_others`] runs.
pub(crate) fn set_hook(hook: Hook) {
    REACTOR.with(|r| r.hook.set(Some(hook)));
}

impl Reactor {
    /// The poll, created on first use.
    fn poll(&self) -> io::Result<core::cell::RefMut<'_, Option<Poll>>> {
        let mut poll = self.poll.borrow_mut();
        if poll.is_none() {
            *poll = Some(Poll::new()?);
        }
        Ok(poll)
    }
}

/// Registers `fd` with the poll under `token` for `interest`, or updates its registration when
/// `known` (it was registered before). Copes with a registration that is gone (the descriptor
/// was closed, which unregisters it, and its number reused) or still there (registered through
/// another path).
fn register_fd(
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
