//! Word frequencies with `resumable::pipe`: lines → tokenize → lowercase → count, then the most
//! frequent words.
//!
//! ```text
//! cargo run --example wordfreq -- [--push] [--top N] [FILE]
//! ```
//!
//! Without FILE it counts the words of this crate's README (built in). By default the pipeline
//! is pulled: the counting loop pulls from the filters, which pull lines from the file. With
//! `--push` the same two filters run the other way: a loop reads the file and pushes each line
//! into them, and the counter is a coroutine fed through its resume argument. Both print the
//! same table: `count word`, most frequent first, ties in alphabetical order.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::pin::pin;

use resumable::pipe::Step::{self, Emit, Receive};
use resumable::pipe::{Filter, Pull, Sink, consumer, from_iter};
use resumable::{resumable, yield_};

/// Splits lines into words: runs of letters, digits and apostrophes inside a word.
#[resumable(yield = Step<String>, resume = Option<String>)]
fn tokenize(#[resume] _start: Option<String>) {
    while let Some(line) = yield_!(Receive) {
        let words = line
            .split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .map(|w| w.trim_matches('\''))
            .filter(|w| !w.is_empty());
        for word in words {
            yield_!(Emit(word.to_owned()));
        }
    }
}

/// Lowercases each word.
#[resumable(yield = Step<String>, resume = Option<String>)]
fn lowercase(#[resume] _start: Option<String>) {
    while let Some(word) = yield_!(Receive) {
        yield_!(Emit(word.to_lowercase()));
    }
}

/// The push-driven counter: resumed with each word (the first in its parameter), then with
/// `None` at the end of input; returns the counts.
#[resumable(yield = (), resume = Option<String>)]
fn count(#[resume] mut next: Option<String>) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    while let Some(word) = next {
        *counts.entry(word).or_insert(0) += 1;
        next = yield_!();
    }
    counts
}

/// Pulled: the fold at the end pulls words through the filters, which pull lines.
fn count_pulled(lines: impl Iterator<Item = String>) -> HashMap<String, usize> {
    from_iter(lines)
        .pipe(tokenize())
        .pipe(lowercase())
        .fold(HashMap::new(), |mut counts, word| {
            *counts.entry(word).or_insert(0) += 1;
            counts
        })
}

/// Pushed: a loop pushes lines into the same filters, in front of the counter coroutine.
fn count_pushed(lines: impl Iterator<Item = String>) -> HashMap<String, usize> {
    let mut sink = pin!(tokenize().then(lowercase()).sink(consumer(count())));
    for line in lines {
        if !sink.as_mut().push(line) {
            break;
        }
    }
    sink.finish()
}

fn main() {
    let mut push = false;
    let mut top = 10;
    let mut file = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--push" => push = true,
            "--top" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => top = n,
                None => usage(),
            },
            _ if arg.starts_with("--") => usage(),
            _ => file = Some(arg),
        }
    }
    let text: Box<dyn BufRead> = match &file {
        Some(path) => match std::fs::File::open(path) {
            Ok(f) => Box::new(BufReader::new(f)),
            Err(e) => {
                eprintln!("cannot open {path}: {e}");
                std::process::exit(1);
            }
        },
        None => Box::new(include_str!("../README.md").as_bytes()),
    };
    let lines = text.lines().map_while(Result::ok);
    let counts = if push {
        count_pushed(lines)
    } else {
        count_pulled(lines)
    };
    let mut table: Vec<(String, usize)> = counts.into_iter().collect();
    table.sort_by(|(wa, ca), (wb, cb)| cb.cmp(ca).then_with(|| wa.cmp(wb)));
    for (word, n) in table.into_iter().take(top) {
        println!("{n:7} {word}");
    }
}

fn usage() -> ! {
    eprintln!("usage: wordfreq [--push] [--top N] [FILE]");
    std::process::exit(2);
}
