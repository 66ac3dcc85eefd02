//! What thousands of sockets at once need from the system, shared by `tests/dispatch.rs`
//! (`mod many_sockets;`) and `benches/dispatch.rs`
//! (`#[path = "../tests/many_sockets/mod.rs"] mod many_sockets;`).

use std::io;
use std::net::TcpListener;
use std::os::fd::AsRawFd;

/// Raises this process's soft limit of open files to its hard limit; returns the new limit.
pub(crate) fn raise_open_files_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `getrlimit(2)`/`setrlimit(2)` read and write a `rlimit` we own, for the duration of
    // each call only.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut limit), 0);
        limit.rlim_cur = limit.rlim_max;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &raw const limit), 0);
    }
    limit.rlim_cur
}

/// Makes `listener` accept up to `backlog` connections in its queue (std binds with a small
/// one), so that thousands of simultaneous connects are not dropped and retried a second later.
pub(crate) fn widen_backlog(listener: &TcpListener, backlog: i32) {
    // SAFETY: `listen(2)` on a file descriptor that `listener` owns and keeps open for the call;
    // calling it again on a listening socket only changes its backlog.
    let rc = unsafe { libc::listen(listener.as_raw_fd(), backlog) };
    assert_eq!(rc, 0, "listen: {}", io::Error::last_os_error());
}
