//! The Lua-style handle `Coroutine`: how values flow through `resume`, errors as values (dead,
//! non-suspended, panics, depth), `close`, dropping, identity.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::panic::panic_any;
use std::rc::Rc;

use resumable::{
    CloseError, Coroutine, MAX_DEPTH, ResumeError, State, Status, coroutine, resumable, yield_,
};

/// Records its name in a shared log when dropped.
struct Noisy {
    name: &'static str,
    log: Rc<RefCell<Vec<&'static str>>>,
}

impl Drop for Noisy {
    fn drop(&mut self) {
        self.log.borrow_mut().push(self.name);
    }
}

type Log = Rc<RefCell<Vec<&'static str>>>;

fn noisy(name: &'static str, log: &Log) -> Noisy {
    Noisy {
        name,
        log: Rc::clone(log),
    }
}

#[test]
fn first_resume_argument_reaches_the_closure_parameter_and_later_ones_the_yield() {
    let co = Coroutine::new(coroutine!(|(_, x): (&str, i32)| {
        let x = x + 10;
        let (s, y) = yield_!(x);
        (s, y + x)
    }));
    assert_eq!(co.resume(("", 50)).unwrap(), State::Yielded(60));
    assert_eq!(
        co.resume(("sss", 100)).unwrap(),
        State::Complete(("sss", 160))
    );
    assert_eq!(co.status(), Status::Dead);
}

#[resumable(yield = u64, resume = u64)]
fn accumulate(start: u64, #[resume] first: u64) -> u64 {
    let mut total = start + first;
    loop {
        let x = yield_!(total);
        if x == 0 {
            return total;
        }
        total += x;
    }
}

#[test]
fn resumable_fn_first_argument_goes_to_the_resume_parameter() {
    let co = Coroutine::new(accumulate(100));
    assert_eq!(co.resume(1).unwrap(), State::Yielded(101));
    assert_eq!(co.resume(2).unwrap(), State::Yielded(103));
    assert_eq!(co.resume(0).unwrap(), State::Complete(103));
}

#[test]
fn body_does_not_run_before_the_first_resume() {
    let ran = Rc::new(Cell::new(false));
    let flag = Rc::clone(&ran);
    let co: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(move |()| flag.set(true)));
    assert!(!ran.get());
    assert!(co.resume(()).is_ok());
    assert!(ran.get());
}

#[test]
fn resuming_a_dead_coroutine_is_an_error_every_time() {
    let co: Coroutine<'_, (), (), i32> = Coroutine::new(coroutine!(|()| 7));
    assert_eq!(co.resume(()).unwrap(), State::Complete(7));
    for _ in 0..3 {
        let err = co.resume(()).unwrap_err();
        assert!(matches!(err, ResumeError::Dead), "{err:?}");
        assert_eq!(err.to_string(), "cannot resume dead coroutine");
    }
}

#[test]
fn the_argument_of_a_resume_that_does_not_run_is_dropped() {
    let log = Log::default();
    let co: Coroutine<'_, Noisy, (), ()> = Coroutine::new(coroutine!(|_arg: Noisy| {}));
    assert!(co.resume(noisy("first", &log)).is_ok());
    assert_eq!(*log.borrow(), ["first"]);
    co.resume(noisy("second", &log)).unwrap_err();
    assert_eq!(*log.borrow(), ["first", "second"]);
}

#[test]
fn resuming_itself_through_a_clone_is_an_error_and_does_not_disturb_it() {
    let slot: Rc<RefCell<Option<Coroutine<'_, u32, u32, u32>>>> = Rc::default();
    let me = Rc::clone(&slot);
    let co = Coroutine::new(coroutine!(move |x: u32| {
        let handle = me.borrow_mut().take().unwrap();
        let err = handle.resume(99).unwrap_err();
        assert!(matches!(err, ResumeError::NonSuspended));
        assert_eq!(err.to_string(), "cannot resume non-suspended coroutine");
        assert_eq!(handle.status(), Status::Running);
        let y = yield_!(x + 1);
        y * 2
    }));
    *slot.borrow_mut() = Some(co.clone());
    assert_eq!(co.resume(1).unwrap(), State::Yielded(2));
    assert_eq!(co.resume(5).unwrap(), State::Complete(10));
}

