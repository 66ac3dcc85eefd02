//! Code generation for valid input. Generated code names only `::resumable::__private` and
//! `::core`, and contains no `unsafe`.

use proc_macro2::{Delimiter, Group, Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprClosure, FnArg, ItemFn, Pat, PatIdent, ReturnType, Signature, Token, Type};

use crate::args::{self, Args};
use crate::hoist;
use crate::mode;
use crate::validate::FirstArg;

/// A `yield_!` point. The value is bound first, checked against the yield type where it can be
/// named (so a mismatch is reported on the user's expression, "expected `Y`, found `X`"), and so
/// that its temporaries are dropped before the coroutine suspends, not held across the yield.
///
/// ```text
/// yield_!(v)      =>  { yield_!(@rewritten); let __value: Y = v; Co::yield_(&__co, __value).await }
/// yield_!()       =>  { yield_!(@rewritten); let __value: Y = (); Co::yield_(&__co, __value).await }
/// yield_!(a, b)   =>  { yield_!(@rewritten); let __value: Y = (a, b); Co::yield_(&__co, __value).await }
/// yield_!(v,)     =>  as yield_!(v): a trailing comma is ignored, as in `vec![v,]`
/// ```
///
/// `Co` is `::resumable::__private::Co`. Its methods are called by path, never as `__co.yield_(..)`,
/// so that a trait in the user's scope with a method of the same name cannot be picked instead;
/// the same holds for `marker`, `first` and `delegate` below.
/// What a `yield_!` value is checked against.
#[derive(Clone, Copy)]
pub(crate) enum YieldType<'a> {
    /// The declared type, written in a `let` so that a mismatch is reported on the value.
    Named(&'a Type),
    /// Nothing: the type is inferred (a closure's) or cannot be named (`impl Trait`).
    Inferred,
    /// `()`, because no `yield = Type` was written: a value that is not `()` is reported by
    /// `YieldsUnit`, whose message names `yield = Type`.
    UnitByDefault,
}

