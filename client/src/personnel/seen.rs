//! Finding repeated ids and emails in bounded memory.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::io::{self, BufReader, BufWriter, Read, Write};

use super::fields::quoted;
use super::report::ValidationReport;

/// The table's hasher: its keys are hashes already, spread evenly, so
/// hashing them again would only cost time.
#[derive(Default, Clone, Copy)]
struct AlreadyHashed(u64);

impl std::hash::Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

type Table = HashMap<u64, u64, std::hash::BuildHasherDefault<AlreadyHashed>>;

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

    fn code(self) -> u8 {
        match self {
            Key::Id => 0,
            Key::Email => 1,
        }
    }

    fn from_code(code: u8) -> Self {
        if code == 0 { Key::Id } else { Key::Email }
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
/// are tracked while the file is read, and every key is also written to a
/// temporary spill file (hash, line, value: about 30 bytes a key); each
/// other partition is then checked by one read of the spill
/// ([`SeenKeys::check_other_partitions`]), not of the file. An unbounded
/// finder keeps every key (about 20 bytes a key). Two different keys share
/// a hash with a probability of about n²/2⁶⁵ (n = 10 million keys: 3 in a
/// million).
pub(crate) struct SeenKeys {
    parts: u64,
    /// The partitions this pass tracks: `0..1` for the first pass.
    tracked: std::ops::Range<u64>,
    /// How many keys the first pass saw.
    keys: u64,
    limit: Option<usize>,
    first_line: Table,
    /// The line after which `parts` became 2, 4, 8…: the first pass tracked
    /// a key whose hash has `z` trailing zero bits up to `splits[z]`, and
    /// reported its repeats up to there.
    splits: Vec<u64>,
    /// Every key of the first pass of a bounded finder, for the later ones.
    spill: Option<BufWriter<super::temp::TempFile>>,
}

impl SeenKeys {
    /// Half of what a table of 2²⁰ buckets holds (17 MB): removing a
    /// partition leaves tombstones, and a table at most half full cleans
    /// them in place instead of doubling.
    pub(crate) const LIMIT: usize = 458_752;

    pub(crate) fn unbounded() -> Self {
        Self {
            parts: 1,
            tracked: 0..1,
            keys: 0,
            limit: None,
            first_line: Table::default(),
            splits: Vec::new(),
            spill: None,
        }
    }

    /// The table is allocated at its full size once: grown step by step,
    /// the freed smaller tables would stay in the process as fragments.
    ///
    /// # Errors
    /// When the spill file cannot be created.
    pub(crate) fn bounded(limit: usize) -> io::Result<Self> {
        let limit = limit.max(1);
        let spill = BufWriter::with_capacity(1 << 16, super::temp::TempFile::new()?);
        let mut keys = Self { limit: Some(limit), spill: Some(spill), ..Self::unbounded() };
        keys.first_line = full_table(limit);
        Ok(keys)
    }

    /// How many partitions the keys were split into.
    #[cfg(test)]
    pub(crate) fn passes(&self) -> u64 {
        self.parts
    }

    /// The line `value` was first seen on as a `key`, if this is a repeat;
    /// otherwise records it.
    ///
    /// # Errors
    /// When the spill file cannot be written.
    pub(crate) fn repeat(&mut self, key: Key, value: &str, line: u64) -> io::Result<Option<u64>> {
        let hash = key.hash(value);
        self.keys += 1;
        if let Some(spill) = &mut self.spill {
            let length = u16::try_from(value.len()).unwrap_or(u16::MAX);
            spill.write_all(&hash.to_le_bytes())?;
            spill.write_all(&line.to_le_bytes())?;
            spill.write_all(&[key.code()])?;
            spill.write_all(&length.to_le_bytes())?;
            spill.write_all(value.as_bytes().get(..usize::from(length)).unwrap_or_default())?;
        }
        Ok(self.repeat_hashed(hash, line))
    }

    /// Checks every partition but the first pass's against the spill, and
    /// adds their repeats to `report` (which is then sorted by row).
    ///
    /// # Errors
    /// When the spill file cannot be read.
    pub(crate) fn check_other_partitions(mut self, report: &mut ValidationReport) -> io::Result<()> {
        let Some(spill) = self.spill.take() else { return Ok(()) };
        if self.parts == 1 {
            return Ok(());
        }
        let spill = spill.into_inner().map_err(io::IntoInnerError::into_error)?;
        self.first_line = Table::default();
        // Each read of the spill checks as many partitions as the table
        // holds: hashes spread keys evenly, with a quarter of slack.
        let limit = self.limit.unwrap_or(1);
        let group = partitions_per_read(limit as u64, self.keys, self.parts);
        let mut start = 1;
        while start < self.parts {
            let tracked = start..(start + group).min(self.parts);
            start = tracked.end;
            let mut pass =
                SeenKeys { parts: self.parts, tracked, splits: self.splits.clone(), ..SeenKeys::unbounded() };
            pass.first_line = full_table(limit);
            let mut reader = BufReader::with_capacity(1 << 16, spill.reopen()?);
            let mut head = [0u8; 19];
            let mut value = Vec::new();
            while read_head(&mut reader, &mut head)? {
                let number = |at: usize| {
                    u64::from_le_bytes(
                        head.get(at..at + 8).and_then(|b| b.try_into().ok()).unwrap_or_default(),
                    )
                };
                let (hash, line) = (number(0), number(8));
                let key = Key::from_code(head[16]);
                let length = usize::from(u16::from_le_bytes([head[17], head[18]]));
                value.resize(length, 0);
                reader.read_exact(&mut value)?;
                if let Some(first) = pass.repeat_hashed(hash, line) {
                    let value = String::from_utf8_lossy(&value);
                    report.push(
                        line,
                        Some(key.column()),
                        format!("{} is already used on row {first}", quoted(&value)),
                    );
                }
            }
        }
        report.problems.sort_by_key(|problem| problem.row);
        Ok(())
    }

    /// [`SeenKeys::repeat`] for a hashed key. Keys outside this pass's
    /// partition are not looked at.
    fn repeat_hashed(&mut self, hash: u64, line: u64) -> Option<u64> {
        // `parts` is a power of two: the partition is the hash's low bits.
        if !self.tracked.contains(&(hash & (self.parts - 1))) {
            return None;
        }
        if let Some(&first) = self.first_line.get(&hash) {
            // A later pass leaves out what the first pass already reported.
            // (In the first pass no tracked hash has a split of its own: its
            // low bits, one per split, are all zero.)
            let reported_up_to = self.splits.get(hash.trailing_zeros() as usize).copied();
            let already_reported = reported_up_to.is_some_and(|up_to| line <= up_to);
            return (!already_reported).then_some(first);
        }
        self.first_line.insert(hash, line);
        if self.limit.is_some_and(|limit| self.first_line.len() >= limit) && self.parts < 1 << 32 {
            // Keep partition 0 of twice as many: those keys were all tracked
            // from the start, so this pass still finds every repeat among them.
            self.parts *= 2;
            self.splits.push(line);
            let mask = self.parts - 1;
            self.first_line.retain(|hash, _| hash & mask == 0);
        }
        None
    }
}

/// The duplicate finder's table for `limit` keys, allocated at its full size
/// once: grown step by step, the freed smaller tables would stay in the
/// process as fragments (twice the room, so it stays at most half full).
fn full_table(limit: usize) -> Table {
    Table::with_capacity_and_hasher(2 * limit, Default::default())
}

/// How many partitions one read of the spill checks: as many as a table of
/// `limit` keys holds, with a quarter of slack (hashes spread the `keys`
/// evenly over the `parts`); at least one.
fn partitions_per_read(limit: u64, keys: u64, parts: u64) -> u64 {
    let per_part = (keys / parts).max(1);
    (limit / (per_part + per_part / 4)).max(1)
}

/// Reads the fixed head of the spill's next record; `false` at its end.
fn read_head(reader: &mut impl Read, head: &mut [u8; 19]) -> io::Result<bool> {
    match reader.read_exact(head) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_of_the_spill_checks_what_a_full_table_holds() {
        // 800 keys over 8 partitions: 100 each, 125 with slack; 1000 / 125.
        assert_eq!(partitions_per_read(1000, 800, 8), 8);
        assert_eq!(partitions_per_read(1000, 8000, 8), 1, "at least one");
        assert_eq!(partitions_per_read(10, 0, 4), 10, "an empty partition counts as one key");
    }

    #[test]
    fn the_spill_ends_at_its_end_and_its_read_errors_are_errors() {
        let mut head = [0u8; 19];
        let record = [7u8; 19];
        let mut spill: &[u8] = &record;
        assert!(read_head(&mut spill, &mut head).unwrap());
        assert_eq!(head, record);
        assert!(!read_head(&mut spill, &mut head).unwrap(), "the end");
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("the disk went away"))
            }
        }
        assert_eq!(read_head(&mut Failing, &mut head).unwrap_err().to_string(), "the disk went away");
    }

    #[test]
    fn the_first_pass_counts_every_key() {
        let mut keys = SeenKeys::unbounded();
        for (line, value) in [(2, "a"), (3, "b"), (4, "a")] {
            let _ = keys.repeat(Key::Id, value, line).unwrap();
        }
        assert_eq!(keys.keys, 3);
    }
}
