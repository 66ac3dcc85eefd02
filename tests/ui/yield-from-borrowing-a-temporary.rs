use resumable::{resumable, yield_, yield_from};

#[resumable(yield = u32)]
fn each(items: &[u32]) {
    for &i in items {
        yield_!(i);
    }
}

#[resumable(yield = u32)]
fn numbers(n: u32) {
    yield_from!(each(&vec![n, n + 1]));
}

fn main() {
    for _ in numbers(1) {}
}
