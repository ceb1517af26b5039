/*!
The one way input files are read: regular files only, up to a size limit.

A scenario, sweep, history, candidates or shard file is read through
`read_bounded`, which refuses a directory, a FIFO, a device or a socket before
opening it (so `/dev/zero` or a named pipe can neither fill memory nor block),
checks the size, and reads at most `limit + 1` bytes, so a file that grows
while it is read cannot exceed the limit either. The limits are documented in
docs/reliability.md.
*/

use std::fmt;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

/// Largest text input (scenario, sweep, history, candidates file).
pub const MAX_TEXT_BYTES: u64 = 16 << 20;
/// Largest shard file (a scenario's text plus each point's totals).
pub const MAX_SHARD_BYTES: u64 = 256 << 20;

/// Why an input file could not be read.
#[derive(Debug)]
pub enum InputError {
    NotFound,
    PermissionDenied,
    Directory,
    /// Not a regular file: "a FIFO", "a character device", ...
    NotRegular(&'static str),
    TooLarge {
        limit: u64,
    },
    Io(std::io::Error),
}

impl InputError {
    fn from_io(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::NotFound => InputError::NotFound,
            std::io::ErrorKind::PermissionDenied => InputError::PermissionDenied,
            _ => InputError::Io(e),
        }
    }

    /// The message for a `what` file ("scenario", "history", ...):
    /// "cannot read history: no such file", "is a directory, not a scenario file".
    pub fn describe(&self, what: &str) -> String {
        match self {
            InputError::Directory => format!("is a directory, not a {what} file"),
            InputError::NotRegular(kind) => format!("is {kind}, not a {what} file: only regular files are read"),
            InputError::TooLarge { limit } => {
                format!("{what} file is larger than {}, the limit for {what} files", human_bytes(*limit))
            }
            other => format!("cannot read {what}: {other}"),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::NotFound => f.write_str("no such file"),
            InputError::PermissionDenied => f.write_str("permission denied"),
            InputError::Directory => f.write_str("is a directory"),
            InputError::NotRegular(kind) => write!(f, "is {kind}, not a regular file"),
            InputError::TooLarge { limit } => write!(f, "larger than the limit of {}", human_bytes(*limit)),
            InputError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for InputError {}

/// "16 MiB".
pub fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// Read a regular file of at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    // Check before opening: opening a FIFO for reading blocks.
    check(&std::fs::metadata(path).map_err(InputError::from_io)?, limit)?;
    let file = File::open(path).map_err(InputError::from_io)?;
    check(&file.metadata().map_err(InputError::from_io)?, limit)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(InputError::from_io)?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge { limit });
    }
    Ok(bytes)
}

fn check(meta: &Metadata, limit: u64) -> Result<(), InputError> {
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(InputError::Directory);
    }
    if !kind.is_file() {
        return Err(InputError::NotRegular(special_kind(&kind)));
    }
    if meta.len() > limit {
        return Err(InputError::TooLarge { limit });
    }
    Ok(())
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "not a regular file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_devices_directories_and_large_files() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(read_bounded(dir.path(), 10), Err(InputError::Directory)));
        assert!(matches!(read_bounded(&dir.path().join("missing"), 10), Err(InputError::NotFound)));
        #[cfg(unix)]
        assert!(matches!(read_bounded(Path::new("/dev/zero"), 10), Err(InputError::NotRegular("a character device"))));
        let f = dir.path().join("f");
        std::fs::write(&f, b"0123456789").unwrap();
        assert_eq!(read_bounded(&f, 10).unwrap(), b"0123456789");
        assert!(matches!(read_bounded(&f, 9), Err(InputError::TooLarge { limit: 9 })));
        assert_eq!(human_bytes(16 << 20), "16 MiB");
    }
}
