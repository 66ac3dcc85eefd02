//! (f) An in-order walk of a complete binary tree by a recursive generator: one item per node.
//! Every variant sums the values it is given in order, each through `black_box`. Here: the tree,
//! the hand-written walks (a recursion with a callback, an iterator with an explicit stack), ours
//! (`yield_from!` recursion), and the peers' (genawaiter, corosensei, diapause, fauxgen,
//! generator-rs), each written as its docs show, as in (c) (`permutations.rs`).
//!
//! The tree is a `Vec` of nodes with children by index (no nested boxes, so building and
//! dropping it does not recurse), laid out in heap order: the children of node `i` are
//! `2i + 1` and `2i + 2`. The walk follows the child links, so the in-order visit jumps around
//! the `Vec` as it would through pointers.

// diapause's expansion of `yield_all!` matches its `()` result with `_`, which this pedantic
// lint flags in our crate (the code is generated, not ours to change).
#![allow(clippy::ignored_unit_patterns)]

use core::hint::black_box;
use core::pin::{Pin, pin};

use resumable::{Iter, resumable, yield_, yield_from};

/// A binary tree in a `Vec`, children by index.
pub(crate) struct Tree {
    pub(crate) nodes: Vec<Node>,
}

/// One node of a [`Tree`].
pub(crate) struct Node {
    pub(crate) value: u64,
    pub(crate) left: Option<usize>,
    pub(crate) right: Option<usize>,
}

/// The index of the root.
pub(crate) const ROOT: usize = 0;

impl Tree {
    /// A complete binary tree of `n` nodes in heap order; node `i` holds a value mixed from `i`.
    pub(crate) fn complete(n: usize) -> Self {
        let nodes = (0..n)
            .map(|i| Node {
                value: (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 8,
                left: (2 * i + 1 < n).then_some(2 * i + 1),
                right: (2 * i + 2 < n).then_some(2 * i + 2),
            })
            .collect();
        Self { nodes }
    }

    /// The number of nodes.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-written.

/// The walk by hand as an iterator: an explicit stack of the nodes whose left subtree is being
/// walked.
pub(crate) struct InOrder<'a> {
    tree: &'a Tree,
    stack: Vec<usize>,
    next: Option<usize>,
}

impl<'a> InOrder<'a> {
    pub(crate) fn new(tree: &'a Tree) -> Self {
        Self {
            tree,
            stack: Vec::new(),
            next: (!tree.nodes.is_empty()).then_some(ROOT),
        }
    }
}

impl Iterator for InOrder<'_> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        while let Some(at) = self.next {
            self.stack.push(at);
            self.next = self.tree.nodes[at].left;
        }
        let at = self.stack.pop()?;
        let node = &self.tree.nodes[at];
        self.next = node.right;
        Some(node.value)
    }
}

pub(crate) fn tree_hand_iter(tree: &Tree) -> u64 {
    let mut sum = 0u64;
    for x in InOrder::new(tree) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// The walk by hand as a plain recursion, calling back at each node.
pub(crate) fn walk_callback(tree: &Tree, at: usize, visit: &mut impl FnMut(u64)) {
    let node = &tree.nodes[at];
    if let Some(left) = node.left {
        walk_callback(tree, left, visit);
    }
    visit(node.value);
    if let Some(right) = node.right {
        walk_callback(tree, right, visit);
    }
}

pub(crate) fn tree_hand_callback(tree: &Tree) -> u64 {
    let mut sum = 0u64;
    walk_callback(tree, ROOT, &mut |x| sum = sum.wrapping_add(black_box(x)));
    sum
}

// ---------------------------------------------------------------------------------------------
// resumable.

/// Yields the values of the subtree at `at` in order, delegating to itself for the children.
#[resumable(yield = u64)]
pub(crate) fn walk<'a>(tree: &'a Tree, at: usize) {
    let node = &tree.nodes[at];
    if let Some(left) = node.left {
        yield_from!(walk(tree, left));
    }
    yield_!(node.value);
    if let Some(right) = node.right {
        yield_from!(walk(tree, right));
    }
}

