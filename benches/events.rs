//! The event loop's coroutine bridge against plain callbacks (issue 7): reverse 1,000,000 lines
//! read from a pipe onto another pipe, with the seed's callback version (34) and its coroutine
//! version (35) on the same loop, the synchronous version (33) for reference, and seed 35 with a
//! generic `bridge` over the callbacks instead of `get_line` / `put_line` (no shortcut). Prints
//! the best wall time and loop-thread CPU time of seven interleaved runs of each, and the bar:
//! coroutines ≤ 1.2× callbacks.
//!
//! ```text
//! cargo bench --bench events
//! ```
//!
//! A thread feeds the input pipe and another drains the output pipe, so both event-loop
//! versions really wait in epoll when a pipe is empty or full.

use std::io::{self, BufReader, BufWriter, Write};
use std::rc::Rc;
use std::time::{Duration, Instant};

use resumable::events::{self, Stream, Suspend, bridge, read_line, write_line};
use resumable::{resumable, yield_from};

/// Lines per run.
const LINES: usize = 1_000_000;
/// Rounds (each runs every version once, interleaved so that a noisy neighbour on a shared
/// machine hits them alike); the best run of each version counts.
const ROUNDS: usize = 7;

// Seeds 33, 34 and 35, as `examples/reverse.rs` runs them.
#[path = "../examples/shared/reverse.rs"]
mod reverse;

use reverse::{reverse_callbacks, reverse_coroutine, reverse_sync};

/// CPU time of the calling thread so far (the loop's, without the feeding and draining threads).
fn thread_cpu_time() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `clock_gettime(2)` writes a `timespec` through the pointer, which points to one.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &raw mut t) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(
        t.tv_sec.unsigned_abs(),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

/// Seed 35 with the seed's own `getline` / `putline`: a generic [`bridge`] over the callback
/// functions, with no shortcut (every line is a suspend and a resume through the queue). What a
/// user's bridge over their own callback library costs.
#[resumable(yield = Suspend)]
fn bridged(inp: Stream, out: Stream) -> io::Result<()> {
    let mut t = Vec::new();
    while let Some(line) = yield_from!(bridge(|r| read_line(&inp, r.into_fn())))? {
        t.push(line);
    }
    for line in t.iter().rev() {
        let line = format!("{line}\n");
        yield_from!(bridge(|r| write_line(&out, line, r.into_fn())))?;
    }
    Ok(())
}

/// One run of `version` on `input` through pipes: (wall time, the loop thread's CPU time).
/// Checks the output's length.
fn time(version: &str, input: &Rc<[u8]>) -> (Duration, Duration) {
    let (inp, mut feed) = io::pipe().expect("pipe");
    let (mut drain, out) = io::pipe().expect("pipe");
    let bytes: Vec<u8> = input.to_vec();
    let expected = bytes.len();
    let feeder = std::thread::spawn(move || feed.write_all(&bytes));
    let drainer = std::thread::spawn(move || io::copy(&mut drain, &mut io::sink()));
    let start = Instant::now();
    let cpu = thread_cpu_time();
    match version {
        "sync" => reverse_sync(
            BufReader::with_capacity(64 * 1024, inp),
            BufWriter::with_capacity(64 * 1024, out),
        )
        .expect("sync"),
        "callbacks" => {
            reverse_callbacks(Stream::new(inp).unwrap(), Stream::new(out).unwrap()).unwrap();
        }
        "bridged" => events::run(bridged(
            Stream::new(inp).unwrap(),
            Stream::new(out).unwrap(),
        ))
        .unwrap(),
        _ => events::run(reverse_coroutine(
            Stream::new(inp).unwrap(),
            Stream::new(out).unwrap(),
        ))
        .unwrap(),
    }
    let elapsed = (start.elapsed(), thread_cpu_time().saturating_sub(cpu));
    feeder.join().unwrap().expect("fed");
    let written = drainer.join().unwrap().expect("drained");
    assert_eq!(usize::try_from(written).unwrap(), expected, "{version}");
    elapsed
}

fn main() {
    let input: Rc<[u8]> = (0..LINES)
        .map(|i| format!("line number {i}\n"))
        .collect::<Vec<_>>()
        .concat()
        .into_bytes()
        .into();
    let versions = ["sync", "callbacks", "coroutines", "bridged"];
    // For profiling one version: `EVENTS_BENCH_ONLY=coroutines`.
    if let Ok(only) = std::env::var("EVENTS_BENCH_ONLY") {
        for _ in 0..ROUNDS {
            time(&only, &input);
        }
        return;
    }
    let mut best = [(Duration::MAX, Duration::MAX); 4];
    for _ in 0..ROUNDS {
        for (version, best) in versions.iter().zip(&mut best) {
            let (wall, cpu) = time(version, &input);
            *best = (best.0.min(wall), best.1.min(cpu));
        }
    }
    for (version, (wall, cpu)) in versions.iter().zip(best) {
        println!(
            "{version:>10}: {:7.1} ms wall, {:7.1} ms CPU (loop thread), {LINES} lines",
            wall.as_secs_f64() * 1e3,
            cpu.as_secs_f64() * 1e3
        );
    }
    let wall = best[2].0.as_secs_f64() / best[1].0.as_secs_f64();
    let cpu = best[2].1.as_secs_f64() / best[1].1.as_secs_f64();
    let verdict = |ratio: f64| if ratio <= 1.2 { "met" } else { "NOT met" };
    println!(
        "coroutines / callbacks: wall {wall:.3} ({}), CPU {cpu:.3} ({}); bar <= 1.2",
        verdict(wall),
        verdict(cpu)
    );
    let wall = best[3].0.as_secs_f64() / best[1].0.as_secs_f64();
    let cpu = best[3].1.as_secs_f64() / best[1].1.as_secs_f64();
    println!("bridged / callbacks (generic bridge, no shortcut): wall {wall:.3}, CPU {cpu:.3}");
}
