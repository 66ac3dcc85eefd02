//! Runs one of `examples/` from a test (`mod example_runner;`), with the profile the test was
//! built with, feeding it `stdin` through a pipe from a thread of its own (so a large input
//! cannot deadlock against the example's output), and returns what it printed.

use std::io::Write;
use std::process::{Command, Stdio};

/// `cargo run --example NAME -- ARGS < STDIN`; panics with the example's stderr if it fails.
pub(crate) fn run_example(name: &str, args: &[&str], stdin: &[u8]) -> String {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--quiet", "--example", name]);
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let mut child = cmd
        .arg("--")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cargo runs");
    let mut pipe = child.stdin.take().expect("piped stdin");
    let input = stdin.to_vec();
    let feeder = std::thread::spawn(move || pipe.write_all(&input));
    let out = child.wait_with_output().expect("example ran");
    feeder
        .join()
        .expect("the feeder thread")
        .expect("stdin written");
    assert!(
        out.status.success(),
        "example {name} {args:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}
