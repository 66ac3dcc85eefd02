use resumable::resumable;

#[resumable(yield = u32)]
fn numbers() {
    yield_!(1);
}

fn main() {
    for _ in numbers() {}
}
