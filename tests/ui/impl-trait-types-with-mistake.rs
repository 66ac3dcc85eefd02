// A broken coroutine whose types cannot be named in its body (`impl Trait`) still raises only
// our error, and its callers compile.
use std::fmt::Display;

use resumable::{Resumable, resumable, yield_};

#[resumable(yield = impl Display)]
async fn labels() -> impl Display {
    yield_!(1);
    "done"
}

fn main() {
    for label in labels().iter() {
        println!("{label}");
    }
}
