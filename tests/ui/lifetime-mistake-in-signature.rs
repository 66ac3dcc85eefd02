// A borrowed argument the coroutine keeps, with a lifetime mistake in the signature.
use resumable::{resumable, yield_};

#[resumable(yield = &'a str)]
fn words<'a>(text: &'a str, extra: &str) {
    for w in text.split(' ') {
        yield_!(w);
    }
    yield_!(extra);
}

fn main() {
    for _ in words("a b", "c") {}
}
