//! Pipelines (`resumable::pipe`): the same filters pulled and pushed, composition, early end,
//! end of input, interop with `Iterator` and `futures_core::Stream`.

use core::pin::{Pin, pin};
use std::cell::RefCell;

use resumable::pipe::Step::{self, Emit, Receive};
use resumable::pipe::{Filter, Iter, PipeIter, Pull, Sink, consumer, fold, for_each, from_iter};
use resumable::{coroutine, resumable, yield_};

/// Numbers its inputs with `%5d %s`, the seed's filter.
#[resumable(yield = Step<String>, resume = Option<String>)]
fn numbered(#[resume] _start: Option<String>) {
    let mut n = 1;
    while let Some(line) = yield_!(Receive) {
        yield_!(Emit(format!("{n:5} {line}")));
        n += 1;
    }
}

#[resumable(yield = Step<String>, resume = Option<String>)]
fn upper(#[resume] _start: Option<String>) {
    while let Some(s) = yield_!(Receive) {
        yield_!(Emit(s.to_uppercase()));
    }
}

/// Splits lines into words: more outputs than inputs.
#[resumable(yield = Step<String>, resume = Option<String>)]
fn words(#[resume] _start: Option<String>) {
    while let Some(line) = yield_!(Receive) {
        for w in line.split_whitespace() {
            yield_!(Emit(w.to_owned()));
        }
    }
}

/// Keeps even numbers: fewer outputs than inputs.
#[resumable(yield = Step<u32>, resume = Option<u32>)]
fn evens(#[resume] _start: Option<u32>) {
    while let Some(x) = yield_!(Receive) {
        if x % 2 == 0 {
            yield_!(Emit(x));
        }
    }
}

/// Passes the first `n` inputs on, then returns: ends the pipeline early.
#[resumable(yield = Step<u32>, resume = Option<u32>)]
fn take(#[resume] _start: Option<u32>, n: usize) -> &'static str {
    for _ in 0..n {
        let Some(x) = yield_!(Receive) else {
            return "input ended";
        };
        yield_!(Emit(x));
    }
    "took enough"
}

/// Emits a header before receiving anything, and a total after the input ended (flush).
#[resumable(yield = Step<String>, resume = Option<u32>)]
fn framed(#[resume] _start: Option<u32>) {
    yield_!(Emit("begin".to_owned()));
    let mut sum = 0;
    while let Some(x) = yield_!(Receive) {
        sum += x;
    }
    yield_!(Emit(format!("end {sum}")));
}

