//! The dispatcher against the alternatives (issue 6): 1,000 downloads of 64 KiB over HTTP/1.0 from
//! a local `tiny_http` server on 127.0.0.1, with our dispatcher (poll mode), its busy mode,
//! sequential blocking `std::net`, a thread per connection, and tokio's current-thread runtime.
//! Prints wall and CPU time (user + system, `getrusage(2)`) of each, then the issue's bars:
//! CPU time ≤ 1.2× tokio current-thread, and busy mode ≥ 20× the CPU time of poll mode while the
//! server is slow (it sleeps between the chunks of each body). Each figure with the fast server
//! is the best (least CPU) of three runs; with the slow one, of one run.
//!
//! Then the two engines (issue 18): 1,000 and 10,000 downloads of 64 KiB with the same task code
//! on the dispatcher (poll) and on the tokio engine (`dispatch::tokio::spawn`) on a
//! current-thread runtime and on a 2-worker multi-threaded one, against native tokio code doing
//! the same work (`tokio::net::TcpStream`, a timeout on each operation as the tasks have), each
//! with nothing more to do per response and with a CPU cost per response (hashing the body
//! `HASH_ROUNDS` times). The bars: the tokio engine's CPU time ≤ 1.2× native tokio's on the same
//! runtime flavour, and with the CPU cost, the 2-worker engine's wall time below the
//! single-threaded dispatcher's.
//!
//! ```text
//! cargo bench --bench dispatch
//! ```
//!
//! The server runs in child processes (this binary again, with `DISPATCH_BENCH_SERVER` set), so
//! the CPU time measured is the client's alone (all its threads: `RUSAGE_SELF`).

use std::io::{self, BufRead, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use resumable::dispatch::{Dispatcher, Mode, Wait};
use resumable::{resumable, yield_from};

#[path = "../examples/shared/cpu_time.rs"]
mod cpu_time;
#[path = "../examples/shared/http.rs"]
mod http;
#[path = "../tests/many_sockets/mod.rs"]
mod many_sockets;
#[path = "../examples/shared/slow_body.rs"]
mod slow_body;

use http::{fetch, parse};
use many_sockets::{raise_open_files_limit, widen_backlog};
use slow_body::SlowBody;

/// Downloads per run.
const DOWNLOADS: usize = 1000;
/// How many times each body is hashed where the client has CPU work per response.
const HASH_ROUNDS: u32 = 8;
/// Bytes per body.
const SIZE: usize = 64 * 1024;
/// The slow server's pause between 16 KiB chunks.
const SLOW_DELAY: Duration = Duration::from_millis(5);
/// How long one operation may wait without progress.
const TIMEOUT: Duration = Duration::from_secs(60);

/// CPU time (user + system) of this process, all threads, so far.
fn cpu_time() -> Duration {
    cpu_time::cpu_time(libc::RUSAGE_SELF).unwrap()
}

/// The request every client sends.
const REQUEST: &[u8] = b"GET /64k HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";

/// The size of a whole response's body, checked against its status and `Content-Length`.
fn body_len(response: &[u8]) -> io::Result<usize> {
    let (_, body) = parse(response, Some(200))?;
    Ok(body.len())
}

#[resumable(yield = Wait)]
fn download(addr: SocketAddr) -> io::Result<usize> {
    let response = yield_from!(fetch(addr, REQUEST, TIMEOUT, SIZE + 1024))?;
    body_len(&response)
}

/// The per-response CPU cost: hashes `bytes` `rounds` times (`SipHash`, `DefaultHasher`).
fn digest(bytes: &[u8], rounds: u32) {
    use std::hash::Hasher;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for _ in 0..rounds {
        hasher.write(bytes);
    }
    std::hint::black_box(hasher.finish());
}

/// One download of the engine comparison, from `addr`, then `rounds` rounds of hashing.
#[resumable(yield = Wait)]
fn download_and_hash(addr: SocketAddr, rounds: u32) -> io::Result<usize> {
    let response = yield_from!(fetch(addr, REQUEST, TIMEOUT, SIZE + 1024))?;
    let len = body_len(&response)?;
    digest(&response, rounds);
    Ok(len)
}

/// `n` downloads (the `i`th from `addrs[i % addrs.len()]`) on the dispatcher.
fn engines_dispatcher(addrs: &[SocketAddr], n: usize, rounds: u32) -> Vec<io::Result<usize>> {
    let mut dispatcher = Dispatcher::new();
    for i in 0..n {
        dispatcher.spawn(download_and_hash(addrs[i % addrs.len()], rounds));
    }
    dispatcher.run().unwrap()
}

/// A tokio runtime: current-thread for `None`, else multi-threaded with that many workers.
fn tokio_runtime(workers: Option<usize>) -> tokio::runtime::Runtime {
    match workers {
        None => tokio::runtime::Builder::new_current_thread(),
        Some(n) => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(n);
            builder
        }
    }
    .enable_all()
    .build()
    .unwrap()
}

