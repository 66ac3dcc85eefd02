//! The workloads of the benchmarks, one module per family, shared by the criterion benches (one
//! per family: `ping_pong.rs`, `generators.rs`, `recursion.rs`, `many.rs`, `stream.rs`) and the
//! instruction-count binary run under callgrind (`instructions.rs`). Each module holds every
//! variant of its family: the hand-written code, ours, and the peers' (genawaiter, corosensei,
//! diapause, fauxgen, generator-rs, async-stream), each written as its docs show. Every variant
//! does the same work and passes each value through `black_box`, so none can be folded into a
//! closed form; `instructions check` asserts that they all compute the same result.
//!
//! (d), the pipelines, lives in `benches/pipe.rs`, which is both its criterion bench and its
//! callgrind binary.

// Each bench target includes the whole set and runs one family of it.
#![allow(dead_code)]

/// (a) ping-pong: a `u64` each way per round trip.
pub(crate) mod ping_pong;

/// (b) a generator as an iterator: the sum of 0..n.
pub(crate) mod generators;

/// (c) every permutation of n elements by a recursive generator.
pub(crate) mod permutations;

/// (e) many coroutines alive at once.
pub(crate) mod many;

/// (f) an in-order walk of a binary tree by a recursive generator.
pub(crate) mod tree;

/// The per-item cost of yielding from deep inside delegation.
pub(crate) mod depth;

/// An async generator as a `Stream`, each item awaiting a ready future.
pub(crate) mod streams;
