//! What a coroutine is doing, in Lua's four words.

use core::fmt;

/// The status of a coroutine, with exactly the meaning of Lua's `coroutine.status`.
///
/// | status | when |
/// |---|---|
/// | [`Suspended`](Status::Suspended) | not started yet, or stopped at a `yield_!` |
/// | [`Running`](Status::Running) | asked from inside its own body (it is the innermost running coroutine), or from a `Drop` its [`close`](crate::Coroutine::close) runs |
/// | [`Normal`](Status::Normal) | active but not innermost: it resumed (or closed) another coroutine that has not finished yet |
/// | [`Dead`](Status::Dead) | returned, panicked, or was closed (or every handle to it was dropped) |
///
/// `Display` prints Lua's lowercase word (`suspended`, `running`, `normal`, `dead`).
///
/// ```
/// use resumable::{coroutine, yield_, Coroutine, Status};
///
/// let co = Coroutine::new(coroutine!(|()| {
///     yield_!();
/// }));
/// assert_eq!(co.status(), Status::Suspended);
/// co.resume(()).unwrap();
/// assert_eq!(co.status(), Status::Suspended);
/// co.resume(()).unwrap();
/// assert_eq!(co.status(), Status::Dead);
/// assert_eq!(co.status().to_string(), "dead");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Not started yet, or stopped at a `yield_!`: the only status in which `resume` runs it.
    Suspended,
    /// Running its own body, or the `Drop`s its [`close`](crate::Coroutine::close) runs: the
    /// innermost active coroutine of this thread.
    Running,
    /// Active, but it resumed (or closed) another coroutine which is still running.
    Normal,
    /// Finished: it returned, panicked or was closed. It can never run again.
    Dead,
}

impl Status {
    /// Lua's name for the status: `"suspended"`, `"running"`, `"normal"` or `"dead"`.
    ///
    /// ```
    /// assert_eq!(resumable::Status::Normal.as_str(), "normal");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Suspended => "suspended",
            Self::Running => "running",
            Self::Normal => "normal",
            Self::Dead => "dead",
        }
    }

    /// Whether a `resume` would run the coroutine (it is [`Status::Suspended`]).
    ///
    /// ```
    /// assert!(resumable::Status::Suspended.is_resumable());
    /// assert!(!resumable::Status::Dead.is_resumable());
    /// ```
    pub const fn is_resumable(self) -> bool {
        matches!(self, Self::Suspended)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}
