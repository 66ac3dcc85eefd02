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

use std::cell::{Cell, RefCell};
use std::io::{self, BufRead, Read, Write};
use std::rc::Rc;

use resumable::events::{self, Stream, Suspend, get_line, put_line, read_line, write_line};
use resumable::{resumable, yield_from};

/// Seed 33: plain synchronous I/O.
fn reverse_sync(input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    let mut t = Vec::new();
    for line in input.lines() {
        t.push(line?);
    }
    for line in t.iter().rev() {
        writeln!(output, "{line}")?;
    }
    output.flush()
}

/// Seed 34's state: the lines read, and the next one to write (counting down from the end).
struct Reverse {
    inp: Stream,
    out: Stream,
    t: RefCell<Vec<String>>,
    i: Cell<usize>,
    error: RefCell<Option<io::Error>>,
}

impl Reverse {
    /// The seed's `putline`: the event handler for writing lines.
    fn put_line(self: Rc<Self>) {
        self.i.set(self.i.get() - 1);
        if self.i.get() == 0 {
            events::stop();
        } else {
            let line = format!("{}\n", self.t.borrow()[self.i.get() - 1]);
            let this = self.clone();
            write_line(&self.out, line, move |result| match result {
                Ok(()) => this.put_line(),
                Err(error) => this.fail(error),
            });
        }
    }

    /// The seed's `getline`: the event handler for reading lines.
    fn get_line(self: Rc<Self>) {
        let this = self.clone();
        read_line(&self.inp, move |line| match line {
            Ok(Some(line)) => {
                this.t.borrow_mut().push(line);
                this.get_line();
            }
            Ok(None) => {
                this.i.set(this.t.borrow().len() + 1);
                this.put_line();
            }
            Err(error) => this.fail(error),
        });
    }

    fn fail(&self, error: io::Error) {
        *self.error.borrow_mut() = Some(error);
        events::stop();
    }
}

/// Seed 34: callbacks on the event loop.
fn reverse_callbacks(inp: Stream, out: Stream) -> io::Result<()> {
    let state = Rc::new(Reverse {
        inp,
        out,
        t: RefCell::new(Vec::new()),
        i: Cell::new(0),
        error: RefCell::new(None),
    });
    state.clone().get_line();
    events::run_loop()?;
    state.error.borrow_mut().take().map_or(Ok(()), Err)
}

/// Seed 35: the loop of seed 33, in a coroutine on the event loop.
#[resumable(yield = Suspend)]
fn reverse_coroutine(inp: Stream, out: Stream) -> io::Result<()> {
    let mut t = Vec::new();
    while let Some(line) = yield_from!(get_line(&inp))? {
        t.push(line);
    }
    for line in t.iter().rev() {
        yield_from!(put_line(&out, format!("{line}\n")))?;
    }
    Ok(())
}

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
