//! What the generated cases run on: the trace both versions of a case write to, the values that
//! log their drops, the script that stands in for the resumer in a reference function, and the
//! drivers that run the coroutine version.
//!
//! A run of either version leaves one [`Event`] list: the resume values passed in, the values
//! yielded, every [`Noisy`] dropped, and how it ended (returned, panicked, or stopped after the
//! k-th yield). The two lists must be equal.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use resumable::{Coroutine, Resumable, State};

/// One step of a run, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A resume value went in: the first resume's argument, or the value of a `yield_!`.
    Resume(i64),
    /// A value came out of a `yield_!` (at any delegation depth).
    Yield(i64),
    /// A [`Noisy`] was dropped: its creation site and its value.
    Drop(&'static str, i64),
    /// The body returned.
    Return(Result<i64, i64>),
    /// The body panicked with this message.
    Panic(String),
    /// The run was stopped after the k-th yield: the coroutine was dropped or closed, the
    /// reference unwound with [`Stop`].
    Stopped,
    /// The coroutine could not be closed (`Coroutine::close` returned an error).
    CloseFailed(String),
    /// What was left in `self.base` after a `&mut self` method ran.
    Field(i64),
}

thread_local! {
    static TRACE: RefCell<Vec<Event>> = const { RefCell::new(Vec::new()) };
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Appends `event` to this thread's trace.
pub fn record(event: Event) {
    TRACE.with(|trace| trace.borrow_mut().push(event));
}

/// Takes this thread's trace, leaving it empty.
pub fn take_trace() -> Vec<Event> {
    TRACE.with(RefCell::take)
}

/// A value that logs its drop to the trace.
#[derive(Debug)]
pub struct Noisy {
    id: &'static str,
    value: i64,
}

impl Noisy {
    /// A value made at site `id` (its drop is logged as `Drop(id, value)`).
    pub fn new(id: &'static str, value: i64) -> Self {
        Self { id, value }
    }

    /// The value it was made with.
    pub fn get(&self) -> i64 {
        self.value
    }
}

impl Drop for Noisy {
    fn drop(&mut self) {
        record(Event::Drop(self.id, self.value));
    }
}

/// The payload of the panic with which a reference function unwinds at the yield where the
/// coroutine version is dropped or closed.
#[derive(Debug)]
pub struct Stop;

/// Yields at most this many times in one run, whatever the input says: a generated body always
/// ends, but a bug that loops forever should fail, not hang.
pub const MAX_YIELDS: usize = 100_000;

/// How a run is driven and where it stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drive {
    /// `Box::pin` and `Resumable::resume` until it returns or panics.
    Pinned,
    /// As `Pinned`, but the coroutine is dropped right after its k-th yield.
    DropAfter(usize),
    /// Through the Lua handle `Coroutine`, until it returns or panics.
    Handle,
    /// Through the Lua handle, closed with `Coroutine::close` right after the k-th yield.
    CloseAfter(usize),
    /// Through the Lua handle, whose last clone is dropped right after the k-th yield.
    DropHandleAfter(usize),
}

impl Drive {
    /// After how many yields the run stops.
    pub fn stop(self) -> usize {
        match self {
            Self::Pinned | Self::Handle => MAX_YIELDS,
            Self::DropAfter(k) | Self::CloseAfter(k) | Self::DropHandleAfter(k) => {
                k.min(MAX_YIELDS)
            }
        }
    }
}

/// The resume values: the `i`-th resume after the first passes `script[i % len]` (or `i` when
/// the script is empty).
fn scripted(script: &[i64], i: usize) -> i64 {
    if script.is_empty() {
        i64::try_from(i).unwrap_or(i64::MAX)
    } else {
        script[i % script.len()]
    }
}

/// What a reference function calls where the coroutine has `yield_!(v)`: it records the yield,
/// unwinds with [`Stop`] at the yield where the coroutine version is stopped, and otherwise
/// returns the next resume value of the script.
#[derive(Debug)]
pub struct Script {
    values: Vec<i64>,
    stop: usize,
    yields: Cell<usize>,
}

impl Script {
    /// A script stopping after `stop` yields: the `i`-th resume after the first passes
    /// `values[i % len]` (or `i` when `values` is empty).
    pub fn new(values: &[i64], stop: usize) -> Self {
        Self {
            values: values.to_vec(),
            stop,
            yields: Cell::new(0),
        }
    }

    /// Stands for `yield_!(value)`.
    pub fn yield_(&self, value: i64) -> i64 {
        record(Event::Yield(value));
        let n = self.yields.get() + 1;
        self.yields.set(n);
        if n >= self.stop {
            panic::panic_any(Stop);
        }
        let next = scripted(&self.values, n - 1);
        record(Event::Resume(next));
        next
    }
}

/// The message of a panic payload.
pub fn message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "<not a string>".to_owned())
}

/// Installs (once) a panic hook that prints nothing while a run is under way, so that the many
/// panics the cases cause on purpose do not flood the output; other panics print as usual.
fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                default(info);
            }
        }));
    });
}

