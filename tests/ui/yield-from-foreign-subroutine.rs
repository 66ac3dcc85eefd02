// `Subroutine` is documented as sealed, but `resumable::delegate::Sealed` can be named and
// implemented; with it, safe code hands the driver a body of other types (UB under Miri).
use resumable::{resumable, yield_, yield_from, Subroutine};

#[resumable(yield = String)]
fn strings() {
    yield_!(String::from("hello"));
}

/// Claims to yield `[u64; 4]`, but its body is that of a coroutine yielding `String`.
struct Liar<S>(S);

impl<S> resumable::delegate::Sealed for Liar<S> {}

impl<S: Subroutine<()>> Subroutine<()> for Liar<S> {
    type Yield = [u64; 4];
    type Return = S::Return;
    type __Body = S::__Body;
    fn __into_body(self) -> Self::__Body {
        self.0.__into_body()
    }
}

#[resumable(yield = [u64; 4])]
fn outer() {
    yield_from!(Liar(strings()));
}

fn main() {
    for x in outer() {
        println!("{x:?}");
    }
}
