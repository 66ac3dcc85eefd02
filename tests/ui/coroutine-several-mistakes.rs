use resumable::{coroutine, yield_};

async fn fetch() -> u32 {
    1
}

fn main() {
    let c = coroutine!(|a: u32, b: u32| {
        let f = || yield_!(a);
        f();
        yield_!(fetch().await + b);
    });
    // The broken coroutine's uses raise no further errors.
    for _ in c {}
}
