use resumable::{coroutine, yield_};

fn main() {
    let _c = coroutine!(|| -> u32 {
        yield_!(1u32);
        "done"
    });
}
