//! Compile-fail cases of builds without `alloc` and `std` (trybuild builds them against this
//! crate's dependencies, so with `resumable`'s features off whatever the workspace unifies):
//! what a firmware author sees when reaching for what needs a feature. Regenerate the snapshots
//! with `TRYBUILD=overwrite cargo test -p resumable-nostd --test ui`, then review them.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
