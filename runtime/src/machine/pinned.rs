//! Many coroutines pinned together in one allocation.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use core::iter::FusedIterator;
use core::pin::Pin;

/// A fixed-length slice of values pinned in one heap allocation: the way to keep many coroutines
/// alive at once without a box each.
///
/// A started coroutine must not move, so each one normally needs its own `Box::pin`. A
/// `PinnedSlice` collects them (they may still move while being collected: none has started),
/// then pins the whole slice once; each element is reached as a `Pin<&mut G>`.
///
/// ```
/// use resumable::{resumable, yield_, PinnedSlice, Resumable, State};
///
/// #[resumable(yield = u64, resume = u64)]
/// fn total(seed: u64, #[resume] first: u64) -> u64 {
///     let mut total = seed + first;
///     loop {
///         let x = yield_!(total);
///         if x == 0 {
///             return total;
///         }
///         total += x;
///     }
/// }
///
/// let mut all: PinnedSlice<_> = (0..1000).map(total).collect();
/// for co in all.iter_mut() {
///     assert!(co.resume(1).is_yielded());
/// }
/// let last = all.get_mut(999).unwrap();
/// assert_eq!(last.resume(0), State::Complete(1000));
/// ```
pub struct PinnedSlice<G> {
    items: Pin<Box<[G]>>,
}

impl<G> PinnedSlice<G> {
    /// Pins `items` in place.
    pub fn new(items: Vec<G>) -> Self {
        Self {
            items: Box::into_pin(items.into_boxed_slice()),
        }
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// A shared reference to element `index`, or `None` past the end.
    pub fn get(&self, index: usize) -> Option<&G> {
        self.items.get(index)
    }

    /// Element `index`, pinned, or `None` past the end.
    pub fn get_mut(&mut self, index: usize) -> Option<Pin<&mut G>> {
        let slice = self.items.as_mut();
        if index >= slice.len() {
            return None;
        }
        // SAFETY: elements of a pinned slice are structurally pinned: `PinnedSlice` never hands
        // out `&mut G` or `&mut [G]`, never moves an element (the boxed slice cannot grow or
        // shrink), and drops them in place with the box. The index was checked above.
        Some(unsafe { slice.map_unchecked_mut(|s| s.get_unchecked_mut(index)) })
    }

    /// Every element, pinned, in order.
    pub fn iter_mut(&mut self) -> IterMut<'_, G> {
        // SAFETY: as in `get_mut`: the `&mut [G]` is only split into pinned elements, none of
        // which is ever moved out.
        let slice = unsafe { self.items.as_mut().get_unchecked_mut() };
        IterMut {
            inner: slice.iter_mut(),
        }
    }

    /// Every element, shared, in order.
    pub fn iter(&self) -> core::slice::Iter<'_, G> {
        self.items.iter()
    }
}

impl<'a, G> IntoIterator for &'a mut PinnedSlice<G> {
    type Item = Pin<&'a mut G>;
    type IntoIter = IterMut<'a, G>;

    fn into_iter(self) -> IterMut<'a, G> {
        self.iter_mut()
    }
}

impl<'a, G> IntoIterator for &'a PinnedSlice<G> {
    type Item = &'a G;
    type IntoIter = core::slice::Iter<'a, G>;

    fn into_iter(self) -> core::slice::Iter<'a, G> {
        self.iter()
    }
}

impl<G> FromIterator<G> for PinnedSlice<G> {
    #[inline]
    fn from_iter<I: IntoIterator<Item = G>>(iter: I) -> Self {
        Self::new(iter.into_iter().collect())
    }
}

impl<G> fmt::Debug for PinnedSlice<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinnedSlice")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

/// The iterator of [`PinnedSlice::iter_mut`].
#[must_use = "iterators are lazy and do nothing unless consumed"]
pub struct IterMut<'a, G> {
    inner: core::slice::IterMut<'a, G>,
}

impl<'a, G> Iterator for IterMut<'a, G> {
    type Item = Pin<&'a mut G>;

    #[inline]
    fn next(&mut self) -> Option<Pin<&'a mut G>> {
        // SAFETY: an `IterMut` is only made by `PinnedSlice::iter_mut` (its field is private),
        // so the element belongs to a pinned `PinnedSlice`, whose elements never move.
        self.inner.next().map(|g| unsafe { Pin::new_unchecked(g) })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<G> DoubleEndedIterator for IterMut<'_, G> {
    fn next_back(&mut self) -> Option<Self::Item> {
        // SAFETY: as in `next`.
        self.inner
            .next_back()
            .map(|g| unsafe { Pin::new_unchecked(g) })
    }
}

impl<G> ExactSizeIterator for IterMut<'_, G> {}

impl<G> FusedIterator for IterMut<'_, G> {}

impl<G> fmt::Debug for IterMut<'_, G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IterMut")
            .field("remaining", &self.inner.len())
            .finish_non_exhaustive()
    }
}
