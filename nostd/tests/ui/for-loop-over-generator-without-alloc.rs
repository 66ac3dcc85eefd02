use resumable::{resumable, yield_};

#[resumable(yield = u32)]
fn count() {
    yield_!(1);
}

fn main() {
    for _ in count() {}
}
