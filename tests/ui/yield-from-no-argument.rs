use resumable::{resumable, yield_from};

#[resumable(yield = u32)]
fn numbers() {
    yield_from!();
}

fn main() {
    for _ in numbers() {}
}
