//! What is emitted for invalid input: our errors, plus something that keeps the rest of the
//! user's crate compiling so that no cascade of unrelated errors follows.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::quote;
use syn::ItemFn;

use crate::args::Args;
use crate::expand;

/// The function's signature with a body that type-checks and never runs. Callers see the
/// signature the valid function would have had, so they compile. The body still names each
/// `yield_!` it had, so that the `yield_` import stays used and no warning joins the errors.
///
/// ```text
/// async fn f(x: u8) -> T { .. yield_!(v) .. }
///   =>   compile_error!(..);
///        fn f(x: u8) -> impl Resumable<..> { yield_!(@rewritten); stub() }
/// ```
pub(crate) fn function(
    mut item: ItemFn,
    args: &Args,
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
    let opaque = expand::opaque(args, &ret);
    item.sig.output = expand::opaque_output(opaque);
    let Args {
        yield_ty,
        resume_ty,
    } = args;
    let (attrs, vis, sig) = (&item.attrs, &item.vis, &item.sig);
    let errors = error.to_compile_error();
    quote! {
        #errors
        #(#attrs)*
        #[allow(unused_variables, clippy::unused_self)]
        #vis #sig {
            #(#yield_paths!(@rewritten);)*
            ::resumable::__private::stub::<#yield_ty, #resume_ty, #ret>()
        }
    }
}

/// The item unchanged, after our error (`#[resumable]` on something that is not a fn).
pub(crate) fn item(tokens: TokenStream, error: &syn::Error) -> TokenStream {
    let mut out = error.to_compile_error();
    out.extend(tokens);
    out
}

/// A closure that could not be lowered: a block of the errors whose value is the last one.
/// `compile_error!` in expression position has rustc's error type, which silences every error
/// that would follow from the block's use (its type is unknown: a stub of any fixed type would
/// clash with how the caller uses the coroutine).
///
/// ```text
/// coroutine!(async || ..)   =>   { compile_error!("a"); compile_error!("b") }
/// ```
pub(crate) fn closure(error: &syn::Error, yield_paths: &[syn::Path]) -> TokenStream {
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
