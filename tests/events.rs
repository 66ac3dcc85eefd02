//! `resumable::events`: the seed's callback event loop and coroutines on top of it.
//!
//! The three versions of `examples/reverse.rs` (seeds 33, 34, 35) print Lua's output on the
//! seeds' input and the same output as each other on 100,000 lines through a pipe and on empty
//! input; two coroutines interleave on one loop; late callbacks are harmless; coroutines left
//! waiting are reported. Every test is bounded by a watchdog.

#![cfg(unix)]

use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use resumable::events::{
    self, Resume, Stalled, Stream, Suspend, Task, bridge, get_line, put_line, read_line, run_loop,
    start, write_line,
};
use resumable::{coroutine, resumable, yield_from};

mod example_runner;
use example_runner::run_example;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Ends the whole test process if the returned guard is still alive after `seconds`: an event
/// loop that hangs fails the run instead of blocking CI.
fn watchdog(seconds: u64) -> impl Drop {
    struct Guard(Arc<AtomicBool>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let done = Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    std::thread::spawn(move || {
        for _ in 0..seconds * 10 {
            std::thread::sleep(Duration::from_millis(100));
            if flag.load(Ordering::SeqCst) {
                return;
            }
        }
        eprintln!("watchdog: a test of tests/events.rs hung for {seconds} s");
        std::process::exit(101);
    });
    Guard(done)
}

/// `(NAME, body)` for each `=== seed NAME.lua ===` section.
fn sections(output: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in output.split_inclusive('\n') {
        if let Some(name) = line
            .trim_end()
            .strip_prefix("=== seed ")
            .and_then(|l| l.strip_suffix(".lua ==="))
        {
            out.push((name.to_owned(), String::new()));
        } else {
            out.last_mut().expect("a heading first").1.push_str(line);
        }
    }
    out
}

#[test]
#[cfg_attr(miri, ignore = "runs cargo")]
fn seeds_33_34_35_match_lua_output() {
    let _guard = watchdog(300);
    let input = std::fs::read(golden_dir().join("lines.txt")).unwrap();
    let output = run_example("reverse", &[], &input);
    let found = sections(&output);
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "33_reverse_lines_sync",
            "34_event_driven_reverse_callbacks",
            "35_event_driven_reverse_coroutines"
        ]
    );
    for (name, body) in &found {
        let golden = std::fs::read_to_string(golden_dir().join(format!("{name}.out"))).unwrap();
        assert_eq!(body, &golden, "seed {name}");
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs cargo")]
fn three_versions_agree_on_100000_lines_and_on_empty_input() {
    let _guard = watchdog(300);
    let numbered = |i: u32| format!("line {i}\n");
    let input: String = (0..100_000).map(numbered).collect::<Vec<_>>().concat();
    let expected: String = (0..100_000)
        .rev()
        .map(numbered)
        .collect::<Vec<_>>()
        .concat();
    for input in [input.into_bytes(), Vec::new()] {
        let expected = if input.is_empty() { "" } else { &expected };
        for version in ["sync", "callbacks", "coroutines"] {
            let output = run_example("reverse", &[version], &input);
            let found = sections(&output);
            assert_eq!(found.len(), 1, "{version}");
            assert!(found[0].1 == expected, "{version} on {} bytes", input.len());
        }
    }
}

/// Echoes every line it reads from `socket` back, until the peer closes it.
#[resumable(yield = Suspend)]
fn echo(socket: Stream, log: Rc<RefCell<Vec<String>>>) -> std::io::Result<usize> {
    let mut count = 0;
    while let Some(line) = yield_from!(get_line(&socket))? {
        log.borrow_mut().push(format!("echo {line}"));
        yield_from!(put_line(&socket, format!("{line}\n")))?;
        count += 1;
    }
    Ok(count)
}

/// Copies the lines of `input` to `socket` one by one, waiting for each echo.
#[resumable(yield = Suspend)]
fn copy(
    input: Stream,
    socket: Stream,
    raw: UnixStream,
    log: Rc<RefCell<Vec<String>>>,
) -> std::io::Result<Vec<String>> {
    let mut echoed = Vec::new();
    while let Some(line) = yield_from!(get_line(&input))? {
        log.borrow_mut().push(format!("send {line}"));
        yield_from!(put_line(&socket, format!("{line}\n")))?;
        let back = yield_from!(get_line(&socket))?.expect("an echo");
        log.borrow_mut().push(format!("back {back}"));
        echoed.push(back);
    }
    raw.shutdown(Shutdown::Write)?;
    Ok(echoed)
}

#[test]
#[cfg_attr(miri, ignore = "epoll")]
fn two_coroutines_interleave_on_one_loop() {
    let _guard = watchdog(20);
    let (a, b) = UnixStream::pair().unwrap();
    let raw = b.try_clone().unwrap();
    let (reader, mut writer) = std::io::pipe().unwrap();
    writer.write_all(b"one\ntwo\nthree\n").unwrap();
    drop(writer);
    let log = Rc::new(RefCell::new(Vec::new()));
    let echoer = start(echo(Stream::new(a).unwrap(), log.clone()));
    let copier = start(copy(
        Stream::new(reader).unwrap(),
        Stream::new(b).unwrap(),
        raw,
        log.clone(),
    ));
    run_loop().unwrap();
    assert_eq!(echoer.take_result().unwrap().unwrap(), 3);
    assert_eq!(
        copier.take_result().unwrap().unwrap(),
        ["one", "two", "three"]
    );
    let expected: Vec<String> = ["one", "two", "three"]
        .iter()
        .flat_map(|l| {
            [
                format!("send {l}"),
                format!("echo {l}"),
                format!("back {l}"),
            ]
        })
        .collect();
    assert_eq!(*log.borrow(), expected);
}

#[test]
#[cfg_attr(miri, ignore = "epoll")]
fn callbacks_and_regular_files_complete_through_the_same_api() {
    /// Reads a line of `file`, writes it with a `!` to `out`, again until the end.
    fn next(file: Stream, out: Stream, lines: Rc<RefCell<Vec<Option<String>>>>) {
        read_line(&file.clone(), move |line| {
            let line = line.unwrap();
            lines.borrow_mut().push(line.clone());
            if let Some(line) = line {
                write_line(&out.clone(), line + "!", move |r| {
                    r.unwrap();
                    next(file, out, lines);
                });
            }
        });
    }
    let _guard = watchdog(20);
    let path = std::env::temp_dir().join(format!("resumable-events-{}.txt", std::process::id()));
    std::fs::write(&path, "x\ny").unwrap();
    let file = Stream::new(std::fs::File::open(&path).unwrap()).unwrap();
    assert!(file.is_regular_file());
    let (out, mut sink) = UnixStream::pair().unwrap();
    let out = Stream::new(out).unwrap();
    let lines = Rc::new(RefCell::new(Vec::new()));
    next(file, out, lines.clone());
    run_loop().unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        *lines.borrow(),
        [Some("x".to_owned()), Some("y".to_owned()), None]
    );
    sink.set_nonblocking(true).unwrap();
    let mut text = String::new();
    let _ = sink.read_to_string(&mut text);
    assert_eq!(text, "x!y!");
}

