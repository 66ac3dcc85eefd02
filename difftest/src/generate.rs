//! The generator of random, well-typed coroutine bodies (used by `build.rs` through `#[path]`, so
//! it needs nothing but `std`).
//!
//! A body is built as a small AST (`Expr`, `Cond`, `Stmt`, `Block`) while a scope
//! (`Ctx`) tracks what is in reach and what the borrow checker allows: which locals exist,
//! which are mutable, borrowed or moved, which loops and labelled blocks enclose the point, and
//! whether the body may delegate. Every loop is bounded by a counter, recursion by a depth
//! argument, so every body ends. The AST is then printed twice ([`Mode`]): as a `#[resumable]`
//! coroutine, and as a plain reference function where `yield_!(v)` is `script.yield_(v)` and
//! `yield_from!(h(..))` is `h_ref(.., script)`. Nothing else differs between the two.

use std::fmt::Write as _;

/// A small, fast, seedable generator (splitmix64): the same seed gives the same cases on every
/// machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        // The modulo bias is irrelevant here.
        usize::try_from(self.next_u64() % (n as u64)).unwrap_or(0)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// A small literal, mostly near zero so that comparisons with inputs go both ways.
    fn literal(&mut self) -> i64 {
        match self.below(10) {
            0 => 100 - i64::try_from(self.below(200)).unwrap_or(0),
            _ => 4 - i64::try_from(self.below(9)).unwrap_or(0),
        }
    }
}

/// The seed of case `index` of a run with `seed`: each case depends on these two only, so the
/// first `n` cases are the same whatever the case count.
pub fn case_seed(seed: u64, index: usize) -> u64 {
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0xd1b5_4a32_d192_ed03));
    rng.next_u64()
}

/// Which version of a case is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The `#[resumable]` coroutine.
    Coroutine,
    /// The plain reference function.
    Reference,
}

/// An expression of type `i64`.
#[derive(Debug, Clone)]
enum Expr {
    /// `3_i64`.
    Lit(i64),
    /// Code printed as is in both modes: a local (`v1`), `*r2`, `n3.get()`, `self.base`, ...
    Atom(String),
    /// `a.wrapping_add(b)` and friends.
    Method(Box<Expr>, &'static str, Box<Expr>),
    /// `a ^ b`, `a & b`, `a | b`.
    Bin(Box<Expr>, &'static str, Box<Expr>),
    /// `x.rem_euclid(n)` for a literal `n > 0`.
    Rem(Box<Expr>, i64),
    /// `mix(a, b)`, `at(data, i)`.
    Call(String, Vec<Expr>),
    /// `pick(cond, a, b)` (a generic call).
    Pick(Box<Cond>, Box<Expr>, Box<Expr>),
    /// `yield_!(e)`.
    Yield(Box<Expr>),
    /// `yield_from!(h(args))?`, or with `.unwrap_or(lit)`.
    YieldFrom {
        helper: String,
        args: Vec<Arg>,
        or: Option<i64>,
    },
    /// `checked(e)?`.
    Try(Box<Expr>),
    /// `vec![a, b, ..].into_iter().fold(0_i64, i64::wrapping_add)`: `yield_!` inside another
    /// macro's arguments.
    VecSum(Vec<Expr>),
    /// `len(&format!("{}{}", a, b))`: `yield_!` inside a formatting macro.
    FormatLen(Vec<Expr>),
    /// `(|q: i64| body)(arg)`: a closure called at once (its body may not suspend).
    Closure(Box<Expr>, Box<Expr>),
    /// `Noisy::new("id", e).get()`: a temporary that lives to the end of its statement.
    Temp(String, Box<Expr>),
    /// `if c { .. } else { .. }`.
    If(Box<Cond>, Box<Block>, Box<Block>),
    /// `match e { arms }`.
    Match(Box<Expr>, Vec<Arm>),
    /// `{ stmts; tail }`.
    Block(Box<Block>),
    /// `unsafe { stmts; tail }`.
    Unsafe(Box<Block>),
    /// `'l: { .. }` (its `break 'l v` are in the block).
    Labeled(String, Box<Block>),
    /// `{ let mut c = 0; 'l: loop { c += 1; if c > bound { break 'l exit; } body } }`.
    Loop {
        label: String,
        counter: String,
        bound: i64,
        exit: Box<Expr>,
        body: Box<Block>,
    },
}

/// An argument of a call to a generated helper.
#[derive(Debug, Clone)]
enum Arg {
    /// An `i64` expression.
    Int(Expr),
    /// A depth bound (`u32`), printed as is.
    Depth(String),
    /// A `Noisy` moved in: a local's name, or a new one.
    Noisy(NoisyArg),
}

#[derive(Debug, Clone)]
enum NoisyArg {
    Moved(String),
    New(String, Expr),
}

/// A condition.
#[derive(Debug, Clone)]
enum Cond {
    Cmp(Expr, &'static str, Expr),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
}

/// A match arm.
#[derive(Debug, Clone)]
struct Arm {
    pat: String,
    guard: Option<Cond>,
    body: Block,
}

/// A statement.
#[derive(Debug, Clone)]
enum Stmt {
    /// `let [mut] name = e;`
    Let {
        name: String,
        mutable: bool,
        init: Expr,
    },
    /// `let name = Noisy::new("id", e);`
    LetNoisy {
        name: String,
        id: String,
        init: Expr,
    },
    /// `let name = &[mut] target;`
    LetRef {
        name: String,
        target: String,
        mutable: bool,
    },
    /// `target = e;` or `target = target.wrapping_add(e);` (`target` is `v1`, `*r2`, `self.base`).
    Assign {
        target: String,
        value: Expr,
        /// `=` (`None`), `= target.wrapping_add(..)` (`Some("add")`), or a compound operator
        /// (`Some("^=")`, ...), whose right-hand side runs before the place is read.
        op: Option<&'static str>,
    },
    /// `yield_!(e);`
    Yield(Expr),
    /// `e;` for an expression with effects (a delegation, a loop, ...).
    Expr(Expr),
    /// `if c { .. } [else { .. }]`
    If(Cond, Block, Option<Block>),
    /// `if let Ok(name) = checked(e) { .. } else { .. }` (`name` is in scope in the first block).
    IfLet(String, Expr, Block, Block),
    /// `let (a, b) = (e1, e2);`
    LetPair(String, String, Expr, Expr),
    /// `match e { arms }` as a statement.
    Match(Expr, Vec<Arm>),
    /// `'l: for var in 0..bound { .. }` or `'l: for &var in data { .. }`.
    For {
        label: String,
        var: String,
        over: ForOver,
        body: Block,
    },
    /// `let mut c = 0; 'l: while c < bound && cond { c += 1; .. }`.
    While {
        label: String,
        counter: String,
        bound: i64,
        cond: Option<Cond>,
        body: Block,
    },
    /// `let mut c = 0; 'l: loop { c += 1; if c > bound { break 'l; } .. }`.
    Loop {
        label: String,
        counter: String,
        bound: i64,
        body: Block,
    },
    /// `break 'l [e];` (only inside an `if`).
    Break(String, Option<Expr>),
    /// `continue 'l;` (only inside an `if`).
    Continue(String),
    /// `return Ok(e);` / `return Err(e);` (only inside an `if`).
    Return(bool, Expr),
    /// `panic!("id {}", e);` (only inside an `if`).
    Panic(String, Expr),
    /// `drop(name);`
    Drop(String),
    /// `let name = name;`
    Rebind(String),
    /// `{ .. }`.
    Block(Block),
}

#[derive(Debug, Clone)]
enum ForOver {
    Range(i64),
    Data,
    Array(Vec<Expr>),
}

/// A block: statements and an optional tail expression.
#[derive(Debug, Clone, Default)]
struct Block {
    stmts: Vec<Stmt>,
    tail: Option<Expr>,
}

// ---------------------------------------------------------------------------------------------
// The scope
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An `i64` local or parameter.
    Int { mutable: bool },
    /// A `Noisy` local or parameter.
    Noisy,
    /// `&i64` / `&mut i64`.
    RefInt { mutable: bool },
    /// `&Noisy`.
    RefNoisy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frozen {
    No,
    /// Borrowed shared: may be read, not assigned or moved.
    Shared,
    /// Borrowed mutably: may not be touched.
    Mutably,
}

#[derive(Debug, Clone)]
struct Var {
    name: String,
    kind: Kind,
    moved: bool,
    /// The block it was declared in (only there may it be moved).
    block: usize,
    /// For a reference: the index of the local it borrows, and whether mutably.
    borrows: Option<(usize, bool)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A `for`/`while`/statement `loop`: `break 'l;` and `continue 'l;`.
    Repeat,
    /// A `loop` used as a value: `break 'l v;` and `continue 'l;`.
    ValueLoop,
    /// A labelled block: `break 'l v;`.
    Block,
}

/// What kind of function the body belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The case's coroutine: may delegate to both helpers.
    Main,
    /// The leaf helper `h0(a: i64, n: Noisy)`: delegates to nothing.
    Leaf,
    /// The recursive helper `h1(depth: u32, a: i64)`: delegates to itself (with `depth - 1`,
    /// under `depth > 0`) and to the leaf.
    Recursive,
}

/// The receiver of the case's coroutine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Receiver {
    None,
    Ref,
    Mut,
    Value,
}

/// How the case's coroutine takes a generic value `t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Generic {
    None,
    /// `fn co<T: Copy + Into<i64>>(.., t: T)`.
    Bound,
    /// `fn co<T>(.., t: T) where T: Copy + Into<i64>`.
    Where,
    /// `fn co(.., t: impl Copy + Into<i64>)`.
    ImplTrait,
}

