// The first resume's argument, with an elided lifetime, cannot be stored where a `'static` one
// is expected.
use core::cell::Cell;
use core::pin::pin;
use resumable::{resumable, yield_, Resumable};

thread_local! {
    static STASH: Cell<&'static str> = const { Cell::new("") };
}

#[resumable(resume = &str)]
fn stash(_: &u8, #[resume] first: &str) {
    STASH.with(|s| s.set(first));
    let _ = yield_!();
}

fn main() {
    let byte = 0;
    let text = String::from("short-lived");
    {
        let mut co = pin!(stash(&byte));
        let _ = co.as_mut().resume(&text);
    }
    drop(text);
    STASH.with(|s| println!("{}", s.get()));
}