#[test]
#[cfg_attr(miri, ignore = "epoll")]
fn a_callback_after_close_or_drop_is_harmless() {
    let _guard = watchdog(20);
    let pending: Rc<RefCell<Vec<Resume<u32>>>> = Rc::default();
    #[resumable(yield = Suspend)]
    fn make(pending: Rc<RefCell<Vec<Resume<u32>>>>) -> std::io::Result<u32> {
        let v = yield_from!(bridge(|r| pending.borrow_mut().push(r)));
        Ok(v)
    }
    let closed = start(make(pending.clone()));
    // Not on the loop (which would keep it alive): only this handle holds it.
    let dropped = Task::new(make(pending.clone()));
    dropped.start();
    let kept = start(make(pending.clone()));
    closed.close().unwrap();
    drop(dropped);
    let resumers: Vec<Resume<u32>> = pending.borrow_mut().drain(..).collect();
    for (i, resume) in (0..).zip(resumers) {
        resume.resume(i);
    }
    assert!(closed.take_result().is_none());
    assert_eq!(kept.take_result().unwrap().unwrap(), 2);
    run_loop().unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "epoll")]
fn a_coroutine_left_waiting_is_reported_when_the_loop_ends() {
    let _guard = watchdog(20);
    let stuck = start(coroutine!(|()| -> std::io::Result<()> {
        yield_from!(bridge(|resume: Resume<()>| drop(resume)));
        Ok(())
    }));
    let error = run_loop().unwrap_err();
    let stalled = error.get_ref().unwrap().downcast_ref::<Stalled>().unwrap();
    assert_eq!(stalled.suspended(), 1);
    assert!(stuck.take_result().is_none());
    // Reported once: the loop forgot it.
    run_loop().unwrap();
    let error = events::run(coroutine!(|()| -> std::io::Result<()> {
        yield_from!(bridge(|resume: Resume<()>| drop(resume)));
        Ok(())
    }))
    .unwrap_err();
    assert!(
        error.to_string().contains("1 coroutine(s) suspended"),
        "{error}"
    );
}
