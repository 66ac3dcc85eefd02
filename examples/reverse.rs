//! Reverse the lines of standard input three ways: the seed programs 33, 34 and 35 of
//! `../shared/reference/lua/`, ported to `resumable::events`.
//!
//! ```text
//! cargo run --example reverse -- [sync|callbacks|coroutines] < lines.txt
//! ```
//!
//! - `sync` (seed 33): read every line, then write them in reverse order, with blocking I/O.
//! - `callbacks` (seed 34): the same on the seed's callback library: the loop shatters into a
//!   read callback and a write callback that re-arm themselves.
//! - `coroutines` (seed 35): the loop of `sync`, written straight, in a coroutine on the same
//!   callback library: `get_line` / `put_line` look blocking, the callbacks resume it.
//!
//! With one of them, it reads standard input itself. Without, all three run in that order,
//! each on its own copy of standard input fed through a pipe. Each prints
//! `=== seed NAME.lua ===` first.

use std::io::{self, Read, Write};

use resumable::events::{self, Stream};

// The three versions (seeds 33, 34 and 35) are in `shared/reverse.rs`, which the events bench
// runs too.
#[path = "shared/reverse.rs"]
mod reverse;

use reverse::{reverse_callbacks, reverse_coroutine, reverse_sync};

/// Runs one version on `input` (standard input when `None`), writing to standard output.
fn run(version: &str, input: Option<Vec<u8>>) -> io::Result<()> {
    let seed = match version {
        "sync" => "33_reverse_lines_sync",
        "callbacks" => "34_event_driven_reverse_callbacks",
        "coroutines" => "35_event_driven_reverse_coroutines",
        other => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("unknown version {other:?}: expected sync, callbacks or coroutines"),
            ));
        }
    };
    println!("=== seed {seed}.lua ===");
    io::stdout().flush()?;
    if version == "sync" {
        let stdout = io::stdout().lock();
        return match input {
            Some(bytes) => reverse_sync(&bytes[..], stdout),
            None => reverse_sync(io::stdin().lock(), stdout),
        };
    }
    // Feed a copy through a pipe, from a thread, so the version reads a real pipe.
    let (inp, feeder) = match input {
        Some(bytes) => {
            let (reader, mut writer) = io::pipe()?;
            let feeder = std::thread::spawn(move || writer.write_all(&bytes));
            (Stream::new(reader)?, Some(feeder))
        }
        None => (Stream::stdin()?, None),
    };
    let out = Stream::stdout()?;
    let result = if version == "callbacks" {
        reverse_callbacks(inp, out)
    } else {
        events::run(reverse_coroutine(inp, out))
    };
    if let Some(feeder) = feeder {
        feeder.join().expect("the feeder does not panic")?;
    }
    result
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        let mut input = Vec::new();
        io::stdin().read_to_end(&mut input)?;
        for version in ["sync", "callbacks", "coroutines"] {
            run(version, Some(input.clone()))?;
        }
        Ok(())
    } else {
        for version in &args {
            run(version, None)?;
        }
        Ok(())
    }
}
