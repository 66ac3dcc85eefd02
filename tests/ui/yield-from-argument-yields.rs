use resumable::{resumable, yield_, yield_from};

#[resumable(yield = u32)]
fn count(n: u32) {
    for i in 0..n {
        yield_!(i);
    }
}

#[resumable(yield = u32, resume = u32)]
fn body(#[resume] first: u32) {
    yield_from!(count(yield_!(first)));
}

fn main() {
    let _ = body();
}
