//! What is emitted for invalid input: our errors, plus something that keeps the rest of the
//! user's crate compiling so that no cascade of unrelated errors follows.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::quote;
use syn::ItemFn;

use crate::args::Args;
use crate::expand;

/// The function's signature with a body made of our errors. Callers see the signature the
/// valid function would have had, so they compile. The body is a block whose value is the last
/// `compile_error!`: rustc gives it the error type, which satisfies the `impl Resumable` return
/// type whatever it says (a stub value could not: it would have to name `impl Trait` types).
/// The body still names each `yield_!` it had, so that the `yield_` import stays used and no
/// warning joins the errors.
///
/// ```text
/// async fn f(x: u8) -> T { .. yield_!(v) .. }
///   =>   fn f(x: u8) -> impl Resumable<..> { yield_!(@rewritten); compile_error!(..) }
/// ```
pub(crate) fn function(
    mut item: ItemFn,
    args: &Args,
    takes_first: bool,
    error: &syn::Error,
    yield_paths: &[syn::Path],
) -> TokenStream {
    item.sig.asyncness = None;
    item.sig.constness = None;
    item.sig.variadic = None;
    for input in &mut item.sig.inputs {
        if let syn::FnArg::Typed(t) = input {
            t.attrs.retain(|a| !a.path().is_ident("resume"));
        }
    }
    let ret = expand::return_type(&item.sig.output);
    // A stub is a leaf (it delegates to nothing), so delegating to it raises no second error.
    let opaque = expand::opaque(args, &ret, takes_first, true);
    item.sig.output = expand::opaque_output(opaque);
    let (attrs, vis, sig) = (&item.attrs, &item.vis, &item.sig);
    let body = errors_block(error, yield_paths);
    quote! {
        #(#attrs)*
        #[allow(unused_variables, clippy::unused_self)]
        #vis #sig #body
    }
}

/// The item unchanged, after our error (`#[resumable]` on something that is not a fn).
pub(crate) fn item(tokens: TokenStream, error: &syn::Error) -> TokenStream {
    let mut out = error.to_compile_error();
    out.extend(tokens);
    out
}

/// A closure that could not be lowered: the block of its errors (see [`errors_block`]). Its
/// type is the error type, so whatever the caller does with the coroutine raises no further
/// error (a stub of some fixed type would clash with how the caller uses it).
pub(crate) fn closure(error: &syn::Error, yield_paths: &[syn::Path]) -> TokenStream {
    errors_block(error, yield_paths)
}

/// A block that names each `yield_!` path, then reports each error, the last one as its value.
/// `compile_error!` in expression position has rustc's error type, which silences every error
/// that would follow from the block's type.
///
/// ```text
/// errors a, b   =>   { yield_!(@rewritten); compile_error!("a"); compile_error!("b") }
/// ```
fn errors_block(error: &syn::Error, yield_paths: &[syn::Path]) -> TokenStream {
    // `to_compile_error` writes `compile_error! { "msg" }`; a braced macro call is a statement,
    // so each one gets parentheses instead, and all but the last a `;`.
    let calls: Vec<TokenStream> = error
        .clone()
        .into_iter()
        .map(|e| parenthesized(e.to_compile_error()))
        .collect();
    quote!({ #(#yield_paths!(@rewritten);)* #(#calls);* })
}

/// `compile_error! { .. }` as `compile_error!( .. )`, keeping every span.
fn parenthesized(tokens: TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                let mut paren = Group::new(Delimiter::Parenthesis, g.stream());
                paren.set_span(g.span());
                TokenTree::Group(paren)
            }
            other => other,
        })
        .collect()
}
