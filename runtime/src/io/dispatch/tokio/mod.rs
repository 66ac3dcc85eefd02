//! The tokio engine (cargo feature `tokio`): dispatcher tasks run as tokio futures, on tokio's
//! own readiness and timers, single- or multi-threaded.
//!
//! A dispatcher task is any `Resumable<(), Yield = Wait, Return = io::Result<T>>`, what
//! [`Dispatcher::spawn`](super::Dispatcher::spawn) takes. [`Task::new`] makes one a
//! [`Future`] with output `io::Result<T>`; [`spawn`] runs a `Send` one on
//! the current tokio runtime (the multi-threaded one included, where it may move between worker
//! threads at each wait), [`spawn_local`] one that is not `Send` on the current
//! [`LocalSet`](::tokio::task::LocalSet). The task code is the same as on the
//! [`Dispatcher`](super::Dispatcher): [`TcpStream`](super::TcpStream)'s operations, [`sleep`],
//! [`yield_now`](super::yield_now) and timeouts behave identically, and the result is the same:
//! what the task returns, its error, or, for a panic, an [`io::Error`] whose
//! `Display` is the panic message and whose [`into_inner`](std::io::Error::into_inner) is the
//! [`ResumeError`](crate::ResumeError). The [`JoinHandle`](::tokio::task::JoinHandle) gives it as
//! `Ok(result)`; its `Err` only means the task was cancelled (aborted, or the runtime shut down).
//!
//! # How a `Wait` maps to tokio
//!
//! The engine is chosen by whoever drives the task; [`Wait`] says nothing about it. While a
//! [`Task`] resumes its coroutine it lends the thread its waker, and what the coroutine yields
//! is handled thus:
//!
//! - A [`TcpStream`](super::TcpStream) operation sees the waker and uses the stream's own
//!   [`AsyncFd`](::tokio::io::unix::AsyncFd), registered with tokio's reactor on the stream's
//!   first operation under tokio and kept until the stream is dropped (not registered per wait).
//!   It tries its system call whenever tokio's readiness says the socket may be ready, and when
//!   the call would block tokio clears that readiness (only if no new event came in the
//!   meantime) and the waker is registered: exactly what tokio's own `TcpStream` does. The
//!   [`Wait`] it then yields tells the task only that its wake-up is arranged.
//! - A deadline (a timeout, [`sleep`]) is a [`tokio::time::Sleep`], one per
//!   task, moved to each new deadline ([`sleep_until`](::tokio::time::sleep_until)).
//! - [`Wait::yield_now`] wakes the task at once and returns `Pending`: the task goes to the back
//!   of the runtime's queue.
//! - A [`Wait`] for any other descriptor (made with [`Wait::readable`] or [`Wait::writable`] by
//!   the task's own code) is registered for that wait only, on a duplicate of the descriptor
//!   (same socket, a number of our own, so the registration never outlives what it names even if
//!   the task closes its descriptor), and taken back when the wait ends.
//!
//! There is no second reactor and no thread of ours: tokio's I/O driver and timer do all the
//! waiting. The runtime needs both (`enable_all`, or `enable_io` and `enable_time`).
//!
//! # `Send`
//!
//! A task is `Send` exactly when what it holds across its waits is (see the crate's rules for
//! coroutines): [`TcpStream`](super::TcpStream) is `Send` and `Sync`, and its operations
//! (`connect`, `read`, …, the subroutines a task runs with `yield_from!`) are `Send` too, so a
//! task that holds only such things, `Arc`s and owned data can be [`spawn`]ed on the
//! multi-threaded runtime and resumed on any worker thread. Nothing of a stream is tied to a
//! thread: its registration belongs to the runtime, and the waker the stream uses is the one of
//! the poll that resumed the task. A task holding an `Rc` or a `RefCell` borrow across a wait is
//! not `Send`: run it with [`spawn_local`].
//!
//! # Limits
//!
//! - A stream keeps its registration with the runtime that first drove it; used later from
//!   another runtime, it still works while the first one runs.
//! - A [`Dispatcher`](super::Dispatcher) run inside a tokio task drives its own tasks with its own
//!   reactor (it blocks that worker thread until its tasks are done, as any blocking call would).
//!
//! [`Wait`]: super::Wait
//! [`Wait::yield_now`]: super::Wait::yield_now
//! [`Wait::readable`]: super::Wait::readable
//! [`Wait::writable`]: super::Wait::writable
//! [`sleep`]: super::sleep
//!
//! # Example
//!
//! ```
//! # if cfg!(miri) { return; } // Miri has no epoll or sockets
//! use std::io::Write;
//! use std::time::Duration;
//! use resumable::dispatch::{sleep, TcpStream, Wait};
//! use resumable::{resumable, yield_from};
//!
//! // A server on 127.0.0.1 that answers "hello" to whoever connects.
//! let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
//! let addr = listener.local_addr().unwrap();
//! std::thread::spawn(move || {
//!     for stream in listener.incoming().take(2) {
//!         stream.unwrap().write_all(b"hello").unwrap();
//!     }
//! });
//!
//! /// The task of the dispatcher's example, unchanged.
//! #[resumable(yield = Wait)]
//! fn fetch(addr: std::net::SocketAddr) -> std::io::Result<usize> {
//!     let mut stream = yield_from!(TcpStream::connect(addr))?;
//!     stream.set_timeout(Some(Duration::from_secs(10)));
//!     yield_from!(sleep(Duration::from_millis(5)));
//!     let mut body = Vec::new();
//!     yield_from!(stream.read_to_end(&mut body))
//! }
//!
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! let counts = runtime.block_on(async {
//!     let a = resumable::dispatch::tokio::spawn(fetch(addr));
//!     let b = resumable::dispatch::tokio::spawn(fetch(addr));
//!     (a.await.unwrap().unwrap(), b.await.unwrap().unwrap())
//! });
//! assert_eq!(counts, (5, 5));
//! ```

mod registration;
mod task;

use core::cell::Cell;
use core::task::{Poll, Waker};
use std::io;

pub(crate) use registration::Registration;
pub use task::{Task, spawn, spawn_local};

use super::Direction;

thread_local! {
    /// The waker of the [`Task`] resuming its coroutine on this thread right now, if any: lent
    /// for the resume, so that the task's streams wait on tokio's readiness.
    static DRIVER: Cell<Option<Waker>> = const { Cell::new(None) };
}

/// Runs `f` with `waker` lent to this thread as the driving task's (and gives it back, even if
/// `f` unwinds).
fn driving<R>(waker: &mut Option<Waker>, f: impl FnOnce() -> R) -> R {
    struct GiveBack<'a> {
        waker: &'a mut Option<Waker>,
        previous: Option<Waker>,
    }
    impl Drop for GiveBack<'_> {
        fn drop(&mut self) {
            let previous = self.previous.take();
            *self.waker = DRIVER.with(|d| d.replace(previous));
        }
    }
    let previous = DRIVER.with(|d| d.replace(waker.take()));
    let _give_back = GiveBack { waker, previous };
    f()
}

