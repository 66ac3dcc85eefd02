//! The three versions of the seed's line reversal (programs 33, 34 and 35 of
//! `../shared/reference/lua/`), shared by `examples/reverse.rs` and `benches/events.rs` (each
//! includes this file with `#[path = "…/examples/shared/reverse.rs"] mod reverse;`).

use std::cell::{Cell, RefCell};
use std::io::{self, BufRead, Write};
use std::rc::Rc;

use resumable::events::{self, Stream, Suspend, get_line, put_line, read_line, write_line};
use resumable::{resumable, yield_from};

/// Seed 33: plain synchronous I/O.
pub(crate) fn reverse_sync(input: impl BufRead, mut output: impl Write) -> io::Result<()> {
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

    /// Keeps the first error for [`reverse_callbacks`] to return, and stops the loop.
    fn fail(&self, error: io::Error) {
        *self.error.borrow_mut() = Some(error);
        events::stop();
    }
}

/// Seed 34: callbacks on the event loop.
pub(crate) fn reverse_callbacks(inp: Stream, out: Stream) -> io::Result<()> {
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
pub(crate) fn reverse_coroutine(inp: Stream, out: Stream) -> io::Result<()> {
    let mut t = Vec::new();
    while let Some(line) = yield_from!(get_line(&inp))? {
        t.push(line);
    }
    for line in t.iter().rev() {
        yield_from!(put_line(&out, format!("{line}\n")))?;
    }
    Ok(())
}
