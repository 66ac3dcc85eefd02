//! Layer 1 behaviour of `Resumable::resume`: where each resume argument goes, what each step
//! returns, how panics and completion are reported, and what dropping a suspended coroutine does.

use core::cell::RefCell;
use core::pin::pin;
use std::panic::{AssertUnwindSafe, catch_unwind};

use resumable::{Resumable, State, coroutine, resumable, yield_};

/// The text of a panic payload made by `panic!` (a `&str` or a `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        String::from("<not a string>")
    }
}

// ---------------------------------------------------------------------------------------------
// Values in and out
// ---------------------------------------------------------------------------------------------

/// Hands out what it received, so the caller can see every argument.
#[resumable(yield = String, resume = String)]
fn echo(prefix: &'static str, #[resume] first: String) -> String {
    let second = yield_!(format!("{prefix}{first}"));
    let third = yield_!(format!("{prefix}{second}"));
    format!("{prefix}{third}!")
}

#[test]
fn first_resume_argument_reaches_the_resume_parameter() {
    let mut co = pin!(echo("> "));
    assert_eq!(
        co.as_mut().resume("one".to_owned()),
        State::Yielded("> one".to_owned())
    );
}

#[test]
fn later_resume_arguments_become_the_value_of_the_pending_yield() {
    let mut co = pin!(echo(""));
    assert_eq!(co.as_mut().resume("a".into()), State::Yielded("a".into()));
    assert_eq!(co.as_mut().resume("b".into()), State::Yielded("b".into()));
    assert_eq!(co.as_mut().resume("c".into()), State::Complete("c!".into()));
}

#[test]
fn closure_parameter_receives_the_first_resume_argument() {
    let co = coroutine!(|first: u32| {
        let second: u32 = yield_!(first * 10);
        first + second
    });
    let mut co = pin!(co);
    assert_eq!(co.as_mut().resume(4), State::Yielded(40));
    assert_eq!(co.as_mut().resume(5), State::Complete(9));
}

/// Records every argument it is given, in order, and yields a running count.
#[resumable(yield = usize, resume = i64)]
fn recorder(#[resume] first: i64) -> Vec<i64> {
    let mut seen = vec![first];
    loop {
        let next = yield_!(seen.len());
        if next < 0 {
            seen.push(next);
            return seen;
        }
        seen.push(next);
    }
}

#[test]
fn no_resume_argument_is_lost() {
    let sent = [7, 0, 3, 3, 11, -1];
    let mut co = pin!(recorder());
    let mut steps = Vec::new();
    let mut returned = None;
    for &arg in &sent {
        match co.as_mut().resume(arg) {
            State::Yielded(n) => steps.push(n),
            State::Complete(seen) => returned = Some(seen),
        }
    }
    assert_eq!(steps, [1, 2, 3, 4, 5]);
    assert_eq!(returned.as_deref(), Some(&sent[..]));
}

#[resumable(yield = u8, resume = u8)]
fn one_yield(#[resume] first: u8) -> u8 {
    let got = yield_!(first.wrapping_add(1));
    got.wrapping_mul(2)
}

#[test]
fn yielded_value_comes_back_as_yielded_and_return_value_as_complete() {
    for start in [0u8, 1, 200, 255] {
        let mut co = pin!(one_yield());
        assert_eq!(
            co.as_mut().resume(start),
            State::Yielded(start.wrapping_add(1))
        );
        assert_eq!(
            co.as_mut().resume(start),
            State::Complete(start.wrapping_mul(2))
        );
    }
}

#[resumable(resume = u32)]
fn unit_yields(#[resume] first: u32) -> u32 {
    let a: u32 = yield_!();
    let b: u32 = yield_!();
    first + a + b
}

#[test]
fn empty_yield_yields_unit() {
    let mut co = pin!(unit_yields());
    assert_eq!(co.as_mut().resume(1), State::Yielded(()));
    assert_eq!(co.as_mut().resume(20), State::Yielded(()));
    assert_eq!(co.as_mut().resume(300), State::Complete(321));
}

#[resumable(yield = (u32, &'static str, bool))]
fn tuples() {
    yield_!(1, "one", true);
    yield_!(2, "two", false,);
}

#[test]
fn yield_of_several_values_yields_a_tuple() {
    let mut co = pin!(tuples());
    assert_eq!(co.as_mut().resume(()), State::Yielded((1, "one", true)));
    assert_eq!(co.as_mut().resume(()), State::Yielded((2, "two", false)));
    assert_eq!(co.as_mut().resume(()), State::Complete(()));
}

