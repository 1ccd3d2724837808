//! A file's text held for parsing in memory that is given back to the system from the front as
//! the parser passes it, so a big file's text and the features built from it are not both
//! held whole: the text shrinks as the layer grows (peak memory about the larger of the two,
//! not their sum).
//!
//! The text lives in an anonymous private mapping (not a mapping of the file itself: a file
//! truncated by another program while it is read would then crash the app with SIGBUS).

use std::cell::Cell;
use std::io::Read;

use memmap2::{MmapMut, UncheckedAdvice};

/// Pages are given back in steps of at least this many bytes.
const RELEASE_STEP: usize = 1 << 20;

/// A file's bytes, releasable from the front.
pub struct Text {
    map: MmapMut,
    len: usize,
    /// What has been given back.
    released: Cell<Released>,
}

/// The front of a text given back to the system, and the lines it held: lines and columns
/// after it are still counted from the start of the file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Released {
    /// Bytes from the start given back (a multiple of the page size).
    pub bytes: usize,
    /// Line ends (`\n`) among them.
    pub newlines: usize,
    /// The offset of the last of them.
    pub last_newline: Option<usize>,
}

impl Text {
    /// Read all of `reader` (`size_hint` bytes expected; more or fewer are handled), calling
    /// `on_chunk` with each chunk's length; it returns false to stop, and the read then ends
    /// with `Ok(None)`.
    pub fn read(
        reader: &mut impl Read,
        size_hint: u64,
        mut on_chunk: impl FnMut(usize) -> bool,
    ) -> std::io::Result<Option<Self>> {
        let mut capacity = usize::try_from(size_hint).unwrap_or(usize::MAX).max(1);
        let mut map = MmapMut::map_anon(capacity)?;
        let mut len = 0;
        loop {
            let n = if len == capacity {
                // Full: the end of the file, unless it grew while it was read (asked with a
                // small read, so a file of the expected size is never copied).
                let mut probe = [0u8; 4096];
                let n = read_some(reader, &mut probe)?;
                if n == 0 {
                    break;
                }
                // A larger mapping, the text copied over.
                capacity = capacity.saturating_mul(2).max(len + n);
                let mut bigger = MmapMut::map_anon(capacity)?;
                bigger[..len].copy_from_slice(&map[..len]);
                bigger[len..len + n].copy_from_slice(&probe[..n]);
                map = bigger;
                n
            } else {
                let end = capacity.min(len + (1 << 22));
                let n = read_some(reader, &mut map[len..end])?;
                if n == 0 {
                    break;
                }
                n
            };
            len += n;
            if !on_chunk(n) {
                return Ok(None);
            }
        }
        Ok(Some(Self {
            map,
            len,
            released: Cell::new(Released::default()),
        }))
    }

    /// The text (bytes given back read as zeros).
    pub fn bytes(&self) -> &[u8] {
        &self.map[..self.len]
    }

    /// The text, to change in place before it is parsed.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.map[..self.len]
    }

    /// Give back the pages wholly before `at`, a pointer into [`Text::bytes`] up to which the
    /// parser has read for good; anything else is ignored.
    pub fn release_before(&self, at: *const u8) {
        let base = self.map.as_ptr() as usize;
        let Some(offset) = (at as usize).checked_sub(base).filter(|&o| o <= self.len) else {
            return;
        };
        let page = page_size();
        let end = offset / page * page;
        let released = self.released.get();
        let start = released.bytes;
        if end < start + RELEASE_STEP {
            return;
        }
        // The lines given back are counted first, so places after them stay right.
        let gone = &self.map[start..end];
        let newlines = released.newlines + memchr::memchr_iter(b'\n', gone).count();
        let last_newline = memchr::memrchr(b'\n', gone)
            .map(|i| start + i)
            .or(released.last_newline);
        // SAFETY: the range lies within the mapping (page-aligned, before `offset` ≤ len).
        // MADV_DONTNEED on an anonymous private mapping makes its pages read as zeros from
        // then on; no memory is unmapped. The parser only moves forward and has read this
        // range for good: what it keeps (features, properties) was copied out, and messages
        // quote the text at the error's place, which lies after it.
        let done = unsafe {
            self.map
                .unchecked_advise_range(UncheckedAdvice::DontNeed, start, end - start)
        };
        if done.is_ok() {
            self.released.set(Released {
                bytes: end,
                newlines,
                last_newline,
            });
        }
    }

    /// What has been given back so far.
    pub fn released(&self) -> Released {
        self.released.get()
    }
}

/// One read into `buf`, again when a signal interrupted it; 0 at the end.
fn read_some(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

fn page_size() -> usize {
    // Linux on x86-64 and most ARM64 kernels; a larger page only means fewer, later releases
    // (the range is still page-aligned for 4 KiB, which any larger page size is a multiple
    // of; madvise refuses an unaligned start, and then nothing is released).
    4096
}

#[cfg(test)]
mod tests {
    use super::*;

    /// All of `data`, read as a file of its own size.
    fn read_whole(data: &[u8]) -> Text {
        Text::read(&mut &data[..], data.len() as u64, |_| true)
            .expect("read")
            .expect("not stopped")
    }

    #[test]
    fn reads_everything_even_past_the_expected_size() {
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut chunks = 0;
        let text = Text::read(&mut data.as_slice(), 1000, |_| {
            chunks += 1;
            true
        })
        .expect("read")
        .expect("not stopped");
        assert_eq!(text.bytes(), &data[..]);
        assert!(chunks >= 1);
    }

    #[test]
    fn a_file_of_the_expected_size_is_read_into_one_mapping_of_that_size() {
        // The peak memory of a load is the text once: no doubled mapping to find the end.
        let data = vec![b'y'; 5 << 20];
        let text = read_whole(&data);
        assert_eq!(text.bytes(), &data[..]);
        assert_eq!(text.map.len(), data.len(), "no larger mapping was made");
    }

    #[test]
    fn a_stop_ends_the_read() {
        let data = vec![7u8; 10_000_000];
        let read = Text::read(&mut data.as_slice(), 10_000_000, |_| false).expect("read");
        assert!(read.is_none());
    }

    #[test]
    fn released_pages_are_only_those_behind_the_parser() {
        let data = vec![b'x'; 8 << 20];
        let text = read_whole(&data);
        let at = 3 << 20;
        text.release_before(text.bytes()[at + 100..].as_ptr());
        let bytes = text.bytes();
        assert_eq!(bytes[0], 0, "given back");
        assert_eq!(bytes[at - 1], 0);
        assert!(
            bytes[at..].iter().all(|&b| b == b'x'),
            "what lies ahead is kept"
        );
        // A pointer elsewhere is ignored.
        text.release_before(data.as_ptr());
        assert_eq!(text.bytes()[at], b'x');
    }

    #[test]
    fn the_lines_given_back_are_counted() {
        let mut data = vec![b'x'; 4 << 20];
        for i in (0..data.len()).step_by(1000) {
            data[i] = b'\n';
        }
        let text = read_whole(&data);
        text.release_before(text.bytes()[(2 << 20) + 10..].as_ptr());
        let r = text.released();
        assert_eq!(r.bytes, 2 << 20);
        assert_eq!(r.newlines, (2 << 20) / 1000 + 1);
        assert_eq!(r.last_newline, Some((2 << 20) / 1000 * 1000));
    }
}
