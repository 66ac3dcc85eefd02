//! Which identity check a coroutine's hand-off futures use (the runtime's `Mode`): by type when
//! its yield and resume types are surely `'static` (free once inlined), by instance number
//! otherwise. The choice is only about speed: both are sound, and a type wrongly judged
//! `'static` would be a compile error (the runtime's `new_static` requires `'static`), never
//! undefined behaviour. So the judgement is conservative and syntactic.

use syn::{GenericArgument, Generics, PathArguments, Type};

/// The primitive and standard types taken as `'static` when written as a single bare name.
const STATIC_NAMES: &[&str] = &[
    "bool", "char", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128",
    "isize", "f32", "f64", "String",
];

/// Whether `ty` is surely a type without drop glue that a body can use in place of a moved-in
/// copy: a shared or mutable reference, or a primitive number, `bool` or `char` written as a
/// bare name. (A type alias shadowing such a name would only lose the early drop of an unused
/// parameter; nothing unsound.)
pub(crate) fn is_plain_copy(ty: &Type) -> bool {
    match ty {
        Type::Reference(_) => true,
        Type::Paren(p) => is_plain_copy(&p.elem),
        Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            let segment = &p.path.segments[0];
            matches!(segment.arguments, PathArguments::None)
                && STATIC_NAMES
                    .iter()
                    .any(|name| *name != "String" && segment.ident == name)
        }
        _ => false,
    }
}

/// Generic types taken as `'static` when every type argument is.
const STATIC_WRAPPERS: &[&str] = &["Option", "Vec", "Box", "Result"];

/// Whether `ty` is surely `'static`: built only from [`STATIC_NAMES`], [`STATIC_WRAPPERS`],
/// tuples and arrays, none of them the name of one of the fn's generic parameters.
pub(crate) fn is_surely_static(ty: &Type, generics: Option<&Generics>) -> bool {
    let shadowed = |name: &str| generics.is_some_and(|g| g.type_params().any(|p| p.ident == name));
    match ty {
        Type::Paren(p) => is_surely_static(&p.elem, generics),
        Type::Group(g) => is_surely_static(&g.elem, generics),
        Type::Tuple(t) => t.elems.iter().all(|e| is_surely_static(e, generics)),
        Type::Array(a) => is_surely_static(&a.elem, generics),
        Type::Path(p) if p.qself.is_none() && p.path.leading_colon.is_none() => {
            let [segment] = p.path.segments.iter().collect::<Vec<_>>()[..] else {
                return false;
            };
            let name = segment.ident.to_string();
            if shadowed(&name) {
                return false;
            }
            match &segment.arguments {
                PathArguments::None => STATIC_NAMES.contains(&name.as_str()),
                PathArguments::AngleBracketed(args) if STATIC_WRAPPERS.contains(&name.as_str()) => {
                    args.args.iter().all(|arg| match arg {
                        GenericArgument::Type(t) => is_surely_static(t, generics),
                        _ => false,
                    })
                }
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_surely_static;

    fn judged(ty: &str, generics: &str) -> bool {
        let ty: syn::Type = syn::parse_str(ty).unwrap();
        let item: syn::ItemFn = syn::parse_str(&format!("fn f{generics}() {{}}")).unwrap();
        is_surely_static(&ty, Some(&item.sig.generics))
    }

    #[test]
    fn primitives_tuples_and_std_wrappers_are_static() {
        for ty in [
            "u64",
            "()",
            "(u8, String)",
            "[u32; 4]",
            "Option<Vec<(i32, bool)>>",
            "Result<u8, String>",
        ] {
            assert!(judged(ty, ""), "{ty}");
        }
    }

    #[test]
    fn references_and_primitive_numbers_are_plain_copies() {
        for (ty, plain) in [
            ("&str", true),
            ("&'a mut Vec<u8>", true),
            ("u64", true),
            ("(usize)", true),
            ("String", false),
            ("T", false),
            ("(u8, u8)", false),
            ("std::primitive::u8", false),
        ] {
            let parsed: syn::Type = syn::parse_str(ty).unwrap();
            assert_eq!(super::is_plain_copy(&parsed), plain, "{ty}");
        }
    }

    #[test]
    fn borrows_generics_paths_and_shadowed_names_are_not() {
        for (ty, generics) in [
            ("&'static str", ""),
            ("&str", ""),
            ("T", "<T>"),
            ("Option<T>", "<T>"),
            ("u64", "<u64>"),
            ("std::string::String", ""),
            ("Token", ""),
            ("Box<dyn Fn()>", ""),
            ("impl Copy", ""),
            ("Vec<'a>", ""),
        ] {
            assert!(!judged(ty, generics), "{ty}");
        }
    }
}
