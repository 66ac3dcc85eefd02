use resumable::{coroutine, resumable, yield_, yield_from};

// A `coroutine!` closure takes the first `resume`'s argument as its parameter: it can be
// resumed, not delegated to.
#[resumable(yield = u32, resume = u32)]
fn body(#[resume] first: u32) -> u32 {
    yield_from!(coroutine!(|x: u32| yield_!(x + first)))
}

fn main() {
    let _ = body();
}
