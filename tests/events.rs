//! `resumable::events`: the seed's callback event loop and coroutines on top of it.
//!
//! The three versions of `examples/reverse.rs` (seeds 33, 34, 35) print Lua's output on the
//! seeds' input and the same output as each other on 100,000 lines through a pipe and on empty
//! input; two coroutines interleave on one loop; dispatcher tasks and event-loop work share one
//! reactor; late callbacks are harmless; coroutines left waiting are reported. Every test is
//! bounded by a watchdog. Issue 12: bad descriptors, duplicated descriptors, waits of closed
//! coroutines, finished tasks and endless lines neither abort, hang nor grow the heap.

#![cfg(unix)]

use std::cell::{Cell, RefCell};
use std::io::{Read, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use resumable::dispatch::{Dispatcher, Wait, sleep};
use resumable::events::{
    self, Resume, Stalled, Stream, Suspend, Task, bridge, get_line, put_line, read_line, run_loop,
    start, write_line,
};
use resumable::{coroutine, resumable, yield_, yield_from};

mod example_runner;
use example_runner::run_example;
#[path = "many_sockets/heap.rs"]
mod heap;

#[global_allocator]
static HEAP: heap::Counting = heap::Counting;

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

/// A dispatcher task: sends `rounds` lines `"ping N"` over `socket` (a plain non-blocking
/// socket, waited for with [`Wait`]s), each after the reply to the one before, and returns
/// the replies.
#[resumable(yield = Wait)]
fn pinger(socket: UnixStream, rounds: usize) -> std::io::Result<Vec<String>> {
    socket.set_nonblocking(true)?;
    let mut replies = Vec::new();
    let mut pending: Vec<u8> = Vec::new();
    for i in 0..rounds {
        let message = format!("ping {i}\n");
        let mut sent = 0;
        while sent < message.len() {
            match (&socket).write(&message.as_bytes()[sent..]) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    yield_!(Wait::writable(&socket));
                }
                Err(e) => return Err(e),
            }
        }
        let line = loop {
            if let Some(end) = pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = pending.drain(..=end).collect();
                break String::from_utf8_lossy(&line[..end]).into_owned();
            }
            let mut buf = [0; 256];
            match (&socket).read(&mut buf) {
                Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => pending.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    yield_!(Wait::readable(&socket));
                }
                Err(e) => return Err(e),
            }
        };
        replies.push(line);
    }
    socket.shutdown(Shutdown::Write)?;
    Ok(replies)
}

/// The seed's callback style: answers every line of `socket` with `"pong " + line` until the
/// peer closes it; counts the lines in `count`.
fn callback_echo(socket: Stream, count: Rc<Cell<usize>>) {
    read_line(&socket.clone(), move |line| {
        if let Some(line) = line.unwrap() {
            count.set(count.get() + 1);
            let reply = format!("pong {line}\n");
            write_line(&socket.clone(), reply, move |done| {
                done.unwrap();
                callback_echo(socket, count);
            });
        }
    });
}

/// One reactor, not two: dispatcher tasks and event-loop work wait in the same poll. Each
/// dispatcher task below can only go on once an event-loop callback or coroutine has answered
/// it, and vice versa, 200 times over; with a poll of its own for each, `Dispatcher::run`
/// would block for ever on the first ping (the watchdog would fail the test).
#[test]
#[cfg_attr(miri, ignore = "epoll")]
fn dispatcher_tasks_and_event_loop_work_share_one_reactor() {
    const ROUNDS: usize = 200;
    let _guard = watchdog(20);
    // Pair 1: a dispatcher task talks to a coroutine started on the event loop.
    let (task_end, loop_end) = UnixStream::pair().unwrap();
    let log = Rc::new(RefCell::new(Vec::new()));
    let echoer = start(echo(Stream::new(loop_end).unwrap(), log.clone()));
    // Pair 2: another dispatcher task talks to plain callbacks.
    let (task_end_2, loop_end_2) = UnixStream::pair().unwrap();
    let answered = Rc::new(Cell::new(0));
    callback_echo(Stream::new(loop_end_2).unwrap(), answered.clone());

    let mut dispatcher = Dispatcher::new();
    dispatcher.spawn(pinger(task_end, ROUNDS));
    dispatcher.spawn(pinger(task_end_2, ROUNDS));
    dispatcher.spawn(coroutine!(|()| -> std::io::Result<Vec<String>> {
        yield_from!(sleep(Duration::from_millis(5)));
        Ok(Vec::new())
    }));
    let results = dispatcher.run().unwrap();

    let sent: Vec<String> = (0..ROUNDS).map(|i| format!("ping {i}")).collect();
    let answers: Vec<String> = sent.iter().map(|p| format!("pong {p}")).collect();
    assert_eq!(results[0].as_ref().unwrap(), &sent);
    assert_eq!(results[1].as_ref().unwrap(), &answers);
    assert!(results[2].as_ref().unwrap().is_empty());
    assert_eq!(
        log.borrow().len(),
        ROUNDS,
        "the coroutine answered during the run"
    );
    assert_eq!(
        answered.get(),
        ROUNDS,
        "the callbacks answered during the run"
    );
    // The end of the stream reaches the event loop's side; its own loop finishes it.
    run_loop().unwrap();
    assert_eq!(echoer.take_result().unwrap().unwrap(), ROUNDS);
}

