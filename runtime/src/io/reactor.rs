//! The reactor: this thread's one `mio::Poll`, its deadlines, and who waits for what.
//!
//! Every [`Dispatcher`](crate::dispatch::Dispatcher) run and the event loop of
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
//!
//! Each owner and key has at most one wait here at a time, and the reactor keeps what it holds
//! (its place in a descriptor's waiter list, its timer): a new wait of the same owner and key
//! replaces the old one, and a wait that wakes, or is [`cancel`]led, takes all of it back. So
//! the reactor holds what is waited for now and nothing else: a read woken by its socket leaves
//! no timer behind, a task woken by its deadline leaves no waiter on its socket, and memory
//! stays flat however many waits come and go. The per-descriptor table has an entry for each
//! descriptor the poll accepted, whatever its number.

use core::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::os::fd::RawFd;
use std::prelude::rust_2024::*;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};

use super::wait::Direction;

/// Someone whose work waits in the reactor: told when what it waits for may have happened.
pub(crate) trait Owner {
    /// What `key` waited for with `ticket` may have happened (a hint: retry and wait again).
    /// Called once per wait, after the reactor took the wait back; it must not call into the
    /// reactor (it queues the work).
    fn wake(&self, key: usize, ticket: u64);
}

/// One wait: whom to tell, about what.
#[derive(Clone)]
pub(crate) struct Waiter {
    pub(crate) owner: Rc<dyn Owner>,
    pub(crate) key: usize,
    pub(crate) ticket: u64,
}

/// Which wait: its owner's address and its key. An owner's address is unique while it has
/// waits here, since each of them holds it (`Waiter::owner`).
type WaitId = (usize, usize);

fn owner_id(owner: &Rc<dyn Owner>) -> usize {
    Rc::as_ptr(owner).cast::<()>().addr()
}

impl Waiter {
    fn id(&self) -> WaitId {
        (owner_id(&self.owner), self.key)
    }

    fn wake(self) {
        self.owner.wake(self.key, self.ticket);
    }
}

/// What a wait holds in the reactor, so that all of it can be taken back.
#[derive(Default)]
struct Holds {
    /// The descriptor in whose waiter list it is.
    fd: Option<RawFd>,
    /// Its key in the timers.
    timer: Option<TimerKey>,
}

/// A deadline and its order of arrival, so equal deadlines fire in the order they were asked
/// for.
type TimerKey = (Instant, u64);

/// A descriptor the reactor knows.
#[derive(Default)]
struct Fd {
    /// The source number it is registered under, `None` when not registered.
    registered: Option<u64>,
    waiters: Vec<(Direction, Waiter)>,
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
    /// The deadlines waited for, earliest first.
    timers: RefCell<BTreeMap<TimerKey, Waiter>>,
    /// What each current wait holds.
    waits: RefCell<HashMap<WaitId, Holds>>,
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

/// Puts `waiter` in `fd`'s waiter list for `direction` (`fd` belongs to the object numbered
/// `source`, 0 if unknown).
///
/// Registers `fd` with the poll unless it is already registered for the same source (with
/// source 0 it is registered again every time: a descriptor nobody numbered may have been
/// closed and its number reused). The descriptor gets an entry in the reactor's table only
/// once the poll accepted it, so a number that is not an open descriptor costs nothing.
fn wait_fd(fd: RawFd, source: u64, direction: Direction, waiter: Waiter) -> io::Result<()> {
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
        entry.waiters.push((direction, waiter));
        Ok(())
    })
}

/// Waits for what `wait` waits for: its descriptor (if any) to be ready, or its deadline (if
/// any) to pass, whichever comes first; then wakes `waiter`. Replaces the wait of the same
/// owner and key, if any. A [`Wait::yield_now`](crate::dispatch::Wait) waits for nothing: the caller
/// handles it.
///
/// # Errors
///
/// When the descriptor cannot be waited for (see [`wait_fd`]); then nothing waits.
pub(crate) fn wait_for(wait: &super::wait::Wait, waiter: Waiter) -> io::Result<()> {
    cancel(&waiter.owner, waiter.key);
    let id = waiter.id();
    let mut holds = Holds::default();
    if let Some((fd, direction)) = wait.io {
        wait_fd(fd, wait.source, direction, waiter.clone())?;
        holds.fd = Some(fd);
    }
    REACTOR.with(|r| {
        if let Some(deadline) = wait.deadline {
            let seq = r.seq.get();
            r.seq.set(seq + 1);
            r.timers.borrow_mut().insert((deadline, seq), waiter);
            holds.timer = Some((deadline, seq));
        }
        if holds.fd.is_some() || holds.timer.is_some() {
            r.waits.borrow_mut().insert(id, holds);
        }
    });
    Ok(())
}

