use resumable::{resumable, yield_};

// The yield type written without its key.
#[resumable(Vec<&'static str>)]
fn words() {
    yield_!(vec!["a"]);
}

// The key written like a call.
#[resumable(yield(u32))]
fn numbers() {
    yield_!(1);
}

fn main() {
    for _ in words() {}
    for _ in numbers() {}
}