/// A `stop()` queued on the event loop stays for `run_loop`: a dispatcher run drives the
/// operations asked for before it, and leaves the ones after it alone.
#[test]
#[cfg_attr(miri, ignore = "epoll")]
fn a_dispatcher_run_leaves_the_event_loop_stop_to_run_loop() {
    let _guard = watchdog(20);
    let (mut feed, reader) = UnixStream::pair().unwrap();
    feed.write_all(b"first\nsecond\n").unwrap();
    let stream = Stream::new(reader).unwrap();
    let seen = Rc::new(RefCell::new(Vec::new()));
    for _ in 0..2 {
        let seen = seen.clone();
        read_line(&stream, move |line| {
            seen.borrow_mut().push(line.unwrap().unwrap());
        });
        events::stop();
    }
    let mut dispatcher = Dispatcher::new();
    dispatcher.spawn(coroutine!(|()| -> std::io::Result<()> {
        yield_from!(sleep(Duration::from_millis(1)));
        Ok(())
    }));
    dispatcher.run().unwrap().pop().unwrap().unwrap();
    assert_eq!(*seen.borrow(), ["first"], "ran up to the first stop");
    run_loop().unwrap(); // takes the first stop
    assert_eq!(*seen.borrow(), ["first"]);
    run_loop().unwrap(); // the second read, then the second stop
    assert_eq!(*seen.borrow(), ["first", "second"]);
}

/// The other way round: `run_loop` drives a dispatcher task (the same `pinger` as above, its
/// `Wait`s turned into waits on the loop by `from_dispatch`) and the callbacks it talks to.
#[test]
#[cfg_attr(miri, ignore = "epoll")]
fn run_loop_drives_a_dispatcher_task_next_to_callbacks() {
    const ROUNDS: usize = 100;
    let _guard = watchdog(20);
    let (task_end, loop_end) = UnixStream::pair().unwrap();
    let answered = Rc::new(Cell::new(0));
    callback_echo(Stream::new(loop_end).unwrap(), answered.clone());
    let task = start(events::from_dispatch(pinger(task_end, ROUNDS)));
    run_loop().unwrap();
    let replies = task.take_result().unwrap().unwrap();
    let expected: Vec<String> = (0..ROUNDS).map(|i| format!("pong ping {i}")).collect();
    assert_eq!(replies, expected);
    assert_eq!(answered.get(), ROUNDS);
}

/// `when` and `wait` on the loop: deadlines in order with the loop's other operations, waits
/// for a descriptor, an error for a descriptor epoll refuses, and a wait whose coroutine was
/// closed fires harmlessly.
#[test]
#[cfg_attr(miri, ignore = "epoll")]
fn waits_for_deadlines_and_descriptors_on_the_loop() {
    use std::time::Instant;
    let _guard = watchdog(20);
    let log = Rc::new(RefCell::new(Vec::new()));
    let start_time = Instant::now();
    // A coroutine sleeping twice, a callback timer between its two wake-ups.
    let sleeper = {
        let log = log.clone();
        start(coroutine!(move |()| -> std::io::Result<()> {
            for ms in [10, 40] {
                let deadline = start_time + Duration::from_millis(ms);
                yield_from!(events::wait(Wait::until(deadline)))?;
                assert!(Instant::now() >= deadline);
                log.borrow_mut().push(format!("slept {ms}"));
            }
            Ok(())
        }))
    };
    {
        let log = log.clone();
        events::when(
            Wait::until(start_time + Duration::from_millis(25)),
            move |result| {
                result.unwrap();
                log.borrow_mut().push("timer 25".to_owned());
            },
        );
    }
    // A coroutine waiting for a socket that a thread writes to later.
    let (mut feed, socket) = UnixStream::pair().unwrap();
    socket.set_nonblocking(true).unwrap();
    let reader = {
        let log = log.clone();
        start(coroutine!(move |()| -> std::io::Result<u8> {
            let mut byte = [0];
            loop {
                match (&socket).read(&mut byte) {
                    Ok(_) => break,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        yield_from!(events::wait(Wait::readable(&socket)))?;
                    }
                    Err(e) => return Err(e),
                }
            }
            log.borrow_mut().push("read".to_owned());
            Ok(byte[0])
        }))
    };
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(60));
        feed.write_all(b"!").unwrap();
        feed
    });
    // A coroutine closed while it waits: its deadline fires into nothing.
    let closed = start(coroutine!(|()| -> std::io::Result<()> {
        yield_from!(events::wait(Wait::until(
            Instant::now() + Duration::from_millis(5)
        )))?;
        unreachable!("closed before its deadline");
    }));
    closed.close().unwrap();
    run_loop().unwrap();
    sleeper.take_result().unwrap().unwrap();
    assert_eq!(reader.take_result().unwrap().unwrap(), b'!');
    assert_eq!(*log.borrow(), ["slept 10", "timer 25", "slept 40", "read"]);
    drop(writer.join().unwrap());

    // A regular file cannot be waited for: the error reaches the coroutine.
    let file = std::fs::File::open(golden_dir().join("lines.txt")).unwrap();
    let error = events::run(coroutine!(move |()| -> std::io::Result<()> {
        yield_from!(events::wait(Wait::readable(&file)))
    }))
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("cannot wait for file descriptor"),
        "{error}"
    );
}

