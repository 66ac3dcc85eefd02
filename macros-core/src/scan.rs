//! Walks a coroutine body: rewrites each `yield_!` it may rewrite into an await of the hand-off
//! future, and records an error for each one it may not (inside a closure, an `async` block or a
//! nested item) and for each `.await` in the body itself.
//!
//! Macro calls other than `yield_!` are opaque token streams to `syn`. A `yield_!` hidden in one
//! must not slip through (async-stream issue 106), so their arguments are parsed as
//! comma-separated expressions and walked like the rest of the body; when they do not parse as
//! expressions and still contain `yield_!`, that is an error.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprMacro, ImplItemFn, Item, Macro, Stmt, StmtMacro, Token, TraitItemFn, Type};

use crate::expand;
use crate::validate::push;

/// What stands between a `yield_!` and the coroutine body it would suspend.
#[derive(Clone, Copy)]
enum Barrier {
    Closure,
    AsyncBlock,
    NestedItem,
    DelegateArgument,
}

impl Barrier {
    fn yield_message(self) -> &'static str {
        match self {
            Self::Closure => {
                "`yield_!` cannot be used inside a closure in a coroutine body; only the body itself can yield (a closure that yields is a `coroutine!`)"
            }
            Self::AsyncBlock => {
                "`yield_!` cannot be used inside an `async` block in a coroutine body; only the body itself can yield"
            }
            Self::NestedItem => {
                "`yield_!` cannot be used inside a nested fn or other item in a coroutine body; make it a `#[resumable]` fn of its own"
            }
            Self::DelegateArgument => {
                "`yield_!` cannot be used inside the argument of `yield_from!`; yield before it, into a variable"
            }
        }
    }
}

/// The body walker. `errors` gathers every problem found; the walk goes on after each one.
pub(crate) struct Scan {
    /// The type `yield_!` values are checked against, when it can be named in the body.
    yield_ty: Option<Type>,
    barrier: Option<Barrier>,
    errors: Option<syn::Error>,
    /// The path of every `yield_!` met, rewritten or not, so that a stub can still use them.
    paths: Vec<syn::Path>,
    /// Whether the body delegates with `yield_from!` (it then needs a frame stack).
    delegates: bool,
    /// Whether the yield type is `()` because none was written (`#[resumable]` alone): a value
    /// yielded then gets an error naming `yield = Type`.
    unit_by_default: bool,
    /// Where the body itself (not a closure, `async` block or item in it) uses `?`.
    question_marks: Vec<Span>,
    /// Whether the body is an async coroutine's: it may `.await`.
    asynchronous: bool,
}

impl Scan {
    /// A walker for a body whose yields have type `yield_ty` (`None` when it is inferred);
    /// `unit_by_default` when that type is `()` because none was written.
    pub(crate) fn new(yield_ty: Option<Type>, unit_by_default: bool) -> Self {
        Self {
            yield_ty,
            barrier: None,
            errors: None,
            paths: Vec::new(),
            delegates: false,
            unit_by_default,
            question_marks: Vec::new(),
            asynchronous: false,
        }
    }

    /// The walker for an async coroutine's body when `asynchronous`: its `.await`s are allowed,
    /// and its `yield_from!`s delegate in place.
    pub(crate) fn asynchronous(mut self, asynchronous: bool) -> Self {
        self.asynchronous = asynchronous;
        self
    }

    /// Where the body itself uses `?`.
    pub(crate) fn question_marks(&self) -> &[Span] {
        &self.question_marks
    }

    /// Whether the body has a `yield_from!`.
    pub(crate) fn delegates(&self) -> bool {
        self.delegates
    }

    /// The errors found, all combined into one.
    pub(crate) fn finish(self) -> Option<syn::Error> {
        self.errors
    }

    /// The paths of the `yield_!` and `yield_from!` calls met so far.
    pub(crate) fn yield_paths(&self) -> &[syn::Path] {
        &self.paths
    }

    fn error(&mut self, error: syn::Error) {
        push(&mut self.errors, error);
    }

    fn with_barrier(&mut self, barrier: Barrier, walk: impl FnOnce(&mut Self)) {
        let outer = self.barrier.replace(barrier);
        walk(self);
        self.barrier = outer;
    }

    /// The replacement tokens for a macro call: `Some` for `yield_!` (rewritten, or an error
    /// placeholder), `None` for any other macro, whose arguments are walked in place.
    fn rewrite_macro(&mut self, mac: &mut Macro) -> Option<TokenStream> {
        if is_yield(mac) {
            return Some(self.rewrite_yield(mac));
        }
        if is_yield_from(mac) {
            return Some(self.rewrite_yield_from(mac));
        }
        // A nested `coroutine!` is a coroutine of its own: its `yield_!`s are its, not ours.
        if !is_coroutine(mac) {
            self.walk_foreign_macro(mac);
        }
        None
    }