#[resumable(yield = u32, resume = u32)]
fn ignores_first(#[resume] _: u32) -> u32 {
    yield_!(5)
}

#[test]
fn first_argument_can_be_ignored_with_an_underscore_parameter() {
    let mut co = pin!(ignores_first());
    assert_eq!(co.as_mut().resume(99), State::Yielded(5));
    assert_eq!(co.as_mut().resume(6), State::Complete(6));
}

#[resumable]
fn does_nothing_yet(log: &RefCell<Vec<&'static str>>) {
    log.borrow_mut().push("body ran");
}

#[test]
fn creating_a_coroutine_runs_nothing_until_the_first_resume() {
    let log = RefCell::new(Vec::new());
    let mut co = pin!(does_nothing_yet(&log));
    assert!(log.borrow().is_empty());
    assert_eq!(co.as_mut().resume(()), State::Complete(()));
    assert_eq!(*log.borrow(), ["body ran"]);
}

#[test]
fn resuming_through_a_mutable_reference_and_a_box() {
    let mut boxed = Box::pin(one_yield());
    assert_eq!(boxed.as_mut().resume(1), State::Yielded(2));
    // `Pin<Box<G>>` and `&mut G` (for `G: Unpin`) are coroutines too.
    let mut by_ref = &mut boxed;
    assert_eq!(
        core::pin::Pin::new(&mut by_ref).resume(21),
        State::Complete(42)
    );
}

// ---------------------------------------------------------------------------------------------
// Completion and panics
// ---------------------------------------------------------------------------------------------

#[test]
fn resuming_after_completion_panics_saying_it_returned() {
    let mut co = pin!(one_yield());
    let _ = co.as_mut().resume(1);
    assert!(co.as_mut().resume(1).is_complete());
    let err = catch_unwind(AssertUnwindSafe(|| co.as_mut().resume(1))).unwrap_err();
    let message = panic_message(&*err);
    assert!(message.contains("returned"), "message: {message:?}");
    // And it keeps saying so.
    let err = catch_unwind(AssertUnwindSafe(|| co.as_mut().resume(1))).unwrap_err();
    assert!(panic_message(&*err).contains("returned"));
}

#[resumable(yield = u32, resume = u32)]
fn panics_on_zero(#[resume] first: u32) -> u32 {
    let mut x = first;
    loop {
        assert!(x != 0, "got zero after {first}");
        x = yield_!(100 / x);
    }
}

#[test]
fn panic_in_the_body_propagates_out_of_resume_with_its_payload() {
    let mut co = pin!(panics_on_zero());
    assert_eq!(co.as_mut().resume(7), State::Yielded(14));
    assert_eq!(co.as_mut().resume(50), State::Yielded(2));
    let err = catch_unwind(AssertUnwindSafe(|| co.as_mut().resume(0))).unwrap_err();
    assert_eq!(panic_message(&*err), "got zero after 7");
}

/// A payload that is not a string, to show the payload is passed through untouched.
#[derive(Debug, PartialEq)]
struct Payload(u32);

#[resumable(yield = u32)]
fn panics_with_payload(code: u32) {
    yield_!(code);
    std::panic::panic_any(Payload(code));
}

#[test]
fn panic_payload_of_any_type_propagates_unchanged() {
    let mut co = pin!(panics_with_payload(17));
    assert_eq!(co.as_mut().resume(()), State::Yielded(17));
    let err = catch_unwind(AssertUnwindSafe(|| co.as_mut().resume(()))).unwrap_err();
    assert_eq!(err.downcast_ref::<Payload>(), Some(&Payload(17)));
}

#[test]
fn resuming_after_a_panic_panics_saying_it_panicked() {
    let mut co = pin!(panics_on_zero());
    let err = catch_unwind(AssertUnwindSafe(|| co.as_mut().resume(0))).unwrap_err();
    assert_eq!(panic_message(&*err), "got zero after 0");
    let err = catch_unwind(AssertUnwindSafe(|| co.as_mut().resume(1))).unwrap_err();
    let message = panic_message(&*err);
    assert!(message.contains("panicked"), "message: {message:?}");
    assert!(!message.contains("zero"), "the body ran again: {message:?}");
}

