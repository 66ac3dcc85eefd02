use resumable::{resumable, yield_, yield_from};

// Has a `#[resume]` parameter: it takes the first `resume`'s argument itself, so it can only be
// resumed, not delegated to (the argument would have nowhere to come from).
#[resumable(yield = u32, resume = u32)]
fn running_sum(#[resume] first: u32) -> u32 {
    let mut total = first;
    while total < 100 {
        total += yield_!(total);
    }
    total
}

#[resumable(yield = u32, resume = u32)]
fn body(#[resume] first: u32) -> u32 {
    yield_from!(running_sum()) + first
}

fn main() {
    let _ = body();
}
