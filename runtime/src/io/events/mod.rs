//! Event loops: the seed's callback library, and straight-line coroutine code on top of it.
//!
//! In event-driven code the event loop owns the main loop, so a simple loop ("read all lines,
//! then write them reversed") shatters into callbacks. The first half of this module is the
//! seed's callback library (`async-lib.lua`), on the same reactor as the
//! [`dispatch`](crate::dispatch)er (one `mio::Poll` per thread):
//!
//! - [`read_line`]`(stream, callback)`, [`write_line`]`(stream, text, callback)`: ask for an
//!   operation; its callback runs from the loop once it is done;
//! - [`stop`]: ask the loop to stop after the operations asked for before;
//! - [`run_loop`]: the loop (Lua's `runloop`).
//!
//! They work on [`Stream`]s: sockets, pipes and terminals (non-blocking, waited for in epoll),
//! and regular files, which epoll cannot watch and whose operations complete at once.
//!
//! The second half puts the loop back together with coroutines: the callback resumes the
//! coroutine that waits for it, so the code reads as if it blocked. [`run`]`(code)` runs a
//! coroutine on the loop (the seed's `run`), inside which [`get_line`] and [`put_line`] look
//! blocking. They are two lines each on top of the generic bridge, [`bridge`], which turns any
//! callback-taking call into a value-returning one inside a coroutine driven by a [`Task`]; its
//! docs bridge a callback library that is not ours.
//!
//! A callback that fires after its coroutine was closed or dropped does nothing, and a
//! coroutine still suspended on a callback when the loop runs out of work is reported
//! ([`Stalled`]).
//!
//! # One reactor
//!
//! The loop waits in the same poll as the dispatcher. While a
//! [`Dispatcher`](crate::dispatch::Dispatcher) runs, the operations asked for here run too, up
//! to the next [`stop`] (which stays for [`run_loop`]): a dispatcher task can talk over a
//! socket to a callback or to a coroutine [`start`]ed on the loop, each blocking in the one
//! `epoll_wait` while it waits for the other. The other way round, the loop takes the
//! dispatcher's [`Wait`](crate::dispatch::Wait)s: [`when`]`(wait, callback)` calls back once a
//! descriptor is ready or a deadline passed (the loop's timers), [`wait`] is its bridge inside a
//! coroutine, and [`from_dispatch`] runs a whole dispatcher task (e.g. one using
//! [`TcpStream`](crate::dispatch::TcpStream)) as a coroutine of the loop.
//!
//! # Hostile input
//!
//! - A line is [`Stream::max_line_len`] bytes long at most ([`DEFAULT_MAX_LINE_LEN`], 64 KiB,
//!   unless set): a peer that never sends a newline gets [`InvalidData`] once
//!   about that much is buffered, and nothing already delivered is lost (the long line stays
//!   buffered; raising the limit returns it).
//! - A [`Stream`] never changes the blocking mode of a descriptor someone else holds: sockets
//!   are read and written with `MSG_DONTWAIT`, pipes and terminals are reopened as an open file
//!   description of their own (Linux). Creating or dropping one stream does not disturb another
//!   over the same socket, nor the caller's own descriptor.
//! - A coroutine closed or dropped while it waits in [`wait`], [`get_line`] or [`put_line`]
//!   takes its operation back (its timer, its place in the reactor, the stream it held, and no
//!   line is read for it later); a started coroutine leaves the loop's list when it finishes or
//!   is closed, so a finished one whose [`Task`] handles are gone is freed whichever loop (this
//!   one or a [`Dispatcher`](crate::dispatch::Dispatcher)) runs it.
//! - A [`when`] or [`wait`] for a descriptor number that is not open calls back with an
//!   `io::Error`, whatever the number.
//!
//! [`InvalidData`]: std::io::ErrorKind::InvalidData
//!
//! # Limits
//!
//! Unix only, and Linux for pipes and terminals that are not already non-blocking (reopening
//! them goes through `/proc/self/fd`; elsewhere [`Stream::new`] returns an error for them). One
//! loop per thread, not `Send`; callbacks and coroutines are `'static`.
//!
//! # Example: seed 34, reversing lines with callbacks
//!
//! ```
//! # if cfg!(miri) { return; } // Miri has no epoll
//! use std::cell::RefCell;
//! use std::io::{Read, Write};
//! use std::rc::Rc;
//! use resumable::events::{Stream, read_line, run_loop, stop, write_line};
//!
//! fn put(out: Stream, lines: Rc<RefCell<Vec<String>>>) {
//!     match lines.borrow_mut().pop() {
//!         None => stop(),
//!         Some(line) => {
//!             let lines = lines.clone();
//!             write_line(&out.clone(), line + "\n", move |r| { r.unwrap(); put(out, lines) });
//!         }
//!     }
//! }
//!
//! fn get(inp: Stream, out: Stream, lines: Rc<RefCell<Vec<String>>>) {
//!     read_line(&inp.clone(), move |line| match line.unwrap() {
//!         Some(line) => {
//!             lines.borrow_mut().push(line);
//!             get(inp, out, lines);
//!         }
//!         None => put(out, lines),
//!     });
//! }
//!
//! let (mut feed, inp) = std::os::unix::net::UnixStream::pair().unwrap();
//! let (out, mut sink) = std::os::unix::net::UnixStream::pair().unwrap();
//! feed.write_all(b"1\n2\n3\n").unwrap();
//! drop(feed);
//! get(Stream::new(inp).unwrap(), Stream::new(out).unwrap(), Rc::default());
//! run_loop().unwrap();
//! let mut text = String::new();
//! sink.read_to_string(&mut text).unwrap();
//! assert_eq!(text, "3\n2\n1\n");
//! ```

mod bridge;
mod event_loop;
mod stream;
mod waits;

pub use bridge::{Resume, Suspend, Task, bridge};
pub use event_loop::{
    Stalled, get_line, put_line, read_line, run, run_loop, start, stop, write_line,
};
pub use stream::{DEFAULT_MAX_LINE_LEN, Stream};
pub use waits::{from_dispatch, wait, when};
