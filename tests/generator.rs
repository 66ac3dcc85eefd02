//! Generators (`resume = ()`) as iterators: `for x in generator()` through the boxed
//! `IntoIterator`, `resumable::Iter` over a generator pinned on the stack, fusing after the end,
//! and `Iter::returned`.

use core::cell::Cell;
use core::pin::pin;

use resumable::{Iter, Resumable, State, coroutine, resumable, yield_};

#[resumable(yield = u64)]
fn fibonacci(count: usize) -> usize {
    let (mut a, mut b) = (0, 1);
    for _ in 0..count {
        yield_!(a);
        (a, b) = (b, a + b);
    }
    count
}

#[test]
fn for_loop_over_a_generator() {
    let mut seen = Vec::new();
    for x in fibonacci(8).iter() {
        seen.push(x);
    }
    assert_eq!(seen, [0, 1, 1, 2, 3, 5, 8, 13]);
}

#[test]
fn generator_with_iterator_adapters() {
    let evens: Vec<u64> = fibonacci(12).iter().filter(|x| x % 2 == 0).collect();
    assert_eq!(evens, [0, 2, 8, 34]);
    let zipped: Vec<(u64, u64)> = fibonacci(3).iter().zip(fibonacci(5).iter()).collect();
    assert_eq!(zipped, [(0, 0), (1, 1), (1, 1)]);
    assert_eq!(fibonacci(0).iter().next(), None);
}

#[test]
fn into_iter_is_fused_after_the_end() {
    let mut it = fibonacci(2).iter();
    assert_eq!(it.next(), Some(0));
    assert_eq!(it.next(), Some(1));
    // Resuming the finished generator would panic; the iterator must not do it.
    for _ in 0..3 {
        assert_eq!(it.next(), None);
    }
}

#[test]
fn iter_over_a_generator_pinned_on_the_stack() {
    let generator = pin!(fibonacci(5));
    let collected: Vec<u64> = Iter::new(generator).collect();
    assert_eq!(collected, [0, 1, 1, 2, 3]);
    // Within one statement, `pin!` can be the argument itself.
    assert_eq!(Iter::new(pin!(fibonacci(4))).sum::<u64>(), 4);
}

#[test]
fn iter_is_fused_and_gives_back_the_return_value_once() {
    // `pin!` in a `let` of its own: as a call argument its temporary would not outlive the
    // statement.
    let generator = pin!(fibonacci(3));
    let mut it = Iter::new(generator);
    assert_eq!(it.returned(), None, "not finished yet");
    assert_eq!(it.next(), Some(0));
    assert_eq!(it.returned(), None, "not finished yet");
    assert_eq!(it.by_ref().collect::<Vec<_>>(), [1, 1]);
    for _ in 0..3 {
        assert_eq!(it.next(), None);
    }
    assert_eq!(it.returned(), Some(3));
    assert_eq!(it.returned(), None, "taken by the first call");
    assert_eq!(it.next(), None);
}

#[test]
fn iter_can_stop_early_and_the_generator_resumes_where_it_was() {
    let mut generator = pin!(fibonacci(6));
    let first_three: Vec<u64> = Iter::new(generator.as_mut()).take(3).collect();
    assert_eq!(first_three, [0, 1, 1]);
    assert_eq!(generator.as_mut().resume(()), State::Yielded(2));
    let mut rest = Iter::new(generator.as_mut());
    assert_eq!(rest.by_ref().collect::<Vec<_>>(), [3, 5]);
    assert_eq!(rest.returned(), Some(6));
}

#[test]
fn closure_generators_are_iterators_too() {
    let limit = 4;
    let squares = coroutine!(move || {
        for i in 1..=limit {
            yield_!(i * i);
        }
        "done"
    });
    assert_eq!(squares.iter().collect::<Vec<u32>>(), [1, 4, 9, 16]);

    let generator = pin!(coroutine!(|()| {
        yield_!('a');
        yield_!('b');
        42
    }));
    let mut it = Iter::new(generator);
    assert_eq!(it.by_ref().collect::<String>(), "ab");
    assert_eq!(it.returned(), Some(42));
}

#[resumable(yield = u32)]
fn counted(runs: &Cell<u32>, n: u32) {
    for i in 0..n {
        runs.set(runs.get() + 1);
        yield_!(i);
    }
    runs.set(runs.get() + 100);
}

#[test]
fn generators_are_lazy() {
    let runs = Cell::new(0);
    let mut it = counted(&runs, 3).into_iter();
    assert_eq!(runs.get(), 0, "nothing runs before the first `next`");
    assert_eq!(it.next(), Some(0));
    assert_eq!(runs.get(), 1, "one step per item");
    drop(it);
    assert_eq!(runs.get(), 1, "dropping does not run the rest");

    let total: u32 = counted(&runs, 3).into_iter().sum();
    assert_eq!(total, 3);
    assert_eq!(runs.get(), 1 + 3 + 100);
}

#[resumable(yield = (usize, char))]
fn enumerate_chars(text: &str) {
    for pair in text.chars().enumerate() {
        yield_!(pair);
    }
}

#[test]
fn generator_borrowing_its_argument_in_a_for_loop() {
    let text = String::from("héllo");
    let mut found = None;
    for (i, c) in enumerate_chars(&text) {
        if c == 'é' {
            found = Some(i);
            break;
        }
    }
    assert_eq!(found, Some(1));
}

#[test]
fn nested_generators() {
    let mut pairs = Vec::new();
    for a in fibonacci(3).iter() {
        for b in fibonacci(usize::try_from(a).unwrap() + 1).iter() {
            pairs.push((a, b));
        }
    }
    assert_eq!(pairs, [(0, 0), (1, 0), (1, 1), (1, 0), (1, 1)]);
}

#[resumable(yield = &'static str)]
fn fallible(fail: bool) -> Result<(), &'static str> {
    yield_!("a");
    if fail {
        Err("b")?;
    }
    yield_!("c");
    Ok(())
}

/// A generator that returns a value is not an iterator itself (a `for` loop would drop the
/// value: a UI test); `try_iter` ends with the error of `?`, `iter` keeps the value.
#[test]
fn try_iter_ends_with_the_error() {
    assert_eq!(
        fallible(false).try_iter().collect::<Vec<_>>(),
        [Ok("a"), Ok("c")]
    );
    assert_eq!(
        fallible(true).try_iter().collect::<Vec<_>>(),
        [Ok("a"), Err("b")]
    );
    assert_eq!(
        fallible(true).try_iter().collect::<Result<Vec<_>, _>>(),
        Err("b")
    );
    let mut it = fallible(true).try_iter();
    assert_eq!(it.by_ref().count(), 2);
    assert_eq!(it.next(), None); // fused

    let mut it = fallible(true).iter();
    assert_eq!(it.by_ref().collect::<Vec<_>>(), ["a"]);
    assert_eq!(it.returned(), Some(Err("b")));
}
