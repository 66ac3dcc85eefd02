use resumable::{resumable, yield_};

#[resumable(yield = &'a u8)]
fn each<'a>(bytes: &'a [u8]) {
    for b in bytes {
        yield_!(b);
    }
}

fn main() {
    let _ = each(&[1, 2]);
}