/// The same `n` downloads, the same task code, on the tokio engine.
fn engines_tokio_engine(
    addrs: &[SocketAddr],
    n: usize,
    rounds: u32,
    workers: Option<usize>,
) -> Vec<io::Result<usize>> {
    tokio_runtime(workers).block_on(async {
        let tasks: Vec<_> = (0..n)
            .map(|i| {
                let task = download_and_hash(addrs[i % addrs.len()], rounds);
                resumable::dispatch::tokio::spawn(task)
            })
            .collect();
        let mut results = Vec::with_capacity(n);
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    })
}

/// The same work in native tokio code: a timeout on each operation (connect, the write, each
/// read), as the tasks have.
async fn native_download_and_hash(addr: SocketAddr, rounds: u32) -> io::Result<usize> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::time::timeout;
    let timed_out = |_| io::Error::from(io::ErrorKind::TimedOut);
    let mut stream = timeout(TIMEOUT, tokio::net::TcpStream::connect(addr))
        .await
        .map_err(timed_out)??;
    timeout(TIMEOUT, stream.write_all(REQUEST))
        .await
        .map_err(timed_out)??;
    let mut response = Vec::with_capacity(SIZE + 1024);
    while timeout(TIMEOUT, stream.read_buf(&mut response))
        .await
        .map_err(timed_out)??
        != 0
    {}
    let len = body_len(&response)?;
    digest(&response, rounds);
    Ok(len)
}

/// The same `n` downloads in native tokio code.
fn engines_native_tokio(
    addrs: &[SocketAddr],
    n: usize,
    rounds: u32,
    workers: Option<usize>,
) -> Vec<io::Result<usize>> {
    tokio_runtime(workers).block_on(async {
        let tasks: Vec<_> = (0..n)
            .map(|i| tokio::spawn(native_download_and_hash(addrs[i % addrs.len()], rounds)))
            .collect();
        let mut results = Vec::with_capacity(n);
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    })
}

fn run_dispatcher(addr: SocketAddr, mode: Mode) -> Vec<io::Result<usize>> {
    let mut dispatcher = Dispatcher::with_mode(mode);
    for _ in 0..DOWNLOADS {
        dispatcher.spawn(download(addr));
    }
    dispatcher.run().unwrap()
}

fn blocking_download(addr: SocketAddr) -> io::Result<usize> {
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.write_all(REQUEST)?;
    let mut response = Vec::with_capacity(SIZE + 1024);
    stream.read_to_end(&mut response)?;
    body_len(&response)
}

fn run_sequential(addr: SocketAddr) -> Vec<io::Result<usize>> {
    (0..DOWNLOADS).map(|_| blocking_download(addr)).collect()
}

