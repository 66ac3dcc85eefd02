//! Deterministic counts for the core workloads: run one workload under valgrind's callgrind to
//! count instructions (`benches/callgrind.sh` does it for all of them), or run with `alloc` to
//! count heap allocations.
//!
//! ```text
//! instructions <workload> <n>   # runs the workload once over n items, prints its result
//! instructions alloc            # allocations and bytes per coroutine kept alive / pinned
//! ```

// `main` is the only item; no docs needed beyond the module's.
#![allow(missing_docs)]

use core::hint::black_box;
use core::pin::pin;
use std::alloc::{GlobalAlloc, Layout, System};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use resumable::{Resumable, State};

#[path = "workloads/streams.rs"]
mod streams;
mod workloads;
use streams::{stream_async_stream, stream_genawaiter, stream_hand, stream_ours};
use workloads::{
    many_hand, many_ours_boxed, many_ours_slice, perm_corosensei, perm_genawaiter,
    perm_hand_callback, perm_hand_iter, perm_ours, ping_pong_corosensei, ping_pong_genawaiter,
    ping_pong_hand, ping_pong_ours, sizes, sum_corosensei, sum_genawaiter, sum_hand, sum_nested,
    sum_ours_for, sum_ours_pinned, total,
};

/// The system allocator, counting allocations.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so `System`'s
// guarantees are ours; the counter has no effect on memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded from our caller, who upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded from our caller, who upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during<T>(f: impl FnOnce() -> T) -> (u64, T) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let out = f();
    (ALLOCATIONS.load(Ordering::Relaxed) - before, out)
}

/// `count / n` as a decimal (counts here are far below 2^52, so `f64` is exact).
#[allow(clippy::cast_precision_loss)]
fn per(count: u64, n: u64) -> f64 {
    count as f64 / n as f64
}

fn alloc_report() {
    const N: u64 = 1_000_000;
    let (ours, kept) = allocations_during(|| many_ours_boxed(N));
    drop(black_box(kept));
    let (slice, kept) = allocations_during(|| many_ours_slice(N));
    drop(black_box(kept));
    let (hand, kept) = allocations_during(|| many_hand(N));
    drop(black_box(kept));
    let (pinned, ()) = allocations_during(|| {
        let mut co = pin!(total(7));
        let _ = black_box(co.as_mut().resume(1));
        let _ = black_box(co.as_mut().resume(2));
        assert_eq!(co.as_mut().resume(0), State::Complete(10));
    });
    let (ours_size, hand_size) = sizes();
    println!("coroutines kept alive: {N}");
    println!(
        "resumable, boxed:      {:.6} allocations per coroutine (the Vec's own growth included), {ours_size} bytes each",
        per(ours, N)
    );
    println!(
        "resumable, PinnedSlice: {:.6} allocations per coroutine (the Vec's growth), {ours_size} bytes each",
        per(slice, N)
    );
    println!(
        "hand-written, in Vec:  {:.6} allocations per coroutine (the Vec's growth), {hand_size} bytes each",
        per(hand, N)
    );
    println!("resumable, pinned on the stack and run to completion: {pinned} allocations");
    for n in [8, 10] {
        let (count, _) = allocations_during(|| perm_ours(n));
        let perms: u64 = (1..=n as u64).product();
        println!(
            "recursive permgen of {n}: {count} allocations for {perms} permutations ({:.7} per permutation)",
            per(count, perms)
        );
    }
}

