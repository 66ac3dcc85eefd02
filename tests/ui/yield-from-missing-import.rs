use resumable::{resumable, yield_};

#[resumable(yield = u32)]
fn one() {
    yield_!(1);
}

#[resumable(yield = u32)]
fn numbers() {
    yield_from!(one());
}

fn main() {
    for _ in numbers() {}
}
