/*!
Output folders. Every command that writes files goes through `OutputSet`, so
that a folder holds the complete previous set of a command's outputs or the
complete new one, never a mix, whatever happens (full disk, file-size limit,
Ctrl-C, a second Ctrl-C, other `simulate`s writing to the same folder, a
crash).

1. `OutputSet::open` creates the folder and, under the folder's lock (an
   advisory `flock` on the folder itself, held only for a moment), finishes a
   switch that a killed run left half done (the journal `.simulate-commit`),
   removes the staging folders of dead runs, and makes this run's own staging
   folder `.simulate-staging-PID-N-X`, locked for as long as the run lives (so
   that no other run takes it for a dead one's).
2. `add`, `add_chart`, `add_charts` and `stream` (for `runs.csv`) stage each
   file there, synced: inside the output folder, on the same filesystem, so
   the switch is renames only. Nothing visible changes while a run works, so
   any number of runs may work on one folder at once (the shards of a sweep
   do).
3. `commit` takes the folder's lock again (waiting for another run's switch to
   end) and switches the set in: the new manifest is written into the staging
   folder, which is then renamed to `.simulate-commit`. That rename is the
   commit point: before it the folder holds the previous set; after it the
   new set wins. Then each file is renamed into place, the command's previous
   files that the new set lacks are removed, the manifest replaces
   `.simulate-manifest`, and the journal is removed. A signal waits for the
   switch to finish (`signals`). If the process is killed inside the switch
   (SIGKILL, a power cut), the next `simulate` on the folder finishes it
   before anything else. Concurrent runs of one command thus end with the
   complete set of whichever switched last.

The manifest (`.simulate-manifest`) lists, per command (`run`, `sweep`,
`shard-K-of-N`, `tournament`, `fit`, `backtest`), the files it last wrote,
with their size and FNV-1a hash. Only files listed there are ever removed:
files the tool did not write are never touched.
*/

use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, anyhow};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tradewar::Error;
use tradewar::montecarlo::{self, Hooks};
use tradewar::report::chart;
use tradewar::scenario::Scenario;

use super::provenance::{self, Provenance};
use super::{Failure, signals, term};
use crate::cli::{BatchArgs, OutputArgs};

/// The manifest of the files simulate wrote in a folder.
pub(crate) const MANIFEST: &str = ".simulate-manifest";
/// A set being switched in (a commit in progress, or cut short).
const JOURNAL: &str = ".simulate-commit";
const STAGING: &str = ".simulate-staging-";
const OURS: &str = ".simulate-";
const MANIFEST_HEADER: &str =
    "# simulate output manifest 1: set, file, bytes, FNV-1a 64 of each file simulate wrote here (docs/reliability.md)";
/// Temporary files of `write_atomic` (or of older versions) are removed once
/// this old: a live one lasts milliseconds.
const STALE_AFTER: Duration = Duration::from_secs(60);
/// On a filesystem without `flock`, where a live run's staging folder cannot
/// be told from a dead one's, staging folders are removed once this old.
const STALE_STAGING_UNLOCKED: Duration = Duration::from_secs(7 * 24 * 3600);
/// Allowance per worker thread beyond its batches (stack, allocator arena),
/// for `check_memory`.
const PER_THREAD_BYTES: u64 = 64 << 20;

/// `--out`, or `output/<stem><suffix>` with the stem made a plain folder name.
pub(crate) fn out_dir(args: &OutputArgs, stem: &str, suffix: &str) -> PathBuf {
    args.out.clone().unwrap_or_else(|| Path::new("output").join(format!("{}{suffix}", folder_name(stem))))
}

/// A scenario's file stem as one plain folder name: control characters and
/// path separators become `_`, leading dots go (no `.`, `..` or hidden
/// folder), nothing left becomes `scenario`; at most 200 bytes.
pub(crate) fn folder_name(stem: &str) -> String {
    let cleaned: String = stem.chars().map(|c| if c.is_control() || c == '/' || c == '\\' { '_' } else { c }).collect();
    let mut name = cleaned.trim_start_matches('.').trim().to_string();
    if name.is_empty() {
        name = "scenario".to_string();
    }
    while name.len() > 200 {
        name.pop();
    }
    name
}

