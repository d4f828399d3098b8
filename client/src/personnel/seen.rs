//! Finding repeated ids and emails in bounded memory.

use std::collections::HashMap;
use std::hash::BuildHasher;

/// What must be unique in a personnel list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    /// The person's id, as written.
    Id,
    /// The email address, in any case.
    Email,
}

impl Key {
    /// The CSV column the key is in.
    pub(crate) fn column(self) -> &'static str {
        match self {
            Key::Id => "id",
            Key::Email => "email",
        }
    }

    fn hash(self, value: &str) -> u64 {
        let hasher = std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default();
        match self {
            Key::Id => hasher.hash_one((0u8, value)),
            Key::Email => hasher.hash_one((1u8, value.to_lowercase())),
        }
    }
}

/// Finds repeated keys (ids, emails) in bounded memory.
///
/// It keeps a 64-bit hash of each key with the line it was first seen on.
/// A bounded finder keeps at most its limit of them (at [`SeenKeys::LIMIT`],
/// 17 MB): past that, only the keys of one partition (hash modulo `parts`)
/// are tracked, and the file is read again for each other partition
/// ([`SeenKeys::partition`]). An unbounded finder keeps every key (about 20
/// bytes a key). Two different keys share a hash with a probability of
/// about n²/2⁶⁵ (n = 10 million keys: 3 in a million).
pub(crate) struct SeenKeys {
    pub(crate) parts: u64,
    part: u64,
    limit: Option<usize>,
    first_line: HashMap<u64, u64>,
    /// The line after which `parts` became 2, 4, 8…: the first pass tracked
    /// a key whose hash has `z` trailing zero bits up to `splits[z]`, and
    /// reported its repeats up to there.
    splits: Vec<u64>,
}

impl SeenKeys {
    /// Half of what a table of 2²⁰ buckets holds (17 MB): removing a
    /// partition leaves tombstones, and a table at most half full cleans
    /// them in place instead of doubling.
    pub(crate) const LIMIT: usize = 458_752;

    pub(crate) fn unbounded() -> Self {
        Self { parts: 1, part: 0, limit: None, first_line: HashMap::new(), splits: Vec::new() }
    }

    /// The table is allocated at its full size once: grown step by step,
    /// the freed smaller tables would stay in the process as fragments.
    pub(crate) fn bounded(limit: usize) -> Self {
        let limit = limit.max(1);
        Self { limit: Some(limit), first_line: HashMap::with_capacity(2 * limit), ..Self::unbounded() }
    }

    /// How many partitions a bounded finder split its keys into: the file
    /// must be read `passes() - 1` more times.
    pub(crate) fn passes(&self) -> u64 {
        self.parts
    }

    /// A later pass over partition `part` of the first pass's partitions.
    pub(crate) fn partition(first: &SeenKeys, part: u64) -> Self {
        let capacity = 2 * first.limit.unwrap_or(0);
        Self {
            parts: first.parts,
            part,
            splits: first.splits.clone(),
            first_line: HashMap::with_capacity(capacity),
            ..Self::unbounded()
        }
    }

    /// Frees the first pass's table (its partitioning is kept).
    pub(crate) fn release(&mut self) {
        self.first_line = HashMap::new();
    }

    /// The line `value` was first seen on as a `key`, if this is a repeat;
    /// otherwise records it. Keys outside this pass's partition are not
    /// looked at.
    pub(crate) fn repeat(&mut self, key: Key, value: &str, line: u64) -> Option<u64> {
        let hash = key.hash(value);
        if hash % self.parts != self.part {
            return None;
        }
        if let Some(&first) = self.first_line.get(&hash) {
            // A later pass leaves out what the first pass already reported.
            let reported_up_to = self.splits.get(hash.trailing_zeros() as usize).copied();
            let already_reported = self.part != 0 && reported_up_to.is_some_and(|up_to| line <= up_to);
            return (!already_reported).then_some(first);
        }
        self.first_line.insert(hash, line);
        if self.limit.is_some_and(|limit| self.first_line.len() >= limit) && self.parts < 1 << 32 {
            // Keep partition 0 of twice as many: those keys were all tracked
            // from the start, so this pass still finds every repeat among them.
            self.parts *= 2;
            self.splits.push(line);
            let parts = self.parts;
            self.first_line.retain(|hash, _| hash % parts == 0);
        }
        None
    }
}
