//! `Wrap`, Lua's `coroutine.wrap`: returns yielded values directly, re-raises panics with their
//! payload, panics on a dead coroutine, and is a fused iterator for generators.

use std::panic::{AssertUnwindSafe, catch_unwind, panic_any};

use resumable::{Coroutine, State, Status, Wrap, coroutine, resumable, yield_};

/// The message of a panic caught by `catch_unwind`.
fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[test]
fn call_returns_yielded_values_then_the_return_value() {
    let f = Wrap::new(coroutine!(|x: i32| {
        let x = x - 10;
        let y = yield_!(x);
        y
    }));
    assert_eq!(f.call(100), 90);
    assert_eq!(f.call(10), 10);
    assert_eq!(f.coroutine().status(), Status::Dead);
}

#[test]
fn calling_after_the_end_panics_with_lua_words() {
    let f: Wrap<'_, (), (), ()> = Wrap::new(coroutine!(|()| {}));
    f.call(());
    for _ in 0..2 {
        let payload = catch_unwind(|| f.call(())).unwrap_err();
        assert_eq!(message(&*payload), "cannot resume dead coroutine");
    }
}

#[test]
fn a_panic_in_the_body_is_re_raised_with_its_original_payload() {
    #[derive(Debug, PartialEq)]
    struct Mine(&'static str);
    let f: Wrap<'_, (), (), ()> = Wrap::new(coroutine!(|()| panic_any(Mine("payload"))));
    let payload = catch_unwind(|| f.call(())).unwrap_err();
    assert_eq!(payload.downcast_ref::<Mine>(), Some(&Mine("payload")));
    assert_eq!(f.coroutine().status(), Status::Dead);
}

#[test]
fn a_re_entrant_call_panics_inside_and_that_panic_comes_out() {
    let slot: std::rc::Rc<std::cell::RefCell<Option<Wrap<'_, (), (), ()>>>> =
        std::rc::Rc::default();
    let me = std::rc::Rc::clone(&slot);
    let f = Wrap::new(coroutine!(move |()| {
        let again = me.borrow_mut().take().unwrap();
        again.call(());
    }));
    *slot.borrow_mut() = Some(f.clone());
    let payload = catch_unwind(AssertUnwindSafe(|| f.call(()))).unwrap_err();
    assert_eq!(message(&*payload), "cannot resume non-suspended coroutine");
}

#[test]
fn resume_gives_the_state_for_any_types() {
    let f = Wrap::new(coroutine!(|n: u8| {
        yield_!(n);
        "end"
    }));
    assert_eq!(f.resume(1), State::Yielded(1));
    assert_eq!(f.resume(2), State::Complete("end"));
}

#[test]
fn call_converts_the_return_value_into_the_yield_type() {
    let f = Wrap::new(coroutine!(|()| {
        yield_!(None);
        yield_!(Some(1_u32));
        2_u32
    }));
    assert_eq!(
        [f.call(()), f.call(()), f.call(())],
        [None, Some(1), Some(2)]
    );
}

#[resumable(yield = u32)]
fn countdown(from: u32) -> &'static str {
    for i in (1..=from).rev() {
        yield_!(i);
    }
    "liftoff"
}

#[test]
fn a_generator_wrap_is_a_fused_iterator() {
    let mut it = Wrap::new(countdown(3));
    assert_eq!(it.by_ref().collect::<Vec<_>>(), [3, 2, 1]);
    assert_eq!(it.next(), None);
    assert_eq!(it.next(), None);
    let mut total = 0;
    for i in Coroutine::new(countdown(4)).wrap() {
        total += i;
    }
    assert_eq!(total, 10);
}

#[test]
fn an_iterator_over_a_closed_coroutine_is_empty() {
    let co = Coroutine::new(countdown(3));
    let mut it = co.clone().wrap();
    assert_eq!(it.next(), Some(3));
    co.close().unwrap();
    assert_eq!(it.next(), None);
}

