//! The checks on a `#[resumable]` function's signature and a `coroutine!` closure's head. Each
//! returns every problem it finds, combined, so the user sees them all at once.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{ExprClosure, FnArg, ItemFn, Pat, Signature, Type};

use crate::args::Args;

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
pub(crate) fn function(item: &mut ItemFn) -> syn::Result<Option<FirstArg>> {
    let mut errors = signature(&item.sig);
    let mut first: Option<FirstArg> = None;
    let mut kept = syn::punctuated::Punctuated::<FnArg, syn::Token![,]>::new();
    for mut input in std::mem::take(&mut item.sig.inputs).into_pairs() {
        let attrs = match input.value_mut() {
            FnArg::Receiver(r) => &mut r.attrs,
            FnArg::Typed(t) => &mut t.attrs,
        };
        let marks: Vec<_> = attrs
            .iter()
            .filter(|a| a.path().is_ident("resume"))
            .cloned()
            .collect();
        attrs.retain(|a| !a.path().is_ident("resume"));
        let Some(mark) = marks.first() else {
            keep(&mut kept, input);
            continue;
        };
        if !matches!(mark.meta, syn::Meta::Path(_)) {
            push(
                &mut errors,
                syn::Error::new_spanned(&mark.meta, "`#[resume]` takes no arguments"),
            );
        }
        for extra in marks.iter().skip(1) {
            push(
                &mut errors,
                syn::Error::new_spanned(extra, "duplicate `#[resume]`"),
            );
        }
        match input.value() {
            FnArg::Receiver(_) => {
                push(
                    &mut errors,
                    syn::Error::new_spanned(mark, "`#[resume]` cannot mark `self`"),
                );
                // `self` stays, so that the stub is still a method and its callers compile.
                keep(&mut kept, input);
            }
            FnArg::Typed(_) if first.is_some() => push(
                &mut errors,
                syn::Error::new_spanned(mark, "only one parameter can be marked `#[resume]`"),
            ),
            FnArg::Typed(t) => {
                first = Some(FirstArg {
                    pat: (*t.pat).clone(),
                    ty: (*t.ty).clone(),
                });
            }
        }
    }
    item.sig.inputs = kept;
    match errors {
        Some(e) => Err(e),
        None => Ok(first),
    }
}

/// Whether a parameter is marked `#[resume]` (before [`function`] takes it out).
pub(crate) fn has_resume_param(item: &ItemFn) -> bool {
    item.sig.inputs.iter().any(|input| {
        let attrs = match input {
            FnArg::Receiver(r) => &r.attrs,
            FnArg::Typed(t) => &t.attrs,
        };
        attrs.iter().any(|a| a.path().is_ident("resume"))
    })
}

