//! The differential test: every generated body runs as a `#[resumable]` coroutine and as a plain
//! reference function, with arguments and resume values from proptest, driven to the end or
//! stopped (dropped, closed) after some yield; the two traces must be equal.
//!
//! `RESUMABLE_DIFFTEST_SEED` and `RESUMABLE_DIFFTEST_CASES` choose the bodies (at build time),
//! `RESUMABLE_DIFFTEST_INPUTS` how many inputs each body is run with. See `difftest/README.md`.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use resumable_difftest::rt::{Drive, Event};

/// A generated case, as `build.rs` lists it.
struct Generated {
    index: usize,
    source: &'static str,
    run: Run,
}

/// A case's `run`: both traces for one input.
type Run = fn([i64; 4], i32, &[i64], i64, &[i64], Drive) -> (Vec<Event>, Vec<Event>);

// The generated code is random by design: it computes, compares, matches and branches in every
// way the generator can produce, in both versions alike, so lints about style and about code that
// a person would simplify fire on it. It is allowed here, lint by lint.
#[allow(
    unused,
    unused_mut,
    unused_labels,
    unused_parens,
    unused_unsafe,
    unused_braces,
    unreachable_code,
    unreachable_pub,
    clippy::almost_swapped,
    clippy::assign_op_pattern,
    clippy::bad_bit_mask,
    clippy::collapsible_else_if,
    clippy::collapsible_if,
    clippy::collapsible_match,
    clippy::decimal_bitwise_operands,
    clippy::double_parens,
    clippy::eq_op,
    clippy::erasing_op,
    clippy::identity_op,
    clippy::if_not_else,
    clippy::if_same_then_else,
    clippy::let_and_return,
    clippy::manual_assert,
    clippy::many_single_char_names,
    clippy::match_overlapping_arm,
    clippy::match_same_arms,
    clippy::needless_continue,
    clippy::needless_else,
    clippy::needless_ifs,
    clippy::needless_pass_by_value,
    clippy::needless_question_mark,
    clippy::nonminimal_bool,
    clippy::only_used_in_recursion,
    clippy::redundant_closure_call,
    clippy::redundant_guards,
    clippy::redundant_locals,
    clippy::self_assignment,
    clippy::single_element_loop,
    clippy::single_match,
    clippy::single_match_else,
    clippy::too_many_arguments,
    clippy::too_many_lines,
    clippy::undocumented_unsafe_blocks,
    clippy::uninlined_format_args,
    clippy::unnecessary_wraps,
    clippy::unreadable_literal,
    clippy::unused_self,
    reason = "generated code, random by design (see above)"
)]
mod cases {
    use super::Generated;

    include!(concat!(env!("OUT_DIR"), "/cases.rs"));
}

/// One input: the arguments, the first resume value, the script of later ones, and how the run
/// is driven and stopped.
#[derive(Debug, Clone)]
struct Input {
    ints: [i64; 4],
    small: i32,
    data: Vec<i64>,
    first: i64,
    script: Vec<i64>,
    drive: Drive,
}

fn int() -> impl Strategy<Value = i64> {
    prop_oneof![8 => -6_i64..=6, 1 => any::<i64>()]
}

fn input() -> impl Strategy<Value = Input> {
    let drive = prop_oneof![
        3 => Just(Drive::Pinned),
        2 => Just(Drive::Handle),
        2 => (1_usize..12).prop_map(Drive::DropAfter),
        2 => (1_usize..12).prop_map(Drive::CloseAfter),
        1 => (1_usize..12).prop_map(Drive::DropHandleAfter),
    ];
    (
        [int(), int(), int(), int()],
        -6_i32..=6,
        prop::collection::vec(int(), 0..4),
        int(),
        prop::collection::vec(int(), 0..6),
        drive,
    )
        .prop_map(|(ints, small, data, first, script, drive)| Input {
            ints,
            small,
            data,
            first,
            script,
            drive,
        })
}

/// What the runs did, added up (printed at the end: `cargo test -- --nocapture`).
#[derive(Debug, Default)]
struct Stats {
    runs: usize,
    yields: usize,
    drops: usize,
    returned_ok: usize,
    returned_err: usize,
    panicked: usize,
    stopped: usize,
}

impl Stats {
    fn add(&mut self, trace: &[Event]) {
        self.runs += 1;
        for event in trace {
            match event {
                Event::Yield(_) => self.yields += 1,
                Event::Drop(..) => self.drops += 1,
                Event::Return(Ok(_)) => self.returned_ok += 1,
                Event::Return(Err(_)) => self.returned_err += 1,
                Event::Panic(_) => self.panicked += 1,
                Event::Stopped => self.stopped += 1,
                _ => {}
            }
        }
    }
}

/// How many inputs each body runs with.
fn inputs_per_case() -> u32 {
    std::env::var("RESUMABLE_DIFFTEST_INPUTS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(128)
}

#[test]
fn coroutines_behave_like_their_reference_functions() {
    assert!(!cases::CASES.is_empty(), "no case was generated");
    let mut failures = Vec::new();
    let stats = std::cell::RefCell::new(Stats::default());
    let started = std::time::Instant::now();
    for case in cases::CASES {
        let config = Config {
            cases: inputs_per_case(),
            failure_persistence: None,
            ..Config::default()
        };
        // The inputs are reproducible too: proptest's generator is seeded from the run's seed
        // and the case's index.
        let mut seed = [0_u8; 32];
        seed[..8].copy_from_slice(&cases::SEED.to_le_bytes());
        seed[8..16].copy_from_slice(&(case.index as u64).to_le_bytes());
        let mut runner =
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        let outcome = runner.run(&input(), |input| {
            let (coroutine, reference) = (case.run)(
                input.ints,
                input.small,
                &input.data,
                input.first,
                &input.script,
                input.drive,
            );
            stats.borrow_mut().add(&coroutine);
            if coroutine == reference {
                Ok(())
            } else {
                Err(TestCaseError::fail(format!(
                    "the traces differ\n  coroutine: {coroutine:?}\n  reference: {reference:?}"
                )))
            }
        });
        if let Err(err) = outcome {
            failures.push(format!(
                "case {} of seed {:#x} (RESUMABLE_DIFFTEST_SEED={:#x} RESUMABLE_DIFFTEST_CASES={}): {err}\n\
                 --- source of case {} ---\n{}",
                case.index,
                cases::SEED,
                cases::SEED,
                case.index + 1,
                case.index,
                case.source
            ));
        }
    }
    let stats = stats.into_inner();
    println!(
        "{} bodies (seed {:#x}), {} runs in {:.2?}: {} yields, {} drops logged; \
         {} returned Ok, {} returned Err, {} panicked, {} stopped part-way",
        cases::CASES.len(),
        cases::SEED,
        stats.runs,
        started.elapsed(),
        stats.yields,
        stats.drops,
        stats.returned_ok,
        stats.returned_err,
        stats.panicked,
        stats.stopped
    );
    assert!(
        failures.is_empty(),
        "{} of {} generated cases failed:\n\n{}",
        failures.len(),
        cases::CASES.len(),
        failures.join("\n\n")
    );
}
