use resumable::{resumable, yield_, Resumable};

async fn fetch() -> u32 {
    1
}

#[resumable(yield = u32, resume = u32, extra = ())]
async fn numbers(start: u32, #[resume] _first: u32) -> u32 {
    let f = || yield_!(start);
    f();
    let n = fetch().await;
    let _ = async { yield_!(n) };
    start
}

fn main() {
    // Callers see the declared signature and types: no errors about them.
    let mut c = Box::pin(numbers(1));
    let _ = c.as_mut().resume(2);
}
