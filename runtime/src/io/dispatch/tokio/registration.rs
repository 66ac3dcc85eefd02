//! Descriptors registered with tokio's reactor: a [`TcpStream`](super::super::TcpStream)'s for
//! its life ([`Registration`]), any other for one wait ([`ForeignWait`]).

use core::fmt;
use core::task::{Context, Poll, Waker};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::Arc;

use ::tokio::io::Interest;
use ::tokio::io::unix::AsyncFd;

use super::super::Direction;
use crate::io::sys;

/// A socket shared by its stream and the stream's registration, which keeps it open for as
/// long as it is registered.
struct Shared(Arc<std::net::TcpStream>);

impl AsRawFd for Shared {
    fn as_raw_fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }
}

/// A stream's socket registered with the reactor of the tokio runtime that first drove it, for
/// reading and writing both, from then until the stream is dropped.
pub(crate) struct Registration {
    fd: AsyncFd<Shared>,
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("fd", &self.fd.as_raw_fd())
            .finish_non_exhaustive()
    }
}

impl Registration {
    /// Registers `socket` with the current runtime's reactor.
    ///
    /// # Panics
    ///
    /// When called outside a tokio runtime, or in one without IO (tokio's own panic).
    pub(crate) fn new(socket: &Arc<std::net::TcpStream>) -> io::Result<Self> {
        let shared = Shared(Arc::clone(socket));
        // SAFETY: `AsyncFd::register` needs the descriptor to stay open, on the same socket, for
        // the whole life of the `AsyncFd`. The `AsyncFd` owns `shared`, a strong reference to the
        // `std::net::TcpStream` that owns the descriptor: the socket cannot be closed before the
        // `AsyncFd` drops `shared`, which it does after taking the registration back, and its
        // descriptor never changes (`std::net::TcpStream` has no method that replaces it, and
        // nothing here hands out a `&mut` to it).
        let fd = unsafe {
            AsyncFd::register_with_interest(shared, Interest::READABLE | Interest::WRITABLE)
        }?;
        Ok(Self { fd })
    }

    /// Runs `op` while the socket may be ready for `direction` and until it returns something
    /// other than `WouldBlock`; `Pending`, with `waker` registered, once the socket is known not
    /// to be ready. A `WouldBlock` from `op` clears the readiness it was tried under, unless an
    /// event came in since (tokio's rule: no wake-up is lost).
    pub(crate) fn poll_io<R>(
        &self,
        direction: Direction,
        waker: &Waker,
        mut op: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let mut cx = Context::from_waker(waker);
        loop {
            let ready = match direction {
                Direction::Read => self.fd.poll_read_ready(&mut cx),
                Direction::Write => self.fd.poll_write_ready(&mut cx),
            };
            let mut guard = match ready {
                Poll::Ready(Ok(guard)) => guard,
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Pending => return Poll::Pending,
            };
            if let Ok(result) = guard.try_io(|_| op()) {
                return Poll::Ready(result);
            }
        }
    }
}

/// A wait for a descriptor that is not one of our streams' (a [`Wait`](super::super::Wait) the
/// task's own code made): a duplicate of it, registered for this wait only.
///
/// The duplicate is the same socket under a number of our own, so the registration names what
/// the task waited for however the task treats its own descriptor, and several waits for one
/// socket (several tasks, or a socket tokio knows already) do not collide in the reactor.
pub(crate) struct ForeignWait {
    fd: AsyncFd<OwnedFd>,
    direction: Direction,
}

impl fmt::Debug for ForeignWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForeignWait")
            .field("fd", &self.fd.as_raw_fd())
            .field("direction", &self.direction)
            .finish_non_exhaustive()
    }
}

impl ForeignWait {
    /// Registers a duplicate of `fd` with the current runtime's reactor, for `direction`.
    ///
    /// # Errors
    ///
    /// When `fd` is not an open descriptor, or the reactor does not take it (a regular file):
    /// the messages of the dispatcher's reactor, naming the number.
    pub(crate) fn new(fd: RawFd, direction: Direction) -> io::Result<Self> {
        if fd < 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("cannot wait for file descriptor {fd}: not a descriptor number"),
            ));
        }
        let refused = |error: io::Error| {
            io::Error::new(
                error.kind(),
                format!("cannot wait for file descriptor {fd} in the poll: {error}"),
            )
        };
        let copy = sys::duplicate(fd).map_err(refused)?;
        let interest = match direction {
            Direction::Read => Interest::READABLE,
            Direction::Write => Interest::WRITABLE,
        };
        // SAFETY: `AsyncFd::register` needs the descriptor to stay open, on the same file
        // description, for the whole life of the `AsyncFd`. It owns `copy`, a descriptor nobody
        // else knows the number of (a fresh duplicate): it is closed only when the `AsyncFd`
        // drops it, after taking the registration back.
        let fd = unsafe { AsyncFd::register_with_interest(copy, interest) }
            .map_err(|error| refused(error.into()))?;
        Ok(Self { fd, direction })
    }

    /// Whether the descriptor is ready for the direction waited for; registers the waker of
    /// `cx` when it is not.
    pub(crate) fn poll_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let ready = match self.direction {
            Direction::Read => self.fd.poll_read_ready(cx),
            Direction::Write => self.fd.poll_write_ready(cx),
        };
        ready.map_ok(|mut guard| guard.retain_ready())
    }
}
