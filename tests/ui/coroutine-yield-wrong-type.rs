use resumable::{coroutine, yield_};

fn main() {
    let _c = coroutine!(|| {
        yield_!(1u32);
        yield_!("two");
    });
}
