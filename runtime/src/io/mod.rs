//! I/O: coroutines over sockets and event loops (cargo feature `io`, on by default; Unix).
//!
//! Each module uses only those above it in this list:
//!
//! - `sys`: the few system calls that neither std nor mio offer.
//! - `wait`: [`Wait`](crate::dispatch::Wait), what a task yields when it cannot go on.
//! - `reactor`: this thread's one `mio::Poll`, shared by the dispatcher and the event loop.
//! - `dispatch`: the cooperative dispatcher and its TCP helpers; with cargo feature `tokio`,
//!   `dispatch::tokio`, the same tasks as tokio futures.
//! - `events`: the seed's callback event loop, and coroutines on top of it.

pub mod dispatch;
pub mod events;
pub(crate) mod reactor;
pub(crate) mod sys;
pub(crate) mod wait;
