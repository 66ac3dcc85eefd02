//! Timers inside a task: [`sleep`] and [`yield_now`].

use std::time::{Duration, Instant};

use super::Wait;
use crate::delegate::Subroutine;
use crate::lower::{Co, Static, from_parts_starting};

/// The instant `duration` from now, or a century from now if that does not fit in an `Instant`.
pub(super) fn deadline_after(duration: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(duration)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 60 * 60))
}

/// Suspends the task for `duration`, letting the others run: `yield_from!(sleep(d))`. The
/// dispatcher blocks in its poll until the earliest deadline of its tasks when nothing else can
/// run, so a sleeping task costs no CPU time.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use std::time::{Duration, Instant};
/// use resumable::dispatch::{sleep, Dispatcher, Wait};
/// use resumable::{resumable, yield_from};
///
/// #[resumable(yield = Wait)]
/// fn nap(ms: u64) -> std::io::Result<u64> {
///     yield_from!(sleep(Duration::from_millis(ms)));
///     Ok(ms)
/// }
///
/// let start = Instant::now();
/// let mut dispatcher = Dispatcher::new();
/// for ms in [30, 10, 20] {
///     dispatcher.spawn(nap(ms));
/// }
/// let naps: Vec<u64> = dispatcher.run().unwrap().into_iter().map(Result::unwrap).collect();
/// assert_eq!(naps, [30, 10, 20]);
/// let took = start.elapsed();
/// assert!(took >= Duration::from_millis(30) && took < Duration::from_secs(5), "{took:?}");
/// ```
pub fn sleep(duration: Duration) -> impl Subroutine<Yield = Wait, Return = ()> {
    let co = Co::<Wait, (), Static>::new_static();
    from_parts_starting(co.marker(), async move {
        let co = co;
        let deadline = deadline_after(duration);
        while Instant::now() < deadline {
            co.yield_(Wait::until(deadline)).await;
        }
    })
}

/// Lets every other task that can run go first, then goes on: `yield_from!(yield_now())`.
///
/// ```
/// # if cfg!(miri) { return; } // Miri has no epoll
/// use std::cell::RefCell;
/// use resumable::dispatch::{yield_now, Dispatcher, Wait};
/// use resumable::{resumable, yield_from};
///
/// #[resumable(yield = Wait)]
/// fn log<'a>(name: &'static str, out: &'a RefCell<Vec<&'static str>>) -> std::io::Result<()> {
///     out.borrow_mut().push(name);
///     yield_from!(yield_now());
///     out.borrow_mut().push(name);
///     Ok(())
/// }
///
/// let out = RefCell::new(Vec::new());
/// let mut dispatcher = Dispatcher::new();
/// dispatcher.spawn(log("a", &out));
/// dispatcher.spawn(log("b", &out));
/// dispatcher.run().unwrap();
/// assert_eq!(out.into_inner(), ["a", "b", "a", "b"]);
/// ```
pub fn yield_now() -> impl Subroutine<Yield = Wait, Return = ()> {
    let co = Co::<Wait, (), Static>::new_static();
    from_parts_starting(co.marker(), async move {
        let co = co;
        co.yield_(Wait::yield_now()).await;
    })
}
