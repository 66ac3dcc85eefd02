use resumable::{resumable, yield_, yield_from};

#[resumable(yield = u32)]
fn one() {
    yield_!(1);
}

#[resumable(yield = u32)]
fn numbers() {
    yield_from!(one(), one());
}

fn main() {
    for _ in numbers() {}
}
