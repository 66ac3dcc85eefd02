//! Lesson 2 — how values flow: the first resume's arguments become the body's parameters, a
//! `yield`'s values come back from `resume`, later resumes' arguments come back from `yield`.
//! Seeds 05, 24, 06, 25, 10, 07, 26, 09 and 08 of `../shared/reference/lua/`; each section prints
//! the seed's file name, then exactly what Lua 5.4 prints for it.
//!
//! `cargo run --example flow`
//!
//! Lua passes any number of values each way; a Rust coroutine has one resume type and one yield
//! type. Several values become a tuple; values that may be left out become an `Option`; a
//! varying number of them becomes a `Vec`; values of different kinds in different resumes become
//! an enum. Each section says which it uses.

use resumable::{Coroutine, State, coroutine, resumable, yield_};

fn main() {
    seed_05();
    seed_24();
    seed_06();
    seed_25();
    seed_10();
    seed_07();
    seed_26();
    seed_09();
    seed_08();
}

fn heading(seed: &str) {
    println!("=== seed {seed}.lua ===");
}

/// The first resume's extra arguments are passed to the body: a tuple parameter.
fn seed_05() {
    heading("05_first_resume_args_become_body_args");
    let co: Coroutine<'_, (i32, i32, i32), (), ()> =
        Coroutine::new(coroutine!(|(a, b, c): (i32, i32, i32)| {
            println!("{a}\t{b}\t{c}");
        }));
    assert!(co.resume((1, 2, 3)).is_ok());
}

/// The same, from the second tutorial.
fn seed_24() {
    heading("24_resume_args_to_body");
    let co: Coroutine<'_, (i32, i32, i32), (), ()> =
        Coroutine::new(coroutine!(|(a, b, c): (i32, i32, i32)| {
            println!("co\t{a}\t{b}\t{}", c + 2);
        }));
    assert!(co.resume((1, 2, 3)).is_ok()); // co 1 2 5
}

/// `yield(a + b, a - b)` hands two values to `resume`: `yield_!(x, y)` yields the tuple `(x, y)`.
fn seed_06() {
    heading("06_yield_args_returned_by_resume");
    let co = Coroutine::new(coroutine!(|(a, b): (i32, i32)| {
        yield_!(a + b, a - b);
    }));
    let result = co.resume((10, 20));
    let ok = result.is_ok();
    let Ok(State::Yielded((sum, difference))) = result else {
        unreachable!()
    };
    println!("{ok}\t{sum}\t{difference}");
}

/// The same, from the second tutorial.
fn seed_25() {
    heading("25_yield_values_to_resume");
    let co = Coroutine::new(coroutine!(|(a, b): (i32, i32)| {
        yield_!(a + b, a - b);
    }));
    match co.resume((20, 10)) {
        Ok(State::Yielded((x, y))) => println!("true\t{x}\t{y}"), // true 30 10
        other => println!("{other:?}"),
    }
}

/// The body runs until its `yield`, whose value `resume` returns.
fn seed_10() {
    heading("10_resume_returns_yield_value");
    let co2 = Coroutine::new(coroutine!(|(a, b): (i32, i32)| {
        // (Lua also stores `a` in a global `key`, which nothing reads.)
        println!("co\t{a}");
        yield_!(b);
    }));
    match co2.resume((100, 200)) {
        Ok(State::Yielded(b)) => println!("true\t{b}"),
        other => println!("{other:?}"),
    }
}

/// `yield()` returns the arguments of the next resume. The first resume passes none here and
/// the second passes two: `Option<(i32, i32)>`.
fn seed_07() {
    heading("07_resume_args_returned_by_yield");
    let co = Coroutine::new(coroutine!(|_: Option<(i32, i32)>| {
        let (a, b) = yield_!().expect("the second resume passes two values");
        println!("co\t{a}\t{b}");
    }));
    println!("{}", co.status()); // suspended
    assert!(co.resume(None).is_ok());
    println!("{}", co.status()); // suspended
    // The body returns nothing, so Lua prints only `true`.
    match co.resume(Some((4, 5))) {
        Ok(_) => println!("true"),
        Err(e) => println!("false\t{e}"),
    }
}

/// What the first and the second resume pass: a string, then two numbers.
enum Passed {
    Word(&'static str),
    Numbers(i32, i32),
}

/// The first resume's argument goes to the body, the second's come back from `yield`.
fn seed_26() {
    heading("26_resume_values_to_yield");
    let co = Coroutine::new(coroutine!(|x: Passed| {
        let Passed::Word(x) = x else { unreachable!() };
        println!("co1\t{x}");
        let Passed::Numbers(a, b) = yield_!() else {
            unreachable!()
        };
        println!("co2\t{a}\t{b}");
    }));
    assert!(co.resume(Passed::Word("hi")).is_ok()); // co1 hi
    assert!(co.resume(Passed::Numbers(4, 5)).is_ok()); // co2 4 5
}

/// Two values go to the body, then three come back from `yield`: a `Vec` for each, since their
/// number varies.
fn seed_09() {
    heading("09_body_args_then_yield_results");
    let co = Coroutine::new(coroutine!(|first: Vec<i32>| {
        let [a, b] = first[..] else { unreachable!() };
        let rest: Vec<i32> = yield_!();
        let rest: Vec<String> = rest.iter().map(ToString::to_string).collect();
        println!("co\t{a}\t{b}\t{}", rest.join("\t"));
    }));
    assert!(co.resume(vec![1, 2]).is_ok()); // no output: 1, 2 go to the body
    assert!(co.resume(vec![3, 4, 5]).is_ok()); // co 1 2 3 4 5
}

/// One body, two coroutines. Later resumes pass values (or none) to a `yield()` that ignores
/// them, so `a` and `b` keep their first values: `Option<(i32, i32)>`.
#[resumable(resume = Option<(i32, i32)>)]
fn coroutine_func(#[resume] args: Option<(i32, i32)>) {
    let (a, b) = args.expect("the first resume passes a and b");
    for i in 1..=10 {
        println!("{i}\t{a}\t{b}");
        yield_!();
    }
}

fn seed_08() {
    heading("08_later_resume_args_ignored_if_unused");
    let co2 = Coroutine::new(coroutine_func());
    assert!(co2.resume(Some((100, 200))).is_ok()); // 1 100 200
    assert!(co2.resume(None).is_ok()); // 2 100 200
    assert!(co2.resume(Some((500, 600))).is_ok()); // 3 100 200 (arguments ignored)

    let co3 = Coroutine::new(coroutine_func());
    assert!(co3.resume(Some((300, 400))).is_ok()); // 1 300 400
    assert!(co3.resume(None).is_ok()); // 2 300 400
    assert!(co3.resume(None).is_ok()); // 3 300 400
}
