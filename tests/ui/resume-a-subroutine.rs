use core::pin::pin;
use resumable::{resumable, yield_, Resumable};

// No `#[resume]` parameter and `resume = u64`: a helper to delegate to, not a coroutine to
// resume (its first `resume`'s argument would have nowhere to go).
#[resumable(yield = u64, resume = u64)]
fn running_sum(start: u64) -> u64 {
    let mut total = start;
    loop {
        let x = yield_!(total);
        if x == 0 {
            return total;
        }
        total += x;
    }
}

fn main() {
    let mut sum = pin!(running_sum(1));
    let _ = sum.as_mut().resume(5);
}
