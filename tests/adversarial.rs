//! Trying to break the handle: resuming itself, resuming and closing from inside a `Drop` that
//! runs during `close` or while a body unwinds, panicking `Drop`s, `mem::forget` of handles,
//! and a chain of 10,000 coroutines resuming each other. Every case must end in an error value
//! (or a documented panic), never a crash, a `RefCell` panic or undefined behaviour (run these
//! under Miri too).

use std::cell::RefCell;
use std::mem;
use std::rc::Rc;

use resumable::{
    CloseError, Coroutine, MAX_DEPTH, ResumeError, State, Status, Wrap, coroutine, running, yield_,
};

type Cell<T> = Rc<RefCell<Option<T>>>;

/// Runs a closure when dropped.
struct OnDrop<F: FnMut()>(F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

#[test]
fn resume_itself_repeatedly_from_its_own_body() {
    let slot: Cell<Coroutine<'_, u32, u32, u32>> = Rc::default();
    let me = Rc::clone(&slot);
    let co = Coroutine::new(coroutine!(move |mut n: u32| {
        let handle = me.borrow().clone().unwrap();
        loop {
            for _ in 0..3 {
                assert!(matches!(handle.resume(0), Err(ResumeError::NonSuspended)));
                assert!(matches!(handle.close(), Err(CloseError::Running)));
            }
            n = yield_!(n + 1);
            if n == 0 {
                return 7;
            }
        }
    }));
    *slot.borrow_mut() = Some(co.clone());
    assert_eq!(co.resume(1).unwrap(), State::Yielded(2));
    assert_eq!(co.resume(5).unwrap(), State::Yielded(6));
    assert_eq!(co.resume(0).unwrap(), State::Complete(7));
    slot.borrow_mut().take();
}

#[test]
fn resume_the_closing_coroutine_from_a_drop_during_close() {
    let slot: Cell<Coroutine<'_, (), (), ()>> = Rc::default();
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    let (me, log) = (Rc::clone(&slot), Rc::clone(&seen));
    let co = Coroutine::new(coroutine!(move |()| {
        let (me, log) = (Rc::clone(&me), Rc::clone(&log));
        let _guard = OnDrop(move || {
            let handle = me.borrow_mut().take().unwrap();
            let mut log = log.borrow_mut();
            log.push(handle.status().to_string());
            log.push(handle.resume(()).unwrap_err().to_string());
            log.push(format!("{:?}", handle.close()));
        });
        yield_!();
        unreachable!();
    }));
    *slot.borrow_mut() = Some(co.clone());
    assert!(co.resume(()).is_ok());
    co.close().unwrap();
    // As in Lua 5.4, where `coroutine.close` runs the `__close` metamethods inside the closed
    // coroutine: it is running until they are done.
    assert_eq!(
        *seen.borrow(),
        [
            "running",
            "cannot resume non-suspended coroutine",
            "Err(Running)"
        ]
    );
    assert_eq!(co.status(), Status::Dead);
    assert!(running().is_main());
}

#[test]
fn a_coroutine_resumed_from_a_drop_during_close_sees_the_closing_one_normal() {
    type Slot = Cell<Coroutine<'static, (), (), ()>>;
    let slot: Slot = Rc::default();
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    let (me, log) = (Rc::clone(&slot), Rc::clone(&seen));
    let co = Coroutine::new(coroutine!(move |()| {
        let (me, log) = (Rc::clone(&me), Rc::clone(&log));
        let _guard = OnDrop(move || {
            let closing = me.borrow_mut().take().unwrap();
            let log2 = Rc::clone(&log);
            let helper: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(move |()| {
                log2.borrow_mut().extend([
                    closing.status().to_string(),
                    format!("{:?}", closing.close()),
                    closing.resume(()).unwrap_err().to_string(),
                    resumable::is_yieldable().to_string(),
                ]);
                // A handle to the closing coroutine outlives its close.
                yield_!();
            }));
            let resumed = format!("{:?}", helper.resume(()));
            log.borrow_mut().push(resumed);
            log.borrow_mut().push(running().status().to_string());
            // The helper is left suspended: dropping it here runs its `Drop`s inside it.
        });
        yield_!();
    }));
    *slot.borrow_mut() = Some(co.clone());
    assert!(co.resume(()).is_ok());
    co.close().unwrap();
    assert_eq!(
        *seen.borrow(),
        [
            "normal",
            "Err(Normal)",
            "cannot resume non-suspended coroutine",
            "true",
            "Ok(Yielded(()))",
            "running"
        ]
    );
    assert_eq!(co.status(), Status::Dead);
    assert!(running().is_main());
}

