//! The dispatcher's waits on the event loop: [`when`] (callback), [`wait`] (inside a coroutine)
//! and [`from_dispatch`] (a whole dispatcher task as a coroutine of the loop).

use core::pin::pin;
use std::io;
use std::prelude::rust_2024::*;

use super::bridge::{Suspend, suspend_on};
use super::event_loop::{Callback, CancelOnDrop, push_when};
use crate::delegate::Subroutine;
use crate::dispatch::Wait;
use crate::lower::{Co, Static, from_parts_starting};
use crate::state::{Resumable, State};

/// Calls `callback` from the loop once what `wait` waits for may have happened: a socket
/// readable or writable, a deadline passed (whichever comes first), or, for
/// [`Wait::yield_now`], right away in the order of the operations asked for. With `Err` when
/// the descriptor cannot be waited for (e.g. a regular file, which epoll refuses).
///
/// The callback form of [`wait`], on the reactor the loop shares with the
/// [`Dispatcher`](crate::dispatch::Dispatcher): the loop gets timers, and waits on any
/// descriptor. As with the dispatcher, a wake-up is a hint: retry the operation, and wait again
/// if it would still block.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use std::time::{Duration, Instant};
/// use resumable::dispatch::Wait;
/// use resumable::events::{run_loop, when};
///
/// let order = Rc::new(RefCell::new(Vec::new()));
/// let now = Instant::now();
/// for ms in [30, 10, 20] {
///     let order = order.clone();
///     let deadline = now + Duration::from_millis(ms);
///     when(Wait::until(deadline), move |result| {
///         result.unwrap();
///         assert!(Instant::now() >= deadline);
///         order.borrow_mut().push(ms);
///     });
/// }
/// run_loop().unwrap();
/// assert_eq!(*order.borrow(), [10, 20, 30]);
/// ```
pub fn when(wait: Wait, callback: impl FnOnce(io::Result<()>) + 'static) {
    push_when(wait, Callback::Boxed(Box::new(callback)));
}

/// Waits inside a coroutine on the loop for what a dispatcher task would wait for:
/// `yield_from!(wait(Wait::until(deadline)))?` sleeps, `yield_from!(wait(Wait::readable(&s)))?`
/// waits until `s` may be read without blocking. A [`bridge`](super::bridge()) over [`when`].
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use std::time::{Duration, Instant};
/// use resumable::dispatch::Wait;
/// use resumable::events::{run, wait};
/// use resumable::{coroutine, yield_from};
///
/// let started = Instant::now();
/// let slept = run(coroutine!(move |()| -> std::io::Result<Duration> {
///     yield_from!(wait(Wait::until(Instant::now() + Duration::from_millis(20))))?;
///     Ok(started.elapsed())
/// }))
/// .unwrap();
/// assert!(slept >= Duration::from_millis(20));
/// ```
pub fn wait(wait: Wait) -> impl Subroutine<Yield = Suspend, Return = io::Result<()>> + use<> {
    let co = Co::<Suspend, (), Static>::new_static();
    from_parts_starting(co.marker(), async move {
        let co = co;
        suspend_until(&co, wait).await
    })
}

/// The body of [`wait`]: `when(wait, ..)` resuming the coroutine directly (no boxed closure).
/// If the coroutine is closed or dropped while it waits, the wait is taken back.
async fn suspend_until(co: &Co<Suspend, (), Static>, wait: Wait) -> io::Result<()> {
    let mut cancel = CancelOnDrop(None);
    let ticket = &mut cancel.0;
    let result = suspend_on(co, move |resume| {
        *ticket = Some(push_when(wait, Callback::Resume(resume)));
    })
    .await;
    cancel.0 = None;
    result
}

/// A dispatcher task (a coroutine yielding [`Wait`]s, such as a `#[resumable(yield = Wait)]`
/// fn using [`TcpStream`](crate::dispatch::TcpStream)) as a coroutine of the event loop, for
/// [`start`](super::start) or [`run`](super::run): each `Wait` it yields becomes a [`wait`] on
/// the loop. So the same task code runs under a `Dispatcher` or on the loop, next to its
/// callbacks.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use std::time::Duration;
/// use resumable::dispatch::{sleep, Wait};
/// use resumable::events::{from_dispatch, run};
/// use resumable::{resumable, yield_from};
///
/// /// A dispatcher task.
/// #[resumable(yield = Wait)]
/// fn nap(ms: u64) -> std::io::Result<u64> {
///     yield_from!(sleep(Duration::from_millis(ms)));
///     Ok(ms)
/// }
///
/// assert_eq!(run(from_dispatch(nap(5))).unwrap(), 5);
/// ```
pub fn from_dispatch<T, G>(task: G) -> impl Resumable<(), Yield = Suspend, Return = io::Result<T>>
where
    G: Resumable<(), Yield = Wait, Return = io::Result<T>>,
{
    let co = Co::<Suspend, (), Static>::new_static();
    from_parts_starting(co.marker(), async move {
        let co = co;
        let mut task = pin!(task);
        loop {
            match task.as_mut().resume(()) {
                State::Yielded(wait) => suspend_until(&co, wait).await?,
                State::Complete(result) => return result,
            }
        }
    })
}