/// A permutation workload's element count.
fn elements(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Every variant of a workload computes the same result (the benchmarks compare like with like).
fn check() -> ExitCode {
    let mut ok = true;
    for n in 1..=8 {
        let expected = perm_hand_callback(n);
        for (name, got) in [
            ("perm_ours", perm_ours(n)),
            ("perm_hand_iter", perm_hand_iter(n)),
            ("perm_corosensei", perm_corosensei(n)),
            ("perm_genawaiter", perm_genawaiter(n)),
        ] {
            if got != expected {
                eprintln!("{name}({n}) = {got}, expected {expected}");
                ok = false;
            }
        }
    }
    for (depth, n) in [(0, 1000), (10, 1000), (10_000, 10)] {
        let expected = sum_hand(n);
        let got = sum_nested(depth, n);
        if got != expected {
            eprintln!("sum_nested({depth}, {n}) = {got}, expected {expected}");
            ok = false;
        }
    }
    let checks = [
        (stream_ours(1000), stream_hand(1000), "stream_ours"),
        (
            stream_async_stream(1000),
            stream_hand(1000),
            "stream_async_stream",
        ),
        (
            stream_genawaiter(1000),
            stream_hand(1000),
            "stream_genawaiter",
        ),
        (ping_pong_ours(1000), ping_pong_hand(1000), "ping_pong"),
        (sum_ours_for(1000), sum_hand(1000), "sum_ours_for"),
        (sum_ours_pinned(1000), sum_hand(1000), "sum_ours_pinned"),
    ];
    for (got, expected, name) in checks {
        if got != expected {
            eprintln!("{name} = {got}, expected {expected}");
            ok = false;
        }
    }
    if ok {
        println!("all variants agree");
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// A subroutine that delegates to nothing: yields `x`, returns `x + 1`.
#[resumable::resumable(yield = u64)]
fn leaf(x: u64) -> u64 {
    resumable::yield_!(x);
    x + 1
}

/// `n` delegations to a [`leaf`], each yielding one item: the cost of a `yield_from!` of a
/// helper (the dispatcher's and the event loop's helpers are such leaves).
#[resumable::resumable(yield = u64)]
fn leaf_caller(n: u64) -> u64 {
    let mut total = 0;
    for i in 0..n {
        total += resumable::yield_from!(leaf(i));
    }
    total
}

/// Drives [`leaf_caller`]: the sum of what it yields and returns.
fn leaf_calls(n: u64) -> u64 {
    let mut co = pin!(leaf_caller(n));
    let mut sum = 0;
    loop {
        match co.as_mut().resume(()) {
            State::Yielded(x) => sum += x,
            State::Complete(total) => return sum.wrapping_add(total),
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (name, n) = match args.as_slice() {
        [name] if name == "alloc" => {
            alloc_report();
            return ExitCode::SUCCESS;
        }
        [name] if name == "check" => return check(),
        [name, n] => match n.parse::<u64>() {
            Ok(n) => (name.as_str(), n),
            Err(e) => {
                eprintln!("bad item count {n:?}: {e}");
                return ExitCode::FAILURE;
            }
        },
        // `cargo bench` runs every bench target with `--bench`; nothing to do then.
        _ if args.iter().any(|a| a == "--bench") => return ExitCode::SUCCESS,
        _ => {
            eprintln!(
                "usage: instructions <workload> <n> | instructions alloc | instructions check"
            );
            return ExitCode::FAILURE;
        }
    };
    let n = black_box(n);
    let result = match name {
        "ping_pong_hand" => ping_pong_hand(n),
        "ping_pong_ours" => ping_pong_ours(n),
        "ping_pong_genawaiter" => ping_pong_genawaiter(n),
        "ping_pong_corosensei" => ping_pong_corosensei(n),
        "sum_hand" => sum_hand(n),
        "sum_ours_for" => sum_ours_for(n),
        "sum_ours_pinned" => sum_ours_pinned(n),
        "sum_genawaiter" => sum_genawaiter(n),
        "sum_corosensei" => sum_corosensei(n),
        "many_hand" => many_hand(n).len() as u64,
        "perm_ours" => perm_ours(elements(n)),
        "perm_hand_callback" => perm_hand_callback(elements(n)),
        "perm_hand_iter" => perm_hand_iter(elements(n)),
        "perm_corosensei" => perm_corosensei(elements(n)),
        "perm_genawaiter" => perm_genawaiter(elements(n)),
        "leaf_calls" => leaf_calls(n),
        "stream_hand" => stream_hand(n),
        "stream_ours" => stream_ours(n),
        "stream_async_stream" => stream_async_stream(n),
        "stream_genawaiter" => stream_genawaiter(n),
        "depth_10" => sum_nested(10, n),
        "depth_10000" => sum_nested(10_000, n),
        "many_ours_slice" => many_ours_slice(n).len() as u64,
        "many_ours_boxed" => {
            let kept = many_ours_boxed(n);
            let mut first = kept.into_iter().next();
            match first.as_mut().map(|co| co.as_mut().resume(0)) {
                Some(State::Complete(t)) => t,
                _ => 0,
            }
        }
        other => {
            eprintln!("unknown workload {other:?}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", black_box(result));
    ExitCode::SUCCESS
}
