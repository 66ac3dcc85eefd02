//! The macros' expansion called as plain functions (`resumable-macros-core`) on every generated
//! coroutine: each `#[resumable]` item and `coroutine!` expands to valid Rust, and text edits of
//! each (characters deleted, repeated, swapped, inserted) give an expansion or errors, never a
//! panic. This is the same check as the libFuzzer target in `fuzz/`, seeded with these cases.

use proptest::prelude::*;
use resumable_difftest::{DEFAULT_CASES, DEFAULT_SEED, generate};
use resumable_macros_core::corpus::{self, Invocation};

/// Every macro invocation in the default run's coroutines, in their corpus text form.
fn invocations() -> Vec<String> {
    generate(DEFAULT_SEED, DEFAULT_CASES)
        .iter()
        .flat_map(|case| corpus::invocations(&case.coroutine_source))
        .map(|invocation| invocation.to_text())
        .collect()
}

thread_local! {
    static SEEDS: Vec<String> = invocations();
}

#[test]
fn every_generated_coroutine_expands_to_rust() {
    let seeds = invocations();
    // Each case has its coroutine and up to two helpers.
    assert!(
        seeds.len() >= DEFAULT_CASES,
        "only {} invocations",
        seeds.len()
    );
    for text in &seeds {
        let invocation = Invocation::from_text(text).expect("the text form reads back");
        match invocation.expand() {
            Ok(tokens) => assert!(invocation.parses(tokens), "not Rust:\n{text}"),
            Err(e) => panic!("{e}\n{text}"),
        }
    }
}

/// One edit of a text, at positions taken modulo its length (in characters).
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Repeat(usize, usize),
    Swap(usize, usize),
    Insert(usize, char),
}

fn edit() -> impl Strategy<Value = Edit> {
    let insertable = prop::sample::select(
        &[
            '(', ')', '{', '}', '[', ']', '<', '>', '!', '?', ';', ',', '|', '&', '#', '\'', '"',
            ' ', 'y',
        ][..],
    );
    prop_oneof![
        (any::<usize>(), 1..12usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), 1..24usize).prop_map(|(at, n)| Edit::Repeat(at, n)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Swap(a, b)),
        (any::<usize>(), insertable).prop_map(|(at, c)| Edit::Insert(at, c)),
    ]
}

/// Applies `edit` to `text`, first line (the macro and its arguments) included.
fn apply(text: &mut Vec<char>, edit: &Edit) {
    let len = text.len().max(1);
    match *edit {
        Edit::Delete(at, n) => {
            let at = at % len;
            let end = (at + n).min(text.len());
            text.drain(at.min(end)..end);
        }
        Edit::Repeat(at, n) => {
            let at = at % len;
            let end = (at + n).min(text.len());
            let piece: Vec<char> = text[at.min(end)..end].to_vec();
            text.splice(end..end, piece);
        }
        Edit::Swap(a, b) if !text.is_empty() => text.swap(a % len, b % len),
        Edit::Swap(..) => {}
        Edit::Insert(at, c) => text.insert(at % (text.len() + 1), c),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2048)
    ))]

    #[test]
    fn edited_generated_coroutines_never_panic_the_macros(
        seed in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let mut text: Vec<char> = SEEDS.with(|seeds| seed.get(seeds).chars().collect());
        for e in &edits {
            apply(&mut text, e);
        }
        let text: String = text.into_iter().collect();
        if let Some(invocation) = Invocation::from_text(&text) {
            if let Ok(tokens) = invocation.expand() {
                prop_assert!(invocation.parses(tokens), "not Rust:\n{}", text);
            }
            prop_assert!(!invocation.emit().is_empty());
        }
    }
}