/// The chart formats asked for, with their file extensions: PNG unless
/// `--no-charts`, SVG with `--svg`.
pub(crate) fn chart_formats(args: &OutputArgs) -> Vec<(chart::Format, &'static str)> {
    let mut formats = Vec::new();
    if !args.no_charts {
        formats.push((chart::Format::Png, "png"));
    }
    if args.svg {
        formats.push((chart::Format::Svg, "svg"));
    }
    formats
}

/// Refuse a batch that cannot get the memory it will need, before anything
/// is written: an allocation failing later would abort the process.
pub(crate) fn check_memory(sc: &Scenario, batch: &BatchArgs) -> Result<(), Failure> {
    let threads = match batch.threads() {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    let needs = montecarlo::memory_estimate(sc, threads).saturating_add(threads as u64 * PER_THREAD_BYTES);
    let mut probe: Vec<u8> = Vec::new();
    probe.try_reserve_exact(usize::try_from(needs).unwrap_or(usize::MAX)).map_err(|_| {
        Failure::Runtime(anyhow!(
            "not enough memory for {} rounds of `{}` on {threads} thread{} (needs ~{} MB): use fewer rounds or --threads",
            sc.rounds,
            sc.id,
            if threads == 1 { "" } else { "s" },
            needs.div_ceil(1 << 20)
        ))
    })
}

/// Run `work` on the `--threads` pool with a progress bar over `total` runs
/// (hidden when quiet or when stderr is not a terminal) and the interrupt
/// flag; returns its result and how long it took.
pub(crate) fn parallel<T: Send>(
    label: &str,
    total: u64,
    batch: &BatchArgs,
    quiet: bool,
    work: impl FnOnce(&Hooks) -> Result<T, Error> + Send,
) -> Result<(T, Duration), Failure> {
    let progress = progress_bar(total, label, quiet);
    let tick = |n: u64| progress.inc(n);
    let hooks = Hooks { progress: Some(&tick), cancel: Some(signals::flag()) };
    let started = Instant::now();
    let result = montecarlo::with_threads(batch.threads(), || work(&hooks))?;
    progress.finish_and_clear();
    Ok((result?, started.elapsed()))
}

fn progress_bar(total: u64, message: &str, quiet: bool) -> ProgressBar {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(10));
    let width = terminal_size::terminal_size_of(std::io::stderr()).map_or(80, |(w, _)| usize::from(w.0));
    pb.set_style(
        ProgressStyle::with_template(&progress_template(width)).expect("valid template").progress_chars("=> "),
    );
    pb.set_message(term::sanitize(message).into_owned());
    pb
}

/// The progress bar's layout for a terminal `width` columns wide: the label
/// (`wide_msg`) takes what the counts, the bar and the ETA leave and is cut
/// to fit, so that the line never wraps (which would break it mid-number).
/// Counts take at most 2 × 14 columns (10^10 runs, grouped by thousands).
pub(crate) fn progress_template(width: usize) -> String {
    if width >= 70 {
        let bar = (width / 4).clamp(10, 40);
        format!("{{spinner}} {{wide_msg}} [{{bar:{bar}}}] {{human_pos}}/{{human_len}} runs · ETA {{eta}}")
    } else if width >= 30 {
        "{spinner} [{wide_bar}] {percent:>3}% · ETA {eta}".to_string()
    } else {
        "[{wide_bar}]".to_string()
    }
}

/// One command's outputs in one folder, staged and then switched in whole.
pub(crate) struct OutputSet {
    dir: PathBuf,
    /// The command's key in the manifest.
    set: String,
    staging: PathBuf,
    files: Vec<Entry>,
    quiet: bool,
    committed: bool,
    /// What made the set, for `provenance.json`.
    provenance: Provenance,
    /// Held while the run lives: its staging folder is not a dead run's.
    _staging_lock: Lock,
}

