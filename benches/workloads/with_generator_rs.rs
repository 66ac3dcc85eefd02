//! generator-rs (crate `generator`) baselines for (a), (b), (c) and (f), written as its README and
//! examples show: `Gn::new_scoped` (or `new_scoped_local` for a body that is not `Send`) runs
//! the closure on a stack of its own, `s.yield_with` / `s.yield_` suspend it, `done!()` ends it,
//! `send` resumes it with a value. Stackful, so a recursion inside is a plain recursion.
//!
//! (e) is not expressed: every generator owns a stack (32 KiB by default, a mapping with a
//! guard page each), so a million suspended ones would need a million mappings, past Linux's
//! default `vm.max_map_count` of 65,530.

use core::hint::black_box;

use generator::{Gn, done};

use super::tree::{ROOT, Tree, walk_callback};

/// (a) Yields `x + 1` for every `x` it is sent; returns when sent 0.
pub(crate) fn ping_pong_generator_rs(n: u64) -> u64 {
    let mut co = Gn::<u64>::new_scoped(|mut s| {
        let mut x = s.get_yield().unwrap_or(0);
        loop {
            x = s.yield_(x.wrapping_add(1)).unwrap_or(0);
            if x == 0 {
                return 0;
            }
        }
    });
    let mut v = 1;
    for _ in 0..n {
        if co.is_done() {
            break;
        }
        v = black_box(co.send(v));
    }
    v
}

/// (b) Yields 0, 1, …, n - 1.
pub(crate) fn sum_generator_rs(n: u64) -> u64 {
    let upto = Gn::new_scoped(move |mut s| {
        let mut i = 0;
        while i < n {
            s.yield_with(i);
            i += 1;
        }
        done!();
    });
    let mut sum = 0u64;
    for x in upto {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// (c) The plain recursion of `permgen` on the generator's stack, suspending at each leaf.
pub(crate) fn perm_generator_rs(n: usize) -> u64 {
    let perms = Gn::<()>::new_scoped_local(move |mut s| {
        let mut a: Vec<u32> = (0..n)
            .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        super::permgen_callback(&mut a, n, &mut |p| s.yield_with(p[0]));
        done!();
    });
    let mut sum = 0u64;
    for x in perms {
        sum = sum.wrapping_add(u64::from(black_box(x)));
    }
    sum
}

/// (f) The plain recursion of the walk on the generator's stack, suspending at each node.
pub(crate) fn tree_generator_rs(tree: &Tree) -> u64 {
    let walk = Gn::<()>::new_scoped_local(|mut s| {
        walk_callback(tree, ROOT, &mut |x| s.yield_with(x));
        done!();
    });
    let mut sum = 0u64;
    for x in walk {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}
