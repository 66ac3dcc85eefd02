//! Every Rust construct works in a coroutine body: control flow, `?`, borrows held across a
//! `yield_!`, generics, `impl Trait` and `where`, methods, borrowed and elided-lifetime arguments,
//! `unsafe`, `yield_!` nested inside expressions and other macros, and coroutines used generically.

use core::fmt::Display;
use core::pin::pin;

use resumable::{Resumable, State, coroutine, resumable, yield_};

/// Resumes a generator to the end, collecting what it yields and what it returns.
fn drain<G: Resumable<()>>(generator: G) -> (Vec<G::Yield>, G::Return) {
    let mut generator = pin!(generator);
    let mut yielded = Vec::new();
    loop {
        match generator.as_mut().resume(()) {
            State::Yielded(value) => yielded.push(value),
            State::Complete(value) => return (yielded, value),
        }
    }
}

/// Feeds `args` to a coroutine one by one, collecting what it yields, until it returns.
fn feed<R, G: Resumable<R>>(
    coroutine: G,
    args: impl IntoIterator<Item = R>,
) -> (Vec<G::Yield>, Option<G::Return>) {
    let mut coroutine = pin!(coroutine);
    let mut yielded = Vec::new();
    for arg in args {
        match coroutine.as_mut().resume(arg) {
            State::Yielded(value) => yielded.push(value),
            State::Complete(value) => return (yielded, Some(value)),
        }
    }
    (yielded, None)
}

// ---------------------------------------------------------------------------------------------
// Control flow
// ---------------------------------------------------------------------------------------------

#[resumable(yield = &'static str, resume = i32)]
fn classify(#[resume] first: i32) -> usize {
    let mut n = first;
    let mut count = 0;
    loop {
        let label = if n < 0 {
            "negative"
        } else if n > 1000 {
            "huge"
        } else {
            match n % 3 {
                _ if n == 0 => "zero",
                0 => "fizz",
                1 | 2 if n > 100 => "big",
                _ => "other",
            }
        };
        count += 1;
        n = yield_!(label);
        if n == i32::MIN {
            return count;
        }
    }
}

#[test]
fn let_if_and_match() {
    let (yielded, returned) = feed(classify(), [-5, 0, 9, 101, 4, 5000, i32::MIN]);
    assert_eq!(
        yielded,
        ["negative", "zero", "fizz", "big", "other", "huge"]
    );
    assert_eq!(returned, Some(6));
}

#[resumable(yield = (u32, u32))]
fn labelled_loops(limit: u32) -> &'static str {
    'outer: for i in 0..limit {
        let mut j = 0;
        'inner: while j < limit {
            j += 1;
            if j == i {
                continue 'outer;
            }
            if j % 2 == 0 {
                continue 'inner;
            }
            if i * j > 6 {
                break 'outer;
            }
            yield_!(i, j);
        }
    }
    let found = 'search: loop {
        for k in 0.. {
            if k * k > limit {
                yield_!(k, k);
                break 'search k;
            }
        }
    };
    if found > 2 { "big" } else { "small" }
}

#[test]
fn labelled_for_while_and_loop_with_break_and_continue() {
    let (yielded, returned) = drain(labelled_loops(5));
    // The same loops without a coroutine.
    let mut expected = Vec::new();
    'outer: for i in 0..5u32 {
        let mut j = 0;
        while j < 5 {
            j += 1;
            if j == i {
                continue 'outer;
            }
            if j % 2 == 0 {
                continue;
            }
            if i * j > 6 {
                break 'outer;
            }
            expected.push((i, j));
        }
    }
    expected.push((3, 3));
    assert_eq!(yielded, expected);
    assert_eq!(returned, "big");
}

#[resumable(yield = u32, resume = u32)]
fn break_with_value(#[resume] first: u32) -> u32 {
    let mut acc = first;
    let total = loop {
        let x = yield_!(acc);
        if x == 0 {
            break acc * 10;
        }
        acc += x;
    };
    let block = 'block: {
        if total > 100 {
            break 'block yield_!(total);
        }
        total + 1
    };
    block + acc
}

