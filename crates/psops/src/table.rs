//! Aligned text tables on stdout, for the listing commands.

use crate::stdout_line;

/// Writes a header row and the rows under it, each column as wide as its widest cell;
/// the last column is not padded, so long text (names, change summaries) just runs on.
pub fn print(headers: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    for line in render(headers, rows) {
        stdout_line(line)?;
    }
    Ok(())
}

fn render(headers: &[&str], rows: &[Vec<String>]) -> Vec<String> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut out = String::new();
        for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            out.push_str(cell);
            if i != last {
                out.extend(std::iter::repeat_n(' ', width - cell.chars().count() + 2));
            }
        }
        out.trim_end().to_string()
    };
    let mut lines = Vec::with_capacity(rows.len() + 1);
    lines.push(line(headers.to_vec()));
    lines.extend(rows.iter().map(|r| line(r.iter().map(String::as_str).collect())));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_to_the_widest_cell() {
        let rows = vec![
            vec!["1".to_string(), "ada@example.com".to_string(), "Ada".to_string()],
            vec!["12".to_string(), "b@x.io".to_string(), "Bea Long-Name".to_string()],
        ];
        assert_eq!(
            render(&["ID", "EMAIL", "NAME"], &rows),
            [
                "ID  EMAIL            NAME",
                "1   ada@example.com  Ada",
                "12  b@x.io           Bea Long-Name",
            ]
        );
    }

    #[test]
    fn an_empty_table_is_its_header() {
        assert_eq!(render(&["AT", "ACTION"], &[]), ["AT  ACTION"]);
    }
}
