//! Byte offsets ↔ LSP positions, in the encoding negotiated with the client (UTF-8 or UTF-16).

use lsp_types::{Position, Range};

/// How the client counts characters in a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes of UTF-8 (when the client offers `utf-8`).
    Utf8,
    /// UTF-16 code units, the protocol's default: characters outside the BMP count two.
    Utf16,
}

/// The start of every line of a text, for converting positions.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    encoding: Encoding,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text,
            starts,
            encoding,
        }
    }

    fn units(&self, s: &str) -> u32 {
        let n = match self.encoding {
            Encoding::Utf8 => s.len(),
            Encoding::Utf16 => s.chars().map(char::len_utf16).sum(),
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The position of a byte offset (clamped to the text, and down to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: self.units(&self.text[start..offset]),
        }
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range {
            start: self.position(start),
            end: self.position(end),
        }
    }

    /// The byte offset of a position; `None` past the last line. A character past the end of
    /// its line means the end of the line; one inside a character (half of a surrogate pair)
    /// means that character's start.
    pub fn offset(&self, pos: Position) -> Option<usize> {
        let line = pos.line as usize;
        let start = *self.starts.get(line)?;
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let line_text = &self.text[start..end];
        let mut units = 0u32;
        for (i, c) in line_text.char_indices() {
            let width = match self.encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            } as u32;
            if units + width > pos.character {
                return Some(start + i);
            }
            units += width;
        }
        Some(end)
    }

    /// Like [`LineIndex::offset`], but a position past the last line means the end of the
    /// text (for edits, which clients may send at the very end).
    pub fn offset_clamped(&self, pos: Position) -> usize {
        self.offset(pos).unwrap_or(self.text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn counts_utf16_units_and_utf8_bytes() {
        // "横" is 3 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 units (a surrogate pair).
        let text = "a\n横😀x\n";
        let x = text.find('x').unwrap();
        let u16 = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(u16.position(x), pos(1, 3));
        assert_eq!(u16.offset(pos(1, 3)), Some(x));
        let u8 = LineIndex::new(text, Encoding::Utf8);
        assert_eq!(u8.position(x), pos(1, 7));
        assert_eq!(u8.offset(pos(1, 7)), Some(x));
    }

    #[test]
    fn out_of_range_positions() {
        let text = "ab\n😀\n";
        let idx = LineIndex::new(text, Encoding::Utf16);
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(idx.offset(pos(1, 1)), Some(3));
        // Past the end of a line: the end of that line.
        assert_eq!(idx.offset(pos(0, 99)), Some(2));
        // Past the last line.
        assert_eq!(idx.offset(pos(9, 0)), None);
        assert_eq!(idx.offset_clamped(pos(9, 0)), text.len());
        // Offsets inside a character round down.
        assert_eq!(idx.position(4), pos(1, 0));
    }
}