/// Something that names any descriptor number, open or not.
struct AnyFd(i32);

impl std::os::fd::AsRawFd for AnyFd {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.0
    }
}

/// Regression (issue 12, item 1): a wait for a descriptor number that is not open calls back
/// with an `io::Error` naming the number, whatever the number (`i32::MAX` used to abort the
/// process while growing the reactor's table to it).
#[test]
#[cfg_attr(miri, ignore = "epoll")]
fn a_bad_descriptor_calls_back_with_an_error_whatever_its_number() {
    let _guard = watchdog(20);
    let errors = Rc::new(RefCell::new(Vec::new()));
    let bad = [-1, i32::MIN, 60_000, 1 << 20, i32::MAX - 1, i32::MAX];
    for fd in bad {
        let errors = errors.clone();
        events::when(Wait::readable(&AnyFd(fd)), move |result| {
            errors
                .borrow_mut()
                .push((fd, result.unwrap_err().to_string()));
        });
    }
    run_loop().unwrap();
    let errors = errors.borrow();
    assert_eq!(errors.len(), bad.len());
    for (fd, error) in errors.iter() {
        assert!(error.contains(&format!("file descriptor {fd}")), "{error}");
    }
}

/// Regression (issue 12, item 3): a coroutine closed while it waits on the loop takes its wait
/// back: 5,000 coroutines, each closed while waiting an hour for a socket, leave neither timers,
/// callbacks nor tasks behind (they used to hold the heap, and to keep the loop from ending for
/// that hour).
#[test]
#[cfg_attr(miri, ignore = "epoll")]
fn closed_coroutines_take_their_waits_back() {
    use std::time::Instant;
    const N: usize = 5_000;
    let _guard = watchdog(60);
    let (socket, _peer) = UnixStream::pair().unwrap();
    let socket = Rc::new(socket);
    let round = |n: usize| {
        let socket = socket.clone();
        events::run(coroutine!(move |()| -> std::io::Result<()> {
            for _ in 0..n {
                let socket = socket.clone();
                let waiter = start(coroutine!(move |()| -> std::io::Result<()> {
                    let hour = Instant::now() + Duration::from_secs(3600);
                    yield_from!(events::wait(Wait::readable(&*socket).or_until(Some(hour))))?;
                    unreachable!("closed before its socket or deadline");
                }));
                // Lets the loop register the wait, then closes the coroutine.
                yield_from!(events::wait(Wait::yield_now()))?;
                waiter.close().unwrap();
            }
            Ok(())
        }))
        .unwrap();
    };
    round(10); // the loop's and the reactor's first allocations
    let before = heap::live_bytes();
    round(N);
    let grown = heap::live_bytes() - before;
    assert!(grown < 16 * 1024, "{N} closed waits hold {grown} bytes");
    // Nothing waits any more: the loop ends at once.
    let started = Instant::now();
    run_loop().unwrap();
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// Regression (issue 12, item 4): with a `Dispatcher` as the main loop (`run_loop` never
/// called), coroutines started on the loop are freed once they finish and their handles are
/// gone: 20,000 of them leave the heap where it was (200,000 used to hold 43.7 MB).
#[test]
#[cfg_attr(miri, ignore = "epoll")]
fn finished_tasks_are_freed_when_a_dispatcher_is_the_main_loop() {
    const N: usize = 20_000;
    const WARM_UP: usize = 100;
    let _guard = watchdog(60);

    /// Starts `N` coroutines on the loop, each finishing after one wait, and drops their
    /// handles; returns how much the heap grew after the warm-up.
    #[resumable(yield = Wait)]
    fn starter() -> std::io::Result<isize> {
        let mut before = 0;
        for i in 0..N {
            if i == WARM_UP {
                before = heap::live_bytes();
            }
            drop(start(coroutine!(|()| -> std::io::Result<usize> {
                yield_from!(events::wait(Wait::yield_now()))?;
                Ok(1)
            })));
            // The loop's work runs between the dispatcher's rounds.
            yield_from!(resumable::dispatch::yield_now());
        }
        Ok(heap::live_bytes() - before)
    }

    let mut dispatcher = Dispatcher::new();
    dispatcher.spawn(starter());
    let grown = dispatcher.run().unwrap().pop().unwrap().unwrap();
    assert!(
        grown < 16 * 1024,
        "{} finished tasks hold {grown} bytes",
        N - WARM_UP
    );
}

/// Regression (issue 12, item 5): lines have a maximum length. A line past it fails with
/// `InvalidData` after the lines before it were delivered, and stays buffered: raising the
/// limit returns it whole, then the lines after it. A peer that floods without a newline gets
/// the error once about the limit is buffered, not all it sends (8 MiB here).
#[test]
#[cfg_attr(miri, ignore = "epoll")]
fn a_line_past_the_limit_fails_and_loses_nothing() {
    use std::io::ErrorKind;
    let _guard = watchdog(60);
    let long = "x".repeat(100_000);
    let (mut peer, ours) = UnixStream::pair().unwrap();
    let text = format!("one\ntwo\n{long}\nlast\n");
    let writer = std::thread::spawn(move || peer.write_all(text.as_bytes()));
    let stream = Stream::new(ours).unwrap();
    assert_eq!(stream.max_line_len(), events::DEFAULT_MAX_LINE_LEN);
    let lines = events::run(coroutine!(move |()| -> std::io::Result<Vec<String>> {
        let mut lines = Vec::new();
        for _ in 0..2 {
            lines.push(yield_from!(get_line(&stream))?.unwrap());
        }
        let error = yield_from!(get_line(&stream)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidData, "{error}");
        assert_eq!(error.to_string(), "line longer than 65536 bytes");
        stream.set_max_line_len(200_000);
        while let Some(line) = yield_from!(get_line(&stream))? {
            lines.push(line);
        }
        Ok(lines)
    }))
    .unwrap();
    assert_eq!(lines, ["one", "two", &long, "last"]);
    writer.join().unwrap().unwrap();

    // The flood: 8 MiB without a newline, then the end.
    let (mut peer, ours) = UnixStream::pair().unwrap();
    let flooder = std::thread::spawn(move || {
        let chunk = vec![b'y'; 64 * 1024];
        for _ in 0..128 {
            // Fails once the reader is gone: it read no more than the limit allows.
            peer.write_all(&chunk)?;
        }
        Ok::<_, std::io::Error>(())
    });
    let before = heap::live_bytes();
    let stream = Stream::new(ours).unwrap();
    let held = events::run(coroutine!(move |()| -> std::io::Result<isize> {
        let error = yield_from!(get_line(&stream)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidData, "{error}");
        Ok(heap::live_bytes() - before)
    }))
    .unwrap();
    assert!(
        held < 512 * 1024,
        "the flood made the stream hold {held} bytes"
    );
    let error = flooder.join().unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BrokenPipe, "{error}");
}

