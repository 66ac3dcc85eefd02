use resumable::{resumable, yield_};

#[resumable(yield = u64, resume = u64)]
fn running_sum(start: u64) -> u64 {
    let mut total = start;
    loop {
        let x = yield_!(total);
        if x == 0 {
            return total;
        }
        total += x;
    }
}

fn main() {
    let _ = running_sum(1);
}
