//! [`TcpStream`]: a non-blocking TCP connection whose operations look blocking inside a task.

use core::fmt;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::prelude::rust_2024::*;
use std::time::{Duration, Instant};

use super::time::deadline_after;
use super::{Direction, Wait};
use crate::delegate::Subroutine;
use crate::io::sys;
use crate::lower::{Co, Static, from_parts_starting};

/// A TCP connection for tasks of a [`Dispatcher`](super::Dispatcher): a non-blocking socket
/// whose operations are subroutines run with `yield_from!`. Each one tries its system call, and
/// while the call would block it yields a [`Wait`] for the socket on the task's behalf, so that
/// inside the task it looks blocking and `WouldBlock` never reaches the task.
///
/// Errors are `io::Error`s of the system call's kind whose message names the operation and the
/// peer, e.g. `connect to 127.0.0.1:9: Connection refused (os error 111)` or
/// `read from 127.0.0.1:8080: Connection reset by peer (os error 104)`. A
/// [timeout](Self::set_timeout) ends an operation with [`io::ErrorKind::TimedOut`].
///
/// Reads and writes are non-blocking call by call (`MSG_DONTWAIT`), so a socket taken over
/// with [`from_std`](Self::from_std) keeps its blocking mode, which its other descriptors (a
/// `try_clone` the caller kept) share.
///
/// The same stream works on both engines (see [the module docs](super#two-engines)): on the
/// [`Dispatcher`](super::Dispatcher) it waits in the dispatcher's reactor; resumed by a task of
/// the tokio engine (cargo feature `tokio`) it registers its socket with tokio's reactor on its
/// first operation and waits on that registration, which it keeps until it is dropped. It is
/// `Send` and `Sync`, and so are the subroutines its operations return (when what they borrow
/// is): a task that holds a stream across its waits can move between the worker threads of
/// tokio's multi-threaded runtime.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll or sockets
/// use std::io::{Read, Write};
/// use std::net::Shutdown;
/// use resumable::dispatch::{Dispatcher, TcpStream, Wait};
/// use resumable::{resumable, yield_from};
///
/// // An upper-casing echo server on 127.0.0.1.
/// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
/// let addr = listener.local_addr().unwrap();
/// std::thread::spawn(move || {
///     let (mut peer, _) = listener.accept().unwrap();
///     let mut text = String::new();
///     peer.read_to_string(&mut text).unwrap();
///     peer.write_all(text.to_uppercase().as_bytes()).unwrap();
/// });
///
/// #[resumable(yield = Wait)]
/// fn shout(addr: std::net::SocketAddr) -> std::io::Result<Vec<u8>> {
///     let mut stream = yield_from!(TcpStream::connect(addr))?;
///     yield_from!(stream.write_all(b"hello"))?;
///     stream.shutdown(Shutdown::Write)?;
///     let mut reply = Vec::new();
///     yield_from!(stream.read_to_end(&mut reply))?;
///     Ok(reply)
/// }
///
/// let mut dispatcher = Dispatcher::new();
/// dispatcher.spawn(shout(addr));
/// let reply = dispatcher.run().unwrap().pop().unwrap().unwrap();
/// assert_eq!(reply, b"HELLO");
/// ```
pub struct TcpStream {
    /// The socket's registration with tokio's reactor, made by its first operation on the tokio
    /// engine and kept for the stream's life. (It keeps the socket open while registered, and
    /// is dropped first, so the socket is taken out of the reactor before it closes.)
    #[cfg(feature = "tokio")]
    registration: Option<super::tokio::Registration>,
    inner: Socket,
    /// This stream's number, unique in the process (see [`Wait`]'s `source`).
    id: u64,
    peer: SocketAddr,
    timeout: Option<Duration>,
}

/// The socket. With the `tokio` feature, shared with the stream's registration in tokio's
/// reactor, which so keeps it open for as long as it is registered.
#[cfg(feature = "tokio")]
type Socket = std::sync::Arc<std::net::TcpStream>;
#[cfg(not(feature = "tokio"))]
type Socket = std::net::TcpStream;

/// What one try of an operation came to.
enum Step<R> {
    /// The system call's result (not `WouldBlock`).
    Done(io::Result<R>),
    /// It would block: the task waits for this.
    Wait(Wait),
}

/// A buffer being read into: its bytes up to `filled` are data, the rest zeroed room for the
/// next read, cut off however the reading ends (returns, fails, or is dropped half-way).
struct Room<'a> {
    buf: &'a mut Vec<u8>,
    filled: usize,
}

impl Drop for Room<'_> {
    fn drop(&mut self) {
        self.buf.truncate(self.filled);
    }
}

