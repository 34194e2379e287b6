//! Reading files safely: size cap, regular files only, binary and UTF-8 checks. Whatever goes
//! wrong becomes a [`FileProblem`] for the linter to report; nothing here fails the run.

use std::io::Read;
use std::path::Path;

/// Files larger than this are refused unread: no lynx file comes close.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A problem with a file as a whole (before or instead of parsing it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileProblem {
    /// The file could not be opened or read (message from the OS, with a hint).
    Io(String),
    /// A directory, FIFO, socket or device where a file was expected.
    NotAFile(&'static str),
    TooLarge {
        size: u64,
    },
    /// A NUL byte: this is not a text file.
    Binary,
    /// Not UTF-8 from this byte offset on.
    NotUtf8 {
        offset: usize,
    },
}

/// Reads `path` as UTF-8 text. On `NotUtf8` the text (lossily decoded) is still returned so the
/// finding can point at the offending line.
pub fn read_text(path: &Path) -> (String, Option<FileProblem>) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if std::fs::symlink_metadata(path).is_ok() && e.raw_os_error() != Some(40) => {
            let msg = "broken symbolic link: its target does not exist (no such file)";
            return (String::new(), Some(FileProblem::Io(msg.into())));
        }
        Err(e) => return (String::new(), Some(FileProblem::Io(io_message(&e)))),
    };
    let ft = meta.file_type();
    if ft.is_dir() {
        return (String::new(), Some(FileProblem::NotAFile("a directory")));
    }
    if !ft.is_file() {
        // Reading a FIFO would block forever; devices and sockets are never lynx files.
        return (
            String::new(),
            Some(FileProblem::NotAFile("not a regular file")),
        );
    }
    if meta.len() > MAX_FILE_BYTES {
        return (
            String::new(),
            Some(FileProblem::TooLarge { size: meta.len() }),
        );
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    let read =
        std::fs::File::open(path).and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        return (String::new(), Some(FileProblem::Io(io_message(&e))));
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return (
            String::new(),
            Some(FileProblem::TooLarge {
                size: bytes.len() as u64,
            }),
        );
    }
    if let Some(text) = utf16_text(&bytes) {
        // Not binary, just the wrong encoding: say so at the top, and show the text.
        return (text, Some(FileProblem::NotUtf8 { offset: 0 }));
    }
    if bytes.contains(&0) {
        return (String::new(), Some(FileProblem::Binary));
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                // A BOM is legal but invisible; drop it so columns on line 1 stay right.
                text.drain(..3);
            }
            (text, None)
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            (text, Some(FileProblem::NotUtf8 { offset }))
        }
    }
}

/// The text of a file that starts with a UTF-16 byte-order mark (as Windows editors save
/// "Unicode" files), decoded lossily without the mark.
fn utf16_text(bytes: &[u8]) -> Option<String> {
    let from: fn([u8; 2]) -> u16 = match bytes {
        [0xFF, 0xFE, ..] => u16::from_le_bytes,
        [0xFE, 0xFF, ..] => u16::from_be_bytes,
        _ => return None,
    };
    let units: Vec<u16> = bytes[2..]
        .chunks_exact(2)
        .map(|c| from([c[0], c[1]]))
        .collect();
    Some(String::from_utf16_lossy(&units).replace('\0', "\u{fffd}"))
}

fn io_message(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(40) => "too many levels of symbolic links (a symlink loop?)".into(),
        _ => match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".into(),
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            _ => e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_directories_and_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            read_text(dir.path()).1,
            Some(FileProblem::NotAFile("a directory"))
        );
        let missing = dir.path().join("nope.yaml");
        assert_eq!(
            read_text(&missing).1,
            Some(FileProblem::Io("no such file".into()))
        );
    }

    #[test]
    fn refuses_huge_files_unread() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.yaml");
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(100 * 1024 * 1024).unwrap();
        assert!(
            matches!(read_text(&p).1, Some(FileProblem::TooLarge { size }) if size == 100 * 1024 * 1024)
        );
    }

    #[test]
    fn finds_binary_and_bad_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("b.yaml");
        std::fs::write(&bin, b"id: x\0\x01").unwrap();
        assert_eq!(read_text(&bin).1, Some(FileProblem::Binary));
        let bad = dir.path().join("u.yaml");
        std::fs::write(&bad, b"id: ok\nname: \xff\xfe\n").unwrap();
        let (text, problem) = read_text(&bad);
        assert_eq!(problem, Some(FileProblem::NotUtf8 { offset: 13 }));
        assert!(text.starts_with("id: ok\nname: "));
    }

    #[test]
    fn utf16_is_an_encoding_problem_not_binary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.yaml");
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("id: x\n".encode_utf16().flat_map(u16::to_le_bytes));
        std::fs::write(&p, bytes).unwrap();
        let (text, problem) = read_text(&p);
        assert_eq!(problem, Some(FileProblem::NotUtf8 { offset: 0 }));
        assert_eq!(text, "id: x\n");
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.yaml");
        let b = dir.path().join("b.yaml");
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        let (_, problem) = read_text(&a);
        assert!(matches!(problem, Some(FileProblem::Io(m)) if m.contains("symlink loop")));
    }

    #[cfg(unix)]
    #[test]
    fn fifos_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pipe.yaml");
        let status = std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(
            read_text(&p).1,
            Some(FileProblem::NotAFile("not a regular file"))
        );
    }
}
