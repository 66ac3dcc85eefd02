//! Boxed coroutines with a name (`BoxResumable`, `LocalBoxResumable`): stored in struct fields,
//! returned from trait methods (also `dyn` ones), resumed without writing `Pin`, iterated with
//! `for`, `Send` exactly when boxed with `boxed()`, and converted to and from the pinned box
//! without a second allocation.

use core::pin::Pin;
use std::cell::Cell;
use std::rc::Rc;

use resumable::{
    BoxResumable, Coroutine, Iter, LocalBoxResumable, Resumable, State, coroutine, resumable,
    yield_,
};

#[resumable(yield = u8)]
fn bytes(s: &str) -> usize {
    for b in s.bytes() {
        yield_!(b);
    }
    s.len()
}

#[resumable(yield = u32)]
fn upto(n: u32) {
    for i in 0..n {
        yield_!(i);
    }
}

#[resumable(yield = u32)]
fn squares(n: u32) {
    for i in 0..n {
        yield_!(i * i);
    }
}

/// The case: a struct that keeps a coroutine and resumes it from a method.
struct Tokenizer<'a> {
    input: BoxResumable<'a, (), u8, usize>,
    seen: usize,
}

impl Tokenizer<'_> {
    fn next_byte(&mut self) -> Option<u8> {
        match self.input.resume(()) {
            State::Yielded(b) => {
                self.seen += 1;
                Some(b)
            }
            State::Complete(len) => {
                assert_eq!(len, self.seen);
                None
            }
        }
    }
}

#[test]
fn a_struct_field_resumed_through_mut_self() {
    let text = String::from("abc");
    let mut t = Tokenizer {
        input: bytes(&text).boxed(),
        seen: 0,
    };
    let mut out = Vec::new();
    while let Some(b) = t.next_byte() {
        out.push(b);
    }
    assert_eq!(out, b"abc");
}

/// A `dyn`-compatible trait whose method returns a coroutine.
trait Source {
    fn numbers(&self) -> BoxResumable<'_, (), u32, ()>;
}

struct Counting(u32);
struct Squaring(u32);

impl Source for Counting {
    fn numbers(&self) -> BoxResumable<'_, (), u32, ()> {
        upto(self.0).boxed()
    }
}

impl Source for Squaring {
    fn numbers(&self) -> BoxResumable<'_, (), u32, ()> {
        squares(self.0).boxed()
    }
}

#[test]
fn returned_from_a_dyn_trait_method_and_iterated_with_for() {
    let sources: Vec<Box<dyn Source>> = vec![Box::new(Counting(3)), Box::new(Squaring(4))];
    let mut all = Vec::new();
    for source in &sources {
        for x in source.numbers() {
            all.push(x);
        }
    }
    assert_eq!(all, [0, 1, 2, 0, 1, 4, 9]);
}

#[test]
fn either_of_two_coroutine_types_behind_one_name() {
    let pick = |even: bool| -> BoxResumable<'static, (), u32, ()> {
        if even {
            upto(3).boxed()
        } else {
            coroutine!(|()| {
                yield_!(7_u32);
            })
            .boxed()
        }
    };
    assert_eq!(pick(true).into_iter().collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(pick(false).into_iter().collect::<Vec<_>>(), [7]);
}

#[test]
fn send_boxes_cross_threads() {
    fn assert_send<T: Send>(_: &T) {}
    let co = upto(5).boxed();
    assert_send(&co);
    let sum = std::thread::spawn(move || co.into_iter().sum::<u32>())
        .join()
        .unwrap();
    assert_eq!(sum, 10);
}

#[test]
fn local_boxes_hold_what_is_not_send() {
    let shared = Rc::new(Cell::new(0));
    let in_body = Rc::clone(&shared);
    let mut co: LocalBoxResumable<'_, u32, (), u32> = coroutine!(move |first: u32| {
        in_body.set(first);
        let more = yield_!(());
        in_body.set(in_body.get() + more);
        in_body.get()
    })
    .boxed_local();
    assert_eq!(co.resume(1), State::Yielded(()));
    assert_eq!(co.resume(2), State::Complete(3));
    assert_eq!(shared.get(), 3);
}

#[test]
fn a_boxed_coroutine_is_resumable_and_unpin() {
    fn assert_unpin<T: Unpin>(_: &T) {}
    let mut co = bytes("hi").boxed();
    assert_unpin(&co);
    // Through the trait, as any `Resumable`.
    assert_eq!(Pin::new(&mut co).resume(()), State::Yielded(b'h'));
    // Moving it while suspended is fine: the coroutine stays where its box put it.
    let mut moved = co;
    assert_eq!(moved.resume(()), State::Yielded(b'i'));
    assert_eq!(moved.resume(()), State::Complete(2));
}

#[test]
fn borrowed_iteration_keeps_the_rest_and_the_return_value() {
    let mut co = bytes("xyz").boxed();
    assert_eq!(Iter::new(co.as_mut()).take(2).collect::<Vec<_>>(), b"xy");
    let mut rest = Iter::new(co.as_mut());
    assert_eq!(rest.by_ref().collect::<Vec<_>>(), b"z");
    assert_eq!(rest.returned(), Some(3));
}

#[test]
fn into_a_lua_handle() {
    let co = Coroutine::new(upto(2).boxed_local());
    assert_eq!(co.resume(()).unwrap(), State::Yielded(0));
    assert_eq!(co.resume(()).unwrap(), State::Yielded(1));
    assert_eq!(co.resume(()).unwrap(), State::Complete(()));
}

#[test]
fn boxing_a_box_reuses_it() {
    /// Where the coroutine lives.
    fn address(co: &(dyn Resumable<(), Yield = u32, Return = ()> + '_)) -> *const () {
        core::ptr::from_ref(co).cast()
    }
    let pinned: Pin<Box<dyn Resumable<(), Yield = u32, Return = ()> + Send>> =
        upto(2).boxed().into_pin();
    let at = address(&*pinned);
    let again = BoxResumable::from(pinned).boxed();
    let local = again.boxed_local().boxed_local();
    let pinned: Pin<Box<dyn Resumable<(), Yield = u32, Return = ()>>> = local.into();
    assert_eq!(address(&*pinned), at, "boxed once, never again");
}

#[test]
fn debug_names_the_type() {
    let co = upto(1).boxed();
    assert_eq!(format!("{co:?}"), "BoxResumable { .. }");
    let local = upto(1).boxed_local();
    assert_eq!(format!("{local:?}"), "LocalBoxResumable { .. }");
}

#[test]
fn a_box_pin_converts_without_reboxing() {
    let pinned: Pin<Box<dyn Resumable<(), Yield = u32, Return = ()> + Send>> = Box::pin(upto(3));
    let co: BoxResumable<'_, (), u32, ()> = pinned.into();
    assert_eq!(co.into_iter().count(), 3);
}

#[test]
fn a_boxed_generator_keeps_its_return_value_through_iter_and_try_iter() {
    let mut it = bytes("ok").boxed().iter();
    assert_eq!(it.by_ref().collect::<Vec<_>>(), b"ok");
    assert_eq!(it.returned(), Some(2));

    #[resumable(yield = u32)]
    fn parsed(text: &str) -> Result<(), std::num::ParseIntError> {
        for w in text.split_whitespace() {
            yield_!(w.parse()?);
        }
        Ok(())
    }
    let all: Result<Vec<u32>, _> = parsed("1 2").boxed_local().try_iter().collect();
    assert_eq!(all, Ok(vec![1, 2]));
    let failed: Result<Vec<u32>, _> = parsed("1 x").boxed().try_iter().collect();
    assert!(failed.is_err());
}
