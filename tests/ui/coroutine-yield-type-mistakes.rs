// The closure form's declared yield type: `yield = T,` before the closure.
use resumable::{coroutine, yield_};

fn main() {
    let _ = coroutine!(yield u32, || yield_!(1));
    let _ = coroutine!(yield = u32 || yield_!(1));
    let _ = coroutine!(yield = u32, || yield_!("one"));
}
