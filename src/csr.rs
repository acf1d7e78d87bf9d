//! Compressed sparse rows: many short lists (per concept, per course) stored flat, one allocation
//! instead of one per list.
//!
//! A storage shape of the ground floor, beside [`crate::model`]: the matching index and the course
//! index both keep their per-item lists this way, and neither engine should reach into the other
//! for it.

/// Lists per item (concept, course), stored flat.
#[derive(Debug, Clone)]
pub(crate) struct Csr<T> {
    offsets: Vec<u32>,
    items: Vec<T>,
}

impl<T> Csr<T> {
    pub(crate) fn from_lists(lists: Vec<Vec<T>>) -> Csr<T> {
        let mut offsets = Vec::with_capacity(lists.len() + 1);
        let mut items = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        offsets.push(0);
        for list in lists {
            items.extend(list);
            offsets.push(items.len() as u32);
        }
        Csr { offsets, items }
    }

    pub(crate) fn get(&self, i: usize) -> &[T] {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&start), Some(&end)) => &self.items[start as usize..end as usize],
            _ => &[],
        }
    }
}
