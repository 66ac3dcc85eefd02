//! The files the seed's `download` fetches, shared by `examples/download.rs` (its local server
//! serves them) and `tests/dispatch.rs` (which checks every byte of them); each includes this
//! file with `#[path = "…/examples/shared/seed_files.rs"] mod seed_files;`.

/// The seed's four paths and the sizes of the files served for them locally.
pub(crate) const SEED_FILES: [(&str, usize); 4] = [
    ("/TR/html401/html40.txt", 629),
    ("/TR/2002/REC-xhtml1-20020801/xhtml1.pdf", 115_777),
    ("/TR/REC-html32.html", 606),
    (
        "/TR/2000/REC-DOM-Level-2-Core-20001113/DOM2-Core.txt",
        229_699,
    ),
];
