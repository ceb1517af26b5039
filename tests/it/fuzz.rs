//! Fuzzing the loaders (issues 4 and 14): mutated and arbitrary text must
//! never panic: it either loads (and is then used a little: a scenario plays a
//! few runs, a history gives its postures, a sweep is prepared, shards are
//! merged and reported) or is refused with an error naming the file. The
//! loaders: scenario, sweep file, history, candidates file, shard file.
//!
//! The proptest cases run in CI (a few hundred for the scenario, fewer for
//! the loaders that go through files). For a long campaign:
//! `FUZZ_SECONDS=600 cargo test --release --test it fuzz_campaign -- --ignored
//! --nocapture`, which mutates every corpus until the time is up and prints
//! what it covered.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tradewar::calibrate::history;
use tradewar::montecarlo::{Hooks, McConfig, run_batch};
use tradewar::scenario::{self, Scenario};
use tradewar::sweep::{self, Input, Sweep, SweepSpec, shard};
use tradewar::tournament::candidates;

use crate::common::repo_path;

/// The corpus: every shipped scenario and every fixture.
fn corpus() -> Vec<String> {
    let mut texts = Vec::new();
    for dir in ["scenarios", "tests/fixtures"] {
        let mut files: Vec<_> = std::fs::read_dir(repo_path(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        texts.extend(files.iter().map(|f| std::fs::read_to_string(f).unwrap()));
    }
    texts
}

const TOKENS: &[&str] = &[
    "0",
    "-1",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "0.5",
    "1.0000001",
    "18446744073709551615",
    "9223372036854775807",
    "\"\"",
    "\"x\"",
    "[]",
    "[1]",
    "[1, 1]",
    "{}",
    "{ uniform = [1, 0] }",
    "{ normal = { mean = 0, sd = 0, min = 0, max = 0 } }",
    "true",
    "[[sides]]",
    "[[sides.levers]]",
    "[[events]]",
    "[outcomes]",
    "kind = \"suspension\"",
    "ladder = [0, 1]",
    "start = 1",
    "rounds = 1",
    "runs = 1",
    "=",
    "#",
    "\n",
    "\"\\u0000\"",
    "é",
    "\u{FFFF}",
    "[[",
    "]]",
];

/// Apply `n` random edits: replace a number or token, delete, duplicate or
/// swap lines, insert a token, truncate.
fn mutate(text: &str, rng: &mut impl Rng, n: usize) -> String {
    mutate_with(text, rng, n, TOKENS)
}

/// `mutate` with another token list (CSV, JSON).
fn mutate_with(text: &str, rng: &mut impl Rng, n: usize, tokens: &[&str]) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for _ in 0..n {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let i = rng.random_range(0..lines.len());
        match rng.random_range(0..7) {
            0 => {
                // Replace the first number on the line.
                let line = &lines[i];
                if let Some(start) = line.find(|c: char| c.is_ascii_digit()) {
                    let end = line[start..]
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
                        .map_or(line.len(), |e| start + e);
                    let tok = tokens[rng.random_range(0..tokens.len())];
                    lines[i] = format!("{}{}{}", &line[..start], tok, &line[end..]);
                }
            }
            1 => {
                lines.remove(i);
            }
            2 => {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            3 => {
                let j = rng.random_range(0..lines.len());
                lines.swap(i, j);
            }
            4 => {
                let tok = tokens[rng.random_range(0..tokens.len())];
                let at = rng.random_range(0..=lines[i].len());
                if lines[i].is_char_boundary(at) {
                    lines[i].insert_str(at, tok);
                }
            }
            5 => {
                // Replace the value after `=` with a random token.
                if let Some(eq) = lines[i].find('=') {
                    let tok = tokens[rng.random_range(0..tokens.len())];
                    lines[i] = format!("{}= {}", &lines[i][..eq], tok);
                }
            }
            _ => {
                let keep = rng.random_range(0..=lines.len());
                lines.truncate(keep);
            }
        }
    }
    lines.join("\n")
}

/// Load; if valid, play a few runs. Returns whether it loaded.
fn exercise(text: &str) -> bool {
    match scenario::parse(Path::new("fuzz.toml"), text) {
        Ok(sc) => {
            let cfg = McConfig { runs: 8, seed: 1 };
            run_batch(&sc, &cfg, &Hooks::default(), None).expect("a valid scenario runs");
            true
        }
        Err(e) => {
            let rendered = e.render();
            assert!(rendered.contains("fuzz.toml"), "error without the file name: {rendered}");
            false
        }
    }
}

const CSV_TOKENS: &[&str] = &[
    "0",
    "-1",
    "1e308",
    "nan",
    "inf",
    "",
    "\"",
    "\"\"",
    ",",
    ",,",
    "\"a,b\"",
    "#",
    "\n",
    "\r",
    "2025-02-30",
    "2025-13-01",
    "2025-02",
    "99999-01-01",
    "4294967296",
    "10001",
    "us",
    "china",
    "tariffs",
    "round",
    "value",
    "é",
    "\u{FFFF}",
    "\u{1b}[2J",
];

const JSON_TOKENS: &[&str] = &[
    "0",
    "-1",
    "1e308",
    "-1e308",
    "null",
    "true",
    "\"\"",
    "[]",
    "{}",
    "\"x\"",
    "18446744073709551615",
    "340282366920938463463374607431768211456",
    "-9223372036854775809",
    ",",
    ":",
    "[",
    "]",
    "{",
    "}",
    "\"",
];

/// Character-level edits, for text on one line (a shard's JSON): replace a
/// digit run or insert a token anywhere, delete a span, truncate.
fn mutate_chars(text: &str, rng: &mut impl Rng, n: usize, tokens: &[&str]) -> String {
    let mut t = text.to_string();
    for _ in 0..n {
        let boundary = |t: &str, rng: &mut dyn rand::Rng| {
            let mut i = rng.random_range(0..=t.len());
            while !t.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let at = boundary(&t, rng);
        match rng.random_range(0..4) {
            0 => {
                if let Some(start) = t[at..].find(|c: char| c.is_ascii_digit()).map(|i| at + i) {
                    let end = t[start..].find(|c: char| !c.is_ascii_digit()).map_or(t.len(), |e| start + e);
                    let tok = tokens[rng.random_range(0..tokens.len())];
                    t.replace_range(start..end, tok);
                }
            }
            1 => t.insert_str(at, tokens[rng.random_range(0..tokens.len())]),
            2 => {
                let mut end = boundary(&t, rng).clamp(at, (at + 40).min(t.len()));
                while !t.is_char_boundary(end) {
                    end -= 1;
                }
                t.replace_range(at..end, "");
            }
            _ => t.truncate(at),
        }
    }
    t
}

fn repo_text(rel: &str) -> String {
    std::fs::read_to_string(repo_path(rel)).unwrap()
}

/// The scenarios the history and candidates corpora are written against.
fn escalation() -> &'static Scenario {
    static SC: OnceLock<Scenario> = OnceLock::new();
    SC.get_or_init(|| scenario::load(&repo_path("scenarios/escalation-2025.toml")).unwrap())
}

fn classic_ipd() -> &'static Scenario {
    static SC: OnceLock<Scenario> = OnceLock::new();
    SC.get_or_init(|| scenario::load(&repo_path("scenarios/classic-ipd.toml")).unwrap())
}

/// A history: refused naming the file, or loaded and read from.
fn exercise_history(text: &str) -> bool {
    let sc = escalation();
    match history::parse(Path::new("fuzz.csv"), text, sc) {
        Ok(h) => {
            for side in 0..sc.sides.len() {
                let _ = h.postures(side);
                let _ = h.ambiguous_holds(sc, side);
                for t in 0..=h.rounds {
                    let _ = h.index(sc, t, side);
                    let _ = h.round_label(t);
                }
            }
            let _ = h.check_start(sc);
            true
        }
        Err(e) => {
            assert!(e.to_string().contains("fuzz.csv"), "error without the file name: {e}");
            false
        }
    }
}

const CANDIDATES: &[&str] = &[
    "[candidates]\nrow = [\n  { kind = \"generous_tit_for_tat\", generosity = 0.1 },\n  { kind = \"tit_for_tat\" },\n]\ncolumn = [{ kind = \"grim_trigger\" }, { kind = \"always_concede\" }]\n",
    "[candidates]\nrow = [{ kind = \"memory_one\", p_cc = 1, p_cd = 0, p_dc = 0, p_dd = 1 }]\ncolumn = [\n  { kind = \"random\", p = 0.5 },\n  { kind = \"win_stay_lose_shift\" },\n]\n",
];

/// A candidates file: refused naming the file, or loaded.
fn exercise_candidates(text: &str) -> bool {
    match candidates::parse_candidates(Path::new("fuzz.toml"), text, classic_ipd()) {
        Ok(_) => true,
        Err(e) => {
            assert!(e.render().contains("fuzz.toml"), "error without the file name: {}", e.render());
            false
        }
    }
}

/// A folder with busan.toml, for sweep files that name `busan.toml`.
fn fuzz_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("busan.toml"), repo_text("scenarios/busan.toml")).unwrap();
        d
    })
    .path()
}