    fn rewrite_yield(&mut self, mac: &Macro) -> TokenStream {
        let span = mac.path.span();
        self.paths.push(mac.path.clone());
        if let Some(barrier) = self.barrier {
            self.error(syn::Error::new_spanned(mac, barrier.yield_message()));
            return expand::placeholder(span);
        }
        let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
        let mut values = match mac.parse_body_with(parser) {
            Ok(values) => values,
            Err(e) => {
                self.error(e);
                return expand::placeholder(span);
            }
        };
        for value in &mut values {
            self.visit_expr_mut(value);
        }
        let yield_ty = if self.unit_by_default && !values.is_empty() {
            expand::YieldType::UnitByDefault
        } else {
            self.yield_ty
                .as_ref()
                .map_or(expand::YieldType::Inferred, expand::YieldType::Named)
        };
        expand::yield_point(&mac.path, span, &values, yield_ty)
    }

    fn rewrite_yield_from(&mut self, mac: &Macro) -> TokenStream {
        let span = mac.path.span();
        self.paths.push(mac.path.clone());
        if let Some(barrier) = self.barrier {
            let message = barrier
                .yield_message()
                .replace("`yield_!`", "`yield_from!`");
            self.error(syn::Error::new_spanned(mac, message));
            return expand::placeholder(span);
        }
        let mut sub = match mac.parse_body::<Expr>() {
            Ok(sub) => sub,
            Err(e) => {
                self.error(syn::Error::new(
                    e.span(),
                    format!("expected one coroutine to delegate to, `yield_from!(sub)`: {e}"),
                ));
                return expand::placeholder(span);
            }
        };
        // The coroutine is built when the `yield_from!` starts, inside a closure: it cannot
        // yield on our behalf while it is being built, nor leave the body.
        let mut exits = Exits::default();
        syn::visit::Visit::visit_expr(&mut exits, &sub);
        for (tokens, what) in exits.found {
            self.error(syn::Error::new_spanned(
                tokens,
                format!(
                    "{what} cannot be used inside the argument of `yield_from!`; compute the argument into a variable first"
                ),
            ));
        }
        self.with_barrier(Barrier::DelegateArgument, |s| s.visit_expr_mut(&mut sub));
        self.delegates = true;
        expand::delegate_point(
            &mac.path,
            span,
            mac.delimiter.span().join(),
            &sub,
            self.asynchronous,
        )
    }

    /// Walks the arguments of a macro other than ours, when they may hide a `yield_!` or an
    /// `.await` (async-stream issue 106). Arguments that are not comma-separated expressions
    /// cannot be walked: a `yield_!` among them is an error, an `.await` is left alone (it may
    /// well belong to an `async` block there).
    fn walk_foreign_macro(&mut self, mac: &mut Macro) {
        let hides_yield = first_yield_span(mac.tokens.clone());
        if hides_yield.is_none() && !contains_await(mac.tokens.clone()) {
            return;
        }
        let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
        match mac.parse_body_with(parser) {
            Ok(mut args) => {
                for arg in &mut args {
                    self.visit_expr_mut(arg);
                }
                mac.tokens = args.into_token_stream();
            }
            Err(_) => {
                if let Some((ident, qualified)) = hides_yield {
                    let span = ident.span();
                    let macro_name = format!("`{ident}!`");
                    if !qualified {
                        self.paths.push(ident.into());
                    }
                    let name = mac
                        .path
                        .segments
                        .last()
                        .map_or_else(String::new, |s| s.ident.to_string());
                    self.error(syn::Error::new(
                        span,
                        format!(
                            "{macro_name} inside `{name}!` cannot be rewritten because its arguments are not expressions; bind the value of {macro_name} to a variable first"
                        ),
                    ));
                }
            }
        }
    }
}

impl VisitMut for Scan {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Macro(ExprMacro { mac, .. }) => {
                if let Some(tokens) = self.rewrite_macro(mac) {
                    *expr = Expr::Verbatim(tokens);
                }
            }
            Expr::Closure(closure) => {
                self.with_barrier(Barrier::Closure, |s| {
                    visit_mut::visit_expr_closure_mut(s, closure);
                });
            }
            Expr::Async(block) => {
                self.with_barrier(Barrier::AsyncBlock, |s| {
                    visit_mut::visit_expr_async_mut(s, block);
                });
            }
            Expr::Yield(y) => {
                self.error(syn::Error::new_spanned(
                    y.yield_token,
                    "the `yield` keyword is not how a coroutine yields on stable Rust: write `yield_!(value)`",
                ));
                visit_mut::visit_expr_yield_mut(self, y);
            }
            Expr::Try(t) => {
                if self.barrier.is_none() {
                    self.question_marks.push(t.question_token.span);
                }
                visit_mut::visit_expr_try_mut(self, t);
            }
            Expr::Await(awaited) => {
                if self.barrier.is_none() && !self.asynchronous {
                    self.error(syn::Error::new_spanned(
                        awaited.await_token,
                        "`.await` cannot be used in a synchronous coroutine body; to await futures, make it an async coroutine: `#[resumable(async, ..)]` or `coroutine!(async |..| ..)`, resumed with `.resume(arg).await`",
                    ));
                }
                visit_mut::visit_expr_await_mut(self, awaited);
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        if let Stmt::Macro(StmtMacro {
            mac, semi_token, ..
        }) = stmt
        {
            if let Some(tokens) = self.rewrite_macro(mac) {
                let semi = semi_token.unwrap_or_else(|| Token![;](Span::call_site()));
                *stmt = Stmt::Expr(Expr::Verbatim(tokens), Some(semi));
            }
            return;
        }
        visit_mut::visit_stmt_mut(self, stmt);
    }

