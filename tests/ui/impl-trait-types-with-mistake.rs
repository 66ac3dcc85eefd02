// A broken coroutine whose types cannot be named in its body (`impl Trait`) still raises only
// our error, and its callers compile.
use std::fmt::Display;

use resumable::{resumable, yield_};

#[resumable(yield = impl Display)]
async fn labels() -> impl Display {
    yield_!(1);
    "done"
}

fn main() {
    for label in labels() {
        println!("{label}");
    }
}