#[test]
fn closure_form_reports_completion_and_panics_the_same_way() {
    let mut done = pin!(coroutine!(|x: u32| x + 1));
    assert_eq!(done.as_mut().resume(1), State::<(), u32>::Complete(2));
    let err = catch_unwind(AssertUnwindSafe(|| done.as_mut().resume(1))).unwrap_err();
    assert!(panic_message(&*err).contains("returned"));

    let mut broken = pin!(coroutine!(|x: u32| -> u32 {
        let y: u32 = yield_!(x);
        assert!(y < x, "{y} is too big");
        y
    }));
    assert_eq!(broken.as_mut().resume(3), State::Yielded(3));
    let err = catch_unwind(AssertUnwindSafe(|| broken.as_mut().resume(9))).unwrap_err();
    assert_eq!(panic_message(&*err), "9 is too big");
    let err = catch_unwind(AssertUnwindSafe(|| broken.as_mut().resume(1))).unwrap_err();
    assert!(panic_message(&*err).contains("panicked"));
}

// ---------------------------------------------------------------------------------------------
// Drop
// ---------------------------------------------------------------------------------------------

/// Pushes its name to a shared log when dropped.
struct Noisy<'a> {
    name: &'static str,
    log: &'a RefCell<Vec<&'static str>>,
}

impl Noisy<'_> {
    /// Uses the whole value (a closure that only reads a `Copy` field captures just that field).
    fn name(&self) -> &'static str {
        self.name
    }
}

impl Drop for Noisy<'_> {
    fn drop(&mut self) {
        self.log.borrow_mut().push(self.name);
    }
}

#[resumable(yield = u32)]
fn holds_three<'a>(log: &'a RefCell<Vec<&'static str>>) {
    let _first = Noisy { name: "first", log };
    yield_!(1);
    let _second = Noisy {
        name: "second",
        log,
    };
    let _third = Noisy { name: "third", log };
    yield_!(2);
    log.borrow_mut().push("after the last yield");
}

#[test]
fn dropping_a_suspended_coroutine_drops_its_locals_in_reverse_order_and_runs_nothing_else() {
    let log = RefCell::new(Vec::new());
    {
        let mut co = pin!(holds_three(&log));
        assert_eq!(co.as_mut().resume(()), State::Yielded(1));
        assert_eq!(co.as_mut().resume(()), State::Yielded(2));
        assert!(
            log.borrow().is_empty(),
            "dropped too early: {:?}",
            log.borrow()
        );
    }
    assert_eq!(*log.borrow(), ["third", "second", "first"]);
}

#[test]
fn dropping_at_the_first_yield_drops_only_what_exists() {
    let log = RefCell::new(Vec::new());
    {
        let mut co = pin!(holds_three(&log));
        assert_eq!(co.as_mut().resume(()), State::Yielded(1));
    }
    assert_eq!(*log.borrow(), ["first"]);
}

#[test]
fn running_to_completion_drops_each_local_exactly_once() {
    let log = RefCell::new(Vec::new());
    {
        let mut co = pin!(holds_three(&log));
        while co.as_mut().resume(()).is_yielded() {}
        assert_eq!(
            *log.borrow(),
            ["after the last yield", "third", "second", "first"]
        );
    }
    assert_eq!(log.borrow().len(), 4, "dropped twice: {:?}", log.borrow());
}

#[resumable(yield = u32)]
fn owns_arguments(a: Noisy<'_>, b: Noisy<'_>) -> usize {
    yield_!(1);
    a.name.len() + b.name.len()
}

#[test]
fn dropping_an_unstarted_coroutine_drops_its_arguments() {
    let log = RefCell::new(Vec::new());
    let co = owns_arguments(
        Noisy {
            name: "a",
            log: &log,
        },
        Noisy {
            name: "b",
            log: &log,
        },
    );
    assert!(log.borrow().is_empty());
    drop(co);
    let mut dropped = log.borrow().clone();
    dropped.sort_unstable();
    assert_eq!(dropped, ["a", "b"]);
}

#[test]
fn dropping_a_closure_coroutine_drops_what_it_moved_in() {
    let log = RefCell::new(Vec::new());
    let held = Noisy {
        name: "held",
        log: &log,
    };
    {
        let mut co = pin!(coroutine!(move |()| {
            let _local = Noisy {
                name: "local",
                log: held.log,
            };
            yield_!(held.name());
            held.log.borrow_mut().push("after the yield");
        }));
        assert_eq!(co.as_mut().resume(()), State::Yielded("held"));
        assert!(log.borrow().is_empty());
    }
    // Both dropped, once each; the order between captures and locals is not specified.
    let mut dropped = log.borrow().clone();
    dropped.sort_unstable();
    assert_eq!(dropped, ["held", "local"]);
}

