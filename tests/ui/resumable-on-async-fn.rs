use resumable::{resumable, yield_};

#[resumable(yield = u32)]
async fn numbers() {
    yield_!(1);
}

fn main() {
    for _ in numbers() {}
}
