//! The cooperative dispatcher (issue 6): downloads over HTTP/1.0 from local servers on 127.0.0.1
//! with exact byte counts in every mode, faults (refused, reset, closed early, stalled, panic)
//! that end only their own task, timers, and 10,000 connections at once in one dispatcher.
//! Issue 12: hostile input (bad descriptors, duplicated sockets, stale timers) ends one task with
//! an `io::Error` and nothing else, and a soak test mixes every fault over thousands of
//! connections with the heap and RSS kept flat.
//! Issue 18: the same task code on the tokio engine (`dispatch::tokio`): the fault tests and the
//! 10,000 connections run on every engine from one body each, through [`run_on`].

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use resumable::dispatch::{Dispatcher, Mode, TcpStream, Wait, sleep};
use resumable::{BoxResumable, Resumable, resumable, yield_from};

#[path = "../examples/shared/cpu_time.rs"]
mod cpu_time;
#[path = "many_sockets/heap.rs"]
mod heap;
#[path = "../examples/shared/http.rs"]
mod http;
mod many_sockets;
#[path = "../examples/shared/seed_files.rs"]
mod seed_files;

use http::{fetch, parse};
use many_sockets::{raise_open_files_limit, widen_backlog};
use seed_files::SEED_FILES;

#[global_allocator]
static HEAP: heap::Counting = heap::Counting;

/// Generous for a loaded 2-core machine; the stall test uses its own short timeout.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Where a test runs its tasks: the dispatcher, or the tokio engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Engine {
    /// A [`Dispatcher`] in this mode.
    Dispatcher(Mode),
    /// tokio's current-thread runtime, the tasks on a `LocalSet` (`dispatch::tokio::spawn_local`).
    TokioCurrentThread,
    /// tokio's multi-threaded runtime with two workers (`dispatch::tokio::spawn`): a task may
    /// be resumed on either worker after each wait.
    TokioMultiThread,
}

/// Every engine: the dispatcher's three modes and both tokio flavours.
const ENGINES: [Engine; 5] = [
    Engine::Dispatcher(Mode::Poll),
    Engine::Dispatcher(Mode::Busy),
    Engine::Dispatcher(Mode::Sequential),
    Engine::TokioCurrentThread,
    Engine::TokioMultiThread,
];

/// A task any engine can run: `Send`, so that the multi-threaded runtime can take it.
type AnyTask<T> = BoxResumable<'static, (), Wait, io::Result<T>>;

/// `task`, boxed for [`run_on`].
fn task<T, G>(task: G) -> AnyTask<T>
where
    G: Resumable<(), Yield = Wait, Return = io::Result<T>> + Send + 'static,
{
    BoxResumable::new(task)
}

/// Runs `tasks` on `engine` to their ends; their results in the order of `tasks`.
fn run_on<T: Send + 'static>(engine: Engine, tasks: Vec<AnyTask<T>>) -> Vec<io::Result<T>> {
    use resumable::dispatch::tokio::{spawn, spawn_local};
    match engine {
        Engine::Dispatcher(mode) => {
            let mut dispatcher = Dispatcher::with_mode(mode);
            for task in tasks {
                dispatcher.spawn(task);
            }
            dispatcher.run().unwrap()
        }
        Engine::TokioCurrentThread => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let local = tokio::task::LocalSet::new();
            local.block_on(&runtime, async {
                let handles: Vec<_> = tasks.into_iter().map(spawn_local).collect();
                let mut results = Vec::new();
                for handle in handles {
                    results.push(handle.await.unwrap());
                }
                results
            })
        }
        Engine::TokioMultiThread => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let handles: Vec<_> = tasks.into_iter().map(spawn).collect();
                let mut results = Vec::new();
                for handle in handles {
                    results.push(handle.await.unwrap());
                }
                results
            })
        }
    }
}

/// The body served for a file of `len` bytes: a repeating pattern, so a byte out of place shows.
fn body_of(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| b"0123456789abcdefghijklmnopqrstuvwxyz\n"[i % 37])
        .collect()
}

/// Local HTTP servers (`tiny_http`), each on its own port of 127.0.0.1, serving a body of `len`
/// bytes for a path ending in `/LEN` or for a seed path; `workers` threads answer each server's
/// requests. They stop when the handle is dropped (the test's end).
struct HttpServer {
    servers: Vec<Arc<tiny_http::Server>>,
    workers: Vec<thread::JoinHandle<()>>,
}

impl HttpServer {
    fn start(workers: usize) -> Self {
        Self::start_many(1, workers)
    }

    /// `ports` servers. Thousands of simultaneous connects to one port overflow its queue of
    /// half-open connections (`tcp_max_syn_backlog`), so the big test spreads them.
    fn start_many(ports: usize, workers: usize) -> Self {
        let mut servers = Vec::new();
        let mut handles = Vec::new();
        for _ in 0..ports {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            widen_backlog(&listener, 4096);
            let server = Arc::new(tiny_http::Server::from_listener(listener, None).unwrap());
            for _ in 0..workers {
                let server = Arc::clone(&server);
                handles.push(thread::spawn(move || serve(&server)));
            }
            servers.push(server);
        }
        Self {
            servers,
            workers: handles,
        }
    }

    fn addr(&self) -> SocketAddr {
        self.nth_addr(0)
    }

    fn nth_addr(&self, i: usize) -> SocketAddr {
        self.servers[i % self.servers.len()]
            .server_addr()
            .to_ip()
            .unwrap()
    }
}

