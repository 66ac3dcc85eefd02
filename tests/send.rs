//! A coroutine is `Send` exactly when what it holds across yields is: one holding only `Send`
//! state crosses `std::thread::spawn`, before it starts and while it is suspended, and is resumed
//! on the other thread. (That one holding an `Rc` across a yield is not `Send` is a UI test.)

use core::pin::pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::thread;

use resumable::{Resumable, State, coroutine, resumable, yield_};

fn assert_send<T: Send>(_: &T) {}

#[resumable(yield = String, resume = u32)]
fn worker(name: String, log: Arc<Mutex<Vec<String>>>, #[resume] first: u32) -> usize {
    let mut n = first;
    let mut lines = Vec::new();
    while n > 0 {
        let line = format!("{name}:{n}");
        log.lock().unwrap().push(line.clone());
        lines.push(line.clone());
        n = yield_!(line);
    }
    lines.len()
}

#[test]
fn unstarted_coroutine_moves_to_another_thread_and_runs_there() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let co = worker("w".to_owned(), Arc::clone(&log));
    assert_send(&co);
    let main_thread = thread::current().id();
    let handle = thread::spawn(move || {
        assert_ne!(thread::current().id(), main_thread);
        let mut co = pin!(co);
        let mut yielded = Vec::new();
        let mut arg = 3;
        loop {
            match co.as_mut().resume(arg) {
                State::Yielded(line) => yielded.push(line),
                State::Complete(n) => return (yielded, n),
            }
            arg -= 1;
        }
    });
    let (yielded, n) = handle.join().unwrap();
    assert_eq!(yielded, ["w:3", "w:2", "w:1"]);
    assert_eq!(n, 3);
    assert_eq!(*log.lock().unwrap(), yielded);
}

#[test]
fn suspended_coroutine_moves_to_another_thread_and_resumes_there() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut co = Box::pin(worker("s".to_owned(), Arc::clone(&log)));
    assert_eq!(co.as_mut().resume(2), State::Yielded("s:2".to_owned()));
    assert_send(&co);
    let rest = thread::spawn(move || {
        let second = co.as_mut().resume(1);
        let third = co.as_mut().resume(0);
        (second, third)
    })
    .join()
    .unwrap();
    assert_eq!(rest, (State::Yielded("s:1".to_owned()), State::Complete(2)));
    assert_eq!(*log.lock().unwrap(), ["s:2", "s:1"]);
}

#[test]
fn closure_coroutine_crosses_threads() {
    let shared = Arc::new(Mutex::new(0));
    let inner = Arc::clone(&shared);
    let co = coroutine!(move |start: i32| {
        let mut total = start;
        loop {
            *inner.lock().unwrap() = total;
            let x: i32 = yield_!(total);
            if x == 0 {
                return total;
            }
            total += x;
        }
    });
    assert_send(&co);
    let result = thread::spawn(move || {
        let mut co = pin!(co);
        let _ = co.as_mut().resume(1);
        let _ = co.as_mut().resume(2);
        co.as_mut().resume(0)
    })
    .join()
    .unwrap();
    assert_eq!(result, State::Complete(3));
    assert_eq!(*shared.lock().unwrap(), 3);
}

#[test]
fn yielded_and_returned_values_cross_back() {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = thread::spawn(move || {
        let mut co = pin!(coroutine!(|()| {
            yield_!(vec![1, 2]);
            String::from("done")
        }));
        while let State::Yielded(v) = co.as_mut().resume(()) {
            tx.send(v).unwrap();
        }
    });
    handle.join().unwrap();
    assert_eq!(rx.iter().collect::<Vec<_>>(), [vec![1, 2]]);
}

#[resumable(yield = usize)]
fn drops_rc_before_yield(n: usize) {
    let value = {
        let rc = Rc::new(n);
        *rc
    };
    yield_!(value);
}

#[test]
fn not_send_state_that_is_not_held_across_a_yield_does_not_matter() {
    let co = drops_rc_before_yield(7);
    assert_send(&co);
    let yielded = thread::spawn(move || co.into_iter().collect::<Vec<_>>())
        .join()
        .unwrap();
    assert_eq!(yielded, [7]);
}

#[resumable(yield = u64)]
fn naturals(n: u64) {
    for i in 1..=n {
        yield_!(i);
    }
}

/// A `Send` generator's iterator is `Send` too (its type is named, not an opaque projection).
#[test]
fn a_send_generators_iterator_crosses_threads() {
    let it = naturals(100).into_iter();
    assert_send(&it);
    assert_eq!(thread::spawn(move || it.sum::<u64>()).join().unwrap(), 5050);
    let boxed: Box<dyn Iterator<Item = u64> + Send> = Box::new(naturals(3).into_iter());
    assert_eq!(
        thread::spawn(move || boxed.collect::<Vec<_>>())
            .join()
            .unwrap(),
        [1, 2, 3]
    );
    // The closure form and a generator iterated with `iter()`, kept for its return value.
    let squares = coroutine!(|| {
        for i in 1..=3u32 {
            yield_!(i * i);
        }
    });
    let it = squares.into_iter();
    assert_eq!(thread::spawn(move || it.sum::<u32>()).join().unwrap(), 14);
    let mut words = coroutine!(|| {
        yield_!("a");
        yield_!("b");
        2
    })
    .iter();
    let (words, count) =
        thread::spawn(move || (words.by_ref().collect::<Vec<_>>(), words.returned()))
            .join()
            .unwrap();
    assert_eq!((words, count), (vec!["a", "b"], Some(2)));
}

/// How a user spreads a generator's work over cores: rayon's `par_bridge` needs a `Send`
/// iterator. Not under Miri: rayon's crossbeam-epoch breaks Stacked Borrows in its own code
/// (crossbeam-rs/crossbeam#545, rayon-rs/rayon#1185); the `Send` iterator itself crosses
/// threads under Miri in the test above.
#[cfg(not(miri))]
#[test]
fn a_generator_feeds_rayon() {
    use rayon::iter::{ParallelBridge, ParallelIterator};
    let sum: u64 = naturals(1000).into_iter().par_bridge().map(|i| i * i).sum();
    assert_eq!(sum, (1..=1000u64).map(|i| i * i).sum());
}
