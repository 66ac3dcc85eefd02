//! A short tour of `resumable`: a generator, values passed both ways, and a return value.
//!
//! `cargo run --example tour`

use core::pin::pin;

use resumable::{Resumable, State, coroutine, resumable, yield_};

/// A generator: yields the Fibonacci numbers below `limit`, then returns how many it yielded.
#[resumable(yield = u64)]
fn fibonacci(limit: u64) -> usize {
    let (mut a, mut b) = (0u64, 1u64);
    let mut count = 0;
    while a < limit {
        yield_!(a);
        (a, b) = (b, a + b);
        count += 1;
    }
    count
}

/// A coroutine that takes values in: each `resume(x)` adds `x` to the total and gets the running
/// total back; resuming with 0 ends it, and the final total is its return value. The first
/// `resume`'s argument arrives in the `#[resume]` parameter.
#[resumable(yield = i64, resume = i64)]
fn running_total(label: &str, #[resume] first: i64) -> String {
    let mut total = first;
    loop {
        let x = yield_!(total);
        if x == 0 {
            return format!("{label}: {total}");
        }
        total += x;
    }
}

fn main() {
    println!("1. A generator is an iterator:");
    let numbers: Vec<u64> = fibonacci(100).iter().collect();
    println!("   fibonacci below 100 = {numbers:?}");

    println!("2. Resuming step by step shows the return value too:");
    let mut fib = pin!(fibonacci(5));
    loop {
        match fib.as_mut().resume(()) {
            State::Yielded(n) => println!("   yielded {n}"),
            State::Complete(count) => {
                println!("   returned {count} (how many it yielded)");
                break;
            }
        }
    }

    println!("3. Values go both ways: resume(x) passes x in, yield_! passes the total out:");
    let mut total = pin!(running_total("sum"));
    for x in [5, 10, -3, 0] {
        match total.as_mut().resume(x) {
            State::Yielded(t) => println!("   resume({x:>2}) -> yielded {t}"),
            State::Complete(done) => println!("   resume({x:>2}) -> returned {done:?}"),
        }
    }

    println!("4. The closure form, like Lua's coroutine.create(function (a) ... end):");
    let mut greet = pin!(coroutine!(|name: &str| {
        let reply = yield_!(format!("hello, {name}"));
        format!("{name} said {reply:?}")
    }));
    if let State::Yielded(greeting) = greet.as_mut().resume("lua") {
        println!("   first resume(\"lua\")  -> yielded {greeting:?}");
    }
    if let State::Complete(summary) = greet.as_mut().resume("hi") {
        println!("   second resume(\"hi\")  -> returned {summary:?}");
    }
}