impl OutputSet {
    /// Create `dir`, finish or clean what dead runs left there, and start
    /// staging the set `set`.
    pub(crate) fn open(dir: &Path, set: &str, quiet: bool) -> Result<OutputSet, Failure> {
        if dir.exists() && !dir.is_dir() {
            return Err(Failure::Input(anyhow!("output path {} exists and is not a folder", dir.display())));
        }
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create output folder {}", dir.display()))
            .map_err(Failure::Input)?;
        let cannot_write =
            |e: anyhow::Error| Failure::Input(e.context(format!("cannot write in output folder {}", dir.display())));
        let _folder = Lock::wait(dir).map_err(|e| cannot_write(e.into()))?;
        recover(dir).map_err(cannot_write)?;
        // Unique among the runs of every machine sharing the folder.
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let staging =
            dir.join(format!("{STAGING}{}-{}-{nanos:08x}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
        // Registered first, so that a signal from now on removes it.
        let mut live = signals::live();
        live.staging.push(staging.clone());
        let made = fs::create_dir(&staging).and_then(|()| {
            Lock::try_take(&staging)?.ok_or_else(|| std::io::Error::other("its new staging folder is locked"))
        });
        let staging_lock = match made {
            Ok(lock) => lock,
            Err(e) => {
                live.staging.pop();
                let _ = fs::remove_dir(&staging);
                return Err(cannot_write(e.into()));
            }
        };
        drop(live);
        Ok(OutputSet {
            dir: dir.to_path_buf(),
            set: set.to_string(),
            staging,
            files: Vec::new(),
            quiet,
            committed: false,
            provenance: Provenance::new(),
            _staging_lock: staging_lock,
        })
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Say what made the set: `provenance.json` records it at the commit.
    pub(crate) fn provenance(&mut self, p: Provenance) {
        self.provenance = p;
    }

    /// The set's record in `provenance.json` as the commit will write it,
    /// once the files `extra` are staged too (for report.html); the date is
    /// pinned so that both say the same.
    pub(crate) fn provenance_record(&mut self, extra: &[&str]) -> serde_json::Value {
        self.provenance.pin_date();
        let mut names: Vec<String> = self.files.iter().map(|f| f.name.clone()).collect();
        names.extend(extra.iter().map(|s| s.to_string()));
        self.provenance.record(&names)
    }

    /// Where `name` will be: the path messages show.
    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The failure of writing `name`.
    pub(crate) fn write_error(&self, name: &str, e: impl Into<anyhow::Error>) -> Failure {
        Failure::Runtime(e.into().context(format!("cannot write {}", self.path(name).display())))
    }

    /// Stage a file.
    pub(crate) fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), Failure> {
        let mut s = self.stream(name)?;
        s.write_all(bytes).map_err(|e| self.write_error(name, e))?;
        self.add_stream(s)
    }

    /// Stage a rendered chart, or fail naming it.
    pub(crate) fn add_chart(&mut self, name: &str, rendered: Result<Vec<u8>, String>) -> Result<(), Failure> {
        let bytes = rendered.map_err(|message| {
            Failure::Runtime(tradewar::error::ReportError::Chart { path: self.path(name), message }.into())
        })?;
        self.add(name, &bytes)
    }

    /// Stage charts that come named, or fail naming the folder.
    pub(crate) fn add_charts(&mut self, rendered: Result<Vec<(String, Vec<u8>)>, String>) -> Result<(), Failure> {
        let charts = rendered.map_err(|message| {
            Failure::Runtime(tradewar::error::ReportError::Chart { path: self.dir.clone(), message }.into())
        })?;
        for (name, bytes) in charts {
            self.add(&name, &bytes)?;
        }
        Ok(())
    }

    /// A file to write progressively (`runs.csv`); stage it with `add_stream`.
    pub(crate) fn stream(&self, name: &str) -> Result<Stream, Failure> {
        if signals::interrupted() {
            return Err(Failure::Interrupted(signals::interrupted_message("stopped", &[])));
        }
        if !plain_name(name) || self.files.iter().any(|f| f.name == name) {
            return Err(Failure::Runtime(anyhow!("internal: output name `{name}` is not a plain, new file name")));
        }
        let file = create_new(&self.staging.join(name)).map_err(|e| self.write_error(name, e))?;
        Ok(Stream { name: name.to_string(), file, bytes: 0, hash: FNV_OFFSET })
    }

    /// Flush a streamed file to disk and add it to the set.
    pub(crate) fn add_stream(&mut self, mut s: Stream) -> Result<(), Failure> {
        s.file.flush().and_then(|()| s.file.sync_all()).map_err(|e| self.write_error(&s.name, e))?;
        self.files.push(Entry { set: self.set.clone(), name: s.name, bytes: s.bytes, hash: s.hash });
        if signals::interrupted() {
            return Err(Failure::Interrupted(signals::interrupted_message("stopped", &[])));
        }
        Ok(())
    }

    /// Switch the staged set in (module docs).
    pub(crate) fn commit(mut self) -> Result<Written, Failure> {
        let dir = self.dir.clone();
        let fail =
            |e: anyhow::Error| Failure::Runtime(e.context(format!("cannot replace the outputs in {}", dir.display())));
        // Switches of concurrent runs take turns; a few milliseconds each.
        let _folder = Lock::wait(&dir).map_err(|e| fail(e.into()))?;
        let journal = dir.join(JOURNAL);
        if fs::symlink_metadata(&journal).is_ok() {
            // A switch a killed run left half done: finish it first.
            let _live = signals::live();
            roll_forward(&dir, &journal).map_err(fail)?;
        }
        // provenance.json: this set's record, beside those of the folder's
        // other sets (read under the lock, so no record is lost).
        let old = read_manifest(&dir.join(MANIFEST));
        let mut names: Vec<String> = self.files.iter().map(|f| f.name.clone()).collect();
        let mut alive: Vec<String> = old
            .iter()
            .filter(|e| e.set != self.set && !names.contains(&e.name) && e.name != provenance::FILE)
            .map(|e| e.set.clone())
            .collect();
        alive.sort();
        alive.dedup();
        let previous = old
            .iter()
            .any(|e| e.name == provenance::FILE)
            .then(|| tradewar::input::read_bounded(&dir.join(provenance::FILE), 1 << 20).ok())
            .flatten();
        let record = provenance::merged(previous.as_deref(), &self.set, &self.provenance, &names, &alive);
        self.add(provenance::FILE, record.as_bytes())?;
        names.push(provenance::FILE.to_string());
        let mut entries: Vec<Entry> =
            old.into_iter().filter(|e| e.set != self.set && !names.contains(&e.name)).collect();
        entries.extend(self.files.iter().cloned());
        write_synced(&self.staging.join(MANIFEST), manifest_text(&entries).as_bytes()).map_err(fail)?;
        sync_dir(&self.staging).map_err(|e| fail(e.into()))?;

        let mut live = signals::live();
        if signals::interrupted() {
            drop(live);
            return Err(Failure::Interrupted(signals::interrupted_message("stopped", &[])));
        }
        if let Err(e) = fs::rename(&self.staging, &journal) {
            drop(live);
            return Err(fail(e.into()));
        }
        // The commit point: from here on the new set wins.
        live.staging.retain(|p| p != &self.staging);
        self.committed = true;
        let switched = sync_dir(&dir).map_err(anyhow::Error::from).and_then(|()| roll_forward(&dir, &journal));
        if switched.is_ok() {
            live.replaced.push(dir.clone());
        }
        drop(live);
        switched.map_err(|e| {
            Failure::Runtime(e.context(format!(
                "the new outputs are committed in {} but not all in place: the next simulate on this folder finishes the switch",
                dir.display()
            )))
        })?;
        Ok(Written { dir: dir.clone(), names, quiet: self.quiet, elsewhere: Vec::new() })
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        if !self.committed {
            let mut live = signals::live();
            signals::remove_staging(&self.staging);
            live.staging.retain(|p| p != &self.staging);
        }
    }
}

/// A staged file written progressively; it hashes what it writes.
pub(crate) struct Stream {
    name: String,
    file: File,
    bytes: u64,
    hash: u64,
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.bytes += n as u64;
        self.hash = fnv1a(self.hash, &buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// What a committed set wrote, for the summary line.
pub(crate) struct Written {
    dir: PathBuf,
    names: Vec<String>,
    quiet: bool,
    /// Files written outside the folder (`--write-scenario`).
    elsewhere: Vec<PathBuf>,
}

impl Written {
    /// Also name a file written outside the folder (`--write-scenario`).
    pub(crate) fn also(&mut self, path: &Path) {
        self.elsewhere.push(path.to_path_buf());
    }

    /// The summary line on stderr, unless `--quiet`: "WORK; wrote FILES in
    /// DIR", or "wrote FILES in DIR"; then "and PATH" for a file written
    /// elsewhere.
    pub(crate) fn report(&self, work: Option<&str>) {
        if self.quiet {
            return;
        }
        let mut wrote = format!("wrote {} in {}", self.names.join(", "), self.dir.display());
        for path in &self.elsewhere {
            wrote.push_str(&format!("; wrote {}", path.display()));
        }
        term::note(&match work {
            Some(w) => format!("{w}; {wrote}"),
            None => wrote,
        });
    }
}

/// Print a command's results on stdout: the JSON document with `--json`,
/// else the text unless `--quiet`.
pub(crate) fn show(
    args: &OutputArgs,
    text: impl FnOnce() -> String,
    json: impl FnOnce() -> String,
) -> Result<(), Failure> {
    if args.json {
        term::print(&json())
    } else if args.quiet {
        Ok(())
    } else {
        term::print(&text())
    }
}

/// "N runs in S s (R runs/s)".
pub(crate) fn runs_done(runs: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = (runs as f64 / secs.max(1e-9)).round() as u64;
    format!("{} in {secs:.2} s ({} runs/s)", tradewar::fmt::count_of(runs, "run"), tradewar::fmt::count(rate))
}

/// An exclusive advisory lock (`flock`) on a folder, held while the value
/// lives. On a filesystem without `flock` (some network mounts) it is a
/// no-op: `simulate` goes on unlocked rather than refuse to write at all.
struct Lock {
    _handle: File,
    /// Whether the filesystem took the lock.
    held: bool,
}

impl Lock {
    /// Wait for the lock.
    fn wait(dir: &Path) -> std::io::Result<Lock> {
        Lock::take(dir, true).map(|l| l.expect("a blocking lock is taken"))
    }

    /// Take the lock if nobody holds it.
    fn try_take(dir: &Path) -> std::io::Result<Option<Lock>> {
        Lock::take(dir, false)
    }

    fn take(dir: &Path, wait: bool) -> std::io::Result<Option<Lock>> {
        let handle = File::open(dir)?;
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            let op = if wait { libc::LOCK_EX } else { libc::LOCK_EX | libc::LOCK_NB };
            loop {
                // SAFETY: flock on a descriptor this value owns; released when it closes.
                if unsafe { libc::flock(handle.as_raw_fd(), op) } == 0 {
                    return Ok(Some(Lock { _handle: handle, held: true }));
                }
                let e = std::io::Error::last_os_error();
                match e.kind() {
                    std::io::ErrorKind::Interrupted => continue,
                    std::io::ErrorKind::WouldBlock => return Ok(None),
                    _ => return Ok(Some(Lock { _handle: handle, held: false })),
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = wait;
            Ok(Some(Lock { _handle: handle, held: false }))
        }
    }
}

/// One line of the manifest.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    set: String,
    name: String,
    bytes: u64,
    hash: u64,
}

fn manifest_text(entries: &[Entry]) -> String {
    let mut text = format!("{MANIFEST_HEADER}\n");
    for e in entries {
        text.push_str(&format!("{}\t{}\t{}\t{:016x}\n", e.set, e.name, e.bytes, e.hash));
    }
    text
}

/// The entries of a manifest; a missing or damaged one has none (so nothing
/// is ever removed on its word). Lines that are not plain names are skipped.
fn read_manifest(path: &Path) -> Vec<Entry> {
    let Ok(bytes) = tradewar::input::read_bounded(path, 1 << 20) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut f = l.split('\t');
            let (set, name, bytes, hash) = (f.next()?, f.next()?, f.next()?, f.next()?);
            (plain_name(set) && plain_name(name) && f.next().is_none()).then_some(())?;
            Some(Entry {
                set: set.to_string(),
                name: name.to_string(),
                bytes: bytes.parse().ok()?,
                hash: u64::from_str_radix(hash, 16).ok()?,
            })
        })
        .collect()
}

/// A file name with no path in it, not one of simulate's own.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.starts_with(OURS)
        && !name.contains(['/', '\\', '\t', '\n', '\r', '\0'])
}

/// Finish a switch: move the journal's files into place, remove the files
/// the old manifest lists and the new one does not, install the manifest.
/// Idempotent: a switch cut short at any point is finished by running it again.
fn roll_forward(dir: &Path, journal: &Path) -> anyhow::Result<()> {
    let manifest = journal.join(MANIFEST);
    if manifest.exists() {
        let new = read_manifest(&manifest);
        let old = read_manifest(&dir.join(MANIFEST));
        for e in &new {
            let from = journal.join(&e.name);
            if fs::symlink_metadata(&from).is_ok() {
                fs::rename(&from, dir.join(&e.name)).with_context(|| format!("cannot move {} into place", e.name))?;
            }
        }
        for gone in old.iter().filter(|o| !new.iter().any(|e| e.name == o.name)) {
            let path = dir.join(&gone.name);
            if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                fs::remove_file(&path).with_context(|| format!("cannot remove the previous {}", gone.name))?;
            }
        }
        fs::rename(&manifest, dir.join(MANIFEST)).context("cannot install the manifest")?;
        sync_dir(dir)?;
    }
    fs::remove_dir_all(journal).context("cannot remove the journal")?;
    Ok(())
}

