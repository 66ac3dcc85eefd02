//! The macros of [`resumable`](https://docs.rs/resumable): `#[resumable]` and `coroutine!`.
//! Use them through the `resumable` crate, which documents them; generated code refers to
//! `::resumable::__private`.
#![forbid(unsafe_code)]

mod args;
mod expand;
mod fallback;
mod hoist;
mod mode;
mod scan;
#[cfg(test)]
mod tests;
mod validate;

use proc_macro::TokenStream;
use syn::visit_mut::VisitMut;

/// Turns a function whose body contains `yield_!` points into a resumable coroutine. See the
/// `resumable` crate's documentation.
#[proc_macro_attribute]
pub fn resumable(args: TokenStream, item: TokenStream) -> TokenStream {
    resumable_impl(args.into(), item.into()).into()
}

/// Turns a closure whose body contains `yield_!` points into a resumable coroutine; its
/// parameter receives the first `resume`'s argument. See the `resumable` crate's documentation.
#[proc_macro]
pub fn coroutine(input: TokenStream) -> TokenStream {
    coroutine_impl(input.into()).into()
}

fn resumable_impl(
    args: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let (args, mut errors) = args::parse(args);
    let Ok(mut item) = syn::parse2::<syn::ItemFn>(item.clone()) else {
        let mut error = validate::not_a_function(&item);
        if let Some(e) = errors {
            error.combine(e);
        }
        return fallback::item(item, &error);
    };
    let takes_first = validate::has_resume_param(&item);
    let first = validate::function(&mut item).unwrap_or_else(|e| {
        validate::push(&mut errors, e);
        None
    });
    let mut scan = scan::Scan::new(expand::checked_yield_type(&args));
    scan.visit_block_mut(&mut item.block);
    let paths = scan.yield_paths().to_vec();
    let delegates = scan.delegates();
    if let Some(e) = scan.finish() {
        validate::push(&mut errors, e);
    }
    match errors {
        Some(e) => fallback::function(item, &args, takes_first, &e, &paths),
        None => expand::function(&item, &args, first, delegates),
    }
}

fn coroutine_impl(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let mut closure = match validate::parse_closure(input) {
        Ok(c) => c,
        Err(e) => return fallback::closure(&e, &[]),
    };
    let mut errors = validate::closure(&closure).err();
    let mut scan = scan::Scan::new(None);
    scan.visit_expr_mut(&mut closure.body);
    let paths = scan.yield_paths().to_vec();
    let delegates = scan.delegates();
    if let Some(e) = scan.finish() {
        validate::push(&mut errors, e);
    }
    match errors {
        Some(e) => fallback::closure(&e, &paths),
        None => expand::closure(&closure, delegates),
    }
}
