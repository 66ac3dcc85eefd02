//! Lesson 1 — create, resume, yield, return: the first program of the Lua tutorial, a body's
//! return values reaching the last resume, and a coroutine's life from suspended to dead.
//! Seeds 01, 11, 27, 22 and 23 of `../shared/reference/lua/`; each section prints the seed's
//! file name, then exactly what Lua 5.4 prints for it.
//!
//! `cargo run --example basics`
//!
//! How Lua maps to Rust here:
//! - `coroutine.create(f)` is [`Coroutine::new`] of a `coroutine!` closure; `coroutine.resume`
//!   is [`Coroutine::resume`], whose `Ok` is Lua's leading `true` and whose `Err` is `false` and
//!   the message.
//! - Lua functions take and return any number of values; a Rust coroutine has one resume type,
//!   one yield type and one return type, so several values become a tuple.

use resumable::{Coroutine, ResumeError, State, coroutine, yield_};

fn main() {
    seed_01();
    seed_11();
    seed_27();
    seed_22();
    seed_23();
}

fn heading(seed: &str) {
    println!("=== seed {seed}.lua ===");
}

/// What Lua's `print(coroutine.resume(co))` prints for a body that returns two values.
fn print_resume<A: std::fmt::Display, B: std::fmt::Display>(
    result: Result<State<(), (A, B)>, ResumeError>,
) {
    match result {
        Ok(State::Complete((a, b))) => println!("true\t{a}\t{b}"),
        Ok(State::Yielded(())) => println!("true"),
        Err(e) => println!("false\t{e}"),
    }
}

/// What seed 01's second coroutine is resumed with: a number, then a string and a number.
enum Arg {
    Number(i32),
    StrAndNumber(&'static str, i32),
}

/// create / resume, a body that returns, and one that yields: how arguments flow.
fn seed_01() {
    heading("01_create_resume_return_and_yield_args");
    println!("coroutine start!");

    // A coroutine without yield. `return 1, "a"` returns two values: a tuple in Rust.
    let new_cor1: Coroutine<'_, (), (), (i32, &str)> = Coroutine::new(coroutine!(|()| (1, "a")));
    let result = new_cor1.resume(());
    let ret1 = result.is_ok();
    let Ok(State::Complete((num1, str1))) = result else {
        unreachable!()
    };
    println!("1-----\t{ret1}\t{num1}\t{str1}");

    // A coroutine with one yield. Its first resume passes a number, its second a string and a
    // number: a Rust coroutine is resumed with one type, so an enum (`Arg`) says which is which.
    let new_cor2 = Coroutine::new(coroutine!(|x: Arg| {
        let Arg::Number(x) = x else { unreachable!() };
        let x = x + 10;
        // `str` and `y` are the values passed to the second resume.
        let Arg::StrAndNumber(s, y) = yield_!(x) else {
            unreachable!()
        };
        (s, y + x)
    }));
    let Ok(State::Yielded(x)) = new_cor2.resume(Arg::Number(50)) else {
        unreachable!()
    };
    println!("2-----\t{x}");
    let Ok(State::Complete((str2, y))) = new_cor2.resume(Arg::StrAndNumber("sss", 100)) else {
        unreachable!()
    };
    println!("2-----\t{str2}\t{y}");
}

/// The body's return values come back from the last resume.
fn seed_11() {
    heading("11_body_return_values_to_last_resume");
    // `return 6, 7`: a tuple.
    let co: Coroutine<'_, (), (), (i32, i32)> = Coroutine::new(coroutine!(|()| (6, 7)));
    print_resume(co.resume(()));
}

/// The same, from the second tutorial.
fn seed_27() {
    heading("27_return_values_to_resume");
    let co: Coroutine<'_, (), (), (i32, i32)> = Coroutine::new(coroutine!(|()| (6, 7)));
    print_resume(co.resume(()));
}

/// A coroutine's type, and its status before and after it runs.
fn seed_22() {
    heading("22_type_status_after_finish");
    let co: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| println!("hi")));
    // Lua's `type(co)` is "thread", known at run time; in Rust the type is known when compiling.
    println!("thread");
    println!("{}", co.status()); // suspended
    assert!(co.resume(()).is_ok()); // hi
    println!("{}", co.status()); // dead
}

/// Resume until the body ends; then resuming is an error.
fn seed_23() {
    heading("23_loop_yield_until_dead");
    let co = Coroutine::new(coroutine!(|()| {
        for i in 1..=10 {
            println!("co\t{i}");
            yield_!();
        }
    }));
    assert!(co.resume(()).is_ok()); // co 1
    println!("{}", co.status()); // suspended
    assert!(co.resume(()).is_ok()); // co 2
    assert!(co.resume(()).is_ok()); // co 3
    for _ in 4..=10 {
        assert!(co.resume(()).is_ok()); // co 4 .. co 10
    }
    assert!(co.resume(()).is_ok()); // prints nothing: the body returns
    match co.resume(()) {
        Ok(_) => println!("true"),
        Err(e) => println!("false\t{e}"), // false	cannot resume dead coroutine
    }
}
