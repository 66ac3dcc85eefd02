use resumable::{coroutine, yield_};

fn main() {
    let _c = coroutine!(|text: &str| {
        let n: u32 = text.parse()?;
        yield_!(n);
    });
}
