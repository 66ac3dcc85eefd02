//! Unit tests of the macros on `proc_macro2` token streams: valid input expands, every error is
//! reported (all at once), and no input whatsoever makes a macro panic.

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use proptest::prelude::*;
use quote::quote;

use crate::corpus::{self, Invocation};
use crate::{coroutine as coroutine_impl, resumable as resumable_impl};

/// How many `compile_error!` calls `tokens` holds: one per error reported.
fn errors(tokens: &TokenStream) -> usize {
    tokens
        .clone()
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(ident) if ident == "compile_error" => 1,
            TokenTree::Group(group) => errors(&group.stream()),
            _ => 0,
        })
        .sum()
}

/// The messages of the `compile_error!` calls in `tokens`, in order.
fn messages(tokens: &TokenStream) -> Vec<String> {
    let mut found = Vec::new();
    let mut after_error = false;
    for tree in tokens.clone() {
        match tree {
            TokenTree::Ident(ident) => after_error = ident == "compile_error",
            TokenTree::Group(group) if after_error => {
                found.push(group.stream().to_string());
                after_error = false;
            }
            TokenTree::Group(group) => found.extend(messages(&group.stream())),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
    found
}

/// Whether `needle` occurs in `tokens` as written by `quote!` (spacing normalised).
fn mentions(tokens: &TokenStream, needle: &TokenStream) -> bool {
    tokens.to_string().contains(&needle.to_string())
}

#[test]
fn valid_function_expands_to_a_resumable_fn() {
    let out = resumable_impl(
        quote!(yield = u64, resume = u64),
        quote! {
            fn running_sum(start: u64, #[resume] first: u64) -> u64 {
                let mut total = start + first;
                loop {
                    let x = yield_!(total);
                    if x == 0 {
                        return total;
                    }
                    total += x;
                }
            }
        },
    );
    assert_eq!(errors(&out), 0, "{out}");
    let f: syn::ItemFn = syn::parse2(out.clone()).expect("expands to a fn");
    assert_eq!(
        f.sig.inputs.len(),
        1,
        "the `#[resume]` parameter leaves the signature"
    );
    assert!(mentions(
        &out,
        &quote!(::resumable::Resumable<u64, Yield = u64, Return = u64>)
    ));
    assert!(mentions(&out, &quote!(yield_!(@rewritten))));
    assert!(
        !mentions(&out, &quote!(yield_!(total))),
        "every yield is rewritten: {out}"
    );
}

#[test]
fn valid_closure_expands_to_a_coroutine() {
    let out = coroutine_impl(quote!(move |x: u32| {
        let y = yield_!(x + 1);
        println!("{}", yield_!(y));
    }));
    assert_eq!(errors(&out), 0, "{out}");
    let _: syn::Expr = syn::parse2(out.clone()).expect("expands to an expression");
    assert!(
        !mentions(&out, &quote!(yield_!(y))),
        "a yield in `println!` is rewritten: {out}"
    );
}

/// Found by the fuzzer: `yield_!(v,)` expanded to `let value = v,;`, which is not Rust.
#[test]
fn a_trailing_comma_in_yield_is_ignored() {
    for (args, item) in [
        (
            quote!(yield = u32),
            quote!(
                fn one() {
                    yield_!(1,);
                }
            ),
        ),
        (
            quote!(yield = (u32, bool)),
            quote!(
                fn two() {
                    yield_!(1, true,);
                }
            ),
        ),
    ] {
        let invocation = Invocation::Resumable { args, item };
        let tokens = invocation.expand().expect("a valid coroutine");
        assert!(invocation.parses(tokens), "{}", invocation.to_text());
    }
}

/// The body of the `#[resumable]` fn `f` whose body is `yield_from!(#sub);`, expanded.
fn delegating(sub: &TokenStream) -> TokenStream {
    let out = resumable_impl(
        quote!(yield = u32),
        quote! {
            fn f(a: &[u32], n: u32) { yield_from!(#sub); }
        },
    );
    assert_eq!(errors(&out), 0, "{out}");
    out
}

#[test]
fn yield_from_evaluates_the_operands_first_only_when_they_may_borrow_a_temporary() {
    // Calls that borrow no temporary keep their thunk as it was (no `match`, nothing bound).
    for sub in [
        quote!(permgen(a, n - 1)),
        quote!(each(&a[1..])),
        quote!(self.walk(&mut buf, format!("{n}"))),
        quote!(bridge(|r| make(&vec![r]))),
    ] {
        let out = delegating(&sub);
        assert!(!mentions(&out, &quote!(match)), "{sub}: {out}");
        assert!(mentions(&out, &quote!(|| { #sub })), "{sub}: {out}");
    }
    // Otherwise the call stays in the thunk and its operands are bound before it, in order;
    // paths, literals and closures are left in place.
    for (sub, values, call) in [
        (
            quote!(each(&vec![n], n)),
            quote!((&vec![n],)),
            quote!(each(__resumable_sub0, n)),
        ),
        (
            quote!(Tree::new(n).walk(1, |x| x)),
            quote!((Tree::new(n),)),
            quote!(__resumable_sub0.walk(1, |x| x)),
        ),
        (
            quote!(trees[next()].walk(vec![1].as_slice())),
            quote!((next(), vec![1].as_slice(),)),
            quote!(trees[__resumable_sub0].walk(__resumable_sub1)),
        ),
        (
            quote!((each(&vec![n]))),
            quote!((&vec![n],)),
            quote!(each(__resumable_sub0)),
        ),
    ] {
        let out = delegating(&sub);
        assert!(mentions(&out, &quote!(match #values)), "{sub}: {out}");
        assert!(mentions(&out, &quote!(|| { #call })), "{sub}: {out}");
    }
}

#[test]
fn nested_coroutines_and_resumable_items_are_left_to_their_own_macro() {
    let out = resumable_impl(
        quote!(yield = u32),
        quote! {
            fn outer() {
                let inner = coroutine!(|| { yield_!(5u8); });
                #[resumable(yield = u8)]
                fn nested() { yield_!(1); }
                struct S;
                impl S {
                    #[resumable(yield = u8)]
                    fn method(&self) { yield_!(2); }
                }
                yield_!(3);
            }
        },
    );
    assert_eq!(errors(&out), 0, "{out}");
    assert!(mentions(
        &out,
        &quote!(coroutine!(|| {
            yield_!(5u8);
        }))
    ));
}

#[test]
fn every_mistake_in_a_function_is_reported_together() {
    let out = resumable_impl(
        quote!(yield = u32, resume = u32, extra = ()),
        quote! {
            async fn numbers(start: u32) -> u32 {
                let f = || yield_!(start);
                let g = || yield_from!(helper(start));
                let n = fetch().await;
                let _ = async { yield_!(n) };
                fn helper() { yield_!(1); }
                println!("{}", later.await);
                start
            }
        },
    );
    let found = messages(&out);
    assert_eq!(found.len(), 8, "{found:#?}");
    // The `.await` hidden in `println!` counts too: two of them.
    for expected in [
        "unknown argument `extra`",
        "cannot be applied to an `async fn`",
        "`yield_from!` cannot be used inside a closure",
        "`yield_!` cannot be used inside a closure",
        "`.await` cannot be used",
        "inside an `async` block",
        "inside a nested fn",
    ] {
        assert!(
            found.iter().any(|m| m.contains(expected)),
            "no error says {expected:?}: {found:#?}"
        );
    }
    // The fn keeps its signature (without `async`) so that callers still compile, and its body
    // is the errors, the last one as its value.
    let f: syn::ItemFn = syn::parse2(out).expect("a fn whose body is the errors");
    assert!(f.sig.asyncness.is_none());
    assert_eq!(f.sig.inputs.len(), 1);
    assert_eq!(
        f.block.stmts.len(),
        4 + 8,
        "three `yield_!` paths and one `yield_from!` path, then the errors"
    );
    assert!(matches!(
        f.block.stmts.last(),
        Some(syn::Stmt::Expr(syn::Expr::Macro(_), None))
    ));
}

#[test]
fn every_mistake_in_a_closure_is_reported_together() {
    // (`async |..|` is the async form, where `.await` is allowed.)
    let out = coroutine_impl(quote!(|a: u32, b: u32| {
        let f = || yield_!(a);
        yield_!(fetch().await + b);
    }));
    assert_eq!(errors(&out), 3, "{out}");
    // A block whose value is the last error: rustc gives it the error type.
    let block: syn::ExprBlock = syn::parse2(out).expect("a block");
    assert!(matches!(
        block.block.stmts.last(),
        Some(syn::Stmt::Expr(_, None))
    ));
}

#[test]
fn a_mistake_in_the_arguments_keeps_the_valid_ones() {
    let out = resumable_impl(
        quote!(yield = u32, yield = u64, resume = bool),
        quote!(
            fn f(#[resume] b: bool) {
                yield_!(1);
            }
        ),
    );
    assert_eq!(messages(&out).len(), 1, "{out}");
    assert!(
        mentions(
            &out,
            &quote!(::resumable::Resumable<bool, Yield = u32, Return = ()>)
        ),
        "{out}"
    );
}

#[test]
fn resumable_on_something_else_is_reported_and_the_item_kept() {
    let out = resumable_impl(
        quote!(bogus),
        quote!(
            struct S {
                x: u8,
            }
        ),
    );
    assert_eq!(errors(&out), 2, "{out}");
    assert!(mentions(
        &out,
        &quote!(
            struct S {
                x: u8,
            }
        )
    ));
    let out = resumable_impl(
        TokenStream::new(),
        quote!(
            fn f(&self);
        ),
    );
    assert!(messages(&out)[0].contains("without a body"), "{out}");
}

#[test]
fn coroutine_of_something_else_is_reported() {
    for input in [
        quote!(),
        quote!(
            fn f() {}
        ),
        quote!(1 + 2),
        quote!(|x| x, 3),
    ] {
        let out = coroutine_impl(input.clone());
        assert_eq!(errors(&out), 1, "{input} => {out}");
    }
}

// -- No input makes a macro panic --------------------------------------------------------------

/// One token of a flattened token stream: a leaf, or where a group opens or closes.
#[derive(Clone, Debug)]
enum Tok {
    Leaf(TokenTree),
    Open(Delimiter),
    Close,
}

/// The tokens a coroutine body is made of, and a few that break it.
fn leaf() -> impl Strategy<Value = Tok> {
    const IDENTS: &[&str] = &[
        "yield_",
        "coroutine",
        "resumable",
        "resume",
        "fn",
        "async",
        "move",
        "await",
        "self",
        "Self",
        "let",
        "mut",
        "return",
        "loop",
        "match",
        "if",
        "else",
        "struct",
        "impl",
        "const",
        "unsafe",
        "pub",
        "u32",
        "x",
        "f",
        "yield",
        "for",
        "in",
        "where",
        "dyn",
    ];
    const PUNCTS: &[char] = &[
        '!', '.', ',', ';', ':', '=', '|', '&', '*', '-', '>', '<', '#', '?', '+', '@', '\'',
    ];
    prop_oneof![
        4 => prop::sample::select(IDENTS)
            .prop_map(|s| Tok::Leaf(Ident::new(s, Span::call_site()).into())),
        3 => (prop::sample::select(PUNCTS), any::<bool>()).prop_map(|(c, joint)| {
            let spacing = if joint { Spacing::Joint } else { Spacing::Alone };
            Tok::Leaf(Punct::new(c, spacing).into())
        }),
        1 => any::<u8>().prop_map(|n| Tok::Leaf(Literal::u8_unsuffixed(n).into())),
        1 => Just(Tok::Leaf(Literal::string("s").into())),
        2 => prop::sample::select(&[Delimiter::Parenthesis, Delimiter::Brace, Delimiter::Bracket][..])
            .prop_map(Tok::Open),
        2 => Just(Tok::Close),
    ]
}

/// Rebuilds a token stream from flattened tokens, closing what is left open and ignoring
/// closes with nothing open, so that any sequence makes a stream.
fn build(toks: &[Tok]) -> TokenStream {
    let mut stack: Vec<(Delimiter, TokenStream)> = vec![(Delimiter::None, TokenStream::new())];
    for tok in toks {
        match tok {
            Tok::Leaf(tree) => {
                if let Some((_, s)) = stack.last_mut() {
                    s.extend([tree.clone()]);
                }
            }
            Tok::Open(delimiter) => stack.push((*delimiter, TokenStream::new())),
            Tok::Close if stack.len() > 1 => close(&mut stack),
            Tok::Close => {}
        }
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack.pop().map(|(_, s)| s).unwrap_or_default()
}

fn close(stack: &mut Vec<(Delimiter, TokenStream)>) {
    if let Some((delimiter, inner)) = stack.pop()
        && let Some((_, outer)) = stack.last_mut()
    {
        outer.extend([TokenTree::Group(Group::new(delimiter, inner))]);
    }
}

/// A token stream as flattened tokens.
fn flatten(tokens: TokenStream, out: &mut Vec<Tok>) {
    for tree in tokens {
        match tree {
            TokenTree::Group(group) => {
                out.push(Tok::Open(group.delimiter()));
                flatten(group.stream(), out);
                out.push(Tok::Close);
            }
            leaf => out.push(Tok::Leaf(leaf)),
        }
    }
}

/// Valid inputs to mutate: (attribute arguments, item) for `#[resumable]`, or a closure.
fn seeds() -> Vec<(TokenStream, TokenStream)> {
    vec![
        (
            quote!(yield = u64, resume = u64),
            quote! {
                pub fn sum<'a, T: Into<u64>>(start: T, #[resume] first: u64, names: &'a [&'a str]) -> Result<u64, E>
                where T: Copy
                {
                    let mut total = start.into() + first;
                    'outer: for name in names {
                        let x = yield_!(total);
                        match x { 0 => break 'outer, n => total += n }
                        let v: u64 = name.parse()?;
                        println!("{}", yield_!(v));
                    }
                    Ok(total)
                }
            },
        ),
        (
            quote!(yield = (u8, char)),
            quote! {
                fn pairs(&mut self) {
                    let c = |x: u8| x + 1;
                    yield_!(c(1), 'a');
                    unsafe { yield_!(); }
                    let _ = vec![async { 1 }, async { 2 }];
                }
            },
        ),
        (
            TokenStream::new(),
            quote!(move |(a, b): (u32, u32)| -> u32 {
                let c = yield_!(a);
                yield_!(b);
                c
            }),
        ),
    ]
}

/// Every macro invocation in the repository's `.rs` files under `dirs` (relative to the
/// workspace root), with the file it is in.
fn repository(dirs: &[&str]) -> Vec<(String, Invocation)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = Vec::new();
    for dir in dirs {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "rs"))
            .collect();
        files.sort();
        for path in files {
            let source = std::fs::read_to_string(&path).expect("a source file");
            let name = path.display().to_string();
            found.extend(
                corpus::invocations(&source)
                    .into_iter()
                    .map(|i| (name.clone(), i)),
            );
        }
    }
    found
}

/// Code that compiles: each of its invocations expands, to valid Rust syntax.
#[test]
fn every_invocation_in_the_tests_and_examples_expands() {
    let found = repository(&["tests", "examples", "benches", "benches/workloads"]);
    assert!(found.len() > 200, "only {} invocations found", found.len());
    eprintln!("{} invocations in tests, examples and benches", found.len());
    for (file, invocation) in &found {
        if let Err(e) = expands_to_rust(file, invocation) {
            panic!("{file}: {e}\n{}", invocation.to_text());
        }
    }
}

/// The invocation's expansion, checked to be valid Rust syntax, or its errors.
fn expands_to_rust(file: &str, invocation: &Invocation) -> syn::Result<()> {
    let tokens = invocation.expand()?;
    assert!(
        invocation.parses(tokens),
        "{file}: {}",
        invocation.to_text()
    );
    Ok(())
}

/// The compile-fail cases: each of their invocations is reported, or expands to valid syntax
/// (the mistake is then one rustc finds in the expansion), and the corpus text form reads back.
#[test]
fn every_ui_invocation_is_reported_or_expands() {
    let found = repository(&["tests/ui"]);
    assert!(found.len() > 50, "only {} invocations found", found.len());
    let mut reported = 0;
    for (file, invocation) in &found {
        if expands_to_rust(file, invocation).is_err() {
            reported += 1;
        }
        assert!(!invocation.emit().is_empty());
        let again = Invocation::from_text(&invocation.to_text()).expect("the text form reads back");
        assert_eq!(again.to_text(), invocation.to_text());
    }
    assert!(reported > 25, "only {reported} reported");
}

/// The seeds to mutate: the ones above, and every invocation in the repository.
fn all_seeds() -> Vec<(TokenStream, TokenStream)> {
    let mut all = seeds();
    for (_, invocation) in repository(&["tests", "tests/ui", "examples"]) {
        all.push(match invocation {
            Invocation::Resumable { args, item } => (args, item),
            Invocation::Coroutine { input } => (TokenStream::new(), input),
        });
    }
    all
}

/// One edit of a flattened token stream, at a position taken modulo its length.
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize),
    Insert(usize, Tok),
    Swap(usize, usize),
    Duplicate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), leaf()).prop_map(|(i, t)| Edit::Insert(i, t)),
        (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Edit::Swap(i, j)),
        any::<usize>().prop_map(Edit::Duplicate),
    ]
}

fn apply(toks: &mut Vec<Tok>, edit: &Edit) {
    let len = toks.len();
    if len == 0 {
        if let Edit::Insert(_, t) = edit {
            toks.push(t.clone());
        }
        return;
    }
    match edit {
        Edit::Delete(i) => {
            toks.remove(i % len);
        }
        Edit::Insert(i, t) => toks.insert(i % (len + 1), t.clone()),
        Edit::Swap(i, j) => toks.swap(i % len, j % len),
        Edit::Duplicate(i) => toks.insert(i % len, toks[i % len].clone()),
    }
}

thread_local! {
    static SEEDS: Vec<(TokenStream, TokenStream)> = all_seeds();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(1024)
    ))]

    #[test]
    fn random_tokens_never_panic(
        args in prop::collection::vec(leaf(), 0..12),
        item in prop::collection::vec(leaf(), 0..80),
    ) {
        let (args, item) = (build(&args), build(&item));
        let _ = resumable_impl(args, item.clone());
        let _ = coroutine_impl(item);
    }

    #[test]
    fn mutated_valid_input_never_panics(
        seed in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..8),
        in_args in any::<bool>(),
    ) {
        let (args, item) = SEEDS.with(|seeds| seed.get(seeds).clone());
        let mut toks = Vec::new();
        flatten(if in_args { args.clone() } else { item.clone() }, &mut toks);
        for e in &edits {
            apply(&mut toks, e);
        }
        let mutated = build(&toks);
        let (args, item) = if in_args { (mutated, item) } else { (args, mutated) };
        // No panic; an expansion is valid syntax; an error is emitted as something.
        for invocation in [
            Invocation::Resumable { args, item: item.clone() },
            Invocation::Coroutine { input: item },
        ] {
            if let Ok(tokens) = invocation.expand() {
                prop_assert!(invocation.parses(tokens), "{}", invocation.to_text());
            }
            prop_assert!(!invocation.emit().is_empty());
        }
    }
}

#[test]
fn the_async_form_allows_await_and_returns_an_async_coroutine() {
    let out = resumable_impl(
        quote!(async, yield = u32),
        quote!(
            fn f() {
                let x = g().await;
                yield_!(x);
                yield_from!(h());
            }
        ),
    );
    assert_eq!(errors(&out), 0, "{out}");
    let text = out.to_string();
    assert!(text.contains("async_from_parts_starting"), "{text}");
    assert!(text.contains("AsyncSubroutine"), "{text}");
    assert!(text.contains("__delegate_async"), "{text}");
    assert!(text.contains("FusedStream < Item = u32 >"), "{text}");
    // A generator returning a value is not a stream (its value would be lost).
    let out = resumable_impl(
        quote!(async, yield = u32),
        quote!(
            fn f() -> Result<(), E> {
                yield_!(1);
                Ok(())
            }
        ),
    );
    assert!(!out.to_string().contains("FusedStream"), "{out}");
    // The closure form.
    let out = coroutine_impl(quote!(async move |x: u32| {
        let y = g(x).await;
        yield_!(y);
    }));
    assert_eq!(errors(&out), 0, "{out}");
    assert!(out.to_string().contains("async_from_parts"), "{out}");
}

#[test]
fn await_in_a_synchronous_body_names_the_async_form() {
    let out = resumable_impl(
        quote!(yield = u32),
        quote!(
            fn f() {
                yield_!(g().await);
            }
        ),
    );
    let messages = messages(&out);
    assert_eq!(messages.len(), 1, "{out}");
    assert!(
        messages[0].contains("#[resumable(async, ..)]"),
        "{messages:?}"
    );
    let out = resumable_impl(
        quote!(async, async, yield = u32),
        quote!(
            fn f() {}
        ),
    );
    assert!(
        messages_contain(&out, "duplicate argument `async`"),
        "{out}"
    );
}

fn messages_contain(tokens: &TokenStream, needle: &str) -> bool {
    messages(tokens).iter().any(|m| m.contains(needle))
}

/// Without `alloc` (`resumable_core`): a generator's type is not `IntoIterator`, a leaf's says
/// `Leaf` and a delegating one's does not. Without `std` (`resumable_alloc` too), a yield or
/// resume type that borrows is our error (the types must be `'static`), while the same input is
/// fine for `resumable`.
#[test]
fn core_only_expansion_marks_leaves_and_rejects_borrowed_types() {
    let leaf = crate::resumable_core(
        quote!(yield = u8),
        quote!(
            fn g() {
                yield_!(1);
            }
        ),
    );
    let text = leaf.to_string();
    assert!(
        text.contains("Leaf") && !text.contains("IntoIterator"),
        "{text}"
    );
    let delegating = crate::resumable_core(
        quote!(yield = u8),
        quote!(
            fn g() {
                yield_from!(h());
            }
        ),
    );
    assert!(!delegating.to_string().contains("Leaf"), "{delegating}");
    let item = quote!(
        fn g() {
            yield_!(1);
        }
    );
    for full in [
        resumable_impl(quote!(yield = u8), item.clone()),
        crate::resumable_alloc(quote!(yield = u8), item),
    ] {
        let text = full.to_string();
        assert!(
            !text.contains("Leaf") && text.contains("IntoIterator"),
            "{text}"
        );
    }

    for (args, borrows) in [
        (quote!(yield = &'a u8), true),
        (quote!(yield = Option<&str>), true),
        (quote!(yield = Cow<'a, str>), true),
        (quote!(yield = u8, resume = &'a [u8]), true),
        (quote!(yield = &'static str), false),
        (quote!(yield = (u8, [u16; 4])), false),
        (quote!(yield = T), false),
    ] {
        let item = quote!(
            fn g<'a, T>(_x: &'a T) {
                yield_!(todo!());
            }
        );
        let core = crate::resumable_core(args.clone(), item.clone());
        let found = messages(&core)
            .iter()
            .any(|m| m.contains("must be `'static`"));
        assert_eq!(found, borrows, "{args}: {core}");
        let alloc = crate::resumable_alloc(args.clone(), item.clone());
        assert_eq!(errors(&alloc), errors(&core), "{args}: {alloc}");
        assert_eq!(errors(&resumable_impl(args.clone(), item)), 0, "{args}");
    }
}
