//! The operands of a `yield_from!` call that are evaluated before the thunk that builds the
//! coroutine delegated to, so that the temporaries they borrow live until the delegation ends,
//! as the temporaries of a `for` loop's iterator expression do.
//!
//! The thunk exists so that the body's state holds the closure and not the coroutine (a coroutine
//! can delegate to a call of itself), but a temporary created inside it is dropped when it
//! returns: `|| { each(&vec![1, 2]) }` returns a value borrowing its own temporary (E0515). So
//! the call stays in the thunk and what it is called with is evaluated outside, left to right,
//! in a `match` scrutinee, whose temporaries live until the `match` ends.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, Ident, Item, UnOp};

/// A call whose operands are bound before its thunk runs.
pub(crate) struct Hoisted {
    /// The operands evaluated before the thunk, in evaluation order: the binding, whether it is
    /// `mut` (a receiver or callee may be used by `&mut`), and the user's expression.
    pub(crate) bindings: Vec<(Ident, bool, Expr)>,
    /// The call, each hoisted operand replaced by its binding.
    pub(crate) call: Expr,
}

/// The call `sub` with its operands taken out, when `sub` is a call or method call that may
/// borrow a temporary (`None` otherwise, and the thunk is generated as before). Operands that
/// cannot have side effects stay in the call: paths, literals, and closures (which need the
/// parameter type to infer theirs). A receiver or callee that is a place stays a place: only the
/// values in it (an index, a temporary it is a field of) are taken out.
///
/// ```text
/// each(&vec![n], n)          =>   [__sub0 = &vec![n]],                each(__sub0, n)
/// Tree::new(d).walk(x, 1)    =>   [mut __sub0 = Tree::new(d)],         __sub0.walk(x, 1)
/// trees[next()].walk(&[1])   =>   [__sub0 = next(), __sub1 = &[1]],    trees[__sub0].walk(__sub1)
/// permgen(a, n - 1)          =>   None
/// ```
pub(crate) fn hoist(sub: &Expr) -> Option<Hoisted> {
    if !borrows_a_temporary(sub) {
        return None;
    }
    let mut bindings = Vec::new();
    let call = match ungrouped(sub) {
        Expr::Call(call) => {
            let mut call = call.clone();
            *call.func = place(&call.func, &mut bindings);
            for arg in &mut call.args {
                *arg = value(arg, &mut bindings);
            }
            Expr::Call(call)
        }
        Expr::MethodCall(call) => {
            let mut call = call.clone();
            *call.receiver = place(&call.receiver, &mut bindings);
            for arg in &mut call.args {
                *arg = value(arg, &mut bindings);
            }
            Expr::MethodCall(call)
        }
        _ => return None,
    };
    (!bindings.is_empty()).then_some(Hoisted { bindings, call })
}

/// `expr` without the parentheses or invisible groups around it.
fn ungrouped(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(e) => ungrouped(&e.expr),
        Expr::Group(e) => ungrouped(&e.expr),
        other => other,
    }
}

/// A receiver or callee: a place keeps its shape, and the values it is made of are bound.
fn place(expr: &Expr, bindings: &mut Vec<(Ident, bool, Expr)>) -> Expr {
    let mut expr = expr.clone();
    match &mut expr {
        Expr::Path(_) => {}
        Expr::Paren(e) => *e.expr = place(&e.expr, bindings),
        Expr::Group(e) => *e.expr = place(&e.expr, bindings),
        Expr::Field(e) => *e.base = place(&e.base, bindings),
        Expr::Unary(e) if matches!(e.op, UnOp::Deref(_)) => *e.expr = place(&e.expr, bindings),
        Expr::Index(e) => {
            *e.expr = place(&e.expr, bindings);
            *e.index = value(&e.index, bindings);
        }
        _ => return bind(expr, true, bindings),
    }
    expr
}

/// An operand passed by value: bound, unless evaluating it later changes nothing.
fn value(expr: &Expr, bindings: &mut Vec<(Ident, bool, Expr)>) -> Expr {
    match expr {
        Expr::Path(_) | Expr::Lit(_) | Expr::Closure(_) => expr.clone(),
        _ => bind(expr.clone(), false, bindings),
    }
}

/// Records `expr` as the next binding and returns the binding's name in its place, located at
/// `expr` so that an error about the operand still points at it.
fn bind(expr: Expr, mutable: bool, bindings: &mut Vec<(Ident, bool, Expr)>) -> Expr {
    let name = Ident::new(
        &format!("__resumable_sub{}", bindings.len()),
        Span::mixed_site().located_at(expr.span()),
    );
    bindings.push((name.clone(), mutable, expr));
    Expr::Path(syn::ExprPath {
        attrs: Vec::new(),
        qself: None,
        path: name.into(),
    })
}

/// Whether evaluating `expr` may create a temporary that the result borrows: a borrow of a
/// value that is not a place (`&vec![..]`, `&make().field`), a method called on one (it may take
/// `&self`: `vec![..].as_slice()`, `Tree::new().walk()`), or one called (`make()(..)`). Closures,
/// `async` blocks and items are scopes of their own and are not looked into.
fn borrows_a_temporary(expr: &Expr) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            match expr {
                Expr::Closure(_) | Expr::Async(_) => return,
                Expr::Reference(e) if is_temporary(&e.expr) => self.0 = true,
                Expr::MethodCall(e) if is_temporary(&e.receiver) => self.0 = true,
                Expr::Call(e) if is_temporary(&e.func) => self.0 = true,
                _ => {}
            }
            syn::visit::visit_expr(self, expr);
        }

        fn visit_item(&mut self, _: &'ast Item) {}
    }
    let mut finder = Finder(false);
    finder.visit_expr(expr);
    finder.0
}

/// Whether `expr`, used as a place, is (part of) a temporary: not rooted in a path (a local, a
/// `static`, a `const`) or a literal (promoted to a constant).
fn is_temporary(expr: &Expr) -> bool {
    match expr {
        Expr::Path(_) | Expr::Lit(_) => false,
        Expr::Paren(e) => is_temporary(&e.expr),
        Expr::Group(e) => is_temporary(&e.expr),
        Expr::Field(e) => is_temporary(&e.base),
        Expr::Index(e) => is_temporary(&e.expr),
        Expr::Unary(e) if matches!(e.op, UnOp::Deref(_)) => is_temporary(&e.expr),
        _ => true,
    }
}
