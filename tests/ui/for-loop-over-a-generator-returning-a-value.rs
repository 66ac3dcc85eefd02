// A generator that returns a value is not an iterator itself, so that a `for` loop cannot drop
// the value unseen (here an error from `?`); `.iter()` and `.try_iter()` keep it.
use resumable::{resumable, yield_};

#[resumable(yield = &'static str)]
fn words() -> Result<(), &'static str> {
    yield_!("a");
    Err("b")?;
    Ok(())
}

fn main() {
    let _: Vec<_> = words().into_iter().collect();
    for _ in words() {}
}
