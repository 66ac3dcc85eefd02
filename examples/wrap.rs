//! Lesson 4 — `coroutine.wrap`: a coroutine behind a plain call. Seed 02 of
//! `../shared/reference/lua/`; it prints the seed's file name, then exactly what Lua 5.4 prints.
//! (Seed 03, in the `status` example, wraps a coroutine too.)
//!
//! `cargo run --example wrap`

use resumable::{Wrap, coroutine, yield_};

fn main() {
    seed_02();
}

fn heading(seed: &str) {
    println!("=== seed {seed}.lua ===");
}

fn seed_02() {
    heading("02_wrap_basic");
    // The body yields an `i32` and returns one, so each call returns an `i32`: what it yielded,
    // then what it returned. (For different types, `Wrap::resume` returns a `State`.)
    let new_cor3 = Wrap::new(coroutine!(|x: i32| {
        let x = x - 10;
        let y = yield_!(x);
        y
    }));

    // No `resume`: call the wrapped coroutine directly.
    let ret4 = new_cor3.call(100);
    println!("3-----\t{ret4}");
    let ret5 = new_cor3.call(10);
    println!("3-----\t{ret5}");
}