/// Whether `fd`'s open file description is non-blocking (`O_NONBLOCK`, shared by duplicates).
fn is_nonblocking(fd: &impl std::os::fd::AsRawFd) -> bool {
    // SAFETY: `fcntl(F_GETFL)` only reads the flags of a descriptor the caller keeps open.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    assert!(flags >= 0, "fcntl: {}", std::io::Error::last_os_error());
    flags & libc::O_NONBLOCK != 0
}

/// Regression (issue 12, item 2): two streams over one socket (`try_clone`): dropping one used
/// to restore blocking mode on the open file description both share, so the other's next read
/// blocked the whole thread, and the loop with it (here the line comes from the loop itself,
/// so a blocking read waits for ever).
#[test]
#[cfg_attr(miri, ignore = "epoll")]
fn dropping_one_stream_of_a_shared_socket_leaves_the_other_working() {
    use std::time::Instant;
    let _guard = watchdog(20);
    let (ours, mut peer) = UnixStream::pair().unwrap();
    let first = Stream::new(ours.try_clone().unwrap()).unwrap();
    let second = Stream::new(ours).unwrap();
    drop(first);
    events::when(
        Wait::until(Instant::now() + Duration::from_millis(50)),
        move |result| {
            result.unwrap();
            peer.write_all(b"late\n").unwrap();
        },
    );
    let got = Rc::new(RefCell::new(None));
    let seen = got.clone();
    read_line(&second, move |line| {
        *seen.borrow_mut() = Some(line.unwrap());
    });
    run_loop().unwrap();
    assert_eq!(got.borrow().clone().unwrap().as_deref(), Some("late"));
}

