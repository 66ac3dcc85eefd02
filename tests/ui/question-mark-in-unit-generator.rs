// `?` in a generator that returns `()`: where the error would go is named.
use resumable::{resumable, yield_};

#[resumable(yield = u32)]
fn numbers(text: &str) {
    yield_!(text.parse()?);
    // `?` in a closure of the body is the closure's.
    let parse = |t: &str| -> Option<u32> { Some(t.parse::<u32>().ok()? + 1) };
    yield_!(parse(text).unwrap_or(0));
}

fn main() {
    for _ in numbers("1") {}
}
