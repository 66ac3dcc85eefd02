//! The cooperative dispatcher: many coroutines (tasks) over non-blocking sockets on one thread.
//!
//! The seed's "non-preemptive multithreading". Each task is a coroutine that yields a [`Wait`]
//! (readable or writable on a socket, a deadline, or both) whenever it would block. The
//! [`Dispatcher`] resumes the tasks that can run; when none can, it registers what they wait
//! for with `mio::Poll` (epoll on Linux, the seed's `socket.select`) and blocks there until a
//! socket is ready or the earliest deadline passes. It never spins.
//!
//! Inside a task, the helpers look blocking: [`TcpStream::connect`], [`TcpStream::read`],
//! [`TcpStream::read_to_end`], [`TcpStream::read_exact`], [`TcpStream::write_all`], [`sleep`]
//! and [`yield_now`] are `#[resumable]`-style subroutines that a task runs with `yield_from!`;
//! each yields on the task's behalf until its operation can go on. `WouldBlock` never reaches
//! the task. Every operation of a stream can have a timeout ([`TcpStream::set_timeout`]).
//!
//! Faults stay local: a refused connection, a reset, a peer that closes early, a stalled peer
//! past its timeout, a panic, or a [`Wait`] for a descriptor number that is not open (any
//! number, `-1` and `i32::MAX` included) ends only the task it happens in, as that task's
//! `io::Error`; the other tasks go on. Nothing a task or a peer does makes the dispatcher hold
//! more memory than what is waited for now: see *Hostile input* below.
//!
//! # How it works
//!
//! Each task is a [`Coroutine`](crate::Coroutine) handle (one allocation; a panic in the body
//! comes back as an error). The dispatcher keeps a queue of tasks that can run and leaves the
//! waiting to this thread's reactor: one `mio::Poll`, a heap of deadlines and a list of
//! waiters per file descriptor, shared with the event loop of [`events`](crate::events). A
//! socket is registered with the poll once, edge-triggered for both directions, under its
//! descriptor; a task that waits for it again costs no system call beyond the `epoll_wait`
//! that wakes it. The dispatcher runs its tasks in rounds; between rounds, and whenever every
//! task waits, the event loop's pending operations run too, and when nothing can run it blocks
//! in `epoll_wait` until the earliest deadline. So dispatcher tasks and event-loop callbacks or
//! coroutines can talk to each other on one thread. A wake-up is a hint: the helpers retry
//! their system call and wait again if it would still block.
//!
//! # Two engines
//!
//! A task is engine-neutral: it only yields [`Wait`]s. The [`Dispatcher`] is the default engine:
//! one thread, no runtime to set up, its own reactor. With cargo feature `tokio`, the module
//! `dispatch::tokio` runs the same tasks, unchanged, as tokio futures (`Task`, `spawn`,
//! `spawn_local`): on tokio's own readiness (an `AsyncFd` per stream, kept for the stream's life)
//! and timers, on a current-thread runtime or, for `Send` tasks, on the multi-threaded one, where
//! a task may be resumed on a different worker thread after each wait. [`TcpStream`] is `Send`
//! and `Sync`, and so are the subroutines of its operations, so a task holding one is `Send`
//! whenever the rest of what it holds across its waits is. The engine is chosen by whoever drives
//! the task: a [`TcpStream`] operation waits on tokio's readiness when a tokio task is resuming
//! it, and in the dispatcher's reactor otherwise (a dispatcher run inside a tokio task included).
//!
//! # Hostile input
//!
//! - The reactor's per-descriptor table has an entry for each descriptor the poll accepted,
//!   whatever its number; a number that is not an open descriptor is refused before it costs
//!   anything.
//! - A wait taken back is taken back whole: a task woken by its socket leaves no timer behind,
//!   one woken by its deadline leaves no waiter on its socket, so a long run with long timeouts
//!   holds only the current waits.
//! - [`TcpStream`] reads and writes with `MSG_DONTWAIT`, one call at a time, and never changes
//!   the blocking mode of the socket's open file description, which other descriptors of the
//!   socket (a clone the caller kept) share.
//!
//! `tests/dispatch.rs` has a regression test for each, and a soak: 20,000 connections
//! (`RESUMABLE_SOAK_SCALE` times more for longer soaks) mixing good peers with every fault, with
//! exact bytes and errors, and the dispatcher thread's heap and the process's RSS flat.
//!
//! `benches/dispatch.rs` (1,000 downloads of 64 KiB from a local server) measures the poll mode
//! at about the CPU time of tokio's current-thread runtime, and the busy mode at more than 20
//! times the poll mode's CPU time when the server is slow; it also measures the tokio engine at
//! 1.03–1.14 times the CPU time of native tokio code doing the same work (1,000 and 10,000
//! downloads, current-thread and two workers).
//!
//! # Limits
//!
//! Unix only (tasks name sockets by file descriptor). One thread: the dispatcher is not `Send`,
//! nor are the tasks it runs required to be (for many threads, run `Send` tasks on tokio's
//! multi-threaded runtime with feature `tokio`). Tasks are spawned before [`Dispatcher::run`],
//! not from inside other tasks.
//!
//! # Example
//!
//! ```
//! # if cfg!(miri) { return; } // Miri has no epoll or sockets
//! use std::io::{Read, Write};
//! use std::time::Duration;
//! use resumable::dispatch::{sleep, Dispatcher, TcpStream, Wait};
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
//! /// One task: connect, read everything, return the byte count.
//! #[resumable(yield = Wait)]
//! fn fetch(addr: std::net::SocketAddr) -> std::io::Result<usize> {
//!     let mut stream = yield_from!(TcpStream::connect(addr))?;
//!     stream.set_timeout(Some(Duration::from_secs(10)));
//!     let mut body = Vec::new();
//!     yield_from!(stream.read_to_end(&mut body))
//! }
//!
//! /// Another: just sleeps.
//! #[resumable(yield = Wait)]
//! fn nap() -> std::io::Result<usize> {
//!     yield_from!(sleep(Duration::from_millis(5)));
//!     Ok(0)
//! }
//!
//! let mut dispatcher = Dispatcher::new();
//! dispatcher.spawn(fetch(addr));
//! dispatcher.spawn(nap());
//! dispatcher.spawn(fetch(addr));
//! let results = dispatcher.run().unwrap();
//! let counts: Vec<usize> = results.into_iter().map(Result::unwrap).collect();
//! assert_eq!(counts, [5, 0, 5]);
//! ```

mod dispatcher;
mod tcp;
mod time;
#[cfg(feature = "tokio")]
pub mod tokio;

pub(crate) use super::wait::Direction;
pub use super::wait::Wait;
pub use dispatcher::{Dispatcher, Mode, TaskId};
pub use tcp::TcpStream;
pub use time::{sleep, yield_now};
