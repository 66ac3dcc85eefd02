//! The closure form `coroutine!(|arg: R| body)`: what it captures (by reference, or by move
//! with `move`), with and without a return type, with a pattern parameter and with none.

use core::cell::RefCell;
use core::pin::pin;

use resumable::{Resumable, State, coroutine, yield_};

#[test]
fn captures_by_mutable_reference_across_yields() {
    let mut total = 0;
    let mut log = Vec::new();
    {
        let mut co = pin!(coroutine!(|first: i32| {
            total += first;
            log.push("first");
            let second: i32 = yield_!(total);
            total += second;
            log.push("second");
            let _: i32 = yield_!(total);
            log.push("never");
        }));
        assert_eq!(co.as_mut().resume(2), State::Yielded(2));
        assert_eq!(co.as_mut().resume(5), State::Yielded(7));
    }
    // The coroutine is dropped while suspended; what it did to the captured variables stays.
    assert_eq!(total, 7);
    assert_eq!(log, ["first", "second"]);
}

#[test]
fn captures_by_shared_reference() {
    let words = vec!["a".to_owned(), "bb".to_owned()];
    let mut co = pin!(coroutine!(|()| {
        for w in &words {
            yield_!(w.as_str());
        }
        words.len()
    }));
    assert_eq!(co.as_mut().resume(()), State::Yielded("a"));
    assert_eq!(co.as_mut().resume(()), State::Yielded("bb"));
    assert_eq!(co.as_mut().resume(()), State::Complete(2));
    // Still ours after the coroutine borrowed it.
    assert_eq!(words.len(), 2);
}

#[test]
fn move_closure_takes_ownership() {
    let data = vec![1, 2, 3];
    let co = coroutine!(move |scale: u32| {
        let mut data = data;
        for x in &mut data {
            *x *= scale;
            yield_!(*x);
        }
        data
    });
    // `data` was moved in: the coroutine outlives this scope's borrow checker's view of it.
    let mut co = Box::pin(co);
    assert_eq!(co.as_mut().resume(10), State::Yielded(10));
    assert_eq!(co.as_mut().resume(0), State::Yielded(20));
    assert_eq!(co.as_mut().resume(0), State::Yielded(30));
    assert_eq!(co.as_mut().resume(0), State::Complete(vec![10, 20, 30]));
}

fn make_counter(start: u32) -> impl Resumable<u32, Yield = u32, Return = u32> {
    // Without `move` this would borrow `start`, a local of this fn, and fail to compile.
    coroutine!(move |step: u32| {
        let mut n = start;
        let mut step = step;
        while step != 0 {
            n += step;
            step = yield_!(n);
        }
        n
    })
}

#[test]
fn move_closure_can_be_returned_from_a_function() {
    let mut co = pin!(make_counter(100));
    assert_eq!(co.as_mut().resume(1), State::Yielded(101));
    assert_eq!(co.as_mut().resume(10), State::Yielded(111));
    assert_eq!(co.as_mut().resume(0), State::Complete(111));
}

#[test]
fn move_closure_with_copy_capture_leaves_the_original_untouched() {
    let mut counter = 0u32;
    let mut co = pin!(coroutine!(move |()| {
        counter += 1;
        yield_!(counter);
        counter += 1;
        counter
    }));
    assert_eq!(co.as_mut().resume(()), State::Yielded(1));
    assert_eq!(co.as_mut().resume(()), State::Complete(2));
    assert_eq!(counter, 0);
}

#[test]
fn with_a_return_type_annotation() {
    let mut co = pin!(coroutine!(|x: u8| -> Result<u8, String> {
        let y: u8 = yield_!(x);
        x.checked_add(y)
            .ok_or_else(|| format!("{x} + {y} overflows"))
    }));
    assert_eq!(co.as_mut().resume(200), State::Yielded(200));
    assert_eq!(
        co.as_mut().resume(100),
        State::Complete(Err("200 + 100 overflows".to_owned()))
    );

    // The annotation converts the body's value, like a closure's: `?` can rely on it.
    let mut co = pin!(coroutine!(
        |text: &str| -> Result<u32, std::num::ParseIntError> {
            let n: u32 = text.parse()?;
            let more: &str = yield_!(n);
            Ok(n + more.parse::<u32>()?)
        }
    ));
    assert_eq!(co.as_mut().resume("4"), State::Yielded(4));
    assert_eq!(co.as_mut().resume("5"), State::Complete(Ok(9)));
}

#[test]
fn without_a_return_type_annotation() {
    let mut co = pin!(coroutine!(|x: i64| {
        let y: i64 = yield_!(x - 1);
        (x, y)
    }));
    assert_eq!(co.as_mut().resume(10), State::Yielded(9));
    assert_eq!(co.as_mut().resume(-3), State::Complete((10, -3)));
}

