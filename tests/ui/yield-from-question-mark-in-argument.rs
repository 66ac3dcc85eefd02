use resumable::{Resumable, resumable, yield_, yield_from};

#[resumable(yield = u32)]
fn count(n: u32) {
    for i in 0..n {
        yield_!(i);
    }
}

#[resumable(yield = u32)]
fn parse_and_count(text: &str) -> Result<(), std::num::ParseIntError> {
    yield_from!(count(text.parse()?));
    Ok(())
}

fn main() {
    for _ in parse_and_count("3").try_iter() {}
}
