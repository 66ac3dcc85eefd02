//! `status()`, `running()` and `is_yieldable()` with Lua's meanings: suspended, running, normal,
//! dead; the main context; references that outlive their coroutine.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use resumable::{
    Coroutine, CoroutineRef, Running, State, Status, coroutine, is_yieldable, running, yield_,
};

#[test]
fn suspended_before_the_first_resume_and_at_each_yield_then_dead() {
    let co = Coroutine::new(coroutine!(|()| {
        yield_!();
        yield_!();
    }));
    assert_eq!(co.status(), Status::Suspended);
    assert!(co.resume(()).is_ok());
    assert_eq!(co.status(), Status::Suspended);
    assert!(co.resume(()).is_ok());
    assert_eq!(co.status(), Status::Suspended);
    assert!(co.resume(()).is_ok());
    assert_eq!(co.status(), Status::Dead);
}

#[test]
fn dead_after_a_panic_and_after_close() {
    let panics: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(|()| panic!("no")));
    panics.resume(()).unwrap_err();
    assert_eq!(panics.status(), Status::Dead);
    let closed = Coroutine::new(coroutine!(|()| yield_!()));
    closed.close().unwrap();
    assert_eq!(closed.status(), Status::Dead);
}

#[test]
fn running_inside_its_own_body() {
    let slot: Rc<RefCell<Option<Coroutine<'_, (), (), Status>>>> = Rc::default();
    let me = Rc::clone(&slot);
    let co = Coroutine::new(coroutine!(move |()| {
        let handle = me.borrow_mut().take().unwrap();
        assert_eq!(running().status(), Status::Running);
        handle.status()
    }));
    *slot.borrow_mut() = Some(co.clone());
    assert_eq!(co.resume(()).unwrap(), State::Complete(Status::Running));
}

/// Lua's chain of four: each coroutine resumes the next; the innermost reports the statuses of
/// all four, outermost first.
#[test]
fn a_chain_of_four_is_normal_normal_normal_running() {
    type Link = Coroutine<'static, (), (), Vec<Status>>;
    let all: Rc<RefCell<Vec<CoroutineRef>>> = Rc::default();
    let mut next: Option<Link> = None;
    for _ in 0..4 {
        let seen = Rc::clone(&all);
        let inner = next.take();
        let co: Link = Coroutine::new(coroutine!(move |()| match &inner {
            Some(inner) => inner.resume(()).unwrap().complete().unwrap(),
            None => seen.borrow().iter().map(CoroutineRef::status).collect(),
        }));
        all.borrow_mut().insert(0, co.to_ref());
        next = Some(co);
    }
    let outermost = next.unwrap();
    assert_eq!(
        outermost.resume(()).unwrap().complete().unwrap(),
        [
            Status::Normal,
            Status::Normal,
            Status::Normal,
            Status::Running
        ]
    );
    for r in all.borrow().iter() {
        assert_ne!(r.status(), Status::Normal);
    }
}

#[test]
fn main_is_running_outside_and_normal_inside() {
    assert_eq!(running(), Running::Main);
    assert!(running().is_main());
    assert_eq!(running().status(), Status::Running);
    let main = running();
    let co: Coroutine<'_, (), (), (Status, bool)> =
        Coroutine::new(coroutine!(move |()| (main.status(), running().is_main())));
    assert_eq!(
        co.resume(()).unwrap(),
        State::Complete((Status::Normal, false))
    );
}