#[test]
fn break_out_of_loop_and_labelled_block_with_a_value() {
    assert_eq!(
        feed(break_with_value(), [1, 2, 0]),
        (vec![1, 3], Some(31 + 3))
    );
    assert_eq!(
        feed(break_with_value(), [5, 6, 0, 77]),
        (vec![5, 11, 110], Some(77 + 11))
    );
}

#[resumable(yield = u32)]
fn early_return(items: Vec<u32>) -> Option<u32> {
    for (i, x) in items.iter().enumerate() {
        if *x == 0 {
            return None;
        }
        if i == 3 {
            return Some(*x);
        }
        yield_!(*x);
    }
    Some(0)
}

#[test]
fn early_return_from_inside_a_loop() {
    assert_eq!(drain(early_return(vec![1, 2, 0, 4])), (vec![1, 2], None));
    assert_eq!(
        drain(early_return(vec![1, 2, 3, 4, 5])),
        (vec![1, 2, 3], Some(4))
    );
    assert_eq!(drain(early_return(vec![9])), (vec![9], Some(0)));
}

#[resumable(yield = u32)]
fn parse_all(words: &[&str]) -> Result<usize, std::num::ParseIntError> {
    let mut n = 0;
    for w in words {
        yield_!(w.parse::<u32>()?);
        n += 1;
    }
    Ok(n)
}

#[test]
fn question_mark_in_a_body_returning_result() {
    assert_eq!(drain(parse_all(&["1", "2"])), (vec![1, 2], Ok(2)));
    let (yielded, returned) = drain(parse_all(&["7", "x", "9"]));
    assert_eq!(yielded, [7]);
    assert_eq!(returned, "x".parse::<u32>().map(|_| 0));
}

#[resumable(yield = char)]
fn first_chars(words: Vec<String>) -> Option<usize> {
    for w in &words {
        yield_!(w.chars().next()?);
    }
    Some(words.len())
}

#[test]
fn question_mark_in_a_body_returning_option() {
    let words = |ws: &[&str]| ws.iter().map(ToString::to_string).collect::<Vec<_>>();
    assert_eq!(
        drain(first_chars(words(&["ab", "cd"]))),
        (vec!['a', 'c'], Some(2))
    );
    assert_eq!(
        drain(first_chars(words(&["ab", "", "cd"]))),
        (vec!['a'], None)
    );
}

#[resumable(yield = i32, resume = i32)]
fn shadowing(#[resume] x: i32) -> String {
    let x = x * 2;
    let x = yield_!(x);
    let x = x.to_string();
    let x = format!("{x}{x}");
    x
}

#[test]
fn shadowing_across_yields() {
    assert_eq!(
        feed(shadowing(), [21, 7]),
        (vec![42], Some("77".to_owned()))
    );
}

// ---------------------------------------------------------------------------------------------
// Borrows
// ---------------------------------------------------------------------------------------------

#[resumable(yield = u32)]
fn borrow_locals_across_yields(n: u32) -> usize {
    let items: Vec<u32> = (1..=n).collect();
    let mut lengths = 0;
    for x in &items {
        yield_!(*x * 10);
    }
    let text = items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let view: &str = &text;
    for part in view.split(',') {
        yield_!(part.parse().unwrap_or(0));
        lengths += part.len();
    }
    let last = items.last();
    yield_!(last.copied().unwrap_or(0));
    lengths + last.map_or(0, |&l| l as usize)
}

#[test]
fn borrows_of_locals_held_across_yields() {
    let (yielded, returned) = drain(borrow_locals_across_yields(3));
    assert_eq!(yielded, [10, 20, 30, 1, 2, 3, 3]);
    assert_eq!(returned, 6);
}

#[resumable(yield = u32)]
fn mutable_borrow_across_yields() -> Vec<u32> {
    let mut items = vec![1, 2, 3];
    for x in &mut items {
        *x *= 2;
        yield_!(*x);
    }
    let first = &mut items[0];
    yield_!(*first);
    *first = 100;
    items
}

#[test]
fn mutable_borrows_of_locals_held_across_yields() {
    assert_eq!(
        drain(mutable_borrow_across_yields()),
        (vec![2, 4, 6, 2], vec![100, 4, 6])
    );
}

