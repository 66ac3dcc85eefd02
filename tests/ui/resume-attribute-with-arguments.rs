use resumable::{resumable, yield_};

#[resumable(yield = u32, resume = u32)]
fn numbers(#[resume(first)] x: u32) {
    yield_!(x);
}

fn main() {
    let _ = numbers();
}
