use resumable::{resumable, yield_};

#[resumable(yield = u32)]
fn numbers() {
    fn helper() {
        yield_!(1);
    }
    helper();
}

fn main() {
    for _ in numbers() {}
}