/// Takes back the wait of `owner` and `key`, if there is one: its place in its descriptor's
/// waiter list and its timer. Returns whether there was one.
pub(crate) fn cancel(owner: &Rc<dyn Owner>, key: usize) -> bool {
    take_back((owner_id(owner), key))
}

fn take_back(id: WaitId) -> bool {
    REACTOR
        .try_with(|r| {
            let Some(holds) = r
                .waits
                .try_borrow_mut()
                .ok()
                .and_then(|mut w| w.remove(&id))
            else {
                return false;
            };
            // Taken out under the borrows, dropped after them.
            let mut gone = Vec::new();
            if let Some(fd) = holds.fd
                && let Ok(mut fds) = r.fds.try_borrow_mut()
                && let Some(entry) = fds.get_mut(&fd)
            {
                let mut i = 0;
                while i < entry.waiters.len() {
                    if entry.waiters[i].1.id() == id {
                        gone.push(entry.waiters.swap_remove(i).1);
                    } else {
                        i += 1;
                    }
                }
            }
            if let Some(timer) = holds.timer
                && let Ok(mut timers) = r.timers.try_borrow_mut()
            {
                gone.extend(timers.remove(&timer));
            }
            drop(gone);
            true
        })
        .unwrap_or(false)
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
        // Their waits go on for their deadlines, if any.
        if let Ok(mut waits) = r.waits.try_borrow_mut() {
            for (_, waiter) in &entry.waiters {
                let id = waiter.id();
                if let Some(holds) = waits.get_mut(&id) {
                    holds.fd = None;
                    if holds.timer.is_none() {
                        waits.remove(&id);
                    }
                }
            }
        }
        if entry.registered.is_some()
            && let Some(poll) = poll.as_ref()
        {
            let _ = poll.registry().deregister(&mut SourceFd(&fd));
        }
    });
}

/// Takes back every wait of `owner` (it is done: its keys mean nothing any more).
pub(crate) fn purge(owner: &Rc<dyn Owner>) {
    let owner = owner_id(owner);
    let ids: Vec<WaitId> = REACTOR
        .try_with(|r| {
            r.waits
                .borrow()
                .keys()
                .filter(|(o, _)| *o == owner)
                .copied()
                .collect()
        })
        .unwrap_or_default();
    for id in ids {
        take_back(id);
    }
}

/// How long a turn may block for the earliest deadline waited for, `None` for none.
pub(crate) fn next_timeout() -> Option<Duration> {
    REACTOR.with(|r| {
        r.timers
            .borrow()
            .first_key_value()
            .map(|((deadline, _), _)| deadline.saturating_duration_since(Instant::now()))
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
        let fds = r.fds.borrow();
        for event in events.iter() {
            let Ok(fd) = RawFd::try_from(event.token().0) else {
                continue;
            };
            let Some(entry) = fds.get(&fd) else {
                continue;
            };
            let failed = event.is_error();
            let read = failed || event.is_readable() || event.is_read_closed();
            let write = failed || event.is_writable() || event.is_write_closed();
            for (direction, waiter) in &entry.waiters {
                let ready = match direction {
                    Direction::Read => read,
                    Direction::Write => write,
                };
                if ready {
                    woken.push(waiter.clone());
                }
            }
        }
        drop(fds);
        let now = Instant::now();
        let timers = r.timers.borrow();
        woken.extend(
            timers
                .iter()
                .take_while(|((deadline, _), _)| *deadline <= now)
                .map(|(_, waiter)| waiter.clone()),
        );
        Ok(())
    })?;
    // Each wait is taken back whole (its other half too: the timer of a wait its socket woke,
    // the socket of one its deadline woke), then its owner is told, once.
    woken.retain(|waiter| take_back(waiter.id()));
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
