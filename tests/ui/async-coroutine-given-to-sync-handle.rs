use resumable::{coroutine, resumable, yield_, Coroutine};

#[resumable(async, yield = u32)]
fn ticks() {
    yield_!(1);
}

fn main() {
    // The Lua-style handle resumes synchronously: it does not take an async coroutine.
    let _co = Coroutine::new(ticks());
    let _wrapped = Coroutine::new(coroutine!(async |x: u32| {
        yield_!(x);
    }))
    .wrap();
}
