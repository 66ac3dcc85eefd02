use resumable::{coroutine, yield_};

fn main() {
    let _co = coroutine!(|x: u32| {
        let y = core::future::ready(x).await;
        yield_!(y);
    });
}