fn sweep_corpus() -> Vec<String> {
    let mut v: Vec<String> = crate::common::toml_files("sweeps")
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap().replace("../scenarios/busan.toml", "busan.toml"))
        .collect();
    v.push("scenario = \"busan.toml\"\nruns = 3\n[[vary]]\npath = \"rounds\"\nvalues = [1, 2]\n".to_string());
    v
}

/// A sweep file: refused, or read, and prepared when its grid is small.
fn exercise_sweep(text: &str) -> bool {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let path = fuzz_dir().join(format!("sweep-{}.toml", N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
    std::fs::write(&path, text).unwrap();
    let read = sweep::read_input(&path);
    std::fs::remove_file(&path).unwrap();
    let spec = match read {
        Ok(Input::Sweep(spec)) => *spec,
        Ok(Input::Scenario { path, text }) => match SweepSpec::from_args(&path, text, &["sides.us.noise=0,0.1".into()])
        {
            Ok(spec) => spec,
            Err(_) => return false,
        },
        Err(_) => return false,
    };
    let points: usize = spec.vary.iter().map(|v| v.values.len().max(1)).product();
    if points <= 50 {
        let _ = Sweep::prepare(&spec);
    }
    true
}

/// A shard file of a small sweep, genuine.
fn shard_corpus() -> &'static str {
    static SHARD: OnceLock<String> = OnceLock::new();
    SHARD.get_or_init(|| {
        let path = repo_path("scenarios/busan.toml");
        let spec =
            SweepSpec::from_args(&path, repo_text("scenarios/busan.toml"), &["sides.us.noise=0,0.1".into()]).unwrap();
        let spec = SweepSpec { runs: Some(4), ..spec };
        let sweep = Sweep::prepare(&spec).unwrap();
        let pieces = sweep.pieces();
        let results = sweep::run_sweep(&sweep, &pieces, &Hooks::default()).unwrap();
        let s = shard::Shard::parse("1/1").unwrap();
        String::from_utf8(shard::shard_json(&sweep, s, &pieces, &results)).unwrap()
    })
}

/// A shard file: refused, or merged and reported.
fn exercise_shard(text: &str) -> bool {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir: PathBuf = fuzz_dir().join(format!("shards-{}", N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("shard-1-of-1.json"), text).unwrap();
    let merged = shard::merge(std::slice::from_ref(&dir));
    std::fs::remove_dir_all(&dir).unwrap();
    match merged {
        Ok(m) => {
            let report = tradewar::report::sweep::SweepReport::new(&m.sweep, &m.results);
            let _ = tradewar::report::sweep::sweep_csv(&report);
            true
        }
        Err(_) => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn loader_never_panics(seed in any::<u64>(), which in 0usize..1000, edits in 1usize..6) {
        let corpus = corpus();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let text = mutate(&corpus[which % corpus.len()], &mut rng, edits);
        exercise(&text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        exercise(&text);
    }
}

/// One mutated input for loader `k` (0 scenario, 1 history, 2 candidates,
/// 3 sweep, 4 shard); returns whether it loaded.
fn fuzz_one(k: usize, rng: &mut ChaCha8Rng, edits: usize) -> bool {
    match k {
        0 => {
            let corpus = corpus();
            let text = mutate(&corpus[rng.random_range(0..corpus.len())], rng, edits);
            exercise(&text)
        }
        1 => {
            let text = repo_text("data/us-china-2025.csv");
            let text = if rng.random_bool(0.7) {
                mutate_with(&text, rng, edits, CSV_TOKENS)
            } else {
                mutate_chars(&text, rng, edits, CSV_TOKENS)
            };
            exercise_history(&text)
        }
        2 => {
            let text = mutate(CANDIDATES[rng.random_range(0..CANDIDATES.len())], rng, edits);
            exercise_candidates(&text)
        }
        3 => {
            let corpus = sweep_corpus();
            let text = mutate(&corpus[rng.random_range(0..corpus.len())], rng, edits);
            exercise_sweep(&text)
        }
        _ => exercise_shard(&mutate_chars(shard_corpus(), rng, edits, JSON_TOKENS)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn history_and_candidates_loaders_never_panic(seed in any::<u64>(), edits in 1usize..6) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        fuzz_one(1, &mut rng, edits);
        fuzz_one(2, &mut rng, edits);
    }

    #[test]
    fn arbitrary_text_never_panics_the_history_and_candidates_loaders(text in "\\PC{0,300}") {
        exercise_history(&text);
        exercise_candidates(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

    #[test]
    fn sweep_and_shard_loaders_never_panic(seed in any::<u64>(), edits in 1usize..6) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        fuzz_one(3, &mut rng, edits);
        fuzz_one(4, &mut rng, edits);
    }
}

#[test]
#[ignore = "long fuzzing campaign: set FUZZ_SECONDS"]
fn fuzz_campaign() {
    let secs: u64 = std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let mut rng = ChaCha8Rng::seed_from_u64(std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let names = ["scenario", "history", "candidates", "sweep", "shard"];
    let (mut cases, mut loaded) = ([0u64; 5], [0u64; 5]);
    while Instant::now() < deadline {
        for i in 0..100 {
            let k = i % names.len();
            let edits = rng.random_range(1..8);
            loaded[k] += fuzz_one(k, &mut rng, edits) as u64;
            cases[k] += 1;
        }
    }
    for k in 0..names.len() {
        println!("fuzz campaign: {} mutated {} files, {} loaded, no panic", cases[k], names[k], loaded[k]);
    }
}
