//! What differs in the async form, `#[resumable(async, ..)]` and `coroutine!(async |..| ..)`:
//! the body may `.await`; it is built by the runtime's async constructors and returned as an
//! `impl AsyncResumable` (a `Stream` when it is a generator returning `()`); its `yield_from!`
//! goes through `AsyncSubroutine`, which runs the coroutine in place. Everything else (the
//! rewriting of `yield_!`, the first argument, the parameters) is the synchronous form's.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Type;

use crate::args::{self, Args};

/// The `impl Trait` an async coroutine function returns, as [`opaque`](crate::expand::opaque)
/// does for the synchronous form: resumed by awaiting with a `#[resume]` parameter or
/// `resume = ()`; delegated to with `yield_from!` without a `#[resume]` parameter; a fused
/// `Stream` when it is a generator returning `()` (`FusedStream<Item = Y>`, a subtrait of
/// `Stream`). A generator returning a value is not a
/// `Stream`, so that the value is not dropped unseen (it has `try_stream` for `Result<(), E>`).
///
/// ```text
/// async, yield = Y, resume = R, #[resume] x, -> T   =>   impl AsyncResumable<R, Yield = Y, Return = T>
/// async, yield = Y                                  =>   impl AsyncResumable<(), ..> + FusedStream<Item = Y> + AsyncSubroutine<(), ..>
/// async, yield = Y, -> T                            =>   impl AsyncResumable<(), ..> + AsyncSubroutine<(), ..>
/// async, yield = Y, resume = R, -> T                =>   impl AsyncSubroutine<R, Yield = Y, Return = T>
/// ```
pub(crate) fn opaque(args: &Args, ret: &Type, takes_first: bool) -> TokenStream {
    let Args {
        yield_ty,
        resume_ty,
        ..
    } = args;
    let resumable =
        quote!(::resumable::AsyncResumable<#resume_ty, Yield = #yield_ty, Return = #ret>);
    let subroutine =
        quote!(::resumable::AsyncSubroutine<#resume_ty, Yield = #yield_ty, Return = #ret>);
    let generator = args::is_unit(resume_ty);
    let stream = (generator && args::is_unit(ret))
        .then(|| quote!(+ ::resumable::async_gen::FusedStream<Item = #yield_ty>));
    match (takes_first, generator) {
        (true, false) => quote!(impl #resumable),
        (true, true) => quote!(impl #resumable #stream),
        (false, true) => quote!(impl #resumable #stream + #subroutine),
        (false, false) => quote!(impl #subroutine),
    }
}

/// The `__private` constructor of an async body: whether it takes the first argument. (An async
/// body has no frame stack: its `yield_from!` runs the coroutine in place.)
pub(crate) fn constructor(takes_first: bool) -> &'static str {
    if takes_first {
        "async_from_parts"
    } else {
        "async_from_parts_starting"
    }
}

/// The call behind `yield_from!(sub)` in an async body, as the synchronous form's
/// `Subroutine::__delegate` (see [`delegate_point`](crate::expand::delegate_point)).
///
/// ```text
/// sub   =>   <_ as AsyncSubroutine<_>>::__delegate_async({ &__co }, || { sub })
/// ```
pub(crate) fn delegate_call(co: &TokenStream, called: &TokenStream) -> TokenStream {
    quote!(<_ as ::resumable::AsyncSubroutine<_>>::__delegate_async({ &#co }, || { #called }))
}
