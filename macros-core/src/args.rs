//! The arguments of `#[resumable(yield = Y, resume = R)]`.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, Token, Type};

use crate::validate::push;

/// Parsed and checked attribute arguments. Both types default to `()`.
pub(crate) struct Args {
    pub(crate) yield_ty: Type,
    pub(crate) resume_ty: Type,
    /// Whether `yield = ..` was written (otherwise the coroutine yields `()`).
    pub(crate) yield_given: bool,
    /// Whether `async` was written: the body may `.await` (see `async_form`).
    pub(crate) asynchronous: bool,
    /// Whether the build has no `alloc` (`Target::Core`): set by the entry point.
    pub(crate) core_only: bool,
}

impl Args {
    /// The defaults, used for the stub emitted when the arguments themselves are invalid.
    pub(crate) fn unit() -> Self {
        Self {
            yield_ty: unit(),
            resume_ty: unit(),
            yield_given: true,
            asynchronous: false,
            core_only: false,
        }
    }
}

/// `()` as a type.
pub(crate) fn unit() -> Type {
    syn::parse_quote!(())
}

/// One `key = Type` pair; the key is `yield` (a keyword) or an identifier. Or `async` alone
/// (with no type).
struct Arg {
    key: Ident,
    ty: Option<Type>,
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(Token![async]) {
            let kw: Token![async] = input.parse()?;
            return Ok(Self {
                key: Ident::new("async", kw.span),
                ty: None,
            });
        }
        let key = if input.peek(Token![yield]) {
            let kw: Token![yield] = input.parse()?;
            Ident::new("yield", kw.span)
        } else {
            input.call(syn::ext::IdentExt::parse_any).map_err(|e| {
                syn::Error::new(e.span(), "expected `yield = Type` or `resume = Type`")
            })?
        };
        if !input.peek(Token![=]) {
            return Err(missing_equals(&key, input));
        }
        input.parse::<Token![=]>()?;
        let ty = input.parse()?;
        Ok(Self { key, ty: Some(ty) })
    }
}

/// The error for an argument written without `=`: `yield(u32)` or a bare `u32`. It names the
/// fix with the user's own type, `yield = u32`.
fn missing_equals(key: &Ident, input: ParseStream<'_>) -> syn::Error {
    let rest: TokenStream = input
        .step(|cursor| {
            let mut rest = *cursor;
            let mut taken = TokenStream::new();
            while let Some((tree, next)) = rest.token_tree() {
                if matches!(&tree, proc_macro2::TokenTree::Punct(p) if p.as_char() == ',') {
                    break;
                }
                taken.extend([tree]);
                rest = next;
            }
            Ok((taken, rest))
        })
        .unwrap_or_default();
    let mut whole = TokenStream::from(proc_macro2::TokenTree::Ident(key.clone()));
    whole.extend(rest.clone());
    let keyword = key == "yield" || key == "resume";
    let ty = if keyword {
        // `yield(u32)`: the type is inside the group.
        match rest.clone().into_iter().next() {
            Some(proc_macro2::TokenTree::Group(g)) => g.stream().to_string(),
            _ => rest.to_string(),
        }
    } else {
        // A bare type: the key is its first token.
        whole.to_string()
    };
    let ty = if ty.is_empty() {
        "Type".to_owned()
    } else {
        tidy(&ty)
    };
    let message = if keyword {
        format!("expected `=` after `{key}`: write `{key} = {ty}`")
    } else {
        format!(
            "expected `yield = Type` or `resume = Type`: write `yield = {ty}` for a coroutine that yields `{ty}`"
        )
    };
    syn::Error::new_spanned(whole, message)
}

/// `ty`'s tokens as a user writes them: `Vec<&'a str>`, not `Vec < & 'a str >`.
fn tidy(ty: &str) -> String {
    [
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ::", "::"),
        (":: ", "::"),
        (" ,", ","),
        ("& ", "&"),
    ]
    .iter()
    .fold(ty.to_owned(), |s, (from, to)| s.replace(from, to))
}

