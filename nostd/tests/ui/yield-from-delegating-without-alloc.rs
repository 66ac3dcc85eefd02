use resumable::{resumable, yield_, yield_from};

#[resumable(yield = u32)]
fn leaf(n: u32) {
    yield_!(n);
}

/// Delegates itself, so it would run as a frame on the heap.
#[resumable(yield = u32)]
fn middle(n: u32) {
    yield_from!(leaf(n));
}

#[resumable(yield = u32)]
fn top() {
    yield_from!(leaf(1)); // fine: a leaf is polled in place
    yield_from!(middle(2));
}

fn main() {
    let _ = top();
}