/// Answers `server`'s requests until it is unblocked.
fn serve(server: &tiny_http::Server) {
    for request in server.incoming_requests() {
        let len = SEED_FILES
            .iter()
            .find(|(path, _)| *path == request.url())
            .map(|&(_, len)| len)
            .or_else(|| request.url().rsplit('/').next()?.parse().ok());
        let _ = match len {
            Some(len) => request.respond(tiny_http::Response::from_data(body_of(len))),
            None => request.respond(tiny_http::Response::empty(404)),
        };
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        for server in &self.servers {
            for _ in 0..self.workers.len() {
                server.unblock();
            }
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

/// What one download got.
#[derive(Debug, PartialEq, Eq)]
struct Got {
    status: u16,
    body: Vec<u8>,
}

/// Downloads `path` from `addr` over HTTP/1.0 (the seed's `download`), checking the body against
/// `Content-Length`.
#[resumable(yield = Wait)]
fn download(addr: SocketAddr, path: String, timeout: Duration) -> io::Result<Got> {
    let request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    let response = yield_from!(fetch(addr, request, timeout, 0))?;
    let (status, body) = parse(&response, None)?;
    Ok(Got {
        status,
        body: body.to_vec(),
    })
}

/// Downloads the seed's four files on `engine` and checks every byte.
fn seed_downloads_on(engine: Engine) {
    let server = HttpServer::start(4);
    let tasks = SEED_FILES
        .iter()
        .map(|(path, _)| task(download(server.addr(), (*path).to_owned(), TIMEOUT)))
        .collect();
    let results = run_on(engine, tasks);
    for ((path, len), result) in SEED_FILES.iter().zip(results) {
        let got = result.unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(got.status, 200, "{path}");
        assert_eq!(got.body.len(), *len, "{path}");
        assert!(got.body == body_of(*len), "{path}: body differs");
    }
}

#[test]
fn seed_downloads_poll_exact_bytes() {
    seed_downloads_on(Engine::Dispatcher(Mode::Poll));
}

#[test]
fn seed_downloads_sequential_exact_bytes() {
    seed_downloads_on(Engine::Dispatcher(Mode::Sequential));
}

#[test]
fn seed_downloads_busy_exact_bytes() {
    seed_downloads_on(Engine::Dispatcher(Mode::Busy));
}

#[test]
fn seed_downloads_tokio_current_thread_exact_bytes() {
    seed_downloads_on(Engine::TokioCurrentThread);
}

#[test]
fn seed_downloads_tokio_multi_thread_exact_bytes() {
    seed_downloads_on(Engine::TokioMultiThread);
}

/// How a fault server treats each connection.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Sends the headers and part of the body, then resets the connection (RST).
    Reset,
    /// Promises 10,000 bytes, sends 100, closes normally.
    CloseEarly,
    /// Sends the headers and part of the body, then sends nothing more and keeps the connection
    /// open until the test tells it to stop.
    Stall,
}

/// A raw server on 127.0.0.1 that commits `fault` on each of `connections` connections. The
/// thread ends after that, or (stalling) when `stop` is dropped.
fn fault_server(
    fault: Fault,
    connections: usize,
) -> (SocketAddr, mpsc::Sender<()>, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = mpsc::channel::<()>();
    let handle = thread::spawn(move || {
        let mut held = Vec::new();
        for _ in 0..connections {
            let (mut peer, _) = listener.accept().unwrap();
            let mut request = [0; 1024];
            let _ = peer.read(&mut request);
            let _ = peer.write_all(b"HTTP/1.0 200 OK\r\nContent-Length: 10000\r\n\r\n");
            let _ = peer.write_all(&[b'x'; 100]);
            match fault {
                Fault::Reset => {
                    reset_on_close(&peer);
                    // Let the client wait in its read first, so the reset comes mid-body.
                    thread::sleep(Duration::from_millis(20));
                    drop(peer);
                }
                Fault::CloseEarly => drop(peer),
                Fault::Stall => held.push(peer),
            }
        }
        // Bounded: the test drops `stop` when it is done, or after a minute at most.
        let _ = stopped.recv_timeout(Duration::from_secs(60));
    });
    (addr, stop, handle)
}

/// A port on 127.0.0.1 that nobody listens on.
fn refusing_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

#[resumable(yield = Wait)]
fn panicking_task() -> io::Result<Got> {
    yield_from!(sleep(Duration::from_millis(1)));
    panic!("task panicked on purpose");
}

/// Every fault at once next to good downloads: each fault ends only its task, with an error that
/// names what happened, and the good downloads get every byte.
fn faults_stay_local_on(engine: Engine) {
    let server = HttpServer::start(4);
    let (reset, stop_reset, reset_thread) = fault_server(Fault::Reset, 1);
    let (early, stop_early, early_thread) = fault_server(Fault::CloseEarly, 1);
    let (stall, stop_stall, stall_thread) = fault_server(Fault::Stall, 1);
    let refused = refusing_addr();
    let stall_timeout = Duration::from_millis(300);

    let mut tasks = Vec::new();
    let mut spawn = |t: AnyTask<Got>| {
        tasks.push(t);
        tasks.len() - 1
    };
    let good = |i: usize| {
        let (path, _) = SEED_FILES[i];
        task(download(server.addr(), path.to_owned(), TIMEOUT))
    };
    let g0 = spawn(good(0));
    let refused_id = spawn(task(download(refused, "/x".into(), TIMEOUT)));
    let g1 = spawn(good(1));
    let reset_id = spawn(task(download(reset, "/x".into(), TIMEOUT)));
    let g2 = spawn(good(2));
    let early_id = spawn(task(download(early, "/x".into(), TIMEOUT)));
    let stall_id = spawn(task(download(stall, "/x".into(), stall_timeout)));
    let panic_id = spawn(task(panicking_task()));
    let g3 = spawn(good(3));
    let started = Instant::now();
    let results = run_on(engine, tasks);
    let took = started.elapsed();

    for (id, (path, len)) in [g0, g1, g2, g3].into_iter().zip(SEED_FILES) {
        let got = results[id]
            .as_ref()
            .unwrap_or_else(|e| panic!("{engine:?}, {path}: {e}"));
        assert_eq!(got.body.len(), len, "{engine:?}, {path}");
        assert!(got.body == body_of(len), "{engine:?}, {path}: body differs");
    }
    let err = |id: usize| results[id].as_ref().unwrap_err();

    let refused_err = err(refused_id);
    assert_eq!(
        refused_err.kind(),
        ErrorKind::ConnectionRefused,
        "{refused_err}"
    );
    assert!(
        refused_err
            .to_string()
            .starts_with(&format!("connect to {refused}: ")),
        "{refused_err}"
    );

    let reset_err = err(reset_id);
    assert_eq!(reset_err.kind(), ErrorKind::ConnectionReset, "{reset_err}");
    assert!(
        reset_err
            .to_string()
            .starts_with(&format!("read from {reset}: ")),
        "{reset_err}"
    );

    let early_err = err(early_id);
    assert_eq!(early_err.kind(), ErrorKind::UnexpectedEof, "{early_err}");
    assert_eq!(
        early_err.to_string(),
        "connection closed after 100 of 10000 body bytes"
    );

    let stall_err = err(stall_id);
    assert_eq!(stall_err.kind(), ErrorKind::TimedOut, "{stall_err}");
    assert_eq!(
        stall_err.to_string(),
        format!("read from {stall}: timed out after 300ms without progress")
    );
    assert!(took >= stall_timeout, "the stall was cut short: {took:?}");
    assert!(took < Duration::from_secs(20), "{took:?}");

    let panic_err = err(panic_id);
    assert_eq!(panic_err.to_string(), "task panicked on purpose");
    let panic = panic_err
        .get_ref()
        .unwrap()
        .downcast_ref::<resumable::ResumeError>();
    assert_eq!(
        panic.and_then(|p| p.panic()).map(resumable::Panic::message),
        Some("task panicked on purpose"),
        "{engine:?}"
    );

    drop((stop_reset, stop_early, stop_stall));
    for handle in [reset_thread, early_thread, stall_thread] {
        handle.join().unwrap();
    }
}

#[test]
fn faults_stay_local_poll() {
    faults_stay_local_on(Engine::Dispatcher(Mode::Poll));
}

#[test]
fn faults_stay_local_busy() {
    faults_stay_local_on(Engine::Dispatcher(Mode::Busy));
}

#[test]
fn faults_stay_local_sequential() {
    faults_stay_local_on(Engine::Dispatcher(Mode::Sequential));
}

#[test]
fn faults_stay_local_tokio_current_thread() {
    faults_stay_local_on(Engine::TokioCurrentThread);
}

#[test]
fn faults_stay_local_tokio_multi_thread() {
    faults_stay_local_on(Engine::TokioMultiThread);
}

#[test]
fn connect_timeout_ends_the_task() {
    // A listener whose backlog is full and that never accepts: a connect to it gets no answer
    // (the kernel drops the SYN), so only the timeout can end it. Fill the backlog first.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    widen_backlog(&listener, 0);
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        if let Ok(s) = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
            fillers.push(s);
        }
    }
    #[resumable(yield = Wait)]
    fn connect_only(addr: SocketAddr) -> io::Result<()> {
        yield_from!(TcpStream::connect_timeout(
            addr,
            Some(Duration::from_millis(200))
        ))?;
        Ok(())
    }
    for engine in ENGINES {
        let started = Instant::now();
        let result = run_on(engine, vec![task(connect_only(addr))])
            .pop()
            .unwrap();
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TimedOut, "{engine:?}: {err}");
        assert_eq!(
            err.to_string(),
            format!("connect to {addr}: timed out after 200ms without progress"),
            "{engine:?}"
        );
        assert!(
            started.elapsed() >= Duration::from_millis(200),
            "{engine:?}"
        );
    }
}

/// CPU time (user + system) of the calling thread so far: the dispatcher's, whatever the tests
/// running in parallel in this process do.
fn cpu_time() -> Duration {
    cpu_time::cpu_time(libc::RUSAGE_THREAD).unwrap()
}

#[test]
fn sleeping_tasks_cost_no_cpu() {
    #[resumable(yield = Wait)]
    fn nap(ms: u64) -> io::Result<u64> {
        yield_from!(sleep(Duration::from_millis(ms)));
        Ok(ms)
    }
    let mut dispatcher = Dispatcher::new();
    for i in 0..100 {
        dispatcher.spawn(nap(200 + i));
    }
    let (wall, cpu) = (Instant::now(), cpu_time());
    let results = dispatcher.run().unwrap();
    let (wall, cpu) = (wall.elapsed(), cpu_time().saturating_sub(cpu));
    assert!(results.iter().all(Result::is_ok));
    assert!(wall >= Duration::from_millis(299), "{wall:?}");
    // A busy loop would use about the whole wall time.
    assert!(
        cpu < wall / 2 + Duration::from_millis(100),
        "cpu {cpu:?} for wall {wall:?}"
    );
}

/// The server of [`ten_thousand_connections`], in a process of its own: this test binary run
/// again (by that test) with `DISPATCH_SERVER_PROCESS` set. Both ends of 10,000 connections in
/// one process would need 30,000 descriptors (`tiny_http` holds two per connection), more than
/// the usual hard limit; the test starts two of these, each serving half of the connections.
/// Prints the ports it serves on, then serves until its standard input closes (or for two
/// minutes at most).
#[test]
#[ignore = "the server process of ten_thousand_connections, which starts it"]
fn http_server_process() {
    if std::env::var_os("DISPATCH_SERVER_PROCESS").is_none() {
        return;
    }
    raise_open_files_limit();
    let server = HttpServer::start_many(4, 1);
    let ports: Vec<String> = (0..4)
        .map(|i| server.nth_addr(i).port().to_string())
        .collect();
    println!("PORTS {}", ports.join(" "));
    io::stdout().flush().unwrap();
    let (closed, stdin_closed) = mpsc::channel();
    thread::spawn(move || {
        let _ = io::stdin().read_to_end(&mut Vec::new());
        let _ = closed.send(());
    });
    let _ = stdin_closed.recv_timeout(Duration::from_secs(120));
    drop(server);
}

