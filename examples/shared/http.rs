//! The HTTP/1.0 download client of the seed's `download(host, file)`, shared by
//! `examples/download.rs`, `tests/dispatch.rs` and `benches/dispatch.rs` (each includes this file
//! with `#[path = "…/examples/shared/http.rs"] mod http;`): [`fetch`] sends one request on the
//! dispatcher and reads the whole response, [`parse`] checks it with `httparse`.

use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::time::Duration;

use resumable::dispatch::{TcpStream, Wait};
use resumable::{resumable, yield_from};

/// Connects to `addr`, sends `request` and reads the whole response, until the server closes the
/// connection (HTTP/1.0). Each step (connecting, writing, reading) may wait at most `timeout`
/// without progress. The response is read into a buffer of `capacity` bytes to begin with.
#[resumable(yield = Wait)]
pub(crate) fn fetch<R: AsRef<[u8]>>(
    addr: SocketAddr,
    request: R,
    timeout: Duration,
    capacity: usize,
) -> io::Result<Vec<u8>> {
    let mut stream = yield_from!(TcpStream::connect_timeout(addr, Some(timeout)))?;
    yield_from!(stream.write_all(request.as_ref()))?;
    let mut response = Vec::with_capacity(capacity);
    yield_from!(stream.read_to_end(&mut response))?;
    Ok(response)
}

/// Parses a whole response with `httparse`: its status code (0 if the status line had none) and
/// its body. Errors: the connection closed inside the headers, the head is not HTTP, the status
/// is not `expect_status` (when given; checked before the body), or the body is shorter (or
/// longer) than its `Content-Length`.
pub(crate) fn parse(response: &[u8], expect_status: Option<u16>) -> io::Result<(u16, &[u8])> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Response::new(&mut headers);
    let head = match parsed.parse(response) {
        Ok(httparse::Status::Complete(head)) => head,
        Ok(httparse::Status::Partial) => {
            return Err(io::Error::new(
                ErrorKind::UnexpectedEof,
                "connection closed inside the headers",
            ));
        }
        Err(error) => return Err(io::Error::new(ErrorKind::InvalidData, error)),
    };
    let status = parsed.code.unwrap_or_default();
    if let Some(expected) = expect_status
        && status != expected
    {
        return Err(io::Error::other(format!("HTTP status {status}")));
    }
    let body = &response[head..];
    let length = parsed
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| {
            std::str::from_utf8(h.value)
                .ok()?
                .trim()
                .parse::<usize>()
                .ok()
        });
    if let Some(length) = length
        && body.len() != length
    {
        return Err(io::Error::new(
            ErrorKind::UnexpectedEof,
            format!(
                "connection closed after {} of {length} body bytes",
                body.len()
            ),
        ));
    }
    Ok((status, body))
}
