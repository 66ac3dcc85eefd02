use resumable::{resumable, yield_, yield_from};

#[resumable(yield = String)]
fn names() {
    yield_!("ada".to_owned());
}

#[resumable(yield = u32)]
fn numbers() {
    yield_!(1);
    yield_from!(names());
}

fn main() {
    for _ in numbers() {}
}