/// A child process running [`http_server_process`]; killed when dropped.
struct ServerProcess {
    child: std::process::Child,
    /// Kept open so that the child's last lines do not meet a closed pipe.
    _stdout: io::BufReader<std::process::ChildStdout>,
    addrs: Vec<SocketAddr>,
}

impl ServerProcess {
    fn start() -> Self {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "http_server_process", "--ignored", "--nocapture"])
            .args(["--test-threads", "1"])
            .env("DISPATCH_SERVER_PROCESS", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = io::BufReader::new(child.stdout.take().unwrap());
        let mut addrs = Vec::new();
        let mut line = String::new();
        for _ in 0..100 {
            line.clear();
            if stdout.read_line(&mut line).unwrap() == 0 {
                break;
            }
            // The harness prints `test http_server_process ... ` on the same line first.
            if let Some((_, ports)) = line.split_once("PORTS ") {
                addrs = ports
                    .split_whitespace()
                    .map(|p| SocketAddr::from(([127, 0, 0, 1], p.parse().unwrap())))
                    .collect();
                break;
            }
        }
        assert!(!addrs.is_empty(), "the server process printed no ports");
        Self {
            child,
            _stdout: stdout,
            addrs,
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take()); // it stops when its standard input closes
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// 10,000 downloads at once, on the dispatcher and then on the tokio engine (two workers): every
/// connection is open at the same time on the client side (each task connects before any of
/// them reads), and every byte arrives. The server runs in two child processes (see
/// [`http_server_process`]).
#[test]
fn ten_thousand_connections() {
    const N: usize = 10_000;
    let limit = raise_open_files_limit();
    assert!(
        limit >= N as u64 + 100,
        "the hard limit of open files is {limit}: too low for {N} connections (needs {} or more)",
        N + 100
    );
    let servers = [ServerProcess::start(), ServerProcess::start()];
    let addrs: Vec<SocketAddr> = servers.iter().flat_map(|s| s.addrs.clone()).collect();
    for engine in [Engine::Dispatcher(Mode::Poll), Engine::TokioMultiThread] {
        many_connections_on(engine, N, &addrs);
    }
}

/// `n` downloads at once on `engine` from the servers at `addrs`, each of its own length; checks
/// every byte.
fn many_connections_on(engine: Engine, n: usize, addrs: &[SocketAddr]) {
    let tasks = (0..n)
        .map(|i| {
            let len = 100 + i % 1000;
            let addr = addrs[i % addrs.len()];
            task(download(addr, format!("/f/{i}/{len}"), TIMEOUT))
        })
        .collect();
    let started = Instant::now();
    let results = run_on(engine, tasks);
    let took = started.elapsed();
    for (i, result) in results.into_iter().enumerate() {
        let len = 100 + i % 1000;
        let got = result.unwrap_or_else(|e| panic!("{engine:?}, download {i}: {e}"));
        assert_eq!(got.body.len(), len, "{engine:?}, download {i}");
        assert!(
            got.body == body_of(len),
            "{engine:?}, download {i}: body differs"
        );
    }
    eprintln!("{engine:?}: {n} connections in {took:?}");
}

/// `examples/download.rs` in each mode, against its own local server: the seed's four paths with
/// the seed's sizes, in any order, then the times.
#[test]
fn download_example_prints_every_file() {
    for flags in [
        &[][..],
        &["--busy"],
        &["--sequential"],
        &["--slow", "1"],
        &["--tokio", "2"],
    ] {
        let mut cmd = std::process::Command::new(env!("CARGO"));
        cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
            "run",
            "--quiet",
            "--example",
            "download",
        ]);
        if !cfg!(debug_assertions) {
            cmd.arg("--release");
        }
        cmd.arg("--").args(flags);
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{flags:?}: {}\n{stderr}", out.status);
        let stdout = String::from_utf8(out.stdout).unwrap();
        let mut lines: Vec<&str> = stdout.lines().collect();
        let times = lines.pop().unwrap();
        lines.sort_unstable();
        let mut expected: Vec<String> = SEED_FILES
            .iter()
            .map(|(p, n)| format!("{p}\t{n}"))
            .collect();
        expected.sort_unstable();
        assert_eq!(lines, expected, "{flags:?}");
        assert!(
            times.contains(": wall ") && times.contains(" ms, cpu "),
            "{times}"
        );
    }
}

/// A peer that accepts and then never reads: a big `write_all` fills both socket buffers and
/// then stalls; the timeout ends it with an error naming the write.
#[test]
fn write_all_to_a_stalled_peer_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = mpsc::channel::<()>();
    let server = thread::spawn(move || {
        let peers: Vec<_> = (0..ENGINES.len())
            .map(|_| listener.accept().unwrap())
            .collect();
        let _ = stopped.recv_timeout(Duration::from_secs(60));
        drop(peers);
    });
    #[resumable(yield = Wait)]
    fn flood(addr: SocketAddr) -> io::Result<()> {
        let mut stream = yield_from!(TcpStream::connect(addr))?;
        stream.set_timeout(Some(Duration::from_millis(200)));
        let data = vec![7_u8; 64 << 20]; // far more than the socket buffers hold
        yield_from!(stream.write_all(&data))
    }
    for engine in ENGINES {
        let err = run_on(engine, vec![task(flood(addr))])
            .pop()
            .unwrap()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TimedOut, "{engine:?}: {err}");
        assert_eq!(
            err.to_string(),
            format!("write to {addr}: timed out after 200ms without progress"),
            "{engine:?}"
        );
    }
    drop(stop);
    server.join().unwrap();
}

/// `read_exact` against a peer that closes early names how far it got.
#[test]
fn read_exact_reports_an_early_close() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        for _ in ENGINES {
            let (mut peer, _) = listener.accept().unwrap();
            peer.write_all(&[1; 10]).unwrap();
        }
    });
    #[resumable(yield = Wait)]
    fn read_100(addr: SocketAddr) -> io::Result<()> {
        let mut stream = yield_from!(TcpStream::connect(addr))?;
        let mut buf = [0; 100];
        yield_from!(stream.read_exact(&mut buf))
    }
    for engine in ENGINES {
        let err = run_on(engine, vec![task(read_100(addr))])
            .pop()
            .unwrap()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof, "{engine:?}");
        assert_eq!(
            err.to_string(),
            format!("read from {addr}: connection closed after 10 of 100 bytes"),
            "{engine:?}"
        );
    }
    server.join().unwrap();
}

/// Waiting for a socket costs no CPU in poll mode, and the busy mode spins: a server that
/// answers after 300 ms.
#[test]
fn waiting_for_a_socket_blocks_in_the_poll_and_busy_spins() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        for _ in 0..2 {
            let (mut peer, _) = listener.accept().unwrap();
            thread::sleep(Duration::from_millis(300));
            peer.write_all(b"late").unwrap();
        }
    });
    #[resumable(yield = Wait)]
    fn read_all(addr: SocketAddr) -> io::Result<usize> {
        let mut stream = yield_from!(TcpStream::connect(addr))?;
        let mut buf = Vec::new();
        yield_from!(stream.read_to_end(&mut buf))
    }
    let cpu_of = |mode| {
        let mut dispatcher = Dispatcher::with_mode(mode);
        dispatcher.spawn(read_all(addr));
        let (wall, cpu) = (Instant::now(), cpu_time());
        assert_eq!(*dispatcher.run().unwrap()[0].as_ref().unwrap(), 4);
        (wall.elapsed(), cpu_time().saturating_sub(cpu))
    };
    let (wall, poll) = cpu_of(Mode::Poll);
    assert!(wall >= Duration::from_millis(250), "{wall:?}");
    assert!(
        poll < Duration::from_millis(50),
        "poll mode used {poll:?} of CPU"
    );
    let (_, busy) = cpu_of(Mode::Busy);
    // It spins for the whole 300 ms when it has a core to itself; other tests share the
    // machine, so ask only for a fraction of that.
    assert!(
        busy > Duration::from_millis(20),
        "busy mode used only {busy:?} of CPU"
    );
    server.join().unwrap();
}