#[resumable(yield = u32)]
fn upto(n: u32) {
    for i in 0..n {
        yield_!(i);
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn pull_collect<P: Pull>(p: P) -> Vec<P::Item> {
    p.fold(Vec::new(), |mut v, x| {
        v.push(x);
        v
    })
}

fn push_collect<I, F: Filter<I>>(f: F, items: impl IntoIterator<Item = I>) -> Vec<F::Output> {
    f.sink(fold(Vec::new(), |mut v, x| {
        v.push(x);
        v
    }))
    .feed(items)
}

#[test]
fn the_seed_pipeline_pulled_numbers_lines() {
    let out = pull_collect(from_iter(strings(&["alpha", "beta", "gamma"])).pipe(numbered()));
    assert_eq!(out, ["    1 alpha", "    2 beta", "    3 gamma"]);
}

#[test]
fn the_same_filters_pushed_give_the_same_output() {
    let input = strings(&["a b", "c", "", "d e f"]);
    let pulled = pull_collect(from_iter(input.clone()).pipe(words()).pipe(upper()));
    let pushed = push_collect(words().then(upper()), input.clone());
    let nested = words()
        .sink(upper().sink(fold(Vec::new(), |mut v: Vec<String>, x| {
            v.push(x);
            v
        })))
        .feed(input);
    assert_eq!(pulled, ["A", "B", "C", "D", "E", "F"]);
    assert_eq!(pushed, pulled);
    assert_eq!(nested, pulled);
}

#[test]
fn filters_emit_fewer_or_more_and_keep_state() {
    assert_eq!(pull_collect(upto(10).pipe(evens())), [0, 2, 4, 6, 8]);
    assert_eq!(push_collect(evens(), 0..10), [0, 2, 4, 6, 8]);
    assert_eq!(
        pull_collect(
            from_iter(strings(&["x y", "z"]))
                .pipe(words())
                .pipe(numbered())
        ),
        ["    1 x", "    2 y", "    3 z"]
    );
}

#[test]
fn a_header_comes_first_and_the_end_of_input_flushes() {
    assert_eq!(pull_collect(upto(4).pipe(framed())), ["begin", "end 6"]);
    assert_eq!(push_collect(framed(), 0..4), ["begin", "end 6"]);
    // Nothing at all pushed: `finish` still starts and flushes the filter.
    assert_eq!(push_collect(framed(), []), ["begin", "end 0"]);
    assert_eq!(pull_collect(upto(0).pipe(framed())), ["begin", "end 0"]);
}

#[test]
fn a_filter_that_returns_ends_the_pipeline_early() {
    let pulled_upstream = RefCell::new(0);
    let counted = from_iter((0..).inspect(|_| *pulled_upstream.borrow_mut() += 1));
    assert_eq!(pull_collect(counted.pipe(take(3))), [0, 1, 2]);
    // The upstream was pulled three times, not a fourth: the filter returned first.
    assert_eq!(*pulled_upstream.borrow(), 3);

    let mut sink = pin!(take(2).sink(fold(0, |a, x| a + x)));
    assert!(sink.as_mut().push(10));
    assert!(!sink.as_mut().push(20), "the second item ends the filter");
    assert!(!sink.as_mut().push(30), "later items are refused");
    assert_eq!(sink.finish(), 30);

    // `Sink::feed` stops the producer when the sink ends.
    let produced = RefCell::new(0);
    let sum = take(2)
        .sink(fold(0, |a, x| a + x))
        .feed((1..).inspect(|_| *produced.borrow_mut() += 1));
    assert_eq!((sum, *produced.borrow()), (3, 2));
}

#[test]
fn receive_keeps_returning_none_after_the_end() {
    #[resumable(yield = Step<u8>, resume = Option<u8>)]
    fn nones(#[resume] _start: Option<u8>) -> u8 {
        let mut seen = 0;
        while yield_!(Receive).is_some() {}
        for _ in 0..3 {
            if yield_!(Receive).is_none() {
                seen += 1;
            }
        }
        yield_!(Emit(seen));
        seen
    }
    assert_eq!(pull_collect(from_iter([1, 2]).pipe(nones())), [3]);
    assert_eq!(push_collect(nones(), [1, 2]), [3]);
}

#[test]
fn composed_filters_are_filters_both_ways() {
    let chain = || words().then(upper()).then(numbered());
    let input = strings(&["one two", "three"]);
    let expect = ["    1 ONE", "    2 TWO", "    3 THREE"];
    assert_eq!(pull_collect(from_iter(input.clone()).pipe(chain())), expect);
    assert_eq!(push_collect(chain(), input), expect);
    // Early end inside a composition: the second filter returning ends it.
    assert_eq!(
        pull_collect(upto(100).pipe(evens().then(take(3)))),
        [0, 2, 4]
    );
    assert_eq!(push_collect(evens().then(take(3)), 0..100), [0, 2, 4]);
}

#[test]
fn a_consumer_coroutine_is_fed_through_its_resume_argument() {
    #[resumable(yield = (), resume = Option<String>)]
    fn join(#[resume] mut next: Option<String>) -> String {
        let mut all = String::new();
        while let Some(s) = next {
            all.push_str(&s);
            all.push('|');
            next = yield_!();
        }
        all
    }
    let out = numbered().sink(consumer(join())).feed(strings(&["a", "b"]));
    assert_eq!(out, "    1 a|    2 b|");
    // Pull meets push: a pulled pipeline drained into a consumer coroutine.
    let out = from_iter(strings(&["x"]))
        .pipe(upper())
        .push_into(consumer(join()));
    assert_eq!(out, "X|");
}

#[test]
fn a_consumer_that_returns_early_stops_the_producer() {
    let c = coroutine!(|first: Option<u32>| {
        let mut sum = first.unwrap_or(0);
        while sum < 10 {
            match yield_!() {
                Some(x) => sum += x,
                None => break,
            }
        }
        sum
    });
    let produced = RefCell::new(Vec::new());
    let sum = consumer(c).feed((1..).inspect(|&x| produced.borrow_mut().push(x)));
    assert_eq!(sum, 10);
    assert_eq!(*produced.borrow(), [1, 2, 3, 4]);
}

#[test]
fn closures_as_filters_via_the_closure_form() {
    let doubled = coroutine!(|_start: Option<i32>| {
        while let Some(x) = yield_!(Receive) {
            yield_!(Emit(2 * x));
        }
    });
    let mut seen = Vec::new();
    from_iter([1, 2, 3])
        .pipe(doubled)
        .for_each(|x| seen.push(x));
    assert_eq!(seen, [2, 4, 6]);
}

#[test]
fn pipelines_are_iterators() {
    // `for` over a pipeline (boxed once), and a pinned one borrowed without allocating.
    let mut seen = Vec::new();
    for line in from_iter(strings(&["p", "q"])).pipe(numbered()) {
        seen.push(line);
    }
    assert_eq!(seen, ["    1 p", "    2 q"]);

    let mut p = pin!(upto(6).pipe(evens()));
    let first_two: Vec<u32> = Iter::new(p.as_mut()).take(2).collect();
    assert_eq!(first_two, [0, 2]);
    let mut rest = Iter::new(p);
    assert_eq!(rest.next(), Some(4));
    assert_eq!(rest.next(), None);
    assert_eq!(rest.next(), None, "fused");
    assert!(rest.is_done());

    // Iterator adapters on top.
    let total: u32 = PipeIter::new(upto(5).pipe(evens())).map(|x| x * 10).sum();
    assert_eq!(total, 60);
}

#[test]
fn nothing_runs_until_pulled_or_pushed() {
    let log = RefCell::new(Vec::new());
    let noisy = coroutine!(|_start: Option<u8>| {
        log.borrow_mut().push("started");
        while let Some(x) = yield_!(Receive) {
            yield_!(Emit(x));
        }
    });
    let pipeline = from_iter([1u8]).pipe(noisy);
    assert!(log.borrow().is_empty());
    let mut sink = pin!(for_each(|_: u8| log.borrow_mut().push("item")));
    assert!(sink.as_mut().push(1));
    sink.finish();
    assert_eq!(*log.borrow(), ["item"]);
    pipeline.for_each(|_| {});
    assert_eq!(*log.borrow(), ["item", "started"]);
}

#[test]
fn suspended_stages_are_dropped_with_the_pipeline() {
    struct Guard<'a>(&'a RefCell<u32>);
    impl Drop for Guard<'_> {
        fn drop(&mut self) {
            *self.0.borrow_mut() += 1;
        }
    }
    let dropped = RefCell::new(0);
    {
        let f = coroutine!(|_start: Option<u32>| {
            let _guard = Guard(&dropped);
            while let Some(x) = yield_!(Receive) {
                yield_!(Emit(x));
            }
        });
        let mut p = pin!(from_iter(0..).pipe(f));
        assert_eq!(Iter::new(p.as_mut()).next(), Some(0));
        assert_eq!(*dropped.borrow(), 0);
    }
    assert_eq!(*dropped.borrow(), 1);
}