/// Runs `f` with no tokio task driving this thread: a [`Dispatcher`](super::Dispatcher) resumes
/// its own tasks so, even inside a tokio task, and their streams wait in its reactor.
pub(crate) fn outside<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Waker>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let waker = self.0.take();
            let _ = DRIVER.try_with(|d| d.set(waker));
        }
    }
    let _restore = Restore(DRIVER.with(Cell::take));
    f()
}

/// Whether a [`Task`] is resuming its coroutine on this thread.
pub(crate) fn is_driving() -> bool {
    DRIVER.with(|d| {
        let waker = d.take();
        let driving = waker.is_some();
        d.set(waker);
        driving
    })
}

/// Tries `op`, a non-blocking system call on `socket` for `direction`, the tokio way when a
/// [`Task`] drives this thread: only while tokio's readiness says the socket may be ready, and
/// until it says it is not (`op` returned `WouldBlock`), in which case the driving task's waker
/// is registered and the result is `Pending`. `registration` is the stream's, made on first use.
///
/// `None` when no tokio task drives this thread: the caller runs `op` itself.
pub(crate) fn attempt<R>(
    registration: &mut Option<Registration>,
    socket: &std::sync::Arc<std::net::TcpStream>,
    direction: Direction,
    op: impl FnMut() -> io::Result<R>,
) -> Option<Poll<io::Result<R>>> {
    let waker = DRIVER.with(Cell::take)?;
    let result = match registration {
        Some(registration) => registration.poll_io(direction, &waker, op),
        None => match Registration::new(socket) {
            Ok(new) => registration.insert(new).poll_io(direction, &waker, op),
            Err(error) => Poll::Ready(Err(error)),
        },
    };
    DRIVER.with(|d| d.set(Some(waker)));
    Some(result)
}
