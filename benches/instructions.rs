//! Deterministic counts for the core workloads: run one workload under valgrind's callgrind to
//! count instructions (`benches/callgrind.sh` does it for all of them), or run with `alloc` to
//! count heap allocations.
//!
//! ```text
//! instructions <workload> <n>   # runs the workload once over n items, prints its result
//! instructions alloc            # allocations and bytes per coroutine kept alive / pinned
//! instructions check            # every variant of a workload computes the same result
//! ```
//!
//! The `tree_*` workloads (f) walk a complete tree of `TREE_NODES` nodes (environment variable,
//! 65,536 by default) `n / TREE_NODES` times, so `n` counts nodes visited and the tree's
//! construction cancels out of the difference of two runs like the rest of the set-up.

// `main` is the only item; no docs needed beyond the module's.
#![allow(missing_docs)]

use core::hint::black_box;
use core::pin::pin;
use std::alloc::{GlobalAlloc, Layout, System};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use resumable::{Coroutine, Resumable, State};

mod workloads;
use workloads::depth::sum_nested;
use workloads::generators::{
    sum_corosensei, sum_diapause, sum_fauxgen, sum_genawaiter, sum_generator_rs, sum_hand,
    sum_ours_for, sum_ours_pinned,
};
use workloads::many::{
    many_diapause, many_fauxgen, many_genawaiter, many_hand, many_ours_boxed, many_ours_slice,
    sizes, total,
};
use workloads::permutations::{
    perm_corosensei, perm_diapause, perm_fauxgen, perm_genawaiter, perm_generator_rs,
    perm_hand_callback, perm_hand_iter, perm_ours,
};
use workloads::ping_pong::{
    echo, ping_pong_corosensei, ping_pong_diapause, ping_pong_fauxgen, ping_pong_genawaiter,
    ping_pong_generator_rs, ping_pong_hand, ping_pong_ours,
};
use workloads::streams::{stream_async_stream, stream_genawaiter, stream_hand, stream_ours};
use workloads::tree::{
    Tree, tree_corosensei, tree_diapause, tree_fauxgen, tree_genawaiter, tree_generator_rs,
    tree_hand_callback, tree_hand_iter, tree_ours,
};

/// The default size of the tree the `tree_*` workloads walk.
const TREE_NODES: usize = 1 << 16;

/// A tree walk of each variant of (f).
type TreeWalk = fn(&Tree) -> u64;

/// The variants of (f) by workload name.
const TREE_WALKS: &[(&str, TreeWalk)] = &[
    ("tree_hand_iter", tree_hand_iter),
    ("tree_hand_callback", tree_hand_callback),
    ("tree_ours", tree_ours),
    ("tree_corosensei", tree_corosensei),
    ("tree_genawaiter", tree_genawaiter),
    ("tree_diapause", tree_diapause),
    ("tree_fauxgen", tree_fauxgen),
    ("tree_generator_rs", tree_generator_rs),
];

