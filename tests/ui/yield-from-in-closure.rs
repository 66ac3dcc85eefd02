use resumable::{resumable, yield_, yield_from};

#[resumable(yield = u32)]
fn one() {
    yield_!(1);
}

#[resumable(yield = u32)]
fn numbers() {
    let run = || yield_from!(one());
    run();
}

fn main() {
    for _ in numbers() {}
}