/// Parses the attribute's arguments, reporting every unknown or duplicate key together.
///
/// ```text
/// yield = u64, resume = String   =>  Args { yield_ty: u64, resume_ty: String }
/// ```
///
/// Next to the errors it still returns the arguments it understood (the defaults if none), so
/// that the stub emitted for a broken function keeps the types its callers expect.
pub(crate) fn parse(tokens: TokenStream) -> (Args, Option<syn::Error>) {
    let pairs =
        match syn::parse::Parser::parse2(Punctuated::<Arg, Token![,]>::parse_terminated, tokens) {
            Ok(pairs) => pairs,
            Err(e) => return (Args::unit(), Some(e)),
        };
    let mut yield_ty: Option<Type> = None;
    let mut resume_ty: Option<Type> = None;
    let mut errors: Option<syn::Error> = None;
    let mut asynchronous = false;
    for Arg { key, ty } in pairs {
        let Some(ty) = ty else {
            if asynchronous {
                push(
                    &mut errors,
                    syn::Error::new(key.span(), "duplicate argument `async`"),
                );
            }
            asynchronous = true;
            continue;
        };
        let slot = match key.to_string().as_str() {
            "yield" => &mut yield_ty,
            "resume" => &mut resume_ty,
            other => {
                push(
                    &mut errors,
                    syn::Error::new(
                        key.span(),
                        format!(
                            "unknown argument `{other}`, expected `yield`, `resume` or `async`"
                        ),
                    ),
                );
                continue;
            }
        };
        if slot.is_some() {
            push(
                &mut errors,
                syn::Error::new(key.span(), format!("duplicate argument `{key}`")),
            );
        } else {
            *slot = Some(ty);
        }
    }
    // `impl Resumable<R, ..>` cannot hold an `impl Trait` in `R` (rustc: "nested `impl Trait` is
    // not allowed"), and a caller could not name the type to resume with anyway. The stub made
    // for the error resumes with `()`, so that the error is not repeated.
    if let Some(opaque) = resume_ty.as_ref().and_then(impl_trait_in) {
        push(
            &mut errors,
            syn::Error::new_spanned(
                opaque,
                "`impl Trait` is not allowed in the resume type; the caller of `resume` has to name the type it passes",
            ),
        );
        resume_ty = None;
    }
    let args = Args {
        yield_given: yield_ty.is_some(),
        yield_ty: yield_ty.unwrap_or_else(unit),
        resume_ty: resume_ty.unwrap_or_else(unit),
        asynchronous,
        core_only: false,
    };
    (args, errors)
}

/// Splits the optional `yield = T,` in front of a `coroutine!` closure from the closure.
///
/// ```text
/// yield = u32, move |x: u8| body   =>   (Some(u32), move |x: u8| body)
/// |x: u8| body                     =>   (None, |x: u8| body)
/// ```
pub(crate) fn closure_yield_type(input: TokenStream) -> syn::Result<(Option<Type>, TokenStream)> {
    let mut trees = input.clone().into_iter();
    if !matches!(trees.next(), Some(proc_macro2::TokenTree::Ident(i)) if i == "yield") {
        return Ok((None, input));
    }
    syn::parse::Parser::parse2(
        |stream: ParseStream<'_>| {
            let key: Token![yield] = stream.parse()?;
            if !stream.peek(Token![=]) {
                return Err(syn::Error::new(
                    key.span,
                    "expected `yield = Type,` before the closure: `coroutine!(yield = u32, || ..)`",
                ));
            }
            stream.parse::<Token![=]>()?;
            let ty: Type = stream.parse()?;
            stream.parse::<Token![,]>().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected `,` and the closure after the yield type",
                )
            })?;
            Ok((Some(ty), stream.parse::<TokenStream>()?))
        },
        input,
    )
}

/// Whether `ty` mentions `impl Trait` anywhere: such a type can be named in the function's
/// return type but not in a `let` or a turbofish inside its body.
pub(crate) fn has_impl_trait(ty: &Type) -> bool {
    impl_trait_in(ty).is_some()
}

/// The first `impl Trait` in `ty`, if any.
fn impl_trait_in(ty: &Type) -> Option<&syn::TypeImplTrait> {
    struct Finder<'ast>(Option<&'ast syn::TypeImplTrait>);
    impl<'ast> syn::visit::Visit<'ast> for Finder<'ast> {
        fn visit_type_impl_trait(&mut self, found: &'ast syn::TypeImplTrait) {
            self.0.get_or_insert(found);
        }
    }
    let mut finder = Finder(None);
    syn::visit::Visit::visit_type(&mut finder, ty);
    finder.0
}

/// Whether `ty` is written `()`.
pub(crate) fn is_unit(ty: &Type) -> bool {
    matches!(ty, Type::Tuple(t) if t.elems.is_empty())
}

/// The hygienic name of the token a lowered body reaches its resumer through.
pub(crate) fn co_ident() -> Ident {
    Ident::new("__resumable_co", Span::mixed_site())
}
