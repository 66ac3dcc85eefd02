//! Writes the fuzzer's starting corpus: every macro invocation in the repository's tests, UI
//! cases, examples and benches, and in the coroutines the differential tests generate (their
//! default run, or `RESUMABLE_DIFFTEST_SEED` / `RESUMABLE_DIFFTEST_CASES`), one file each, in
//! `fuzz/corpus/expand/`.
//!
//! ```text
//! cargo +nightly run --manifest-path fuzz/Cargo.toml --bin seed-corpus
//! ```

use std::path::Path;

use resumable_macros_core::corpus;

fn main() -> std::io::Result<()> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = fuzz.join("..");
    let out = fuzz.join("corpus/expand");
    std::fs::create_dir_all(&out)?;
    let mut written = 0;
    for dir in [
        "tests",
        "tests/ui",
        "examples",
        "benches",
        "benches/workloads",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path)?;
            for invocation in corpus::invocations(&source) {
                std::fs::write(out.join(format!("seed-{written:05}")), invocation.to_text())?;
                written += 1;
            }
        }
    }
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let seed = number("RESUMABLE_DIFFTEST_SEED", resumable_difftest::DEFAULT_SEED);
    let cases = number(
        "RESUMABLE_DIFFTEST_CASES",
        resumable_difftest::DEFAULT_CASES as u64,
    );
    for case in resumable_difftest::generate(seed, usize::try_from(cases).unwrap_or(usize::MAX)) {
        for invocation in corpus::invocations(&case.coroutine_source) {
            std::fs::write(out.join(format!("seed-{written:05}")), invocation.to_text())?;
            written += 1;
        }
    }
    println!("{written} seeds in {}", out.display());
    Ok(())
}
