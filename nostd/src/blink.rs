//! A blinking LED driven by a timer tick: slow (5 ticks on, 5 off) until the button is
//! pressed, then fast (1 on, 1 off) until it is pressed again.
//!
//! Resume it once per tick with whether the button was pressed during that tick; it yields the
//! LED's level for the tick. The pattern is a loop of `hold`s, each a leaf helper run with
//! `yield_from!` (polled in place: no frame, no allocation), which ends early when the button is
//! pressed.

use resumable::{resumable, yield_, yield_from};

/// An LED's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Led {
    /// Lit.
    On,
    /// Dark.
    Off,
}

/// Holds the LED at `level` for `ticks` ticks; `true` if the button was pressed meanwhile
/// (which ends the hold at once).
#[resumable(yield = Led, resume = bool)]
fn hold(level: Led, ticks: u32) -> bool {
    for _ in 0..ticks {
        if yield_!(level) {
            return true;
        }
    }
    false
}

/// The blinker. The first resume's button state goes to `pressed`; it never returns.
#[resumable(yield = Led, resume = bool)]
pub fn blinker(#[resume] pressed: bool) {
    let mut fast = pressed;
    loop {
        let (on, off) = if fast { (1, 1) } else { (5, 5) };
        if yield_from!(hold(Led::On, on)) || yield_from!(hold(Led::Off, off)) {
            fast = !fast;
        }
    }
}
