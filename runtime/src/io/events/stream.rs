//! [`Stream`]: a file descriptor the event loop reads lines from and writes to.

use core::cell::{Cell, RefCell};
use core::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::os::unix::fs::FileTypeExt;
use std::prelude::rust_2024::*;
use std::rc::Rc;

use crate::io::sys;

/// How much is read at once, and how much written output is buffered before it is flushed.
pub(super) const CHUNK: usize = 64 * 1024;

/// The longest line a [`Stream`] reads unless told otherwise
/// ([`Stream::set_max_line_len`]): 64 KiB, as Go's `bufio.Scanner`.
pub const DEFAULT_MAX_LINE_LEN: usize = 64 * 1024;

/// A socket, pipe, terminal or file that the event loop ([`read_line`](super::read_line),
/// [`write_line`](super::write_line)) reads lines from and writes to, buffered like Lua's
/// files. A cheap, clonable reference.
///
/// Sockets, pipes and terminals are read and written without blocking and waited for in the
/// loop's `mio::Poll`; regular files (which epoll cannot watch) are read and written directly,
/// so their operations complete at once through the same API. When the last handle is dropped,
/// buffered output is written out.
///
/// A stream never changes the blocking mode of a descriptor someone else may share (a
/// duplicate, `try_clone`, standard input): sockets are read and written with `MSG_DONTWAIT`,
/// and a pipe, FIFO or terminal is reopened (through `/proc/self/fd`, Linux) as an open file
/// description of its own, non-blocking (where it cannot be, a descriptor that is non-blocking
/// already is used as it is; one that is not is an error). So two streams
/// over one socket, or a stream and the `std` handle it was cloned from, do not disturb each
/// other when one of them is created or dropped.
///
/// A line may be [`max_line_len`](Self::max_line_len) bytes long at most (without its newline;
/// [`DEFAULT_MAX_LINE_LEN`] unless [set](Self::set_max_line_len)), so a peer that never sends a
/// newline cannot make the stream buffer without bound: reading a longer line fails with
/// [`io::ErrorKind::InvalidData`], and nothing is lost (the lines before it were delivered, and
/// the long line stays buffered: raising the limit lets the next read return it).
///
/// [`stdin`](Self::stdin) and [`stdout`](Self::stdout) work on descriptors 0 and 1 without
/// changing their blocking mode; still, do not read `std::io::stdin()` or write
/// `std::io::stdout()` at the same time (each buffers on its own: flush `stdout` before making
/// the stream).
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no sockets
/// use resumable::events::Stream;
///
/// let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
/// let stream = Stream::new(a).unwrap();
/// assert!(!stream.is_regular_file());
/// let file = Stream::new(std::fs::File::open("Cargo.toml").unwrap()).unwrap();
/// assert!(file.is_regular_file());
/// ```
#[derive(Clone)]
pub struct Stream {
    pub(super) inner: Rc<Inner>,
}

pub(super) struct Inner {
    file: File,
    /// This stream's number in the reactor (see `dispatch::reactor`).
    pub(super) source: u64,
    /// What the descriptor is, which says how it is read and written.
    kind: Kind,
    regular: bool,
    /// Read buffer: `input[start..]` is unread; `input[start..scanned]` has no newline.
    input: RefCell<Vec<u8>>,
    start: Cell<usize>,
    scanned: Cell<usize>,
    eof: Cell<bool>,
    max_line_len: Cell<usize>,
    output: RefCell<Vec<u8>>,
}

impl fmt::Debug for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stream")
            .field("fd", &self.as_raw_fd())
            .field("regular_file", &self.inner.regular)
            .finish_non_exhaustive()
    }
}

impl AsRawFd for Stream {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.file.as_raw_fd()
    }
}

/// How a stream's descriptor is read and written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A regular file: directly (it never blocks, and epoll cannot watch it).
    Regular,
    /// A socket: each call with `MSG_DONTWAIT`.
    Socket,
    /// A pipe, FIFO, terminal or other device, on a non-blocking description of our own.
    Other,
}

/// What one attempt at reading a line came to.
pub(super) enum Attempt<T> {
    Done(T),
    WouldBlock,
}