/// Under the folder's lock: finish a switch a dead run left half done, and
/// remove what dead runs left (staging folders nobody holds; old temporary
/// files).
fn recover(dir: &Path) -> anyhow::Result<()> {
    let _live = signals::live();
    let journal = dir.join(JOURNAL);
    if fs::symlink_metadata(&journal).is_ok_and(|m| m.is_dir()) {
        roll_forward(dir, &journal)?;
    }
    let age = |meta: &fs::Metadata| meta.modified().ok().and_then(|m| SystemTime::now().duration_since(m).ok());
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !name.starts_with(OURS) || name == MANIFEST || name == JOURNAL {
            continue;
        }
        let Ok(meta) = fs::symlink_metadata(entry.path()) else { continue };
        if meta.is_dir() && name.starts_with(STAGING) {
            // A live run holds its staging folder's lock.
            let dead = match Lock::try_take(&entry.path()) {
                Ok(Some(lock)) if lock.held => true,
                Ok(Some(_)) => age(&meta) > Some(STALE_STAGING_UNLOCKED),
                Ok(None) | Err(_) => false,
            };
            if dead {
                fs::remove_dir_all(entry.path()).with_context(|| format!("cannot remove stale {name}"))?;
            }
        } else if meta.is_file() && age(&meta) > Some(STALE_AFTER) {
            fs::remove_file(entry.path()).with_context(|| format!("cannot remove stale {name}"))?;
        }
    }
    Ok(())
}

fn create_new(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o644);
    }
    options.open(path)
}

fn write_synced(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut f = BufWriter::new(create_new(path)?);
    f.write_all(bytes)?;
    f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(())
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}
