//! Delegation with `yield_from!` (issue 4): a delegated coroutine's yields reach the resumer,
//! the resumer's arguments reach the delegated coroutine, and `yield_from!` evaluates to its
//! return value, through any number of levels; recursive generators (permutations, a tree walk
//! a million levels deep); every frame dropped, innermost first, on drop, close and panic; `Send`.
//!
//! The allocation counts are in `tests/delegate_alloc.rs`, the misuse in `tests/ui/yield-from-*`.

use core::cell::{Cell, RefCell};
use core::pin::pin;
use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::thread;

use resumable::{
    Coroutine, Iter, Resumable, ResumeError, State, Status, coroutine, resumable, yield_,
    yield_from,
};

/// The message of a panic payload (`panic!("literal")` or `panic!("{formatted}")`).
fn message(payload: &(dyn core::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("<not a string>")
}

// ---------------------------------------------------------------------------------------------
// The Lua manual's `foo` (seed 04): a helper yields on behalf of the body that called it.
// ---------------------------------------------------------------------------------------------

/// What the resumes of seed 04 pass: two numbers, then one string, then two.
#[derive(Debug, Clone, PartialEq)]
enum Passed {
    Numbers(i32, i32),
    Word(&'static str),
    Words(&'static str, &'static str),
}

/// Lua: `function foo (a) print("foo", a) return coroutine.yield(2 * a) end`.
#[resumable(yield = Vec<i32>, resume = Passed)]
fn foo(a: i32, out: &RefCell<Vec<String>>) -> Passed {
    out.borrow_mut().push(format!("foo {a}"));
    yield_!(vec![2 * a])
}

/// Lua: the body of `co` in seed 04; `local r = foo(a + 1)` becomes `yield_from!`.
#[resumable(yield = Vec<i32>, resume = Passed)]
fn co_body(out: &RefCell<Vec<String>>, #[resume] first: Passed) -> (i32, &'static str) {
    let Passed::Numbers(a, b) = first else {
        panic!("first resume passes two numbers, got {first:?}")
    };
    out.borrow_mut().push(format!("co-body {a} {b}"));
    let r = yield_from!(foo(a + 1, out));
    out.borrow_mut().push(format!("co-body {r:?}"));
    let rs = yield_!(vec![a + b, a - b]);
    out.borrow_mut().push(format!("co-body {rs:?}"));
    (b, "end")
}

#[test]
fn manual_foo_example_with_layer_1() {
    let out = RefCell::new(Vec::new());
    let mut co = pin!(co_body(&out));
    // The helper's yield reaches the resumer.
    assert_eq!(
        co.as_mut().resume(Passed::Numbers(1, 10)),
        State::Yielded(vec![4])
    );
    assert_eq!(*out.borrow(), ["co-body 1 10", "foo 2"]);
    // The next resume argument is the value of the helper's `yield_!`, which the helper returns:
    // the value of `yield_from!`.
    assert_eq!(
        co.as_mut().resume(Passed::Word("r")),
        State::Yielded(vec![11, -9])
    );
    assert_eq!(out.borrow()[2], "co-body Word(\"r\")");
    assert_eq!(
        co.as_mut().resume(Passed::Words("x", "y")),
        State::Complete((10, "end"))
    );
    assert_eq!(
        *out.borrow(),
        [
            "co-body 1 10",
            "foo 2",
            "co-body Word(\"r\")",
            "co-body Words(\"x\", \"y\")",
        ]
    );
}

#[test]
fn manual_foo_example_with_the_lua_style_handle() {
    let out = RefCell::new(Vec::new());
    let co = Coroutine::new(co_body(&out));
    assert_eq!(
        co.resume(Passed::Numbers(1, 10)).unwrap(),
        State::Yielded(vec![4])
    );
    assert_eq!(co.status(), Status::Suspended);
    assert_eq!(
        co.resume(Passed::Word("r")).unwrap(),
        State::Yielded(vec![11, -9])
    );
    assert_eq!(
        co.resume(Passed::Words("x", "y")).unwrap(),
        State::Complete((10, "end"))
    );
    assert_eq!(co.status(), Status::Dead);
    let err = co.resume(Passed::Words("x", "y")).unwrap_err();
    assert!(matches!(err, ResumeError::Dead));
    assert_eq!(err.to_string(), "cannot resume dead coroutine");
    assert_eq!(out.borrow().len(), 4);
}

// ---------------------------------------------------------------------------------------------
// Values both ways through several levels.
// ---------------------------------------------------------------------------------------------

type Log = RefCell<Vec<String>>;

#[resumable(yield = String, resume = i64)]
fn innermost(seed: i64, log: &Log) -> i64 {
    let a = yield_!(format!("innermost yields {seed}"));
    log.borrow_mut().push(format!("innermost got {a}"));
    let b = yield_!(format!("innermost yields {}", seed + a));
    log.borrow_mut().push(format!("innermost got {b}"));
    a * b
}

#[resumable(yield = String, resume = i64)]
fn middle(seed: i64, log: &Log) -> i64 {
    let x = yield_!(format!("middle yields {seed}"));
    log.borrow_mut().push(format!("middle got {x}"));
    let r = yield_from!(innermost(seed + x, log));
    log.borrow_mut()
        .push(format!("middle: innermost returned {r}"));
    r + 1
}

#[resumable(yield = String, resume = i64)]
fn upper(seed: i64, log: &Log) -> i64 {
    let r = yield_from!(middle(seed * 10, log));
    let y = yield_!(format!("upper yields {r}"));
    log.borrow_mut().push(format!("upper got {y}"));
    r + y
}

#[resumable(yield = String, resume = i64)]
fn top(log: &Log, #[resume] first: i64) -> i64 {
    log.borrow_mut().push(format!("top got {first}"));
    let r = yield_from!(upper(first, log));
    r * 100
}

#[test]
fn values_pass_both_ways_through_four_levels() {
    let log = Log::default();
    let mut co = pin!(top(&log));
    let mut yielded = Vec::new();
    let mut arg = 1;
    let returned = loop {
        match co.as_mut().resume(arg) {
            State::Yielded(s) => yielded.push(s),
            State::Complete(r) => break r,
        }
        arg += 1;
    };
    assert_eq!(
        yielded,
        [
            "middle yields 10",
            "innermost yields 12",
            "innermost yields 15",
            "upper yields 13",
        ]
    );
    // The resume values arrived where the body was stopped, at whatever depth.
    assert_eq!(
        *log.borrow(),
        [
            "top got 1",
            "middle got 2",
            "innermost got 3",
            "innermost got 4",
            "middle: innermost returned 12",
            "upper got 5",
        ]
    );
    assert_eq!(returned, (13 + 5) * 100);
}

/// At depth 0 yields twice and returns the sum of the two resume values; above, adds its depth
/// to what the level below returned.
#[resumable(yield = u64, resume = u64)]
fn relay(depth: u32) -> u64 {
    if depth == 0 {
        let x = yield_!(0);
        let y = yield_!(x + 1);
        x + y
    } else {
        let below = yield_from!(relay(depth - 1));
        below + u64::from(depth)
    }
}

#[resumable(yield = u64, resume = u64)]
fn relay_from(depth: u32, #[resume] start: u64) -> u64 {
    let r = yield_from!(relay(depth));
    r + start
}

#[test]
fn resume_values_reach_the_innermost_level_at_any_depth() {
    for depth in (0..=40).chain([64, 100, 1000]) {
        let mut co = pin!(relay_from(depth));
        assert_eq!(co.as_mut().resume(1000), State::Yielded(0));
        assert_eq!(co.as_mut().resume(7), State::Yielded(8));
        assert_eq!(
            co.as_mut().resume(5),
            State::Complete(7 + 5 + u64::from(depth * (depth + 1) / 2) + 1000),
            "depth {depth}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Shapes of delegated coroutines.
// ---------------------------------------------------------------------------------------------

/// Returns at once without yielding.
#[resumable(yield = u32)]
fn plus_one(x: u32) -> u32 {
    x + 1
}

#[resumable(yield = u32)]
fn around_quiet_subs() -> u32 {
    yield_!(1);
    let a = yield_from!(plus_one(10));
    let b = yield_from!(plus_one(a));
    yield_!(a + b);
    let mut c = 0;
    for _ in 0..1000 {
        c = yield_from!(plus_one(c));
    }
    c
}

#[test]
fn a_sub_that_returns_without_yielding_gives_its_value_at_once() {
    let mut co = pin!(around_quiet_subs());
    assert_eq!(co.as_mut().resume(()), State::Yielded(1));
    assert_eq!(co.as_mut().resume(()), State::Yielded(11 + 12));
    assert_eq!(co.as_mut().resume(()), State::Complete(1000));
}

/// Yields `from..to` and returns their sum.
#[resumable(yield = u64)]
fn range(from: u64, to: u64) -> u64 {
    let mut sum = 0;
    for i in from..to {
        sum += i;
        yield_!(i);
    }
    sum
}

#[resumable(yield = u64)]
fn range_via(levels: u32, from: u64, to: u64) -> u64 {
    if levels == 0 {
        yield_from!(range(from, to))
    } else {
        yield_from!(range_via(levels - 1, from, to))
    }
}

#[test]
fn a_sub_that_yields_many_times_passes_every_value_out() {
    let n: u64 = if cfg!(miri) { 300 } else { 100_000 };
    let mut co = pin!(range_via(3, 0, n));
    let mut it = Iter::new(co.as_mut());
    let mut expected = 0;
    for x in it.by_ref() {
        assert_eq!(x, expected);
        expected += 1;
    }
    assert_eq!(expected, n);
    assert_eq!(it.returned(), Some(n * (n - 1) / 2));
}

#[resumable(yield = u64)]
fn ranges(n: u64) -> Vec<u64> {
    let mut sums = Vec::new();
    for i in 0..n {
        let sum = yield_from!(range(0, i));
        sums.push(sum);
        yield_!(1000 + i);
    }
    sums
}

#[test]
fn yield_from_in_a_loop_runs_a_fresh_sub_each_time() {
    let mut co = pin!(ranges(5));
    let mut it = Iter::new(co.as_mut());
    let got: Vec<u64> = it.by_ref().collect();
    assert_eq!(
        got,
        [1000, 0, 1001, 0, 1, 1002, 0, 1, 2, 1003, 0, 1, 2, 3, 1004]
    );
    assert_eq!(it.returned(), Some(vec![0, 0, 1, 3, 6]));
}

/// `yield_from!` inside larger expressions, conditions and match scrutinees.
#[resumable(yield = u32)]
fn in_expressions(flag: bool) -> u32 {
    let a = 1 + yield_from!(plus_one(1)) * 10;
    let b = if yield_from!(plus_one(0)) == 1 && flag {
        let n = yield_from!(each(&[0u32, 1]));
        u32::try_from(n).unwrap()
    } else {
        99
    };
    let c = match yield_from!(plus_one(a)) {
        22 => yield_from!(plus_one(100)),
        _ => 0,
    };
    a * 10_000 + b * 1000 + c
}

#[test]
fn yield_from_is_an_expression_anywhere() {
    let mut co = pin!(in_expressions(true));
    let mut it = Iter::new(co.as_mut());
    assert_eq!(it.by_ref().collect::<Vec<_>>(), [0, 1]);
    assert_eq!(it.returned(), Some(21 * 10_000 + 2 * 1000 + 101));
    let mut co = pin!(in_expressions(false));
    assert_eq!(
        co.as_mut().resume(()),
        State::Complete(21 * 10_000 + 99_000 + 101)
    );
}

/// Doubles its argument on the way out; returns the resume value plus one.
#[resumable(yield = u32, resume = u32)]
fn doubler(x: u32) -> u32 {
    let r = yield_!(x * 2);
    r + 1
}

#[test]
fn yield_from_in_the_closure_form() {
    let mut co = pin!(coroutine!(|first: u32| {
        let a = yield_from!(doubler(first));
        let b = yield_from!(doubler(a));
        a + b
    }));
    assert_eq!(co.as_mut().resume(5), State::Yielded(10));
    assert_eq!(co.as_mut().resume(20), State::Yielded(42));
    assert_eq!(co.as_mut().resume(100), State::Complete(21 + 101));
}

#[test]
fn the_closure_form_delegates_to_subs_borrowing_its_captures() {
    let words = vec!["a".to_owned(), "bb".to_owned(), "ccc".to_owned()];
    let co = Coroutine::new(coroutine!(|()| {
        let n = yield_from!(each(&words));
        let m = yield_from!(each(&words[1..]));
        n + m
    }));
    let mut got = Vec::new();
    let returned = loop {
        match co.resume(()).unwrap() {
            State::Yielded(w) => got.push(w),
            State::Complete(n) => break n,
        }
    };
    assert_eq!(got, ["a", "bb", "ccc", "bb", "ccc"]);
    assert_eq!(returned, 5);
    assert_eq!(words.len(), 3);
}

/// Yields a clone of each item; returns how many there were. Generic over the item type.
#[resumable(yield = T)]
fn each<T: Clone>(items: &[T]) -> usize {
    for item in items {
        yield_!(item.clone());
    }
    items.len()
}

/// Yields the items of every inner slice, delegating to `each`; generic.
#[resumable(yield = T)]
fn flatten<T: Clone>(nested: &[Vec<T>]) -> usize {
    let mut total = 0;
    for inner in nested {
        total += yield_from!(each(inner));
    }
    total
}

/// Yields every item `iter` produces; generic over the iterator.
#[resumable(yield = I::Item)]
fn drain<I: Iterator>(iter: I) -> usize {
    let mut n = 0;
    for x in iter {
        n += 1;
        yield_!(x);
    }
    n
}

#[resumable(yield = String)]
fn generic_mix(nested: &[Vec<String>]) -> usize {
    let a = yield_from!(flatten(nested));
    let b = yield_from!(drain(["x", "y"].into_iter().map(str::to_owned)));
    a + b
}

#[test]
fn generic_subs() {
    let nested = vec![
        vec!["1".to_owned()],
        vec![],
        vec!["2".to_owned(), "3".to_owned()],
    ];
    let mut co = pin!(generic_mix(&nested));
    let mut it = Iter::new(co.as_mut());
    assert_eq!(it.by_ref().collect::<Vec<_>>(), ["1", "2", "3", "x", "y"]);
    assert_eq!(it.returned(), Some(5));
    let ints: Vec<u8> = flatten(&[vec![1u8, 2], vec![3]]).iter().collect();
    assert_eq!(ints, [1, 2, 3]);
}

/// Pushes to the caller's vector between yields.
#[resumable(yield = usize)]
fn fill(buf: &mut Vec<usize>, n: usize) -> usize {
    for i in 0..n {
        buf.push(i);
        yield_!(buf.len());
    }
    buf.len()
}

#[resumable(yield = usize)]
fn filler() -> Vec<usize> {
    let mut buf = vec![7];
    let n = yield_from!(fill(&mut buf, 3));
    buf.push(100 + n);
    let local = [5, 6];
    let m = yield_from!(each(&local));
    buf.push(m);
    buf
}

#[test]
fn a_sub_borrows_the_callers_locals() {
    let mut co = pin!(filler());
    let mut it = Iter::new(co.as_mut());
    assert_eq!(it.by_ref().collect::<Vec<_>>(), [2, 3, 4, 5, 6]);
    assert_eq!(it.returned(), Some(vec![7, 0, 1, 2, 104, 2]));
}

#[test]
fn a_sub_borrows_a_local_of_the_test() {
    let local_vec: Vec<u32> = (1..=4).collect();
    let mut co = pin!(coroutine!(|()| yield_from!(each(&local_vec)) * 10));
    let mut got = Vec::new();
    let r = loop {
        match co.as_mut().resume(()) {
            State::Yielded(x) => got.push(x),
            State::Complete(r) => break r,
        }
    };
    assert_eq!(got, local_vec);
    assert_eq!(r, 40);
}

// ---------------------------------------------------------------------------------------------
// Methods and trees.
// ---------------------------------------------------------------------------------------------

/// A binary tree in a `Vec`, children by index: no nested boxes, so a degenerate tree a million
/// levels deep neither builds nor drops by recursion.
struct Tree {
    nodes: Vec<Node>,
}

struct Node {
    value: u32,
    left: Option<usize>,
    right: Option<usize>,
}

impl Tree {
    /// Yields the values of the subtree at `at` in order, by recursion through `&self`.
    #[resumable(yield = u32)]
    fn in_order(&self, at: usize) -> usize {
        let node = &self.nodes[at];
        let mut count = 1;
        if let Some(left) = node.left {
            count += yield_from!(self.in_order(left));
        }
        yield_!(node.value);
        if let Some(right) = node.right {
            count += yield_from!(self.in_order(right));
        }
        count
    }

    /// The same order by a loop with an explicit stack: the reference.
    fn in_order_by_hand(&self, root: usize) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack = Vec::new();
        let mut at = Some(root);
        loop {
            while let Some(i) = at {
                stack.push(i);
                at = self.nodes[i].left;
            }
            let Some(i) = stack.pop() else { break };
            out.push(self.nodes[i].value);
            at = self.nodes[i].right;
        }
        out
    }

    /// A list-shaped tree of `depth` nodes: node `i`'s only child is `i + 1`, on the left when
    /// `left(i)`, else on the right.
    fn chain(depth: usize, left: impl Fn(usize) -> bool) -> Self {
        let nodes = (0..depth)
            .map(|i| {
                let child = (i + 1 < depth).then_some(i + 1);
                let on_left = left(i);
                Node {
                    value: u32::try_from(i).unwrap(),
                    left: if on_left { child } else { None },
                    right: if on_left { None } else { child },
                }
            })
            .collect();
        Self { nodes }
    }

    /// A complete binary tree of `n` nodes in heap order (children of `i`: `2i + 1`, `2i + 2`).
    fn complete(n: usize) -> Self {
        let nodes = (0..n)
            .map(|i| Node {
                value: u32::try_from(i).unwrap(),
                left: (2 * i + 1 < n).then_some(2 * i + 1),
                right: (2 * i + 2 < n).then_some(2 * i + 2),
            })
            .collect();
        Self { nodes }
    }
}

/// Walks `tree` from its root with the recursive generator; what it yielded and returned.
fn walk(tree: &Tree) -> (Vec<u32>, Option<usize>) {
    let mut co = pin!(tree.in_order(0));
    let mut it = Iter::new(co.as_mut());
    let values = it.by_ref().collect();
    (values, it.returned())
}

#[test]
fn yield_from_in_a_method_walks_a_tree_in_order() {
    for n in [1, 2, 3, 7, 10, 31, 100] {
        let tree = Tree::complete(n);
        let (values, count) = walk(&tree);
        assert_eq!(values, tree.in_order_by_hand(0), "{n} nodes");
        assert_eq!(count, Some(n));
    }
}

/// Deep enough to overflow any native stack if each level were a nested call or poll.
const DEEP: usize = if cfg!(miri) { 200 } else { 1_000_000 };

#[test]
fn a_left_degenerate_tree_a_million_deep_is_walked_without_stack_overflow() {
    let tree = Tree::chain(DEEP, |_| true);
    let (values, count) = walk(&tree);
    assert_eq!(count, Some(DEEP));
    assert_eq!(values.len(), DEEP);
    assert!(
        values
            .iter()
            .rev()
            .copied()
            .eq(0..u32::try_from(DEEP).unwrap())
    );
}

#[test]
fn a_right_degenerate_tree_a_million_deep_is_walked_without_stack_overflow() {
    let tree = Tree::chain(DEEP, |_| false);
    let (values, count) = walk(&tree);
    assert_eq!(count, Some(DEEP));
    assert!(values.iter().copied().eq(0..u32::try_from(DEEP).unwrap()));
}

#[test]
fn a_zigzag_degenerate_tree_a_million_deep_is_walked_in_order() {
    let tree = Tree::chain(DEEP, |i| i % 3 != 0);
    let (values, count) = walk(&tree);
    assert_eq!(count, Some(DEEP));
    assert_eq!(values, tree.in_order_by_hand(0));
}

/// Mutual recursion between two coroutines of different layouts: frames of one kind are freed
/// and frames of the other pushed.
#[resumable(yield = u64)]
fn even_steps(n: u64, pad: [u64; 4]) -> u64 {
    yield_!(n + pad[0]);
    if n == 0 {
        0
    } else {
        1 + yield_from!(odd_steps(n - 1))
    }
}

#[resumable(yield = u64)]
fn odd_steps(n: u64) -> u64 {
    yield_!(n);
    if n == 0 {
        0
    } else {
        let a = yield_from!(even_steps(n - 1, [0; 4]));
        yield_from!(plus_one_u64(a)) + 1
    }
}

#[resumable(yield = u64)]
fn plus_one_u64(x: u64) -> u64 {
    x + 1
}

/// What `even_steps(n, ..)` returns, by plain mutual recursion.
fn even_by_hand(n: u64) -> u64 {
    if n == 0 { 0 } else { 1 + odd_by_hand(n - 1) }
}

fn odd_by_hand(n: u64) -> u64 {
    if n == 0 { 0 } else { even_by_hand(n - 1) + 2 }
}

#[test]
fn mutually_recursive_subs_of_different_layouts() {
    for n in [0, 1, 2, 5, 50] {
        let mut co = pin!(even_steps(n, [0; 4]));
        let mut it = Iter::new(co.as_mut());
        assert!(it.by_ref().eq((0..=n).rev()), "n = {n}");
        assert_eq!(it.returned(), Some(even_by_hand(n)), "n = {n}");
    }
}

/// Recursion into itself and, through `mixed_g`, into another type and back: the driver polls
/// runs of frames of one type in one loop, and hands over where the type changes.
#[resumable(yield = u64)]
fn mixed_f(n: u64) -> u64 {
    if n == 0 {
        yield_!(0);
        return 1;
    }
    let a = yield_from!(mixed_f(n - 1));
    yield_!(n);
    let b = yield_from!(mixed_g(n - 1));
    a + b
}

#[resumable(yield = u64)]
fn mixed_g(n: u64) -> u64 {
    yield_!(100 + n);
    let c = yield_from!(mixed_f(n));
    c * 2
}

/// What `mixed_f(n)` yields (into `out`) and returns, by plain recursion.
fn mixed_f_by_hand(n: u64, out: &mut Vec<u64>) -> u64 {
    if n == 0 {
        out.push(0);
        return 1;
    }
    let a = mixed_f_by_hand(n - 1, out);
    out.push(n);
    let b = mixed_g_by_hand(n - 1, out);
    a + b
}

fn mixed_g_by_hand(n: u64, out: &mut Vec<u64>) -> u64 {
    out.push(100 + n);
    mixed_f_by_hand(n, out) * 2
}

#[test]
fn recursion_through_two_types_in_turn_yields_and_returns_as_plain_recursion() {
    for n in 0..7 {
        let mut expected = Vec::new();
        let returned = mixed_f_by_hand(n, &mut expected);
        let mut co = pin!(mixed_f(n));
        let mut it = Iter::new(co.as_mut());
        assert_eq!(it.by_ref().collect::<Vec<_>>(), expected, "n = {n}");
        assert_eq!(it.returned(), Some(returned), "n = {n}");
    }
}

/// Each level borrows a local of the level above (frames of one type, lifetimes aside), yields
/// through the borrow, and returns a value read through it after the level below returned.
#[resumable(yield = u64)]
fn sums_of(parent: &[u64], n: usize) -> u64 {
    let mine: Vec<u64> = parent.iter().map(|x| x + 1).collect();
    yield_!(mine.iter().sum());
    if n == 0 {
        return mine.len() as u64;
    }
    let below = yield_from!(sums_of(&mine, n - 1));
    yield_!(below);
    below + mine[0]
}

#[test]
fn each_level_of_a_recursion_borrows_the_locals_of_the_level_above() {
    let start = vec![1, 2, 3];
    let mut co = pin!(sums_of(&start, 3));
    let mut it = Iter::new(co.as_mut());
    // Level k holds [1 + k + 1, 2 + k + 1, 3 + k + 1] (k from 0): its sum is 6 + 3 (k + 1).
    let down: Vec<u64> = (0..4).map(|k| 6 + 3 * (k + 1)).collect();
    // The innermost returns 3; each level above yields what came back and adds its first item.
    let up = [3, 3 + 4, 3 + 4 + 3];
    assert_eq!(
        it.by_ref().collect::<Vec<_>>(),
        down.iter().chain(&up).copied().collect::<Vec<_>>()
    );
    assert_eq!(it.returned(), Some(3 + 4 + 3 + 2));
}

// ---------------------------------------------------------------------------------------------
// Recursive permutations (the seed's `permgen`).
// ---------------------------------------------------------------------------------------------

// The seed's `permgen`, shared with `examples/permutations.rs`.
#[path = "../examples/shared/permgen.rs"]
mod permgen;
use permgen::permgen;

/// The same recursion by hand, with a callback: the reference order.
fn permgen_by_hand(a: &mut [u8], n: usize, out: &mut Vec<Vec<u8>>) {
    if n <= 1 {
        out.push(a.to_vec());
    } else {
        for i in 0..n {
            a.swap(n - 1, i);
            permgen_by_hand(a, n - 1, out);
            a.swap(n - 1, i);
        }
    }
}

#[test]
fn permutations_are_exactly_the_n_factorial_distinct_ones() {
    let max = if cfg!(miri) { 4 } else { 6 };
    let mut factorial = 1;
    for n in 1..=max {
        factorial *= n;
        let a: Vec<Cell<u8>> = (0..u8::try_from(n).unwrap()).map(Cell::new).collect();
        let mut got = Vec::new();
        for p in permgen(&a, n) {
            got.push(p.iter().map(Cell::get).collect::<Vec<u8>>());
        }
        assert_eq!(got.len(), factorial, "n = {n}");
        let distinct: BTreeSet<&Vec<u8>> = got.iter().collect();
        assert_eq!(distinct.len(), factorial, "n = {n}: repeated permutations");
        for p in &got {
            let mut sorted = p.clone();
            sorted.sort_unstable();
            assert!(sorted.iter().copied().eq(0..u8::try_from(n).unwrap()));
        }
        let mut by_hand = Vec::new();
        permgen_by_hand(
            &mut (0..u8::try_from(n).unwrap()).collect::<Vec<_>>(),
            n,
            &mut by_hand,
        );
        assert_eq!(
            got, by_hand,
            "n = {n}: not the order of the plain recursion"
        );
        // Every swap was undone.
        assert!(a.iter().map(Cell::get).eq(0..u8::try_from(n).unwrap()));
    }
}

#[test]
fn permutations_through_the_lua_style_handle() {
    let a: Vec<Cell<char>> = "abc".chars().map(Cell::new).collect();
    let perms: Vec<String> = Coroutine::new(permgen(&a, a.len()))
        .wrap()
        .map(|p| p.iter().map(Cell::get).collect())
        .collect();
    assert_eq!(perms, ["bca", "cba", "cab", "acb", "bac", "abc"]);
}

// ---------------------------------------------------------------------------------------------
// Drop, close and panic deep inside delegation.
// ---------------------------------------------------------------------------------------------

type Events = Rc<RefCell<Vec<String>>>;

/// Records its own drop.
struct Guard {
    name: String,
    events: Events,
}

impl Guard {
    fn new(name: impl Into<String>, events: &Events) -> Self {
        Self {
            name: name.into(),
            events: Rc::clone(events),
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.events.borrow_mut().push(format!("drop {}", self.name));
    }
}

/// Where the bottom of a `nest` chain panics.
#[derive(Clone, Copy, PartialEq)]
enum Panics {
    Never,
    /// On the way down, before anything was yielded (the chain is being built).
    BeforeYielding,
    /// On the resume after its yield.
    AfterYielding,
}

/// One level of a chain `level..=bottom`; the bottom level yields its level (and panics if
/// asked to). Every level holds a guard and logs when it gets past its suspension point.
#[resumable(yield = usize)]
fn nest(level: usize, bottom: usize, panics: Panics, events: Events) {
    let _guard = Guard::new(format!("{level}"), &events);
    if level == bottom {
        assert!(panics != Panics::BeforeYielding, "boom at level {level}");
        yield_!(level);
        assert!(panics != Panics::AfterYielding, "boom at level {level}");
    } else {
        yield_from!(nest(level + 1, bottom, panics, Rc::clone(&events)));
    }
    events.borrow_mut().push(format!("after {level}"));
}

/// `drop 6`, `drop 5`, …, `drop 0`.
fn dropped_innermost_first(bottom: usize) -> Vec<String> {
    (0..=bottom).rev().map(|l| format!("drop {l}")).collect()
}

/// Chain depths: some with every new frame polled inside the `yield_from!` that made it, some
/// deeper than that, where the driver's loop takes over.
const BOTTOMS: [usize; 4] = [5, 31, 40, 100];

#[test]
fn dropping_a_coroutine_suspended_deep_inside_drops_every_frame_innermost_first() {
    for bottom in BOTTOMS {
        let events = Events::default();
        let mut co = Box::pin(nest(0, bottom, Panics::Never, Rc::clone(&events)));
        assert_eq!(co.as_mut().resume(()), State::Yielded(bottom));
        assert!(events.borrow().is_empty());
        drop(co);
        assert_eq!(*events.borrow(), dropped_innermost_first(bottom));
        // Only `events` itself holds the log now: every frame's clone was dropped.
        assert_eq!(Rc::strong_count(&events), 1);
    }
}

#[test]
fn dropping_a_closure_coroutine_suspended_deep_inside_drops_every_frame_innermost_first() {
    for bottom in BOTTOMS {
        let events = Events::default();
        {
            let guard_events = Rc::clone(&events);
            let sub_events = Rc::clone(&events);
            let mut co = pin!(coroutine!(move |()| {
                let _outer = Guard::new("outer", &guard_events);
                yield_from!(nest(0, bottom, Panics::Never, sub_events));
                guard_events.borrow_mut().push("after outer".to_owned());
            }));
            assert_eq!(co.as_mut().resume(()), State::Yielded(bottom));
        }
        let mut expected = dropped_innermost_first(bottom);
        expected.push("drop outer".to_owned());
        assert_eq!(*events.borrow(), expected);
        assert_eq!(Rc::strong_count(&events), 1);
    }
}

#[test]
fn dropping_after_some_subs_returned_drops_only_the_live_frames() {
    for (first, second) in [(4, 5), (40, 5), (4, 50), (50, 40)] {
        let events = Events::default();
        let e = Rc::clone(&events);
        let mut co = Box::pin(coroutine!(move |()| {
            // The first chain runs to its end: its frames' blocks are kept for reuse.
            yield_from!(nest(0, first, Panics::Never, Rc::clone(&e)));
            e.borrow_mut().push("between".to_owned());
            yield_from!(nest(1000, 1000 + second, Panics::Never, Rc::clone(&e)));
            e.borrow_mut().push("after both".to_owned());
        }));
        assert_eq!(co.as_mut().resume(()), State::Yielded(first));
        assert_eq!(co.as_mut().resume(()), State::Yielded(1000 + second));
        let mut expected: Vec<String> = (0..=first)
            .rev()
            .flat_map(|l| [format!("after {l}"), format!("drop {l}")])
            .collect();
        expected.push("between".to_owned());
        assert_eq!(*events.borrow(), expected);
        events.borrow_mut().clear();
        drop(co);
        let expected: Vec<String> = (1000..=1000 + second)
            .rev()
            .map(|l| format!("drop {l}"))
            .collect();
        assert_eq!(*events.borrow(), expected);
        assert_eq!(Rc::strong_count(&events), 1);
    }
}

#[test]
fn close_drops_every_frame_innermost_first_and_nothing_after_the_yield_runs() {
    for bottom in BOTTOMS {
        let events = Events::default();
        let co = Coroutine::new(nest(0, bottom, Panics::Never, Rc::clone(&events)));
        assert_eq!(co.resume(()).unwrap(), State::Yielded(bottom));
        co.close().unwrap();
        assert_eq!(co.status(), Status::Dead);
        assert_eq!(*events.borrow(), dropped_innermost_first(bottom));
        assert!(matches!(co.resume(()), Err(ResumeError::Dead)));
        drop(co);
        assert_eq!(
            events.borrow().len(),
            bottom + 1,
            "a frame was dropped twice"
        );
        assert_eq!(Rc::strong_count(&events), 1);
    }
}

#[test]
fn a_finished_chain_runs_every_level_past_its_suspension() {
    for bottom in BOTTOMS {
        let events = Events::default();
        let mut co = pin!(nest(0, bottom, Panics::Never, Rc::clone(&events)));
        assert_eq!(co.as_mut().resume(()), State::Yielded(bottom));
        assert_eq!(co.as_mut().resume(()), State::Complete(()));
        let expected: Vec<String> = (0..=bottom)
            .rev()
            .flat_map(|l| [format!("after {l}"), format!("drop {l}")])
            .collect();
        assert_eq!(*events.borrow(), expected);
        assert_eq!(Rc::strong_count(&events), 1);
    }
}

#[test]
fn a_panic_deep_inside_propagates_out_of_resume_and_drop_drops_every_frame() {
    for bottom in BOTTOMS {
        for panics in [Panics::BeforeYielding, Panics::AfterYielding] {
            let events = Events::default();
            let mut co = Box::pin(nest(0, bottom, panics, Rc::clone(&events)));
            if panics == Panics::AfterYielding {
                assert_eq!(co.as_mut().resume(()), State::Yielded(bottom));
            }
            let payload = catch_unwind(AssertUnwindSafe(|| co.as_mut().resume(()))).unwrap_err();
            assert_eq!(message(&*payload), format!("boom at level {bottom}"));
            assert!(
                !events.borrow().iter().any(|e| e.starts_with("after")),
                "a level went on after the panic: {:?}",
                events.borrow()
            );
            // Resuming again is a panic of its own, and runs nothing.
            let again = catch_unwind(AssertUnwindSafe(|| co.as_mut().resume(()))).unwrap_err();
            assert_eq!(message(&*again), "cannot resume a coroutine that panicked");
            drop(co);
            // The panicking level unwound its own locals; the rest went with the coroutine.
            assert_eq!(*events.borrow(), dropped_innermost_first(bottom));
            assert_eq!(Rc::strong_count(&events), 1);
        }
    }
}

#[test]
fn a_panic_deep_inside_is_one_error_from_the_lua_style_handle_with_every_frame_dropped() {
    for bottom in BOTTOMS {
        for panics in [Panics::BeforeYielding, Panics::AfterYielding] {
            let events = Events::default();
            let co = Coroutine::new(nest(0, bottom, panics, Rc::clone(&events)));
            if panics == Panics::AfterYielding {
                assert_eq!(co.resume(()).unwrap(), State::Yielded(bottom));
            }
            let err = co.resume(()).unwrap_err();
            let expected = format!("boom at level {bottom}");
            assert_eq!(err.to_string(), expected);
            assert_eq!(
                err.panic().map(resumable::Panic::message),
                Some(expected.as_str())
            );
            assert_eq!(co.status(), Status::Dead);
            // Dead at once: every frame's locals were dropped before `resume` returned.
            assert_eq!(*events.borrow(), dropped_innermost_first(bottom));
            assert_eq!(Rc::strong_count(&events), 1);
            assert!(matches!(co.resume(()), Err(ResumeError::Dead)));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Send.
// ---------------------------------------------------------------------------------------------

fn assert_send<T: Send>(_: &T) {}

/// A recursive relay holding only `Send` state (a `String`, an `Arc<Mutex<..>>`) across yields.
#[resumable(yield = String, resume = u64)]
fn echo(level: u32, bottom: u32, seen: Arc<Mutex<Vec<u64>>>) -> u64 {
    let label = format!("L{level}");
    if level == bottom {
        let x = yield_!(format!("{label} ready"));
        seen.lock().unwrap().push(x);
        let y = yield_!(format!("{label} got {x}"));
        seen.lock().unwrap().push(y);
        x + y
    } else {
        let r = yield_from!(echo(level + 1, bottom, Arc::clone(&seen)));
        r + u64::from(level)
    }
}

#[resumable(yield = String, resume = u64)]
fn echo_driver(seen: Arc<Mutex<Vec<u64>>>, #[resume] first: u64) -> u64 {
    let r = yield_from!(echo(1, 5, seen));
    r * first
}

#[test]
fn a_delegating_coroutine_with_send_subs_runs_on_another_thread() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let co = echo_driver(Arc::clone(&seen));
    assert_send(&co);
    let main_thread = thread::current().id();
    let (yielded, returned) = thread::spawn(move || {
        assert_ne!(thread::current().id(), main_thread);
        let mut co = pin!(co);
        let mut yielded = Vec::new();
        let mut arg = 2;
        loop {
            match co.as_mut().resume(arg) {
                State::Yielded(s) => yielded.push(s),
                State::Complete(r) => return (yielded, r),
            }
            arg += 10;
        }
    })
    .join()
    .unwrap();
    assert_eq!(yielded, ["L5 ready", "L5 got 12"]);
    assert_eq!(returned, (12 + 22 + 1 + 2 + 3 + 4) * 2);
    assert_eq!(*seen.lock().unwrap(), [12, 22]);
}

#[test]
fn a_coroutine_suspended_deep_inside_delegation_moves_to_another_thread() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut co = Box::pin(echo_driver(Arc::clone(&seen)));
    assert_eq!(co.as_mut().resume(3), State::Yielded("L5 ready".to_owned()));
    assert_send(&co);
    let rest = thread::spawn(move || {
        let second = co.as_mut().resume(1);
        let third = co.as_mut().resume(2);
        (second, third)
    })
    .join()
    .unwrap();
    assert_eq!(rest.0, State::Yielded("L5 got 1".to_owned()));
    assert_eq!(rest.1, State::Complete((1 + 2 + 1 + 2 + 3 + 4) * 3));
    assert_eq!(*seen.lock().unwrap(), [1, 2]);
}

#[test]
fn a_recursive_generator_suspended_deep_inside_moves_to_a_scoped_thread() {
    let tree = Tree::chain(50, |i| i % 2 == 0);
    let mut co = Box::pin(tree.in_order(0));
    let State::Yielded(first) = co.as_mut().resume(()) else {
        panic!("the walk yields")
    };
    assert_send(&co);
    let (rest, count) = thread::scope(|s| {
        s.spawn(move || {
            let mut it = Iter::new(co.as_mut());
            let rest: Vec<u32> = it.by_ref().collect();
            (rest, it.returned())
        })
        .join()
        .unwrap()
    });
    let mut values = vec![first];
    values.extend(rest);
    assert_eq!(values, tree.in_order_by_hand(0));
    assert_eq!(count, Some(50));
}

// ---------------------------------------------------------------------------------------------
// Odds and ends.
// ---------------------------------------------------------------------------------------------

#[test]
fn the_closure_form_infers_its_types_from_the_sub() {
    let mut co = pin!(coroutine!(|x| yield_from!(doubler(x)) * 3));
    assert_eq!(co.as_mut().resume(4), State::Yielded(8));
    assert_eq!(co.as_mut().resume(6), State::Complete(21));
}

/// Over-aligned, so that a frame block must honour the alignment of the sub's state.
#[derive(Clone, Copy)]
#[repr(align(4096))]
struct Page([u8; 16]);

/// Yields whether its over-aligned local is aligned, while the local is alive across yields.
#[resumable(yield = bool)]
fn aligned(depth: u8) -> u8 {
    let page = Page([depth; 16]);
    let at = core::ptr::from_ref(&page) as usize;
    yield_!(at.is_multiple_of(4096));
    let below = if depth == 0 {
        0
    } else {
        yield_from!(aligned(depth - 1))
    };
    let again = core::ptr::from_ref(&page) as usize;
    yield_!(again == at);
    page.0[15] + below
}

#[test]
fn over_aligned_locals_of_delegated_coroutines_stay_aligned_and_in_place() {
    let mut co = pin!(coroutine!(|()| {
        let a = yield_from!(aligned(3));
        // The blocks freed by the first chain are reused by the second.
        let b = yield_from!(aligned(3));
        a + b
    }));
    let mut it = Iter::new(co.as_mut());
    let checks: Vec<bool> = it.by_ref().collect();
    assert_eq!(checks.len(), 16);
    assert!(checks.iter().all(|&ok| ok), "{checks:?}");
    assert_eq!(it.returned(), Some(2 * (3 + 2 + 1)));
}

/// Records its drop, then panics while dropping when `panics` is set.
struct PanickyGuard {
    level: usize,
    panics: bool,
    events: Events,
}

impl Drop for PanickyGuard {
    fn drop(&mut self) {
        self.events
            .borrow_mut()
            .push(format!("drop {}", self.level));
        assert!(
            !self.panics || std::thread::panicking(),
            "drop of level {} panicked",
            self.level
        );
    }
}

/// Like `nest`, but the guard of level `panicky` panics when dropped.
#[resumable(yield = usize)]
fn nest_panicky_drop(level: usize, bottom: usize, panicky: usize, events: Events) {
    let _guard = PanickyGuard {
        level,
        panics: level == panicky,
        events: Rc::clone(&events),
    };
    if level == bottom {
        yield_!(level);
    } else {
        yield_from!(nest_panicky_drop(
            level + 1,
            bottom,
            panicky,
            Rc::clone(&events)
        ));
    }
}

/// `Coroutine::close` documents that when a `Drop` panics, "the remaining locals were still
/// dropped": the locals of the frames outside the panicking one are remaining locals too.
#[test]
fn close_with_a_panicking_drop_deep_inside_still_drops_every_other_frame() {
    let events = Events::default();
    let co = Coroutine::new(nest_panicky_drop(0, 6, 3, Rc::clone(&events)));
    assert_eq!(co.resume(()).unwrap(), State::Yielded(6));
    let err = co.close().unwrap_err();
    assert_eq!(err.to_string(), "drop of level 3 panicked");
    assert_eq!(co.status(), Status::Dead);
    assert_eq!(*events.borrow(), dropped_innermost_first(6));
    assert_eq!(Rc::strong_count(&events), 1, "a frame was leaked");
}

/// Owns a guard; walked by a method that takes `self` by value.
struct Owner {
    _guard: Guard,
    n: u32,
}

impl Owner {
    #[resumable(yield = u32)]
    fn into_items(self) -> u32 {
        for i in 0..self.n {
            yield_!(i);
        }
        self.n
    }
}

#[resumable(yield = u32)]
fn consume_owner(owner: Owner, events: Events) -> u32 {
    let n = yield_from!(owner.into_items());
    events.borrow_mut().push("owner returned".to_owned());
    yield_!(100);
    n
}

#[test]
fn a_delegated_method_taking_self_by_value_drops_self_when_it_returns() {
    let events = Events::default();
    let owner = Owner {
        _guard: Guard::new("owner", &events),
        n: 2,
    };
    let mut co = pin!(consume_owner(owner, Rc::clone(&events)));
    assert_eq!(co.as_mut().resume(()), State::Yielded(0));
    assert_eq!(co.as_mut().resume(()), State::Yielded(1));
    assert!(events.borrow().is_empty());
    assert_eq!(co.as_mut().resume(()), State::Yielded(100));
    // Dropped when the delegated coroutine returned, not later with the driver.
    assert_eq!(*events.borrow(), ["drop owner", "owner returned"]);
    assert_eq!(co.as_mut().resume(()), State::Complete(2));
}

/// Recursion that never yields: the whole chain is built and unwound within one `resume`.
#[resumable(yield = ())]
fn sum_to(n: u64) -> u64 {
    if n == 0 {
        0
    } else {
        n + yield_from!(sum_to(n - 1))
    }
}

#[test]
fn deep_recursion_that_never_yields_completes_in_one_resume() {
    for n in [0, 1, 31, 32, 33, 100, DEEP as u64] {
        let mut co = pin!(sum_to(n));
        assert_eq!(
            co.as_mut().resume(()),
            State::Complete(n * (n + 1) / 2),
            "n = {n}"
        );
    }
}

/// A recursive generator whose every poll needs about 100 KB of native stack (a buffer that is
/// not held across a suspension, so it lives on the stack, not in the frame).
#[cfg(not(miri))]
#[resumable(yield = u8)]
fn stack_hungry(depth: u32) -> u8 {
    let x = {
        // The point of the test: a large buffer on the native stack during each poll.
        #[allow(clippy::large_stack_arrays)]
        let buf = [u8::try_from(depth % 251).unwrap(); 100_000];
        std::hint::black_box(&buf)[99_999]
    };
    if depth == 0 {
        yield_!(x);
        x
    } else {
        yield_from!(stack_hungry(depth - 1))
    }
}

/// Depth is bounded by memory, not by the native stack, also when each level's poll needs a lot
/// of native stack: no more than a few levels may be polled one inside the other.
///
/// A stack overflow aborts the process, so the walk runs in a child process (this test binary
/// again, running only this test) and the parent checks that it exited normally. (Not under
/// Miri, which cannot start processes.)
#[cfg(not(miri))]
#[test]
fn polls_needing_much_native_stack_do_not_overflow_it_at_depth() {
    const CHILD: &str = "RESUMABLE_DELEGATE_STACK_CHILD";
    const NAME: &str = "polls_needing_much_native_stack_do_not_overflow_it_at_depth";
    if std::env::var_os(CHILD).is_some() {
        // 2 MiB: the default stack of a spawned thread, and of every test's thread.
        let walked = thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let mut co = pin!(stack_hungry(100));
                Iter::new(co.as_mut()).collect::<Vec<u8>>()
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(walked, [0]);
        return;
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", NAME, "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the walk 100 levels deep did not finish ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 passed"));
}

// ---------------------------------------------------------------------------------------------
// Temporaries in the argument of `yield_from!` live until the delegation ends, as those of a
// `for` loop's iterator expression do (`for x in each(&vec![1, 2])`). Regression: the closure
// that builds the coroutine delegated to created them and dropped them when it returned (E0515,
// "returns a value referencing data owned by the current function").
// ---------------------------------------------------------------------------------------------

#[resumable(yield = u32)]
fn each_of(items: &[u32]) -> u32 {
    for &i in items {
        yield_!(i);
    }
    items.iter().sum()
}

/// What happened, in order: operands evaluated, temporaries made and dropped, values yielded.
type Steps = RefCell<Vec<String>>;

fn step<T>(steps: &Steps, what: &str, value: T) -> T {
    steps.borrow_mut().push(what.to_owned());
    value
}

/// A temporary that says when it is made and dropped.
struct Noted<'s> {
    items: Vec<u32>,
    name: &'static str,
    steps: &'s Steps,
}

impl<'s> Noted<'s> {
    fn new(steps: &'s Steps, name: &'static str, items: &[u32]) -> Self {
        step(steps, &format!("make {name}"), ());
        Self {
            items: items.to_vec(),
            name,
            steps,
        }
    }
}

impl Drop for Noted<'_> {
    fn drop(&mut self) {
        step(self.steps, &format!("drop {}", self.name), ());
    }
}

struct Shelf(Vec<u32>);

impl Shelf {
    #[resumable(yield = u32)]
    fn walk(&self) {
        for &x in &self.0 {
            yield_!(x);
        }
    }

    #[resumable(yield = u32)]
    fn bump(&mut self) {
        for x in &mut self.0 {
            *x += 10;
            yield_!(*x);
        }
    }

    #[resumable(yield = u32)]
    fn walk_then<'a>(&'a self, more: &'a [u32]) {
        for &x in self.0.iter().chain(more) {
            yield_!(x);
        }
    }
}

#[resumable(yield = u32)]
fn push_one(items: &mut Vec<u32>) {
    items.push(1);
    yield_!(items.iter().sum());
}

#[resumable(yield = u32)]
fn borrowing_temporaries(steps: &Steps) {
    let n = 1;
    let sum = yield_from!(each_of(&vec![n, n + 1]));
    yield_!(sum * 100);
    yield_from!(each_of(vec![3, 4].as_slice()));
    yield_from!(each_of(&Noted::new(steps, "items", &[5]).items));
    step(steps, "after", ());
    yield_from!(Shelf(vec![6]).walk());
    yield_from!(Shelf(vec![6]).bump());
    yield_from!(push_one(&mut vec![7]));
}

/// Resumes `generator` to the end, noting each value it yields in `steps` too.
fn noting<G: Resumable<Yield = u32, Return = ()>>(generator: G, steps: &Steps) -> Vec<u32> {
    let mut generator = pin!(generator);
    let mut yielded = Vec::new();
    while let State::Yielded(value) = generator.as_mut().resume(()) {
        step(steps, &format!("yield {value}"), ());
        yielded.push(value);
    }
    yielded
}

#[test]
fn temporaries_in_the_argument_live_until_the_delegation_ends() {
    let steps = Steps::default();
    let yielded = noting(borrowing_temporaries(&steps), &steps);
    assert_eq!(yielded, [1, 2, 300, 3, 4, 5, 6, 16, 8]);
    let steps = steps.take();
    let made = steps.iter().position(|s| s == "make items").unwrap();
    assert_eq!(
        steps[made..made + 4],
        ["make items", "yield 5", "drop items", "after"]
    );
}

#[resumable(yield = u32)]
fn operands_in_order(steps: &Steps) {
    let shelves = [Shelf(vec![1]), Shelf(vec![2])];
    yield_from!(shelves[step(steps, "index", 1)].walk_then(&Noted::new(steps, "more", &[3]).items));
    step(steps, "after", ());
}

#[test]
fn operands_are_evaluated_left_to_right_before_the_delegation_starts() {
    let steps = Steps::default();
    assert_eq!(noting(operands_in_order(&steps), &steps), [2, 3]);
    assert_eq!(
        steps.take(),
        [
            "index",
            "make more",
            "yield 2",
            "yield 3",
            "drop more",
            "after"
        ]
    );
}

/// Recursion with a temporary in the argument: the body's state holds the operands, never the
/// coroutine delegated to (it would contain itself).
#[resumable(yield = String)]
fn dotted(label: &str, depth: u32) {
    yield_!(label.to_owned());
    if depth > 0 {
        yield_from!(dotted(&format!("{label}."), depth - 1));
    }
}

#[test]
fn recursion_with_a_temporary_in_the_argument() {
    let labels: Vec<String> = dotted("x", 3).into_iter().collect();
    assert_eq!(labels, ["x", "x.", "x..", "x..."]);
}

#[test]
fn temporaries_in_the_argument_of_a_closure_coroutine() {
    let mut co = pin!(coroutine!(|(): ()| yield_from!(each_of(&vec![4, 5]))));
    assert_eq!(co.as_mut().resume(()), State::Yielded(4));
    assert_eq!(co.as_mut().resume(()), State::Yielded(5));
    assert_eq!(co.as_mut().resume(()), State::Complete(9));
}