impl Stream {
    /// Takes over a socket, pipe end, terminal or file.
    ///
    /// # Errors
    ///
    /// When its type cannot be found out, or when it is a pipe, FIFO or terminal that is
    /// blocking and cannot be reopened as a non-blocking description of its own (outside Linux,
    /// or without `/proc`): making it non-blocking in place would change the mode of every
    /// other descriptor that shares it.
    pub fn new(fd: impl Into<OwnedFd>) -> io::Result<Self> {
        let mut file = File::from(fd.into());
        let file_type = file.metadata()?.file_type();
        let kind = if file_type.is_file() {
            Kind::Regular
        } else if file_type.is_socket() {
            Kind::Socket
        } else {
            // A description of our own instead of the caller's: theirs keeps its mode, whoever
            // else holds it, and nobody can change ours. Where that is impossible, one that is
            // non-blocking already will do.
            match sys::reopen_nonblocking(file.as_fd()) {
                Ok(own) => file = File::from(own),
                Err(_) if sys::is_nonblocking(file.as_fd())? => {}
                Err(error) => return Err(error),
            }
            Kind::Other
        };
        let regular = kind == Kind::Regular;
        Ok(Self {
            inner: Rc::new(Inner {
                file,
                source: crate::io::reactor::new_source(),
                kind,
                regular,
                input: RefCell::new(Vec::new()),
                start: Cell::new(0),
                scanned: Cell::new(0),
                eof: Cell::new(false),
                max_line_len: Cell::new(DEFAULT_MAX_LINE_LEN),
                output: RefCell::new(Vec::new()),
            }),
        })
    }

    /// Standard input (a duplicate of descriptor 0). Lua's `io.input()`.
    ///
    /// ```
    /// # if cfg!(miri) { return; } // Miri has no fcntl
    /// let stdin = resumable::events::Stream::stdin().unwrap();
    /// # drop(stdin);
    /// ```
    ///
    /// # Errors
    ///
    /// As for [`new`](Self::new), and when descriptor 0 cannot be duplicated.
    pub fn stdin() -> io::Result<Self> {
        Self::new(io::stdin().as_fd().try_clone_to_owned()?)
    }

    /// Standard output (a duplicate of descriptor 1). Lua's `io.output()`.
    ///
    /// ```
    /// # if cfg!(miri) { return; } // Miri has no fcntl
    /// use std::io::Write;
    /// std::io::stdout().flush().unwrap(); // what `print!` buffered goes first
    /// let stdout = resumable::events::Stream::stdout().unwrap();
    /// # drop(stdout);
    /// ```
    ///
    /// # Errors
    ///
    /// As for [`new`](Self::new), and when descriptor 1 cannot be duplicated.
    pub fn stdout() -> io::Result<Self> {
        Self::new(io::stdout().as_fd().try_clone_to_owned()?)
    }

    /// The longest line (without its newline) that reading accepts, in bytes.
    pub fn max_line_len(&self) -> usize {
        self.inner.max_line_len.get()
    }

    /// Sets the longest line (without its newline) that reading accepts, for every handle of
    /// this stream; [`DEFAULT_MAX_LINE_LEN`] until set. Reading a longer line fails with
    /// [`io::ErrorKind::InvalidData`] and leaves it buffered, so a larger limit set after the
    /// error lets the next read return it whole. The stream buffers at most about this much
    /// plus 64 KiB of input.
    ///
    /// ```
    /// # if cfg!(miri) { return; } // Miri has no epoll
    /// use std::io::Write;
    /// use resumable::events::{Stream, read_line, run_loop};
    ///
    /// let (mut peer, ours) = std::os::unix::net::UnixStream::pair().unwrap();
    /// peer.write_all(b"short\nthis one is too long\n").unwrap();
    /// let stream = Stream::new(ours).unwrap();
    /// stream.set_max_line_len(8);
    /// read_line(&stream, |line| assert_eq!(line.unwrap().as_deref(), Some("short")));
    /// let again = stream.clone();
    /// read_line(&stream, move |line| {
    ///     let error = line.unwrap_err();
    ///     assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    ///     assert_eq!(error.to_string(), "line longer than 8 bytes");
    ///     again.set_max_line_len(100);
    ///     read_line(&again, |line| {
    ///         assert_eq!(line.unwrap().as_deref(), Some("this one is too long"));
    ///     });
    /// });
    /// run_loop().unwrap();
    /// ```
    pub fn set_max_line_len(&self, max: usize) {
        self.inner.max_line_len.set(max);
    }

    /// Whether this is a regular file (never waited for).
    pub fn is_regular_file(&self) -> bool {
        self.inner.regular
    }

