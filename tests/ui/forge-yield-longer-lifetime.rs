// A method cannot hand out a `&'b str` as the longer-lived `&'s str` of its declared yield type.
use core::pin::pin;
use resumable::{resumable, yield_, Resumable};

struct Holder(String);

impl Holder {
    #[resumable(yield = &str)]
    fn lengthen<'s, 'b>(&'s self, b: &'b str)
    where
        's: 'b,
    {
        let _ = &self.0;
        yield_!(b);
    }
}

fn main() {
    let holder = Holder(String::from("long-lived"));
    let out: &str;
    {
        let short = String::from("short-lived");
        let mut co = pin!(holder.lengthen(&short));
        out = co.as_mut().resume(()).yielded().unwrap();
    }
    println!("{out}");
}
