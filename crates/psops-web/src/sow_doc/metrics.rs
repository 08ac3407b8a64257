//! Helvetica and Helvetica-Bold, two of the fourteen fonts every PDF reader has built in, so
//! nothing is embedded. Text is written in WinAnsiEncoding (Windows-1252), and line breaks are
//! measured with the fonts' published advance widths (Adobe's AFM metrics, 1/1000 em) so text
//! wraps where a reader will actually draw it.

/// Which of the two faces a run of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

/// Advance widths of WinAnsi codes 32 to 255 (index = code - 32); 0 marks the five codes
/// WinAnsi leaves undefined, which `encode` never produces.
pub(crate) const REGULAR: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 32
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 48
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 64
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 80
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 96
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0, // 112
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, // 128
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667, // 144
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 160
    400, 584, 333, 333, 333, 578, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 176
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 192
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 208
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 224
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 240
];
pub(crate) const BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // 32
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 48
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 64
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 80
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 96
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0, // 112
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, // 128
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667, // 144
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 160
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 176
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 192
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 208
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 224
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 240
];

/// The WinAnsi code of a character, with a plain stand-in for common characters the encoding
/// lacks, and `?` for the rest: a built-in font cannot show them, and a visible mark is
/// better than a silently dropped character.
fn code(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        // Tabs, line ends and other controls inside a line read as a space.
        c if c.is_control() || c.is_whitespace() => b' ',
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        '‐' | '‑' | '‒' | '−' => b'-',
        '―' => 0x97,
        '′' | '‛' => b'\'',
        '″' | '‟' => b'"',
        '→' | '⇒' => b'>',
        '←' => b'<',
        '≤' => b'<',
        '≥' => b'>',
        '✓' | '✔' => b'x',
        _ => b'?',
    }
}

/// `text` as WinAnsi bytes, one per character.
pub(crate) fn encode(text: &str) -> Vec<u8> {
    text.chars().map(code).collect()
}

/// The width in points of WinAnsi bytes set in `face` at `size` points.
pub(crate) fn width(bytes: &[u8], face: Face, size: f32) -> f32 {
    let table = match face {
        Face::Regular => &REGULAR,
        Face::Bold => &BOLD,
    };
    let units: u32 = bytes
        .iter()
        .map(|&b| table.get(usize::from(b).wrapping_sub(32)).copied().unwrap_or(0) as u32)
        .sum();
    units as f32 * size / 1000.0
}

/// `text` broken into lines no wider than `max` points. Single line breaks in the text are
/// kept; words are split at spaces, and a word wider than the whole line is cut between
/// characters rather than allowed to run past the margin. An empty text gives no lines.
pub(crate) fn wrap(text: &str, face: Face, size: f32, max: f32) -> Vec<Vec<u8>> {
    let space = width(b" ", face, size);
    let mut lines = Vec::new();
    for source in text.lines() {
        let mut line: Vec<u8> = Vec::new();
        let mut line_w = 0.0;
        for word in source.split_whitespace() {
            let word = encode(word);
            let word_w = width(&word, face, size);
            if !line.is_empty() && line_w + space + word_w <= max {
                line.push(b' ');
                line.extend_from_slice(&word);
                line_w += space + word_w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if word_w <= max {
                line = word;
                line_w = word_w;
                continue;
            }
            // A word longer than the line: fill lines character by character.
            line_w = 0.0;
            for b in word {
                let w = width(&[b], face, size);
                if !line.is_empty() && line_w + w > max {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                line.push(b);
                line_w += w;
            }
        }
        if !line.is_empty() || source.trim().is_empty() {
            lines.push(line);
        }
    }
    // Blank lines at either end would only add space the caller already controls.
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(lines.len());
    lines.drain(..first);
    lines
}

/// `text` on one line of at most `max` points, cut with an ellipsis when it is longer.
pub(crate) fn fit(text: &str, face: Face, size: f32, max: f32) -> Vec<u8> {
    fit_bytes(encode(text.trim()), face, size, max)
}

/// WinAnsi bytes on one line of at most `max` points, cut with an ellipsis when longer.
pub(crate) fn fit_bytes(bytes: Vec<u8>, face: Face, size: f32, max: f32) -> Vec<u8> {
    if width(&bytes, face, size) <= max {
        return bytes;
    }
    let room = max - width(&[0x85], face, size);
    let mut used = 0.0;
    let mut out = Vec::new();
    for b in bytes {
        used += width(&[b], face, size);
        if used > room {
            break;
        }
        out.push(b);
    }
    out.push(0x85);
    out
}