/// Whether a connecting socket is connected now: its peer's address, the connection attempt's
/// error, or `WouldBlock` while the attempt goes on.
fn connected(socket: &std::net::TcpStream) -> io::Result<SocketAddr> {
    if let Some(error) = socket.take_error()? {
        return Err(error);
    }
    match socket.peer_addr() {
        Err(error) if error.kind() == io::ErrorKind::NotConnected => {
            Err(io::ErrorKind::WouldBlock.into())
        }
        result => result,
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpStream")
            .field("peer", &self.peer)
            .field("timeout", &self.timeout)
            .field("fd", &self.inner.as_raw_fd())
            .finish_non_exhaustive()
    }
}

impl AsRawFd for TcpStream {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

/// `error` with `what` (the operation and the peer) in front of its message; same kind.
fn context(what: impl fmt::Display, error: &io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{what}: {error}"))
}

/// The error of an operation that waited longer than its timeout.
fn timed_out(what: impl fmt::Display, timeout: Option<Duration>) -> io::Error {
    let timeout = timeout.unwrap_or_default();
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!("{what}: timed out after {timeout:?} without progress"),
    )
}

/// Whether `deadline` has passed.
fn expired(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|deadline| Instant::now() >= deadline)
}

impl TcpStream {
    /// Connects to `addr` without a timeout: `yield_from!(TcpStream::connect(addr))?`. See
    /// [`connect_timeout`](Self::connect_timeout).
    pub fn connect(addr: SocketAddr) -> impl Subroutine<Yield = Wait, Return = io::Result<Self>> {
        Self::connect_timeout(addr, None)
    }

    /// Connects to `addr`, giving up after `timeout`; the stream it returns has that timeout for
    /// its operations too (see [`set_timeout`](Self::set_timeout)).
    ///
    /// ```
    /// # if cfg!(miri) { return; } // Miri has no epoll or sockets
    /// use std::io::ErrorKind;
    /// use std::time::Duration;
    /// use resumable::dispatch::{Dispatcher, TcpStream, Wait};
    /// use resumable::{resumable, yield_from};
    ///
    /// // A port nobody listens on: bind one, then close it.
    /// let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    ///
    /// #[resumable(yield = Wait)]
    /// fn try_connect(addr: std::net::SocketAddr) -> std::io::Result<()> {
    ///     yield_from!(TcpStream::connect_timeout(addr, Some(Duration::from_secs(5))))?;
    ///     Ok(())
    /// }
    ///
    /// let mut dispatcher = Dispatcher::new();
    /// dispatcher.spawn(try_connect(addr));
    /// let err = dispatcher.run().unwrap().pop().unwrap().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    /// assert!(err.to_string().starts_with(&format!("connect to {addr}: ")), "{err}");
    /// ```
    ///
    /// # Errors
    ///
    /// What the connection attempt failed with (e.g. [`io::ErrorKind::ConnectionRefused`]), or
    /// [`io::ErrorKind::TimedOut`].
    pub fn connect_timeout(
        addr: SocketAddr,
        timeout: Option<Duration>,
    ) -> impl Subroutine<Yield = Wait, Return = io::Result<Self>> {
        let co = Co::<Wait, (), Static>::new_static();
        from_parts_starting(co.marker(), async move {
            let co = co;
            let what = format!("connect to {addr}");
            let deadline = timeout.map(deadline_after);
            let inner = mio::net::TcpStream::connect(addr).map_err(|e| context(&what, &e))?;
            let mut stream = Self::new(std::net::TcpStream::from(inner), addr, timeout);
            // The connection is not made yet: the dispatcher waits for it first; tokio's
            // readiness says itself whether to look.
            let mut step = if on_tokio() {
                stream.attempt(Direction::Write, connected)
            } else {
                Step::Wait(stream.wait_for(Direction::Write))
            };
            loop {
                match step {
                    Step::Done(Ok(peer)) => {
                        stream.peer = peer;
                        return Ok(stream);
                    }
                    Step::Done(Err(error)) => return Err(context(&what, &error)),
                    Step::Wait(wait) => co.yield_(wait.or_until(deadline)).await,
                }
                step = stream.attempt(Direction::Write, connected);
                if matches!(step, Step::Wait(_)) && expired(deadline) {
                    return Err(timed_out(&what, timeout));
                }
            }
        })
    }

