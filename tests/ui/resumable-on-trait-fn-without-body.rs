use resumable::resumable;

trait Numbers {
    #[resumable(yield = u32)]
    fn numbers(&self);
}

fn main() {}
