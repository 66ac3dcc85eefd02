//! Firmware-style code on `resumable` with no allocator and no `std`: what a microcontroller
//! without an RTOS runs as a main loop, written as straight-line coroutines.
//!
//! - [`slip`]: a SLIP (RFC 1055) frame decoder fed one byte at a time, as a UART interrupt or a
//!   polled receive register hands them over; it yields a decoded frame at each frame end.
//! - [`blink`]: a blinking LED driven by a timer tick, whose pattern a button toggles.
//!
//! Both are plain `#[resumable]` fns pinned on the stack (or in a `static` cell, on a real
//! target): no heap, no thread-local, no global of the library's. This crate builds for
//! `thumbv7em-none-eabihf` in CI (`cargo +nightly build -Zbuild-std=core --lib`); the
//! `firmware` binary runs it on the host, and its output is checked against
//! `golden/firmware.out`. `tests/zero_alloc.rs` proves that none of it allocates.
#![no_std]

pub mod blink;
pub mod slip;