#[test]
fn resuming_a_normal_coroutine_from_the_one_it_resumed_is_an_error() {
    let outer_slot: Rc<RefCell<Option<Coroutine<'_, (), (), String>>>> = Rc::default();
    let seen = Rc::clone(&outer_slot);
    let inner: Coroutine<'_, (), (), String> = Coroutine::new(coroutine!(move |()| {
        let outer = seen.borrow().clone().unwrap();
        assert_eq!(outer.status(), Status::Normal);
        outer.resume(()).unwrap_err().to_string()
    }));
    let outer = Coroutine::new(coroutine!(move |()| {
        let said = inner.resume(()).unwrap().complete().unwrap();
        yield_!();
        said
    }));
    *outer_slot.borrow_mut() = Some(outer.clone());
    assert_eq!(outer.resume(()).unwrap(), State::Yielded(()));
    assert_eq!(
        outer.resume(()).unwrap(),
        State::Complete("cannot resume non-suspended coroutine".to_owned())
    );
    outer_slot.borrow_mut().take();
}

#[test]
fn a_panic_is_returned_with_its_message_and_the_coroutine_is_dead() {
    let log = Log::default();
    let l = Rc::clone(&log);
    let co: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(move |()| {
        let _a = noisy("a", &l);
        yield_!();
        let _b = noisy("b", &l);
        panic!("boom at {}", std::hint::black_box(42));
    }));
    assert!(co.resume(()).is_ok());
    let err = co.resume(()).unwrap_err();
    assert_eq!(err.to_string(), "boom at 42");
    assert_eq!(err.panic().unwrap().message(), "boom at 42");
    assert_eq!(*log.borrow(), ["b", "a"], "locals dropped in reverse order");
    assert_eq!(co.status(), Status::Dead);
    assert!(matches!(co.resume(()), Err(ResumeError::Dead)));
    let payload = err.into_panic().unwrap().into_payload();
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("boom at 42")
    );
}

#[test]
fn a_panic_with_a_non_string_payload_keeps_the_payload() {
    #[derive(Debug, PartialEq)]
    struct Custom(u32);
    let co: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| panic_any(Custom(7))));
    let err = co.resume(()).unwrap_err();
    assert_eq!(err.to_string(), "Box<dyn Any>");
    let panic = err.into_panic().unwrap();
    let payload = panic.take_payload().unwrap();
    assert_eq!(payload.downcast_ref::<Custom>(), Some(&Custom(7)));
    assert!(panic.take_payload().is_none());
}

#[test]
fn captured_values_are_dropped_when_the_body_panics() {
    let log = Log::default();
    let captured = noisy("captured", &log);
    let co: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(move |()| {
        let _keep = &captured;
        panic!("x");
    }));
    co.resume(()).unwrap_err();
    assert_eq!(*log.borrow(), ["captured"]);
}

#[test]
fn the_state_is_dropped_when_the_body_returns() {
    let log = Log::default();
    let captured = noisy("captured", &log);
    let co = Coroutine::new(coroutine!(move |()| {
        let _keep = &captured;
        yield_!();
    }));
    assert!(co.resume(()).is_ok());
    assert!(log.borrow().is_empty());
    assert!(co.resume(()).is_ok());
    assert_eq!(*log.borrow(), ["captured"]);
}

#[test]
fn close_drops_locals_in_reverse_order_and_skips_the_rest_of_the_body() {
    let log = Log::default();
    let l = Rc::clone(&log);
    let co = Coroutine::new(coroutine!(move |()| {
        let _first = noisy("first", &l);
        let _second = noisy("second", &l);
        yield_!();
        l.borrow_mut().push("after the yield");
    }));
    assert!(co.resume(()).is_ok());
    co.close().unwrap();
    assert_eq!(*log.borrow(), ["second", "first"]);
    assert_eq!(co.status(), Status::Dead);
    assert!(matches!(co.resume(()), Err(ResumeError::Dead)));
    co.close().unwrap();
    assert_eq!(*log.borrow(), ["second", "first"]);
}

#[test]
fn close_before_the_first_resume_drops_the_captures() {
    let log = Log::default();
    let captured = noisy("captured", &log);
    let co: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(move |()| {
        let _keep = &captured;
    }));
    co.close().unwrap();
    assert_eq!(*log.borrow(), ["captured"]);
    assert_eq!(co.status(), Status::Dead);
}

#[test]
fn close_of_a_dead_coroutine_succeeds() {
    let co: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| {}));
    assert!(co.resume(()).is_ok());
    co.close().unwrap();
    let panicked: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| panic!("p")));
    panicked.resume(()).unwrap_err();
    panicked.close().unwrap();
}

