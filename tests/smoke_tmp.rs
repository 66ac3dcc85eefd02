//! Smoke test.
use core::pin::pin;
use resumable::{Resumable, State, coroutine, resumable, yield_};

#[resumable(yield = u64, resume = u64)]
fn running_sum(start: u64, #[resume] first: u64) -> u64 {
    let mut total = start + first;
    loop {
        let x = yield_!(total);
        if x == 0 {
            return total;
        }
        total += x;
    }
}

#[resumable(yield = u32)]
fn parse_all<'a>(words: &'a [&'a str]) -> Result<u32, std::num::ParseIntError> {
    let mut n = 0;
    for w in words {
        let v: u32 = w.parse()?;
        yield_!(v);
        n += 1;
    }
    Ok(n)
}

#[test]
fn smoke() {
    let mut c = pin!(running_sum(10));
    assert_eq!(c.as_mut().resume(1), State::Yielded(11));
    assert_eq!(c.as_mut().resume(2), State::Yielded(13));
    assert_eq!(c.as_mut().resume(0), State::Complete(13));
    let v: Vec<u32> = parse_all(&["1", "2"]).into_iter().collect();
    assert_eq!(v, [1, 2]);
    let mut outer = 5;
    let c = coroutine!(|a: i32| {
        outer += 1;
        let b = yield_!(a + 1);
        println!("{}", yield_!(b * 2));
        a + b
    });
    let mut c = pin!(c);
    assert_eq!(c.as_mut().resume(1), State::Yielded(2));
    assert_eq!(c.as_mut().resume(10), State::Yielded(20));
    assert_eq!(c.as_mut().resume(0), State::Complete(11));
    drop(c);
    assert_eq!(outer, 6);
}
