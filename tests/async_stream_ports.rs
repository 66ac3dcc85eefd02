//! async-stream's own tests and README examples, rewritten for async coroutines: streams with
//! and without items, fused ends, streams returned from functions and borrowing from their
//! arguments or `self`, a stream consuming another, `try_stream!`'s errors, channels driven by a
//! real executor (futures-executor, and tokio's current-thread and multi-threaded runtimes), and
//! a stream that awaits a tokio timer and a TCP read on 127.0.0.1.

use core::future::poll_fn;
use core::pin::{Pin, pin};
use std::time::Duration;

use resumable::async_gen::{FusedStream, Stream};
use resumable::{AsyncResumable, coroutine, resumable, yield_, yield_from};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// `StreamExt::next`.
async fn next<S: Stream + ?Sized>(mut s: Pin<&mut S>) -> Option<S::Item> {
    poll_fn(|cx| s.as_mut().poll_next(cx)).await
}

/// `StreamExt::collect`.
async fn collect<S: Stream>(s: S) -> Vec<S::Item> {
    let mut s = pin!(s);
    let mut out = Vec::new();
    while let Some(item) = next(s.as_mut()).await {
        out.push(item);
    }
    out
}

// (Tokio's runtimes, with their I/O and timer drivers, are not run under Miri.)
#[cfg(not(miri))]
fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_stream_without_yields_has_no_items_and_still_runs_its_body() {
    let mut ran = false;
    {
        let ran = &mut ran;
        let s = coroutine!(yield = u8, async move |()| {
            *ran = true;
        });
        assert!(futures_executor::block_on(collect(s)).is_empty());
    }
    assert!(ran);
}

#[resumable(async, yield = &'static str)]
fn words() {
    yield_!("hello");
    yield_!("world");
    yield_!("dizzy");
}

#[test]
fn one_and_several_values() {
    let one = coroutine!(async |()| yield_!("hello"));
    assert_eq!(futures_executor::block_on(collect(one)), ["hello"]);
    assert_eq!(
        futures_executor::block_on(collect(words())),
        ["hello", "world", "dizzy"]
    );
}

#[test]
fn fused() {
    futures_executor::block_on(async {
        let mut s = pin!(coroutine!(async |()| yield_!("hello")));
        assert!(!s.is_terminated());
        assert_eq!(next(s.as_mut()).await, Some("hello"));
        assert_eq!(next(s.as_mut()).await, None);
        assert!(s.is_terminated());
        assert_eq!(next(s.as_mut()).await, None);
    });
}

/// A stream returned as `impl Stream`, as async-stream's `return_stream`.
fn build_stream() -> impl Stream<Item = u32> {
    #[resumable(async, yield = u32)]
    fn one_two_three() {
        yield_!(1);
        yield_!(2);
        yield_!(3);
    }
    one_two_three()
}

#[test]
fn a_stream_returned_from_a_function() {
    assert_eq!(
        futures_executor::block_on(collect(build_stream())),
        [1, 2, 3]
    );
}

struct Data(String);

impl Data {
    #[resumable(async, yield = &'a str)]
    fn stream<'a>(&'a self) {
        yield_!(&self.0[..]);
    }
}

#[test]
fn a_stream_borrowing_self() {
    let data = Data("hello".to_owned());
    futures_executor::block_on(async {
        let mut s = pin!(data.stream());
        assert_eq!(next(s.as_mut()).await, Some("hello"));
        assert_eq!(next(s.as_mut()).await, None);
    });
}

#[resumable(async, yield = &'a str)]
fn split<'a>(text: &'a str, sep: char) {
    for part in text.split(sep) {
        yield_!(part);
    }
}

#[test]
fn a_stream_borrowing_its_argument() {
    let text = String::from("a,b,c");
    assert_eq!(
        futures_executor::block_on(collect(split(&text, ','))),
        ["a", "b", "c"]
    );
}

#[resumable(async, yield = u32)]
fn zero_to_three() {
    for i in 0..3 {
        yield_!(i);
    }
}

#[test]
fn a_stream_in_a_stream() {
    // Consumed by hand, as async-stream's `stream_in_stream` ...
    let s = coroutine!(async |()| {
        let mut inner = pin!(zero_to_three());
        while let Some(v) = next(inner.as_mut()).await {
            yield_!(v);
        }
    });
    assert_eq!(futures_executor::block_on(collect(s)), [0, 1, 2]);
    // ... and by delegation.
    #[resumable(async, yield = u32)]
    fn twice() {
        yield_from!(zero_to_three());
        yield_from!(zero_to_three());
    }
    assert_eq!(
        futures_executor::block_on(collect(twice())),
        [0, 1, 2, 0, 1, 2]
    );
}

/// async-stream's README: a stream that doubles what another yields.
#[resumable(async, yield = u32)]
fn double<S: Stream<Item = u32>>(input: S) {
    let mut input = pin!(input);
    while let Some(value) = next(input.as_mut()).await {
        yield_!(value * 2);
    }
}

#[test]
fn the_readme_examples() {
    assert_eq!(
        futures_executor::block_on(collect(double(zero_to_three()))),
        [0, 2, 4]
    );
}

