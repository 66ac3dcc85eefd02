use resumable::{coroutine, yield_};

fn main() {
    let c = coroutine!(async |x: u32| {
        yield_!(x);
    });
    // The broken coroutine's uses raise no further errors.
    for _ in c {}
}
