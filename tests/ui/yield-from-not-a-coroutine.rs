use resumable::{resumable, yield_from};

// `yield_from!` runs a coroutine, not an iterator: Python's `yield from range(3)` is a loop here.
#[resumable(yield = u32)]
fn numbers() {
    yield_from!(0..3);
}

fn main() {
    for _ in numbers() {}
}
