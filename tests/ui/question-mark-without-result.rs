use resumable::{resumable, yield_};

#[resumable(yield = u32)]
fn numbers(text: &str) {
    let n: u32 = text.parse()?;
    yield_!(n);
}

fn main() {
    for _ in numbers("1") {}
}