/// Timers work in every mode, and in the busy one without the poll.
#[test]
fn sleep_in_every_mode() {
    #[resumable(yield = Wait)]
    fn nap(ms: u64) -> io::Result<u64> {
        yield_from!(sleep(Duration::from_millis(ms)));
        Ok(ms)
    }
    for mode in [Mode::Poll, Mode::Sequential, Mode::Busy] {
        let mut dispatcher = Dispatcher::with_mode(mode);
        for ms in [120, 40, 80] {
            dispatcher.spawn(nap(ms));
        }
        let started = Instant::now();
        let mut order = Vec::new();
        let results = dispatcher.run_with(|id, _| order.push(id.index())).unwrap();
        let took = started.elapsed();
        let naps: Vec<u64> = results.into_iter().map(Result::unwrap).collect();
        assert_eq!(naps, [120, 40, 80], "{mode:?}");
        match mode {
            Mode::Sequential => {
                assert_eq!(order, [0, 1, 2]);
                assert!(took >= Duration::from_millis(240), "{took:?}");
            }
            // Timers fire in deadline order, however late the poll returns (the deadlines are 40 ms
            // apart, far more than a first resume of each task takes).
            Mode::Poll => {
                assert_eq!(order, [1, 2, 0]);
                assert!(took >= Duration::from_millis(120), "{took:?}");
            }
            // Round-robin: a thread descheduled past every deadline ends them in spawn order.
            _ => assert!(took >= Duration::from_millis(120), "{took:?}"),
        }
    }
}

/// One task opening and closing connection after connection gets the same descriptor numbers
/// back each time; the poll must not mistake a new socket for the old one (regression: a
/// registration kept per descriptor number alone would never wake the task again).
#[test]
fn descriptors_reused_by_new_sockets_still_wake_the_task() {
    let server = HttpServer::start(2);
    #[resumable(yield = Wait)]
    fn many(addr: SocketAddr) -> io::Result<usize> {
        let mut total = 0;
        for i in 0..20_usize {
            let len = 1000 + i;
            if i % 2 == 0 {
                let got = yield_from!(download(addr, format!("/n/{len}"), TIMEOUT))?;
                total += got.body.len();
            } else {
                // A socket made elsewhere and taken over, waiting for reading first.
                let mut std = std::net::TcpStream::connect(addr)?;
                std.write_all(format!("GET /n/{len} HTTP/1.0\r\n\r\n").as_bytes())?;
                let mut stream = TcpStream::from_std(std)?;
                stream.set_timeout(Some(TIMEOUT));
                let mut response = Vec::new();
                yield_from!(stream.read_to_end(&mut response))?;
                let (_, body) = parse(&response, None)?;
                total += body.len();
            }
        }
        Ok(total)
    }
    for mode in [Mode::Poll, Mode::Sequential] {
        let mut dispatcher = Dispatcher::with_mode(mode);
        dispatcher.spawn(many(server.addr()));
        dispatcher.spawn(many(server.addr()));
        for result in dispatcher.run().unwrap() {
            assert_eq!(result.unwrap(), (1000..1020).sum::<usize>(), "{mode:?}");
        }
    }
}

/// Several tasks may wait for the same socket at once, in the same direction or in both: each
/// is woken (the reactor keeps a list of waiters per descriptor and direction; the tokio engine
/// registers a duplicate of the descriptor per wait).
#[test]
fn several_tasks_wait_for_one_socket() {
    use std::os::unix::net::UnixStream;
    /// Waits until one byte can be read from `socket`, reads it.
    #[resumable(yield = Wait)]
    fn read_one(socket: Arc<UnixStream>) -> io::Result<u8> {
        let mut byte = [0];
        loop {
            match (&*socket).read(&mut byte) {
                Ok(1) => return Ok(byte[0]),
                Ok(_) => return Err(ErrorKind::UnexpectedEof.into()),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    resumable::yield_!(Wait::readable(&*socket));
                }
                Err(e) => return Err(e),
            }
        }
    }
    for engine in [
        Engine::Dispatcher(Mode::Poll),
        Engine::TokioCurrentThread,
        Engine::TokioMultiThread,
    ] {
        let (ours, mut theirs) = UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        let ours = Arc::new(ours);
        let mut tasks: Vec<_> = (0..3).map(|_| task(read_one(ours.clone()))).collect();
        let writer_socket = ours.clone();
        tasks.push(task(resumable::coroutine!(move |()| -> io::Result<u8> {
            resumable::yield_!(Wait::writable(&*writer_socket));
            (&*writer_socket).write_all(b"w")?;
            Ok(b'w')
        })));
        let feeder = thread::spawn(move || {
            // After the readers have parked: one byte at a time, so that they wake at different
            // times.
            for byte in *b"abc" {
                thread::sleep(Duration::from_millis(30));
                theirs.write_all(&[byte]).unwrap();
            }
            let mut got = [0];
            theirs.read_exact(&mut got).unwrap();
            got[0]
        });
        let results = run_on(engine, tasks);
        let mut read: Vec<u8> = results[..3].iter().map(|r| *r.as_ref().unwrap()).collect();
        read.sort_unstable();
        assert_eq!(read, b"abc", "{engine:?}");
        assert_eq!(*results[3].as_ref().unwrap(), b'w', "{engine:?}");
        assert_eq!(feeder.join().unwrap(), b'w', "{engine:?}");
    }
}

/// A task that only ever yields (`yield_now`) until another task's socket has data does not
/// starve that task: between rounds of runnable tasks, the poll is checked too (on tokio, a
/// yielding task goes to the back of the queue, and the runtime polls its driver in between).
#[test]
fn yielding_tasks_do_not_starve_the_poll() {
    use std::os::unix::net::UnixStream;
    use std::sync::atomic::{AtomicBool, Ordering};
    let _watchdog = watchdog("yielding_tasks_do_not_starve_the_poll", 60);
    for engine in [
        Engine::Dispatcher(Mode::Poll),
        Engine::TokioCurrentThread,
        Engine::TokioMultiThread,
    ] {
        let (ours, mut theirs) = UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        let got = Arc::new(AtomicBool::new(false));
        let flag = got.clone();
        let reader = task(resumable::coroutine!(move |()| -> io::Result<u32> {
            let mut byte = [0];
            loop {
                match (&ours).read(&mut byte) {
                    Ok(_) => break,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        resumable::yield_!(Wait::readable(&ours));
                    }
                    Err(e) => return Err(e),
                }
            }
            flag.store(true, Ordering::SeqCst);
            Ok(0)
        }));
        let spinner = task(resumable::coroutine!(move |()| -> io::Result<u32> {
            let mut spins = 0;
            while !got.load(Ordering::SeqCst) {
                // A path call without arguments: clippy (run on the tests in CI, `-D warnings`)
                // must not flag the closure `yield_from!` builds around it as redundant.
                yield_from!(resumable::dispatch::yield_now());
                spins += 1;
            }
            Ok(spins)
        }));
        let feeder = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            theirs.write_all(b"x").unwrap();
            theirs
        });
        // A starved engine would spin for ever: the watchdog bounds the run from outside.
        let results = run_on(engine, vec![reader, spinner]);
        assert_eq!(*results[0].as_ref().unwrap(), 0, "{engine:?}");
        assert!(*results[1].as_ref().unwrap() > 0, "{engine:?}");
        drop(feeder.join().unwrap());
    }
}

/// Ends the whole test process if the returned guard is still alive after `seconds`: a
/// dispatcher that hangs fails the run instead of blocking CI.
fn watchdog(what: &'static str, seconds: u64) -> impl Drop {
    struct Guard(mpsc::Sender<()>);
    impl Drop for Guard {
        fn drop(&mut self) {
            let _ = self.0.send(());
        }
    }
    let (done, wait) = mpsc::channel();
    thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) =
            wait.recv_timeout(Duration::from_secs(seconds))
        {
            eprintln!("watchdog: {what} hung for {seconds} s");
            std::process::exit(101);
        }
    });
    Guard(done)
}

/// Something that names any descriptor number, open or not: what a hostile or careless caller
/// can hand to [`Wait::readable`].
struct AnyFd(i32);

impl AsRawFd for AnyFd {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.0
    }
}

/// Waits once for descriptor `fd` to be readable.
#[resumable(yield = Wait)]
fn wait_for_fd(fd: i32) -> io::Result<()> {
    resumable::yield_!(Wait::readable(&AnyFd(fd)));
    Ok(())
}

/// Regression (issue 12, item 1): waiting for a descriptor number that is not open ends only
/// that task, with an `io::Error` naming the number, whatever the number. `i32::MAX` used to
/// grow the reactor's per-descriptor table to 2^31 entries first, aborting the process.
#[test]
fn a_bad_descriptor_ends_its_task_with_an_error_whatever_its_number() {
    let _watchdog = watchdog(
        "a_bad_descriptor_ends_its_task_with_an_error_whatever_its_number",
        30,
    );
    let bad = [-1, i32::MIN, 60_000, 1 << 20, i32::MAX - 1, i32::MAX];
    // Not the busy mode: it never looks at what a task waits for.
    for engine in ENGINES
        .into_iter()
        .filter(|e| *e != Engine::Dispatcher(Mode::Busy))
    {
        let mut tasks = vec![task(resumable::coroutine!(|()| -> io::Result<()> {
            yield_from!(sleep(Duration::from_millis(5)));
            Ok(())
        }))];
        tasks.extend(bad.map(|fd| task(wait_for_fd(fd))));
        let results = run_on(engine, tasks);
        results[0].as_ref().unwrap();
        for (fd, result) in bad.iter().zip(&results[1..]) {
            let error = result.as_ref().unwrap_err();
            assert!(
                error.to_string().contains(&format!("file descriptor {fd}")),
                "{engine:?}, {fd}: {error}"
            );
        }
    }
}