#[test]
fn close_of_a_running_or_normal_coroutine_is_an_error() {
    type Slot<'a> = Rc<RefCell<Option<Coroutine<'a, (), (), Vec<String>>>>>;
    let slot: Slot<'_> = Rc::default();
    let me = Rc::clone(&slot);
    let co = Coroutine::new(coroutine!(move |()| {
        let handle = me.borrow().clone().unwrap();
        let own = handle.close().unwrap_err();
        assert!(matches!(own, CloseError::Running));
        let h = handle.clone();
        let inner: Coroutine<'_, (), (), String> = Coroutine::new(coroutine!(move |()| {
            let err = h.close().unwrap_err();
            assert!(matches!(err, CloseError::Normal));
            err.to_string()
        }));
        let from_inner = inner.resume(()).unwrap().complete().unwrap();
        assert_eq!(handle.status(), Status::Running);
        vec![own.to_string(), from_inner]
    }));
    *slot.borrow_mut() = Some(co.clone());
    let said = co.resume(()).unwrap().complete().unwrap();
    assert_eq!(
        said,
        [
            "cannot close a running coroutine",
            "cannot close a normal coroutine"
        ]
    );
    slot.borrow_mut().take();
}

#[test]
fn a_panic_in_drop_during_close_is_returned_and_the_other_locals_are_dropped() {
    struct Bomb;
    impl Drop for Bomb {
        fn drop(&mut self) {
            panic!("bomb went off");
        }
    }
    let log = Log::default();
    let l = Rc::clone(&log);
    let co = Coroutine::new(coroutine!(move |()| {
        let _a = noisy("a", &l);
        let _bomb = Bomb;
        let _c = noisy("c", &l);
        yield_!();
    }));
    assert!(co.resume(()).is_ok());
    let err = co.close().unwrap_err();
    assert!(matches!(err, CloseError::Panicked(_)));
    assert_eq!(err.to_string(), "bomb went off");
    assert_eq!(*log.borrow(), ["c", "a"]);
    assert_eq!(co.status(), Status::Dead);
    co.close().unwrap();
}

/// Runs a closure when dropped.
struct OnDrop<F: FnMut()>(F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

/// Lua 5.4: inside a `__close` run by `coroutine.close(co)`, `coroutine.close(co)` fails with
/// "cannot close a running coroutine" and `coroutine.resume(co)` with "cannot resume
/// non-suspended coroutine"; the outer `close` still succeeds.
#[test]
fn inside_a_drop_run_by_close_closing_or_resuming_itself_is_an_error() {
    type Slot = Rc<RefCell<Option<Coroutine<'static, (), (), ()>>>>;
    let slot: Slot = Rc::default();
    let said: Rc<RefCell<Vec<String>>> = Rc::default();
    let (me, log) = (Rc::clone(&slot), Rc::clone(&said));
    let co = Coroutine::new(coroutine!(move |()| {
        let (me, log) = (Rc::clone(&me), Rc::clone(&log));
        let _guard = OnDrop(move || {
            let handle = me.borrow_mut().take().unwrap();
            let closed = handle.close().unwrap_err();
            assert!(matches!(closed, CloseError::Running));
            let resumed = handle.resume(()).unwrap_err();
            assert!(matches!(resumed, ResumeError::NonSuspended));
            log.borrow_mut()
                .extend([closed.to_string(), resumed.to_string()]);
        });
        yield_!();
    }));
    *slot.borrow_mut() = Some(co.clone());
    assert!(co.resume(()).is_ok());
    co.close().unwrap();
    assert_eq!(
        *said.borrow(),
        [
            "cannot close a running coroutine",
            "cannot resume non-suspended coroutine"
        ]
    );
    assert_eq!(co.status(), Status::Dead);
}

/// A coroutine whose body holds `bomb` across a `yield_!`, resumed to that point.
fn holding<B: 'static>(bomb: B) -> Coroutine<'static, (), (), ()> {
    let co = Coroutine::new(coroutine!(move |()| {
        let _bomb = bomb;
        yield_!();
    }));
    assert!(co.resume(()).is_ok());
    co
}

#[test]
fn a_panic_in_drop_during_close_leaves_the_closer_running_again() {
    let co = holding(OnDrop(|| panic!("bomb")));
    let other = holding(());
    let closer: Coroutine<'_, (), (), (String, Status, bool)> =
        Coroutine::new(coroutine!(move |()| {
            let err = co.close().unwrap_err();
            (err.to_string(), co.status(), resumable::is_yieldable())
        }));
    let (said, status, yieldable) = closer.resume(()).unwrap().complete().unwrap();
    assert_eq!(said, "bomb");
    assert_eq!(status, Status::Dead);
    assert!(yieldable, "back in the closer, which can yield");
    assert!(resumable::running().is_main());
    assert_eq!(other.resume(()).unwrap(), State::Complete(()));
}

#[test]
fn a_panic_in_drop_when_the_last_handle_is_dropped_propagates_and_the_rest_is_dropped() {
    let log = Log::default();
    let l = Rc::clone(&log);
    let co = Coroutine::new(coroutine!(move |()| {
        let _a = noisy("a", &l);
        let _bomb = OnDrop(|| panic!("bomb when dropped"));
        let _c = noisy("c", &l);
        yield_!();
    }));
    assert!(co.resume(()).is_ok());
    let r = co.to_ref();
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(co))).unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"bomb when dropped"));
    assert_eq!(*log.borrow(), ["c", "a"]);
    assert_eq!(r.status(), Status::Dead);
    assert!(resumable::running().is_main());
    assert!(!resumable::is_yieldable());
}