    fn visit_impl_item_fn_mut(&mut self, f: &mut ImplItemFn) {
        // A `#[resumable]` method of a nested `impl` is rewritten by its own attribute, later.
        if !f.attrs.iter().any(|a| is_resumable_attr(a.path())) {
            visit_mut::visit_impl_item_fn_mut(self, f);
        }
    }

    fn visit_trait_item_fn_mut(&mut self, f: &mut TraitItemFn) {
        if !f.attrs.iter().any(|a| is_resumable_attr(a.path())) {
            visit_mut::visit_trait_item_fn_mut(self, f);
        }
    }

    fn visit_item_mut(&mut self, item: &mut Item) {
        // A nested `#[resumable]` fn is rewritten by its own attribute, later.
        if let Item::Fn(f) = item
            && f.attrs.iter().any(|a| is_resumable_attr(a.path()))
        {
            return;
        }
        if let Item::Macro(m) = item {
            // A macro call in item position (`yield_!(x);` parses as one only at module level).
            if is_yield(&m.mac) || is_yield_from(&m.mac) {
                self.error(syn::Error::new_spanned(
                    &m.mac,
                    Barrier::NestedItem.yield_message(),
                ));
            }
            return;
        }
        self.with_barrier(Barrier::NestedItem, |s| visit_mut::visit_item_mut(s, item));
    }
}

/// Whether a macro call is `yield_!` (or `resumable::yield_!`).
fn is_yield(mac: &Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "yield_")
}

/// The `?`, `return`, `break` and `continue` that would leave the argument of a `yield_from!`
/// (not those inside closures, `async` blocks or loops of the argument itself).
#[derive(Default)]
struct Exits {
    found: Vec<(TokenStream, &'static str)>,
    loops: usize,
}

impl<'ast> syn::visit::Visit<'ast> for Exits {
    fn visit_expr(&mut self, expr: &'ast Expr) {
        match expr {
            Expr::Try(e) => {
                self.found.push((e.question_token.to_token_stream(), "`?`"));
                syn::visit::visit_expr(self, expr);
            }
            Expr::Return(e) => {
                self.found
                    .push((e.return_token.to_token_stream(), "`return`"));
                syn::visit::visit_expr(self, expr);
            }
            Expr::Break(e) if self.loops == 0 || e.label.is_some() => {
                self.found
                    .push((e.break_token.to_token_stream(), "`break`"));
                syn::visit::visit_expr(self, expr);
            }
            Expr::Continue(e) if self.loops == 0 || e.label.is_some() => {
                self.found
                    .push((e.continue_token.to_token_stream(), "`continue`"));
            }
            Expr::Closure(_) | Expr::Async(_) => {}
            Expr::Loop(_) | Expr::While(_) | Expr::ForLoop(_) => {
                self.loops += 1;
                syn::visit::visit_expr(self, expr);
                self.loops -= 1;
            }
            _ => syn::visit::visit_expr(self, expr),
        }
    }

    fn visit_item(&mut self, _: &'ast Item) {}
}

/// Whether a macro call is `yield_from!` (or `resumable::yield_from!`).
fn is_yield_from(mac: &Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "yield_from")
}

/// Whether an attribute path is `resumable` (or `resumable::resumable`).
fn is_resumable_attr(path: &syn::Path) -> bool {
    path.segments.last().is_some_and(|s| s.ident == "resumable")
}

/// Whether a macro call is `coroutine!` (or `resumable::coroutine!`).
fn is_coroutine(mac: &Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "coroutine")
}

/// Whether `. await` appears anywhere in `tokens`, searching nested groups.
fn contains_await(tokens: TokenStream) -> bool {
    let mut after_dot = false;
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) if after_dot && ident == "await" => return true,
            TokenTree::Group(group) if contains_await(group.stream()) => return true,
            TokenTree::Punct(p) if p.as_char() == '.' => {
                after_dot = true;
                continue;
            }
            _ => {}
        }
        after_dot = false;
    }
    false
}

/// The first `yield_ !` or `yield_from !` in `tokens`, searching nested groups, and whether it
/// is the last segment of a longer path (`resumable::yield_!`).
fn first_yield_span(tokens: TokenStream) -> Option<(Ident, bool)> {
    let mut iter = tokens.into_iter().peekable();
    let mut after_colons = false;
    while let Some(tree) = iter.next() {
        let colon = matches!(&tree, TokenTree::Punct(p) if p.as_char() == ':');
        match tree {
            TokenTree::Ident(ident) if ident == "yield_" || ident == "yield_from" => {
                if matches!(iter.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '!') {
                    return Some((ident, after_colons));
                }
            }
            TokenTree::Group(group) => {
                if let Some(span) = first_yield_span(group.stream()) {
                    return Some(span);
                }
            }
            _ => {}
        }
        after_colons = colon;
    }
    None
}
