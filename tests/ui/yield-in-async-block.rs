use resumable::{resumable, yield_};

#[resumable(yield = u32)]
fn numbers() {
    let _later = async {
        yield_!(1);
    };
}

fn main() {
    for _ in numbers() {}
}
