use resumable::{resumable, yield_};

#[resumable(yield = u32)]
fn numbers() {
    let f = |x: u32| yield_!(x);
    f(1);
}

fn main() {
    for _ in numbers() {}
}
