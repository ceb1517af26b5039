/*!
Everything the binary prints goes through here: `print` for stdout (tables,
`--json`, `strategies`, `validate`, `playthrough`, `--list-params`) and
`note` for stderr (notes and errors).

- A closed pipe on stdout (`simulate strategies | head -1`) ends the program
  quietly with exit 0, as ripgrep does: `Failure::BrokenPipe`.
- Any other write error on stdout (a full disk, `> /dev/full`) is an error:
  a message on stderr and exit 1.
- Errors writing stderr are ignored: there is nowhere left to report them.
- Control characters (C0 but newline and tab, DEL, C1: escape sequences a
  scenario name, a lever unit or a file name could carry) are shown as
  `\u001b`, never sent raw to the terminal. In `--json` output this is the
  JSON escape of the same character, so the JSON still parses to the same
  strings.
*/

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{ErrorKind, Write};

use super::Failure;

/// Write `text` to stdout and flush it.
pub(crate) fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(sanitize(text).as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Err(Failure::BrokenPipe),
        Err(e) => Err(Failure::Runtime(anyhow::Error::new(e).context("cannot write to standard output"))),
    }
}

/// Write `line` and a newline to stderr, ignoring errors.
pub(crate) fn note(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", sanitize(line));
}

/// `text` with every control character but newline and tab written as
/// `\u00XX`.
pub(crate) fn sanitize(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.contains(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}