    /// Takes over a connected `std` stream. No timeout. Its blocking mode stays as it is (the
    /// stream's operations do not depend on it), so a clone of it that the caller kept is not
    /// disturbed.
    ///
    /// ```
    /// # if cfg!(miri) { return; } // Miri has no sockets
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let std = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    /// let stream = resumable::dispatch::TcpStream::from_std(std).unwrap();
    /// assert_eq!(stream.peer_addr(), listener.local_addr().unwrap());
    /// ```
    ///
    /// # Errors
    ///
    /// When the stream is not connected.
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<Self> {
        let peer = stream.peer_addr()?;
        Ok(Self::new(stream, peer, None))
    }

    fn new(socket: std::net::TcpStream, peer: SocketAddr, timeout: Option<Duration>) -> Self {
        Self {
            #[cfg(feature = "tokio")]
            registration: None,
            inner: Socket::from(socket),
            id: crate::io::reactor::new_source(),
            peer,
            timeout,
        }
    }

    /// The address of the peer.
    pub fn peer_addr(&self) -> SocketAddr {
        self.peer
    }

    /// Sets the timeout of every later operation: how long it may wait for the socket without
    /// any progress (a [`read`](Self::read), each chunk of a [`read_to_end`](Self::read_to_end),
    /// [`read_exact`](Self::read_exact) or [`write_all`](Self::write_all)). An operation past it
    /// fails with [`io::ErrorKind::TimedOut`]; so a stalled peer ends the task, while a slow but
    /// steady one does not. `None` (the default after [`connect`](Self::connect)) waits for ever.
    ///
    /// ```
    /// # if cfg!(miri) { return; } // Miri has no sockets
    /// # use std::time::Duration;
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// # let std = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    /// let mut stream = resumable::dispatch::TcpStream::from_std(std).unwrap();
    /// stream.set_timeout(Some(Duration::from_millis(250)));
    /// assert_eq!(stream.timeout(), Some(Duration::from_millis(250)));
    /// ```
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    /// The timeout of each operation; see [`set_timeout`](Self::set_timeout).
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Shuts down the reading, writing or both halves of the connection. Never waits (a
    /// non-blocking `shutdown` does not block), so it is a plain call, not a subroutine.
    ///
    /// # Errors
    ///
    /// What `shutdown(2)` failed with, e.g. [`io::ErrorKind::NotConnected`] after a reset.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.inner
            .shutdown(how)
            .map_err(|e| context(format_args!("shutdown of {}", self.peer), &e))
    }

