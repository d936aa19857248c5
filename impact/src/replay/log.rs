//! Reading decision logs: the files in the order they were written (a rotated `NAME.2` before
//! `NAME.1` before `NAME`), cut into chunks of whole lines for the workers, each line keeping
//! its file and number. A last line with no newline (a log cut off by a crash or a copy) is
//! passed on marked, so that it is counted, never dropped.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;

/// A line's place: the file (an index into the files read) and its number, from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: usize,
    pub line: u64,
}

/// Whole lines of one file.
#[derive(Debug)]
pub struct Chunk {
    pub file: usize,
    /// The number of the chunk's first line.
    pub first_line: u64,
    pub bytes: Vec<u8>,
    /// The chunk ends the file with a line that has no newline.
    pub unterminated: bool,
}

/// The files to read for `paths`: a folder gives the files in it. Rotated files come before
/// the file they were rotated from, the oldest (highest number) first.
pub fn files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inner = Vec::new();
            for entry in std::fs::read_dir(p)? {
                let path = entry?.path();
                let hidden = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'));
                if path.is_file() && !hidden {
                    inner.push(path);
                }
            }
            out.extend(inner);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("`{}` is neither a file nor a folder", p.display()),
            ));
        }
    }
    out.sort_by_key(|p| rotation_key(p));
    out.dedup();
    if out.is_empty() {
        let named: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no log file in {}", named.join(", ")),
        ));
    }
    Ok(out)
}

/// `decisions.jsonl.3` → (`decisions.jsonl`, 3 before 2 before 1 before the live file).
fn rotation_key(path: &Path) -> (PathBuf, std::cmp::Reverse<u64>) {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if let Some((base, n)) = name.rsplit_once('.') {
        if let Ok(n) = n.parse::<u64>() {
            return (path.with_file_name(base), std::cmp::Reverse(n));
        }
    }
    (path.to_path_buf(), std::cmp::Reverse(0))
}

/// About this many bytes per chunk.
const CHUNK_BYTES: usize = 1 << 20;

/// Reads `path` and sends it as chunks of whole lines; returns its number of lines.
pub fn read(file: usize, path: &Path, to: &SyncSender<Chunk>) -> std::io::Result<u64> {
    let mut f = std::fs::File::open(path)?;
    let mut carry: Vec<u8> = Vec::new();
    let mut line = 1u64;
    let mut buf = vec![0u8; CHUNK_BYTES];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        carry.extend_from_slice(&buf[..n]);
        if carry.len() < CHUNK_BYTES {
            continue;
        }
        if let Some(end) = carry.iter().rposition(|&b| b == b'\n') {
            let rest = carry.split_off(end + 1);
            let bytes = std::mem::replace(&mut carry, rest);
            let lines = newlines(&bytes);
            let chunk = Chunk {
                file,
                first_line: line,
                bytes,
                unterminated: false,
            };
            line += lines;
            if to.send(chunk).is_err() {
                return Ok(line - 1);
            }
        }
    }
    let unterminated = !carry.is_empty() && carry.last() != Some(&b'\n');
    let lines = newlines(&carry) + u64::from(unterminated);
    if !carry.is_empty() {
        let _ = to.send(Chunk {
            file,
            first_line: line,
            bytes: carry,
            unterminated,
        });
    }
    Ok(line - 1 + lines)
}

fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

impl Chunk {
    /// The chunk's lines with their numbers; the last is `true` when it has no newline.
    pub fn lines(&self) -> impl Iterator<Item = (u64, &[u8], bool)> {
        let body = self.bytes.strip_suffix(b"\n").unwrap_or(&self.bytes);
        let count = body.split(|&b| b == b'\n').count();
        body.split(|&b| b == b'\n')
            .enumerate()
            .filter(|(_, l)| !l.is_empty() || self.bytes.is_empty())
            .map(move |(i, l)| {
                let last = i + 1 == count;
                (
                    self.first_line + i as u64,
                    l.strip_suffix(b"\r").unwrap_or(l),
                    last && self.unterminated,
                )
            })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn rotated_files_come_oldest_first() {
        let p = |s: &str| PathBuf::from(s);
        let mut v = vec![
            p("d/decisions.jsonl"),
            p("d/decisions.jsonl.1"),
            p("d/decisions.jsonl.10"),
            p("d/decisions.jsonl.2"),
        ];
        v.sort_by_key(|p| rotation_key(p));
        assert_eq!(
            v,
            [
                p("d/decisions.jsonl.10"),
                p("d/decisions.jsonl.2"),
                p("d/decisions.jsonl.1"),
                p("d/decisions.jsonl")
            ]
        );
    }

    #[test]
    fn lines_keep_their_numbers_and_a_cut_last_line_is_marked() {
        let c = Chunk {
            file: 0,
            first_line: 7,
            bytes: b"{\"a\":1}\n\n{\"b\":2}\r\n{\"c\"".to_vec(),
            unterminated: true,
        };
        let got: Vec<(u64, Vec<u8>, bool)> =
            c.lines().map(|(n, l, u)| (n, l.to_vec(), u)).collect();
        assert_eq!(
            got,
            [
                (7, b"{\"a\":1}".to_vec(), false),
                (9, b"{\"b\":2}".to_vec(), false),
                (10, b"{\"c\"".to_vec(), true)
            ]
        );
    }
}
