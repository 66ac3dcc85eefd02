use resumable::{resumable, yield_};

#[resumable(async, yield = u32)]
fn ticks() {
    let inner = async {
        yield_!(1);
    };
    inner.await;
}

fn main() {
    let _ = ticks();
}
