use std::rc::Rc;

use resumable::{Resumable, resumable, yield_, yield_from};

#[resumable(yield = u32)]
fn shared_counter() {
    let shared = Rc::new(1);
    yield_!(*shared);
    yield_!(*shared + 1);
}

#[resumable(yield = u32)]
fn outer() {
    yield_!(0);
    yield_from!(shared_counter());
}

fn main() {
    let mut c = Box::pin(outer());
    std::thread::spawn(move || {
        let _ = c.as_mut().resume(());
    });
}
