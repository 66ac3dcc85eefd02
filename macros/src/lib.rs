//! The macros of [`resumable`](https://docs.rs/resumable): `#[resumable]` and `coroutine!`.
//! Use them through the `resumable` crate, which documents them; generated code refers to
//! `::resumable::__private`.
#![forbid(unsafe_code)]

mod args;
mod expand;
mod fallback;
mod scan;
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
    let mut item = match syn::parse2::<syn::ItemFn>(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let error = syn::Error::new_spanned(
                first_tokens(&item),
                "`#[resumable]` can only be applied to functions and methods",
            );
            return fallback::item(item, &error);
        }
    };
    let (args, mut errors) = match args::parse(args) {
        Ok(args) => (args, None),
        Err(e) => (args::Args::unit(), Some(e)),
    };
    let first = match validate::function(&mut item, &args) {
        Ok(first) => first,
        Err(e) => {
            validate::push(&mut errors, e);
            None
        }
    };
    let mut scan = scan::Scan::new();
    scan.visit_block_mut(&mut item.block);
    if let Some(e) = scan.finish() {
        validate::push(&mut errors, e);
    }
    match errors {
        Some(e) => fallback::function(item, &args, &e),
        None => expand::function(&item, &args, first),
    }
}

fn coroutine_impl(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let mut closure = match syn::parse2::<syn::ExprClosure>(input) {
        Ok(c) => c,
        Err(e) => {
            let e = syn::Error::new(
                e.span(),
                format!("expected a closure `|arg: R| body` for `coroutine!`: {e}"),
            );
            return fallback::closure(&e);
        }
    };
    let mut errors = validate::closure(&closure).err();
    let mut scan = scan::Scan::new();
    scan.visit_expr_mut(&mut closure.body);
    if let Some(e) = scan.finish() {
        validate::push(&mut errors, e);
    }
    match errors {
        Some(e) => fallback::closure(&e),
        None => expand::closure(&closure),
    }
}

/// The item's first few tokens (up to its name), so an error does not underline a whole struct.
fn first_tokens(item: &proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let mut out = proc_macro2::TokenStream::new();
    for tree in item.clone() {
        let is_name = matches!(&tree, proc_macro2::TokenTree::Ident(_)) && !out.is_empty();
        let is_keyword = matches!(&tree, proc_macro2::TokenTree::Ident(i)
            if matches!(i.to_string().as_str(), "pub" | "struct" | "enum" | "union" | "trait" | "impl" | "mod" | "static" | "const" | "type" | "use" | "unsafe" | "extern"));
        out.extend(std::iter::once(tree));
        if is_name && !is_keyword {
            break;
        }
    }
    out
}
