//! What is emitted for invalid input: our errors, plus something that keeps the rest of the
//! user's crate compiling so that no cascade of unrelated errors follows.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemFn;

use crate::args::Args;
use crate::expand;

/// The function's signature with a body that type-checks and never runs.
///
/// ```text
/// async fn f(x: u8) -> T { broken }   =>   compile_error!(..); fn f(x: u8) -> impl Resumable<..> { stub() }
/// ```
pub(crate) fn function(mut item: ItemFn, args: &Args, error: &syn::Error) -> TokenStream {
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
    item.sig.output = syn::parse_quote!(-> #opaque);
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
            ::resumable::__private::stub::<#yield_ty, #resume_ty, #ret>()
        }
    }
}

/// The item unchanged, after our error (`#[resumable]` on something that is not a fn).
pub(crate) fn item(tokens: TokenStream, error: &syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    quote!(#errors #tokens)
}

/// A closure that could not be lowered: the errors, then a stub coroutine of unknown types.
pub(crate) fn closure(error: &syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    quote!({ #errors ::resumable::__private::stub::<(), (), ()>() })
}
