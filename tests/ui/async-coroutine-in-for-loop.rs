use resumable::{resumable, yield_};

#[resumable(async, yield = u32)]
fn ticks() {
    yield_!(1);
}

fn main() {
    // An async generator is a `Stream`, not an iterator.
    for _ in ticks() {}
}
