//! Lesson 3 — status, dead coroutines, `wrap` and `running`: seed 03 of
//! `../shared/reference/lua/`. It prints the seed's file name, then what Lua 5.4 prints for it,
//! except the two `thread: 0x…` addresses, which change from run to run in Lua too.
//!
//! `cargo run --example status`

use resumable::{Coroutine, Running, Wrap, coroutine, running, yield_};

fn main() {
    seed_03();
}

fn heading(seed: &str) {
    println!("=== seed {seed}.lua ===");
}

/// What Lua's `print(coroutine.running())` prints: the running thread and whether it is the
/// main one. Outside every coroutine Rust has no coroutine object; [`Running::Main`] stands for
/// this thread's main context and prints an address unique to the thread.
fn print_running(r: &Running) {
    // `*r`: `{:p}` of a `&Running` would print where the `Running` itself is.
    println!("thread: {:p}\t{}", *r, r.is_main());
}

fn seed_03() {
    heading("03_status_dead_wrap_running");
    let co: Coroutine<'_, i32, (), ()> = Coroutine::new(coroutine!(|i: i32| {
        println!("{i}");
    }));

    println!("{}", co.status()); // suspended
    assert!(co.resume(1).is_ok()); // 1
    println!("{}", co.status()); // dead
    assert!(co.resume(1).is_err()); // cannot resume dead coroutine (ignored, as in Lua)

    println!("----------");
    println!("{}", co.status()); // dead
    // Lua resumes with no argument here; Rust needs a value of the resume type. The coroutine is
    // dead, so it is dropped unread.
    match co.resume(0) {
        Ok(_) => println!("true"),
        Err(e) => println!("false\t{e}"), // false	cannot resume dead coroutine
    }

    let co: Wrap<'_, i32, (), ()> = Wrap::new(coroutine!(|i: i32| {
        println!("{i}");
    }));
    co.call(1);

    println!("----------");

    // Lua's body reads the global `co2` to ask its own status; a Rust body refers to itself
    // through `running()`, which does not keep it alive.
    let co2 = Coroutine::new(coroutine!(|()| {
        for i in 1..=10 {
            println!("{i}");
            if i == 3 {
                let me = running();
                println!("{}", me.status()); // running
                print_running(&me); // thread: 0x… false
            }
            yield_!(); // suspended here
        }
    }));

    assert!(co2.resume(()).is_ok()); // 1
    assert!(co2.resume(()).is_ok()); // 2
    assert!(co2.resume(()).is_ok()); // 3

    println!("{}", co2.status()); // suspended
    print_running(&running()); // thread: 0x… true

    println!("----------");
}
