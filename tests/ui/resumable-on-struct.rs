use resumable::resumable;

#[resumable(yield = u32)]
struct Numbers {
    next: u32,
}

fn main() {
    let n = Numbers { next: 1 };
    let _ = n.next;
}
