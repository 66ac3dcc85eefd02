use std::rc::Rc;

use resumable::{resumable, yield_};

#[resumable(async, yield = u32)]
fn counts() {
    let shared = Rc::new(1);
    core::future::ready(()).await;
    yield_!(*shared);
}

fn assert_send<T: Send>(_: T) {}

fn main() {
    // An async coroutine holding an `Rc` across a suspension is not `Send`.
    assert_send(counts());
}
