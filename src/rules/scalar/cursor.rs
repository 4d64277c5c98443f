//! The byte cursor over ASCII input that the date lexer, the vendor timestamp check and the
//! number scanners share. It knows bytes only: what a wrong byte means is its caller's.

/// Byte cursor over ASCII input.
pub(super) struct Cursor<'a> {
    pub(super) b: &'a [u8],
    pub(super) pos: usize,
}

impl Cursor<'_> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    pub(super) fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Exactly two ASCII digits, as a number.
    pub(super) fn two(&mut self) -> Option<u8> {
        match self.b.get(self.pos..self.pos + 2) {
            Some(&[a, b]) if a.is_ascii_digit() && b.is_ascii_digit() => {
                self.pos += 2;
                Some((a - b'0') * 10 + (b - b'0'))
            }
            _ => None,
        }
    }

    pub(super) fn skip_digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos == self.b.len()
    }
}