#[test]
fn a_second_panic_while_unwinding_through_the_last_handle_is_discarded() {
    let dropped: Rc<RefCell<Vec<&str>>> = Rc::default();
    let d = Rc::clone(&dropped);
    let co = Coroutine::new(coroutine!(move |()| {
        let d1 = Rc::clone(&d);
        let _first = OnDrop(move || d1.borrow_mut().push("first"));
        let d2 = Rc::clone(&d);
        let _bomb = OnDrop(move || {
            d2.borrow_mut().push("bomb");
            panic!("second panic");
        });
        yield_!();
    }));
    assert!(co.resume(()).is_ok());
    let r = co.to_ref();
    // Without the discard this would abort the process: a panic escaping a `Drop` during
    // unwinding.
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let _last = co;
        panic!("first panic");
    }))
    .unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"first panic"));
    assert_eq!(*dropped.borrow(), ["bomb", "first"]);
    assert_eq!(r.status(), Status::Dead);
    assert!(running().is_main());
}

#[test]
fn nested_closes_with_panics_restore_every_level() {
    // `outer`'s body holds the last handle of `inner`, whose body holds a bomb. Closing `outer`
    // drops that handle, which closes `inner` inside `outer`'s close; the bomb's panic comes out
    // of the handle's drop, unwinds through `outer`'s other locals, and is `outer`'s close error.
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    let outer_ref: Cell<resumable::CoroutineRef> = Rc::default();
    let (s, o) = (Rc::clone(&seen), Rc::clone(&outer_ref));
    let inner = Coroutine::new(coroutine!(move |()| {
        let (s, o) = (Rc::clone(&s), Rc::clone(&o));
        let _bomb = OnDrop(move || {
            let outer = o.borrow().clone().unwrap();
            s.borrow_mut().push(format!(
                "inner drop: outer {}, running {}",
                outer.status(),
                running().status()
            ));
            panic!("inner bomb");
        });
        yield_!();
    }));
    assert!(inner.resume(()).is_ok());
    let inner_ref = inner.to_ref();
    let s = Rc::clone(&seen);
    let outer = Coroutine::new(coroutine!(move |()| {
        let s = Rc::clone(&s);
        let _after = OnDrop(move || {
            s.borrow_mut()
                .push(format!("outer drop: running {}", running().status()));
        });
        let _inner = inner;
        yield_!();
    }));
    *outer_ref.borrow_mut() = Some(outer.to_ref());
    assert!(outer.resume(()).is_ok());
    let err = outer.close().unwrap_err();
    assert_eq!(err.to_string(), "inner bomb");
    assert_eq!(
        *seen.borrow(),
        [
            "inner drop: outer normal, running running",
            "outer drop: running running"
        ]
    );
    assert_eq!(outer.status(), Status::Dead);
    assert_eq!(inner_ref.status(), Status::Dead);
    assert!(running().is_main());
}

