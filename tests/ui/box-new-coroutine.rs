// A coroutine boxed with `Box::new` is not pinned, so it is not a coroutine any more; the
// message says to use `.boxed()` or `Box::pin`.
use resumable::{resumable, yield_, Coroutine, Resumable};

#[resumable(yield = u32)]
fn upto(n: u32) {
    for i in 0..n {
        yield_!(i);
    }
}

fn main() {
    let boxed: Box<dyn Resumable<(), Yield = u32, Return = ()>> = Box::new(upto(3));
    let _handle = Coroutine::new(boxed);
}
