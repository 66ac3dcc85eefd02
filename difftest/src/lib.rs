//! Differential tests of `resumable`: random, well-typed coroutine bodies, each run as a
//! `#[resumable]` coroutine and as a plain reference function, their traces compared.
//!
//! [`generate()`] makes the cases (`build.rs` writes them for `tests/difftest.rs`; a fuzzer can
//! take their [`Case::coroutine_source`] as seeds); [`rt`] is what the generated code runs on.

pub mod generate;
pub mod rt;

pub use generate::{Case, DEFAULT_CASES, DEFAULT_SEED, PRELUDE, generate};
