//! The checks on a `#[resumable]` function's signature and a `coroutine!` closure's head. Each
//! returns every problem it finds, combined, so the user sees them all at once.

use syn::spanned::Spanned;
use syn::{ExprClosure, FnArg, ItemFn, Pat, Signature, Type};

use crate::args::{self, Args};

/// Where the first `resume`'s argument goes: the pattern and type of the parameter marked
/// `#[resume]` (removed from the signature), or `None` when the resume type is `()`.
pub(crate) struct FirstArg {
    pub(crate) pat: Pat,
    pub(crate) ty: Type,
}

/// Appends `e` to `errors`.
pub(crate) fn push(errors: &mut Option<syn::Error>, e: syn::Error) {
    match errors {
        Some(all) => all.combine(e),
        None => *errors = Some(e),
    }
}

/// Checks the signature and takes the `#[resume]` parameter out of it.
///
/// ```text
/// fn f(a: u8, #[resume] first: u64)   =>   fn f(a: u8)   +   FirstArg { first: u64 }
/// ```
pub(crate) fn function(item: &mut ItemFn, args: &Args) -> syn::Result<Option<FirstArg>> {
    let mut errors = signature(&item.sig);
    let mut first: Option<FirstArg> = None;
    let mut kept = syn::punctuated::Punctuated::<FnArg, syn::Token![,]>::new();
    for mut input in std::mem::take(&mut item.sig.inputs).into_pairs() {
        let (attrs, receiver) = match input.value_mut() {
            FnArg::Receiver(r) => (&mut r.attrs, true),
            FnArg::Typed(t) => (&mut t.attrs, false),
        };
        let marks: Vec<_> = attrs
            .iter()
            .filter(|a| a.path().is_ident("resume"))
            .cloned()
            .collect();
        attrs.retain(|a| !a.path().is_ident("resume"));
        let Some(mark) = marks.first() else {
            kept.push_value(input.value().clone());
            if let Some(p) = input.punct() {
                kept.push_punct(*p);
            }
            continue;
        };
        if let Err(e) = mark.meta.require_path_only() {
            push(&mut errors, e);
        }
        for extra in marks.iter().skip(1) {
            push(
                &mut errors,
                syn::Error::new_spanned(extra, "duplicate `#[resume]`"),
            );
        }
        match input.into_value() {
            FnArg::Receiver(r) if receiver => push(
                &mut errors,
                syn::Error::new_spanned(r, "`#[resume]` cannot mark `self`"),
            ),
            FnArg::Typed(t) => {
                if first.is_some() {
                    push(
                        &mut errors,
                        syn::Error::new_spanned(
                            mark,
                            "only one parameter can be marked `#[resume]`",
                        ),
                    );
                } else {
                    first = Some(FirstArg {
                        pat: *t.pat,
                        ty: *t.ty,
                    });
                }
            }
            FnArg::Receiver(_) => {}
        }
    }
    item.sig.inputs = kept;
    if first.is_none() && !args::is_unit(&args.resume_ty) {
        let ty = &args.resume_ty;
        let shown = quote::quote!(#ty).to_string();
        push(
            &mut errors,
            syn::Error::new_spanned(
                &item.sig.ident,
                format!(
                    "the first `resume` argument has no destination: mark a parameter `#[resume]` to receive it (write `#[resume] _: {shown}` to ignore it)"
                ),
            ),
        );
    }
    match errors {
        Some(e) => Err(e),
        None => Ok(first),
    }
}

/// The qualifiers a coroutine cannot have.
fn signature(sig: &Signature) -> Option<syn::Error> {
    let mut errors = None;
    if let Some(token) = &sig.asyncness {
        push(
            &mut errors,
            syn::Error::new_spanned(
                token,
                "`#[resumable]` cannot be applied to an `async fn`; remove `async`: a coroutine suspends with `yield_!`, not `.await`",
            ),
        );
    }
    if let Some(token) = &sig.constness {
        push(
            &mut errors,
            syn::Error::new_spanned(token, "`#[resumable]` cannot be applied to a `const fn`"),
        );
    }
    if let Some(variadic) = &sig.variadic {
        push(
            &mut errors,
            syn::Error::new_spanned(
                variadic,
                "`#[resumable]` cannot be applied to a variadic fn",
            ),
        );
    }
    errors
}

/// Checks a `coroutine!` closure: not `async`, at most one parameter.
pub(crate) fn closure(closure: &ExprClosure) -> syn::Result<()> {
    let mut errors = None;
    if let Some(token) = &closure.asyncness {
        push(
            &mut errors,
            syn::Error::new_spanned(
                token,
                "`coroutine!` takes a plain closure, found an `async` closure; remove `async`",
            ),
        );
    }
    if closure.inputs.len() > 1 {
        push(
            &mut errors,
            syn::Error::new(
                closure.inputs[1].span(),
                format!(
                    "expected a closure with at most one parameter, found {}; the first `resume` passes one value: use a tuple `|(a, b): (A, B)|`",
                    closure.inputs.len()
                ),
            ),
        );
    }
    match errors {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
