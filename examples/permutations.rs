//! Permutations by a recursive generator: the seed programs 15, 16, 17, 30, 31 and 32 of
//! `../shared/reference/lua/`, in the order Lua prints them.
//!
//! Lua's `permgen` is a plain recursive function that calls `coroutine.yield` from deep inside
//! its own recursion; Lua's coroutines are stackful, so that just works. Ours are stackless: the
//! recursive call becomes `yield_from!(permgen(a, n - 1))`, which delegates to the inner call
//! without nesting (every permutation reaches the consumer in one step, at any depth), and the
//! recursion needs no `Box::pin`.
//!
//! Lua yields the array itself, shared and mutated in place between permutations. The Rust
//! equivalent is a slice of `Cell`s: the generator swaps elements through a shared reference and
//! yields that same reference.
//!
//! `cargo run --example permutations` (add `15`, `16`, … to run some seeds only).

use std::cell::Cell;
use std::fmt::{Display, Write as _};

use resumable::{Coroutine, State};

/// Lua's `printResult`: the elements separated (and followed) by a space.
fn print_result<T: Copy + Display>(a: &[Cell<T>]) {
    let mut line = String::new();
    for x in a {
        // Writing to a `String` cannot fail.
        let _ = write!(line, "{} ", x.get());
    }
    println!("{line}");
}

/// Seeds 15 and 30: the plain recursion, printing each permutation as it is made.
fn permgen_print<T: Copy + Display>(a: &[Cell<T>], n: usize) {
    if n <= 1 {
        print_result(a);
    } else {
        for i in 0..n {
            a[n - 1].swap(&a[i]);
            permgen_print(a, n - 1);
            a[n - 1].swap(&a[i]);
        }
    }
}

// Seeds 16, 17, 31, 32: the same recursion as a generator that yields the (shared, mutated)
// array at each leaf, delegating to itself for the inner levels. It is in `shared/permgen.rs`
// because the delegation tests and the core benches run this same generator.
#[path = "shared/permgen.rs"]
mod permgen;
use permgen::permgen;

/// Lua's `permutations` made with `coroutine.create` / `resume` (seeds 16 and 31): a function
/// that resumes the coroutine and returns the yielded array, or `None` once the body returned.
fn permutations_create<'a, T: 'a>(a: &'a [Cell<T>]) -> impl FnMut() -> Option<&'a [Cell<T>]> {
    let co = Coroutine::new(permgen(a, a.len()));
    move || match co.resume(()) {
        Ok(State::Yielded(p)) => Some(p),
        Ok(State::Complete(())) | Err(_) => None,
    }
}

/// Lua's `permutations` made with `coroutine.wrap` (seeds 17 and 32): the wrapped coroutine is
/// itself an iterator.
fn permutations_wrap<'a, T: 'a>(a: &'a [Cell<T>]) -> impl Iterator<Item = &'a [Cell<T>]> {
    Coroutine::new(permgen(a, a.len())).wrap()
}

fn cells<T>(items: impl IntoIterator<Item = T>) -> Vec<Cell<T>> {
    items.into_iter().map(Cell::new).collect()
}

fn seed_15() {
    let a = cells([1, 2, 3]);
    permgen_print(&a, a.len());
}

fn seed_16() {
    let a = cells(["a", "b", "c"]);
    let mut next = permutations_create(&a);
    while let Some(p) = next() {
        print_result(p);
    }
}

fn seed_17() {
    let a = cells(["a", "b", "c"]);
    for p in permutations_wrap(&a) {
        print_result(p);
    }
}

fn seed_30() {
    let a = cells([1, 2, 3, 4]);
    permgen_print(&a, a.len());
}

fn main() {
    let seeds: [(&str, fn()); 6] = [
        ("15_permgen_plain_recursive", seed_15),
        ("16_permutations_create_iterator", seed_16),
        ("17_permutations_wrap_iterator", seed_17),
        ("30_permgen_print_1234", seed_30),
        ("31_permutations_iterator_create", seed_16),
        ("32_permutations_iterator_wrap", seed_17),
    ];
    let only: Vec<String> = std::env::args().skip(1).collect();
    for (name, run) in seeds {
        if only.is_empty() || only.iter().any(|o| name.starts_with(o.as_str())) {
            println!("=== seed {name}.lua ===");
            run();
        }
    }
}