/// The generator's state while it builds one body.
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent facts about the case's shape"
)]
struct Ctx<'r> {
    rng: &'r mut Rng,
    vars: Vec<Var>,
    /// The blocks open at this point, innermost last.
    blocks: Vec<usize>,
    next_block: usize,
    /// Enclosing loops and labelled blocks, innermost last.
    targets: Vec<(String, Target)>,
    /// Nodes left to generate; when it runs out, only leaves are made.
    fuel: usize,
    /// For unique labels and names (shared by the case's functions).
    next_id: &'r mut usize,
    role: Role,
    receiver: Receiver,
    generic: Generic,
    has_data: bool,
    has_leaf: bool,
    has_recursive: bool,
    /// Loops open at this point (at most two nest).
    loops: usize,
    /// Open value-producing nodes (bounds the depth of expressions).
    depth: usize,
    /// Inside the argument of a `yield_from!`, which may not suspend or jump (`yield_!`,
    /// `yield_from!`, `?`, `return`, `break` are compile errors there): only plain arithmetic.
    pure: bool,
}

impl Ctx<'_> {
    fn id(&mut self) -> usize {
        *self.next_id += 1;
        *self.next_id
    }

    fn enter(&mut self) -> usize {
        let block = self.next_block;
        self.next_block += 1;
        self.blocks.push(block);
        self.vars.len()
    }

    fn leave(&mut self, len: usize) {
        self.vars.truncate(len);
        self.blocks.pop();
    }

    fn current_block(&self) -> usize {
        self.blocks.last().copied().unwrap_or(0)
    }

    /// How the local at `index` is borrowed by the references in scope.
    fn frozen(&self, index: usize) -> Frozen {
        let mut how = Frozen::No;
        for v in &self.vars[index..] {
            match v.borrows {
                Some((i, true)) if i == index => return Frozen::Mutably,
                Some((i, false)) if i == index => how = Frozen::Shared,
                _ => {}
            }
        }
        how
    }

    /// The indices of the locals in reach: the latest of each name, unless it was moved.
    fn visible(&self) -> Vec<usize> {
        let mut seen: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for (i, v) in self.vars.iter().enumerate().rev() {
            if seen.contains(&v.name.as_str()) {
                continue;
            }
            seen.push(&v.name);
            if !v.moved {
                out.push(i);
            }
        }
        out
    }

    fn declare(&mut self, name: String, kind: Kind, borrows: Option<(usize, bool)>) {
        let block = self.current_block();
        self.vars.push(Var {
            name,
            kind,
            moved: false,
            block,
            borrows,
        });
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> Option<T> {
        if items.is_empty() {
            None
        } else {
            Some(items[self.rng.below(items.len())].clone())
        }
    }

    /// Takes one unit of fuel; false when there is none left.
    fn spend(&mut self) -> bool {
        if self.fuel == 0 {
            false
        } else {
            self.fuel -= 1;
            true
        }
    }

    // -----------------------------------------------------------------------------------------
    // Expressions
    // -----------------------------------------------------------------------------------------

    /// Readable `i64` leaves: locals, parameters, `self.base`, ...
    fn leaves(&self) -> Vec<String> {
        let mut out = Vec::new();
        for i in self.visible() {
            let v = &self.vars[i];
            let frozen = self.frozen(i);
            match v.kind {
                Kind::Int { .. } if frozen != Frozen::Mutably => out.push(v.name.clone()),
                Kind::Noisy if frozen != Frozen::Mutably => out.push(format!("{}.get()", v.name)),
                Kind::RefInt { .. } => out.push(format!("*{}", v.name)),
                Kind::RefNoisy => out.push(format!("{}.get()", v.name)),
                _ => {}
            }
        }
        if self.receiver != Receiver::None && self.role == Role::Main {
            out.push("self.base".to_owned());
        }
        if self.generic != Generic::None && self.role == Role::Main {
            out.push("Into::<i64>::into(t)".to_owned());
        }
        if self.role == Role::Recursive {
            out.push("i64::from(depth)".to_owned());
        }
        out
    }

    fn leaf(&mut self) -> Expr {
        let leaves = self.leaves();
        if leaves.is_empty() || self.rng.chance(25) {
            Expr::Lit(self.rng.literal())
        } else {
            Expr::Atom(self.pick(&leaves).unwrap_or_default())
        }
    }

    fn expr(&mut self) -> Expr {
        if self.depth >= 4 || !self.spend() {
            return self.leaf();
        }
        self.depth += 1;
        let e = self.compound();
        self.depth -= 1;
        e
    }

    #[allow(clippy::too_many_lines, reason = "one arm per kind of expression")]
    fn compound(&mut self) -> Expr {
        if self.pure {
            return self.pure_compound();
        }
        let can_delegate = match self.role {
            Role::Main => self.has_leaf || self.has_recursive,
            Role::Recursive => true,
            Role::Leaf => false,
        };
        let weights: [(usize, usize); 20] = [
            (0, 14),                                  // wrapping method
            (1, 4),                                   // bit operator
            (2, 3),                                   // rem_euclid
            (3, 5),                                   // mix(..)
            (4, 2),                                   // pick(..), generic
            (5, 16),                                  // yield_!
            (6, if can_delegate { 7 } else { 0 }),    // yield_from!
            (7, 4),                                   // checked(..)?
            (8, 4),                                   // a Noisy temporary
            (9, 5),                                   // if
            (10, 5),                                  // match
            (11, 3),                                  // block
            (12, 2),                                  // unsafe block
            (13, 3),                                  // labelled block
            (14, if self.loops < 2 { 3 } else { 0 }), // loop with a value
            (
                15,
                if self.has_data && self.role == Role::Main {
                    2
                } else {
                    0
                },
            ), // at(data, ..)
            (16, 3),                                  // a leaf, after all
            (17, 2),                                  // a closure called at once
            (18, 2),                                  // vec![..]
            (19, 1),                                  // format!(..)
        ];
        let total: usize = weights.iter().map(|w| w.1).sum();
        let mut roll = self.rng.below(total);
        let mut choice = 16;
        for (k, w) in weights {
            if roll < w {
                choice = k;
                break;
            }
            roll -= w;
        }
        match choice {
            0 => {
                let method = self
                    .pick(&["wrapping_add", "wrapping_sub", "wrapping_mul"])
                    .unwrap_or("wrapping_add");
                let a = self.expr();
                let b = self.expr();
                Expr::Method(Box::new(a), method, Box::new(b))
            }
            1 => {
                let op = self.pick(&["^", "&", "|"]).unwrap_or("^");
                let a = self.expr();
                let b = self.expr();
                Expr::Bin(Box::new(a), op, Box::new(b))
            }
            2 => {
                let n = i64::try_from(self.rng.below(5)).unwrap_or(0) + 2;
                Expr::Rem(Box::new(self.expr()), n)
            }
            3 => {
                let a = self.expr();
                let b = self.expr();
                Expr::Call("mix".to_owned(), vec![a, b])
            }
            4 => {
                let c = self.cond();
                let a = self.expr();
                let b = self.expr();
                Expr::Pick(Box::new(c), Box::new(a), Box::new(b))
            }
            5 => Expr::Yield(Box::new(self.expr())),
            6 => self.delegation(),
            7 => Expr::Try(Box::new(self.expr())),
            8 => {
                let id = format!("t{}", self.id());
                Expr::Temp(id, Box::new(self.expr()))
            }
            9 => {
                let c = self.cond();
                let then = self.block(2, true);
                let otherwise = self.block(2, true);
                Expr::If(Box::new(c), Box::new(then), Box::new(otherwise))
            }
            10 => {
                let scrutinee = self.scrutinee();
                let arms = self.arms(true);
                Expr::Match(Box::new(scrutinee), arms)
            }
            11 => Expr::Block(Box::new(self.block(3, true))),
            12 => Expr::Unsafe(Box::new(self.block(1, true))),
            13 => {
                let label = format!("'b{}", self.id());
                self.targets.push((label.clone(), Target::Block));
                let body = self.block(3, true);
                self.targets.pop();
                Expr::Labeled(label, Box::new(body))
            }
            14 => {
                let n = self.id();
                let label = format!("'l{n}");
                let counter = format!("c{n}");
                let bound = i64::try_from(self.rng.below(3)).unwrap_or(0) + 1;
                // The exit value is computed in the loop, but may not move what the loop body
                // uses again: give it a block of its own in the scope.
                let len = self.enter();
                let exit = self.expr();
                self.leave(len);
                self.targets.push((label.clone(), Target::ValueLoop));
                self.loops += 1;
                let body = self.block(3, false);
                self.loops -= 1;
                self.targets.pop();
                Expr::Loop {
                    label,
                    counter,
                    bound,
                    exit: Box::new(exit),
                    body: Box::new(body),
                }
            }
            15 => {
                let i = self.expr();
                Expr::Call("at".to_owned(), vec![Expr::Atom("data".to_owned()), i])
            }
            18 | 19 => {
                let n = 1 + self.rng.below(3);
                let items = (0..n).map(|_| self.expr()).collect();
                if choice == 18 {
                    Expr::VecSum(items)
                } else {
                    Expr::FormatLen(items)
                }
            }
            17 => {
                // The body reads the locals in reach through the closure's captures, and `q`.
                let len = self.enter();
                self.declare("q".to_owned(), Kind::Int { mutable: false }, None);
                let body = self.pure_expr();
                self.leave(len);
                // Pure too: the closure borrows what it reads until it is called, after its
                // argument is evaluated, which must therefore not assign any of it.
                let arg = self.pure_expr();
                Expr::Closure(Box::new(body), Box::new(arg))
            }
            _ => self.leaf(),
        }
    }

    /// An expression that neither suspends nor jumps: arithmetic, calls, temporaries.
    fn pure_compound(&mut self) -> Expr {
        match self.rng.below(6) {
            0 => {
                let a = self.expr();
                let b = self.expr();
                Expr::Method(Box::new(a), "wrapping_add", Box::new(b))
            }
            1 => {
                let a = self.expr();
                let b = self.expr();
                Expr::Bin(Box::new(a), "^", Box::new(b))
            }
            2 => {
                let a = self.expr();
                let b = self.expr();
                Expr::Call("mix".to_owned(), vec![a, b])
            }
            3 => {
                let id = format!("t{}", self.id());
                Expr::Temp(id, Box::new(self.expr()))
            }
            _ => self.leaf(),
        }
    }

    /// An argument of a `yield_from!`.
    fn pure_expr(&mut self) -> Expr {
        let before = self.pure;
        self.pure = true;
        let e = self.expr();
        self.pure = before;
        e
    }

    /// A `match` scrutinee: often a `yield_!`.
    fn scrutinee(&mut self) -> Expr {
        let inner = if self.rng.chance(40) {
            Expr::Yield(Box::new(self.expr()))
        } else {
            self.expr()
        };
        let n = i64::try_from(self.rng.below(4)).unwrap_or(0) + 2;
        Expr::Rem(Box::new(inner), n)
    }

    /// Arms of a `match` on a value in `0..6`: literals, or-patterns, ranges, bindings with
    /// guards, and a final `_`.
    fn arms(&mut self, value: bool) -> Vec<Arm> {
        let mut arms = Vec::new();
        let count = 1 + self.rng.below(3);
        for _ in 0..count {
            let len = self.enter();
            let pat = match self.rng.below(4) {
                0 => format!("{}", self.rng.below(4)),
                1 => format!("{} | {}", self.rng.below(3), 3 + self.rng.below(3)),
                2 => format!("{}..={}", self.rng.below(2), 2 + self.rng.below(3)),
                _ => {
                    let name = format!("m{}", self.id());
                    self.declare(name.clone(), Kind::Int { mutable: false }, None);
                    name
                }
            };
            // A guard may run for several arms: it gets a block of its own, so it moves nothing.
            let guard = if self.rng.chance(40) {
                let len = self.enter();
                let c = self.cond();
                self.leave(len);
                Some(c)
            } else {
                None
            };
            let body = self.block(2, value);
            self.leave(len);
            arms.push(Arm { pat, guard, body });
        }
        let body = self.block(2, value);
        arms.push(Arm {
            pat: "_".to_owned(),
            guard: None,
            body,
        });
        arms
    }

    /// `yield_from!` to a helper this body may call.
    fn delegation(&mut self) -> Expr {
        let mut options = Vec::new();
        if self.has_leaf && self.role != Role::Leaf {
            options.push(0);
        }
        if self.role == Role::Recursive || (self.role == Role::Main && self.has_recursive) {
            options.push(1);
        }
        let Some(which) = self.pick(&options) else {
            return self.leaf();
        };
        let or = if self.rng.chance(60) {
            None
        } else {
            Some(self.rng.literal())
        };
        if which == 0 {
            let a = self.pure_expr();
            let noisy = self.noisy_arg();
            Expr::YieldFrom {
                helper: "h0".to_owned(),
                args: vec![Arg::Int(a), Arg::Noisy(noisy)],
                or,
            }
        } else if self.role == Role::Recursive {
            // `if depth > 0 { yield_from!(h1(depth - 1, a)) } else { e }`
            let a = self.pure_expr();
            let call = Expr::YieldFrom {
                helper: "h1".to_owned(),
                args: vec![Arg::Depth("depth - 1".to_owned()), Arg::Int(a)],
                or,
            };
            let otherwise = self.expr();
            Expr::If(
                Box::new(Cond::Cmp(
                    Expr::Atom("depth".to_owned()),
                    ">",
                    Expr::Atom("0".to_owned()),
                )),
                Box::new(Block {
                    stmts: Vec::new(),
                    tail: Some(call),
                }),
                Box::new(Block {
                    stmts: Vec::new(),
                    tail: Some(otherwise),
                }),
            )
        } else {
            let depth = self.rng.below(4).to_string();
            let a = self.pure_expr();
            Expr::YieldFrom {
                helper: "h1".to_owned(),
                args: vec![Arg::Depth(depth), Arg::Int(a)],
                or,
            }
        }
    }

    /// A `Noisy` to move into `h0`: a local declared in this very block, or a new one.
    fn noisy_arg(&mut self) -> NoisyArg {
        if let Some(name) = self.movable_noisy()
            && self.rng.chance(60)
        {
            self.mark_moved(&name);
            return NoisyArg::Moved(name);
        }
        let id = format!("a{}", self.id());
        NoisyArg::New(id, self.pure_expr())
    }

    fn movable_noisy(&mut self) -> Option<String> {
        let block = self.current_block();
        let names: Vec<String> = self
            .visible()
            .into_iter()
            .filter(|&i| {
                let v = &self.vars[i];
                v.kind == Kind::Noisy && v.block == block && self.frozen(i) == Frozen::No
            })
            .map(|i| self.vars[i].name.clone())
            .collect();
        self.pick(&names)
    }

    fn mark_moved(&mut self, name: &str) {
        if let Some(v) = self.vars.iter_mut().rev().find(|v| v.name == name) {
            v.moved = true;
        }
    }

    fn cond(&mut self) -> Cond {
        if self.depth < 3 && self.fuel > 0 && self.rng.chance(20) {
            self.depth += 1;
            let a = self.cond();
            let c = match self.rng.below(3) {
                0 => Cond::And(Box::new(a), Box::new(self.cond())),
                1 => Cond::Or(Box::new(a), Box::new(self.cond())),
                _ => Cond::Not(Box::new(a)),
            };
            self.depth -= 1;
            return c;
        }
        let op = self
            .pick(&["<", "<=", "==", "!=", ">", ">="])
            .unwrap_or("<");
        let left = if self.rng.chance(30) {
            Expr::Yield(Box::new(self.expr()))
        } else {
            self.expr()
        };
        let right = if self.rng.chance(70) {
            Expr::Lit(self.rng.literal())
        } else {
            self.expr()
        };
        Cond::Cmp(left, op, right)
    }

    // -----------------------------------------------------------------------------------------
    // Statements
    // -----------------------------------------------------------------------------------------

    /// A block of up to `max` statements (fewer when fuel runs low), with a tail expression if
    /// `value`.
    fn block(&mut self, max: usize, value: bool) -> Block {
        let len = self.enter();
        let block = self.stmts(max, value);
        self.leave(len);
        block
    }

    /// The statements of a block already entered.
    fn stmts(&mut self, max: usize, value: bool) -> Block {
        let count = if self.fuel == 0 {
            0
        } else {
            self.rng.below(max + 1)
        };
        let mut stmts = Vec::new();
        for _ in 0..count {
            if let Some(s) = self.stmt() {
                stmts.push(s);
            }
        }
        let tail = value.then(|| self.expr());
        Block { stmts, tail }
    }

    fn stmt(&mut self) -> Option<Stmt> {
        if !self.spend() {
            return None;
        }
        let can_loop = self.loops < 2 && self.depth < 3;
        let weights: [(usize, usize); 15] = [
            (0, 14),                            // let
            (1, 6),                             // let Noisy
            (2, 5),                             // let a reference
            (3, 10),                            // assignment
            (4, 10),                            // yield_!(..);
            (5, 5),                             // yield_from!(..);
            (6, 8),                             // if
            (7, 4),                             // match
            (8, if can_loop { 5 } else { 0 }),  // for
            (9, if can_loop { 4 } else { 0 }),  // while
            (10, if can_loop { 3 } else { 0 }), // loop
            (11, 8),                            // break / continue / return / panic under an if
            (12, 3),                            // drop(..)
            (13, 2),                            // a block
            (14, 2),                            // a shadowed Noisy
        ];
        let total: usize = weights.iter().map(|w| w.1).sum();
        let mut roll = self.rng.below(total);
        let mut choice = 0;
        for (k, w) in weights {
            if roll < w {
                choice = k;
                break;
            }
            roll -= w;
        }
        self.depth += 1;
        let stmt = self.stmt_of(choice);
        self.depth -= 1;
        stmt
    }

    #[allow(clippy::too_many_lines, reason = "one arm per kind of statement")]
    fn stmt_of(&mut self, choice: usize) -> Option<Stmt> {
        match choice {
            0 if self.rng.chance(15) => {
                let first = self.expr();
                let second = self.expr();
                let a = format!("v{}", self.rng.below(6));
                let b = format!("w{}", self.id());
                self.declare(a.clone(), Kind::Int { mutable: false }, None);
                self.declare(b.clone(), Kind::Int { mutable: false }, None);
                Some(Stmt::LetPair(a, b, first, second))
            }
            0 => {
                let init = self.expr();
                let name = format!("v{}", self.rng.below(6));
                let mutable = self.rng.chance(50);
                self.declare(name.clone(), Kind::Int { mutable }, None);
                Some(Stmt::Let {
                    name,
                    mutable,
                    init,
                })
            }
            1 | 14 => {
                let init = self.expr();
                let id = self.id();
                // Sometimes a name from the pool of `let`s, so that a `Noisy` is shadowed (and
                // stays alive, unnamed, to the end of its block).
                let name = if choice == 14 {
                    format!("v{}", self.rng.below(6))
                } else {
                    format!("n{id}")
                };
                self.declare(name.clone(), Kind::Noisy, None);
                Some(Stmt::LetNoisy {
                    name,
                    id: format!("n{id}"),
                    init,
                })
            }
            2 => {
                let mut options = Vec::new();
                for i in self.visible() {
                    let v = &self.vars[i];
                    let frozen = self.frozen(i);
                    match v.kind {
                        Kind::Int { mutable } if frozen == Frozen::No && mutable => {
                            options.push((i, true));
                            options.push((i, false));
                        }
                        Kind::Int { .. } | Kind::Noisy if frozen != Frozen::Mutably => {
                            options.push((i, false));
                        }
                        _ => {}
                    }
                }
                let (target, mutable) = self.pick(&options)?;
                let name = format!("r{}", self.id());
                let kind = if self.vars[target].kind == Kind::Noisy {
                    Kind::RefNoisy
                } else {
                    Kind::RefInt { mutable }
                };
                let target_name = self.vars[target].name.clone();
                self.declare(name.clone(), kind, Some((target, mutable)));
                Some(Stmt::LetRef {
                    name,
                    target: target_name,
                    mutable,
                })
            }
            3 => {
                let mut targets = Vec::new();
                for i in self.visible() {
                    let v = &self.vars[i];
                    match v.kind {
                        Kind::Int { mutable: true } if self.frozen(i) == Frozen::No => {
                            targets.push(v.name.clone());
                        }
                        Kind::RefInt { mutable: true } => targets.push(format!("*{}", v.name)),
                        _ => {}
                    }
                }
                if self.receiver == Receiver::Mut && self.role == Role::Main {
                    targets.push("self.base".to_owned());
                }
                let target = self.pick(&targets)?;
                let value = self.expr();
                let op = match self.rng.below(10) {
                    0..=3 => None,
                    4..=6 => Some("add"),
                    7 => Some("^="),
                    8 => Some("|="),
                    _ => Some("&="),
                };
                Some(Stmt::Assign { target, value, op })
            }
            4 => Some(Stmt::Yield(self.expr())),
            5 => {
                let e = self.delegation();
                match e {
                    Expr::YieldFrom { .. } | Expr::If(..) => Some(Stmt::Expr(e)),
                    _ => None,
                }
            }
            6 if self.rng.chance(20) => {
                let e = self.expr();
                let name = format!("k{}", self.id());
                let len = self.enter();
                self.declare(name.clone(), Kind::Int { mutable: false }, None);
                let then = self.stmts(3, false);
                self.leave(len);
                let otherwise = self.block(2, false);
                Some(Stmt::IfLet(name, e, then, otherwise))
            }
            6 => {
                let c = self.cond();
                let then = self.block(3, false);
                let otherwise = self.rng.chance(50).then(|| self.block(3, false));
                Some(Stmt::If(c, then, otherwise))
            }
            7 => {
                let scrutinee = self.scrutinee();
                let arms = self.arms(false);
                Some(Stmt::Match(scrutinee, arms))
            }
            8 => {
                let n = self.id();
                let label = format!("'l{n}");
                let var = format!("i{n}");
                let over = match self.rng.below(3) {
                    0 if self.has_data && self.role == Role::Main => ForOver::Data,
                    1 => {
                        // Evaluated once, before the loop.
                        let k = 1 + self.rng.below(3);
                        ForOver::Array((0..k).map(|_| self.expr()).collect())
                    }
                    _ => ForOver::Range(i64::try_from(self.rng.below(3)).unwrap_or(0) + 1),
                };
                let body = self.loop_body(&label, Some(var.clone()));
                Some(Stmt::For {
                    label,
                    var,
                    over,
                    body,
                })
            }
            9 => {
                let n = self.id();
                let label = format!("'l{n}");
                let counter = format!("c{n}");
                let bound = i64::try_from(self.rng.below(3)).unwrap_or(0) + 1;
                // The condition runs on every turn: a block of its own, so it moves nothing.
                let cond = if self.rng.chance(70) {
                    let len = self.enter();
                    let c = self.cond();
                    self.leave(len);
                    Some(c)
                } else {
                    None
                };
                let body = self.loop_body(&label, None);
                Some(Stmt::While {
                    label,
                    counter,
                    bound,
                    cond,
                    body,
                })
            }
            10 => {
                let n = self.id();
                let label = format!("'l{n}");
                let counter = format!("c{n}");
                let bound = i64::try_from(self.rng.below(3)).unwrap_or(0) + 1;
                let body = self.loop_body(&label, None);
                Some(Stmt::Loop {
                    label,
                    counter,
                    bound,
                    body,
                })
            }
            11 => self.jump(),
            12 => {
                let name = self.movable_noisy()?;
                self.mark_moved(&name);
                Some(Stmt::Drop(name))
            }
            _ => Some(Stmt::Block(self.block(3, false))),
        }
    }

    fn loop_body(&mut self, label: &str, var: Option<String>) -> Block {
        self.targets.push((label.to_owned(), Target::Repeat));
        self.loops += 1;
        let len = self.enter();
        if let Some(var) = var {
            self.declare(var, Kind::Int { mutable: false }, None);
        }
        let body = self.stmts(4, false);
        self.leave(len);
        self.loops -= 1;
        self.targets.pop();
        body
    }

    /// `if c { break / continue / return / panic }`.
    fn jump(&mut self) -> Option<Stmt> {
        let c = self.cond();
        let len = self.enter();
        let roll = self.rng.below(100);
        let jump = if roll < 55 && !self.targets.is_empty() {
            let (label, target) = self.pick(&self.targets.clone())?;
            match target {
                Target::Repeat if self.rng.chance(50) => Stmt::Continue(label),
                Target::Repeat => Stmt::Break(label, None),
                Target::ValueLoop if self.rng.chance(30) => Stmt::Continue(label),
                Target::ValueLoop | Target::Block => Stmt::Break(label, Some(self.expr())),
            }
        } else if roll < 90 {
            let ok = self.rng.chance(60);
            Stmt::Return(ok, self.expr())
        } else {
            let id = format!("p{}", self.id());
            Stmt::Panic(id, self.expr())
        };
        self.leave(len);
        Some(Stmt::If(
            c,
            Block {
                stmts: vec![jump],
                tail: None,
            },
            None,
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------

fn pad(level: usize) -> String {
    "    ".repeat(level)
}

/// Prints the AST as one of the two versions.
struct Printer {
    mode: Mode,
}

impl Printer {
    /// True if `e` can stand as a method receiver or operator operand without parentheses.
    fn is_postfix(e: &Expr) -> bool {
        match e {
            Expr::Lit(v) => *v >= 0,
            Expr::Atom(a) => !a.starts_with('*'),
            Expr::Method(..)
            | Expr::Rem(..)
            | Expr::Call(..)
            | Expr::Pick(..)
            | Expr::Yield(..)
            | Expr::YieldFrom { .. }
            | Expr::Try(..)
            | Expr::Temp(..)
            | Expr::VecSum(..)
            | Expr::FormatLen(..)
            | Expr::Closure(..) => true,
            _ => false,
        }
    }

    /// `e`, in parentheses unless it is postfix.
    fn operand(&self, e: &Expr, level: usize) -> String {
        let text = self.expr(e, level);
        if Self::is_postfix(e) {
            text
        } else {
            format!("({text})")
        }
    }

    fn expr(&self, e: &Expr, level: usize) -> String {
        match e {
            Expr::Lit(v) => format!("{v}_i64"),
            Expr::Atom(a) => a.clone(),
            Expr::Method(a, m, b) => {
                format!("{}.{m}({})", self.operand(a, level), self.expr(b, level))
            }
            Expr::Bin(a, op, b) => {
                format!("{} {op} {}", self.operand(a, level), self.operand(b, level))
            }
            Expr::Rem(a, n) => format!("{}.rem_euclid({n}_i64)", self.operand(a, level)),
            Expr::Call(name, args) => {
                let args: Vec<String> = args.iter().map(|a| self.expr(a, level)).collect();
                format!("{name}({})", args.join(", "))
            }
            Expr::Pick(c, a, b) => format!(
                "pick({}, {}, {})",
                self.cond(c, level),
                self.expr(a, level),
                self.expr(b, level)
            ),
            Expr::Yield(v) => match self.mode {
                Mode::Coroutine => format!("yield_!({})", self.expr(v, level)),
                // `yield_!(v)` binds `v` in a `let` of its own before it suspends, so the
                // temporaries made while computing `v` are dropped before the yield: the same here.
                Mode::Reference => {
                    format!("script.yield_({{ let y = {}; y }})", self.expr(v, level))
                }
            },
            Expr::YieldFrom { helper, args, or } => {
                let args: Vec<String> = args.iter().map(|a| self.arg(a, level)).collect();
                let call = match self.mode {
                    Mode::Coroutine => format!("yield_from!({helper}({}))", args.join(", ")),
                    // Temporaries in the operands live until the delegation ends and no longer
                    // (`yield_from!` documents this: as in a `for` loop over the call).
                    Mode::Reference => {
                        let mut args = args;
                        args.push("script".to_owned());
                        format!("({{ let r = {helper}_ref({}); r }})", args.join(", "))
                    }
                };
                match or {
                    None => format!("{call}?"),
                    Some(v) => format!("{call}.unwrap_or({v}_i64)"),
                }
            }
            Expr::Try(v) => format!("checked({})?", self.expr(v, level)),
            Expr::Temp(id, v) => format!("Noisy::new(\"{id}\", {}).get()", self.expr(v, level)),
            Expr::VecSum(items) => {
                let items: Vec<String> = items.iter().map(|e| self.expr(e, level)).collect();
                format!(
                    "vec![{}].into_iter().fold(0_i64, i64::wrapping_add)",
                    items.join(", ")
                )
            }
            Expr::FormatLen(items) => {
                let items: Vec<String> = items.iter().map(|e| self.expr(e, level)).collect();
                format!(
                    "len(&format!(\"{}\", {}))",
                    "{}".repeat(items.len()),
                    items.join(", ")
                )
            }
            Expr::Closure(body, arg) => format!(
                "(|q: i64| {})({})",
                self.expr(body, level),
                self.expr(arg, level)
            ),
            Expr::If(c, a, b) => format!(
                "if {} {} else {}",
                self.cond(c, level),
                self.block(a, level),
                self.block(b, level)
            ),
            Expr::Match(s, arms) => self.match_(s, arms, level),
            Expr::Block(b) => self.block(b, level),
            Expr::Unsafe(b) => format!("unsafe {}", self.block(b, level)),
            Expr::Labeled(label, b) => format!("{label}: {}", self.block(b, level)),
            Expr::Loop {
                label,
                counter,
                bound,
                exit,
                body,
            } => {
                let (l1, l2, l3, l4) = (pad(level + 1), pad(level + 2), pad(level + 3), pad(level));
                let mut s = String::from("{\n");
                let _ = writeln!(s, "{l1}let mut {counter} = 0_i64;");
                let _ = writeln!(s, "{l1}{label}: loop {{");
                let _ = writeln!(s, "{l2}{counter} += 1;");
                let _ = writeln!(s, "{l2}if {counter} > {bound}_i64 {{");
                let _ = writeln!(s, "{l3}break {label} {};", self.operand(exit, level + 3));
                let _ = writeln!(s, "{l2}}}");
                for stmt in &body.stmts {
                    s.push_str(&self.stmt(stmt, level + 2));
                }
                let _ = writeln!(s, "{l1}}}");
                let _ = write!(s, "{l4}}}");
                s
            }
        }
    }

    fn arg(&self, a: &Arg, level: usize) -> String {
        match a {
            Arg::Int(e) => self.expr(e, level),
            Arg::Depth(d) => d.clone(),
            Arg::Noisy(NoisyArg::Moved(name)) => name.clone(),
            Arg::Noisy(NoisyArg::New(id, e)) => {
                format!("Noisy::new(\"{id}\", {})", self.expr(e, level))
            }
        }
    }

    fn cond(&self, c: &Cond, level: usize) -> String {
        match c {
            Cond::Cmp(a, op, b) => {
                format!("{} {op} {}", self.operand(a, level), self.operand(b, level))
            }
            Cond::And(a, b) => format!("({} && {})", self.cond(a, level), self.cond(b, level)),
            Cond::Or(a, b) => format!("({} || {})", self.cond(a, level), self.cond(b, level)),
            Cond::Not(a) => format!("!({})", self.cond(a, level)),
        }
    }

    fn match_(&self, s: &Expr, arms: &[Arm], level: usize) -> String {
        let mut out = format!("match {} {{\n", self.operand(s, level));
        for arm in arms {
            let guard = arm
                .guard
                .as_ref()
                .map(|g| format!(" if {}", self.cond(g, level + 1)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{}{}{guard} => {}",
                pad(level + 1),
                arm.pat,
                self.block(&arm.body, level + 1)
            );
        }
        let _ = write!(out, "{}}}", pad(level));
        out
    }

    /// `{ stmts tail }`, its first line not indented (it follows other text), its last at `level`.
    fn block(&self, b: &Block, level: usize) -> String {
        if b.stmts.is_empty()
            && let Some(tail) = &b.tail
        {
            let text = self.expr(tail, level + 1);
            if !text.contains('\n') {
                return format!("{{ {text} }}");
            }
        }
        let mut s = String::from("{\n");
        for stmt in &b.stmts {
            s.push_str(&self.stmt(stmt, level + 1));
        }
        if let Some(tail) = &b.tail {
            let _ = writeln!(s, "{}{}", pad(level + 1), self.expr(tail, level + 1));
        }
        let _ = write!(s, "{}}}", pad(level));
        s
    }

    /// One statement: whole lines, indented to `level`.
    #[allow(clippy::too_many_lines, reason = "one arm per kind of statement")]
    fn stmt(&self, s: &Stmt, level: usize) -> String {
        let p = pad(level);
        match s {
            Stmt::Let {
                name,
                mutable,
                init,
            } => {
                let m = if *mutable { "mut " } else { "" };
                format!("{p}let {m}{name} = {};\n", self.expr(init, level))
            }
            Stmt::LetNoisy { name, id, init } => {
                format!(
                    "{p}let {name} = Noisy::new(\"{id}\", {});\n",
                    self.expr(init, level)
                )
            }
            Stmt::LetRef {
                name,
                target,
                mutable,
            } => {
                let m = if *mutable { "mut " } else { "" };
                format!("{p}let {name} = &{m}{target};\n")
            }
            Stmt::Assign { target, value, op } => {
                let value = self.expr(value, level);
                match op {
                    Some("add") => {
                        let receiver = if target.starts_with('*') {
                            format!("({target})")
                        } else {
                            target.clone()
                        };
                        format!("{p}{target} = {receiver}.wrapping_add({value});\n")
                    }
                    Some(op) => format!("{p}{target} {op} {value};\n"),
                    None => format!("{p}{target} = {value};\n"),
                }
            }
            Stmt::Yield(e) => format!(
                "{p}{};\n",
                self.expr(&Expr::Yield(Box::new(e.clone())), level)
            ),
            Stmt::Expr(e @ Expr::YieldFrom { .. }) => format!("{p}{};\n", self.expr(e, level)),
            Stmt::Expr(e) => format!("{p}let _ = {};\n", self.expr(e, level)),
            Stmt::If(c, then, otherwise) => {
                let mut s = format!("{p}if {} {}", self.cond(c, level), self.block(then, level));
                if let Some(otherwise) = otherwise {
                    let _ = write!(s, " else {}", self.block(otherwise, level));
                }
                s.push('\n');
                s
            }
            Stmt::IfLet(name, e, then, otherwise) => format!(
                "{p}if let Ok({name}) = checked({}) {} else {}\n",
                self.expr(e, level),
                self.block(then, level),
                self.block(otherwise, level)
            ),
            Stmt::LetPair(a, b, first, second) => format!(
                "{p}let ({a}, {b}) = ({}, {});\n",
                self.expr(first, level),
                self.expr(second, level)
            ),
            Stmt::Match(scrutinee, arms) => format!("{p}{}\n", self.match_(scrutinee, arms, level)),
            Stmt::For {
                label,
                var,
                over,
                body,
            } => {
                let head = match over {
                    ForOver::Range(n) => format!("{var} in 0_i64..{n}_i64"),
                    ForOver::Data => format!("&{var} in data"),
                    ForOver::Array(items) => {
                        let items: Vec<String> =
                            items.iter().map(|e| self.expr(e, level)).collect();
                        format!("{var} in [{}]", items.join(", "))
                    }
                };
                format!("{p}{label}: for {head} {}\n", self.block(body, level))
            }
            Stmt::While {
                label,
                counter,
                bound,
                cond,
                body,
            } => {
                let cond = cond
                    .as_ref()
                    .map(|c| format!(" && {}", self.cond(c, level)))
                    .unwrap_or_default();
                let mut s = format!("{p}let mut {counter} = 0_i64;\n");
                let _ = writeln!(s, "{p}{label}: while {counter} < {bound}_i64{cond} {{");
                let _ = writeln!(s, "{}{counter} += 1;", pad(level + 1));
                for stmt in &body.stmts {
                    s.push_str(&self.stmt(stmt, level + 1));
                }
                let _ = writeln!(s, "{p}}}");
                s
            }
            Stmt::Loop {
                label,
                counter,
                bound,
                body,
            } => {
                let (p1, p2) = (pad(level + 1), pad(level + 2));
                let mut s = format!("{p}let mut {counter} = 0_i64;\n");
                let _ = writeln!(s, "{p}{label}: loop {{");
                let _ = writeln!(s, "{p1}{counter} += 1;");
                let _ = writeln!(s, "{p1}if {counter} > {bound}_i64 {{");
                let _ = writeln!(s, "{p2}break {label};");
                let _ = writeln!(s, "{p1}}}");
                for stmt in &body.stmts {
                    s.push_str(&self.stmt(stmt, level + 1));
                }
                let _ = writeln!(s, "{p}}}");
                s
            }
            Stmt::Break(label, None) => format!("{p}break {label};\n"),
            Stmt::Break(label, Some(v)) => {
                format!("{p}break {label} {};\n", self.operand(v, level))
            }
            Stmt::Continue(label) => format!("{p}continue {label};\n"),
            Stmt::Return(ok, v) => {
                let wrap = if *ok { "Ok" } else { "Err" };
                format!("{p}return {wrap}({});\n", self.expr(v, level))
            }
            Stmt::Panic(id, v) => format!("{p}panic!(\"{id} {{}}\", {});\n", self.expr(v, level)),
            Stmt::Drop(name) => format!("{p}drop({name});\n"),
            Stmt::Rebind(name) => format!("{p}let {name} = {name};\n"),
            Stmt::Block(b) => format!("{p}{}\n", self.block(b, level)),
        }
    }

    /// A function body: the block, its tail wrapped in `Ok(..)`.
    fn body(&self, b: &Block, level: usize) -> String {
        let mut s = String::from("{\n");
        for stmt in &b.stmts {
            s.push_str(&self.stmt(stmt, level + 1));
        }
        let tail = b
            .tail
            .as_ref()
            .map_or_else(|| "0_i64".to_owned(), |t| self.expr(t, level + 1));
        let _ = writeln!(s, "{}Ok({tail})", pad(level + 1));
        let _ = write!(s, "{}}}", pad(level));
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

/// The seed used when `RESUMABLE_DIFFTEST_SEED` is not set.
pub const DEFAULT_SEED: u64 = 0x5EED_0013;

/// How many bodies are generated when `RESUMABLE_DIFFTEST_CASES` is not set.
pub const DEFAULT_CASES: usize = 160;

/// What a generated case's code needs in scope (the first lines of every source text).
pub const PRELUDE: &str = "use ::resumable::{coroutine, resumable, yield_, yield_from};\n\
                           use ::resumable_difftest::rt::{Noisy, Script, at, checked, len, mix, pick};\n";

/// One generated case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Its place in the run: case `index` of a run with `run_seed` is the same whatever the
    /// run's case count.
    pub index: usize,
    /// The seed of the run it belongs to.
    pub run_seed: u64,
    /// The `#[resumable]` items, helpers included, after [`PRELUDE`]: the coroutine `co` (a
    /// free fn, or a method of `S` declared there too) and the helpers `h0` (a leaf) and `h1`
    /// (recursive) when it has them.
    pub coroutine_source: String,
    /// The reference functions: `reference`, `h0_ref`, `h1_ref`.
    pub reference_source: String,
    /// The whole module body `build.rs` writes: prelude, both versions, and the `run` function
    /// that drives them and returns both traces.
    pub module: String,
}

/// Generates cases `0..cases` of a run with `seed`.
pub fn generate(seed: u64, cases: usize) -> Vec<Case> {
    (0..cases).map(|index| generate_case(seed, index)).collect()
}

/// The shape of a case's coroutine.
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent facts about the case's shape"
)]
struct Shape {
    receiver: Receiver,
    generic: Generic,
    has_data: bool,
    noisy_param: bool,
    has_leaf: bool,
    has_recursive: bool,
    /// The coroutine is `coroutine!(move |first: i64| -> Result<i64, i64> { .. })`, returned
    /// by a plain fn `co` that takes the other parameters.
    closure_form: bool,
}

/// Generates case `index` of a run with `seed`.
#[allow(
    clippy::too_many_lines,
    reason = "prints the two versions' signatures side by side"
)]
pub fn generate_case(seed: u64, index: usize) -> Case {
    let mut rng = Rng::new(case_seed(seed, index));
    let shape = Shape {
        receiver: [
            Receiver::None,
            Receiver::None,
            Receiver::Ref,
            Receiver::Mut,
            Receiver::Value,
        ][rng.below(5)],
        generic: [
            Generic::None,
            Generic::None,
            Generic::Bound,
            Generic::Where,
            Generic::ImplTrait,
        ][rng.below(5)],
        has_data: rng.chance(40),
        noisy_param: rng.chance(50),
        has_leaf: rng.chance(60),
        has_recursive: rng.chance(40),
        closure_form: false,
    };
    let shape = Shape {
        closure_form: shape.receiver == Receiver::None && rng.chance(30),
        ..shape
    };
    let mut next_id = 0;
    let leaf = shape.has_leaf.then(|| {
        body(
            &mut rng,
            &mut next_id,
            Role::Leaf,
            &shape,
            &[("a", Kind::Int { mutable: false }), ("n", Kind::Noisy)],
        )
    });
    let recursive = shape.has_recursive.then(|| {
        body(
            &mut rng,
            &mut next_id,
            Role::Recursive,
            &shape,
            &[("a", Kind::Int { mutable: false })],
        )
    });
    let mut params = vec![
        ("a", Kind::Int { mutable: false }),
        ("b", Kind::Int { mutable: false }),
    ];
    if shape.noisy_param {
        params.push(("p", Kind::Noisy));
    }
    params.push(("first", Kind::Int { mutable: false }));
    let mut main = body(&mut rng, &mut next_id, Role::Main, &shape, &params);
    if shape.closure_form && shape.noisy_param {
        // A closure captures only what its body names: without this, `p` would stay behind in
        // `co` when the body does not use it, and be dropped when `co` returns, where the
        // reference's parameter lives to the end of the call.
        main.stmts.insert(0, Stmt::Rebind("p".to_owned()));
    }

    let mut coroutine_source = String::from(PRELUDE);
    let mut reference_source = String::new();
    for mode in [Mode::Coroutine, Mode::Reference] {
        let printer = Printer { mode };
        let out = match mode {
            Mode::Coroutine => &mut coroutine_source,
            Mode::Reference => &mut reference_source,
        };
        let (attr, suffix, script) = match mode {
            Mode::Coroutine => ("#[resumable(yield = i64, resume = i64)]\n", "", ""),
            Mode::Reference => ("", "_ref", ", script: &Script"),
        };
        if let Some(b) = &leaf {
            let _ = writeln!(
                out,
                "\n{attr}pub fn h0{suffix}(a: i64, n: Noisy{script}) -> Result<i64, i64> {}",
                printer.body(b, 0)
            );
        }
        if let Some(b) = &recursive {
            let _ = writeln!(
                out,
                "\n{attr}pub fn h1{suffix}(depth: u32, a: i64{script}) -> Result<i64, i64> {}",
                printer.body(b, 0)
            );
        }
        let in_impl = shape.receiver != Receiver::None;
        if in_impl && mode == Mode::Coroutine {
            out.push_str("\n/// The receiver of the case's coroutine.\npub struct S {\n    pub base: i64,\n    pub tag: Noisy,\n}\n");
        }
        let level = usize::from(in_impl);
        let p = pad(level);
        let mut sig = Vec::new();
        match shape.receiver {
            Receiver::None => {}
            Receiver::Ref => sig.push("&self".to_owned()),
            Receiver::Mut => sig.push("&mut self".to_owned()),
            Receiver::Value => sig.push("self".to_owned()),
        }
        sig.push("a: i64".to_owned());
        sig.push("b: i64".to_owned());
        match shape.generic {
            Generic::None => {}
            Generic::Bound | Generic::Where => sig.push("t: T".to_owned()),
            Generic::ImplTrait => sig.push("t: impl Copy + Into<i64>".to_owned()),
        }
        if shape.has_data {
            sig.push("data: &[i64]".to_owned());
        }
        if shape.noisy_param {
            sig.push("p: Noisy".to_owned());
        }
        let name = match mode {
            Mode::Coroutine if shape.closure_form => "co",
            Mode::Coroutine => {
                sig.push("#[resume] first: i64".to_owned());
                "co"
            }
            Mode::Reference => {
                sig.push("first: i64".to_owned());
                sig.push("script: &Script".to_owned());
                "reference"
            }
        };
        let generics = match shape.generic {
            Generic::Bound => "<T: Copy + Into<i64>>",
            Generic::Where => "<T>",
            _ => "",
        };
        let clause = if shape.generic == Generic::Where {
            format!("\n{p}where\n{p}    T: Copy + Into<i64>,\n{p}")
        } else {
            " ".to_owned()
        };
        if in_impl {
            out.push_str("\nimpl S {");
        }
        let attr = attr.replace('\n', &format!("\n{p}"));
        if shape.closure_form && mode == Mode::Coroutine {
            let _ = writeln!(
                out,
                "\npub fn {name}{generics}({}) -> impl ::resumable::Resumable<i64, Yield = i64, \
                 Return = Result<i64, i64>>{clause}{{\n    coroutine!(move |first: i64| -> Result<i64, i64> {})\n}}",
                sig.join(", "),
                printer.body(&main, 1)
            );
        } else {
            let _ = writeln!(
                out,
                "\n{p}{attr}pub fn {name}{generics}({}) -> Result<i64, i64>{clause}{}",
                sig.join(", "),
                printer.body(&main, level)
            );
        }
        if in_impl {
            out.push_str("}\n");
        }
    }
    let module = format!(
        "{coroutine_source}\n// The reference version: `yield_!(v)` is `script.yield_(v)`, \
         `yield_from!(h(..))` is `h_ref(.., script)`.\n{reference_source}\n{}",
        run_fn(&shape)
    );
    Case {
        index,
        run_seed: seed,
        coroutine_source,
        reference_source,
        module,
    }
}

/// `run`: drives both versions of a case with the same input and returns their traces.
fn run_fn(shape: &Shape) -> String {
    let mut args = vec!["ints[0]", "ints[1]"];
    if shape.generic != Generic::None {
        args.push("small");
    }
    if shape.has_data {
        args.push("data");
    }
    if shape.noisy_param {
        args.push("Noisy::new(\"p\", ints[2])");
    }
    let args = args.join(", ");
    let (make, call, reference, field) = match shape.receiver {
        Receiver::None => (
            String::new(),
            format!("co({args})"),
            format!("reference({args}, first, script)"),
            "",
        ),
        receiver => {
            let m = if receiver == Receiver::Mut {
                "mut "
            } else {
                ""
            };
            (
                format!(
                    "let {m}s = S {{ base: ints[3], tag: Noisy::new(\"tag\", ints[3]) }};\n        "
                ),
                format!("s.co({args})"),
                format!("s.reference({args}, first, script)"),
                if receiver == Receiver::Mut {
                    "\n        record(Event::Field(s.base));"
                } else {
                    ""
                },
            )
        }
    };
    format!(
        "/// Runs both versions with the same input; returns the coroutine's trace and the \
         reference's.\n\
         pub fn run(\n    ints: [i64; 4],\n    small: i32,\n    data: &[i64],\n    first: i64,\n    \
         script: &[i64],\n    drive: ::resumable_difftest::rt::Drive,\n) -> (\n    Vec<::resumable_difftest::rt::Event>,\n    Vec<::resumable_difftest::rt::Event>,\n) {{\n    \
         use ::resumable_difftest::rt::{{Event, record, run_coroutine, run_reference, take_trace}};\n    \
         let _ = (small, data);\n    \
         take_trace();\n    \
         {{\n        {make}run_coroutine({call}, first, script, drive);{field}\n    }}\n    \
         let coroutine = take_trace();\n    \
         {{\n        {make}run_reference(first, script, drive, |first, script| {reference});{field}\n    }}\n    \
         let reference = take_trace();\n    \
         (coroutine, reference)\n}}\n"
    )
}

/// Generates the body of one function: its parameters are in scope, then statements and a
/// tail (wrapped in `Ok`).
fn body(
    rng: &mut Rng,
    next_id: &mut usize,
    role: Role,
    shape: &Shape,
    params: &[(&str, Kind)],
) -> Block {
    let (fuel, count) = match role {
        Role::Main => (30 + rng.below(40), 3 + rng.below(8)),
        _ => (6 + rng.below(14), 1 + rng.below(5)),
    };
    let mut ctx = Ctx {
        rng,
        vars: Vec::new(),
        blocks: Vec::new(),
        next_block: 1,
        targets: Vec::new(),
        fuel,
        next_id,
        role,
        receiver: shape.receiver,
        generic: shape.generic,
        has_data: shape.has_data,
        has_leaf: shape.has_leaf,
        has_recursive: shape.has_recursive,
        loops: 0,
        depth: 0,
        pure: false,
    };
    let len = ctx.enter();
    for (name, kind) in params {
        ctx.declare((*name).to_owned(), *kind, None);
    }
    let mut stmts = Vec::new();
    for _ in 0..count {
        if let Some(s) = ctx.stmt() {
            stmts.push(s);
        }
    }
    let tail = Some(ctx.expr());
    ctx.leave(len);
    Block { stmts, tail }
}
