//! Drives an import's parser off the async workers: [`spawn`] runs the rows' iterator on
//! a blocking thread and hands them over in chunks through a bounded channel, a few
//! chunks ahead of the importer at most.

use psops_core::imports::RowStream;
use psops_core::interchange::RowResult;
use tokio::sync::mpsc;

/// Starts the parser; the receiver yields chunks until the input ends. Dropping the
/// receiver (the import failed) stops the parser at its next chunk.
pub(crate) fn spawn(stream: RowStream) -> mpsc::Receiver<Vec<RowResult>> {
    let (tx, rx) = mpsc::channel::<Vec<RowResult>>(4);
    let RowStream { rows, chunk: size, .. } = stream;
    tokio::task::spawn_blocking(move || {
        let mut chunk = Vec::with_capacity(size);
        for row in rows {
            chunk.push(row);
            if chunk.len() == size {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(size));
                if tx.blocking_send(full).is_err() {
                    return;
                }
            }
        }
        if !chunk.is_empty() {
            let _ = tx.blocking_send(chunk);
        }
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;
    use psops_core::interchange::{self, Format, Options};

    #[tokio::test]
    async fn rows_arrive_in_chunks() {
        let mut csv = String::from("date,person_email,minutes\n");
        for _ in 0..(RowStream::CHUNK + 5) {
            csv.push_str("2026-03-02,zoe@example.com,60\n");
        }
        let (format, rows) =
            interchange::open(None, std::io::Cursor::new(csv.into_bytes()), Options::default()).expect("a psops file");
        assert_eq!(format, Format::Psops);
        let mut rx = spawn(RowStream::new(rows));
        let first = rx.recv().await.map(|c| c.len());
        let second = rx.recv().await.map(|c| c.len());
        assert_eq!((first, second), (Some(RowStream::CHUNK), Some(5)));
        assert!(rx.recv().await.is_none());
        let bad = interchange::open(None, std::io::Cursor::new(b"a,b\n1,2\n".to_vec()), Options::default());
        assert_eq!(bad.err().map(|e| e.rule), Some(psops_core::rule::Rule::UnknownFormat));
    }
}