#[test]
fn running_is_the_innermost_coroutine_and_compares_with_its_handles() {
    let outer_ref: Rc<RefCell<Option<Running>>> = Rc::default();
    let inner_ref: Rc<RefCell<Option<Running>>> = Rc::default();
    let (o, i) = (Rc::clone(&outer_ref), Rc::clone(&inner_ref));
    let inner = Coroutine::new(coroutine!(move |()| {
        *i.borrow_mut() = Some(running());
        yield_!();
    }));
    let inner2 = inner.clone();
    let outer: Coroutine<'_, (), (), ()> = Coroutine::new(coroutine!(move |()| {
        *o.borrow_mut() = Some(running());
        assert!(inner2.resume(()).is_ok());
        // Back in the outer body: it is the innermost again.
        assert!(running() == *o.borrow().as_ref().unwrap());
    }));
    assert!(outer.resume(()).is_ok());
    let (outer_running, inner_running) = (
        outer_ref.borrow_mut().take().unwrap(),
        inner_ref.borrow_mut().take().unwrap(),
    );
    assert!(outer_running == outer && inner_running == inner);
    assert!(outer_running != inner && inner_running != outer);
    assert!(!outer_running.is_main());
    assert_eq!(outer_running.status(), Status::Dead);
    assert_eq!(inner_running.status(), Status::Suspended);
    let set: HashSet<Running> = [outer_running.clone(), inner_running, outer_running]
        .into_iter()
        .collect();
    assert_eq!(set.len(), 2);
}

#[test]
fn a_reference_reports_dead_once_every_handle_is_gone() {
    let co = Coroutine::new(coroutine!(|()| yield_!()));
    assert!(co.resume(()).is_ok());
    let r = co.to_ref();
    let clone = co.clone();
    drop(co);
    assert_eq!(r.status(), Status::Suspended);
    drop(clone);
    assert_eq!(r.status(), Status::Dead);
    assert_eq!(r.clone(), r);
    assert!(format!("{r:?}").contains("Dead"));
}

#[test]
fn is_yieldable_exactly_inside_a_coroutine_body() {
    assert!(!is_yieldable());
    let co: Coroutine<'_, (), (), (bool, bool)> = Coroutine::new(coroutine!(|()| {
        let inner: Coroutine<'_, (), (), bool> = Coroutine::new(coroutine!(|()| is_yieldable()));
        let nested = inner.resume(()).unwrap().complete().unwrap();
        (is_yieldable(), nested)
    }));
    assert_eq!(co.resume(()).unwrap(), State::Complete((true, true)));
    assert!(!is_yieldable());
}

/// What a `Drop` of a coroutine's local sees while the coroutine's state is being dropped.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    /// The coroutine's own status.
    me: Status,
    /// Whether `running()` is the coroutine.
    running_is_me: bool,
    /// `running().status()`.
    running: Status,
    yieldable: bool,
    /// The status of the main context.
    main: Status,
    /// The status of the coroutine that closes (or drops) it, if one does.
    closer: Option<Status>,
}

/// Where a [`Probe`] records what it sees. `me` and `closer` are filled in once they exist.
#[derive(Default, Clone)]
struct Watch {
    me: Rc<RefCell<Option<CoroutineRef>>>,
    closer: Rc<RefCell<Option<CoroutineRef>>>,
    seen: Rc<RefCell<Option<Seen>>>,
}

impl Watch {
    /// A coroutine that holds a [`Probe`] across a `yield_!`, resumed to that point.
    fn suspended_in(&self) -> Coroutine<'static, (), (), ()> {
        let probe = Probe(self.clone());
        let co = Coroutine::new(coroutine!(move |()| {
            let _probe = probe;
            yield_!();
            unreachable!("closed before it gets here");
        }));
        *self.me.borrow_mut() = Some(co.to_ref());
        assert!(co.resume(()).is_ok());
        co
    }

    fn seen(&self) -> Option<Seen> {
        self.seen.borrow().clone()
    }
}

/// Records in its [`Watch`] what it sees when dropped.
struct Probe(Watch);

impl Drop for Probe {
    fn drop(&mut self) {
        let me = self.0.me.borrow().clone().unwrap();
        let closer = self.0.closer.borrow().as_ref().map(CoroutineRef::status);
        *self.0.seen.borrow_mut() = Some(Seen {
            me: me.status(),
            running_is_me: running() == me,
            running: running().status(),
            yieldable: is_yieldable(),
            main: Running::Main.status(),
            closer,
        });
    }
}