pub(crate) fn yield_point(
    path: &syn::Path,
    span: Span,
    values: &Punctuated<Expr, Token![,]>,
    yield_ty: YieldType<'_>,
) -> TokenStream {
    let co = args::co_ident();
    let value = match values.len() {
        0 => quote_spanned!(span=> ()),
        // Without its trailing comma, if any: `yield_!(v,)` yields `v`, as `vec![v,]` holds `v`.
        1 => values[0].to_token_stream(),
        _ => {
            let values = values.iter();
            quote!((#(#values),*))
        }
    };
    let yield_ = syn::Ident::new("yield_", span);
    // Hygienic names, located where the user wrote the value and the `yield_!`, so that a type
    // error mentioning them points there and not at the whole macro call.
    let value_span = values.first().map_or(span, Spanned::span);
    let bound = syn::Ident::new(
        "__resumable_value",
        Span::mixed_site().located_at(value_span),
    );
    let mut co = co;
    co.set_span(co.span().located_at(span));
    let checked = match yield_ty {
        YieldType::Named(ty) => quote!(let #bound: #ty = #value;),
        YieldType::Inferred => quote!(let #bound = #value;),
        YieldType::UnitByDefault => quote_spanned! {value_span=>
            let #bound = <_ as ::resumable::state::YieldsUnit>::__unit(#value);
        },
    };
    // `#path!(@rewritten)` expands to nothing; it resolves the user's `yield_` import so that the
    // import is used (and required, like any macro's).
    let point = quote_spanned! {span=>
        { #path!(@rewritten); #checked ::resumable::__private::Co::#yield_(&#co, #bound).await }
    };
    parenthesized(point, span)
}

/// A `yield_from!` point. The coroutine delegated to is built by a closure when the point is
/// first polled, so that the body's state holds the closure and not the coroutine: a coroutine
/// can delegate to a call of itself. When the call may borrow a temporary, what it is called
/// with is evaluated first, outside the closure, so that the temporaries live until the
/// delegation ends (see [`hoist`](crate::hoist)).
///
/// ```text
/// yield_from!(sub)   =>   ({ yield_from!(@rewritten); ({ Subroutine::__delegate({ &__co }, || { sub }) }).await })
/// yield_from!(each(&vec![n]))
///   =>   ({ yield_from!(@rewritten);
///           match (&vec![n],) { (__sub0,) => ({ Subroutine::__delegate({ &__co }, || { each(__sub0) }) }).await } })
/// ```
pub(crate) fn delegate_point(
    path: &syn::Path,
    span: Span,
    call_span: Span,
    sub: &Expr,
    asynchronous: bool,
) -> TokenStream {
    let mut co = args::co_ident();
    co.set_span(co.span().located_at(span));
    let hoisted = hoist::hoist(sub);
    let called = hoisted
        .as_ref()
        .map_or_else(|| sub.to_token_stream(), |h| h.call.to_token_stream());
    // `|| f()` is what clippy's `redundant_closure` flags in user code (the closure carries the
    // user's spans); in braces it is not, and the closure is needed (see above).
    // The call, its block and the `.await` are spanned at the user's argument: a `yield_from!`
    // of something that is not a coroutine it can delegate to fails the same bound at each, and
    // rustc reports a bound that fails at one place once.
    let arg = sub.span();
    co.set_span(co.span().located_at(arg));
    let call = if asynchronous {
        let call = crate::async_form::delegate_call(&co.to_token_stream(), &called);
        quote_spanned!(arg=> #call)
    } else {
        quote_spanned! {arg=>
            <_ as ::resumable::Subroutine<_>>::__delegate({ &#co }, || { #called })
        }
    };
    // The call is in a block, so that the awaited expression is not a call: rustc labels an
    // awaited call that fails a bound with "this call returns `S`", which can name internal
    // types. The block's span comes from the macro, or rustc suggests "remove the `.await`".
    let mut call = Group::new(Delimiter::Brace, call);
    call.set_span(Span::mixed_site().located_at(arg));
    let call = parenthesized(call.into_token_stream(), arg);
    let mut delegation = quote_spanned!(arg=> #call.await);
    if let Some(hoist::Hoisted { bindings, .. }) = hoisted {
        let names = bindings.iter().map(|(name, mutable, _)| {
            let mutability = mutable.then(|| quote_spanned!(name.span()=> mut));
            quote!(#mutability #name)
        });
        let values = bindings.iter().map(|(_, _, value)| value);
        // A `match`, not `let`s: the temporaries of a scrutinee live until the `match` ends,
        // those of a `let` initialiser only when they are borrowed right there (`&temp`, not
        // `temp.as_slice()`). Spanned as macro output, like the other tokens of ours, so that a
        // lint about a `match` with one arm is not reported as the user's.
        let ours = Span::mixed_site().located_at(span);
        delegation = quote_spanned! {ours=>
            match (#(#values,)*) { (#(#names,)*) => #delegation }
        };
    }
    let point = quote_spanned! {span=>
        { #path!(@rewritten); #delegation }
    };
    // The parentheses stand where the call's own delimiters are, so that a suggestion rustc
    // makes about the whole expression quotes the user's call, not a piece of it.
    parenthesized(point, call_span)
}

/// `(tokens)`, so that an expression that starts with a block (a rewritten `yield_!`, or a
/// closure's body) stays one expression at the start of a statement: with an invisible group,
/// `yield_!(x) * 2;` became the block statement `{ .. }` followed by `*2`. The parentheses carry
/// a macro-expansion span, so `unused_parens` ignores them, at the location of `span`.
///
/// ```text
/// { .. }   =>   ({ .. })
/// ```
fn parenthesized(tokens: TokenStream, span: Span) -> TokenStream {
    let mut group = Group::new(Delimiter::Parenthesis, tokens);
    group.set_span(Span::mixed_site().located_at(span));
    group.into_token_stream()
}

/// The type to check `yield_!` values against, when it can be named in the body.
pub(crate) fn checked_yield_type(args: &Args) -> Option<Type> {
    (!args::has_impl_trait(&args.yield_ty)).then(|| args.yield_ty.clone())
}

/// Fixes the type the body's `async` block returns before any of its `return`s or its tail is
/// checked, so that a mismatch is reported on the user's expression ("expected `T`, found `X`")
/// and not on the macro. Nothing when `T` cannot be named in the body (`impl Trait`, `!`).
///
/// ```text
/// -> T   =>   if let Some(__ret) = None::<T> { return __ret; }
/// ```
///
/// `span` is where rustc's "return type inferred to be `T` here" note points: the return type.
fn return_check(ret: &Type, span: Span) -> Option<TokenStream> {
    if args::has_impl_trait(ret) || matches!(ret, Type::Never(_)) {
        return None;
    }
    let bound = syn::Ident::new("__resumable_ret", Span::mixed_site().located_at(span));
    Some(quote_spanned! {span=>
        if let ::core::option::Option::Some(#bound) = ::core::option::Option::<#ret>::None {
            return #bound;
        }
    })
}

/// What stands in for a `yield_!` that was reported as an error (the function is stubbed anyway).
pub(crate) fn placeholder(span: Span) -> TokenStream {
    quote_spanned!(span=> ())
}

/// The body's `async` block with the first argument bound at its top.
///
/// ```text
/// first: (x, R), body { .. }
///   =>  {
///         let __co = Co::<Y, R>::new();
///         from_parts(Co::marker(&__co), async move {
///             let __co = __co;
///             let x: R = Co::first(&__co).await;
///             ..
///         })
///       }
/// ```
/// The types of a coroutine's token: a fn's, both written (and whether surely `'static`); a
/// closure's, inferred but for a yield type declared or defaulted.
#[derive(Clone, Copy)]
enum Types<'a> {
    Fn(&'a Type, &'a Type, bool),
    Closure(Option<&'a Type>),
}

fn lowered_body(
    span: Span,
    ctor: &str,
    types: Types<'_>,
    first: &TokenStream,
    capture: Option<Token![move]>,
    body: &TokenStream,
) -> TokenStream {
    let co = args::co_ident();
    let new = match types {
        Types::Closure(None) => quote!(::resumable::__private::Co::new()),
        Types::Closure(Some(yield_ty)) => {
            let yield_ty = nameable(yield_ty);
            quote!(::resumable::__private::Co::<#yield_ty, _>::new())
        }
        // Types surely `'static`: the hand-off futures recognise their coroutine by type, which
        // costs nothing once inlined (see `mode`).
        Types::Fn(yield_ty, resume_ty, true) => quote!(
            ::resumable::__private::Co::<#yield_ty, #resume_ty, ::resumable::__private::Static>::new_static()
        ),
        Types::Fn(yield_ty, resume_ty, false) => {
            let (yield_ty, resume_ty) = (nameable(yield_ty), nameable(resume_ty));
            quote!(::resumable::__private::Co::<#yield_ty, #resume_ty>::new())
        }
    };
    // The `async` block is spanned at the return type: rustc names it in some errors ("this
    // function should return `Result` or `Option` to accept `?`").
    let body = quote_spanned! {span=>
        async #capture {
            let #co = #co;
            #first
            #body
        }
    };
    let ctor = syn::Ident::new(ctor, Span::call_site());
    quote! {{
        let #co = #new;
        ::resumable::__private::#ctor(::resumable::__private::Co::marker(&#co), #body)
    }}
}

/// `ty` where a type can be written in the body: `_` when it contains `impl Trait`, which only
/// the signature can name (rustc: "`impl Trait` is not allowed in paths"). The return type
/// `impl Resumable<Yield = impl Display>` still fixes the type from what the body yields.
///
/// ```text
/// u64   =>   u64
/// impl Display, Box<impl Display>   =>   _
/// ```
fn nameable(ty: &Type) -> TokenStream {
    if args::has_impl_trait(ty) {
        quote!(_)
    } else {
        ty.to_token_stream()
    }
}

/// The return type of a function as a type.
pub(crate) fn return_type(output: &ReturnType) -> Type {
    match output {
        ReturnType::Default => args::unit(),
        ReturnType::Type(_, ty) => (**ty).clone(),
    }
}

/// The `impl Trait` a coroutine function returns. With a `#[resume]` parameter it is resumed;
/// without one it starts without an argument and can be delegated to (a `Subroutine`), and it
/// can also be resumed when its resume type is `()`. Generators that return `()` are also
/// `IntoIterator`; one that returns a value is not, so that a `for` loop cannot drop the value
/// unseen (it has `Resumable::iter` and `try_iter`).
///
/// The iterator type is named, `resumable::IntoIter<impl Resumable<..>>`, and not left as the
/// projection `<.. as IntoIterator>::IntoIter`, which would hide its auto traits: it is `Send`
/// exactly when the generator is.
///
/// ```text
/// yield = Y, resume = R, #[resume] x, -> T   =>   impl Resumable<R, Yield = Y, Return = T>
/// yield = Y, #[resume] x                     =>   impl Resumable<(), ..> + IntoIterator<IntoIter = IntoIter<impl Resumable<(), ..>>>
/// yield = Y, -> T                            =>   impl Resumable<(), ..> + Subroutine<(), ..>
/// yield = Y                                  =>   impl Resumable<(), ..> + IntoIterator<..> + Subroutine<(), ..>
/// yield = Y, resume = R, -> T                =>   impl Subroutine<R, Yield = Y, Return = T>
/// ```
///
/// Without `alloc` (`core_only`), no `IntoIterator` (it boxes), and a `leaf` (a body without
/// `yield_from!`) adds `+ Leaf` to its `Subroutine`: `yield_from!` runs only those there. The
/// async form's types are `async_form`'s.
pub(crate) fn opaque(args: &Args, ret: &Type, takes_first: bool, leaf: bool) -> TokenStream {
    if args.asynchronous {
        return crate::async_form::opaque(args, ret, takes_first);
    }
    let Args {
        yield_ty,
        resume_ty,
        core_only,
        ..
    } = args;
    let resumable = quote!(::resumable::Resumable<#resume_ty, Yield = #yield_ty, Return = #ret>);
    let leaf = (*core_only && leaf).then(|| quote!(+ ::resumable::__private::Leaf));
    let subroutine =
        quote!(::resumable::Subroutine<#resume_ty, Yield = #yield_ty, Return = #ret> #leaf);
    let generator = args::is_unit(resume_ty);
    let iter = (generator && args::is_unit(ret) && !core_only).then(|| {
        quote!(+ ::core::iter::IntoIterator<
            IntoIter = ::resumable::IntoIter<impl ::resumable::Resumable<(), Yield = #yield_ty, Return = ()>>
        >)
    });
    match (takes_first, generator) {
        (true, false) => quote!(impl #resumable),
        (true, true) => quote!(impl #resumable #iter),
        (false, true) => quote!(impl #resumable #iter + #subroutine),
        (false, false) => quote!(impl #subroutine),
    }
}

/// The `__private` constructor for a body: whether it takes the first argument, whether it
/// delegates.
pub(crate) fn constructor(takes_first: bool, delegates: bool) -> &'static str {
    match (takes_first, delegates) {
        (true, false) => "from_parts",
        (true, true) => "from_parts_delegating",
        (false, false) => "from_parts_starting",
        (false, true) => "from_parts_starting_delegating",
    }
}

/// `-> #opaque`, built without parsing the user's types again.
pub(crate) fn opaque_output(opaque: TokenStream) -> ReturnType {
    ReturnType::Type(<Token![->]>::default(), Box::new(Type::Verbatim(opaque)))
}

/// A `#[resumable]` function.
///
/// ```text
/// #[resumable(yield = u64, resume = u64)]
/// fn sum(start: u64, #[resume] x: u64) -> u64 { body }
///   =>
/// fn sum(start: u64) -> impl Resumable<u64, Yield = u64, Return = u64> {
///     { let __co = ..; from_parts(Co::marker(&__co), async move { let __co = __co; let x: u64 = Co::first(&__co).await; ({ body }) }) }
/// }
/// ```
pub(crate) fn function(
    item: &ItemFn,
    args: &Args,
    first: Option<FirstArg>,
    delegates: bool,
) -> TokenStream {
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = item;
    let ret = return_type(&sig.output);
    let takes_first = first.is_some();
    let opaque = opaque(args, &ret, takes_first, !delegates);
    let resume_ty = &args.resume_ty;
    let co = args::co_ident();
    let first_of = quote!(::resumable::__private::Co::first);
    let first = match first {
        Some(FirstArg { pat, ty }) => quote!(let #pat: #ty = #first_of(&#co).await;),
        // No `#[resume]` parameter: the body starts without an argument (with `resume = ()` the
        // first `resume` passes nothing; otherwise this is a `Subroutine`, started by the
        // `yield_from!` that delegates to it). Skipping the await also saves a suspension state.
        None => quote!(),
    };
    let mut sig = sig.clone();
    let params = move_params_in(&mut sig);
    let stmts = &block.stmts;
    let ret_span = match &sig.output {
        ReturnType::Default => sig.paren_token.span.close(),
        ReturnType::Type(_, ty) => ty.span(),
    };
    let check = return_check(&ret, ret_span);
    // The user's statements keep a block of their own, so that items written first in the body
    // still come first (clippy's `items_after_statements`), with the span of the fn's braces.
    // The block is in parentheses: as the tail of the body, a one-line block fired
    // `unused_braces`, whose suggestion (`fn f() -> T x`) does not compile.
    let braces = block.brace_token.span.join();
    let mut stmts = Group::new(Delimiter::Brace, quote!(#(#stmts)*));
    stmts.set_span(braces);
    let stmts = parenthesized(stmts.into_token_stream(), braces);
    let body = quote!(#check #stmts);
    let ctor = if args.asynchronous {
        crate::async_form::constructor(takes_first)
    } else {
        constructor(takes_first, delegates)
    };
    let lowered = lowered_body(
        ret_span,
        ctor,
        Types::Fn(
            &args.yield_ty,
            resume_ty,
            mode::is_surely_static(&args.yield_ty, Some(&sig.generics))
                && mode::is_surely_static(resume_ty, Some(&sig.generics)),
        ),
        &quote!(#params #first),
        Some(<Token![move]>::default()),
        &body,
    );
    sig.output = opaque_output(opaque);
    quote! {
        #(#attrs)*
        #vis #sig {
            #lowered
        }
    }
}

/// Moves every parameter into the body's `async` block as a local, as an `async fn` does, so
/// that each lives until the body ends and is dropped in a plain fn's order. An `async move` block
/// alone captures only the places it uses: a parameter used only through a `Copy` field, or not at
/// all, would be dropped when the coroutine is created. Parameters that are not a plain binding
/// get a hygienic name in the signature, and so do `_name`s (using one trips clippy's
/// `used_underscore_binding`); `self` cannot be rebound, so it is only used whole.
///
/// A parameter's `#[cfg]` and `#[cfg_attr]` go with its rebinding, so that a parameter
/// configured out of the signature is not rebound either.
///
/// ```text
/// fn f(self, mut a: A, (b, _): (B, C), _: D, #[cfg(x)] e: E)
///   =>  fn f(self, a: A, __arg1: (B, C), __arg2: D, #[cfg(x)] e: E)
///       + let _ = &self; let mut a = a; let __arg1 = __arg1; let (b, _) = __arg1;
///         let __arg2 = __arg2; let _ = __arg2; #[cfg(x)] let e = e;
/// ```
fn move_params_in(sig: &mut Signature) -> TokenStream {
    let mut lets = TokenStream::new();
    for (i, input) in sig.inputs.iter_mut().enumerate() {
        match input {
            FnArg::Receiver(receiver) => {
                let cfgs = cfg_attrs(&receiver.attrs);
                let self_ = &receiver.self_token;
                lets.extend(quote!(#(#cfgs)* let _ = &#self_;));
            }
            FnArg::Typed(typed) => {
                let cfgs = cfg_attrs(&typed.attrs);
                match &mut *typed.pat {
                    // A reference or a primitive owns nothing to drop, so it need not be moved in
                    // to live as long as the body: the body uses the captured parameter itself,
                    // which saves copying it when the coroutine starts.
                    // (An ignored one, `_: &T`, stays as written too: nothing to keep alive.)
                    Pat::Ident(PatIdent {
                        by_ref: None,
                        subpat: None,
                        ..
                    })
                    | Pat::Wild(_)
                        if mode::is_plain_copy(&typed.ty) => {}
                    Pat::Ident(PatIdent {
                        by_ref: None,
                        mutability,
                        ident,
                        subpat: None,
                        ..
                    }) if !ident.to_string().starts_with('_') => {
                        let mutability = mutability.take();
                        lets.extend(quote!(#(#cfgs)* let #mutability #ident = #ident;));
                    }
                    pat => {
                        let arg = format_ident!("__resumable_arg{}", i, span = Span::mixed_site());
                        lets.extend(quote!(#(#cfgs)* let #arg = #arg; #(#cfgs)* let #pat = #arg;));
                        *typed.pat = syn::parse_quote!(#arg);
                    }
                }
            }
        }
    }
    lets
}

/// The attributes that decide whether a parameter exists: `#[cfg(..)]`, and `#[cfg_attr(..)]`,
/// which may expand to one.
fn cfg_attrs(attrs: &[syn::Attribute]) -> Vec<&syn::Attribute> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg") || a.path().is_ident("cfg_attr"))
        .collect()
}

/// A `coroutine!` closure.
///
/// ```text
/// coroutine!(move |x: u32| body)   =>   { let __co = ..; from_parts(Co::marker(&__co), async move { let __co = __co; let x: u32 = Co::first(&__co).await; (body) }) }
/// ```
pub(crate) fn closure(
    closure: &ExprClosure,
    yield_ty: Option<&Type>,
    delegates: bool,
) -> TokenStream {
    let co = args::co_ident();
    let first_of = quote!(::resumable::__private::Co::first);
    let first = match closure.inputs.first() {
        Some(syn::Pat::Type(typed)) => {
            let (pat, ty) = (&typed.pat, &typed.ty);
            quote!(let #pat: #ty = #first_of(&#co).await;)
        }
        Some(pat) => quote!(let #pat = #first_of(&#co).await;),
        None => quote!(let () = #first_of(&#co).await;),
    };
    // In parentheses, like a fn's body: a block body (`-> u8 { x }`) at the tail of the body or
    // in a `let` fired `unused_braces`, whose suggestion (`-> u8 x`) does not compile.
    let body = parenthesized(closure.body.to_token_stream(), closure.body.span());
    let body = match &closure.output {
        ReturnType::Default => body,
        // The type is fixed before the body, as for a fn, so that a body that never ends (a
        // generator's `loop`) leaves no unreachable code behind it.
        ReturnType::Type(_, ty) => {
            if let Some(check) = return_check(ty, ty.span()) {
                quote!(#check #body)
            } else {
                let ret = syn::Ident::new("__resumable_ret", Span::mixed_site());
                quote!(let #ret: #ty = #body; #ret)
            }
        }
    };
    let span = match &closure.output {
        ReturnType::Default => closure.or2_token.span,
        ReturnType::Type(_, ty) => ty.span(),
    };
    let ctor = if closure.asyncness.is_some() {
        crate::async_form::constructor(true)
    } else {
        constructor(true, delegates)
    };
    lowered_body(
        span,
        ctor,
        Types::Closure(yield_ty),
        &first,
        closure.capture,
        &body,
    )
}
