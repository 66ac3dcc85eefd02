//! The pipeline examples print what Lua 5.4 prints: runs `examples/pipeline.rs` on the seeds'
//! inputs (`tests/golden/input.txt`, `lines.txt`, copied from `../shared/reference/lua/`) and
//! compares each `=== seed NAME.lua ===` section with `tests/golden/NAME.out`; runs
//! `examples/wordfreq.rs` both ways round and compares the two.
//!
//! Seeds 14 and 29 loop forever in Lua at the end of input (the filter formats `nil`), so their
//! goldens are cut by `head`. Ours end there instead: a section must equal the golden up to the
//! first line Lua made from `nil` (`    4 nil`), then show our clean end and nothing more.

use std::path::{Path, PathBuf};

mod example_runner;
use example_runner::run_example;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The sections of an output: `(NAME, lines)` for each `=== seed NAME.lua ===` heading.
fn sections(output: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in output.lines() {
        if let Some(name) = line
            .strip_prefix("=== seed ")
            .and_then(|l| l.strip_suffix(".lua ==="))
        {
            out.push((name.to_owned(), Vec::new()));
        } else {
            let (_, section) = out.last_mut().expect("output starts with a heading");
            section.push(line.to_owned());
        }
    }
    out
}

/// What ours prints after Lua's first `nil`-made line, for the seeds that loop forever in Lua.
fn clean_end(seed: &str) -> Option<&'static [&'static str]> {
    match seed {
        // The consumer's `receive` reports the `nil` that ended the filter, then stops.
        "14_producer_filter_consumer_debug_prints" => Some(&["value is\tnil"]),
        "29_producer_filter_consumer" => Some(&[]),
        _ => None,
    }
}

fn check_against_golden(seed: &str, ours: &[String]) -> Result<(), String> {
    let golden: Vec<String> = read(&golden_dir().join(format!("{seed}.out")))
        .lines()
        .map(str::to_owned)
        .collect();
    let expected: Vec<String> = match clean_end(seed) {
        None => golden,
        Some(tail) => {
            let cut = golden
                .iter()
                .position(|l| l.ends_with("    4 nil"))
                .expect("the golden of a looping seed formats nil");
            golden[..cut]
                .iter()
                .cloned()
                .chain(tail.iter().map(|s| (*s).to_owned()))
                .collect()
        }
    };
    if ours == expected {
        Ok(())
    } else {
        Err(format!(
            "seed {seed} differs\n--- ours\n{}\n--- expected\n{}",
            ours.join("\n"),
            expected.join("\n")
        ))
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs cargo")]
fn pipeline_seeds_match_lua_output() {
    let input = read(&golden_dir().join("input.txt"));
    let output = run_example("pipeline", &["--debug"], input.as_bytes());
    let sections = sections(&output);
    let names: Vec<&str> = sections.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "12_producer_consumer_debug_prints",
            "13_producer_send_single_step",
            "14_producer_filter_consumer_debug_prints",
            "28_producer_consumer_global_coroutine",
            "29_producer_filter_consumer",
            "producer_filter_consumer_eof",
        ]
    );
    let failures: Vec<String> = sections
        .iter()
        .filter_map(|(seed, lines)| check_against_golden(seed, lines).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
#[cfg_attr(miri, ignore = "runs cargo")]
fn one_seed_streams_stdin_and_debug_prints_are_off_by_default() {
    let input = read(&golden_dir().join("input.txt"));
    let output = run_example("pipeline", &["14"], input.as_bytes());
    assert_eq!(
        output,
        "=== seed 14_producer_filter_consumer_debug_prints.lua ===\n    1 alpha\n    2 beta\n    3 gamma\n"
    );
    let output = run_example("pipeline", &["12"], input.as_bytes());
    assert_eq!(
        output,
        "=== seed 12_producer_consumer_debug_prints.lua ===\nalpha\nbeta\ngamma\n"
    );
}

#[test]
#[cfg_attr(miri, ignore = "runs cargo")]
fn numbering_lines_txt_pulled_and_pushed() {
    let input = read(&golden_dir().join("lines.txt"));
    let numbered: Vec<String> = input
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{:5} {l}", i + 1))
        .collect();
    let output = run_example("pipeline", &["29", "eof"], input.as_bytes());
    for (seed, lines) in sections(&output) {
        assert_eq!(lines, numbered, "seed {seed}");
    }
    // Empty input: every seed ends at once; the single-step one reports the finished body.
    let output = run_example("pipeline", &[], b"");
    for (seed, lines) in sections(&output) {
        let expected: &[&str] = match seed.as_str() {
            "13_producer_send_single_step" => &["suspended", "true"],
            _ => &[],
        };
        assert_eq!(lines, expected, "seed {seed}");
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs cargo")]
fn word_frequencies_pulled_and_pushed_agree() {
    let lines = golden_dir().join("lines.txt");
    let lines = lines.to_str().expect("UTF-8 path");
    let pulled = run_example("wordfreq", &[lines], b"");
    assert_eq!(
        pulled,
        "      4 line\n      1 four\n      1 one\n      1 three\n      1 two\n"
    );
    assert_eq!(run_example("wordfreq", &["--push", lines], b""), pulled);
    // The built-in text (the README), top 20: the same table both ways.
    let pulled = run_example("wordfreq", &["--top", "20"], b"");
    assert_eq!(pulled.lines().count(), 20);
    assert_eq!(
        run_example("wordfreq", &["--push", "--top", "20"], b""),
        pulled
    );
}
