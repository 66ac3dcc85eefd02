//! What builds without `alloc` offer allocates nothing: the firmware code of this crate, a
//! generator that delegates to leaves iterated while pinned on the stack, a `coroutine!`
//! closure, the pipe combinators, and an async generator polled as a `Stream`, each run under a
//! counting `#[global_allocator]` (the repository's `tests/support`, which counts per thread).
//!
//! `cargo test -p resumable-nostd` builds `resumable` with exactly this crate's features (none:
//! `core` only) and CI runs it with `RESUMABLE_NOSTD_STRICT=1`, which makes
//! `the_build_has_no_alloc` check that it really was so. Within `cargo test --workspace`, cargo
//! unifies the features of `resumable` across members, so these run with `std` too (and still
//! allocate nothing).

use core::marker::PhantomData;
use core::pin::pin;

use resumable::pipe::Step::{self, Emit, Receive};
use resumable::pipe::{Filter, Pull, Sink, for_each, from_iter};
use resumable::{Iter, Resumable, State, coroutine, resumable, yield_, yield_from};
use resumable_nostd::blink::{Led, blinker};
use resumable_nostd::slip::{self, Decoded, END, ESC, ESC_END, SlipError};

#[path = "../../tests/support/mod.rs"]
mod support;
use support::allocations;