#[test]
#[should_panic(expected = "a sink was finished twice")]
fn finishing_a_sink_twice_panics() {
    let mut s = pin!(fold(0, |a, x: i32| a + x));
    let _ = s.as_mut().finish();
    let _ = s.finish();
}

#[test]
fn streams_run_on_a_real_executor() {
    use futures_core::Stream;
    use resumable::Resumable;

    // A generator and a pipeline as `futures_core::Stream`s, consumed by futures-executor.
    let from_gen: Vec<u32> = futures_executor::block_on_stream(upto(3).into_stream()).collect();
    assert_eq!(from_gen, [0, 1, 2]);
    let pipeline = upto(10).pipe(evens()).pipe(take(2)).into_stream();
    let piped: Vec<u32> = futures_executor::block_on_stream(pipeline).collect();
    assert_eq!(piped, [0, 2]);

    // Polled by hand inside `block_on`: always ready, then terminated.
    let sum = futures_executor::block_on(async {
        let mut s = from_iter([5u32, 6, 8]).pipe(evens()).into_stream();
        let mut sum = 0;
        while let Some(x) = core::future::poll_fn(|cx| Pin::new(&mut s).poll_next(cx)).await {
            sum += x;
        }
        assert!(futures_core::FusedStream::is_terminated(&s));
        sum
    });
    assert_eq!(sum, 14);

    // Any pull stage, through `PipeStream::new`.
    let any = resumable::pipe::PipeStream::new(from_iter("ab".chars()));
    assert_eq!(
        futures_executor::block_on_stream(any).collect::<String>(),
        "ab"
    );
}

