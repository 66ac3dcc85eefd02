//! Property test: random programs of create / resume / yield / close / clone / drop / panic (and
//! bodies that resume, close and inspect other coroutines) run against the real handles and
//! against a small reference model of Lua's coroutine state machine. Every status, every result
//! and the order of every `Drop` must agree.
//!
//! The number of cases is `PROPTEST_CASES` (default 10,000; 16 under Miri).

use std::cell::RefCell;
use std::panic::resume_unwind;
use std::rc::{Rc, Weak};

use proptest::collection::vec;
use proptest::prelude::*;
use resumable::{
    CloseError, Coroutine, CoroutineRef, Resumable, ResumeError, Running, State, Status, coroutine,
    is_yieldable, running, yield_,
};

/// What a coroutine body does, one step at a time. Slots are indices into the table of handles,
/// taken modulo its length.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Yield(u32),
    Return(u32),
    Panic,
    Resume(u8, u32),
    Close(u8),
    Status(u8),
    Running,
}

/// What the test does from the main context.
#[derive(Debug, Clone, PartialEq)]
enum Op {
    Create(Vec<Step>),
    Resume(u8, u32),
    Close(u8),
    Clone(u8),
    Drop(u8),
    Status(u8),
    /// The status seen through a `CoroutineRef` of the coroutine with this number, which may
    /// have lost all its handles.
    RefStatus(u8),
    Running,
}

#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Yielded(u32),
    Complete(u32),
    Dead,
    NonSuspended,
    Panicked(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Closed {
    Ok,
    Running,
    Normal,
}

/// Everything observable, in order. `by` is the coroutine whose body did it, `None` for main.
#[derive(Debug, Clone, PartialEq)]
enum Event {
    Started {
        co: usize,
        arg: u32,
    },
    Got {
        co: usize,
        arg: u32,
    },
    Dropped {
        co: usize,
    },
    NoSlot {
        by: Option<usize>,
    },
    Resumed {
        by: Option<usize>,
        co: usize,
        outcome: Outcome,
    },
    Closed {
        by: Option<usize>,
        co: usize,
        closed: Closed,
    },
    Status {
        by: Option<usize>,
        co: usize,
        status: Status,
    },
    RefStatus {
        co: usize,
        status: Status,
    },
    Running {
        by: Option<usize>,
        running: Option<usize>,
        yieldable: bool,
    },
}

/// What a body returns when its script runs out.
const END: u32 = u32::MAX;

// ---------------------------------------------------------------------------------------------
// The reference model: Lua's rules, written as plainly as possible.

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Suspended,
    Active,
    Dead,
}

struct ModelCo {
    script: Vec<Step>,
    pc: usize,
    started: bool,
    phase: Phase,
    handles: usize,
}

#[derive(Default)]
struct Model {
    cos: Vec<ModelCo>,
    slots: Vec<Option<usize>>,
    stack: Vec<usize>,
    log: Vec<Event>,
}

impl Model {
    fn slot(&self, slot: u8) -> Option<(usize, Option<usize>)> {
        if self.slots.is_empty() {
            return None;
        }
        let i = usize::from(slot) % self.slots.len();
        Some((i, self.slots[i]))
    }

    fn target(&self, slot: u8) -> Option<usize> {
        self.slot(slot).and_then(|(_, co)| co)
    }

    fn status(&self, co: usize) -> Status {
        match self.cos[co].phase {
            Phase::Suspended => Status::Suspended,
            Phase::Dead => Status::Dead,
            Phase::Active if self.stack.last() == Some(&co) => Status::Running,
            Phase::Active => Status::Normal,
        }
    }

    fn die(&mut self, co: usize) {
        self.cos[co].phase = Phase::Dead;
        if self.cos[co].started {
            self.log.push(Event::Dropped { co });
        }
    }

