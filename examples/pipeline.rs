//! Producer → filter → consumer over standard input: the seed programs 12, 13, 14, 28, 29 and
//! `producer_filter_consumer_eof` of `../shared/reference/lua/`, ported to `resumable::pipe`.
//!
//! ```text
//! cargo run --example pipeline -- [--debug] [SEED...] < input.txt
//! ```
//!
//! SEED is `12`, `13`, `14`, `28`, `29` or `eof`; without one, all run in that order (standard
//! input is then read once and each seed reads its own copy). Each prints
//! `=== seed NAME.lua ===` first. `--debug` turns on the seeds' debug prints
//! (`我进来了吗?1`, `echo 3`, `why ?`, …), which Lua prints unconditionally.
//!
//! Where ours differs from Lua, on purpose: at the end of input Lua's producer sends `nil`
//! forever. Seeds 12 and 28 then fail in `io.write(nil)`, and the filters of 14 and 29 format
//! `nil` as `    4 nil`, `    5 nil`, … without end (their goldens are cut by `head`). Ours
//! end cleanly instead: the producer returns, so the filter's `yield_!(Receive)` gives `None`, the
//! filter returns, and the consumer's loop ends. The output is Lua's up to that point.

use std::fmt::Display;
use std::io::{BufRead, Cursor, Read};
use std::pin::pin;

use resumable::pipe::Step::{self, Emit, Receive};
use resumable::pipe::{Filter, Iter, Pull, Sink, for_each};
use resumable::{Coroutine, State, resumable, yield_};

/// Whether the seeds' debug prints are on.
#[derive(Debug, Clone, Copy)]
struct Debug(bool);

impl Debug {
    fn say(self, message: impl Display) {
        if self.0 {
            println!("{message}");
        }
    }
}

/// Lua's `io.read()`: the next line without its newline, or `None` at the end of input.
fn read_line(input: &mut impl BufRead) -> Option<String> {
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => {
            if line.ends_with('\n') {
                line.pop();
                if line.ends_with('\r') {
                    line.pop();
                }
            }
            Some(line)
        }
    }
}

/// Lua's `io.write(x, "\n")`.
fn write(line: impl Display) {
    println!("{line}");
}

/// The producer of seeds 12, 13, 28, 29 and `eof`: sends each line read. With `debug`, seed 12's
/// prints around the send; Lua prints the first one even after reading `nil`, and so do we.
#[resumable(yield = String)]
fn producer<R: BufRead>(mut input: R, debug: Debug) {
    loop {
        let line = read_line(&mut input);
        debug.say("我进来了吗?1");
        let Some(line) = line else { return };
        yield_!(line);
        debug.say("我进来了吗?2");
    }
}

/// Seed 14's producer: `echo 3` once, then each line read.
#[resumable(yield = String)]
fn producer_echo<R: BufRead>(mut input: R, debug: Debug) {
    debug.say("echo 3");
    while let Some(line) = read_line(&mut input) {
        yield_!(line);
    }
}

/// Lua's `receive` prints of seed 14, after the value arrived.
fn received(debug: Debug, value: Option<&str>) {
    debug.say("echo 1");
    debug.say(format_args!("value is\t{}", value.unwrap_or("nil")));
}

/// The filter: numbers lines with `%5d %s`. It stops when its input ends, where Lua's formats
/// `nil` forever. With `debug`, seed 14's prints.
#[resumable(yield = Step<String>, resume = Option<String>)]
fn numbered(#[resume] _start: Option<String>, debug: Debug) {
    let mut n = 1;
    loop {
        debug.say("echo ");
        let line = yield_!(Receive);
        received(debug, line.as_deref());
        let Some(line) = line else { return };
        yield_!(Emit(format!("{n:5} {line}")));
        n += 1;
    }
}

/// Seed 12: a consumer pulls from a producer (with `--debug`, the seed's prints).
fn seed_12(input: impl BufRead, debug: Debug) {
    producer(input, debug).for_each(write);
}

/// Seed 13: one resume of the producer, through the Lua-style handle.
fn seed_13(input: impl BufRead) {
    let co = Coroutine::new(producer(input, Debug(false)));
    println!("{}", co.status());
    match co.resume(()) {
        Ok(State::Yielded(line)) => println!("true\t{line}"),
        Ok(State::Complete(())) => println!("true"),
        Err(e) => println!("false\t{e}"),
    }
}

/// Seed 14: producer → filter → consumer, the consumer pulling step by step with the seed's
/// prints around each `receive`.
fn seed_14(input: impl BufRead, debug: Debug) {
    let pipeline = pin!(producer_echo(input, debug).pipe(numbered(debug)));
    let mut lines = Iter::new(pipeline);
    loop {
        debug.say("why ?");
        let line = lines.next();
        received(debug, line.as_deref());
        let Some(line) = line else { break };
        debug.say("echo 2");
        write(line);
    }
}

/// Seed 28: the producer as a plain iterator in a `for` loop.
fn seed_28(input: impl BufRead) {
    for line in producer(input, Debug(false)) {
        write(line);
    }
}

/// Seed 29: `consumer(filter(producer()))`, pulled.
fn seed_29(input: impl BufRead) {
    producer(input, Debug(false))
        .pipe(numbered(Debug(false)))
        .for_each(write);
}

/// `producer_filter_consumer_eof`: the same filter driven the other way: the producer is a loop
/// that pushes each line into filter → consumer, and the end of input flushes it.
fn seed_eof(mut input: impl BufRead) {
    let mut sink = pin!(numbered(Debug(false)).sink(for_each(write)));
    while let Some(line) = read_line(&mut input) {
        if !sink.as_mut().push(line) {
            break;
        }
    }
    sink.finish();
}

const SEEDS: &[(&str, &str)] = &[
    ("12", "12_producer_consumer_debug_prints"),
    ("13", "13_producer_send_single_step"),
    ("14", "14_producer_filter_consumer_debug_prints"),
    ("28", "28_producer_consumer_global_coroutine"),
    ("29", "29_producer_filter_consumer"),
    ("eof", "producer_filter_consumer_eof"),
];

fn run(seed: &str, input: impl BufRead, debug: Debug) {
    match seed {
        "12" => seed_12(input, debug),
        "13" => seed_13(input),
        "14" => seed_14(input, debug),
        "28" => seed_28(input),
        "29" => seed_29(input),
        _ => seed_eof(input),
    }
}

fn main() {
    let mut debug = Debug(false);
    let mut chosen = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--debug" {
            debug = Debug(true);
        } else if let Some(&(key, name)) = SEEDS.iter().find(|(key, _)| *key == arg) {
            chosen.push((key, name));
        } else {
            eprintln!("usage: pipeline [--debug] [12|13|14|28|29|eof]...");
            std::process::exit(2);
        }
    }
    if let [(key, name)] = chosen[..] {
        println!("=== seed {name}.lua ===");
        run(key, std::io::stdin().lock(), debug);
        return;
    }
    if chosen.is_empty() {
        chosen.extend_from_slice(SEEDS);
    }
    let mut text = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut text) {
        eprintln!("cannot read standard input: {e}");
        std::process::exit(1);
    }
    for (key, name) in chosen {
        println!("=== seed {name}.lua ===");
        run(key, Cursor::new(&text[..]), debug);
    }
}
