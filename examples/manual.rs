//! Lesson 5 — the Lua reference manual's example (§2.6), with a helper `foo` that yields on its
//! caller's behalf: seed 04 of `../shared/reference/lua/`. It prints the seed's file name, then
//! what Lua 5.4 prints, except the date, which changes from run to run in Lua too.
//!
//! `cargo run --example manual`
//!
//! `foo` yields from inside a function called by the coroutine's body. Lua's coroutines are
//! stackful, so that just works; ours are stackless, so `foo` is a `#[resumable]` fn of its own
//! and the body runs it with `yield_from!`: what `foo` yields goes out to the resumer, the next
//! resume's argument comes back in to `foo`, and `yield_from!` evaluates to what `foo` returns.

use std::time::{SystemTime, UNIX_EPOCH};

use resumable::{Coroutine, ResumeError, State, coroutine, resumable, yield_, yield_from};

fn main() {
    seed_04();
}

fn heading(seed: &str) {
    println!("=== seed {seed}.lua ===");
}

/// What the four resumes pass: two numbers, then one string, then two.
enum Passed {
    Numbers(i32, i32),
    Word(&'static str),
    Words(&'static str, &'static str),
}

/// Lua's `print("main", coroutine.resume(co, ...))`. The body yields one number, then two, so
/// it yields a `Vec`; it returns a number and a string, a tuple.
fn print_main(result: Result<State<Vec<i32>, (i32, &str)>, ResumeError>) {
    match result {
        Ok(State::Yielded(values)) => {
            let values: Vec<String> = values.iter().map(ToString::to_string).collect();
            println!("main\ttrue\t{}", values.join("\t"));
        }
        Ok(State::Complete((b, s))) => println!("main\ttrue\t{b}\t{s}"),
        Err(e) => println!("main\tfalse\t{e}"),
    }
}

/// Prints, then yields on its caller's behalf; returns what the next resume passes.
#[resumable(yield = Vec<i32>, resume = Passed)]
fn foo(a: i32) -> Passed {
    println!("foo 函数输出\t{a}");
    println!("执行次数\t1\t{}", os_date());
    yield_!(vec![2 * a]) // return coroutine.yield(2 * a)
}

fn seed_04() {
    heading("04_manual_foo_example_with_date");
    let co = Coroutine::new(coroutine!(|first: Passed| {
        let Passed::Numbers(a, b) = first else {
            unreachable!()
        };
        println!("第一次协同程序执行输出\t{a}\t{b}"); // co-body 1 10

        let r = yield_from!(foo(a + 1));
        let Passed::Word(r) = r else { unreachable!() };

        println!("第二次协同程序执行输出\t{r}");
        let Passed::Words(r, s) = yield_!(vec![a + b, a - b]) else {
            unreachable!()
        };

        println!("第三次协同程序执行输出\t{r}\t{s}");
        (b, "结束协同程序")
    }));

    print_main(co.resume(Passed::Numbers(1, 10))); // true 4
    println!("--分割线----");
    print_main(co.resume(Passed::Word("r"))); // true 11 -9
    println!("---分割线---");
    print_main(co.resume(Passed::Words("x", "y"))); // true 10 end
    println!("---分割线---");
    print_main(co.resume(Passed::Words("x", "y"))); // cannot resume dead coroutine
    println!("---分割线---");
}

/// Lua's `os.date()`: the time now as `%c` formats it in the C locale, e.g.
/// `Mon Nov 23 05:28:31 2026`. Lua uses the local time zone; this prints UTC, to stay free of
/// time-zone dependencies.
fn os_date() -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let weekday = DAYS[usize::try_from(days % 7).unwrap_or(0)];
    // Civil date from days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    let month = MONTHS[usize::try_from(month - 1).unwrap_or(0)];
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    format!("{weekday} {month} {day:>2} {h:02}:{m:02}:{s:02} {year}")
}
