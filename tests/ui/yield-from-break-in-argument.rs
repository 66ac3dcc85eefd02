use resumable::{resumable, yield_, yield_from};

#[resumable(yield = u32)]
fn count(n: u32) {
    for i in 0..n {
        yield_!(i);
    }
}

#[resumable(yield = u32)]
fn counts(sizes: Vec<Option<u32>>) {
    for size in sizes {
        yield_from!(count(match size {
            Some(n) => n,
            None => break,
        }));
    }
}

fn main() {
    for _ in counts(vec![Some(2), None]) {}
}