/// Regression (issue 12, item 1): the reactor's table follows the descriptors registered, not
/// the largest number seen: waiting for one socket moved to the highest number the process may
/// open holds a few hundred bytes, not a slot for every smaller number.
#[test]
fn a_high_descriptor_costs_one_entry_not_a_table_up_to_it() {
    use std::os::fd::FromRawFd;
    use std::os::unix::net::UnixStream;
    let _watchdog = watchdog("a_high_descriptor_costs_one_entry_not_a_table_up_to_it", 30);
    let limit = i32::try_from(raise_open_files_limit()).unwrap_or(i32::MAX);
    let (ours, mut theirs) = UnixStream::pair().unwrap();
    let high = limit - 1;
    // SAFETY: `dup2(2)` on a descriptor `ours` keeps open; `high` is below the limit and not one
    // this test or the harness uses (they take the lowest free numbers).
    let rc = unsafe { libc::dup2(ours.as_raw_fd(), high) };
    assert_eq!(rc, high, "dup2: {}", io::Error::last_os_error());
    drop(ours);
    // SAFETY: `high` was just opened by `dup2` above and nothing else owns it.
    let ours = unsafe { UnixStream::from_raw_fd(high) };
    ours.set_nonblocking(true).unwrap();
    theirs.write_all(b"x").unwrap();

    /// Reads one byte from `socket`, waiting for it first.
    #[resumable(yield = Wait)]
    fn read_one<'a>(socket: &'a UnixStream) -> io::Result<u8> {
        resumable::yield_!(Wait::readable(socket));
        let mut byte = [0];
        (&*socket).read_exact(&mut byte)?;
        Ok(byte[0])
    }
    // Warm up this thread's reactor (its poll and event buffer) on a low descriptor.
    let mut dispatcher = Dispatcher::new();
    dispatcher.spawn(resumable::coroutine!(|()| -> io::Result<u8> {
        yield_from!(sleep(Duration::from_millis(1)));
        Ok(0)
    }));
    dispatcher.run().unwrap();

    let before = heap::live_bytes();
    let mut dispatcher = Dispatcher::new();
    dispatcher.spawn(read_one(&ours));
    assert_eq!(*dispatcher.run().unwrap()[0].as_ref().unwrap(), b'x');
    let grown = heap::live_bytes() - before;
    assert!(
        grown < 4096,
        "waiting for descriptor {high} left {grown} bytes held by the reactor"
    );
}

/// A server on 127.0.0.1 that echoes every byte back on each connection, a thread per
/// connection, until the peer closes.
fn echo_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for peer in listener.incoming() {
            let Ok(mut peer) = peer else { return };
            thread::spawn(move || {
                let mut buf = [0; 4096];
                while let Ok(n @ 1..) = peer.read(&mut buf) {
                    if peer.write_all(&buf[..n]).is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// Regression (issue 12, item 3): a read woken by its socket takes its timer back. One task
/// waits with an early deadline (so it is the earliest timer, the only one a heap drops stale
/// entries at) while another makes 20,000 reads with a one-hour timeout from an echo peer:
/// the heap of the dispatcher's thread stays flat (it grew by ~56 bytes per wake, 4.9 MB for
/// 88,000 reads).
#[test]
fn replaced_waits_leave_no_timers_behind() {
    use std::os::unix::net::UnixStream;
    const ROUNDS: usize = 20_000;
    const WARM_UP: usize = 1_000;
    let _watchdog = watchdog("replaced_waits_leave_no_timers_behind", 60);
    let addr = echo_server();
    let (done_tx, done_rx) = UnixStream::pair().unwrap();
    done_rx.set_nonblocking(true).unwrap();

    /// Sleeps for half an hour unless `done` becomes readable first.
    #[resumable(yield = Wait)]
    fn sleeper(done: UnixStream) -> io::Result<isize> {
        let deadline = Instant::now() + Duration::from_secs(1800);
        resumable::yield_!(Wait::readable(&done).or_until(Some(deadline)));
        assert!(Instant::now() < deadline, "woken by the deadline");
        Ok(0)
    }

    /// Ping-pongs one byte `ROUNDS` times; returns how much the heap grew after the warm-up.
    #[resumable(yield = Wait)]
    fn pinger(addr: SocketAddr, done: UnixStream) -> io::Result<isize> {
        let mut stream = yield_from!(TcpStream::connect(addr))?;
        stream.set_timeout(Some(Duration::from_secs(3600)));
        let mut before = 0;
        for round in 0..ROUNDS {
            if round == WARM_UP {
                before = heap::live_bytes();
            }
            let byte = [u8::try_from(round % 251).unwrap()];
            yield_from!(stream.write_all(&byte))?;
            let mut got = [0];
            yield_from!(stream.read_exact(&mut got))?;
            assert_eq!(got, byte);
        }
        let grown = heap::live_bytes() - before;
        (&done).write_all(b"!")?;
        Ok(grown)
    }

    let mut dispatcher = Dispatcher::new();
    dispatcher.spawn(sleeper(done_rx));
    dispatcher.spawn(pinger(addr, done_tx));
    let results = dispatcher.run().unwrap();
    results[0].as_ref().unwrap();
    let grown = *results[1].as_ref().unwrap();
    assert!(
        grown < 16 * 1024,
        "{} reads grew the heap by {grown} bytes",
        ROUNDS - WARM_UP
    );
}

/// Whether `fd`'s open file description is non-blocking (`O_NONBLOCK`, shared by duplicates).
fn is_nonblocking(fd: &impl AsRawFd) -> bool {
    // SAFETY: `fcntl(F_GETFL)` only reads the flags of a descriptor the caller keeps open.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    assert!(flags >= 0, "fcntl: {}", io::Error::last_os_error());
    flags & libc::O_NONBLOCK != 0
}

/// Regression (issue 12, item 2): `TcpStream::from_std` used to make the socket non-blocking,
/// which a clone the caller kept shares: the caller's blocking reads then failed with
/// `WouldBlock`. Now the clone keeps its mode, and both work.
#[test]
fn taking_over_a_socket_leaves_its_clones_blocking() {
    let _watchdog = watchdog("taking_over_a_socket_leaves_its_clones_blocking", 30);
    let addr = echo_server();
    let std = std::net::TcpStream::connect(addr).unwrap();
    let mut kept = std.try_clone().unwrap();
    kept.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut stream = TcpStream::from_std(std).unwrap();
    stream.set_timeout(Some(TIMEOUT));
    assert!(
        !is_nonblocking(&kept),
        "from_std made the caller's clone non-blocking"
    );

    #[resumable(yield = Wait)]
    fn echo_once(stream: TcpStream) -> io::Result<Vec<u8>> {
        let mut stream = stream;
        yield_from!(stream.write_all(b"ping"))?;
        let mut got = vec![0; 4];
        yield_from!(stream.read_exact(&mut got))?;
        Ok(got)
    }
    let mut dispatcher = Dispatcher::new();
    dispatcher.spawn(echo_once(stream));
    assert_eq!(dispatcher.run().unwrap().pop().unwrap().unwrap(), b"ping");
    assert!(!is_nonblocking(&kept));
    // The caller's clone still blocks for its data, as it did before.
    kept.write_all(b"pong").unwrap();
    let mut got = [0; 4];
    kept.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"pong");
}

// ---------------------------------------------------------------------------------------------
// The soak (issue 12): every fault the tests know, over thousands of connections, with exact
// bytes, exact errors, and memory kept flat.

/// What a soak connection asks its peer for, or does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Soak {
    /// Good: a body of a known length and pattern, read by a dispatcher task.
    Bulk,
    /// Good: lines read by a coroutine on the event loop (`get_line`).
    Lines,
    /// Good: 20 bytes, one every 2 ms.
    Trickle,
    /// A port nobody listens on.
    Refused,
    /// 100 bytes, then a reset.
    Reset,
    /// 100 of the 10,000 bytes asked for, then a normal close.
    Early,
    /// 100 of 10,000 bytes, then nothing, past the reader's 200 ms timeout.
    Stall,
    /// A line that is not UTF-8, read on the event loop.
    Garbage,
    /// Bytes without a newline for as long as the reader reads, on the event loop.
    Flood,
}

/// The mix: a third good bulk transfers, then one of each other kind.
const SOAK_MIX: [Soak; 12] = [
    Soak::Bulk,
    Soak::Bulk,
    Soak::Bulk,
    Soak::Lines,
    Soak::Lines,
    Soak::Trickle,
    Soak::Refused,
    Soak::Reset,
    Soak::Early,
    Soak::Stall,
    Soak::Garbage,
    Soak::Flood,
];

/// The stall timeout of the soak's readers.
const SOAK_STALL: Duration = Duration::from_millis(200);
/// The line limit of the soak's line readers (the flood's error).
const SOAK_MAX_LINE: usize = 16 * 1024;

/// The bytes of soak connection `i` for `len` bytes: its number in a repeating pattern.
fn soak_bytes(i: usize, len: usize) -> Vec<u8> {
    (0..len)
        .map(|j| b"abcdefghijklmnopqrstuvwxyz0123456789"[(i + j) % 36])
        .collect()
}

/// The length of soak connection `i`'s bulk body.
fn soak_len(i: usize) -> usize {
    1000 + (i * 7919) % 60_000
}

/// The lines of soak connection `i`.
fn soak_lines(i: usize) -> Vec<String> {
    (0..=i % 40)
        .map(|j| {
            format!(
                "{i}:{j}:{}",
                String::from_utf8(soak_bytes(i + j, j * 7)).unwrap()
            )
        })
        .collect()
}

/// The soak's server on 127.0.0.1: a thread per connection, which reads one request line
/// (`KIND I`) and commits what it asks for.
fn soak_server() -> SocketAddr {
    use std::io::BufRead;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    widen_backlog(&listener, 4096);
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for peer in listener.incoming() {
            let Ok(peer) = peer else { return };
            thread::spawn(move || {
                let mut reader = io::BufReader::new(peer);
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    return;
                }
                let mut peer = reader.into_inner();
                let mut words = request.split_whitespace();
                let (Some(kind), Some(Ok(i))) = (words.next(), words.next().map(str::parse)) else {
                    return;
                };
                let _ = soak_serve(&mut peer, kind, i);
            });
        }
    });
    addr
}

