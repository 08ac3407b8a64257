//! Parsing an export off the async runtime: [`spawn_reader`] runs the parser on a blocking
//! thread and hands its rows to the importer in chunks through a bounded channel, so
//! neither the API nor the CLI ever holds a whole file of parsed rows; and [`csv_chunk`],
//! which writes one page of a streamed export.

use std::io::Read;

use async_trait::async_trait;
use psops_core::imports::RowSource;
use psops_core::interchange::{
    self, ExportRow, Format, Options, RowError, RowResult, write_harvest, write_kimai, write_psops,
};
use psops_core::rule::Rule;
use tokio::sync::mpsc;

/// Rows per chunk handed from the parser to the store.
pub const CHUNK_ROWS: usize = 1000;

/// Parsed rows arriving from [`spawn_reader`]'s thread.
pub struct ChannelSource {
    rx: mpsc::Receiver<Vec<RowResult>>,
    on_progress: Option<Box<dyn FnMut(u64) + Send>>,
}

impl ChannelSource {
    /// Calls `f` with the number of rows handled after each chunk.
    pub fn with_progress(mut self, f: impl FnMut(u64) + Send + 'static) -> Self {
        self.on_progress = Some(Box::new(f));
        self
    }
}

#[async_trait]
impl RowSource for ChannelSource {
    async fn next_chunk(&mut self) -> Option<Vec<RowResult>> {
        self.rx.recv().await
    }

    fn progress(&mut self, rows: u64) {
        if let Some(f) = &mut self.on_progress {
            f(rows);
        }
    }
}

/// Starts parsing `input` on a blocking thread: `format` `None` recognises the export from
/// its header. Answers once the header is read — with the format, or the header's error —
/// and then streams the records, a few chunks ahead of the importer at most.
pub async fn spawn_reader<R: Read + Send + 'static>(
    format: Option<Format>,
    input: R,
    options: Options,
) -> std::result::Result<(Format, ChannelSource), RowError> {
    let (head_tx, head_rx) = tokio::sync::oneshot::channel();
    let (tx, rx) = mpsc::channel::<Vec<RowResult>>(4);
    tokio::task::spawn_blocking(move || {
        let opened = match format {
            Some(f) => interchange::read(f, input, options).map(|rows| (f, rows)),
            None => interchange::read_auto(input, options),
        };
        let rows = match opened {
            Ok((f, rows)) => {
                if head_tx.send(Ok(f)).is_err() {
                    return;
                }
                rows
            }
            Err(e) => {
                let _ = head_tx.send(Err(e));
                return;
            }
        };
        let mut chunk = Vec::with_capacity(CHUNK_ROWS);
        for row in rows {
            chunk.push(row);
            if chunk.len() == CHUNK_ROWS {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_ROWS));
                // The importer went away (an error): stop reading.
                if tx.blocking_send(full).is_err() {
                    return;
                }
            }
        }
        if !chunk.is_empty() {
            let _ = tx.blocking_send(chunk);
        }
    });
    let format = head_rx
        .await
        .map_err(|_| RowError::new(1, "", "", Rule::Io, "the file could not be read"))??;
    Ok((format, ChannelSource { rx, on_progress: None }))
}

/// The rows as CSV in a shape; only the first chunk carries the header.
pub fn csv_chunk(format: Format, rows: Vec<ExportRow>, header: bool) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        Format::Kimai => write_kimai(&mut out, rows)?,
        Format::Harvest => write_harvest(&mut out, rows)?,
        _ => write_psops(&mut out, rows)?,
    }
    if !header {
        let first = out.iter().position(|b| *b == b'\n').map_or(out.len(), |i| i + 1);
        out.drain(..first);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use psops_core::Minutes;
    use time::macros::date;

    fn row() -> ExportRow {
        ExportRow {
            date: date!(2026 - 03 - 02),
            person_name: "Zoë Müller".into(),
            person_email: "zoe@example.com".into(),
            account: Some("Acme, Inc.".into()),
            account_code: None,
            project: Some("Cloud Migration".into()),
            project_code: Some("ACME-MIG".into()),
            category: None,
            task: None,
            minutes: Minutes(90),
            billable: true,
            note: Some("line one\nline two".into()),
            bill_rate: None,
            cost_rate: None,
            source_key: None,
        }
    }

    #[test]
    fn later_chunks_carry_no_header() {
        let first = String::from_utf8(csv_chunk(Format::Psops, vec![row()], true).unwrap()).unwrap();
        let next = String::from_utf8(csv_chunk(Format::Psops, vec![row()], false).unwrap()).unwrap();
        assert!(first.starts_with("date,person_email"), "{first}");
        assert!(next.starts_with("2026-03-02,zoe@example.com"), "{next}");
        assert_eq!(first.len(), next.len() + first.find('\n').unwrap() + 1);
        assert!(csv_chunk(Format::Harvest, vec![], false).unwrap().is_empty());
    }

    #[tokio::test]
    async fn rows_arrive_in_chunks_after_the_format() {
        let mut csv = String::from("date,person_email,minutes\n");
        for _ in 0..(CHUNK_ROWS + 5) {
            csv.push_str("2026-03-02,zoe@example.com,60\n");
        }
        let (format, mut source) = spawn_reader(None, std::io::Cursor::new(csv.into_bytes()), Options::default())
            .await
            .expect("a psops file");
        assert_eq!(format, Format::Psops);
        let first = source.next_chunk().await.map(|c| c.len());
        let second = source.next_chunk().await.map(|c| c.len());
        assert_eq!((first, second), (Some(CHUNK_ROWS), Some(5)));
        assert!(source.next_chunk().await.is_none());
        let bad = spawn_reader(None, std::io::Cursor::new(b"a,b\n1,2\n".to_vec()), Options::default()).await;
        assert_eq!(bad.err().map(|e| e.rule), Some(Rule::UnknownFormat));
    }
}