#[resumable(yield = &'a str)]
fn words<'a>(text: &'a str) -> usize {
    let mut n = 0;
    for word in text.split_whitespace() {
        yield_!(word);
        n += 1;
    }
    n
}

#[test]
fn arguments_borrowed_for_the_coroutine_and_yielded() {
    let text = String::from("the quick  brown fox");
    let (yielded, returned) = drain(words(&text));
    assert_eq!(yielded, ["the", "quick", "brown", "fox"]);
    assert_eq!(returned, 4);
    // The yielded borrows outlive the coroutine: they borrow `text`, not it.
    let first = {
        let mut co = pin!(words(&text));
        co.as_mut().resume(()).yielded()
    };
    assert_eq!(first, Some("the"));
}

#[resumable(yield = &str)]
fn lines(text: &str) {
    for line in text.lines() {
        yield_!(line.trim());
    }
}

#[resumable(yield = char)]
fn chars_of(text: &str, skip: &char) -> usize {
    let mut n = 0;
    for c in text.chars() {
        if c != *skip {
            yield_!(c);
            n += 1;
        }
    }
    n
}

#[test]
fn elided_lifetimes_in_arguments() {
    let text = String::from(" a \n b\n");
    assert_eq!(drain(lines(&text)), (vec!["a", "b"], ()));
    assert_eq!(drain(chars_of("a-b", &'-')), (vec!['a', 'b'], 2));
}

#[resumable(yield = &'a T)]
fn every_other<'a, T>(items: &'a [T]) {
    for pair in items.chunks(2) {
        yield_!(&pair[0]);
    }
}

#[test]
fn yield_of_a_borrowed_value() {
    let names = vec![String::from("a"), String::from("b"), String::from("c")];
    let (yielded, ()) = drain(every_other(&names));
    assert_eq!(yielded, [&names[0], &names[2]]);
    assert!(core::ptr::eq(yielded[1], &raw const names[2]));
}

#[resumable(yield = usize, resume = &'a mut Vec<u32>)]
fn writes_through_resume_arguments<'a>(#[resume] first: &'a mut Vec<u32>) {
    first.push(1);
    let second = yield_!(first.len());
    second.push(2);
    second.push(3);
    yield_!(second.len());
}

#[test]
fn mutable_references_as_resume_arguments() {
    let mut a = Vec::new();
    let mut b = vec![0];
    {
        let mut co = pin!(writes_through_resume_arguments());
        assert_eq!(co.as_mut().resume(&mut a), State::Yielded(1));
        assert_eq!(co.as_mut().resume(&mut b), State::Yielded(3));
    }
    assert_eq!((a, b), (vec![1], vec![0, 2, 3]));
}

// ---------------------------------------------------------------------------------------------
// Generics, `impl Trait`, `where`
// ---------------------------------------------------------------------------------------------

#[resumable(yield = T)]
fn repeat<T: Clone>(value: T, times: usize) -> T {
    for _ in 0..times {
        yield_!(value.clone());
    }
    value
}

#[test]
fn generic_parameters() {
    assert_eq!(drain(repeat("x", 2)), (vec!["x", "x"], "x"));
    assert_eq!(drain(repeat(vec![1u8], 1)), (vec![vec![1]], vec![1]));
    assert_eq!(drain(repeat(0.5f64, 0)), (vec![], 0.5));
}

#[resumable(yield = String)]
fn describe(items: impl IntoIterator<Item = impl Display>, sep: impl AsRef<str>) -> usize {
    let mut n = 0;
    for item in items {
        yield_!(format!("{item}{}", sep.as_ref()));
        n += 1;
    }
    n
}

#[test]
fn impl_trait_parameters() {
    assert_eq!(
        drain(describe([1, 2], ";")),
        (vec!["1;".to_owned(), "2;".to_owned()], 2)
    );
    assert_eq!(
        drain(describe(vec!['a'], String::from("!"))),
        (vec!["a!".to_owned()], 1)
    );
}

