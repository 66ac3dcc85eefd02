// `Wrap::call` hands out the return value as a yielded value; a generator returning `()` and
// yielding `u32` cannot, and the message names `call_opt`.
use resumable::{resumable, yield_, Wrap};

#[resumable(yield = u32)]
fn upto(n: u32) {
    for i in 0..n {
        yield_!(i);
    }
}

fn main() {
    let f = Wrap::new(upto(3));
    let _first: u32 = f.call(());
}