#[test]
fn a_panic_in_the_body_drops_its_locals() {
    let log = RefCell::new(Vec::new());
    let mut co = pin!(coroutine!(|fail: bool| {
        let _guard = Noisy {
            name: "guard",
            log: &log,
        };
        let again: bool = yield_!();
        assert!(!(fail || again), "failing");
    }));
    assert_eq!(co.as_mut().resume(false), State::Yielded(()));
    assert!(catch_unwind(AssertUnwindSafe(|| co.as_mut().resume(true))).is_err());
    assert_eq!(*log.borrow(), ["guard"]);
}

// Regression: the lowered body is an `async move` block, and such a block captures only the
// places it uses (a `Copy` field, say), so arguments the body did not use whole used to be
// dropped when the coroutine was created instead of when its body ends, unlike a plain fn.

#[resumable(yield = usize)]
fn uses_only_copy_fields<'a>(a: Noisy<'a>, b: Noisy<'a>) -> usize {
    let _local = Noisy {
        name: "local",
        log: a.log,
    };
    yield_!(a.name.len());
    b.name.len()
}

#[test]
fn arguments_used_only_by_copy_field_are_not_dropped_when_the_coroutine_is_created() {
    let log = RefCell::new(Vec::new());
    let mut co = pin!(uses_only_copy_fields(
        Noisy {
            name: "a",
            log: &log
        },
        Noisy {
            name: "bb",
            log: &log
        },
    ));
    assert!(log.borrow().is_empty(), "dropped early: {:?}", log.borrow());
    assert_eq!(co.as_mut().resume(()), State::Yielded(1));
    assert!(log.borrow().is_empty(), "dropped early: {:?}", log.borrow());
    assert_eq!(co.as_mut().resume(()), State::Complete(2));
    // As in a plain fn: locals first, then the parameters in reverse order.
    assert_eq!(*log.borrow(), ["local", "bb", "a"]);
}

#[resumable(yield = u32)]
fn unused_arguments(_guard: Noisy<'_>, _: Noisy<'_>, (kept, _): (Noisy<'_>, Noisy<'_>)) {
    yield_!(1);
    kept.log.borrow_mut().push("body ends");
}

#[test]
fn unused_and_pattern_arguments_live_until_the_body_ends() {
    let log = RefCell::new(Vec::new());
    let noisy = |name| Noisy { name, log: &log };
    let mut co = pin!(unused_arguments(
        noisy("guard"),
        noisy("wild"),
        (noisy("kept"), noisy("ignored"))
    ));
    assert_eq!(co.as_mut().resume(()), State::Yielded(1));
    assert!(log.borrow().is_empty(), "dropped early: {:?}", log.borrow());
    assert_eq!(co.as_mut().resume(()), State::Complete(()));
    // The drop order of the same plain fn.
    assert_eq!(
        *log.borrow(),
        ["body ends", "kept", "ignored", "wild", "guard"]
    );
}

#[test]
fn dropping_a_suspended_coroutine_drops_unused_arguments_then() {
    let log = RefCell::new(Vec::new());
    let noisy = |name| Noisy { name, log: &log };
    {
        let mut co = pin!(unused_arguments(
            noisy("guard"),
            noisy("wild"),
            (noisy("kept"), noisy("ignored"))
        ));
        assert_eq!(co.as_mut().resume(()), State::Yielded(1));
        assert!(log.borrow().is_empty(), "dropped early: {:?}", log.borrow());
    }
    assert_eq!(*log.borrow(), ["kept", "ignored", "wild", "guard"]);
}

/// A value consumed by a method coroutine.
struct Owner<'a> {
    id: u32,
    _noisy: Noisy<'a>,
}

impl Owner<'_> {
    #[resumable(yield = u32)]
    fn into_ids(self) -> u32 {
        yield_!(self.id);
        self.id + 1
    }
}

#[test]
fn self_by_value_used_only_by_copy_field_is_not_dropped_when_the_coroutine_is_created() {
    let log = RefCell::new(Vec::new());
    let owner = Owner {
        id: 7,
        _noisy: Noisy {
            name: "owner",
            log: &log,
        },
    };
    let mut co = pin!(owner.into_ids());
    assert!(log.borrow().is_empty(), "dropped early: {:?}", log.borrow());
    assert_eq!(co.as_mut().resume(()), State::Yielded(7));
    assert!(log.borrow().is_empty(), "dropped early: {:?}", log.borrow());
    assert_eq!(co.as_mut().resume(()), State::Complete(8));
    assert_eq!(*log.borrow(), ["owner"]);
}