/// The size of the tree of the `tree_*` workloads: `TREE_NODES` from the environment, or the
/// default.
fn tree_nodes() -> usize {
    std::env::var("TREE_NODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(TREE_NODES)
}

/// Walks a tree of [`tree_nodes`] nodes with `walk` until `nodes` nodes were visited (rounded
/// down to whole walks); the sum of the walks' results.
fn tree_walks(walk: TreeWalk, nodes: u64) -> u64 {
    let tree = Tree::complete(tree_nodes());
    let walks = nodes / tree.len() as u64;
    let mut sum = 0u64;
    for _ in 0..walks {
        sum = sum.wrapping_add(walk(black_box(&tree)));
    }
    sum
}

/// (a) through the Lua-style handle: `Coroutine::resume` round trips with the same body as
/// `ping_pong_ours`.
fn handle_ours(n: u64) -> u64 {
    let co = Coroutine::new(echo());
    let mut v = 1;
    for _ in 0..n {
        match co.resume(v) {
            Ok(State::Yielded(y)) => v = black_box(y),
            Ok(State::Complete(r)) => return r,
            Err(e) => panic!("{e}"),
        }
    }
    v
}

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
    let (diapause, kept) = allocations_during(|| many_diapause(N));
    drop(black_box(kept));
    let (fauxgen, kept) = allocations_during(|| many_fauxgen(N));
    drop(black_box(kept));
    let (genawaiter, kept) = allocations_during(|| many_genawaiter(N));
    drop(black_box(kept));
    let (pinned, ()) = allocations_during(|| {
        let mut co = pin!(total(7));
        let _ = black_box(co.as_mut().resume(1));
        let _ = black_box(co.as_mut().resume(2));
        assert_eq!(co.as_mut().resume(0), State::Complete(10));
    });
    let (ours_size, hand_size, diapause_size, fauxgen_size) = sizes();
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
    println!(
        "diapause, in Vec:      {:.6} allocations per coroutine (the Vec's growth), {diapause_size} bytes each",
        per(diapause, N)
    );
    println!(
        "fauxgen, boxed:        {:.6} allocations per coroutine (the Vec's growth included), {fauxgen_size} bytes each",
        per(fauxgen, N)
    );
    println!(
        "genawaiter, rc::Gen:   {:.6} allocations per coroutine (the Vec's growth included)",
        per(genawaiter, N)
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
            ("perm_diapause", perm_diapause(n)),
            ("perm_fauxgen", perm_fauxgen(n)),
            ("perm_generator_rs", perm_generator_rs(n)),
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
    for nodes in [1, 2, 3, 7, 100, 1000] {
        let tree = Tree::complete(nodes);
        let expected = tree_hand_iter(&tree);
        for (name, walk) in TREE_WALKS {
            let got = walk(&tree);
            if got != expected {
                eprintln!("{name}({nodes} nodes) = {got}, expected {expected}");
                ok = false;
            }
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
        (
            ping_pong_genawaiter(1000),
            ping_pong_hand(1000),
            "ping_pong_genawaiter",
        ),
        (
            ping_pong_corosensei(1000),
            ping_pong_hand(1000),
            "ping_pong_corosensei",
        ),
        (
            ping_pong_diapause(1000),
            ping_pong_hand(1000),
            "ping_pong_diapause",
        ),
        (
            ping_pong_fauxgen(1000),
            ping_pong_hand(1000),
            "ping_pong_fauxgen",
        ),
        (
            ping_pong_generator_rs(1000),
            ping_pong_hand(1000),
            "ping_pong_generator_rs",
        ),
        (handle_ours(1000), ping_pong_hand(1000), "handle_ours"),
        (sum_ours_for(1000), sum_hand(1000), "sum_ours_for"),
        (sum_ours_pinned(1000), sum_hand(1000), "sum_ours_pinned"),
        (sum_genawaiter(1000), sum_hand(1000), "sum_genawaiter"),
        (sum_corosensei(1000), sum_hand(1000), "sum_corosensei"),
        (sum_diapause(1000), sum_hand(1000), "sum_diapause"),
        (sum_fauxgen(1000), sum_hand(1000), "sum_fauxgen"),
        (sum_generator_rs(1000), sum_hand(1000), "sum_generator_rs"),
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
        "ping_pong_diapause" => ping_pong_diapause(n),
        "ping_pong_fauxgen" => ping_pong_fauxgen(n),
        "ping_pong_generator_rs" => ping_pong_generator_rs(n),
        "handle_ours" => handle_ours(n),
        "sum_hand" => sum_hand(n),
        "sum_ours_for" => sum_ours_for(n),
        "sum_ours_pinned" => sum_ours_pinned(n),
        "sum_genawaiter" => sum_genawaiter(n),
        "sum_corosensei" => sum_corosensei(n),
        "sum_diapause" => sum_diapause(n),
        "sum_fauxgen" => sum_fauxgen(n),
        "sum_generator_rs" => sum_generator_rs(n),
        "many_hand" => many_hand(n).len() as u64,
        "many_diapause" => many_diapause(n).len() as u64,
        "many_fauxgen" => many_fauxgen(n).len() as u64,
        "many_genawaiter" => many_genawaiter(n).len() as u64,
        "perm_ours" => perm_ours(elements(n)),
        "perm_hand_callback" => perm_hand_callback(elements(n)),
        "perm_hand_iter" => perm_hand_iter(elements(n)),
        "perm_corosensei" => perm_corosensei(elements(n)),
        "perm_genawaiter" => perm_genawaiter(elements(n)),
        "perm_diapause" => perm_diapause(elements(n)),
        "perm_fauxgen" => perm_fauxgen(elements(n)),
        "perm_generator_rs" => perm_generator_rs(elements(n)),
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
        tree if tree.starts_with("tree_") => {
            let Some(&(_, walk)) = TREE_WALKS.iter().find(|(name, _)| *name == tree) else {
                eprintln!("unknown workload {tree:?}");
                return ExitCode::FAILURE;
            };
            tree_walks(walk, n)
        }
        other => {
            eprintln!("unknown workload {other:?}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", black_box(result));
    ExitCode::SUCCESS
}
