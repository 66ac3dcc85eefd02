//! Writes the generated cases to `$OUT_DIR/cases.rs` for `tests/difftest.rs`.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

#[path = "src/generate.rs"]
#[allow(
    dead_code,
    unreachable_pub,
    reason = "the library uses and exports the rest of the generator"
)]
mod generate;

fn main() {
    println!("cargo:rerun-if-env-changed=RESUMABLE_DIFFTEST_SEED");
    println!("cargo:rerun-if-env-changed=RESUMABLE_DIFFTEST_CASES");
    println!("cargo:rerun-if-changed=src/generate.rs");
    let seed = env::var("RESUMABLE_DIFFTEST_SEED")
        .ok()
        .map_or(generate::DEFAULT_SEED, |s| parse_seed(&s));
    let cases = env::var("RESUMABLE_DIFFTEST_CASES")
        .ok()
        .map_or(generate::DEFAULT_CASES, |s| {
            s.trim()
                .parse()
                .unwrap_or_else(|_| panic!("RESUMABLE_DIFFTEST_CASES={s:?} is not a number"))
        });
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// The seed the cases were generated with.\npub const SEED: u64 = {seed:#x};"
    );
    let mut table = String::new();
    for case in generate::generate(seed, cases) {
        let i = case.index;
        assert!(
            !case.module.contains("\"#"),
            "case {i} cannot stand in a raw string"
        );
        // As few hashes as the text needs (clippy's `needless_raw_string_hashes`).
        let hashes = if case.module.contains('"') { "#" } else { "" };
        let _ = writeln!(
            out,
            "\n/// Case {i}.\npub mod case_{i} {{\n{}\n/// The source of this case.\npub const SOURCE: &str = r{hashes}\"{}\"{hashes};\n}}",
            case.module, case.module
        );
        let _ = writeln!(
            table,
            "    Generated {{ index: {i}, source: case_{i}::SOURCE, run: case_{i}::run }},"
        );
    }
    let _ = writeln!(
        out,
        "\n/// Every case.\npub static CASES: &[Generated] = &[\n{table}];"
    );
    let path = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("cases.rs");
    fs::write(&path, out).expect("cannot write the generated cases");
}

/// A seed in decimal or `0x` hexadecimal.
fn parse_seed(s: &str) -> u64 {
    let s = s.trim();
    let parsed = match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => s.parse(),
    };
    parsed.unwrap_or_else(|_| panic!("RESUMABLE_DIFFTEST_SEED={s:?} is not a number"))
}
