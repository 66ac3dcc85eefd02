use resumable::{resumable, yield_};

#[resumable(yield = u32, output = u32)]
fn numbers() {
    yield_!(1);
}

fn main() {
    for _ in numbers() {}
}
