//! Seeds 18–21 of `../shared/reference/lua/`: download several files over HTTP/1.0, one
//! coroutine per download, printing `path<TAB>bytes` (the body's size) as each one finishes, then
//! the wall and CPU time the downloads took (CPU time of the downloading threads only, not of the
//! local server's threads).
//!
//! ```text
//! cargo run --release --example download                     # local server, poll dispatcher
//! cargo run --release --example download -- --busy           # the seed's spinning dispatcher
//! cargo run --release --example download -- --sequential     # one after the other, blocking
//! cargo run --release --example download -- --slow 2 --busy  # a slow server: see busy spin
//! cargo run --release --example download -- --tokio 2        # the same tasks on tokio, 2 workers
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
//! `--tokio N` runs the same download tasks on tokio's multi-threaded runtime with N worker
//! threads instead of the dispatcher (`resumable::dispatch::tokio`, cargo feature `tokio`): the
//! task code does not change, only who drives it.
//!
//! The seed counted the bytes of headers and body together (816 for a 629-byte file from
//! Python's server); we print the body's size, which does not depend on the server.

use std::io;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use resumable::dispatch::{Dispatcher, Mode, Wait};
use resumable::{resumable, yield_from};

#[path = "shared/cpu_time.rs"]
mod cpu_time;
#[path = "shared/http.rs"]
mod http;
#[path = "shared/seed_files.rs"]
mod seed_files;
#[path = "shared/slow_body.rs"]
mod slow_body;

use http::{fetch, parse};
use seed_files::SEED_FILES;
use slow_body::SlowBody;

/// How long one read or write may wait for the server without progress.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The seed's `download(host, file)`: sends `GET path HTTP/1.0`, reads the whole response and
/// returns the size of its body (checked against its `Content-Length`).
#[resumable(yield = Wait)]
fn download(addr: SocketAddr, host: String, path: String) -> io::Result<usize> {
    let request = format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n");
    let response = yield_from!(fetch(addr, request, TIMEOUT, 0))?;
    let (_, body) = parse(&response, Some(200))?;
    Ok(body.len())
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
                    Some(&(_, len)) => request.respond(SlowBody::response(len, delay)),
                    None => request.respond(tiny_http::Response::empty(404)),
                };
            }
        });
    }
    Ok(addr)
}

/// CPU time (user + system) of this thread so far: the dispatcher's, not the local server's
/// threads'. Zero if `getrusage(2)` fails.
fn thread_cpu_time() -> Duration {
    cpu_time::cpu_time(libc::RUSAGE_THREAD).unwrap_or_default()
}

/// What the command line asks for.
struct Args {
    mode: Mode,
    /// `Some(n)`: on tokio's multi-threaded runtime with `n` workers, not the dispatcher.
    tokio: Option<usize>,
    delay: Duration,
    /// `None`: the local server.
    host: Option<(String, u16)>,
    paths: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        mode: Mode::Poll,
        tokio: None,
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
            "--tokio" => {
                let workers = it.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0);
                args.tokio = Some(workers.ok_or("--tokio takes a number of worker threads")?);
            }
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
            eprintln!(
                "usage: download [--sequential | --busy | --tokio WORKERS] [--slow MS] \
                 [HOST PORT PATH...]"
            );
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

    if let Some(workers) = args.tokio {
        return on_tokio(workers, addr, &host, &args.paths);
    }
    let (wall, cpu) = (Instant::now(), thread_cpu_time());
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
    let (wall, cpu) = (wall.elapsed(), thread_cpu_time().saturating_sub(cpu));
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

/// The same downloads on tokio's multi-threaded runtime with `workers` worker threads: each
/// task is the `download` coroutine above, unchanged, as a tokio future
/// (`resumable::dispatch::tokio::Task`). Prints as the dispatcher does; the CPU time is that of
/// the runtime's threads and of this one.
fn on_tokio(workers: usize, addr: SocketAddr, host: &str, paths: &[String]) -> ExitCode {
    use resumable::dispatch::tokio::Task;
    use std::sync::atomic::{AtomicU64, Ordering};
    // Each runtime thread adds its own CPU time when it stops (at the runtime's shutdown).
    let workers_cpu = Arc::new(AtomicU64::new(0));
    let add = Arc::clone(&workers_cpu);
    let (wall, cpu) = (Instant::now(), thread_cpu_time());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .on_thread_stop(move || {
            let nanos = u64::try_from(thread_cpu_time().as_nanos()).unwrap_or(u64::MAX);
            add.fetch_add(nanos, Ordering::Relaxed);
        })
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("download: cannot start tokio: {error}");
            return ExitCode::FAILURE;
        }
    };
    let failed = runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for (i, path) in paths.iter().enumerate() {
            let task = Task::new(download(addr, host.to_owned(), path.clone()));
            tasks.spawn(async move { (i, task.await) });
        }
        let mut failed = false;
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok((i, Ok(bytes))) => println!("{}\t{bytes}", paths[i]),
                Ok((i, Err(error))) => {
                    failed = true;
                    println!("{}\terror: {error}", paths[i]);
                }
                Err(error) => {
                    failed = true;
                    eprintln!("download: a task did not finish: {error}");
                }
            }
        }
        failed
    });
    drop(runtime); // its threads stop and add their CPU time
    let wall = wall.elapsed();
    let cpu = thread_cpu_time().saturating_sub(cpu)
        + Duration::from_nanos(workers_cpu.load(Ordering::Relaxed));
    println!(
        "tokio, {workers} workers: wall {:.1} ms, cpu {:.1} ms",
        wall.as_secs_f64() * 1e3,
        cpu.as_secs_f64() * 1e3
    );
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
