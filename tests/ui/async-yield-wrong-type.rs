use resumable::{resumable, yield_};

#[resumable(async, yield = u32)]
fn ticks() {
    let s = core::future::ready("one").await;
    yield_!(s);
}

fn main() {
    let _ = ticks();
}
