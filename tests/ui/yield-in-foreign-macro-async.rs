// A `yield_!` hidden in another macro's arguments, inside an `async` block (async-stream issue
// 106): it must be reported, not silently left to do nothing.
use resumable::{resumable, yield_};

#[resumable(yield = u32)]
fn numbers() {
    let _futures = vec![async { yield_!(1) }];
}

fn main() {
    for _ in numbers() {}
}