#[test]
fn the_slip_decoder_allocates_nothing() {
    let input = [1, 2, END, 3, ESC, ESC_END, END, 4, ESC, 9, END];
    let (n, events) = allocations(|| {
        let mut decoder = pin!(slip::decoder());
        let mut events = [None; 3];
        let mut k = 0;
        for byte in input {
            match decoder.as_mut().resume(byte) {
                State::Yielded(Decoded::More) => {}
                State::Yielded(other) => {
                    events[k] = Some(other);
                    k += 1;
                }
                State::Complete(()) => unreachable!(),
            }
        }
        events
    });
    assert_eq!(n, 0, "allocations while decoding");
    let frames: Vec<_> = events
        .iter()
        .map(|e| match e {
            Some(Decoded::Frame(f)) => Ok(f.as_bytes().to_vec()),
            Some(Decoded::Error(e)) => Err(*e),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        frames,
        [
            Ok(vec![1, 2]),
            Ok(vec![3, END]),
            Err(SlipError::BadEscape(9))
        ]
    );
}

#[test]
fn slip_decode_allocates_nothing() {
    let input = [b'a', END, END, b'b', b'c', END];
    let mut lens = [0; 2];
    let (n, good) = allocations(|| {
        let mut k = 0;
        slip::decode(&input, &mut |frame| {
            lens[k] = frame.map_or(0, |f| f.as_bytes().len());
            k += 1;
        })
    });
    assert_eq!((n, good, lens), (0, 2, [1, 2]));
}

#[test]
fn the_blinker_allocates_nothing() {
    let (n, levels) = allocations(|| {
        let mut led = pin!(blinker());
        let mut levels = [Led::Off; 14];
        for (tick, level) in levels.iter_mut().enumerate() {
            let State::Yielded(l) = led.as_mut().resume(tick == 7) else {
                unreachable!()
            };
            *level = l;
        }
        levels
    });
    assert_eq!(n, 0, "allocations while blinking");
    let strip: String = levels
        .iter()
        .map(|l| if *l == Led::On { '#' } else { '.' })
        .collect();
    // Slow (5 on, 5 off); the press at tick 7 switches to fast at once (1 on, 1 off).
    assert_eq!(strip, "#####..#.#.#.#");
}

/// A leaf: it delegates to nothing, so `yield_from!` polls it in place.
#[resumable(yield = u32)]
fn pair(a: u32) -> u32 {
    yield_!(a);
    yield_!(a + 1);
    2
}

/// A generator that delegates to leaves only.
#[resumable(yield = u32)]
fn pairs(n: u32) -> u32 {
    let mut count = 0;
    for i in 0..n {
        count += yield_from!(pair(10 * i));
    }
    count
}

#[test]
fn a_generator_delegating_to_leaves_iterates_pinned_without_allocating() {
    let mut out = [0; 6];
    let (n, returned) = allocations(|| {
        let generator = pin!(pairs(3));
        let mut it = Iter::new(generator);
        for (slot, v) in out.iter_mut().zip(it.by_ref()) {
            *slot = v;
        }
        assert_eq!(it.next(), None);
        it.returned()
    });
    assert_eq!((n, out, returned), (0, [0, 1, 10, 11, 20, 21], Some(6)));
}

#[test]
fn a_closure_coroutine_allocates_nothing() {
    let (n, states) = allocations(|| {
        let mut co = pin!(coroutine!(|a: u32| {
            let b: u32 = yield_!(a + 1);
            a * b
        }));
        (co.as_mut().resume(2), co.as_mut().resume(10))
    });
    assert_eq!((n, states), (0, (State::Yielded(3), State::Complete(20))));
}

/// A filter: passes on the odd numbers, doubled.
#[resumable(yield = Step<u32>, resume = Option<u32>)]
fn odd_doubled(#[resume] _start: Option<u32>) {
    while let Some(x) = yield_!(Receive) {
        if x % 2 == 1 {
            yield_!(Emit(2 * x));
        }
    }
}

#[test]
fn pulled_and_pushed_pipelines_allocate_nothing() {
    let (n, (pulled, pushed)) = allocations(|| {
        let mut pulled = 0;
        from_iter(0..10)
            .pipe(odd_doubled())
            .for_each(|x| pulled += x);
        let mut pushed = 0;
        {
            let mut sink = pin!(odd_doubled().sink(for_each(|x: u32| pushed += x)));
            for x in 0..10 {
                sink.as_mut().push(x);
            }
            sink.finish();
        }
        (pulled, pushed)
    });
    assert_eq!((n, pulled, pushed), (0, 50, 50));
}

/// Whether `T` is an `IntoIterator`: by the inherent method when it is, else by the trait's.
struct Probe<T>(PhantomData<T>);

// One of the two `is_iterator`s is unused in any one build.
#[allow(dead_code)]
trait NotIterator {
    fn is_iterator(&self) -> bool {
        false
    }
}

impl<T> NotIterator for Probe<T> {}

impl<T: IntoIterator> Probe<T> {
    // Called only when the build has `alloc` (then it shadows the trait's method); by method
    // call, which needs a `self`.
    #[allow(dead_code, clippy::unused_self)]
    fn is_iterator(&self) -> bool {
        true
    }
}

fn probe<T>(_: &T) -> Probe<T> {
    Probe(PhantomData)
}

#[test]
fn the_build_has_no_alloc() {
    /// A generator returning `()`: `IntoIterator` (it boxes itself) only with `alloc`.
    #[resumable(yield = u8)]
    fn one() {
        yield_!(1);
    }

    let boxes = probe(&one()).is_iterator();
    if std::env::var_os("RESUMABLE_NOSTD_STRICT").is_some() {
        assert!(!boxes, "`resumable` was built with `alloc`");
    }
    // Either way, pinned on the stack it iterates without allocating.
    let (n, sum) = allocations(|| Iter::new(pin!(one())).map(u32::from).sum::<u32>());
    assert_eq!((n, sum), (0, 1));
}

#[test]
fn filters_compose_without_allocating() {
    let (n, total) = allocations(|| {
        from_iter(0..20)
            .pipe(odd_doubled().then(odd_doubled()))
            .fold(0, |a, x| a + x)
    });
    // Doubled numbers are even, so nothing passes the second filter.
    assert_eq!((n, total), (0, 0));
}

/// An async generator: awaits a future (ready at once) before each yield.
#[resumable(async, yield = u32)]
fn awaited_squares(n: u32) {
    for i in 1..=n {
        let x = core::future::ready(i).await;
        yield_!(x * x);
    }
}

#[test]
fn an_async_generator_is_a_stream_that_allocates_nothing() {
    use core::task::{Context, Poll, Waker};
    use resumable::async_gen::{FusedStream, Stream};

    let (n, (items, terminated)) = allocations(|| {
        let mut stream = pin!(awaited_squares(4));
        let mut cx = Context::from_waker(Waker::noop());
        let mut items = [0; 4];
        let mut k = 0;
        while let Poll::Ready(Some(x)) = stream.as_mut().poll_next(&mut cx) {
            items[k] = x;
            k += 1;
        }
        (items, stream.is_terminated())
    });
    assert_eq!(n, 0, "allocations while streaming");
    assert_eq!(items, [1, 4, 9, 16]);
    assert!(terminated);
}