/// Regression (issue 12, item 2): creating or dropping a stream never changes the blocking mode
/// of the descriptors the caller still holds, for sockets and pipes, blocking or not.
#[test]
#[cfg_attr(miri, ignore = "fcntl")]
fn streams_leave_the_blocking_mode_of_shared_descriptors_alone() {
    use std::os::fd::AsRawFd;
    let _guard = watchdog(20);
    for nonblocking in [false, true] {
        let (socket, mut socket_peer) = UnixStream::pair().unwrap();
        let (pipe_reader, mut pipe_writer) = std::io::pipe().unwrap();
        socket.set_nonblocking(nonblocking).unwrap();
        let kept_socket = socket.try_clone().unwrap();
        let kept_pipe = pipe_reader.try_clone().unwrap();
        if nonblocking {
            // SAFETY: `fcntl(F_SETFL)` on a descriptor `kept_pipe` keeps open.
            let rc = unsafe {
                libc::fcntl(
                    kept_pipe.as_raw_fd(),
                    libc::F_SETFL,
                    libc::O_NONBLOCK | libc::fcntl(kept_pipe.as_raw_fd(), libc::F_GETFL),
                )
            };
            assert_eq!(rc, 0);
        }
        let streams = [
            Stream::new(socket).unwrap(),
            Stream::new(pipe_reader).unwrap(),
        ];
        let what = if nonblocking {
            "non-blocking"
        } else {
            "blocking"
        };
        assert_eq!(
            is_nonblocking(&kept_socket),
            nonblocking,
            "socket, {what}, created"
        );
        assert_eq!(
            is_nonblocking(&kept_pipe),
            nonblocking,
            "pipe, {what}, created"
        );
        socket_peer.write_all(b"s\n").unwrap();
        pipe_writer.write_all(b"p\n").unwrap();
        let lines = Rc::new(RefCell::new(Vec::new()));
        for stream in &streams {
            let lines = lines.clone();
            read_line(stream, move |line| {
                lines.borrow_mut().push(line.unwrap().unwrap());
            });
        }
        run_loop().unwrap();
        assert_eq!(*lines.borrow(), ["s", "p"]);
        drop(streams);
        assert_eq!(
            is_nonblocking(&kept_socket),
            nonblocking,
            "socket, {what}, dropped"
        );
        assert_eq!(
            is_nonblocking(&kept_pipe),
            nonblocking,
            "pipe, {what}, dropped"
        );
    }
}

/// Regression (issue 12, item 3): a coroutine closed while `get_line` waits for its peer takes
/// the read back: the stream it held is dropped at once (its peer sees the end), and no line
/// that arrives later is read for nobody. 1,000 such coroutines leave the heap where it was.
#[test]
#[cfg_attr(miri, ignore = "epoll")]
fn a_coroutine_closed_in_get_line_releases_its_stream() {
    const N: usize = 1_000;
    let _guard = watchdog(60);
    let round = |n: usize| {
        events::run(coroutine!(move |()| -> std::io::Result<()> {
            for _ in 0..n {
                let (ours, mut peer) = UnixStream::pair().unwrap();
                let stream = Stream::new(ours)?;
                let reader = start(coroutine!(move |()| -> std::io::Result<Option<String>> {
                    yield_from!(get_line(&stream))
                }));
                // Lets the loop try the read and park it, then closes the coroutine.
                yield_from!(events::wait(Wait::yield_now()))?;
                reader.close().unwrap();
                // Our end is closed: the peer reads the end at once, and can no longer write.
                peer.set_read_timeout(Some(Duration::from_secs(10)))?;
                assert_eq!(peer.read(&mut [0; 8])?, 0, "the stream was not released");
            }
            Ok(())
        }))
        .unwrap();
    };
    round(10);
    let before = heap::live_bytes();
    round(N);
    let grown = heap::live_bytes() - before;
    assert!(grown < 16 * 1024, "{N} closed reads hold {grown} bytes");
}
