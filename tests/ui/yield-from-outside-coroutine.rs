use resumable::{resumable, yield_, yield_from};

#[resumable(yield = u32)]
fn one() {
    yield_!(1);
}

fn not_a_coroutine() {
    yield_from!(one());
}

fn main() {
    not_a_coroutine();
}