#[resumable(async, yield = &'static str)]
fn single_err(fail: bool) -> Result<(), &'static str> {
    if fail {
        Err("hello")?;
    } else {
        yield_!("world");
    }
    Ok(())
}

#[resumable(async, yield = &'static str)]
fn yield_then_err() -> Result<(), &'static str> {
    yield_!("hello");
    Err("world")?;
    unreachable!();
}

#[derive(Debug, PartialEq)]
struct ErrorA(u8);

#[derive(Debug, PartialEq)]
struct ErrorB(u8);

impl From<ErrorA> for ErrorB {
    fn from(a: ErrorA) -> Self {
        Self(a.0)
    }
}

#[resumable(async, yield = &'static str)]
fn convert_err(a: bool) -> Result<(), ErrorB> {
    if a {
        Err(ErrorA(1))?;
    } else {
        Err(ErrorB(2))?;
    }
    yield_!("unreachable");
    Ok(())
}

#[test]
fn try_stream_errors() {
    futures_executor::block_on(async {
        assert_eq!(collect(single_err(true).try_stream()).await, [Err("hello")]);
        assert_eq!(collect(single_err(false).try_stream()).await, [Ok("world")]);
        assert_eq!(
            collect(yield_then_err().try_stream()).await,
            [Ok("hello"), Err("world")]
        );
        assert_eq!(
            collect(convert_err(true).try_stream()).await,
            [Err(ErrorB(1))]
        );
        assert_eq!(
            collect(convert_err(false).try_stream()).await,
            [Err(ErrorB(2))]
        );
    });
}

#[resumable(async, yield = T)]
fn receive<T>(mut rx: mpsc::Receiver<T>) {
    while let Some(v) = rx.recv().await {
        yield_!(v);
    }
}

#[test]
fn consume_a_channel_on_futures_executor() {
    let (tx, rx) = mpsc::channel(10);
    futures_executor::block_on(async {
        let mut s = pin!(receive(rx));
        for i in 0..3 {
            tx.send(i).await.unwrap();
            assert_eq!(next(s.as_mut()).await, Some(i));
        }
        drop(tx);
        assert_eq!(next(s.as_mut()).await, None);
    });
}

#[test]
#[cfg(not(miri))]
fn consume_a_channel_filled_by_another_task_on_tokio_current_thread() {
    current_thread().block_on(async {
        let (tx, rx) = mpsc::channel(1);
        // The stream waits for the producer task on every item (the channel holds one): each
        // wake must reach tokio's waker.
        let producer = tokio::spawn(async move {
            for i in 0..100_u32 {
                tx.send(i).await.unwrap();
            }
        });
        let items = collect(receive(rx)).await;
        assert_eq!(items, (0..100).collect::<Vec<_>>());
        producer.await.unwrap();
    });
}

#[test]
#[cfg(not(miri))]
fn a_stream_is_spawned_on_tokio_multi_threaded() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (tx, rx) = mpsc::channel(2);
        let producer = tokio::spawn(async move {
            for i in 0..50_u64 {
                tx.send(i).await.unwrap();
            }
        });
        // The stream itself is `Send`: it runs as a task of its own.
        let consumer = tokio::spawn(async move {
            let mut sum = 0;
            let mut s = pin!(double_u64(receive(rx)));
            while let Some(x) = next(s.as_mut()).await {
                sum += x;
            }
            sum
        });
        producer.await.unwrap();
        assert_eq!(consumer.await.unwrap(), 2 * (0..50).sum::<u64>());
    });
}

#[cfg(not(miri))]
#[resumable(async, yield = u64)]
fn double_u64<S: Stream<Item = u64>>(input: S) {
    let mut input = pin!(input);
    while let Some(value) = next(input.as_mut()).await {
        tokio::task::yield_now().await;
        yield_!(value * 2);
    }
}

/// Lines read from a TCP connection, each after a short sleep.
#[resumable(async, yield = String)]
fn lines_after_sleeps(addr: std::net::SocketAddr) -> std::io::Result<()> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let mut lines = BufReader::new(stream).lines();
    loop {
        tokio::time::sleep(Duration::from_millis(1)).await;
        match lines.next_line().await? {
            Some(line) => yield_!(line),
            None => return Ok(()),
        }
    }
}

#[test]
#[cfg(not(miri))]
fn a_stream_awaits_a_tokio_timer_and_a_tcp_read() {
    current_thread().block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            for word in ["one", "two", "three"] {
                // The client waits for each line: its read is pending, then woken.
                tokio::time::sleep(Duration::from_millis(2)).await;
                socket
                    .write_all(format!("{word}\n").as_bytes())
                    .await
                    .unwrap();
            }
        });
        let items = collect(lines_after_sleeps(addr).try_stream()).await;
        let items: Vec<String> = items.into_iter().map(Result::unwrap).collect();
        assert_eq!(items, ["one", "two", "three"]);
        server.await.unwrap();
    });
}

#[test]
fn an_async_coroutine_is_send_when_what_it_holds_is() {
    fn assert_send<T: Send>(_: &T) {}
    let (_tx, rx) = mpsc::channel::<u8>(1);
    assert_send(&receive(rx));
    assert_send(&lines_after_sleeps("127.0.0.1:1".parse().unwrap()));
    assert_send(&single_err(true).try_stream());
}