    /// Reads what is available, waiting until something is: `yield_from!(stream.read(&mut
    /// buf))?`. `Ok(0)` means the peer closed its end (or `buf` is empty).
    ///
    /// # Errors
    ///
    /// What `read(2)` failed with (e.g. [`io::ErrorKind::ConnectionReset`]), or
    /// [`io::ErrorKind::TimedOut`].
    pub fn read<'a>(
        &'a mut self,
        buf: &'a mut [u8],
    ) -> impl Subroutine<Yield = Wait, Return = io::Result<usize>> + 'a {
        let co = Co::<Wait, (), Static>::new_static();
        from_parts_starting(co.marker(), async move {
            let co = co;
            self.read_some(&co, buf).await
        })
    }

    /// Reads until `buf` is full.
    ///
    /// # Errors
    ///
    /// As [`read`](Self::read), and [`io::ErrorKind::UnexpectedEof`] if the peer closes its end
    /// first (`read from PEER: connection closed after N of M bytes`).
    pub fn read_exact<'a>(
        &'a mut self,
        buf: &'a mut [u8],
    ) -> impl Subroutine<Yield = Wait, Return = io::Result<()>> + 'a {
        let co = Co::<Wait, (), Static>::new_static();
        from_parts_starting(co.marker(), async move {
            let co = co;
            let mut filled = 0;
            while filled < buf.len() {
                match self.read_some(&co, &mut buf[filled..]).await? {
                    0 => {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            format!(
                                "read from {}: connection closed after {filled} of {} bytes",
                                self.peer,
                                buf.len()
                            ),
                        ));
                    }
                    n => filled += n,
                }
            }
            Ok(())
        })
    }

    /// Reads until the peer closes its end, appending to `buf`; returns how many bytes it
    /// appended. The timeout applies to each wait for more data.
    ///
    /// # Errors
    ///
    /// As [`read`](Self::read). What was read before the error stays in `buf`.
    pub fn read_to_end<'a>(
        &'a mut self,
        buf: &'a mut Vec<u8>,
    ) -> impl Subroutine<Yield = Wait, Return = io::Result<usize>> + 'a {
        let co = Co::<Wait, (), Static>::new_static();
        from_parts_starting(co.marker(), async move {
            let co = co;
            let start = buf.len();
            // Room is zeroed once, when it is reserved, not before every read.
            let mut room = Room { filled: start, buf };
            loop {
                if room.buf.capacity() - room.filled < 4096 {
                    room.buf.truncate(room.filled);
                    room.buf.reserve(room.filled.max(16 * 1024));
                }
                let capacity = room.buf.capacity();
                if room.buf.len() < capacity {
                    room.buf.resize(capacity, 0);
                }
                let filled = room.filled;
                match self.read_some(&co, &mut room.buf[filled..]).await? {
                    0 => return Ok(room.filled - start),
                    n => room.filled += n,
                }
            }
        })
    }

    /// Writes all of `buf`, waiting whenever the socket's send buffer is full.
    ///
    /// # Errors
    ///
    /// What `write(2)` failed with (e.g. [`io::ErrorKind::BrokenPipe`] after the peer closed),
    /// [`io::ErrorKind::WriteZero`], or [`io::ErrorKind::TimedOut`].
    pub fn write_all<'a>(
        &'a mut self,
        buf: &'a [u8],
    ) -> impl Subroutine<Yield = Wait, Return = io::Result<()>> + 'a {
        let co = Co::<Wait, (), Static>::new_static();
        from_parts_starting(co.marker(), async move {
            let co = co;
            let mut written = 0;
            let mut deadline = self.timeout.map(deadline_after);
            while written < buf.len() {
                let step = self.attempt(Direction::Write, |socket| {
                    sys::send_now(socket.as_fd(), &buf[written..])
                });
                match step {
                    Step::Done(Ok(0)) => {
                        return Err(io::Error::new(
                            io::ErrorKind::WriteZero,
                            format!(
                                "write to {}: wrote 0 bytes after {written} of {}",
                                self.peer,
                                buf.len()
                            ),
                        ));
                    }
                    Step::Done(Ok(n)) => {
                        written += n;
                        deadline = self.timeout.map(deadline_after);
                    }
                    Step::Done(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                    Step::Done(Err(e)) => {
                        return Err(context(format_args!("write to {}", self.peer), &e));
                    }
                    Step::Wait(wait) => {
                        if expired(deadline) {
                            return Err(timed_out(
                                format_args!("write to {}", self.peer),
                                self.timeout,
                            ));
                        }
                        co.yield_(wait.or_until(deadline)).await;
                    }
                }
            }
            Ok(())
        })
    }

    /// One read, waiting (through `co`) while it would block.
    async fn read_some(&mut self, co: &Co<Wait, (), Static>, buf: &mut [u8]) -> io::Result<usize> {
        let deadline = self.timeout.map(deadline_after);
        loop {
            match self.attempt(Direction::Read, |socket| sys::recv_now(socket.as_fd(), buf)) {
                Step::Done(Ok(n)) => return Ok(n),
                Step::Done(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Step::Done(Err(e)) => {
                    return Err(context(format_args!("read from {}", self.peer), &e));
                }
                Step::Wait(wait) => {
                    if expired(deadline) {
                        return Err(timed_out(
                            format_args!("read from {}", self.peer),
                            self.timeout,
                        ));
                    }
                    co.yield_(wait.or_until(deadline)).await;
                }
            }
        }
    }

    /// Tries `op`, a non-blocking system call on the socket that fails with `WouldBlock` when
    /// it would block, once, as the engine driving the task has it: on the dispatcher, at once;
    /// on tokio, when tokio's readiness says the socket may be ready for `direction` (see
    /// [`tokio`](super::tokio)). When it would block, the [`Wait`] to yield.
    fn attempt<R>(
        &mut self,
        direction: Direction,
        mut op: impl FnMut(&std::net::TcpStream) -> io::Result<R>,
    ) -> Step<R> {
        #[cfg(feature = "tokio")]
        {
            let socket = &self.inner;
            let tried =
                super::tokio::attempt(&mut self.registration, socket, direction, || op(socket));
            match tried {
                Some(core::task::Poll::Ready(result)) => return Step::Done(result),
                Some(core::task::Poll::Pending) => {
                    return Step::Wait(self.wait_for(direction).armed());
                }
                None => {}
            }
        }
        match op(&self.inner) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Step::Wait(self.wait_for(direction)),
            result => Step::Done(result),
        }
    }

    /// The wait for the socket to be ready for `direction`.
    fn wait_for(&self, direction: Direction) -> Wait {
        let wait = match direction {
            Direction::Read => Wait::readable(&self.inner),
            Direction::Write => Wait::writable(&self.inner),
        };
        wait.with_source(self.id)
    }
}

/// Whether a task on the tokio engine is being resumed on this thread.
fn on_tokio() -> bool {
    #[cfg(feature = "tokio")]
    return super::tokio::is_driving();
    #[cfg(not(feature = "tokio"))]
    false
}
