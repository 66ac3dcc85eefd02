// `yield_from!` delegates to a coroutine, not to an iterator (Python's `yield from range(3)`):
// one error, on the argument, that names the loop to write instead.
use resumable::{resumable, yield_, yield_from};

#[resumable(yield = u32)]
fn numbers() {
    yield_!(7);
    yield_from!(0..3);
    yield_from!(vec![1, 2]);
}

fn main() {
    for _ in numbers() {}
}
