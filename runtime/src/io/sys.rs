//! The few system calls that neither std nor mio offer, for I/O that never changes what other
//! descriptors see.
//!
//! `O_NONBLOCK` belongs to the open file description, which every duplicate of a descriptor
//! shares (`dup`, `try_clone`, a descriptor inherited or passed along): setting it for our own
//! reads makes another owner's reads fail with `WouldBlock`, and clearing it when we are done
//! makes the reads of another stream over the same socket block the whole thread. So the
//! runtime never touches the flag of a description someone else may hold:
//!
//! - sockets are read and written with `MSG_DONTWAIT`, which makes that one call non-blocking
//!   whatever the flag says ([`recv_now`], [`send_now`]);
//! - pipes, FIFOs and terminals, which have no such per-call flag, get an open file
//!   description of their own by reopening `/proc/self/fd/N` (Linux), non-blocking from the
//!   start ([`reopen_nonblocking`]); the caller's descriptor is left as it was.
//!
//! std offers neither `MSG_DONTWAIT` nor `fcntl(F_GETFL)` nor `poll`; `libc` is the crate mio
//! already builds on, so using it adds nothing to the dependency graph.

use std::fs::OpenOptions;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;

/// `MSG_NOSIGNAL` where it exists: a write to a closed socket is an `EPIPE` error, never a
/// `SIGPIPE` (std's `main` ignores the signal, but a library cannot count on that).
#[cfg(any(target_os = "linux", target_os = "android"))]
const NO_SIGNAL: libc::c_int = libc::MSG_NOSIGNAL;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const NO_SIGNAL: libc::c_int = 0;

/// The result of a call returning a byte count or -1 with `errno`.
fn count(n: isize) -> io::Result<usize> {
    usize::try_from(n).map_err(|_| io::Error::last_os_error())
}

/// Reads what `fd` (a socket) has without waiting: `WouldBlock` if nothing is there.
pub(crate) fn recv_now(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: `recv(2)` writes at most `buf.len()` bytes to `buf`, which is borrowed mutably for
    // the call; `fd` is open for the call (`BorrowedFd`'s lifetime guarantees it).
    let n = unsafe {
        libc::recv(
            fd.as_raw_fd(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            libc::MSG_DONTWAIT,
        )
    };
    count(n)
}

/// Writes what `fd` (a socket) takes without waiting: `WouldBlock` if it takes nothing.
pub(crate) fn send_now(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `send(2)` reads at most `buf.len()` bytes from `buf`, borrowed for the call; `fd`
    // is open for the call (`BorrowedFd`'s lifetime guarantees it).
    let n = unsafe {
        libc::send(
            fd.as_raw_fd(),
            buf.as_ptr().cast(),
            buf.len(),
            libc::MSG_DONTWAIT | NO_SIGNAL,
        )
    };
    count(n)
}

/// The status flags of `fd`'s open file description (`fcntl(F_GETFL)`).
fn status_flags(fd: BorrowedFd<'_>) -> io::Result<libc::c_int> {
    // SAFETY: `fcntl(F_GETFL)` only reads the flags of `fd`, which is open for the call
    // (`BorrowedFd`'s lifetime guarantees it).
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    if flags < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(flags)
    }
}

/// Whether `fd`'s open file description is non-blocking already.
pub(crate) fn is_nonblocking(fd: BorrowedFd<'_>) -> io::Result<bool> {
    Ok(status_flags(fd)? & libc::O_NONBLOCK != 0)
}

/// A new open file description of what `fd` is open on (a pipe, FIFO or terminal), with the
/// same access mode, non-blocking, and never becoming the controlling terminal. `fd`'s own
/// description, and so what its other owners see, is left as it was.
pub(crate) fn reopen_nonblocking(fd: BorrowedFd<'_>) -> io::Result<OwnedFd> {
    let raw = fd.as_raw_fd();
    let context = |error: io::Error| {
        io::Error::new(
            error.kind(),
            format!(
                "cannot open file descriptor {raw} again, non-blocking, without changing the \
                 blocking mode its other descriptors share: {error}"
            ),
        )
    };
    let mode = status_flags(fd).map_err(context)? & libc::O_ACCMODE;
    let mut options = OpenOptions::new();
    match mode {
        libc::O_RDONLY => options.read(true),
        libc::O_WRONLY => options.write(true),
        _ => options.read(true).write(true),
    };
    options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    if cfg!(any(target_os = "linux", target_os = "android")) {
        options
            .open(format!("/proc/self/fd/{raw}"))
            .map(OwnedFd::from)
            .map_err(context)
    } else {
        Err(context(io::Error::new(
            io::ErrorKind::Unsupported,
            "only Linux can reopen a descriptor with a description of its own",
        )))
    }
}

/// Blocks until `fd` is writable (or has an error), retrying after signals.
pub(crate) fn wait_writable(fd: BorrowedFd<'_>) -> io::Result<()> {
    let mut poll = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLOUT,
        revents: 0,
    };
    loop {
        // SAFETY: `poll(2)` reads and writes the one `pollfd` it is given, which lives on this
        // stack frame for the call; `fd` is open for the call (`BorrowedFd`'s lifetime).
        let rc = unsafe { libc::poll(&raw mut poll, 1, -1) };
        if rc >= 0 {
            return Ok(());
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}

/// A descriptor of our own for whatever descriptor number `fd` is open on (`F_DUPFD_CLOEXEC`):
/// the same open file description, so the same readiness, but a number nobody else can close
/// while we hold it. Fails (`EBADF`) when `fd` is not open.
#[cfg(feature = "tokio")]
pub(crate) fn duplicate(fd: std::os::fd::RawFd) -> io::Result<OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: `fcntl(F_DUPFD_CLOEXEC)` takes a descriptor number and touches no memory of ours;
    // a number that is not open (negative or not) makes it fail with `EBADF`.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if new < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `new` was just returned by a successful `fcntl(F_DUPFD_CLOEXEC)`: it is open, and
    // nothing else owns it (only this call knows its number).
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

#[cfg(all(test, feature = "tokio"))]
mod tests {
    use std::io::{Read, Write};
    use std::os::fd::AsRawFd;
    use std::vec::Vec;

    /// A duplicate reaches the same pipe (or socket), outlives the original descriptor, and a
    /// number that is not open is an error, not a descriptor. (A pipe: Miri runs this, and it
    /// emulates pipes but not `send` on a socket pair.)
    #[test]
    fn duplicate_is_the_same_description_under_a_number_of_its_own() {
        let (mut reader, writer) = std::io::pipe().unwrap();
        let copy = super::duplicate(writer.as_raw_fd()).unwrap();
        assert_ne!(copy.as_raw_fd(), writer.as_raw_fd());
        drop(writer);
        let mut copy = std::fs::File::from(copy);
        copy.write_all(b"hi").unwrap();
        drop(copy);
        let mut got = Vec::new();
        reader.read_to_end(&mut got).unwrap();
        assert_eq!(got, b"hi");
        for bad in [-1, i32::MAX] {
            let error = super::duplicate(bad).unwrap_err();
            assert_eq!(error.raw_os_error(), Some(libc::EBADF), "{bad}");
        }
    }
}