/// Runs `f` with the panic hook silenced on this thread.
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    install_quiet_hook();
    let before = QUIET.with(|q| q.replace(true));
    let out = f();
    QUIET.with(|q| q.set(before));
    out
}

/// Runs a reference function (`body` gets the first resume value and the script), recording
/// its trace.
pub fn run_reference(
    first: i64,
    script: &[i64],
    drive: Drive,
    body: impl FnOnce(i64, &Script) -> Result<i64, i64>,
) {
    let script = Script::new(script, drive.stop());
    record(Event::Resume(first));
    let outcome = quietly(|| panic::catch_unwind(AssertUnwindSafe(|| body(first, &script))));
    match outcome {
        Ok(value) => record(Event::Return(value)),
        Err(payload) if payload.is::<Stop>() => record(Event::Stopped),
        Err(payload) => record(Event::Panic(message(&*payload))),
    }
}

/// Runs the coroutine version of a case as `drive` says, recording its trace.
pub fn run_coroutine<'a, C>(co: C, first: i64, script: &[i64], drive: Drive)
where
    C: Resumable<i64, Yield = i64, Return = Result<i64, i64>> + 'a,
{
    quietly(|| match drive {
        Drive::Pinned | Drive::DropAfter(_) => drive_pinned(co, first, script, drive.stop()),
        Drive::Handle | Drive::CloseAfter(_) | Drive::DropHandleAfter(_) => {
            drive_handle(Coroutine::new(co), first, script, drive);
        }
    });
}

/// Resumes a boxed, pinned coroutine; drops it after `stop` yields.
fn drive_pinned<C>(co: C, first: i64, script: &[i64], stop: usize)
where
    C: Resumable<i64, Yield = i64, Return = Result<i64, i64>>,
{
    let mut co = Box::pin(co);
    let mut arg = first;
    let mut yields = 0;
    loop {
        record(Event::Resume(arg));
        match panic::catch_unwind(AssertUnwindSafe(|| co.as_mut().resume(arg))) {
            Ok(State::Yielded(value)) => {
                record(Event::Yield(value));
                yields += 1;
                if yields >= stop {
                    drop(co);
                    record(Event::Stopped);
                    return;
                }
                arg = scripted(script, yields - 1);
            }
            Ok(State::Complete(value)) => {
                record(Event::Return(value));
                return;
            }
            Err(payload) => {
                // Recorded before the coroutine is dropped: every local of every body the panic
                // came through must have been dropped while it unwound, as the reference's are
                // (tests/difftest_regressions.rs has the case that found this was not so).
                record(Event::Panic(message(&*payload)));
                drop(co);
                return;
            }
        }
    }
}

/// Resumes a coroutine through the Lua handle; closes or drops it after the k-th yield.
fn drive_handle(
    co: Coroutine<'_, i64, i64, Result<i64, i64>>,
    first: i64,
    script: &[i64],
    drive: Drive,
) {
    let stop = drive.stop();
    let mut arg = first;
    let mut yields = 0;
    loop {
        record(Event::Resume(arg));
        match co.resume(arg) {
            Ok(State::Yielded(value)) => {
                record(Event::Yield(value));
                yields += 1;
                if yields >= stop {
                    if let Drive::CloseAfter(_) = drive
                        && let Err(err) = co.close()
                    {
                        record(Event::CloseFailed(err.to_string()));
                    }
                    drop(co);
                    record(Event::Stopped);
                    return;
                }
                arg = scripted(script, yields - 1);
            }
            Ok(State::Complete(value)) => {
                record(Event::Return(value));
                return;
            }
            Err(err) => {
                let text = err
                    .panic()
                    .map_or_else(|| err.to_string(), |p| p.message().to_owned());
                record(Event::Panic(text));
                return;
            }
        }
    }
}

/// A plain function for generated code to call (with `yield_!` in its arguments).
pub fn mix(a: i64, b: i64) -> i64 {
    a.wrapping_mul(3).wrapping_add(b)
}

/// A plain generic function for generated code to call.
pub fn pick<T: Copy + Into<i64>>(flag: bool, a: T, b: i64) -> i64 {
    if flag { a.into() } else { b }
}

/// What `?` is applied to in generated code: fails for some values.
///
/// # Errors
///
/// `Err(x)` when `x` is 3 modulo 7.
pub fn checked(x: i64) -> Result<i64, i64> {
    if x.rem_euclid(7) == 3 { Err(x) } else { Ok(x) }
}

/// The length of `text`, as an `i64`.
pub fn len(text: &str) -> i64 {
    i64::try_from(text.len()).unwrap_or(i64::MAX)
}

/// `data[i]`, wrapping `i` round the slice's length (0 for an empty slice).
pub fn at(data: &[i64], i: i64) -> i64 {
    if data.is_empty() {
        return 0;
    }
    let len = i64::try_from(data.len()).unwrap_or(i64::MAX);
    data[usize::try_from(i.rem_euclid(len)).unwrap_or(0)]
}
