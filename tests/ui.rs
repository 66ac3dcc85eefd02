//! Compile-fail tests: each `tests/ui/<mistake>.rs` must fail to compile with exactly the
//! diagnostics in its `.stderr` snapshot. Regenerate with `TRYBUILD=overwrite cargo test --test ui`
//! and review every changed snapshot.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
