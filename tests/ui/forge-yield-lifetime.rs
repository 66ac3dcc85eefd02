// A value borrowed for `'a` cannot come out of `resume` as `&'static`: the coroutine is
// invariant in its yield type.
use core::pin::pin;
use resumable::{coroutine, yield_, Resumable};

fn forge_yield<'a>(s: &'a str) -> &'static str {
    let mut co = pin!(coroutine!(move |_: ()| {
        yield_!(s);
    }));
    co.as_mut().resume(()).yielded().unwrap()
}

fn main() {
    let s = String::from("short-lived");
    let forged = forge_yield(&s);
    drop(s);
    println!("{forged}");
}
