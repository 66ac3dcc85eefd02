use resumable::{resumable, yield_};

async fn fetch() -> u32 {
    1
}

#[resumable(yield = u32)]
fn numbers() {
    let n = fetch().await;
    yield_!(n);
}

fn main() {
    for _ in numbers() {}
}
