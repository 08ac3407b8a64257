//! Stable source keys for rows whose export has no id: the format and a hash of the row's
//! normalised content, so re-importing the same file (or a later export overlapping it)
//! adds nothing.

use std::collections::HashMap;

use time::Date;

use super::SourceRow;

/// FNV-1a, 128 bits: fixed forever (std's hashers may change between releases, and a key
/// must not), dependency-free, and wide enough that ten million rows never collide by chance.
pub(crate) fn fnv1a128(parts: &[&[u8]]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;
    let mut h = OFFSET;
    for part in parts {
        for &b in *part {
            h ^= u128::from(b);
            h = h.wrapping_mul(PRIME);
        }
        // A separator byte no UTF-8 text contains, so ("ab","c") and ("a","bc") differ.
        h ^= 0xff;
        h = h.wrapping_mul(PRIME);
    }
    h
}

/// The content that identifies a time record, normalised so that quoting, case of an e-mail,
/// surrounding blanks or `1:30` versus `1.5` do not change the key.
pub(crate) fn content_hash(row: &SourceRow) -> u128 {
    let date = crate::dates::format_date(row.date);
    let start = row.start.map(|t| t.to_string()).unwrap_or_default();
    let end = row.end.map(|t| t.to_string()).unwrap_or_default();
    let minutes = row.minutes.get().to_string();
    let billable = match row.billable {
        Some(true) => "1",
        Some(false) => "0",
        None => "",
    };
    let lower = |s: &Option<String>| s.as_deref().unwrap_or_default().trim().to_lowercase();
    let category = row.category.map(|c| crate::code::Code::code(&c)).unwrap_or_default();
    let parts = [
        row.format.code().to_string(),
        date,
        start,
        end,
        lower(&row.person.email),
        lower(&row.person.name),
        lower(&row.account),
        lower(&row.project),
        lower(&row.project_code),
        lower(&row.task),
        category.to_string(),
        minutes,
        billable.to_string(),
        row.note.as_deref().unwrap_or_default().trim().to_string(),
    ];
    let bytes: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
    fnv1a128(&bytes)
}

/// Two identical rows in one export are two entries (the same hour logged twice), so the
/// second gets `-2`. Counting only within the current date keeps memory bounded by one
/// day's rows; exports are ordered by date, and identical rows share their date.
#[derive(Debug, Default)]
pub(crate) struct KeyCounter {
    date: Option<Date>,
    seen: HashMap<u128, u32>,
}

impl KeyCounter {
    pub fn key(&mut self, row: &SourceRow) -> String {
        if self.date != Some(row.date) {
            self.date = Some(row.date);
            self.seen.clear();
        }
        let hash = content_hash(row);
        let n = self.seen.entry(hash).or_insert(0);
        *n += 1;
        if *n == 1 {
            format!("{}:{hash:032x}", row.format.code())
        } else {
            format!("{}:{hash:032x}-{n}", row.format.code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Minutes;
    use time::macros::date;

    #[test]
    fn fnv_matches_the_published_vector() {
        // FNV-1a 128 of "a" per the reference implementation, before our trailing separator.
        let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
        h ^= u128::from(b'a');
        h = h.wrapping_mul(0x0000000001000000000000000000013b);
        assert_eq!(h, 0xd228cb696f1a8caf78912b704e4a8964);
        assert_ne!(fnv1a128(&[b"ab", b"c"]), fnv1a128(&[b"a", b"bc"]));
    }

    #[test]
    fn keys_ignore_cosmetics_and_count_true_duplicates() {
        let mut a = SourceRow::draft(date!(2026 - 03 - 02), Minutes(90));
        a.person.email = Some("zoe@example.com".into());
        a.note = Some("Workshop ".into());
        let mut b = a.clone();
        b.person.email = Some("ZOE@example.com".into());
        b.note = Some("  Workshop".into());
        assert_eq!(content_hash(&a), content_hash(&b));
        let mut c = a.clone();
        c.minutes = Minutes(60);
        assert_ne!(content_hash(&a), content_hash(&c));

        let mut keys = KeyCounter::default();
        let first = keys.key(&a);
        let second = keys.key(&b);
        assert_eq!(second, format!("{first}-2"));
        let mut again = KeyCounter::default();
        assert_eq!(again.key(&a), first, "same content, same key on every run");
    }
}
