//! The macros of [`resumable`](https://docs.rs/resumable): `#[resumable]` and `coroutine!`.
//! Use them through the `resumable` crate, which documents them; generated code refers to
//! `::resumable::__private`. The expansion itself lives in `resumable-macros-core`, as ordinary
//! functions that tests and the fuzzer call directly.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

/// Turns a function whose body contains `yield_!` points into a resumable coroutine. See the
/// `resumable` crate's documentation.
#[proc_macro_attribute]
pub fn resumable(args: TokenStream, item: TokenStream) -> TokenStream {
    resumable_macros_core::resumable(args.into(), item.into()).into()
}

/// `#[resumable]` for builds of `resumable` without its `alloc` feature (the facade re-exports
/// it under that name): as `resumable_alloc`, but besides a generator is not `IntoIterator` (that
/// boxes it) and a coroutine that delegates to nothing says so in its type, so that
/// `yield_from!` can run it without a frame.
#[proc_macro_attribute]
pub fn resumable_core(args: TokenStream, item: TokenStream) -> TokenStream {
    resumable_macros_core::resumable_core(args.into(), item.into()).into()
}

/// `#[resumable]` for builds of `resumable` with `alloc` but without `std` (the facade re-exports
/// it under that name): the same expansion, but a yield or resume type that borrows is an error
/// (without `std` they must be `'static`).
#[proc_macro_attribute]
pub fn resumable_alloc(args: TokenStream, item: TokenStream) -> TokenStream {
    resumable_macros_core::resumable_alloc(args.into(), item.into()).into()
}

/// Turns a closure whose body contains `yield_!` points into a resumable coroutine; its
/// parameter receives the first `resume`'s argument. See the `resumable` crate's documentation.
#[proc_macro]
pub fn coroutine(input: TokenStream) -> TokenStream {
    resumable_macros_core::coroutine(input.into()).into()
}
