use resumable::coroutine;

fn main() {
    let _c = coroutine!(fn body() {});
}
