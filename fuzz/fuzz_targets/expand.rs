//! Any text given to the macros: it must expand to valid Rust syntax or give errors, and never
//! panic. The input is the corpus text form of `resumable_macros_core::corpus::Invocation`: a
//! first line `#[resumable(ARGS)]` or `coroutine!`, then the item or closure.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resumable_macros_core::corpus::Invocation;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(invocation) = Invocation::from_text(text) else {
        return;
    };
    if let Ok(tokens) = invocation.expand() {
        assert!(
            invocation.parses(tokens),
            "an expansion that is not valid Rust"
        );
    }
    assert!(!invocation.emit().is_empty(), "nothing emitted");
});
