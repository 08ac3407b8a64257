//! Tables that break between rows: a row is never cut unless it is taller than a whole page,
//! and the column headings are repeated at the top of every page the table continues on.

use super::layout::{ACCENT, Align, BOTTOM, Column, LEFT, Layout, RIGHT, RULE, SHADE, Style};
use super::metrics::{Face, encode, wrap};

const PAD_X: f32 = 6.0;
const PAD_Y: f32 = 4.0;

/// A table's geometry and its cells already wrapped to their columns.
struct Grid<'a> {
    columns: &'a [Column],
    /// Left edge and width of each column.
    spans: Vec<(f32, f32)>,
    body: Style,
    head: Style,
    rows: Vec<Vec<Vec<Vec<u8>>>>,
}

impl<'a> Grid<'a> {
    fn new(columns: &'a [Column], rows: &[Vec<String>], body: Style) -> Self {
        let total: f32 = columns.iter().map(|c| c.share).sum::<f32>().max(f32::EPSILON);
        let mut x = LEFT;
        let spans: Vec<(f32, f32)> = columns
            .iter()
            .map(|c| {
                let w = c.share / total * (RIGHT - LEFT);
                x += w;
                (x - w, w)
            })
            .collect();
        let rows = rows
            .iter()
            .map(|row| {
                spans
                    .iter()
                    .enumerate()
                    .map(|(i, (_, w))| {
                        let cell = row.get(i).map(String::as_str).unwrap_or("");
                        wrap(cell, body.face, body.size, w - 2.0 * PAD_X)
                    })
                    .collect()
            })
            .collect();
        let head = Style::new(Face::Bold, body.size - 1.0, ACCENT);
        Self {
            columns,
            spans,
            body,
            head,
            rows,
        }
    }

    fn head_height(&self) -> f32 {
        self.head.leading() + 2.0 * PAD_Y
    }

    /// The number of text lines in a row: at least one, so an empty row still shows.
    fn lines(&self, row: usize) -> usize {
        self.rows[row].iter().map(Vec::len).max().unwrap_or(0).max(1)
    }

    fn row_height(&self, lines: usize) -> f32 {
        lines as f32 * self.body.leading() + 2.0 * PAD_Y
    }

    fn x_for(&self, col: usize, style: Style, line: &[u8]) -> f32 {
        let (x, w) = self.spans[col];
        match self.columns[col].align {
            Align::Left => x + PAD_X,
            Align::Right => x + w - PAD_X - super::metrics::width(line, style.face, style.size),
        }
    }
}

impl Layout {
    /// The height of a table's headings and first row, so a heading above it can be kept
    /// on the same page as the start of the table.
    pub fn table_start_height(columns: &[Column], rows: &[Vec<String>], body: Style) -> f32 {
        let grid = Grid::new(columns, rows, body);
        let first = if grid.rows.is_empty() {
            0.0
        } else {
            grid.row_height(grid.lines(0))
        };
        grid.head_height() + first
    }

    pub fn table(&mut self, columns: &[Column], rows: &[Vec<String>], body: Style) {
        let grid = Grid::new(columns, rows, body);
        self.keep(Self::table_start_height(columns, rows, body));
        self.table_head(&grid);
        // Rows drawn under the headings on this page: a row that does not fit moves to a
        // fresh page whole, and is split only when it follows the headings directly (so a
        // new page would not give it more room).
        let mut on_page = 0;
        for row in 0..grid.rows.len() {
            let lines = grid.lines(row);
            let mut from = 0;
            while from < lines {
                if self.y - grid.row_height(lines - from) >= BOTTOM {
                    self.table_row(&grid, row, from, lines);
                    on_page += 1;
                    break;
                }
                let room = ((self.y - BOTTOM - 2.0 * PAD_Y) / body.leading()).floor();
                if on_page == 0 && room >= 1.0 {
                    let to = (from + room as usize).min(lines);
                    self.table_row(&grid, row, from, to);
                    from = to;
                }
                self.new_page();
                self.table_head(&grid);
                on_page = 0;
            }
        }
    }

    fn table_head(&mut self, grid: &Grid) {
        let h = grid.head_height();
        self.push(super::layout::Op::Fill {
            x: LEFT,
            y: self.y - h,
            w: RIGHT - LEFT,
            h,
            color: SHADE,
        });
        for (i, column) in grid.columns.iter().enumerate() {
            let bytes = encode(column.title);
            let x = grid.x_for(i, grid.head, &bytes);
            self.text_at(x, self.y - PAD_Y, grid.head.leading(), grid.head, bytes);
        }
        self.y -= h;
    }

    /// Lines `from..to` of a row, with a hairline under it.
    fn table_row(&mut self, grid: &Grid, row: usize, from: usize, to: usize) {
        let leading = grid.body.leading();
        let top = self.y - PAD_Y;
        for (col, cell) in grid.rows[row].iter().enumerate() {
            for (k, line) in cell.iter().enumerate().take(to).skip(from) {
                let x = grid.x_for(col, grid.body, line);
                let line_top = top - (k - from) as f32 * leading;
                self.text_at(x, line_top, leading, grid.body, line.clone());
            }
        }
        self.y -= grid.row_height(to - from);
        self.rule(LEFT, RIGHT, self.y, 0.5, RULE);
    }
}
