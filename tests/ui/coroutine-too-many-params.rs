use resumable::{coroutine, yield_, Resumable};

fn main() {
    let mut c = Box::pin(coroutine!(|a: u32, b: u32, c: u32| {
        yield_!(a + b + c);
    }));
    // The broken coroutine's uses raise no further errors.
    let _ = c.as_mut().resume(1);
}
