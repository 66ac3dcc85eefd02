//! The generator produces every construct it claims to (difftest/README.md lists them): each is
//! looked for in the coroutine sources of the cases `cargo test` runs by default.

use resumable_difftest::{DEFAULT_CASES, DEFAULT_SEED, generate};

/// What to look for in a coroutine's source, and the construct it stands for.
const CONSTRUCTS: &[(&str, &str)] = &[
    ("let mut ", "a mutable local"),
    ("let r", "a reference to a local"),
    ("let (v", "a tuple pattern"),
    ("if let Ok(", "`if let`"),
    ("(|q: i64| ", "a closure called at once"),
    ("vec![yield_!(", "`yield_!` in `vec!`"),
    ("len(&format!(", "`yield_!` in `format!`"),
    (" ^= ", "a compound assignment"),
    (" = &mut ", "a mutable borrow"),
    ("Noisy::new(", "a value that logs its drop"),
    ("drop(", "a value moved and dropped"),
    (").get()", "a temporary that logs its drop"),
    ("if yield_!(", "`yield_!` in an `if` condition"),
    ("match yield_!(", "`yield_!` as a `match` scrutinee"),
    ("mix(yield_!(", "`yield_!` as a call argument"),
    (".wrapping_add(yield_!(", "`yield_!` as an operand"),
    ("yield_!(yield_!(", "`yield_!` in `yield_!`"),
    ("= yield_!(", "`yield_!` as an initialiser"),
    ("yield_from!(h0(", "`yield_from!` to a leaf helper"),
    (
        "yield_from!(h1(depth - 1",
        "`yield_from!` recursion with a depth bound",
    ),
    ("yield_from!(h1(", "`yield_from!` to a recursive helper"),
    (".unwrap_or(", "`yield_from!` whose result is not `?`-ed"),
    ("checked(", "`?` on a computed value"),
    ("return Ok(", "an early `return`"),
    ("return Err(", "an early `return` of an error"),
    ("panic!(", "a panic at a chosen point"),
    (": for i", "a labelled `for` loop"),
    ("in data {", "a `for` loop over a borrowed argument"),
    (": while c", "a labelled `while` loop"),
    (": loop {", "a labelled `loop`"),
    ("break 'l", "`break` out of a loop"),
    ("continue 'l", "`continue`"),
    ("break 'b", "`break` out of a labelled block with a value"),
    (" if ", "a `match` guard (and `if`)"),
    ("..=", "a range pattern"),
    (" | ", "an or-pattern (or a bit operation)"),
    ("unsafe {", "an `unsafe` block"),
    ("pick(", "a call of a generic function"),
    ("<T: Copy + Into<i64>>", "a generic parameter"),
    ("where\n", "a `where` clause"),
    ("t: impl Copy + Into<i64>", "an `impl Trait` argument"),
    ("(&self", "a method with `&self`"),
    ("(&mut self", "a method with `&mut self`"),
    ("(self,", "a method with `self`"),
    ("self.base = ", "an assignment through `&mut self`"),
    ("data: &[i64]", "a borrowed argument"),
    ("p: Noisy", "an argument with a `Drop` impl"),
    (
        "coroutine!(move |first: i64| -> Result<i64, i64> {",
        "the closure form",
    ),
];

#[test]
fn the_generator_produces_every_construct() {
    let cases = generate(DEFAULT_SEED, DEFAULT_CASES);
    let sources: Vec<&str> = cases.iter().map(|c| c.coroutine_source.as_str()).collect();
    let missing: Vec<&str> = CONSTRUCTS
        .iter()
        .filter(|(needle, _)| !sources.iter().any(|s| s.contains(needle)))
        .map(|(_, what)| *what)
        .collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}

#[test]
fn a_shadowed_local() {
    let cases = generate(DEFAULT_SEED, DEFAULT_CASES);
    let shadowed = cases
        .iter()
        .any(|c| (0..6).any(|i| c.coroutine_source.matches(&format!("let v{i} = ")).count() >= 2));
    assert!(shadowed);
}

#[test]
fn the_same_seed_gives_the_same_cases_whatever_the_count() {
    let few = generate(7, 3);
    let more = generate(7, 10);
    for (a, b) in few.iter().zip(&more) {
        assert_eq!(a.module, b.module);
    }
    assert_ne!(generate(8, 1)[0].module, few[0].module);
}

#[test]
fn the_reference_differs_only_at_yield_points() {
    for case in generate(DEFAULT_SEED, 50) {
        assert!(!case.reference_source.contains("yield_!"));
        assert!(!case.reference_source.contains("yield_from!"));
        assert!(!case.reference_source.contains("#[resumable"));
        // As many `yield_!` points as calls of the script.
        assert_eq!(
            case.coroutine_source.matches("yield_!(").count(),
            case.reference_source.matches("script.yield_(").count(),
            "case {}",
            case.index
        );
    }
}
