//! CPU time from `getrusage(2)`, shared by `examples/download.rs`, `tests/dispatch.rs` and
//! `benches/dispatch.rs` (each includes this file with
//! `#[path = "…/examples/shared/cpu_time.rs"] mod cpu_time;`).

use std::io;
use std::time::Duration;

/// CPU time (user + system) so far of `who`: `libc::RUSAGE_THREAD` for the calling thread alone
/// (a dispatcher's, not a local server's threads' nor other tests'), `libc::RUSAGE_SELF` for the
/// whole process.
pub(crate) fn cpu_time(who: libc::c_int) -> io::Result<Duration> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: `getrusage(2)` fills the `rusage` the pointer points to (writable, of that size);
    // it is read only when the call succeeded.
    let usage = unsafe {
        if libc::getrusage(who, usage.as_mut_ptr()) != 0 {
            return Err(io::Error::last_os_error());
        }
        usage.assume_init()
    };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.unsigned_abs())
            + Duration::from_micros(t.tv_usec.unsigned_abs())
    };
    Ok(tv(usage.ru_utime) + tv(usage.ru_stime))
}
