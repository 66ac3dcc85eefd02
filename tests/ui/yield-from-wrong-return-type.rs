use resumable::{resumable, yield_, yield_from};

#[resumable(yield = u32)]
fn count(n: u32) -> u32 {
    for i in 0..n {
        yield_!(i);
    }
    n
}

#[resumable(yield = u32)]
fn numbers() {
    let name: String = yield_from!(count(3));
    let _ = name;
}

fn main() {
    for _ in numbers() {}
}
