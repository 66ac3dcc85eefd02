use std::rc::Rc;

use resumable::{Resumable, resumable, yield_};

#[resumable(yield = u32)]
fn counter() {
    let shared = Rc::new(1);
    yield_!(*shared);
    yield_!(*shared + 1);
}

fn main() {
    let mut c = Box::pin(counter());
    std::thread::spawn(move || {
        let _ = c.as_mut().resume(());
    });
}
