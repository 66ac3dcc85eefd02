//! A SLIP (RFC 1055) frame decoder, resumed with one received byte at a time.
//!
//! SLIP ends every frame with [`END`] and escapes the two special bytes inside a frame:
//! `END` as [`ESC`] [`ESC_END`], `ESC` as [`ESC`] [`ESC_ESC`]. The decoder answers every byte
//! with a [`Decoded`]: [`Decoded::More`] while a frame is incomplete, [`Decoded::Frame`] at the
//! `END` of a good one, [`Decoded::Error`] at the `END` of a bad one (too long, or a bad escape:
//! the rest of it is skipped, as receivers do, so the next frame decodes cleanly).
//!
//! ```text
//! bytes:    01 DB DC 02 C0          (ESC ESC_END = an escaped END)
//! decoded:  More More More More Frame([01 C0 02])
//! ```

use core::pin::Pin;

use resumable::{Resumable, State, resumable, yield_, yield_from};

/// Ends a frame.
pub const END: u8 = 0xC0;
/// Starts an escape.
pub const ESC: u8 = 0xDB;
/// `ESC ESC_END` stands for an `END` byte inside a frame.
pub const ESC_END: u8 = 0xDC;
/// `ESC ESC_ESC` stands for an `ESC` byte inside a frame.
pub const ESC_ESC: u8 = 0xDD;

/// The longest frame the decoder keeps; longer ones are reported as [`SlipError::TooLong`].
pub const MAX_FRAME: usize = 16;

/// A decoded frame: up to [`MAX_FRAME`] bytes, kept inline (no heap).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Frame {
    bytes: [u8; MAX_FRAME],
    len: u8,
}

impl Frame {
    /// The frame's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// Appends `byte`; `false` when the frame is full.
    fn push(&mut self, byte: u8) -> bool {
        let Some(slot) = self.bytes.get_mut(usize::from(self.len)) else {
            return false;
        };
        *slot = byte;
        self.len += 1;
        true
    }
}

impl core::fmt::Debug for Frame {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("[")?;
        for (i, b) in self.as_bytes().iter().enumerate() {
            let sep = if i == 0 { "" } else { " " };
            write!(f, "{sep}{b:02X}")?;
        }
        f.write_str("]")
    }
}

/// Why a frame was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlipError {
    /// More than [`MAX_FRAME`] bytes before its `END`.
    TooLong,
    /// `ESC` followed by this byte, neither `ESC_END` nor `ESC_ESC`.
    BadEscape(u8),
}

/// What the decoder says after each byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded {
    /// The byte was taken; no frame ended.
    More,
    /// A frame ended, and here it is.
    Frame(Frame),
    /// A frame ended, and it was bad.
    Error(SlipError),
}

/// The byte an escape stands for, read from the byte after `ESC`: a leaf helper that yields on
/// the decoder's behalf (answering the `ESC` byte with `More`), so `yield_from!` polls it in
/// place, with no frame and no allocation.
#[resumable(yield = Decoded, resume = u8)]
fn escaped() -> Result<u8, SlipError> {
    match yield_!(Decoded::More) {
        ESC_END => Ok(END),
        ESC_ESC => Ok(ESC),
        other => Err(SlipError::BadEscape(other)),
    }
}

/// The decoder: resume it with each received byte (the first resume's byte goes to `first`);
/// every resume yields what that byte completed. It never returns.
///
/// Empty frames (two `END`s in a row, which senders use to flush line noise) are not reported.
#[resumable(yield = Decoded, resume = u8)]
pub fn decoder(#[resume] first: u8) {
    let mut byte = first;
    let mut frame = Frame::default();
    let mut error = None;
    loop {
        let data = match byte {
            END => {
                let done = core::mem::take(&mut frame);
                let event = match error.take() {
                    Some(e) => Decoded::Error(e),
                    None if done.len == 0 => Decoded::More,
                    None => Decoded::Frame(done),
                };
                byte = yield_!(event);
                continue;
            }
            ESC => yield_from!(escaped()),
            b => Ok(b),
        };
        match data {
            Ok(b) if error.is_none() && !frame.push(b) => error = Some(SlipError::TooLong),
            Ok(_) => {}
            Err(e) => {
                error.get_or_insert(e);
            }
        }
        byte = yield_!(Decoded::More);
    }
}

/// Feeds `input` to a decoder pinned on this function's stack and calls `on_frame` with each
/// frame end, good or bad; returns how many good frames there were. Not generic, so that its
/// code (with the decoder's, inlined) is in the library for the size figures in the README.
pub fn decode(input: &[u8], on_frame: &mut dyn FnMut(Result<Frame, SlipError>)) -> usize {
    let mut decoder = core::pin::pin!(decoder());
    let mut good = 0;
    for &byte in input {
        match feed(decoder.as_mut(), byte) {
            Decoded::More => {}
            Decoded::Frame(frame) => {
                good += 1;
                on_frame(Ok(frame));
            }
            Decoded::Error(e) => on_frame(Err(e)),
        }
    }
    good
}

/// One byte into a decoder.
fn feed<D: Resumable<u8, Yield = Decoded>>(decoder: Pin<&mut D>, byte: u8) -> Decoded {
    match decoder.resume(byte) {
        State::Yielded(event) => event,
        // The decoder loops forever.
        State::Complete(_) => unreachable!("the SLIP decoder returned"),
    }
}

/// The size in bytes of a decoder's whole state (what [`decoder`] returns, pinned where it
/// runs): the budget to reserve on a stack or in a `static`. Not generic, so that its value for
/// a target can be read from that target's code.
pub fn decoder_size() -> usize {
    size_of_val(&decoder())
}
