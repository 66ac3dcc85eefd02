//! Writes the fuzzer's starting corpus: every macro invocation in the repository's tests, UI
//! cases, examples and benches, one file each, in `fuzz/corpus/expand/`.
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
        "difftest/cases",
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
    println!("{written} seeds in {}", out.display());
    Ok(())
}