pub(crate) fn tree_ours(tree: &Tree) -> u64 {
    let mut sum = 0u64;
    for x in Iter::new(pin!(walk(tree, ROOT))) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

// ---------------------------------------------------------------------------------------------
// Peers.

/// corosensei: the plain recursion on the coroutine's own stack, suspending in the callback. The
/// body borrows the tree, so it is a `ScopedCoroutine` (its docs' way to borrow), driven inside
/// its scope.
pub(crate) fn tree_corosensei(tree: &Tree) -> u64 {
    use corosensei::{CoroutineResult, ScopedCoroutine, Yielder};
    let co = ScopedCoroutine::new(|yielder: &Yielder<(), u64>, ()| {
        walk_callback(tree, ROOT, &mut |x| yielder.suspend(x));
    });
    co.scope(|mut co| {
        let mut sum = 0u64;
        while let CoroutineResult::Yield(x) = co.as_mut().resume(()) {
            sum = sum.wrapping_add(black_box(x));
        }
        sum
    })
}

/// genawaiter's recursion: every level is a boxed future awaiting the next.
fn walk_genawaiter<'a>(
    co: &'a genawaiter::stack::Co<'_, u64>,
    tree: &'a Tree,
    at: usize,
) -> Pin<Box<dyn Future<Output = ()> + 'a>> {
    Box::pin(async move {
        let node = &tree.nodes[at];
        if let Some(left) = node.left {
            walk_genawaiter(co, tree, left).await;
        }
        co.yield_(node.value).await;
        if let Some(right) = node.right {
            walk_genawaiter(co, tree, right).await;
        }
    })
}

pub(crate) fn tree_genawaiter(tree: &Tree) -> u64 {
    genawaiter::stack::let_gen_using!(generator, |co: genawaiter::stack::Co<'_, u64>| async move {
        walk_genawaiter(&co, tree, ROOT).await;
    });
    let mut sum = 0u64;
    for x in generator {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// diapause: the walk of the subtree at `at`, delegating to itself with `yield_all!(box ..)` as
/// (c) does (one allocation per level entered).
#[diapause::coroutine(yield = u64)]
pub(crate) fn walk_diapause<'a>(tree: &'a Tree, at: usize) {
    if let Some(left) = tree.nodes[at].left {
        let sub: walk_diapause::State<'a> = walk_diapause(tree, left);
        yield_all!(box sub);
    }
    yield_!(tree.nodes[at].value);
    if let Some(right) = tree.nodes[at].right {
        let sub: walk_diapause::State<'a> = walk_diapause(tree, right);
        yield_all!(box sub);
    }
}

pub(crate) fn tree_diapause(tree: &Tree) -> u64 {
    let mut sum = 0u64;
    for x in walk_diapause(tree, ROOT) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// fauxgen: the walk of the subtree at `at`, re-yielding from boxed sub-generators as (c) does.
#[fauxgen::generator(yield = u64)]
pub(crate) fn walk_fauxgen<'a>(tree: &'a Tree, at: usize) {
    let node = &tree.nodes[at];
    if let Some(left) = node.left {
        for x in Box::pin(walk_fauxgen(tree, left)) {
            r#yield!(x);
        }
    }
    r#yield!(node.value);
    if let Some(right) = node.right {
        for x in Box::pin(walk_fauxgen(tree, right)) {
            r#yield!(x);
        }
    }
}

pub(crate) fn tree_fauxgen(tree: &Tree) -> u64 {
    let mut sum = 0u64;
    for x in pin!(walk_fauxgen(tree, ROOT)) {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// generator-rs: the plain recursion of the walk on the generator's stack, suspending at each
/// node.
pub(crate) fn tree_generator_rs(tree: &Tree) -> u64 {
    let walk = generator::Gn::<()>::new_scoped_local(|mut s| {
        walk_callback(tree, ROOT, &mut |x| s.yield_with(x));
        generator::done!();
    });
    let mut sum = 0u64;
    for x in walk {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}