    fn resume(&mut self, co: usize, arg: u32) -> Outcome {
        match self.cos[co].phase {
            Phase::Dead => return Outcome::Dead,
            Phase::Active => return Outcome::NonSuspended,
            Phase::Suspended => {}
        }
        self.stack.push(co);
        self.cos[co].phase = Phase::Active;
        if self.cos[co].started {
            self.log.push(Event::Got { co, arg });
        } else {
            self.cos[co].started = true;
            self.log.push(Event::Started { co, arg });
        }
        let by = Some(co);
        let outcome = loop {
            let c = &mut self.cos[co];
            let Some(&step) = c.script.get(c.pc) else {
                self.die(co);
                break Outcome::Complete(END);
            };
            c.pc += 1;
            match step {
                Step::Yield(v) => {
                    c.phase = Phase::Suspended;
                    break Outcome::Yielded(v);
                }
                Step::Return(v) => {
                    self.die(co);
                    break Outcome::Complete(v);
                }
                Step::Panic => {
                    self.die(co);
                    break Outcome::Panicked(format!("boom {co}"));
                }
                Step::Resume(slot, arg) => self.op_resume(by, slot, arg),
                Step::Close(slot) => self.op_close(by, slot),
                Step::Status(slot) => self.op_status(by, slot),
                Step::Running => self.log.push(Event::Running {
                    by,
                    running: Some(co),
                    yieldable: true,
                }),
            }
        };
        self.stack.pop();
        outcome
    }

    fn op_resume(&mut self, by: Option<usize>, slot: u8, arg: u32) {
        match self.target(slot) {
            None => self.log.push(Event::NoSlot { by }),
            Some(co) => {
                let outcome = self.resume(co, arg);
                self.log.push(Event::Resumed { by, co, outcome });
            }
        }
    }

    fn op_close(&mut self, by: Option<usize>, slot: u8) {
        match self.target(slot) {
            None => self.log.push(Event::NoSlot { by }),
            Some(co) => {
                let closed = match self.status(co) {
                    Status::Running => Closed::Running,
                    Status::Normal => Closed::Normal,
                    Status::Dead => Closed::Ok,
                    Status::Suspended => {
                        self.die(co);
                        Closed::Ok
                    }
                };
                self.log.push(Event::Closed { by, co, closed });
            }
        }
    }