/// Commits what `kind` asks for on `peer`, for connection `i`.
fn soak_serve(peer: &mut std::net::TcpStream, kind: &str, i: usize) -> io::Result<()> {
    /// Waits until the client closes its end (or resets it).
    fn until_closed(peer: &mut std::net::TcpStream) {
        let mut sink = [0; 64];
        while let Ok(1..) = peer.read(&mut sink) {}
    }
    match kind {
        "Bulk" => peer.write_all(&soak_bytes(i, soak_len(i))),
        "Lines" => {
            let mut text = soak_lines(i).join("\n");
            text.push('\n');
            peer.write_all(text.as_bytes())
        }
        "Trickle" => {
            for byte in soak_bytes(i, 20) {
                peer.write_all(&[byte])?;
                thread::sleep(Duration::from_millis(2));
            }
            Ok(())
        }
        "Reset" => {
            peer.write_all(&soak_bytes(i, 100))?;
            // Let the client wait in its read first, so the reset comes mid-body.
            thread::sleep(Duration::from_millis(20));
            reset_on_close(peer);
            Ok(())
        }
        "Early" => peer.write_all(&soak_bytes(i, 100)),
        "Stall" => {
            peer.write_all(&soak_bytes(i, 100))?;
            until_closed(peer);
            Ok(())
        }
        "Garbage" => {
            peer.write_all(b"\xff\xfe not UTF-8 \x80\n")?;
            until_closed(peer);
            Ok(())
        }
        "Flood" => {
            let chunk = vec![b'z'; 16 * 1024];
            loop {
                peer.write_all(&chunk)?;
            }
        }
        _ => Ok(()),
    }
}

/// What the soak saw.
#[derive(Default, Debug)]
struct SoakTally {
    /// Connections that ended as their kind says they must, by kind.
    ok: std::collections::BTreeMap<Soak, usize>,
    /// Bytes compared with what the server sent, in good transfers.
    bytes_checked: usize,
    /// What went wrong: connection, kind, what happened.
    wrong: Vec<String>,
}

/// The body of a soak connection's loop coroutine: a line reader.
#[resumable(yield = resumable::events::Suspend)]
fn soak_line_client(addr: SocketAddr, kind: Soak, i: usize) -> io::Result<usize> {
    use resumable::events::{Stream, get_line, put_line};
    let socket = std::net::TcpStream::connect(addr)?;
    let stream = Stream::new(socket)?;
    stream.set_max_line_len(SOAK_MAX_LINE);
    yield_from!(put_line(&stream, format!("{kind:?} {i}\n")))?;
    let mut checked = 0;
    for expected in soak_lines(i) {
        let line = yield_from!(get_line(&stream))?;
        if line.as_deref() != Some(expected.as_str()) {
            return Err(io::Error::other(format!(
                "line {line:?}, expected {expected:?}"
            )));
        }
        checked += expected.len() + 1;
    }
    match yield_from!(get_line(&stream))? {
        None => Ok(checked),
        Some(extra) => Err(io::Error::other(format!("extra line {extra:?}"))),
    }
}

/// One soak connection on the dispatcher: returns how many bytes it checked.
#[resumable(yield = Wait)]
fn soak_connection(
    addr: SocketAddr,
    refused: SocketAddr,
    kind: Soak,
    i: usize,
) -> io::Result<usize> {
    if matches!(kind, Soak::Lines | Soak::Garbage | Soak::Flood) {
        // On the event loop, which runs while this dispatcher waits.
        let task = resumable::events::start(soak_line_client(addr, kind, i));
        while !task.is_finished() {
            yield_from!(sleep(Duration::from_millis(1)));
        }
        return task.take_result().expect("finished");
    }
    yield_from!(soak_stream_connection(addr, refused, kind, i))
}

/// One soak connection of a kind a [`TcpStream`] reads (not on the event loop): `Send`, for the
/// multi-threaded runtime.
#[resumable(yield = Wait)]
fn soak_stream_connection(
    addr: SocketAddr,
    refused: SocketAddr,
    kind: Soak,
    i: usize,
) -> io::Result<usize> {
    let target = if kind == Soak::Refused { refused } else { addr };
    let mut stream = yield_from!(TcpStream::connect_timeout(target, Some(TIMEOUT)))?;
    stream.set_timeout(Some(if kind == Soak::Stall {
        SOAK_STALL
    } else {
        TIMEOUT
    }));
    yield_from!(stream.write_all(format!("{kind:?} {i}\n").as_bytes()))?;
    let len = match kind {
        Soak::Bulk => soak_len(i),
        Soak::Trickle => 20,
        _ => 10_000,
    };
    let mut body = vec![0; len];
    yield_from!(stream.read_exact(&mut body))?;
    if body != soak_bytes(i, len) {
        return Err(io::Error::other("body differs"));
    }
    let mut rest = Vec::new();
    if yield_from!(stream.read_to_end(&mut rest))? != 0 {
        return Err(io::Error::other(format!("{} bytes too many", rest.len())));
    }
    Ok(len)
}

/// Checks how soak connection `i` of `kind` ended; tallies it.
fn soak_check(
    tally: &mut SoakTally,
    i: usize,
    kind: Soak,
    result: &io::Result<usize>,
    addr: SocketAddr,
) {
    let expected: Result<(), String> = match (kind, result) {
        (Soak::Bulk | Soak::Lines | Soak::Trickle, Ok(n)) => {
            tally.bytes_checked += n;
            Ok(())
        }
        (Soak::Refused, Err(e)) if e.kind() == ErrorKind::ConnectionRefused => Ok(()),
        (Soak::Reset, Err(e))
            if e.kind() == ErrorKind::ConnectionReset
                && e.to_string().starts_with(&format!("read from {addr}: ")) =>
        {
            Ok(())
        }
        (Soak::Early, Err(e))
            if e.kind() == ErrorKind::UnexpectedEof
                && e.to_string()
                    == format!("read from {addr}: connection closed after 100 of 10000 bytes") =>
        {
            Ok(())
        }
        (Soak::Stall, Err(e))
            if e.kind() == ErrorKind::TimedOut
                && e.to_string()
                    == format!("read from {addr}: timed out after 200ms without progress") =>
        {
            Ok(())
        }
        (Soak::Garbage, Err(e)) if e.kind() == ErrorKind::InvalidData => Ok(()),
        (Soak::Flood, Err(e))
            if e.kind() == ErrorKind::InvalidData
                && e.to_string() == format!("line longer than {SOAK_MAX_LINE} bytes") =>
        {
            Ok(())
        }
        (_, result) => Err(format!("{result:?}")),
    };
    match expected {
        Ok(()) => *tally.ok.entry(kind).or_default() += 1,
        Err(got) => tally
            .wrong
            .push(format!("connection {i} ({kind:?}): {got}")),
    }
}

