/*!
Ctrl-C (SIGINT) and SIGTERM, handled alike; and SIGXFSZ.

- Commands that run a batch poll a flag (`flag`): the first signal stops the
  batch within about a thousand runs per worker, the command writes nothing,
  its `OutputSet` removes its staging folder, and it exits 130.
- Commands that do not poll (`fit`, `validate`, ...) and any second signal:
  the handler (on ctrlc's own thread, not in signal context) removes every
  live staging folder and exits 130 at once.
- The switch of an output set (`OutputSet::commit`, and the recovery of a
  switch a killed run left half done) holds `live()`'s lock; the handler
  takes the same lock before it cleans up and exits, so a signal never stops
  a switch half way: the folder keeps the old set or gets the whole new one.
- SIGXFSZ (a file-size limit, `ulimit -f`) is ignored, so that a write past
  the limit fails with EFBIG and is reported like a full disk, instead of
  killing the process with temporary files left behind.

What SIGKILL or a power cut leaves (stale staging folders, a half-done
switch) the next `simulate` on that folder cleans up or finishes
(`OutputSet::open`).
*/

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::term;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Whether the running command polls `INTERRUPTED` (a batch is running).
static POLLED: AtomicBool = AtomicBool::new(false);
static LIVE: Mutex<Live> = Mutex::new(Live { staging: Vec::new(), replaced: Vec::new() });

/// What an exit on a signal must clean up, and what it must report.
pub(crate) struct Live {
    /// Staging folders of sets not yet committed.
    pub staging: Vec<PathBuf>,
    /// Output folders whose set was already switched in by this process.
    pub replaced: Vec<PathBuf>,
}

/// Install the handlers; called once, before any command runs.
pub(crate) fn install() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN has no preconditions.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let _ = ctrlc::set_handler(on_signal);
}

/// The flag a batch polls (`Hooks::cancel`). Asking for it makes the first
/// signal cooperative: the command stops and cleans up itself.
pub(crate) fn flag() -> &'static AtomicBool {
    POLLED.store(true, Ordering::SeqCst);
    &INTERRUPTED
}

pub(crate) fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// The cleanup registry, locked: held while a set is switched in.
pub(crate) fn live() -> MutexGuard<'static, Live> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The message of an interruption, true to what happened to the folders.
pub(crate) fn interrupted_message(what: &str, replaced: &[PathBuf]) -> String {
    match replaced {
        [] => format!("{what}; previous outputs were left untouched"),
        dirs => format!(
            "{what}, after the new outputs were in place in {}",
            dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn on_signal() {
    let first = !INTERRUPTED.swap(true, Ordering::SeqCst);
    if first && POLLED.load(Ordering::SeqCst) {
        return;
    }
    // Waits for a switch in progress; never released: the process exits.
    let live = live();
    for dir in &live.staging {
        remove_staging(dir);
    }
    let what = if first { "stopped" } else { "stopped at once (second signal)" };
    term::note(&format!("interrupted: {}", interrupted_message(what, &live.replaced)));
    std::process::exit(130);
}

pub(crate) fn remove_staging(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}
