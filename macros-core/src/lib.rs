//! The expansion of [`resumable`](https://docs.rs/resumable)'s macros, `#[resumable]` and
//! `coroutine!`, as ordinary functions from `proc_macro2` token streams to token streams.
//!
//! The proc-macro crate `resumable-macros` is a thin wrapper over this one, so the whole
//! expansion can be called, tested and fuzzed outside a compiler (`fuzz/` in the repository
//! drives these functions with libFuzzer). Generated code refers to `::resumable::__private`;
//! use the macros through the `resumable` crate, which documents them.
//!
//! Every input gives an expansion or a [`syn::Error`], never a panic:
//!
//! ```
//! use quote::quote;
//!
//! let ok = resumable_macros_core::expand_resumable(
//!     quote!(yield = u32),
//!     quote!(fn count(n: u32) { for i in 0..n { yield_!(i); } }),
//! );
//! assert!(ok.is_ok());
//!
//! let error = resumable_macros_core::expand_resumable(quote!(u32), quote!(fn f() {}))
//!     .unwrap_err();
//! assert!(error.to_string().contains("yield = u32"), "{error}");
//! ```
#![forbid(unsafe_code)]

mod args;
mod async_form;
pub mod corpus;
mod expand;
mod fallback;
mod hoist;
mod mode;
mod scan;
#[cfg(test)]
mod tests;
mod validate;

use proc_macro2::TokenStream;
use syn::visit_mut::VisitMut;

/// What `#[resumable(args)]` on `item` expands to: the coroutine for valid input; for invalid
/// input, every error found as a `compile_error!`, next to a stand-in for the item that keeps
/// its callers compiling (so no cascade of unrelated errors follows).
pub fn resumable(args: TokenStream, item: TokenStream) -> TokenStream {
    resumable_for(Target::Std, args, item)
}

/// As [`resumable`], for builds of `resumable` with `alloc` but without `std`: the yield and
/// resume types must be `'static` (see [`Target::Alloc`]).
pub fn resumable_alloc(args: TokenStream, item: TokenStream) -> TokenStream {
    resumable_for(Target::Alloc, args, item)
}

/// As [`resumable`], for builds of `resumable` without `alloc` (`#![no_std]` on `core` alone):
/// see [`Target::Core`].
pub fn resumable_core(args: TokenStream, item: TokenStream) -> TokenStream {
    resumable_for(Target::Core, args, item)
}

/// Which features the `resumable` build the expansion is for has: each has an entry point of
/// its own in the proc-macro crate, which the facade re-exports as `resumable` by its features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `std` (the default): any yield and resume types.
    Std,
    /// `alloc` without `std`: a yield or resume type that surely borrows is an error on that
    /// type (without `std`, hand-offs are checked by `TypeId`, which needs `'static`).
    Alloc,
    /// Neither: as [`Target::Alloc`], and besides a generator's type is not `IntoIterator` (that
    /// boxes it), and the type of a coroutine that delegates to nothing says it is a `Leaf`,
    /// which `yield_from!` runs in place, without a frame.
    Core,
}

/// [`resumable`] for `target`.
pub fn resumable_for(target: Target, args: TokenStream, item: TokenStream) -> TokenStream {
    match checked_function(args, item, target) {
        Checked::Valid(tokens)
        | Checked::Invalid {
            fallback: tokens, ..
        } => tokens,
    }
}

/// What `coroutine!(input)` expands to: the coroutine for valid input; for invalid input,
/// every error found as a `compile_error!` in an expression of a coroutine type.
pub fn coroutine(input: TokenStream) -> TokenStream {
    match checked_closure(input) {
        Checked::Valid(tokens)
        | Checked::Invalid {
            fallback: tokens, ..
        } => tokens,
    }
}

/// The expansion of `#[resumable(args)]` on `item`, or every error found, combined.
///
/// # Errors
/// Each mistake in the arguments, the signature or the body, at the user's tokens.
pub fn expand_resumable(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    checked_function(args, item, Target::Std).into_result()
}

/// The expansion of `coroutine!(input)`, or every error found, combined.
///
/// # Errors
/// Each mistake in the closure's head or body, at the user's tokens.
pub fn expand_coroutine(input: TokenStream) -> syn::Result<TokenStream> {
    checked_closure(input).into_result()
}

