// An `.await` hidden in another macro's arguments is found too.
use resumable::{resumable, yield_};

async fn fetch() -> u32 {
    1
}

#[resumable(yield = u32)]
fn numbers() {
    println!("{}", fetch().await);
    yield_!(1);
}

fn main() {
    for _ in numbers() {}
}
