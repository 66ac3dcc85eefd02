use resumable::{resumable, yield_, yield_from};

#[resumable(async, yield = u32)]
fn ticks() {
    yield_!(1);
}

#[resumable(yield = u32)]
fn sync_caller() {
    // A synchronous coroutine cannot run an async one: it could not await what it awaits.
    yield_from!(ticks());
}

fn main() {
    for _ in sync_caller() {}
}