/// An expansion, or the errors with what is emitted in the expansion's place.
enum Checked {
    Valid(TokenStream),
    Invalid {
        error: syn::Error,
        fallback: TokenStream,
    },
}

impl Checked {
    fn into_result(self) -> syn::Result<TokenStream> {
        match self {
            Checked::Valid(tokens) => Ok(tokens),
            Checked::Invalid { error, .. } => Err(error),
        }
    }
}

fn checked_function(args: TokenStream, item: TokenStream, target: Target) -> Checked {
    let (mut args, mut errors) = args::parse(args);
    args.core_only = target == Target::Core;
    if target != Target::Std
        && let Err(e) = validate::static_types(&args)
    {
        validate::push(&mut errors, e);
    }
    let Ok(mut item) = syn::parse2::<syn::ItemFn>(item.clone()) else {
        let mut error = validate::not_a_function(&item);
        if let Some(e) = errors {
            error.combine(e);
        }
        let fallback = fallback::item(item, &error);
        return Checked::Invalid { error, fallback };
    };
    let takes_first = validate::has_resume_param(&item);
    let first = validate::function(&mut item).unwrap_or_else(|e| {
        validate::push(&mut errors, e);
        None
    });
    let mut scan = scan::Scan::new(expand::checked_yield_type(&args), !args.yield_given)
        .asynchronous(args.asynchronous);
    scan.visit_block_mut(&mut item.block);
    let paths = scan.yield_paths().to_vec();
    let delegates = scan.delegates();
    if args::is_unit(&expand::return_type(&item.sig.output)) {
        for question in scan.question_marks() {
            validate::push(
                &mut errors,
                syn::Error::new(
                    *question,
                    "`?` needs the coroutine to return `Result` or `Option`, and this one returns `()`: declare `-> Result<(), E>` (and iterate it with `try_iter()`)",
                ),
            );
        }
    }
    if let Some(e) = scan.finish() {
        validate::push(&mut errors, e);
    }
    match errors {
        Some(error) => {
            let fallback = fallback::function(item, &args, takes_first, &error, &paths);
            Checked::Invalid { error, fallback }
        }
        None => Checked::Valid(expand::function(&item, &args, first, delegates)),
    }
}

fn checked_closure(input: TokenStream) -> Checked {
    let (declared, input) = match args::closure_yield_type(input) {
        Ok(split) => split,
        Err(error) => {
            let fallback = fallback::closure(&error, &[]);
            return Checked::Invalid { error, fallback };
        }
    };
    let mut closure = match validate::parse_closure(input) {
        Ok(c) => c,
        Err(error) => {
            let fallback = fallback::closure(&error, &[]);
            return Checked::Invalid { error, fallback };
        }
    };
    let mut errors = validate::closure(&closure).err();
    // Without `yield = T`, a closure's yield type is inferred from its yields or from where it
    // is used (a dispatcher task's is `Wait`); there is no default.
    let mut scan =
        scan::Scan::new(declared.clone(), false).asynchronous(closure.asyncness.is_some());
    scan.visit_expr_mut(&mut closure.body);
    let paths = scan.yield_paths().to_vec();
    let delegates = scan.delegates();
    // `?` returns from the body: its type must be written (rustc would otherwise say "the `?`
    // operator can only be used in an async block").
    let message = match &closure.output {
        syn::ReturnType::Default => Some(
            "`?` in a `coroutine!` closure needs its return type written: `|..| -> Result<T, E> { .. }`",
        ),
        syn::ReturnType::Type(_, ty) if args::is_unit(ty) => Some(
            "`?` needs the coroutine to return `Result` or `Option`, and this one returns `()`: declare `-> Result<(), E>`",
        ),
        syn::ReturnType::Type(..) => None,
    };
    if let Some(message) = message {
        for question in scan.question_marks() {
            validate::push(&mut errors, syn::Error::new(*question, message));
        }
    }
    if let Some(e) = scan.finish() {
        validate::push(&mut errors, e);
    }
    match errors {
        Some(error) => {
            let fallback = fallback::closure(&error, &paths);
            Checked::Invalid { error, fallback }
        }
        None => Checked::Valid(expand::closure(&closure, declared.as_ref(), delegates)),
    }
}