/// This process's resident set size, in bytes (`/proc/self/statm`).
fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    // SAFETY: `sysconf(3)` only reads a system constant.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    pages * usize::try_from(page).unwrap()
}

/// Which kind soak connection `i` is on `engine`: on tokio, none of the kinds read on the event
/// loop (which runs only while a dispatcher waits).
fn soak_kind(engine: Engine, i: usize) -> Soak {
    if engine == Engine::Dispatcher(Mode::Poll) {
        SOAK_MIX[i % SOAK_MIX.len()]
    } else {
        SOAK_MIX_TOKIO[i % SOAK_MIX_TOKIO.len()]
    }
}

/// The mix on the tokio engine: the dispatcher's without the event loop's kinds.
const SOAK_MIX_TOKIO: [Soak; 8] = [
    Soak::Bulk,
    Soak::Bulk,
    Soak::Bulk,
    Soak::Trickle,
    Soak::Refused,
    Soak::Reset,
    Soak::Early,
    Soak::Stall,
];

/// Runs soak connections `range` on `engine` (the dispatcher, tokio's current-thread runtime on
/// this thread, or its multi-threaded one), `workers` at a time.
fn soak_round(
    engine: Engine,
    addr: SocketAddr,
    refused: SocketAddr,
    range: core::ops::Range<usize>,
    workers: usize,
    tally: &mut SoakTally,
) {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    if engine == Engine::TokioMultiThread {
        soak_round_multi_thread(addr, refused, range, workers, tally);
        return;
    }
    /// Takes connection after connection from `next` until `end`, checking each as it ends (so
    /// that what the test keeps does not grow with the number of connections).
    #[resumable(yield = Wait)]
    fn worker(
        addr: SocketAddr,
        refused: SocketAddr,
        next: Rc<Cell<usize>>,
        end: usize,
        tally: Rc<RefCell<SoakTally>>,
        engine: Engine,
    ) -> io::Result<()> {
        loop {
            let i = next.get();
            if i >= end {
                return Ok(());
            }
            next.set(i + 1);
            let kind = soak_kind(engine, i);
            let result = yield_from!(soak_connection(addr, refused, kind, i));
            soak_check(&mut tally.borrow_mut(), i, kind, &result, addr);
        }
    }
    let next = Rc::new(Cell::new(range.start));
    let shared = Rc::new(RefCell::new(core::mem::take(tally)));
    let workers = (0..workers).map(|_| {
        worker(
            addr,
            refused,
            next.clone(),
            range.end,
            shared.clone(),
            engine,
        )
    });
    let results = if engine == Engine::Dispatcher(Mode::Poll) {
        let mut dispatcher = Dispatcher::new();
        for worker in workers {
            dispatcher.spawn(worker);
        }
        dispatcher.run().unwrap()
    } else {
        assert_eq!(
            engine,
            Engine::TokioCurrentThread,
            "the soak runs on one thread"
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let local = tokio::task::LocalSet::new();
        local.block_on(&runtime, async {
            let handles: Vec<_> = workers
                .map(resumable::dispatch::tokio::spawn_local)
                .collect();
            let mut results = Vec::new();
            for handle in handles {
                results.push(handle.await.unwrap());
            }
            results
        })
    };
    for result in results {
        result.unwrap();
    }
    *tally = Rc::try_unwrap(shared).ok().unwrap().into_inner();
}

/// [`soak_round`] on the multi-threaded runtime: workers over `Send` shared state.
fn soak_round_multi_thread(
    addr: SocketAddr,
    refused: SocketAddr,
    range: core::ops::Range<usize>,
    workers: usize,
    tally: &mut SoakTally,
) {
    /// Takes connection after connection, as [`soak_round`]'s workers do.
    #[resumable(yield = Wait)]
    fn shared_worker(
        addr: SocketAddr,
        refused: SocketAddr,
        next: Arc<std::sync::atomic::AtomicUsize>,
        end: usize,
        tally: Arc<std::sync::Mutex<SoakTally>>,
    ) -> io::Result<()> {
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if i >= end {
                return Ok(());
            }
            let kind = SOAK_MIX_TOKIO[i % SOAK_MIX_TOKIO.len()];
            let result = yield_from!(soak_stream_connection(addr, refused, kind, i));
            soak_check(&mut tally.lock().unwrap(), i, kind, &result, addr);
        }
    }
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(range.start));
    let shared = Arc::new(std::sync::Mutex::new(core::mem::take(tally)));
    let tasks = (0..workers)
        .map(|_| {
            task(shared_worker(
                addr,
                refused,
                next.clone(),
                range.end,
                shared.clone(),
            ))
        })
        .collect();
    for result in run_on(Engine::TokioMultiThread, tasks) {
        result.unwrap();
    }
    *tally = Arc::try_unwrap(shared).ok().unwrap().into_inner().unwrap();
}

/// The soak's body, in a process of its own so that its RSS is its own: the child that
/// [`soak_every_fault_over_thousands_of_connections`] runs (this binary again, that test alone,
/// with `DISPATCH_SOAK_PROCESS` set).
fn soak_process(engine: Engine) {
    raise_open_files_limit();
    let scale: usize = std::env::var("RESUMABLE_SOAK_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1);
    let connections = 20_000 * scale;
    let warm_up = connections / 10;
    let workers = 64;
    let addr = soak_server();
    let refused = refusing_addr();
    let started = Instant::now();
    let rss_start = rss_bytes();
    let mut tally = SoakTally::default();
    // The warm-up fills the allocator's arenas, the reactor's tables and the server's threads.
    soak_round(engine, addr, refused, 0..warm_up, workers, &mut tally);
    let (rss_before, heap_before) = (rss_bytes(), heap::live_bytes());
    soak_round(
        engine,
        addr,
        refused,
        warm_up..connections,
        workers,
        &mut tally,
    );
    let (rss_after, heap_after) = (rss_bytes(), heap::live_bytes());
    let took = started.elapsed();
    assert!(
        tally.wrong.is_empty(),
        "{} wrong:\n{}",
        tally.wrong.len(),
        tally.wrong.join("\n")
    );
    let ended: usize = tally.ok.values().sum();
    assert_eq!(ended, connections);
    let good = |kind| tally.ok.get(&kind).copied().unwrap_or(0);
    let faults = ended - good(Soak::Bulk) - good(Soak::Lines) - good(Soak::Trickle);
    let heap_grown = heap_after - heap_before;
    let rss_grown = rss_after.saturating_sub(rss_before);
    println!(
        "SOAK {engine:?}: {connections} connections ({faults} faults: {:?}), {} bytes checked, \
         {took:.1?}; RSS {:.1} MiB at the start, {:.1} MiB after the warm-up ({warm_up} \
         connections), {:.1} MiB at the end (+{} KiB); the running thread's heap \
         {heap_grown:+} bytes",
        tally.ok,
        tally.bytes_checked,
        mib(rss_start),
        mib(rss_before),
        mib(rss_after),
        rss_grown / 1024
    );
    // The bugs of issue 12 grew the client's heap by tens of bytes per wait and hundreds per
    // finished task: megabytes at this scale. What is left is capacity that the reactor's and
    // the loop's tables keep at their high-water mark, the same after the warm-up as at the end.
    // RSS also counts the server's threads and the allocator's arenas: a few MiB of slack.
    // (On the multi-threaded runtime, what one thread allocates another may free: the count of
    // this thread says nothing there, and RSS alone is checked.)
    assert!(
        heap_grown < 64 * 1024 || engine == Engine::TokioMultiThread,
        "the dispatcher thread's heap grew by {heap_grown} bytes"
    );
    assert!(rss_grown < 8 * 1024 * 1024, "RSS grew by {rss_grown} bytes");
}

fn mib(bytes: usize) -> f64 {
    // Exact for any RSS this test can see.
    #[allow(clippy::cast_precision_loss)]
    let bytes = bytes as f64;
    bytes / (1024.0 * 1024.0)
}

/// The soak of issue 12: 20,000 connections (times `RESUMABLE_SOAK_SCALE`) through one
/// dispatcher and the event loop it runs, 64 at a time, mixing good peers (bulk bodies, lines,
/// a slow trickle) with every fault (refused, reset, early close, stall past the timeout,
/// garbage bytes, a flood without newlines): every good transfer's bytes are compared, every
/// fault must end with its own error, and the dispatcher thread's heap and the process's RSS
/// must stay flat after a warm-up. Runs [`soak_process`] in a child process and prints its
/// figures (`cargo test --test dispatch soak -- --nocapture`).
#[test]
fn soak_every_fault_over_thousands_of_connections() {
    soak_on(
        Engine::Dispatcher(Mode::Poll),
        "soak_every_fault_over_thousands_of_connections",
    );
}

/// The soak on the tokio engine's multi-threaded runtime (two workers, tasks moving between
/// them): the same as on the current-thread runtime, with RSS alone checked for memory.
#[test]
fn soak_on_tokio_multi_thread_every_fault_over_thousands_of_connections() {
    soak_on(
        Engine::TokioMultiThread,
        "soak_on_tokio_multi_thread_every_fault_over_thousands_of_connections",
    );
}

/// The soak on the tokio engine, on a current-thread runtime (so that the heap of the one thread
/// that runs everything can be counted): the same connections, bytes and errors, without the
/// kinds read on the dispatcher's event loop (lines, garbage, flood), and the same bounds on the
/// heap and RSS.
#[test]
fn soak_on_tokio_every_fault_over_thousands_of_connections() {
    soak_on(
        Engine::TokioCurrentThread,
        "soak_on_tokio_every_fault_over_thousands_of_connections",
    );
}

/// Runs [`soak_process`] on `engine` in a child process (this binary again, test `name` alone)
/// and prints its figures; or, in that child, the soak itself.
fn soak_on(engine: Engine, name: &str) {
    use std::process::{Command, Stdio};
    if std::env::var_os("DISPATCH_SOAK_PROCESS").is_some() {
        // The child: the soak itself.
        soak_process(engine);
        return;
    }
    let scale: u64 = std::env::var("RESUMABLE_SOAK_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1);
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads", "1"])
        .env("DISPATCH_SOAK_PROCESS", "1")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = thread::spawn(move || {
        let mut out = String::new();
        let _ = stdout.read_to_string(&mut out);
        out
    });
    let deadline = Instant::now() + Duration::from_secs(300 * scale);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the soak did not end in {} s", 300 * scale);
        }
        thread::sleep(Duration::from_millis(50));
    };
    let out = reader.join().unwrap();
    let figures = out
        .lines()
        .find(|l| l.contains("SOAK "))
        .unwrap_or("no figures");
    eprintln!("{figures}");
    assert!(status.success(), "the soak failed:\n{out}");
    assert!(figures.contains("SOAK "), "{out}");
}

