//! A response body that a local `tiny_http` server sends slowly, shared by `examples/download.rs`
//! and `benches/dispatch.rs` (each includes this file with
//! `#[path = "…/examples/shared/slow_body.rs"] mod slow_body;`): with a delay, the client waits
//! for data as it would over a real network.

use std::io::{self, Read};
use std::thread;
use std::time::Duration;

/// A body of `len` bytes (all `x`) that the server sends in 16 KiB chunks, sleeping `delay`
/// before each chunk after the first.
#[derive(Debug)]
pub(crate) struct SlowBody {
    left: usize,
    delay: Duration,
    sent_any: bool,
}

impl SlowBody {
    /// A `200 OK` response with a body of `len` bytes sent with `delay` between its chunks, and
    /// its `Content-Length`.
    pub(crate) fn response(len: usize, delay: Duration) -> tiny_http::Response<Self> {
        let body = Self {
            left: len,
            delay,
            sent_any: false,
        };
        tiny_http::Response::new(200.into(), Vec::new(), body, Some(len), None)
    }
}

impl Read for SlowBody {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Ok(0);
        }
        if self.sent_any && !self.delay.is_zero() {
            thread::sleep(self.delay);
        }
        self.sent_any = true;
        let n = buf.len().min(self.left).min(16 * 1024);
        buf[..n].fill(b'x');
        self.left -= n;
        Ok(n)
    }
}