#[test]
fn an_iterator_re_raises_a_panic() {
    let it = Wrap::new(coroutine!(|()| {
        yield_!(1);
        panic!("in the middle");
    }));
    let payload = catch_unwind(AssertUnwindSafe(|| it.sum::<i32>())).unwrap_err();
    assert_eq!(message(&*payload), "in the middle");
}

#[test]
fn clones_share_the_coroutine() {
    let f = Wrap::new(coroutine!(|()| {
        yield_!(1);
        yield_!(2);
        3
    }));
    let g = f.clone();
    assert_eq!((f.call(()), g.call(()), f.call(())), (1, 2, 3));
    assert!(*f.coroutine() == *g.coroutine());
    assert_eq!(format!("{f:p}"), format!("{:p}", g.into_coroutine()));
    assert!(format!("{f:?}").starts_with("Wrap {"));
}

#[test]
fn dropping_the_last_wrap_of_an_unfinished_generator_closes_it_inside() {
    struct Probe(std::rc::Rc<std::cell::Cell<Option<(Status, bool)>>>);
    impl Drop for Probe {
        fn drop(&mut self) {
            let here = resumable::running();
            self.0.set(Some((here.status(), here.is_main())));
        }
    }
    let seen = std::rc::Rc::default();
    let probe = Probe(std::rc::Rc::clone(&seen));
    let mut evens = Wrap::new(coroutine!(move |()| {
        let _probe = probe;
        for i in 0.. {
            yield_!(i * 2);
        }
    }));
    assert_eq!(evens.nth(2), Some(4));
    let r = evens.coroutine().to_ref();
    drop(evens);
    assert_eq!(seen.get(), Some((Status::Running, false)));
    assert_eq!(r.status(), Status::Dead);
}

/// A generator of the kind the issue called with `call(())`: returns `()`, yields `u32`, so
/// `(): Into<u32>` does not hold and `call` is not available (see
/// `tests/ui/wrap-call-on-generator.rs`).
#[resumable(yield = u32)]
fn upto(n: u32) {
    for i in 0..n {
        yield_!(i);
    }
}

#[test]
fn call_opt_calls_a_generator_like_lua_then_panics_when_dead() {
    let f = Wrap::new(upto(2));
    assert_eq!(f.call_opt(()), Some(0));
    assert_eq!(f.call_opt(()), Some(1));
    assert_eq!(
        f.call_opt(()),
        None,
        "the call where the body returns gives nothing"
    );
    assert_eq!(f.coroutine().status(), Status::Dead);
    // Lua: a wrapped generator called after its end raises.
    let payload = catch_unwind(|| f.call_opt(())).unwrap_err();
    assert_eq!(message(&*payload), "cannot resume dead coroutine");
}

#[test]
fn call_opt_passes_resume_arguments_of_any_type() {
    // A consumer: adds up what it is fed, yields the running total, ends on zero.
    let total = Wrap::new(coroutine!(|first: u64| {
        let mut sum = first;
        loop {
            let x = yield_!(sum);
            if x == 0 {
                return;
            }
            sum += x;
        }
    }));
    assert_eq!(total.call_opt(5), Some(5));
    assert_eq!(total.call_opt(7), Some(12));
    assert_eq!(total.call_opt(0), None);
}

#[test]
fn call_opt_re_raises_a_panic_with_its_payload() {
    let f: Wrap<'_, (), u8, ()> = Wrap::new(coroutine!(|()| {
        yield_!(1);
        panic_any(42_u16);
    }));
    assert_eq!(f.call_opt(()), Some(1));
    let payload = catch_unwind(AssertUnwindSafe(|| f.call_opt(()))).unwrap_err();
    assert_eq!(payload.downcast_ref::<u16>(), Some(&42));
}

#[test]
fn call_opt_and_iteration_agree_until_the_end() {
    let by_call: Vec<u32> = {
        let f = Wrap::new(upto(4));
        core::iter::from_fn(|| f.call_opt(())).collect()
    };
    let by_iter: Vec<u32> = Wrap::new(upto(4)).collect();
    assert_eq!(by_call, by_iter);
    assert_eq!(by_call, [0, 1, 2, 3]);
}
