// A bare `#[resumable]` yields `()`: yielding a value names `yield = Type`.
use resumable::{resumable, yield_};

#[resumable]
fn numbers() {
    yield_!(1u32);
    yield_!(2u32);
}

fn main() {
    for _ in numbers() {}
}
