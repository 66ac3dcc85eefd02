use resumable::{resumable, yield_};

struct Counter;

impl Counter {
    #[resumable(yield = u32, resume = u32)]
    fn count(#[resume] &self) {
        yield_!(1);
    }
}

fn main() {
    let _ = Counter.count();
}
