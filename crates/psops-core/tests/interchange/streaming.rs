//! Reading is lazy: rows come out while most of the file is still unread, so an import of
//! any size runs in constant memory.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use psops_core::interchange::{self, Format, Options};

/// A psops CSV of `rows` records, produced on demand and counting what was read.
struct Generated {
    next: usize,
    rows: usize,
    pending: Vec<u8>,
    read: Arc<AtomicUsize>,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            if self.next == 0 {
                self.pending = b"date,person_email,person_name,project,minutes,billable,note\n".to_vec();
            } else if self.next <= self.rows {
                let line = format!(
                    "2026-03-{:02},p{}@example.com,Zoë {},\"Acme, Inc. {}\",{},true,\"note\nline {}\"\n",
                    self.next % 28 + 1,
                    self.next % 50,
                    self.next % 50,
                    self.next % 7,
                    15 * (self.next % 8 + 1),
                    self.next
                );
                self.pending = line.into_bytes();
            } else {
                return Ok(0);
            }
            self.next += 1;
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        self.read.fetch_add(n, Ordering::Relaxed);
        Ok(n)
    }
}

#[test]
fn rows_stream_out_before_the_file_is_read() {
    let read = Arc::new(AtomicUsize::new(0));
    let input = Generated {
        next: 0,
        rows: 20_000,
        pending: Vec::new(),
        read: read.clone(),
    };
    let mut rows = interchange::read(Format::Psops, input, Options::default()).unwrap();
    let first = rows.next().unwrap().unwrap();
    assert_eq!((first.line, first.minutes.get()), (2, 30));
    assert!(
        read.load(Ordering::Relaxed) < 64 * 1024,
        "only a buffer's worth is read for the first row, not {}",
        read.load(Ordering::Relaxed)
    );
    let (mut count, mut minutes, mut last_line) = (1usize, first.minutes.get(), 0);
    for row in rows {
        let row = row.unwrap();
        count += 1;
        minutes += row.minutes.get();
        last_line = row.line;
    }
    assert_eq!(count, 20_000);
    // minutes cycle 15..=120 over n % 8; 20,000 rows from n = 1 give 2,500 full cycles of 540.
    assert_eq!(minutes, 2_500 * 540);
    // Each record spans two lines (a note with a newline), after the header.
    assert_eq!(last_line, 2 + 2 * 19_999);
}
