use resumable::{resumable, yield_};

macro_rules! twice {
    ($($t:tt)*) => { $($t)* $($t)* };
}

#[resumable(yield = u32)]
fn numbers() {
    twice!(let _x = yield_!(1););
}

fn main() {
    twice!(for _ in numbers() {});
}
