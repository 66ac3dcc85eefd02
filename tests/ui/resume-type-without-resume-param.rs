// `resume = u32` with no `#[resume]` parameter: the first resume's argument would have nowhere
// to go, so the fn is a helper for `yield_from!` (a `Subroutine`), not a coroutine to resume.
// Resuming it is an error; where a coroutine is expected, the error names the fix.
use core::pin::pin;
use resumable::{Coroutine, Resumable, resumable, yield_};

#[resumable(yield = u32, resume = u32)]
fn doubler() {
    let mut x = yield_!(0);
    loop {
        x = yield_!(x * 2);
    }
}

fn main() {
    let mut co = pin!(doubler());
    co.as_mut().resume(1);
    let _ = Coroutine::new(doubler());
}
