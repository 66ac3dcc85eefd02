// The resume type is a generic argument of the returned `impl Resumable<R, ..>`, where rustc
// allows no `impl Trait`; the caller of `resume` has to name it anyway. (The yield type can be
// `impl Trait`.)
use std::fmt::Display;

use resumable::{resumable, yield_};

#[resumable(yield = impl Display, resume = Box<impl Display>)]
fn echo(#[resume] first: Box<impl Display>) {
    yield_!(first);
}

fn main() {
    let _ = echo();
}
