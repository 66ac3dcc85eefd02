use resumable::{resumable, yield_, yield_from};

#[resumable(yield = u32, resume = String)]
fn ask(n: u32) -> String {
    yield_!(n)
}

#[resumable(yield = u32, resume = u32)]
fn body(#[resume] first: u32) -> u32 {
    let answer = yield_from!(ask(first));
    answer.len() as u32
}

fn main() {
    let _ = body();
}