    fn op_status(&mut self, by: Option<usize>, slot: u8) {
        match self.target(slot) {
            None => self.log.push(Event::NoSlot { by }),
            Some(co) => {
                let status = self.status(co);
                self.log.push(Event::Status { by, co, status });
            }
        }
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::Create(script) => {
                self.cos.push(ModelCo {
                    script: script.clone(),
                    pc: 0,
                    started: false,
                    phase: Phase::Suspended,
                    handles: 1,
                });
                self.slots.push(Some(self.cos.len() - 1));
            }
            &Op::Resume(slot, arg) => self.op_resume(None, slot, arg),
            &Op::Close(slot) => self.op_close(None, slot),
            &Op::Status(slot) => self.op_status(None, slot),
            &Op::Clone(slot) => {
                if let Some(co) = self.target(slot) {
                    self.cos[co].handles += 1;
                    self.slots.push(Some(co));
                }
            }
            &Op::Drop(slot) => {
                if let Some((i, Some(co))) = self.slot(slot) {
                    self.slots[i] = None;
                    self.cos[co].handles -= 1;
                    // The last handle of an unfinished coroutine drops its state (not Lua's GC).
                    if self.cos[co].handles == 0 && self.cos[co].phase == Phase::Suspended {
                        self.die(co);
                    }
                }
            }
            &Op::RefStatus(n) => {
                if !self.cos.is_empty() {
                    let co = usize::from(n) % self.cos.len();
                    let status = self.status(co);
                    self.log.push(Event::RefStatus { co, status });
                }
            }
            Op::Running => self.log.push(Event::Running {
                by: None,
                running: None,
                yieldable: false,
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The real thing.

type Co = Coroutine<'static, u32, u32, u32>;

#[derive(Default)]
struct Env {
    slots: RefCell<Vec<Option<Co>>>,
    refs: RefCell<Vec<CoroutineRef>>,
    log: RefCell<Vec<Event>>,
}

impl Env {
    fn slot(&self, slot: u8) -> Option<(usize, Option<Co>)> {
        let slots = self.slots.borrow();
        if slots.is_empty() {
            return None;
        }
        let i = usize::from(slot) % slots.len();
        Some((i, slots[i].clone()))
    }

    fn target(&self, slot: u8) -> Option<Co> {
        self.slot(slot).and_then(|(_, co)| co)
    }

    fn id_of(&self, co: &Co) -> usize {
        self.refs.borrow().iter().position(|r| r == co).unwrap()
    }

    fn push(&self, event: Event) {
        self.log.borrow_mut().push(event);
    }

    fn op_resume(&self, by: Option<usize>, slot: u8, arg: u32) {
        match self.target(slot) {
            None => self.push(Event::NoSlot { by }),
            Some(co) => {
                let outcome = match co.resume(arg) {
                    Ok(State::Yielded(v)) => Outcome::Yielded(v),
                    Ok(State::Complete(v)) => Outcome::Complete(v),
                    Err(ResumeError::Dead) => Outcome::Dead,
                    Err(ResumeError::NonSuspended) => Outcome::NonSuspended,
                    Err(ResumeError::Panicked(p)) => Outcome::Panicked(p.message().to_owned()),
                    Err(e) => panic!("unexpected {e:?}"),
                };
                let co = self.id_of(&co);
                self.push(Event::Resumed { by, co, outcome });
            }
        }
    }

    fn op_close(&self, by: Option<usize>, slot: u8) {
        match self.target(slot) {
            None => self.push(Event::NoSlot { by }),
            Some(co) => {
                let closed = match co.close() {
                    Ok(()) => Closed::Ok,
                    Err(CloseError::Running) => Closed::Running,
                    Err(CloseError::Normal) => Closed::Normal,
                    Err(e) => panic!("unexpected {e:?}"),
                };
                let co = self.id_of(&co);
                self.push(Event::Closed { by, co, closed });
            }
        }
    }

    fn op_status(&self, by: Option<usize>, slot: u8) {
        match self.target(slot) {
            None => self.push(Event::NoSlot { by }),
            Some(co) => {
                let status = co.status();
                let co = self.id_of(&co);
                self.push(Event::Status { by, co, status });
            }
        }
    }

    fn op_running(&self, by: Option<usize>) {
        let running = match running() {
            Running::Main => None,
            Running::Coroutine(r) => Some(self.refs.borrow().iter().position(|x| *x == r).unwrap()),
        };
        self.push(Event::Running {
            by,
            running,
            yieldable: is_yieldable(),
        });
    }

    fn apply(self: &Rc<Self>, op: &Op) {
        match op {
            Op::Create(script) => {
                let id = self.refs.borrow().len();
                let co = Coroutine::new(body(id, script.clone(), Rc::downgrade(self)));
                self.refs.borrow_mut().push(co.to_ref());
                self.slots.borrow_mut().push(Some(co));
            }
            &Op::Resume(slot, arg) => self.op_resume(None, slot, arg),
            &Op::Close(slot) => self.op_close(None, slot),
            &Op::Status(slot) => self.op_status(None, slot),
            &Op::Clone(slot) => {
                if let Some(co) = self.target(slot) {
                    self.slots.borrow_mut().push(Some(co));
                }
            }
            &Op::Drop(slot) => {
                if let Some((i, Some(_))) = self.slot(slot) {
                    let handle = self.slots.borrow_mut()[i].take();
                    drop(handle); // outside the borrow: this may run the body's `Drop`s
                }
            }
            &Op::RefStatus(n) => {
                let refs = self.refs.borrow();
                if !refs.is_empty() {
                    let co = usize::from(n) % refs.len();
                    let status = refs[co].status();
                    drop(refs);
                    self.push(Event::RefStatus { co, status });
                }
            }
            Op::Running => self.op_running(None),
        }
    }
}

/// Logs that the body of coroutine `co` was dropped.
struct Guard {
    co: usize,
    env: Weak<Env>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(env) = self.env.upgrade() {
            env.push(Event::Dropped { co: self.co });
        }
    }
}

/// A body that follows `script`. It reaches the table of handles through a `Weak`, so that no
/// coroutine keeps itself alive.
fn body(
    id: usize,
    script: Vec<Step>,
    env: Weak<Env>,
) -> impl Resumable<u32, Yield = u32, Return = u32> {
    coroutine!(move |first: u32| {
        let _guard = Guard {
            co: id,
            env: env.clone(),
        };
        let with = |f: &dyn Fn(&Env)| f(&env.upgrade().unwrap());
        with(&|e| e.push(Event::Started { co: id, arg: first }));
        let by = Some(id);
        for &step in &script {
            match step {
                Step::Yield(v) => {
                    let arg = yield_!(v);
                    with(&|e| e.push(Event::Got { co: id, arg }));
                }
                Step::Return(v) => return v,
                Step::Panic => resume_unwind(Box::new(format!("boom {id}"))),
                Step::Resume(slot, arg) => with(&|e| e.op_resume(by, slot, arg)),
                Step::Close(slot) => with(&|e| e.op_close(by, slot)),
                Step::Status(slot) => with(&|e| e.op_status(by, slot)),
                Step::Running => with(&|e| e.op_running(by)),
            }
        }
        END
    })
}

// ---------------------------------------------------------------------------------------------

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..100_u32).prop_map(Step::Yield),
        1 => (0..100_u32).prop_map(Step::Return),
        1 => Just(Step::Panic),
        3 => (any::<u8>(), 0..100_u32).prop_map(|(s, a)| Step::Resume(s, a)),
        1 => any::<u8>().prop_map(Step::Close),
        1 => any::<u8>().prop_map(Step::Status),
        1 => Just(Step::Running),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => vec(step(), 0..6).prop_map(Op::Create),
        6 => (any::<u8>(), 0..100_u32).prop_map(|(s, a)| Op::Resume(s, a)),
        1 => any::<u8>().prop_map(Op::Close),
        1 => any::<u8>().prop_map(Op::Clone),
        1 => any::<u8>().prop_map(Op::Drop),
        1 => any::<u8>().prop_map(Op::Status),
        1 => any::<u8>().prop_map(Op::RefStatus),
        1 => Just(Op::Running),
    ]
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if cfg!(miri) { 16 } else { 10_000 })
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        // Miri runs without file system access.
        failure_persistence: if cfg!(miri) {
            None
        } else {
            ProptestConfig::default().failure_persistence
        },
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn handles_behave_like_the_model(ops in vec(op(), 1..40)) {
        let mut model = Model::default();
        let env = Rc::new(Env::default());
        for op in &ops {
            model.apply(op);
            env.apply(op);
            prop_assert_eq!(&*env.log.borrow(), &model.log, "after {:?}", op);
        }
        prop_assert!(running().is_main());
    }
}

#[test]
fn the_model_itself_follows_lua() {
    // A coroutine that resumes itself, then yields, then panics.
    let mut model = Model::default();
    model.apply(&Op::Create(vec![
        Step::Resume(0, 1),
        Step::Status(0),
        Step::Yield(5),
        Step::Panic,
    ]));
    model.apply(&Op::Resume(0, 10));
    model.apply(&Op::Resume(0, 20));
    model.apply(&Op::Resume(0, 30));
    assert_eq!(
        model.log,
        [
            Event::Started { co: 0, arg: 10 },
            Event::Resumed {
                by: Some(0),
                co: 0,
                outcome: Outcome::NonSuspended
            },
            Event::Status {
                by: Some(0),
                co: 0,
                status: Status::Running
            },
            Event::Resumed {
                by: None,
                co: 0,
                outcome: Outcome::Yielded(5)
            },
            Event::Got { co: 0, arg: 20 },
            Event::Dropped { co: 0 },
            Event::Resumed {
                by: None,
                co: 0,
                outcome: Outcome::Panicked("boom 0".to_owned())
            },
            Event::Resumed {
                by: None,
                co: 0,
                outcome: Outcome::Dead
            },
        ]
    );
}
