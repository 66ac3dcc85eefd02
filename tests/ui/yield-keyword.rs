// The `yield` keyword is not ours: `yield_!` is.
use resumable::resumable;

#[resumable(yield = u32)]
fn numbers() {
    yield 1;
}

fn main() {
    for _ in numbers() {}
}
