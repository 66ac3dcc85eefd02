//! Runs the `#![no_std]` firmware code of this crate on the host and prints what it does:
//! `golden/firmware.out` is its expected output (`tests/firmware.rs` compares them).
//! `--sizes` prints the size of each coroutine instead.

use core::pin::pin;
use std::fmt::Write as _;

use resumable::{Resumable, State};
use resumable_nostd::blink::{Led, blinker};
use resumable_nostd::slip::{self, Decoded, END, ESC, ESC_END, ESC_ESC};

/// A received byte stream: frames with escapes, empty frames, a bad escape, an overlong frame,
/// and a good frame after each fault.
fn received() -> Vec<u8> {
    let mut bytes = vec![b'h', b'i', END];
    bytes.extend([0x01, ESC, ESC_END, 0x02, ESC, ESC_ESC, 0x03, END]);
    bytes.extend([END, END]);
    bytes.extend([0x05, ESC, 0x07, 0x06, END]);
    bytes.extend([0xAA; 20]);
    bytes.push(END);
    bytes.extend([b'o', b'k', END]);
    bytes
}

fn main() {
    if std::env::args().any(|a| a == "--sizes") {
        println!("slip::decoder(): {} bytes", size_of_val(&slip::decoder()));
        println!("blink::blinker(): {} bytes", size_of_val(&blinker()));
        return;
    }

    println!("SLIP decoder, resumed with one byte at a time:");
    let mut decoder = pin!(slip::decoder());
    for (i, byte) in received().into_iter().enumerate() {
        match decoder.as_mut().resume(byte) {
            State::Yielded(Decoded::More) => {}
            State::Yielded(Decoded::Frame(frame)) => println!("  byte {i:2}: frame {frame:?}"),
            State::Yielded(Decoded::Error(e)) => println!("  byte {i:2}: dropped, {e:?}"),
            State::Complete(()) => unreachable!("the decoder never returns"),
        }
    }
    let good = slip::decode(&received(), &mut |_| {});
    println!("  slip::decode counts {good} good frames");

    println!("blinker, resumed once per tick with the button (pressed at ticks 12 and 27):");
    let mut led = pin!(blinker());
    let mut strip = String::new();
    let mut last = None;
    let mut changes = String::new();
    for tick in 0..40 {
        let pressed = tick == 12 || tick == 27;
        let State::Yielded(level) = led.as_mut().resume(pressed) else {
            unreachable!("the blinker never returns")
        };
        strip.push(if level == Led::On { '#' } else { '.' });
        if last != Some(level) {
            let _ = write!(changes, " {tick}:{level:?}");
            last = Some(level);
        }
    }
    println!("  LED: {strip}");
    println!("  changes:{changes}");
}
