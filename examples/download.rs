//! Seeds 18–21 of `../shared/reference/lua/`: download several files over HTTP/1.0, one
//! coroutine per download, printing `path<TAB>bytes` (the body's size) as each one finishes, then
//! the wall and CPU time the downloads took (CPU time of the downloading thread only, not of the
//! local server's threads).
//!
//! ```text
//! cargo run --release --example download                     # local server, poll dispatcher
//! cargo run --release --example download -- --busy           # the seed's spinning dispatcher
//! cargo run --release --example download -- --sequential     # one after the other, blocking
//! cargo run --release --example download -- --slow 2 --busy  # a slow server: see busy spin
//! cargo run --release --example download -- HOST PORT PATH... # someone else's server
//! ```
//!
//! With no host, it starts an HTTP server (`tiny_http`) on 127.0.0.1 serving the seed's four
//! paths with files of the seed's sizes (629, 115777, 606 and 229699 bytes) and downloads those.
//! `--slow MS` makes that server sleep MS milliseconds after each 16 KiB it sends, so the
//! downloads wait for data as they would over a real network: that is when the busy dispatcher
//! burns CPU while the poll dispatcher sleeps (the seed's lesson). Responses are parsed with
//! `httparse`; a body shorter than its `Content-Length` is that download's error.
//!
//! The seed counted the bytes of headers and body together (816 for a 629-byte file from
//! Python's server); we print the body's size, which does not depend on the server.

use std::io::{self, ErrorKind, Read};
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use resumable::dispatch::{Dispatcher, Mode, TcpStream, Wait};
use resumable::{resumable, yield_from};

/// The seed's four paths and the sizes of the files served for them locally.
const SEED_FILES: [(&str, usize); 4] = [
    ("/TR/html401/html40.txt", 629),
    ("/TR/2002/REC-xhtml1-20020801/xhtml1.pdf", 115_777),
    ("/TR/REC-html32.html", 606),
    (
        "/TR/2000/REC-DOM-Level-2-Core-20001113/DOM2-Core.txt",
        229_699,
    ),
];

/// How long one read or write may wait for the server without progress.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The seed's `download(host, file)`: sends `GET path HTTP/1.0`, reads the whole response and
/// returns the size of its body.
#[resumable(yield = Wait)]
fn download(addr: SocketAddr, host: String, path: String) -> io::Result<usize> {
    let mut stream = yield_from!(TcpStream::connect_timeout(addr, Some(TIMEOUT)))?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n");
    yield_from!(stream.write_all(request.as_bytes()))?;
    let mut response = Vec::new();
    yield_from!(stream.read_to_end(&mut response))?;
    body_len(&response)
}

/// The size of a whole response's body, checked against its `Content-Length`.
fn body_len(response: &[u8]) -> io::Result<usize> {
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
    if status != 200 {
        return Err(io::Error::other(format!("HTTP status {status}")));
    }
    let body = response.len() - head;
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
    match length {
        Some(length) if length != body => Err(io::Error::new(
            ErrorKind::UnexpectedEof,
            format!("connection closed after {body} of {length} body bytes"),
        )),
        _ => Ok(body),
    }
}

/// A body of `len` bytes that the server sends in 16 KiB chunks, sleeping `delay` before each
/// chunk after the first.
struct SlowBody {
    left: usize,
    delay: Duration,
    sent_any: bool,
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

/// Starts the local server on 127.0.0.1 (its threads end with the process).
fn start_server(delay: Duration) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server =
        Arc::new(tiny_http::Server::from_listener(listener, None).map_err(io::Error::other)?);
    for _ in 0..4 {
        let server = Arc::clone(&server);
        thread::spawn(move || {
            for request in server.incoming_requests() {
                let file = SEED_FILES.iter().find(|(path, _)| *path == request.url());
                let _ = match file {
                    Some(&(_, len)) => request.respond(tiny_http::Response::new(
                        200.into(),
                        Vec::new(),
                        SlowBody {
                            left: len,
                            delay,
                            sent_any: false,
                        },
                        Some(len),
                        None,
                    )),
                    None => request.respond(tiny_http::Response::empty(404)),
                };
            }
        });
    }
    Ok(addr)
}