#[test]
fn closing_at_the_depth_limit_runs_the_drops_and_nothing_deeper() {
    // At the bottom of a chain of MAX_DEPTH coroutines, close one whose `Drop` tries to resume
    // another: that resume would nest one deeper than the limit.
    fn nest(k: u32, bottom: Rc<dyn Fn()>) -> Wrap<'static, (), (), ()> {
        Wrap::new(coroutine!(move |()| {
            if k == 0 {
                bottom();
            } else {
                nest(k - 1, Rc::clone(&bottom)).call(());
            }
        }))
    }
    let spare = Coroutine::new(coroutine!(|()| yield_!()));
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    let (sp, s) = (spare.clone(), Rc::clone(&seen));
    let victim = Coroutine::new(coroutine!(move |()| {
        let (sp, s) = (sp.clone(), Rc::clone(&s));
        let _guard = OnDrop(move || {
            let mut s = s.borrow_mut();
            s.push(running().status().to_string());
            s.push(sp.resume(()).unwrap_err().to_string());
        });
        yield_!();
    }));
    assert!(victim.resume(()).is_ok());
    let v = victim.clone();
    nest(MAX_DEPTH - 1, Rc::new(move || v.close().unwrap())).call(());
    assert_eq!(*seen.borrow(), ["running", "C stack overflow"]);
    assert_eq!(victim.status(), Status::Dead);
    assert_eq!(spare.status(), Status::Suspended);
    assert!(running().is_main());
    assert_eq!(spare.resume(()).unwrap(), State::Yielded(()));
}

#[test]
fn resume_and_close_other_coroutines_from_a_drop_during_close() {
    let other = Coroutine::new(coroutine!(|()| {
        yield_!(1);
        yield_!(2);
    }));
    let victim = Coroutine::new(coroutine!(|()| yield_!()));
    let results: Rc<RefCell<Vec<String>>> = Rc::default();
    let (o, v, r) = (other.clone(), victim.clone(), Rc::clone(&results));
    let co = Coroutine::new(coroutine!(move |()| {
        let (o, v, r) = (o.clone(), v.clone(), Rc::clone(&r));
        let _guard = OnDrop(move || {
            r.borrow_mut().push(format!("{:?}", o.resume(())));
            r.borrow_mut().push(format!("{:?}", v.close()));
        });
        yield_!();
    }));
    assert!(co.resume(()).is_ok());
    assert!(victim.resume(()).is_ok());
    co.close().unwrap();
    assert_eq!(*results.borrow(), ["Ok(Yielded(1))", "Ok(())"]);
    assert_eq!(victim.status(), Status::Dead);
    assert_eq!(other.resume(()).unwrap(), State::Yielded(2));
}

#[test]
fn a_panic_in_drop_while_closing_is_an_error_and_nothing_is_dropped_twice() {
    let drops: Rc<RefCell<Vec<&str>>> = Rc::default();
    let d = Rc::clone(&drops);
    let co = Coroutine::new(coroutine!(move |()| {
        let d1 = Rc::clone(&d);
        let _first = OnDrop(move || d1.borrow_mut().push("first"));
        let d2 = Rc::clone(&d);
        let _bomb = OnDrop(move || {
            d2.borrow_mut().push("bomb");
            panic!("bomb in drop");
        });
        let d3 = Rc::clone(&d);
        let _last = OnDrop(move || d3.borrow_mut().push("last"));
        yield_!();
    }));
    assert!(co.resume(()).is_ok());
    let err = co.close().unwrap_err();
    assert_eq!(err.to_string(), "bomb in drop");
    assert_eq!(*drops.borrow(), ["last", "bomb", "first"]);
    assert!(co.close().is_ok());
    assert!(matches!(co.resume(()), Err(ResumeError::Dead)));
    drop(co);
    assert_eq!(drops.borrow().len(), 3);
}

#[test]
fn a_panic_in_drop_when_the_body_returns_is_a_resume_error() {
    let co: Coroutine<'_, (), (), u32> = Coroutine::new(coroutine!(|()| {
        let _bomb = OnDrop(|| panic!("drop at return"));
        5
    }));
    let err = co.resume(()).unwrap_err();
    assert_eq!(err.to_string(), "drop at return");
    assert_eq!(co.status(), Status::Dead);
}

#[test]
fn a_drop_that_resumes_a_panicking_coroutine_while_the_body_unwinds() {
    let inner: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| panic!("inner panic")));
    let seen: Rc<RefCell<Option<String>>> = Rc::default();
    let (i, s) = (inner.clone(), Rc::clone(&seen));
    let outer: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(move |()| {
        let (i, s) = (i.clone(), Rc::clone(&s));
        let _guard = OnDrop(move || {
            // Runs while `outer` unwinds: still inside `outer`, which is still running.
            assert_eq!(running().status(), Status::Running);
            *s.borrow_mut() = Some(i.resume(()).unwrap_err().to_string());
        });
        panic!("outer panic");
    }));
    let err = outer.resume(()).unwrap_err();
    assert_eq!(err.to_string(), "outer panic");
    assert_eq!(seen.borrow().as_deref(), Some("inner panic"));
    assert_eq!(inner.status(), Status::Dead);
}