    /// Whether output waits in the buffer.
    pub(super) fn has_output(&self) -> bool {
        !self.inner.output.borrow().is_empty()
    }

    /// The next line without its newline (`None` at the end), or `WouldBlock`. A line longer
    /// than the limit is an error, and stays where it is.
    pub(super) fn try_read_line(&self) -> Attempt<io::Result<Option<String>>> {
        let inner = &*self.inner;
        let max = inner.max_line_len.get();
        let too_long = || {
            Attempt::Done(Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("line longer than {max} bytes"),
            )))
        };
        let mut input = inner.input.borrow_mut();
        loop {
            let start = inner.start.get();
            let scanned = inner.scanned.get();
            if let Some(at) = input[scanned..].iter().position(|&b| b == b'\n') {
                let end = scanned + at;
                if end - start > max {
                    return too_long();
                }
                inner.start.set(end + 1);
                inner.scanned.set(end + 1);
                return Attempt::Done(line(&input[start..end]));
            }
            inner.scanned.set(input.len());
            if input.len() - start > max {
                return too_long();
            }
            if inner.eof.get() {
                if start == input.len() {
                    return Attempt::Done(Ok(None));
                }
                inner.start.set(input.len());
                return Attempt::Done(line(&input[start..]));
            }
            if start > 0 {
                input.drain(..start);
                inner.start.set(0);
                inner.scanned.set(input.len());
            }
            let len = input.len();
            input.resize(len + CHUNK, 0);
            let read = inner.read_now(&mut input[len..]);
            input.truncate(len + *read.as_ref().unwrap_or(&0));
            match read {
                Ok(0) => inner.eof.set(true),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Attempt::WouldBlock,
                Err(e) => return Attempt::Done(Err(e)),
            }
        }
    }

    /// Appends `text` to the output buffer.
    pub(super) fn buffer(&self, text: &str) {
        self.inner
            .output
            .borrow_mut()
            .extend_from_slice(text.as_bytes());
    }

    /// Whether the buffer is over the high-water mark.
    pub(super) fn is_full(&self) -> bool {
        self.inner.output.borrow().len() >= CHUNK
    }

    /// Writes all buffered output, blocking this thread while the descriptor cannot take it.
    pub(super) fn flush_blocking(&self) -> io::Result<()> {
        self.inner.flush_blocking()
    }

    /// Writes buffered output until it is all written (`Done(Ok)`) or the descriptor would block.
    pub(super) fn try_flush(&self) -> Attempt<io::Result<()>> {
        self.inner.try_flush()
    }
}

impl Inner {
    /// One read that does not block.
    fn read_now(&self, buf: &mut [u8]) -> io::Result<usize> {
        match self.kind {
            Kind::Socket => sys::recv_now(self.file.as_fd(), buf),
            Kind::Regular | Kind::Other => (&self.file).read(buf),
        }
    }

    /// One write that does not block.
    fn write_now(&self, buf: &[u8]) -> io::Result<usize> {
        match self.kind {
            Kind::Socket => sys::send_now(self.file.as_fd(), buf),
            Kind::Regular | Kind::Other => (&self.file).write(buf),
        }
    }

    fn flush_blocking(&self) -> io::Result<()> {
        loop {
            match self.try_flush() {
                Attempt::Done(result) => return result,
                Attempt::WouldBlock => sys::wait_writable(self.file.as_fd())?,
            }
        }
    }

    fn try_flush(&self) -> Attempt<io::Result<()>> {
        let mut output = self.output.borrow_mut();
        let mut written = 0;
        let result = loop {
            if written == output.len() {
                break Attempt::Done(Ok(()));
            }
            match self.write_now(&output[written..]) {
                Ok(0) => break Attempt::Done(Err(io::ErrorKind::WriteZero.into())),
                Ok(n) => written += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Attempt::WouldBlock,
                Err(e) => {
                    output.clear();
                    return Attempt::Done(Err(e));
                }
            }
        };
        output.drain(..written);
        result
    }
}

/// A line's bytes as a `String`.
fn line(bytes: &[u8]) -> io::Result<Option<String>> {
    match core::str::from_utf8(bytes) {
        Ok(text) => Ok(Some(text.to_owned())),
        Err(e) => Err(io::Error::new(io::ErrorKind::InvalidData, e)),
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        crate::io::reactor::forget(self.file.as_raw_fd());
        // Best effort: nothing can report an error from here.
        let _ = self.flush_blocking();
    }
}
