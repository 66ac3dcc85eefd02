use resumable::{Resumable, resumable, yield_};

#[resumable(yield = u32)]
fn numbers(fail: bool) -> u32 {
    yield_!(1);
    if fail {
        return "early";
    }
    "late"
}

fn main() {
    for _ in numbers(false).iter() {}
}
