//! Fuzzing the scenario loader (issue 4): mutated and arbitrary scenario text
//! must never panic: it either loads (and then a few runs of it must play
//! without panicking) or is refused with a located error.
//!
//! `loader_never_panics` runs in CI (a few hundred cases). For a long
//! campaign: `FUZZ_SECONDS=600 cargo test --release --test it fuzz_campaign
//! -- --ignored --nocapture`, which mutates every shipped scenario and fixture
//! until the time is up and prints what it covered.

use std::path::Path;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tradewar::montecarlo::{Hooks, McConfig, run_batch};
use tradewar::scenario;

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
                    let tok = TOKENS[rng.random_range(0..TOKENS.len())];
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
                let tok = TOKENS[rng.random_range(0..TOKENS.len())];
                let at = rng.random_range(0..=lines[i].len());
                if lines[i].is_char_boundary(at) {
                    lines[i].insert_str(at, tok);
                }
            }
            5 => {
                // Replace the value after `=` with a random token.
                if let Some(eq) = lines[i].find('=') {
                    let tok = TOKENS[rng.random_range(0..TOKENS.len())];
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

#[test]
#[ignore = "long fuzzing campaign: set FUZZ_SECONDS"]
fn fuzz_campaign() {
    let secs: u64 = std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let corpus = corpus();
    let mut rng = ChaCha8Rng::seed_from_u64(std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let (mut cases, mut loaded) = (0u64, 0u64);
    while Instant::now() < deadline {
        for _ in 0..100 {
            let base = &corpus[rng.random_range(0..corpus.len())];
            let edits = rng.random_range(1..8);
            let text = mutate(base, &mut rng, edits);
            loaded += exercise(&text) as u64;
            cases += 1;
        }
    }
    println!("fuzz campaign: {cases} mutated scenarios in {secs} s, {loaded} loaded and ran, no panic");
}