#[resumable(yield = K, resume = V)]
fn collect_map<K, V, I>(keys: I, #[resume] _: V) -> std::collections::BTreeMap<K, V>
where
    K: Ord + Clone,
    I: IntoIterator<Item = K>,
{
    let mut map = std::collections::BTreeMap::new();
    for key in keys {
        let value = yield_!(key.clone());
        map.insert(key, value);
    }
    map
}

#[test]
fn where_clauses() {
    let mut co = pin!(collect_map(["b", "a"]));
    assert_eq!(co.as_mut().resume(0), State::Yielded("b"));
    assert_eq!(co.as_mut().resume(2), State::Yielded("a"));
    let map = co.as_mut().resume(1).complete().unwrap();
    assert_eq!(map.into_iter().collect::<Vec<_>>(), [("a", 1), ("b", 2)]);
}

/// Runs a coroutine in a generic context, where only its trait is known: the sum of what it
/// yields, and what it returns if it does.
fn sum_generic<G>(coroutine: G, args: &[u64]) -> (u64, Option<u64>)
where
    G: Resumable<u64, Yield = u64, Return = u64>,
{
    let mut coroutine = pin!(coroutine);
    let mut total = 0;
    for &arg in args {
        match coroutine.as_mut().resume(arg) {
            State::Yielded(y) => total += y,
            State::Complete(r) => return (total, Some(r)),
        }
    }
    (total, None)
}

#[resumable(yield = u64, resume = u64)]
fn running_sum(#[resume] first: u64) -> u64 {
    let mut total = first;
    loop {
        let x = yield_!(total);
        if x == 0 {
            return total;
        }
        total += x;
    }
}

/// Makes a coroutine inside a generic function; its state depends on `T`.
fn scaled<T: Into<u64> + Copy>(factor: T) -> impl Resumable<u64, Yield = u64, Return = u64> {
    coroutine!(move |first: u64| {
        let mut last = first;
        loop {
            let x: u64 = yield_!(last * factor.into());
            if x == 0 {
                return last;
            }
            last = x;
        }
    })
}

#[test]
fn coroutines_in_a_generic_context() {
    assert_eq!(
        sum_generic(running_sum(), &[1, 2, 3, 0]),
        (1 + 3 + 6, Some(6))
    );
    assert_eq!(sum_generic(scaled(3u8), &[1, 2, 0]), (3 + 6, Some(2)));
    assert_eq!(sum_generic(scaled(10u32), &[5]), (50, None));
    let boxed: core::pin::Pin<Box<dyn Resumable<u64, Yield = u64, Return = u64>>> =
        Box::pin(running_sum());
    assert_eq!(sum_generic(boxed, &[4, 4, 0]), (4 + 8, Some(8)));
}

// ---------------------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------------------

/// A type with coroutine methods of each receiver kind.
struct Counter {
    step: u32,
    count: u32,
}

impl Counter {
    #[resumable(yield = u32)]
    fn by_value(self, times: u32) -> Counter {
        for i in 0..times {
            yield_!(self.count + i * self.step);
        }
        self
    }

    #[resumable(yield = u32)]
    fn by_ref(&self, times: u32) {
        for i in 1..=times {
            yield_!(self.count + i * self.step);
        }
    }

    #[resumable(yield = u32, resume = bool)]
    fn by_mut(&mut self, #[resume] mut go: bool) -> u32 {
        while go {
            self.count += self.step;
            go = yield_!(self.count);
        }
        self.count
    }

    #[resumable(yield = u32)]
    fn boxed(self: Box<Self>) -> u32 {
        yield_!(self.step);
        self.count
    }
}

#[test]
fn methods_with_self_by_value() {
    let (yielded, back) = drain(Counter { step: 2, count: 1 }.by_value(3));
    assert_eq!(yielded, [1, 3, 5]);
    assert_eq!((back.step, back.count), (2, 1));
}

#[test]
fn methods_with_shared_self() {
    let counter = Counter { step: 5, count: 0 };
    let a = counter.by_ref(2);
    let b = counter.by_ref(1);
    assert_eq!(drain(a), (vec![5, 10], ()));
    assert_eq!(drain(b), (vec![5], ()));
}

#[test]
fn methods_with_mutable_self() {
    let mut counter = Counter { step: 3, count: 0 };
    assert_eq!(
        feed(counter.by_mut(), [true, true, true, false]),
        (vec![3, 6, 9], Some(9))
    );
    assert_eq!(counter.count, 9);
    assert_eq!(feed(counter.by_mut(), [false]), (vec![], Some(9)));
}

#[test]
fn methods_with_boxed_self() {
    assert_eq!(
        drain(Box::new(Counter { step: 4, count: 8 }).boxed()),
        (vec![4], 8)
    );
}

/// A trait whose method returns a coroutine.
trait Source {
    fn numbers(&self, limit: u32) -> impl Resumable<u32, Yield = u32, Return = u32>;
}

impl Source for Counter {
    #[resumable(yield = u32, resume = u32)]
    fn numbers(&self, limit: u32, #[resume] first: u32) -> u32 {
        let mut n = first;
        while n < limit {
            n = yield_!(n * self.step);
        }
        n
    }
}

#[test]
fn methods_in_a_trait_impl() {
    let counter = Counter { step: 10, count: 0 };
    assert_eq!(feed(counter.numbers(5), [1, 2, 7]), (vec![10, 20], Some(7)));
}

/// A trait whose method returns a generator.
trait Numbers {
    fn evens(&self) -> impl Resumable<(), Yield = u32, Return = usize>;
}

impl Numbers for Counter {
    #[resumable(yield = u32)]
    fn evens(&self) -> usize {
        let mut n = 0;
        for i in 0..self.count {
            if i % 2 == 0 {
                yield_!(i * self.step);
                n += 1;
            }
        }
        n
    }
}

#[test]
fn generator_methods_in_a_trait_impl() {
    let counter = Counter { step: 3, count: 5 };
    assert_eq!(drain(counter.evens()), (vec![0, 6, 12], 3));
}

// ---------------------------------------------------------------------------------------------
// `unsafe`, nested `yield_!`, closures
// ---------------------------------------------------------------------------------------------

#[resumable(yield = u8)]
fn unsafe_blocks(bytes: &[u8]) -> u32 {
    let mut sum = 0;
    for i in 0..bytes.len() {
        // SAFETY: `i < bytes.len()`.
        let b = unsafe { *bytes.get_unchecked(i) };
        // SAFETY: as above; the `yield_!` inside the block is rewritten like any other.
        unsafe {
            yield_!(*bytes.get_unchecked(i));
        }
        sum += u32::from(b);
    }
    sum
}

#[test]
fn unsafe_blocks_with_yields_inside() {
    assert_eq!(drain(unsafe_blocks(&[3, 4])), (vec![3, 4], 7));
}

#[resumable(yield = &'static str, resume = i32)]
fn yield_in_arithmetic(#[resume] _: i32) -> i32 {
    yield_!("x") + yield_!("y") * 10
}

#[test]
fn yields_as_operands_run_left_to_right() {
    assert_eq!(
        feed(yield_in_arithmetic(), [0, 1, 2]),
        (vec!["x", "y"], Some(21))
    );
}

#[resumable(yield = u32, resume = u32)]
fn yield_in_macros(#[resume] _: u32) -> (String, Vec<u32>) {
    let text = format!("{}-{}", yield_!(1), yield_!(2));
    println!("{}", yield_!(3));
    let v = vec![yield_!(4), yield_!(5)];
    assert_eq!(yield_!(6), 60, "the value of `yield_!` inside `assert_eq!`");
    let named = format!("{a}/{b}", a = yield_!(7), b = 8);
    (format!("{text} {named}"), v)
}

#[test]
fn yields_inside_format_println_vec_and_assert_eq() {
    let (yielded, returned) = feed(yield_in_macros(), [0, 10, 20, 30, 40, 50, 60, 70]);
    assert_eq!(yielded, [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(returned, Some(("10-20 70/8".to_owned(), vec![40, 50])));
}

#[test]
fn assert_eq_around_a_yield_still_checks() {
    let mut co = pin!(yield_in_macros());
    for arg in [0, 10, 20, 30, 40, 50] {
        assert!(co.as_mut().resume(arg).is_yielded());
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| co.as_mut().resume(61)));
    assert!(result.is_err());
}

fn add(a: u32, b: u32) -> u32 {
    a + b
}

#[resumable(yield = u32, resume = u32)]
fn yield_as_argument_and_scrutinee(#[resume] start: u32) -> &'static str {
    let sum = add(yield_!(start), yield_!(start + 1));
    let mut owned = vec![sum];
    owned.push(yield_!(sum));
    match yield_!(owned.iter().sum()) {
        0 => "zero",
        n if n == sum => "same",
        _ => "other",
    }
}

#[test]
fn yields_as_function_arguments_method_arguments_and_match_scrutinee() {
    assert_eq!(
        feed(yield_as_argument_and_scrutinee(), [1, 2, 3, 4, 5]),
        (vec![1, 2, 5, 9], Some("same"))
    );
    assert_eq!(
        feed(yield_as_argument_and_scrutinee(), [1, 2, 3, 4, 0]),
        (vec![1, 2, 5, 9], Some("zero"))
    );
}

#[resumable(yield = Box<dyn Fn(i32) -> i32>)]
fn adders(limit: i32) -> i32 {
    for k in 1..=limit {
        yield_!(Box::new(move |x| x + k));
    }
    limit
}

#[test]
fn coroutine_yielding_boxed_closures() {
    let (closures, returned) = drain(adders(3));
    assert_eq!(
        closures.iter().map(|f| f(100)).collect::<Vec<_>>(),
        [101, 102, 103]
    );
    assert_eq!(returned, 3);
}

#[test]
fn closure_coroutine_yielding_unnamed_closure_types() {
    let base = 7;
    let mut co = pin!(coroutine!(move |k: i32| {
        let scale: i32 = yield_!(move |x: i32| x * k + base);
        scale
    }));
    let State::Yielded(f) = co.as_mut().resume(3) else {
        panic!("expected a yield");
    };
    assert_eq!(f(2), 13);
    assert_eq!(co.as_mut().resume(9).complete(), Some(9));
}

#[resumable(yield = u32)]
fn uses_closures_that_do_not_yield(items: Vec<u32>) -> u32 {
    let double = |x: u32| x * 2;
    for x in items.iter().map(|x| double(*x)) {
        yield_!(x);
    }
    items.iter().copied().filter(|x| x % 2 == 1).sum()
}

#[test]
fn ordinary_closures_inside_a_body() {
    assert_eq!(
        drain(uses_closures_that_do_not_yield(vec![1, 2, 3])),
        (vec![2, 4, 6], 4)
    );
}

#[resumable(yield = u32)]
fn nested_items() -> u32 {
    fn helper(x: u32) -> u32 {
        x + 1
    }
    const START: u32 = 41;
    struct Local(u32);
    let local = Local(helper(START));
    yield_!(local.0);
    local.0 * 2
}

#[test]
fn nested_items_inside_a_body() {
    assert_eq!(drain(nested_items()), (vec![42], 84));
}

#[resumable(yield = u32)]
fn with_a_nested_coroutine_fn(n: u32) -> u32 {
    #[resumable(yield = u32)]
    fn inner(n: u32) {
        yield_!(n + 100);
    }
    for x in inner(n) {
        yield_!(x);
    }
    yield_!(n);
    n * 2
}

#[test]
fn nested_resumable_fn_inside_a_body() {
    assert_eq!(drain(with_a_nested_coroutine_fn(1)), (vec![101, 1], 2));
}

#[resumable(yield = String, resume = String)]
fn mut_and_pattern_parameters(
    mut prefix: String,
    (a, b): (u32, u32),
    #[resume] mut first: String,
) -> String {
    prefix.push(':');
    first.push('!');
    let next = yield_!(format!("{prefix}{first}{}", a + b));
    format!("{prefix}{next}")
}

#[test]
fn mut_and_pattern_parameters_work() {
    let mut co = pin!(mut_and_pattern_parameters("p".to_owned(), (1, 2)));
    assert_eq!(
        co.as_mut().resume("hi".to_owned()),
        State::Yielded("p:hi!3".to_owned())
    );
    assert_eq!(
        co.as_mut().resume("end".to_owned()),
        State::Complete("p:end".to_owned())
    );
}

#[resumable(yield = u32, resume = (u32, u32))]
fn pattern_resume_parameter(#[resume] (a, mut b): (u32, u32)) -> u32 {
    b += 1;
    let (c, d) = yield_!(a * b);
    c - d
}

#[test]
fn pattern_in_the_resume_parameter() {
    assert_eq!(
        feed(pattern_resume_parameter(), [(2, 3), (9, 4)]),
        (vec![8], Some(5))
    );
}

// Regression: a rewritten `yield_!` is a block, and it sat in an invisible group, so at the start
// of a statement (or of a body's tail expression) rustc parsed it as a block statement and the
// rest of the expression as a new one: `yield_!(x) * 2` became `{ .. }` then `*2`.

#[resumable(yield = u32, resume = u32)]
fn yield_at_the_start_of_statements(#[resume] _: u32) -> u32 {
    let mut seen = 0;
    yield_!(1).clone_into(&mut seen);
    yield_!(2) + yield_!(3) * seen
}

#[test]
fn yield_at_the_start_of_a_statement_or_tail_expression() {
    assert_eq!(
        feed(yield_at_the_start_of_statements(), [0, 10, 20, 30]),
        (vec![1, 2, 3], Some(20 + 30 * 10))
    );
}

#[test]
fn closure_whose_body_starts_with_a_yield() {
    let mut co = pin!(coroutine!(|x: u32| yield_!(x + 1) * 2));
    assert_eq!(co.as_mut().resume(1), State::Yielded(2));
    assert_eq!(co.as_mut().resume(21), State::Complete(42));

    let mut co = pin!(coroutine!(|x: u32| yield_!(x).max(5)));
    assert_eq!(co.as_mut().resume(1), State::Yielded(1));
    assert_eq!(co.as_mut().resume(3), State::Complete(5));
}

#[test]
fn closure_whose_body_is_a_block_followed_by_an_operator() {
    let mut co = pin!(coroutine!(|x: u32| { yield_!(x) } + 1));
    assert_eq!(co.as_mut().resume(1), State::Yielded(1));
    assert_eq!(co.as_mut().resume(6), State::Complete(7));
}

#[resumable(yield = u32, resume = u32)]
fn break_label_with_a_yield(#[resume] first: u32) -> u32 {
    // Used to warn `break_with_label_and_loop`: the value looked like an unlabelled block.
    'block: {
        if first > 1 {
            break 'block yield_!(first);
        }
        first
    }
}

#[test]
fn labelled_break_whose_value_is_a_yield() {
    assert_eq!(feed(break_label_with_a_yield(), [5, 9]), (vec![5], Some(9)));
    assert_eq!(feed(break_label_with_a_yield(), [1]), (vec![], Some(1)));
}

// Regression: the rebinding that moves each parameter into the body (`let x = x;`) did not carry
// the parameter's `#[cfg]`, so a parameter configured out of the signature was still rebound
// ("cannot find value `gone` in this scope").

#[resumable(yield = u32)]
fn configured_parameters(
    #[cfg(not(test))] gone: String,
    #[cfg(test)] kept: u32,
    #[cfg(not(test))] (a, b): (u8, u8),
    #[cfg_attr(test, cfg(not(test)))] also_gone: u32,
    #[cfg_attr(not(test), cfg(not(test)))] also_kept: u32,
) {
    yield_!(kept);
    yield_!(also_kept);
}

#[test]
fn parameter_configured_out_with_cfg_or_cfg_attr() {
    assert_eq!(drain(configured_parameters(1, 2)), (vec![1, 2], ()));
}

// Regression: the generated code called the runtime's methods with method syntax
// (`__co.first()`, `__co.marker()`, `__co.yield_(v)`, `__co.delegate(..)`), so a trait in scope
// with a method of the same name, implemented for every type, was picked instead ("`u8` is not a
// future", "expected `Marker<_, _>`, found `u8`").
mod methods_of_a_trait_in_scope {
    use resumable::{Resumable, State, coroutine, resumable, yield_, yield_from};

    use super::{drain, feed, pin};

    /// Never called by hand: the test is that the generated code does not call it either. Its
    /// methods take `self` by value, so method syntax finds them before the runtime's, which take
    /// `&self` (one with `&self` would lose to the runtime's inherent methods).
    #[allow(dead_code)]
    trait ByValue: Sized {
        fn first(self) -> u8 {
            0
        }
        fn marker(self) -> u8 {
            0
        }
        fn yield_<V>(self, _: V) -> u8 {
            0
        }
        fn delegate<F>(self, _: F) -> u8 {
            0
        }
    }
    impl<T> ByValue for T {}

    #[resumable(yield = u32)]
    fn numbers(n: u32) -> u32 {
        yield_!(n);
        n + 1
    }

    #[resumable(yield = u32, resume = u32)]
    fn inner(n: u32) -> u32 {
        let m = yield_!(n);
        n + m
    }

    #[resumable(yield = u32, resume = u32)]
    fn outer(#[resume] first: u32) -> u32 {
        let next = yield_!(first);
        yield_from!(inner(next))
    }

    #[test]
    fn do_not_replace_the_runtime_methods() {
        assert_eq!(drain(numbers(4)), (vec![4], 5));
        assert_eq!(feed(outer(), [1, 7, 2]), (vec![1, 7], Some(9)));
        let mut co = pin!(coroutine!(|x: u32| {
            let y = yield_!(x * 2);
            yield_from!(inner(y))
        }));
        assert_eq!(co.as_mut().resume(3), State::Yielded(6));
        assert_eq!(co.as_mut().resume(10), State::Yielded(10));
        assert_eq!(co.as_mut().resume(5), State::Complete(15));
    }
}

// Regression: the body of a `#[resumable]` fn stood as a block at the tail of the generated body,
// so a one-line body (`{ x }`) fired rustc's `unused_braces`, whose suggestion (`-> u32 x`) does
// not compile. `deny(warnings)` turns any lint the expansion fires into an error.

// (`rustfmt::skip`: `unused_braces` ignores a block written on several lines.)
#[rustfmt::skip]
#[deny(warnings)]
#[resumable(yield = u32)]
fn one_line_body(x: u32) -> u32 { x }

#[rustfmt::skip]
#[deny(warnings)]
#[resumable(yield = u32)]
fn one_line_body_returning_impl_trait(x: u32) -> impl Display { x }

#[test]
fn a_one_line_body_fires_no_lint() {
    assert_eq!(drain(one_line_body(1)), (vec![], 1));
    assert_eq!(
        drain(one_line_body_returning_impl_trait(2)).1.to_string(),
        "2"
    );
}

// Regression: a yield type containing `impl Trait` was written into the body (`Co::<impl
// Display, ()>::new()`), where rustc rejects it (E0562). The signature alone names it now.

#[resumable(yield = impl Display)]
fn labels(n: u32) -> usize {
    yield_!(n);
    yield_!(n + 1);
    2
}

#[resumable(yield = Box<impl Display>)]
fn boxed_labels(n: u32) {
    yield_!(Box::new(n));
}

#[resumable(yield = (impl Display, impl Display))]
fn labelled_pairs() {
    yield_!(("a", 1));
    yield_!(("b", 2));
}

#[test]
fn yield_type_with_impl_trait() {
    let (shown, count) = drain(labels(7));
    let shown: Vec<String> = shown.iter().map(ToString::to_string).collect();
    assert_eq!((shown, count), (vec!["7".to_owned(), "8".to_owned()], 2));
    let shown: Vec<String> = boxed_labels(3).into_iter().map(|b| b.to_string()).collect();
    assert_eq!(shown, ["3"]);
    let shown: Vec<String> = labelled_pairs()
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    assert_eq!(shown, ["a=1", "b=2"]);
}

/// Found by fuzzing the macro: `yield_!(v,)` expanded to code that did not parse.
#[resumable(yield = (u8, char))]
fn trailing_commas() {
    let one: u8 = 1;
    yield_!(one, 'a',);
    yield_!((2, 'b'),);
}

#[test]
fn a_trailing_comma_in_yield_is_ignored() {
    let (yielded, ()) = drain(trailing_commas());
    assert_eq!(yielded, [(1, 'a'), (2, 'b')]);
}