/// Where `forget` puts things: nowhere (`mem::forget`), or, under Miri, a list released when
/// the test ends, so that Miri's leak check does not fail the run for leaks made on purpose.
/// Until then the handles are just as unreachable to the runtime.
#[derive(Default)]
struct Forgotten(RefCell<Vec<Box<dyn std::any::Any>>>);

impl Forgotten {
    fn forget<T: 'static>(&self, value: T) {
        if cfg!(miri) {
            self.0.borrow_mut().push(Box::new(value));
        } else {
            mem::forget(value);
        }
    }
}

#[test]
fn forgetting_handles_leaks_but_never_breaks() {
    let forgotten = Rc::new(Forgotten::default());
    // Forgetting one clone of many: the others work on.
    let co = Coroutine::new(coroutine!(|()| {
        yield_!(1);
        yield_!(2);
    }));
    forgotten.forget(co.clone());
    forgotten.forget(co.to_ref());
    assert_eq!(co.resume(()).unwrap(), State::Yielded(1));
    // A coroutine that forgets a handle to itself (and to a running coroutine) mid-body.
    let slot: Cell<Coroutine<'_, (), (), ()>> = Rc::default();
    let (me, f) = (Rc::clone(&slot), Rc::clone(&forgotten));
    let selfish = Coroutine::new(coroutine!(move |()| {
        f.forget(me.borrow_mut().take().unwrap());
        f.forget(running());
        yield_!();
    }));
    *slot.borrow_mut() = Some(selfish.clone());
    assert!(selfish.resume(()).is_ok());
    assert!(selfish.resume(()).is_ok());
    assert_eq!(selfish.status(), Status::Dead);
    // Forgetting the only handle of a suspended coroutine: its locals are never dropped.
    let dropped = Rc::new(RefCell::new(false));
    let d = Rc::clone(&dropped);
    let lonely = Coroutine::new(coroutine!(move |()| {
        let d = Rc::clone(&d);
        let _guard = OnDrop(move || *d.borrow_mut() = true);
        yield_!();
    }));
    assert!(lonely.resume(()).is_ok());
    forgotten.forget(Wrap::from_coroutine(lonely));
    assert!(!*dropped.borrow());
    assert_eq!(co.resume(()).unwrap(), State::Yielded(2));
}

type Link = Coroutine<'static, (), (), Result<usize, String>>;

/// `links[k]` resumes `links[k - 1]`, so resuming the last one nests `n` deep.
fn chain(n: usize) -> Vec<Link> {
    let mut links: Vec<Link> = Vec::with_capacity(n);
    for _ in 0..n {
        let next = links.last().cloned();
        links.push(Coroutine::new(coroutine!(move |()| {
            let Some(next) = &next else { return Ok(1) };
            match next.resume(()) {
                Ok(State::Complete(Ok(depth))) => Ok(depth + 1),
                Ok(State::Complete(Err(e))) => Err(e),
                Ok(State::Yielded(())) => Err("yielded".to_owned()),
                Err(e) => Err(e.to_string()),
            }
        })));
    }
    links
}

#[test]
fn a_chain_of_ten_thousand_nested_coroutines_is_an_error_not_a_crash() {
    // Miri is slow; the limit is what matters, not the length past it.
    let n = if cfg!(miri) {
        MAX_DEPTH as usize + 5
    } else {
        10_000
    };
    let links = chain(n);
    let last = links.last().unwrap();
    let result = last.resume(()).unwrap().complete().unwrap();
    assert_eq!(result, Err("C stack overflow".to_owned()));
    // Exactly MAX_DEPTH ran: the ones below the limit are untouched and still suspended.
    let ran = links.iter().filter(|l| l.status() == Status::Dead).count();
    assert_eq!(ran, MAX_DEPTH as usize);
    assert_eq!(
        links[n - 1 - MAX_DEPTH as usize].status(),
        Status::Suspended
    );
    // The depth is restored: a shallow chain runs again from the main context.
    assert!(matches!(links[0].resume(()), Ok(State::Complete(Ok(1)))));
    // Drop from the end so each drop is shallow.
    let mut links = links;
    while links.pop().is_some() {}
}