/// Appends a parameter (and its comma, if any) to a parameter list being rebuilt.
fn keep(
    kept: &mut syn::punctuated::Punctuated<FnArg, syn::Token![,]>,
    input: syn::punctuated::Pair<FnArg, syn::Token![,]>,
) {
    let (value, punct) = input.into_tuple();
    kept.push_value(value);
    if let Some(punct) = punct {
        kept.push_punct(punct);
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
                "`#[resumable]` cannot be applied to an `async fn`: for a coroutine that awaits, write `#[resumable(async, ..)]` on a plain `fn`",
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

/// The error for `#[resumable]` on an item that is not a fn with a body, on the item's first
/// few tokens (up to its name) so that it does not underline a whole struct.
pub(crate) fn not_a_function(item: &TokenStream) -> syn::Error {
    let message = match syn::parse2::<syn::TraitItemFn>(item.clone()) {
        Ok(f) if f.default.is_none() => "`#[resumable]` cannot be applied to a fn without a body",
        _ => "`#[resumable]` can only be applied to functions and methods",
    };
    syn::Error::new_spanned(first_tokens(item), message)
}

/// The item's first few tokens: its attributes, visibility and keywords, up to its name.
fn first_tokens(item: &TokenStream) -> TokenStream {
    let mut out = TokenStream::new();
    for tree in item.clone() {
        let is_name = matches!(&tree, TokenTree::Ident(_)) && !out.is_empty();
        let is_keyword = matches!(&tree, TokenTree::Ident(i)
            if matches!(i.to_string().as_str(), "pub" | "struct" | "enum" | "union" | "trait" | "impl" | "mod" | "static" | "const" | "type" | "use" | "unsafe" | "extern" | "fn" | "async"));
        out.extend(std::iter::once(tree));
        if is_name && !is_keyword {
            break;
        }
    }
    out
}

/// Parses the input of `coroutine!`, which must be a closure.
pub(crate) fn parse_closure(input: TokenStream) -> syn::Result<ExprClosure> {
    const EXPECTED: &str = "expected a closure `|arg: R| body`";
    match syn::parse2::<syn::Expr>(input.clone()) {
        Ok(syn::Expr::Closure(closure)) => Ok(closure),
        Ok(other) => Err(syn::Error::new_spanned(other, EXPECTED)),
        Err(e) => {
            // When the input starts like a closure, syn's own error ("expected `|`", ..) is the
            // precise one; otherwise the input is something else altogether.
            let starts_like_closure = match input.clone().into_iter().next() {
                None => return Err(syn::Error::new(Span::call_site(), EXPECTED)),
                Some(TokenTree::Punct(p)) => p.as_char() == '|',
                Some(TokenTree::Ident(i)) => {
                    matches!(i.to_string().as_str(), "move" | "async" | "static" | "for")
                }
                Some(_) => false,
            };
            if starts_like_closure {
                Err(e)
            } else {
                Err(syn::Error::new_spanned(input, EXPECTED))
            }
        }
    }
}

/// Checks a `coroutine!` closure: at most one parameter. (`async |..|` is the async form.)
pub(crate) fn closure(closure: &ExprClosure) -> syn::Result<()> {
    let mut errors = None;
    if closure.inputs.len() > 1 {
        let extra: Vec<_> = closure.inputs.iter().skip(1).collect();
        push(
            &mut errors,
            syn::Error::new_spanned(
                quote::quote!(#(#extra),*),
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

/// Without `std` (`Target::Alloc`, `Target::Core`), the yield and resume types must be `'static` (the hand-off is
/// checked by `TypeId`; the per-instance numbers that allow borrowed types come from a
/// process-wide counter). A type that surely borrows, one with a reference or a lifetime other
/// than `'static`, is an error on that type, in these words rather than rustc's "lifetime may
/// not live long enough". (A generic parameter is left to rustc, which suggests `T: 'static`.)
pub(crate) fn static_types(args: &Args) -> syn::Result<()> {
    let mut errors = None;
    for (key, ty) in [("yield", &args.yield_ty), ("resume", &args.resume_ty)] {
        let mut finder = Borrows(None);
        syn::visit::Visit::visit_type(&mut finder, ty);
        if let Some(tokens) = finder.0 {
            push(
                &mut errors,
                syn::Error::new_spanned(
                    tokens,
                    format!(
                        "without the `std` feature of `resumable`, the `{key}` type must be `'static`, and this one borrows (enable `std`, or use an owned type)"
                    ),
                ),
            );
        }
    }
    errors.map_or(Ok(()), Err)
}

/// Finds the first reference or lifetime other than `'static` in a type.
struct Borrows(Option<TokenStream>);

impl<'ast> syn::visit::Visit<'ast> for Borrows {
    fn visit_type_reference(&mut self, r: &'ast syn::TypeReference) {
        if r.lifetime.as_ref().is_none_or(|l| l.ident != "static") {
            self.0.get_or_insert_with(|| r.to_token_stream());
        }
        syn::visit::visit_type_reference(self, r);
    }

    fn visit_lifetime(&mut self, l: &'ast syn::Lifetime) {
        if l.ident != "static" {
            self.0.get_or_insert_with(|| l.to_token_stream());
        }
    }
}
