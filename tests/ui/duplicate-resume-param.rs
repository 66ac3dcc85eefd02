use resumable::{resumable, yield_};

#[resumable(yield = u32, resume = u32)]
fn numbers(#[resume] first: u32, #[resume] second: u32) {
    yield_!(first + second);
}

fn main() {
    let _ = numbers();
}