#[test]
fn the_depth_limit_counts_across_wrap_calls_and_panics() {
    // A panic at depth MAX_DEPTH unwinds through every level, each caught and re-raised by
    // `Wrap::call`, and leaves the thread's record of running coroutines as it was.
    fn nest(k: u32) -> Wrap<'static, (), u32, u32> {
        Wrap::new(coroutine!(yield = u32, move |()| {
            assert!(k != 0, "bottom");
            nest(k - 1).call(()) + 1
        }))
    }
    let payload = std::panic::catch_unwind(|| nest(MAX_DEPTH - 1).call(())).unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"bottom"));
    assert!(running().is_main());
    let payload = std::panic::catch_unwind(|| nest(MAX_DEPTH).call(())).unwrap_err();
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("C stack overflow")
    );
    assert!(running().is_main());
    assert_eq!(nest(0).coroutine().status(), Status::Suspended);
}

#[test]
fn dropping_the_last_handle_from_inside_another_body() {
    let victim = Coroutine::new(coroutine!(|()| {
        let _guard = OnDrop(|| assert!(!running().is_main()));
        yield_!();
    }));
    assert!(victim.resume(()).is_ok());
    let holder: Cell<Coroutine<'_, (), (), ()>> = Rc::new(RefCell::new(Some(victim)));
    let h = Rc::clone(&holder);
    let killer: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(move |()| {
        let victim = h.borrow_mut().take();
        drop(victim);
    }));
    assert!(killer.resume(()).is_ok());
    assert!(holder.borrow().is_none());
}

// Named to run first under Miri (one test at a time, in name order): on a target where `std`
// emulates thread-locals with OS keys, the order of their destructors follows the order in which
// the keys were first used in the process, and this test needs to use its own first. Under Miri
// with `--target x86_64-pc-windows-gnu` it read freed memory before `running::ContextRef`.
#[test]
fn a_body_kept_in_a_thread_local_is_resumed_and_dropped_by_its_destructor() {
    // At thread exit, thread-local destructors run in an order nobody controls (on some targets
    // the reverse of first use). One of them may resume or drop a coroutine after the thread's
    // own coroutine bookkeeping was torn down, where `std` emulates thread-locals.
    type Log = std::sync::Arc<std::sync::Mutex<Vec<String>>>;
    struct Keep(Option<Coroutine<'static, (), u32, ()>>, Log);
    impl Drop for Keep {
        fn drop(&mut self) {
            let co = self.0.take().unwrap();
            let resumed = format!("{:?}", co.resume(()));
            self.1.lock().unwrap().push(resumed);
            drop(co); // the last handle of a suspended coroutine: closes it
        }
    }
    thread_local! {
        static KEEP: RefCell<Option<Keep>> = const { RefCell::new(None) };
    }
    for keep_first in [true, false] {
        let log = Log::default();
        let l = log.clone();
        std::thread::spawn(move || {
            if keep_first {
                KEEP.with(|_| {});
            }
            let dropped = l.clone();
            let co = Coroutine::new(coroutine!(move |()| {
                let d = dropped.clone();
                let _guard = OnDrop(move || d.lock().unwrap().push("dropped".to_owned()));
                yield_!(1);
                yield_!(2);
            }));
            assert_eq!(co.resume(()).unwrap(), State::Yielded(1));
            KEEP.with(|k| *k.borrow_mut() = Some(Keep(Some(co), l)));
        })
        .join()
        .unwrap();
        assert_eq!(*log.lock().unwrap(), ["Ok(Yielded(2))", "dropped"]);
    }
}