#[test]
fn dropping_the_last_handle_drops_the_suspended_body() {
    let log = Log::default();
    let l = Rc::clone(&log);
    let co = Coroutine::new(coroutine!(move |()| {
        let _local = noisy("local", &l);
        yield_!();
    }));
    assert!(co.resume(()).is_ok());
    let clone = co.clone();
    drop(co);
    assert!(log.borrow().is_empty(), "a clone still refers to it");
    drop(clone);
    assert_eq!(*log.borrow(), ["local"]);
}

#[test]
fn handles_compare_and_hash_by_identity() {
    let a: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| {}));
    let b: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| {}));
    assert_eq!(a, a.clone());
    assert_ne!(a, b);
    // Handles hash by identity, not by the state inside: `mutable_key_type` does not apply.
    #[allow(clippy::mutable_key_type)]
    let set: HashSet<_> = [a.clone(), b.clone(), a.clone()].into_iter().collect();
    assert_eq!(set.len(), 2);
    assert!(a.to_ref() == a && a.to_ref() != b);
    assert_eq!(format!("{a:p}"), format!("{:p}", a.clone()));
    assert_eq!(format!("{a:p}"), format!("{:p}", a.to_ref()));
}

#[test]
fn debug_shows_the_status() {
    let co: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| {}));
    let shown = format!("{co:?}");
    assert!(shown.starts_with("Coroutine {"), "{shown}");
    assert!(shown.contains("status: Suspended"), "{shown}");
    assert!(shown.ends_with(".. }"), "{shown}");
}

#[test]
fn a_coroutine_can_borrow_from_its_caller() {
    let words = vec!["alpha".to_owned(), "beta".to_owned()];
    let co = Coroutine::new(coroutine!(|()| {
        for w in &words {
            yield_!(w.as_str());
        }
        words.len()
    }));
    assert_eq!(co.resume(()).unwrap(), State::Yielded("alpha"));
    assert_eq!(co.resume(()).unwrap(), State::Yielded("beta"));
    assert_eq!(co.resume(()).unwrap(), State::Complete(2));
}

/// A coroutine that resumes `next` (if any) and returns how deep the chain went, or the error
/// that stopped it.
type Link = Coroutine<'static, (), (), Result<u32, String>>;

fn chain(length: u32) -> Vec<Link> {
    let mut links: Vec<Link> = Vec::new();
    for _ in 0..length {
        let next = links.last().cloned();
        links.push(Coroutine::new(coroutine!(move |()| match &next {
            None => Ok(1),
            Some(next) => match next.resume(()) {
                Ok(State::Complete(Ok(n))) => Ok(n + 1),
                Ok(State::Complete(Err(e))) => Err(e),
                Ok(State::Yielded(())) => unreachable!(),
                Err(e) => Err(e.to_string()),
            },
        })));
    }
    links
}

#[test]
fn nesting_up_to_the_limit_works() {
    let links = chain(MAX_DEPTH);
    let last = links.last().unwrap();
    assert_eq!(last.resume(()).unwrap(), State::Complete(Ok(MAX_DEPTH)));
}

#[test]
fn nesting_beyond_the_limit_is_an_error_and_leaves_the_coroutine_suspended() {
    let links = chain(MAX_DEPTH + 1);
    let last = links.last().unwrap();
    assert_eq!(
        last.resume(()).unwrap(),
        State::Complete(Err("C stack overflow".to_owned()))
    );
    // The innermost one was never run.
    assert_eq!(links[0].status(), Status::Suspended);
    assert_eq!(links[0].resume(()).unwrap(), State::Complete(Ok(1)));
}

#[test]
fn error_types_are_send_sync_and_static() {
    fn check<T: Send + Sync + 'static + std::error::Error>() {}
    check::<ResumeError>();
    check::<CloseError>();
    check::<resumable::Panic>();
}