fn run_threads(addr: SocketAddr) -> Vec<io::Result<usize>> {
    let threads: Vec<_> = (0..DOWNLOADS)
        .map(|_| {
            thread::Builder::new()
                .stack_size(64 * 1024)
                .spawn(move || blocking_download(addr))
                .unwrap()
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn run_tokio(addr: SocketAddr) -> Vec<io::Result<usize>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    rt.block_on(async move {
        let tasks: Vec<_> = (0..DOWNLOADS)
            .map(|_| {
                tokio::spawn(async move {
                    let mut stream = tokio::net::TcpStream::connect(addr).await?;
                    stream.write_all(REQUEST).await?;
                    let mut response = Vec::with_capacity(SIZE + 1024);
                    stream.read_to_end(&mut response).await?;
                    body_len(&response)
                })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    })
}

/// Wall and CPU time of the run that took the least CPU time of `runs` runs, after checking
/// every byte count of each (the machine is shared: the best run is the least disturbed one).
fn measure(
    name: &str,
    runs: usize,
    run: impl Fn() -> Vec<io::Result<usize>>,
) -> (Duration, Duration) {
    measure_n(name, runs, DOWNLOADS, run)
}

/// [`measure`] for runs of `n` downloads.
fn measure_n(
    name: &str,
    runs: usize,
    n: usize,
    run: impl Fn() -> Vec<io::Result<usize>>,
) -> (Duration, Duration) {
    let mut best = (Duration::MAX, Duration::MAX);
    for _ in 0..runs {
        let (wall, cpu) = (Instant::now(), cpu_time());
        let results = run();
        let (wall, cpu) = (wall.elapsed(), cpu_time().saturating_sub(cpu));
        assert_eq!(results.len(), n);
        for (i, result) in results.into_iter().enumerate() {
            match result {
                Ok(n) => assert_eq!(n, SIZE, "{name}: download {i}"),
                Err(e) => panic!("{name}: download {i}: {e}"),
            }
        }
        if cpu < best.1 {
            best = (wall, cpu);
        }
    }
    println!(
        "{name:<34} wall {:>9.1} ms   cpu {:>9.1} ms",
        best.0.as_secs_f64() * 1e3,
        best.1.as_secs_f64() * 1e3
    );
    best
}

/// The server process: serves `SIZE`-byte bodies on `ports` ports of 127.0.0.1, prints them,
/// and stops when its standard input closes.
fn serve(delay: Duration, ports: usize) {
    let mut numbers = Vec::new();
    for _ in 0..ports {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        // So that thousands of simultaneous connects are queued rather than dropped and retried.
        widen_backlog(&listener, 4096);
        numbers.push(listener.local_addr().unwrap().port().to_string());
        let server = Arc::new(tiny_http::Server::from_listener(listener, None).unwrap());
        for _ in 0..4 {
            let server = Arc::clone(&server);
            thread::spawn(move || {
                for request in server.incoming_requests() {
                    let _ = request.respond(SlowBody::response(SIZE, delay));
                }
            });
        }
    }
    println!("PORT {}", numbers.join(" "));
    io::stdout().flush().unwrap();
    let _ = io::stdin().read_to_end(&mut Vec::new());
}

/// This binary running [`serve`].
struct Server {
    child: Child,
    addr: SocketAddr,
    addrs: Vec<SocketAddr>,
}

impl Server {
    fn start(delay: Duration) -> Self {
        Self::start_ports(delay, 1)
    }

    /// A server process on `ports` ports (thousands of connects at once overflow one port's
    /// queue of half-open connections, `tcp_max_syn_backlog`).
    fn start_ports(delay: Duration, ports: usize) -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env("DISPATCH_BENCH_SERVER", delay.as_millis().to_string())
            .env("DISPATCH_BENCH_PORTS", ports.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addrs: Vec<SocketAddr> = line
            .trim()
            .strip_prefix("PORT ")
            .unwrap()
            .split_whitespace()
            .map(|port| SocketAddr::from(([127, 0, 0, 1], port.parse().unwrap())))
            .collect();
        Self {
            child,
            addr: addrs[0],
            addrs,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

fn main() {
    // A thousand sockets at once.
    raise_open_files_limit();
    if let Some(ms) = std::env::var_os("DISPATCH_BENCH_SERVER") {
        let ms: u64 = ms.to_str().unwrap().parse().unwrap();
        let ports = std::env::var("DISPATCH_BENCH_PORTS").map_or(1, |p| p.parse().unwrap());
        serve(Duration::from_millis(ms), ports);
        return;
    }
    println!(
        "{DOWNLOADS} downloads of {} KiB from 127.0.0.1",
        SIZE / 1024
    );
    let fast = Server::start(Duration::ZERO);
    let addr = fast.addr;
    measure("(warm-up: dispatcher, poll)", 1, || {
        run_dispatcher(addr, Mode::Poll)
    });
    let (_, poll) = measure("resumable dispatcher (poll)", 3, || {
        run_dispatcher(addr, Mode::Poll)
    });
    measure("resumable dispatcher (busy)", 3, || {
        run_dispatcher(addr, Mode::Busy)
    });
    measure("resumable dispatcher (sequential)", 3, || {
        run_dispatcher(addr, Mode::Sequential)
    });
    measure("std::net, sequential, blocking", 3, || run_sequential(addr));
    measure("std::net, a thread per connection", 3, || run_threads(addr));
    let (_, tokio) = measure("tokio current-thread", 3, || run_tokio(addr));
    drop(fast);

    println!(
        "\nslow server ({} ms between 16 KiB chunks):",
        SLOW_DELAY.as_millis()
    );
    let slow = Server::start(SLOW_DELAY);
    let addr = slow.addr;
    let (_, slow_poll) = measure("resumable dispatcher (poll)", 1, || {
        run_dispatcher(addr, Mode::Poll)
    });
    let (_, slow_busy) = measure("resumable dispatcher (busy)", 1, || {
        run_dispatcher(addr, Mode::Busy)
    });
    let (_, slow_tokio) = measure("tokio current-thread", 1, || run_tokio(addr));
    drop(slow);

    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    let cpu_vs_tokio = ratio(poll, tokio);
    let slow_vs_tokio = ratio(slow_poll, slow_tokio);
    let busy_vs_poll = ratio(slow_busy, slow_poll);
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    println!("\nbars:");
    println!(
        "  CPU, poll / tokio current-thread: {cpu_vs_tokio:.2}x (fast server), {slow_vs_tokio:.2}x (slow server); bar <= 1.2x: {}",
        verdict(cpu_vs_tokio <= 1.2)
    );
    println!(
        "  CPU, busy / poll, slow server: {busy_vs_poll:.1}x; bar >= 20x: {}",
        verdict(busy_vs_poll >= 20.0)
    );

    engines();
}

/// The figures of one row of the engine comparison.
type Figures = (Duration, Duration);

/// The engine comparison for `n` downloads with `rounds` of hashing per response; returns the
/// bars' verdicts (met or not).
fn compare_engines(addrs: &[SocketAddr], n: usize, rounds: u32) -> Vec<(String, bool)> {
    let runs = if n > 1000 { 2 } else { 3 };
    let work = if rounds == 0 {
        "nothing more".to_owned()
    } else {
        format!("hashing each body {rounds} times")
    };
    println!("\n{n} downloads of {} KiB, then {work}:", SIZE / 1024);
    let measure = |name: &str, run: &dyn Fn() -> Vec<io::Result<usize>>| -> Figures {
        measure_n(name, runs, n, run)
    };
    let dispatcher = measure("dispatcher (poll)", &|| {
        engines_dispatcher(addrs, n, rounds)
    });
    let engine_single = measure("tokio engine, current-thread", &|| {
        engines_tokio_engine(addrs, n, rounds, None)
    });
    let engine_two = measure("tokio engine, 2 workers", &|| {
        engines_tokio_engine(addrs, n, rounds, Some(2))
    });
    let native_single = measure("native tokio, current-thread", &|| {
        engines_native_tokio(addrs, n, rounds, None)
    });
    let native_two = measure("native tokio, 2 workers", &|| {
        engines_native_tokio(addrs, n, rounds, Some(2))
    });
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    let mut bars = vec![
        (
            format!(
                "{n}, {work}: CPU, tokio engine / native tokio, current-thread: {:.2}x (<= 1.2x)",
                ratio(engine_single.1, native_single.1)
            ),
            ratio(engine_single.1, native_single.1) <= 1.2,
        ),
        (
            format!(
                "{n}, {work}: CPU, tokio engine / native tokio, 2 workers: {:.2}x (<= 1.2x)",
                ratio(engine_two.1, native_two.1)
            ),
            ratio(engine_two.1, native_two.1) <= 1.2,
        ),
    ];
    if rounds > 0 {
        bars.push((
            format!(
                "{n}, {work}: wall, tokio engine on 2 workers / dispatcher: {:.2}x (< 1x)",
                ratio(engine_two.0, dispatcher.0)
            ),
            engine_two.0 < dispatcher.0,
        ));
    }
    bars
}

/// The engine comparison (issue 18): 1,000 and 10,000 downloads, without and with a CPU cost
/// per response. Two server processes, four ports each: 10,000 connections at once need more
/// descriptors than one process may open (`tiny_http` holds two per connection).
fn engines() {
    let servers = [
        Server::start_ports(Duration::ZERO, 4),
        Server::start_ports(Duration::ZERO, 4),
    ];
    let addrs: Vec<SocketAddr> = servers.iter().flat_map(|s| s.addrs.clone()).collect();
    measure_n("(warm-up: tokio engine, 2 workers)", 1, DOWNLOADS, || {
        engines_tokio_engine(&addrs, DOWNLOADS, 0, Some(2))
    });
    let mut bars = Vec::new();
    for n in [1000, 10_000] {
        for rounds in [0, HASH_ROUNDS] {
            bars.extend(compare_engines(&addrs, n, rounds));
        }
    }
    drop(servers);
    println!("\nbars (two engines):");
    for (bar, met) in bars {
        println!("  {bar}: {}", if met { "met" } else { "NOT met" });
    }
}