/// CPU time (user + system) of this thread so far, from `getrusage(2)`: the dispatcher's, not
/// the local server's threads'.
fn cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: `getrusage(2)` fills the `rusage` the pointer points to (writable, of that size);
    // it is read only when the call succeeded.
    let usage = unsafe {
        if libc::getrusage(libc::RUSAGE_THREAD, usage.as_mut_ptr()) != 0 {
            return Duration::ZERO;
        }
        usage.assume_init()
    };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.unsigned_abs())
            + Duration::from_micros(t.tv_usec.unsigned_abs())
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// What the command line asks for.
struct Args {
    mode: Mode,
    delay: Duration,
    /// `None`: the local server.
    host: Option<(String, u16)>,
    paths: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        mode: Mode::Poll,
        delay: Duration::ZERO,
        host: None,
        paths: Vec::new(),
    };
    let mut rest = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--sequential" => args.mode = Mode::Sequential,
            "--busy" => args.mode = Mode::Busy,
            "--poll" => args.mode = Mode::Poll,
            "--slow" => {
                let ms = it.next().and_then(|ms| ms.parse().ok());
                args.delay = Duration::from_millis(ms.ok_or("--slow takes milliseconds")?);
            }
            _ if arg.starts_with("--") => return Err(format!("unknown flag {arg}")),
            _ => rest.push(arg),
        }
    }
    let mut rest = rest.into_iter();
    if let Some(host) = rest.next() {
        let port = rest.next().ok_or("expected: HOST PORT PATH...")?;
        let port = port.parse().map_err(|_| format!("bad port {port}"))?;
        args.host = Some((host, port));
        args.paths = rest.collect();
    } else {
        args.paths = SEED_FILES.iter().map(|(p, _)| (*p).to_owned()).collect();
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("download: {message}");
            eprintln!("usage: download [--sequential | --busy] [--slow MS] [HOST PORT PATH...]");
            return ExitCode::from(2);
        }
    };
    let (host, addr) = match &args.host {
        None => match start_server(args.delay) {
            Ok(addr) => ("127.0.0.1".to_owned(), addr),
            Err(error) => {
                eprintln!("download: cannot start the local server: {error}");
                return ExitCode::FAILURE;
            }
        },
        Some((host, port)) => {
            let resolved = (host.as_str(), *port).to_socket_addrs();
            if let Ok(Some(addr)) = resolved.map(|mut a| a.next()) {
                (host.clone(), addr)
            } else {
                eprintln!("download: cannot resolve {host}");
                return ExitCode::FAILURE;
            }
        }
    };

    let (wall, cpu) = (Instant::now(), cpu_time());
    let mut dispatcher = Dispatcher::with_mode(args.mode);
    for path in &args.paths {
        dispatcher.spawn(download(addr, host.clone(), path.clone()));
    }
    let mut failed = false;
    let outcome = dispatcher.run_with(|id, result| match result {
        Ok(bytes) => println!("{}\t{bytes}", args.paths[id.index()]),
        Err(error) => {
            failed = true;
            println!("{}\terror: {error}", args.paths[id.index()]);
        }
    });
    let (wall, cpu) = (wall.elapsed(), cpu_time().saturating_sub(cpu));
    if let Err(error) = outcome {
        eprintln!("download: the dispatcher failed: {error}");
        return ExitCode::FAILURE;
    }
    let mode = match args.mode {
        Mode::Sequential => "sequential",
        Mode::Busy => "busy",
        _ => "poll",
    };
    println!(
        "{mode}: wall {:.1} ms, cpu {:.1} ms",
        wall.as_secs_f64() * 1e3,
        cpu.as_secs_f64() * 1e3
    );
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