#[test]
fn with_a_pattern_parameter() {
    let mut co = pin!(coroutine!(|(a, b): (i32, i32)| {
        let (c, d): (i32, i32) = yield_!(a * b);
        (a + c, b + d)
    }));
    assert_eq!(co.as_mut().resume((3, 4)), State::Yielded(12));
    assert_eq!(co.as_mut().resume((10, 20)), State::Complete((13, 24)));
}

#[test]
fn with_no_parameter() {
    let mut co = pin!(coroutine!(|| {
        yield_!("one");
        yield_!("two");
        3
    }));
    assert_eq!(co.as_mut().resume(()), State::Yielded("one"));
    assert_eq!(co.as_mut().resume(()), State::Yielded("two"));
    assert_eq!(co.as_mut().resume(()), State::Complete(3));
}

#[test]
fn with_an_untyped_parameter() {
    let mut co = pin!(coroutine!(|x| {
        let y: u16 = yield_!(x);
        x + y
    }));
    assert_eq!(co.as_mut().resume(5u16), State::Yielded(5));
    assert_eq!(co.as_mut().resume(6), State::Complete(11));
}

#[test]
fn with_an_expression_body() {
    let mut co = pin!(coroutine!(|x: u32| x.pow(yield_!(x))));
    assert_eq!(co.as_mut().resume(3), State::Yielded(3));
    assert_eq!(co.as_mut().resume(2), State::Complete(9));
}

#[test]
fn creating_runs_nothing_and_dropping_unstarted_runs_nothing() {
    let log = RefCell::new(Vec::new());
    let co = coroutine!(|()| {
        log.borrow_mut().push("ran");
        yield_!();
    });
    assert!(log.borrow().is_empty());
    drop(co);
    assert!(log.borrow().is_empty());
}

#[test]
fn closure_coroutines_nest() {
    let mut outer = pin!(coroutine!(|n: u32| {
        let mut inner = core::pin::pin!(coroutine!(move |m: u32| {
            let k: u32 = yield_!(m + n);
            k * 2
        }));
        let first = inner.as_mut().resume(1);
        let got: u32 = yield_!(first.yielded().unwrap_or(0));
        inner.as_mut().resume(got).complete().unwrap_or(0)
    }));
    assert_eq!(outer.as_mut().resume(10), State::Yielded(11));
    assert_eq!(outer.as_mut().resume(4), State::Complete(8));
}

/// A closure whose body never ends (a generator's `loop`) or ends in a panic compiles without
/// an `unreachable_code` warning (denied here): its return type is checked before the body, not
/// after it.
#[test]
#[deny(unreachable_code)]
fn diverging_bodies_leave_no_unreachable_code() {
    let counter = coroutine!(|()| -> u32 {
        let mut n = 0;
        loop {
            n += 1;
            yield_!(n);
        }
    });
    let first: Vec<u32> = resumable::Iter::new(pin!(counter)).take(3).collect();
    assert_eq!(first, [1, 2, 3]);
    let mut fails = Box::pin(coroutine!(|()| -> u32 {
        yield_!(7u32);
        panic!("after one value")
    }));
    assert_eq!(fails.as_mut().resume(()), State::Yielded(7));
}

// Regression: with a return type, the closure's block body stood as the tail of the generated
// body, and rustc's `unused_braces` suggested removing its braces, which does not compile
// (`|x: u8| -> u8 x`). `deny(warnings)` turns any lint the expansion fires into an error.
#[test]
#[deny(warnings)]
fn with_a_return_type_and_a_one_line_block_fires_no_lint() {
    let mut co = pin!(coroutine!(|x: u8| -> u8 { x }));
    assert_eq!(co.as_mut().resume(3), State::<(), _>::Complete(3));

    let mut co = pin!(coroutine!(|x: u8| -> u8 { yield_!(x) }));
    assert_eq!(co.as_mut().resume(3), State::Yielded(3));
    assert_eq!(co.as_mut().resume(4), State::Complete(4));

    let mut co = pin!(coroutine!(|x: u8| { x }));
    assert_eq!(co.as_mut().resume(5), State::<(), _>::Complete(5));
}

/// A closure that never yields has nothing to infer its yield type from but its use; it can
/// declare it, `coroutine!(yield = T, |..| ..)`.
#[test]
fn a_closure_declares_its_yield_type() {
    let mut done = false;
    let r = &mut done;
    let mut co = Box::pin(coroutine!(yield = (), move || {
        *r = true;
    }));
    assert_eq!(co.as_mut().resume(()), State::Complete(()));
    drop(co);
    assert!(done);

    let declared = coroutine!(yield = u32, |n: u32| n * 2);
    let handle: resumable::Coroutine<'_, u32, u32, u32> = resumable::Coroutine::new(declared);
    assert_eq!(handle.resume(21).ok(), Some(State::Complete(42)));

    let mut declared = Box::pin(coroutine!(yield = Vec<u8>, move || {
        yield_!(vec![1, 2]);
        yield_!(Vec::new());
    }));
    assert_eq!(declared.as_mut().resume(()), State::Yielded(vec![1, 2]));
}
