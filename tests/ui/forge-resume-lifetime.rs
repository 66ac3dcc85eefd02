// A `&'a str` passed to `resume` cannot come back as `&'static str`: the coroutine is invariant
// in its resume type.
use core::pin::pin;
use resumable::{coroutine, Resumable, State};

fn forge_resume(s: &str) -> &'static str {
    let mut co = pin!(coroutine!(|x: &'static str| -> &'static str { x }));
    match co.as_mut().resume(s) {
        State::Complete(v) => v,
        State::Yielded(()) => unreachable!(),
    }
}

fn main() {
    let s = String::from("short-lived");
    let forged = forge_resume(&s);
    drop(s);
    println!("{forged}");
}
