/*!
Library errors. Each boundary has its own type and every message carries the
offending input: a scenario error knows its file, its byte span and the source
text, so it can be rendered the way cargo and rustc render theirs.
*/

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Any error the library can return.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Sweep(#[from] SweepError),
    #[error(transparent)]
    Leverage(#[from] LeverageError),
    #[error("run interrupted after {done} of {total} runs")]
    Interrupted { done: u64, total: u64 },
    #[error("cannot start the thread pool: {0}")]
    ThreadPool(String),
}

/// A problem with a scenario file: where it is and what is wrong.
#[derive(Debug, Clone)]
pub struct ScenarioError {
    pub path: PathBuf,
    /// The whole file, for rendering the offending line. Empty when unreadable.
    pub source: Arc<str>,
    /// Byte range of the offending text, when there is one.
    pub span: Option<Range<usize>>,
    pub message: String,
    /// A short note under the message ("expected one of ...", "did you mean ...").
    pub help: Option<String>,
}

impl ScenarioError {
    pub fn new(path: &Path, source: &Arc<str>, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        ScenarioError { path: path.to_path_buf(), source: source.clone(), span, message: message.into(), help: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// 1-based line and column of the span start, if there is a span.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let span = self.span.as_ref()?;
        let start = span.start.min(self.source.len());
        let before = &self.source[..floor_char_boundary(&self.source, start)];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Some((line, col))
    }

    /// The rustc-style rendering: message, `--> file:line:col`, the line and a caret.
    pub fn render(&self) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
        let path = self.path.display().to_string();
        let title = Level::ERROR.primary_title(self.message.as_str());
        let mut group: Group = match &self.span {
            Some(span) if !self.source.is_empty() => {
                let span = clamp_span(&self.source, span.clone());
                title.element(
                    Snippet::source(&*self.source)
                        .path(path.as_str())
                        .annotation(AnnotationKind::Primary.span(span).label("here")),
                )
            }
            _ => title.element(Origin::path(path.as_str())),
        };
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        Renderer::plain().render(&[group]).to_string()
    }
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line_col() {
            Some((l, c)) => write!(f, "{}:{}:{}: {}", self.path.display(), l, c, self.message)?,
            None => write!(f, "{}: {}", self.path.display(), self.message)?,
        }
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn clamp_span(src: &str, span: Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(src, span.start.min(src.len()));
    let mut end = span.end.clamp(start, src.len());
    while end < src.len() && !src.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// A problem while writing outputs.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("cannot draw chart {path}: {message}")]
    Chart { path: PathBuf, message: String },
    #[error("cannot write CSV {path}: {message}")]
    Csv { path: PathBuf, message: String },
    /// An output file read back (`simulate report`) is not as written.
    #[error("cannot read {path}: {message}")]
    Read { path: PathBuf, message: String },
}

/// A problem with a sweep: its parameters, its values, its shards.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("no parameter to vary: give --vary PATH=VALUES (e.g. --vary sides.us.noise=0:0.1:11), or a sweep file")]
    NoParams,
    #[error("--vary `{arg}`: expected PATH=VALUES, e.g. sides.us.noise=0:0.1:11 or sides.us.noise=0,0.05,0.2")]
    VaryArg { arg: String },
    #[error("unknown parameter `{path}`\n  nearest: {}\n  all: simulate sweep SCENARIO --list-params", .nearest.join(", "))]
    UnknownPath { path: String, nearest: Vec<String> },
    #[error("`{path}` is varied twice (as `{first}` and `{second}`)")]
    DuplicatePath { path: String, first: String, second: String },
    #[error("values of `{path}` (`{spec}`): {reason}")]
    Values { path: String, spec: String, reason: String },
    #[error("{count} parameters varied; at most {max} are allowed")]
    TooManyParams { count: usize, max: usize },
    #[error("the grid is too large: {sizes} = {points} points; at most {max} are allowed")]
    TooLarge { sizes: String, points: u128, max: usize },
    #[error("the point {point} is not a valid scenario: {message}")]
    InvalidPoint { point: String, message: String },
    #[error("--shard `{spec}`: {reason}")]
    ShardSpec { spec: String, reason: String },
    #[error("no shard files (shard-K-of-N.json) in {dirs}")]
    NoShards { dirs: String },
    #[error("cannot read shard file {path}: {message}")]
    ShardFile { path: PathBuf, message: String },
    #[error("{path} was written by simulate {theirs}; this is simulate {ours}: rerun the shards with one version")]
    ShardVersion { path: PathBuf, theirs: String, ours: String },
    #[error("{path} belongs to a different sweep than {other}: {what}")]
    ShardMismatch { path: PathBuf, other: PathBuf, what: String },
    #[error("shard {index} of {count} is given twice: {first} and {second}")]
    DuplicateShard { index: usize, count: usize, first: PathBuf, second: PathBuf },
    #[error("missing shard{} {missing} of {count}: every shard from 1 to {count} is needed exactly once", if .missing.contains(',') { "s" } else { "" })]
    MissingShards { missing: String, count: usize },
}

/// Why the levers of a side cannot be valued (`simulate leverage`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LeverageError {
    #[error(
        "side `{side}` has {levers} levers; exact Shapley values need 2^n variants per run and are computed for at most {max}"
    )]
    TooManyLevers { side: String, levers: usize, max: usize },
    #[error("unknown side `{side}` (sides: {known})")]
    UnknownSide { side: String, known: String },
}