/// Makes closing `peer` send a reset instead of a normal close (a zero linger).
fn reset_on_close(peer: &std::net::TcpStream) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: `setsockopt(2)` on a socket `peer` keeps open for the call, with a pointer to a
    // live `linger` and its exact size.
    let rc = unsafe {
        libc::setsockopt(
            peer.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&raw const linger).cast(),
            libc::socklen_t::try_from(size_of::<libc::linger>()).unwrap(),
        )
    };
    assert_eq!(
        rc,
        0,
        "setsockopt(SO_LINGER): {}",
        std::io::Error::last_os_error()
    );
}

// ---------------------------------------------------------------------------------------------
// The tokio engine's own promises (issue 18).

/// A task is `Send` with its streams in it: polled once on one thread (it connects, registering
/// its stream with the runtime's reactor, and waits), then moved to another thread and run to its
/// end there, every byte arriving.
#[test]
fn a_task_moves_to_another_thread_in_the_middle_of_a_download() {
    use core::future::Future;
    use core::task::Poll;
    let server = HttpServer::start(2);
    let runtime = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    );
    let len = 300_000;
    let mut task = resumable::dispatch::tokio::Task::new(download(
        server.addr(),
        format!("/moved/{len}"),
        TIMEOUT,
    ));
    runtime.block_on(core::future::poll_fn(|cx| {
        assert!(
            core::pin::Pin::new(&mut task).poll(cx).is_pending(),
            "it cannot be done before the server answered"
        );
        Poll::Ready(())
    }));
    let here = thread::current().id();
    let elsewhere = Arc::clone(&runtime);
    let (there, got) = thread::spawn(move || (thread::current().id(), elsewhere.block_on(task)))
        .join()
        .unwrap();
    assert_ne!(here, there);
    let got = got.unwrap();
    assert_eq!(got.status, 200);
    assert!(got.body == body_of(len), "body differs");
}

/// A dispatcher run inside a task on the tokio engine drives its own tasks in its own reactor,
/// and the task's own stream goes on waiting on tokio's readiness before and after it.
#[test]
fn a_dispatcher_inside_a_tokio_task_drives_its_own_tasks() {
    let server = HttpServer::start(4);
    #[resumable(yield = Wait)]
    fn outer(addr: SocketAddr) -> io::Result<usize> {
        let before = yield_from!(download(addr, "/outer/1000".into(), TIMEOUT))?;
        let inner = inner(addr)?;
        let after = yield_from!(download(addr, "/outer/4000".into(), TIMEOUT))?;
        Ok(before.body.len() + inner + after.body.len())
    }
    /// A whole dispatcher run (the dispatcher is not `Send`: it is not held across a wait).
    fn inner(addr: SocketAddr) -> io::Result<usize> {
        let mut dispatcher = Dispatcher::new();
        for len in [2000, 3000] {
            dispatcher.spawn(download(addr, format!("/inner/{len}"), TIMEOUT));
        }
        let mut total = 0;
        for result in dispatcher.run()? {
            total += result?.body.len();
        }
        Ok(total)
    }
    for engine in [Engine::TokioCurrentThread, Engine::TokioMultiThread] {
        let results = run_on(engine, vec![task(outer(server.addr()))]);
        assert_eq!(*results[0].as_ref().unwrap(), 10_000, "{engine:?}");
    }
}

/// Polled outside a tokio runtime, a task ends with an error that says so (it does not panic).
#[test]
fn a_tokio_task_outside_a_runtime_is_an_error() {
    let task = resumable::dispatch::tokio::Task::new(panicking_task());
    let err = futures_executor::block_on(task).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a dispatcher task on the tokio engine must run inside a tokio runtime"
    );
}

/// `read_to_end` keeps what it read before an error, and nothing more (its buffer's zeroed room
/// is cut off): a reset after the headers and 100 bytes, on every engine.
#[test]
fn read_to_end_keeps_the_bytes_read_before_an_error() {
    #[resumable(yield = Wait)]
    fn read_all(addr: SocketAddr) -> io::Result<(ErrorKind, Vec<u8>)> {
        let mut stream = yield_from!(TcpStream::connect(addr))?;
        stream.set_timeout(Some(TIMEOUT));
        yield_from!(stream.write_all(b"GET / HTTP/1.0\r\n\r\n"))?;
        let mut got = b"before:".to_vec();
        let Err(error) = yield_from!(stream.read_to_end(&mut got)) else {
            return Err(io::Error::other("no reset"));
        };
        Ok((error.kind(), got))
    }
    let (addr, stop, server) = fault_server(Fault::Reset, ENGINES.len());
    let head = b"HTTP/1.0 200 OK\r\nContent-Length: 10000\r\n\r\n";
    for engine in ENGINES {
        let (kind, got) = run_on(engine, vec![task(read_all(addr))])
            .pop()
            .unwrap()
            .unwrap();
        assert_eq!(kind, ErrorKind::ConnectionReset, "{engine:?}");
        let mut expected = b"before:".to_vec();
        expected.extend_from_slice(head);
        expected.extend_from_slice(&[b'x'; 100]);
        assert!(got == expected, "{engine:?}: {} bytes", got.len());
    }
    drop(stop);
    server.join().unwrap();
}

/// What a task on the multi-threaded runtime holds across its waits must be `Send`: a stream is
/// (and `Sync`), and so is each subroutine its operations return. Checked by the compiler.
#[test]
fn streams_and_their_operations_are_send() {
    fn send<T: Send>(_: &T) {}
    fn send_sync<T: Send + Sync>() {}
    send_sync::<TcpStream>();
    send_sync::<Wait>();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    send(&TcpStream::connect(addr));
    send(&TcpStream::connect_timeout(addr, Some(TIMEOUT)));
    send(&sleep(TIMEOUT));
    send(&resumable::dispatch::yield_now());
    let mut stream = TcpStream::from_std(std::net::TcpStream::connect(addr).unwrap()).unwrap();
    let (mut buf, mut all) = ([0; 8], Vec::new());
    send(&stream.read(&mut buf));
    send(&stream.read_exact(&mut buf));
    send(&stream.read_to_end(&mut all));
    send(&stream.write_all(b"x"));
    send(&resumable::dispatch::tokio::Task::new(download(
        addr,
        "/".into(),
        TIMEOUT,
    )));
}
