//! The macro invocations in Rust source: every `#[resumable(..)]` item and every `coroutine!(..)`
//! call, as the inputs the macros would receive. Tests and the fuzzer take their seeds from the
//! repository's sources this way, and write them to a corpus in a plain text form.
//!
//! ```text
//! #[resumable(yield = u32)] fn f() { .. }   =>  Invocation::Resumable { args: yield = u32, item: fn f() { .. } }
//! coroutine!(|x: u32| { .. })               =>  Invocation::Coroutine { input: |x: u32| { .. } }
//! ```

use proc_macro2::TokenStream;
use syn::visit::Visit;

/// One call of one of the macros, with the tokens it is given.
#[derive(Clone, Debug)]
pub enum Invocation {
    /// `#[resumable(args)] item`
    Resumable {
        /// The attribute's arguments (empty for a bare `#[resumable]`).
        args: TokenStream,
        /// The item the attribute is on, without the attribute.
        item: TokenStream,
    },
    /// `coroutine!(input)`
    Coroutine {
        /// The tokens inside the macro call's delimiters.
        input: TokenStream,
    },
}

impl Invocation {
    /// What the macro expands this to, or every error it reports.
    ///
    /// # Errors
    /// The macro's errors for this input.
    pub fn expand(&self) -> syn::Result<TokenStream> {
        match self {
            Invocation::Resumable { args, item } => {
                crate::expand_resumable(args.clone(), item.clone())
            }
            Invocation::Coroutine { input } => crate::expand_coroutine(input.clone()),
        }
    }

    /// What the macro emits for this input, errors included (as the compiler would see it).
    pub fn emit(&self) -> TokenStream {
        match self {
            Invocation::Resumable { args, item } => crate::resumable(args.clone(), item.clone()),
            Invocation::Coroutine { input } => crate::coroutine(input.clone()),
        }
    }

    /// Whether `tokens`, an expansion of this invocation, is syntactically valid Rust in the
    /// position the macro is used in (items for the attribute, an expression for `coroutine!`).
    pub fn parses(&self, tokens: TokenStream) -> bool {
        match self {
            Invocation::Resumable { .. } => syn::parse2::<syn::File>(tokens).is_ok(),
            Invocation::Coroutine { .. } => syn::parse2::<syn::Expr>(tokens).is_ok(),
        }
    }

    /// The corpus text form: a first line naming the macro and its arguments, then the input.
    ///
    /// ```text
    /// #[resumable(yield = u32)]        coroutine!
    /// fn f() { yield_!(1); }           |x: u32| { yield_!(x); }
    /// ```
    pub fn to_text(&self) -> String {
        match self {
            Invocation::Resumable { args, item } => format!("#[resumable({args})]\n{item}\n"),
            Invocation::Coroutine { input } => format!("coroutine!\n{input}\n"),
        }
    }

    /// Reads the corpus text form back. Anything that is not that form (a first line other than
    /// the two, or text that does not lex as Rust tokens) gives `None`.
    pub fn from_text(text: &str) -> Option<Self> {
        let (head, rest) = text.split_once('\n')?;
        let body: TokenStream = rest.parse().ok()?;
        if head.trim() == "coroutine!" {
            return Some(Invocation::Coroutine { input: body });
        }
        let args = head
            .trim()
            .strip_prefix("#[resumable(")?
            .strip_suffix(")]")?;
        Some(Invocation::Resumable {
            args: args.parse().ok()?,
            item: body,
        })
    }
}

/// Every invocation in `source`, a Rust file, in order; none if it does not parse.
pub fn invocations(source: &str) -> Vec<Invocation> {
    let Ok(file) = syn::parse_file(source) else {
        return Vec::new();
    };
    let mut finder = Finder(Vec::new());
    finder.visit_file(&file);
    finder.0
}

struct Finder(Vec<Invocation>);

/// An item that may carry `#[resumable]`.
trait Attributed: Clone + quote::ToTokens {
    fn attrs_mut(&mut self) -> &mut Vec<syn::Attribute>;
}

macro_rules! attributed {
    ($($ty:ty),*) => {$(
        impl Attributed for $ty {
            fn attrs_mut(&mut self) -> &mut Vec<syn::Attribute> {
                &mut self.attrs
            }
        }
    )*};
}

attributed!(
    syn::ItemFn,
    syn::ImplItemFn,
    syn::TraitItemFn,
    syn::ItemStruct,
    syn::ItemConst
);

impl Finder {
    /// Records `item` without its attribute if it carries `#[resumable]`.
    fn attributed<T: Attributed>(&mut self, item: &T) {
        let mut item = item.clone();
        let attrs = item.attrs_mut();
        let Some(index) = attrs.iter().position(|a| a.path().is_ident("resumable")) else {
            return;
        };
        let args = match attrs.remove(index).meta {
            syn::Meta::List(list) => list.tokens,
            _ => TokenStream::new(),
        };
        self.0.push(Invocation::Resumable {
            args,
            item: item.to_token_stream(),
        });
    }

    fn macro_call(&mut self, mac: &syn::Macro) {
        if mac
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "coroutine")
        {
            self.0.push(Invocation::Coroutine {
                input: mac.tokens.clone(),
            });
        }
        // Other macros (`assert!`, `vec!`, ..) may hold coroutines too.
        if let Ok(exprs) = mac.parse_body_with(
            syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
        ) {
            for expr in &exprs {
                self.visit_expr(expr);
            }
        }
    }
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.attributed(f);
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.attributed(f);
        syn::visit::visit_impl_item_fn(self, f);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        self.attributed(f);
        syn::visit::visit_trait_item_fn(self, f);
    }

    // `#[resumable]` on something other than a fn is an input too (an error to report).
    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        self.attributed(s);
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        self.attributed(c);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.macro_call(mac);
    }
}
