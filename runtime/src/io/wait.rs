//! [`Wait`]: what a task yields to its dispatcher when it cannot go on.

use std::os::fd::{AsRawFd, RawFd};
use std::time::Instant;

/// What a task waits for: a socket becoming readable or writable, a deadline, both (whichever
/// comes first), or nothing (it only lets the others run).
///
/// A task yields a `Wait` when it would block; the [`Dispatcher`](crate::dispatch::Dispatcher) resumes it
/// once what it waits for may have happened. A resume is a hint, not a promise: the task must
/// retry its operation and wait again if it would still block (the helpers of this module do).
/// The socket is named by its file descriptor, which must stay open while the task waits;
/// several tasks may wait for the same socket, and each is woken.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no sockets
/// use std::time::{Duration, Instant};
/// use resumable::dispatch::Wait;
///
/// let deadline = Instant::now() + Duration::from_secs(1);
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
/// let wait = Wait::readable(&socket).or_until(Some(deadline));
/// assert!(wait.is_readable());
/// assert_eq!(wait.deadline(), Some(deadline));
/// assert!(!Wait::yield_now().is_readable());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "a `Wait` does nothing unless a task yields it"]
pub struct Wait {
    pub(crate) io: Option<(RawFd, Direction)>,
    pub(crate) deadline: Option<Instant>,
    /// Which socket object `io` names, when known (our [`TcpStream`](crate::dispatch::TcpStream)s number
    /// themselves); 0 when only the file descriptor is known. Lets the dispatcher skip
    /// re-registering a socket that is still registered the same way.
    pub(crate) source: u64,
    /// The wake-up for `io` is arranged already: the stream that yields this registered the
    /// driving task's waker with its own readiness (on the tokio engine; always `false` on the
    /// dispatcher).
    pub(crate) armed: bool,
}

/// Which readiness of a socket a task waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Wait {
    /// Wait until `source` has data to read (or an error, or the peer closed it).
    pub fn readable(source: &impl AsRawFd) -> Self {
        Self {
            io: Some((source.as_raw_fd(), Direction::Read)),
            deadline: None,
            source: 0,
            armed: false,
        }
    }

    /// Wait until `source` can take more data to write (or a connection attempt finished).
    pub fn writable(source: &impl AsRawFd) -> Self {
        Self {
            io: Some((source.as_raw_fd(), Direction::Write)),
            deadline: None,
            source: 0,
            armed: false,
        }
    }

    /// Wait until `deadline`.
    pub const fn until(deadline: Instant) -> Self {
        Self {
            io: None,
            deadline: Some(deadline),
            source: 0,
            armed: false,
        }
    }

    /// Wait for nothing: the task runs again after every other task that can run has run.
    pub const fn yield_now() -> Self {
        Self {
            io: None,
            deadline: None,
            source: 0,
            armed: false,
        }
    }

    /// The same wait, ending at `deadline` at the latest (no change for `None`).
    pub fn or_until(self, deadline: Option<Instant>) -> Self {
        Self {
            deadline: match (self.deadline, deadline) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
            ..self
        }
    }

    /// The same wait, for the socket numbered `source` (never 0) by its owner: the socket stays
    /// open, with that descriptor, for as long as the number is in use.
    pub(super) fn with_source(self, source: u64) -> Self {
        Self { source, ..self }
    }

    /// The same wait, whose wake-up for its socket is arranged already (see `armed`).
    #[cfg(feature = "tokio")]
    pub(super) fn armed(self) -> Self {
        Self {
            armed: true,
            ..self
        }
    }

    /// Whether this waits for a socket to become readable.
    pub fn is_readable(&self) -> bool {
        matches!(self.io, Some((_, Direction::Read)))
    }

    /// Whether this waits for a socket to become writable.
    pub fn is_writable(&self) -> bool {
        matches!(self.io, Some((_, Direction::Write)))
    }

    /// The deadline, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }
}
