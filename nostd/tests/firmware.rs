//! The `firmware` binary (this crate's `#![no_std]` code run on the host) prints what
//! `golden/firmware.out` says, line for line.

use std::path::Path;
use std::process::Command;

#[test]
fn firmware_output_matches_the_golden() {
    let output = Command::new(env!("CARGO_BIN_EXE_firmware"))
        .output()
        .expect("the firmware binary runs");
    assert!(output.status.success(), "{output:?}");
    let actual = String::from_utf8(output.stdout).expect("UTF-8 output");
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/firmware.out");
    let expected = std::fs::read_to_string(&golden).expect("the golden file");
    for (i, (a, e)) in actual.lines().zip(expected.lines()).enumerate() {
        assert_eq!(a, e, "line {} of {}", i + 1, golden.display());
    }
    assert_eq!(
        actual.lines().count(),
        expected.lines().count(),
        "line counts"
    );
}