/// What Lua 5.4 reports inside a `__close` run by `coroutine.close`: the coroutine is running,
/// `coroutine.running()` is it, it cannot yield, and whoever closes it is normal.
///
/// ```lua
/// local main = coroutine.running()
/// local co
/// co = coroutine.create(function ()
///   local x <close> = setmetatable({}, { __close = function ()
///     print(coroutine.status(co), coroutine.running() == co,  --> running  true
///           coroutine.isyieldable(), coroutine.status(main))  --> false    normal
///   end })
///   coroutine.yield()
/// end)
/// coroutine.resume(co)
/// print(coroutine.close(co), coroutine.status(co))            --> true     dead
/// ```
const INSIDE_CLOSE: Seen = Seen {
    me: Status::Running,
    running_is_me: true,
    running: Status::Running,
    yieldable: false,
    main: Status::Normal,
    closer: None,
};

fn back_in_main() {
    assert!(running().is_main());
    assert_eq!(Running::Main.status(), Status::Running);
    assert!(!is_yieldable());
}

#[test]
fn inside_a_drop_run_by_close_from_main_the_coroutine_is_running() {
    let watch = Watch::default();
    let co = watch.suspended_in();
    co.close().unwrap();
    assert_eq!(watch.seen(), Some(INSIDE_CLOSE));
    assert_eq!(co.status(), Status::Dead);
    back_in_main();
}

#[test]
fn inside_a_drop_run_by_close_from_a_coroutine_the_closer_is_normal() {
    let watch = Watch::default();
    let co = watch.suspended_in();
    let closer: Coroutine<'_, (), (), (Status, bool)> = Coroutine::new(coroutine!(move |()| {
        co.close().unwrap();
        (co.status(), is_yieldable())
    }));
    *watch.closer.borrow_mut() = Some(closer.to_ref());
    // Back in the closer after `close`: dead, and the closer runs (and can yield) again.
    assert_eq!(
        closer.resume(()).unwrap(),
        State::Complete((Status::Dead, true))
    );
    assert_eq!(
        watch.seen(),
        Some(Seen {
            closer: Some(Status::Normal),
            ..INSIDE_CLOSE
        })
    );
    back_in_main();
}

#[test]
fn inside_a_drop_run_by_dropping_the_last_handle_the_coroutine_is_running() {
    let watch = Watch::default();
    let co = watch.suspended_in();
    let clone = co.clone();
    drop(co);
    assert_eq!(watch.seen(), None, "a clone still refers to it");
    drop(clone);
    assert_eq!(watch.seen(), Some(INSIDE_CLOSE));
    assert_eq!(watch.me.borrow().as_ref().unwrap().status(), Status::Dead);
    back_in_main();
}

#[test]
fn inside_a_drop_run_by_dropping_the_last_handle_from_a_coroutine_the_dropper_is_normal() {
    let watch = Watch::default();
    let co = watch.suspended_in();
    let holder = Rc::new(RefCell::new(Some(co)));
    let h = Rc::clone(&holder);
    let dropper: Coroutine<'_, (), (), bool> = Coroutine::new(coroutine!(move |()| {
        let last = h.borrow_mut().take();
        drop(last);
        is_yieldable()
    }));
    *watch.closer.borrow_mut() = Some(dropper.to_ref());
    assert_eq!(dropper.resume(()).unwrap(), State::Complete(true));
    assert_eq!(
        watch.seen(),
        Some(Seen {
            closer: Some(Status::Normal),
            ..INSIDE_CLOSE
        })
    );
    back_in_main();
}

#[test]
fn status_displays_lua_words() {
    let words: Vec<String> = [
        Status::Suspended,
        Status::Running,
        Status::Normal,
        Status::Dead,
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(words, ["suspended", "running", "normal", "dead"]);
    assert_eq!(format!("{:>6}|", Status::Dead), "  dead|");
}

#[test]
fn main_has_an_address_unique_to_its_thread() {
    let here = format!("{:p}", running());
    assert!(here.starts_with("0x"));
    assert_eq!(here, format!("{:p}", running()));
    let there = std::thread::spawn(|| format!("{:p}", running()))
        .join()
        .unwrap();
    assert_ne!(here, there);
}