/// Pushes `items` one by one, then finishes: what `feed` does, without its single-loop driver.
fn push_by_hand<I, F: Filter<I>>(f: F, items: impl IntoIterator<Item = I>) -> Vec<F::Output> {
    let mut sink = pin!(f.sink(fold(Vec::new(), |mut v, x| {
        v.push(x);
        v
    })));
    for item in items {
        if !sink.as_mut().push(item) {
            break;
        }
    }
    sink.finish()
}

#[test]
fn feeding_a_filter_gives_what_pushing_by_hand_gives() {
    let input = strings(&["a b", "c", "", "d e f"]);
    assert_eq!(
        push_collect(words(), input.clone()),
        push_by_hand(words(), input.clone())
    );
    assert_eq!(
        push_collect(framed(), [1, 2, 3]),
        push_by_hand(framed(), [1, 2, 3])
    );
    assert_eq!(push_collect(framed(), []), ["begin", "end 0"]);
    assert_eq!(push_by_hand(framed(), []), ["begin", "end 0"]);
    // A filter that returns early: both stop at the same place.
    assert_eq!(push_collect(take(2), 1..), push_by_hand(take(2), 1..));
    assert_eq!(push_collect(take(0), 1..), push_by_hand(take(0), 1..));
}

/// A hand-written filter, `Unpin`: emits what it receives twice, and the count plus 1000 at the
/// end of input.
#[derive(Default)]
enum Doubler {
    #[default]
    Start,
    Waiting(u32),
    Second(u32, u32),
    Ask(u32),
    Flushed,
}

impl resumable::Resumable<Option<u32>> for Doubler {
    type Yield = Step<u32>;
    type Return = ();

    fn resume(mut self: Pin<&mut Self>, arg: Option<u32>) -> resumable::State<Step<u32>, ()> {
        use resumable::State::{Complete, Yielded};
        let (next, out) = match (&*self, arg) {
            (Doubler::Start, _) => (Doubler::Waiting(0), Receive),
            (Doubler::Waiting(seen), Some(x)) => (Doubler::Second(seen + 1, x), Emit(x)),
            (Doubler::Waiting(seen), None) => (Doubler::Flushed, Emit(1000 + seen)),
            (Doubler::Second(seen, x), _) => (Doubler::Ask(*seen), Emit(*x)),
            (Doubler::Ask(seen), _) => (Doubler::Waiting(*seen), Receive),
            (Doubler::Flushed, _) => return Complete(()),
        };
        *self = next;
        Yielded(out)
    }
}

#[test]
fn feeding_a_sink_pushed_into_before_goes_on_where_it_was() {
    // The filter was started and given 1 by hand; `feed` continues with 2 and 3.
    let mut sink = Doubler::default().sink(fold(Vec::new(), |mut v, x| {
        v.push(x);
        v
    }));
    assert!(Pin::new(&mut sink).push(1));
    let out = sink.feed([2, 3]);
    let by_hand = push_by_hand(Doubler::default(), [1, 2, 3]);
    assert_eq!(out, by_hand);
    assert_eq!(out, [1, 1, 2, 2, 3, 3, 1003]);
}
