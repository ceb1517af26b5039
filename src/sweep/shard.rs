/*!
Shards: a sweep split across machines, and merged back exactly.

A sweep's work is its points' runs, cut into pieces: point by point, each
point's runs in `B` blocks as equal as can be, where `B = ⌈N/points⌉` (so `B`
is 1, and a piece is a whole point, while there are at least as many points
as shards). Shard `K/N` plays the pieces `K−1, K−1+N, K−1+2N, …` (every N-th,
so that slow and fast regions of the grid spread over the shards): with
`N ≤ points`, every N-th point; with more shards than points, blocks of runs,
so a one-parameter sweep can use more machines than it has points. Run `k` of
a point draws the same random numbers wherever it is played
(`montecarlo::run_range`).

A shard writes `shard-K-of-N.json`: the scenario's text, the sweep (paths,
labels, values as exact decimals), runs, seed, simulate's version, a
fingerprint of all of these, each piece's integer totals, and a digest
(SHA-256) of everything else in the file. `merge` accepts the files only if
each matches its digest (so an edited total is caught, not merged) and they
make exactly one whole sweep: the same fingerprint, the same N, every K from 1
to N exactly once, each holding exactly its pieces. Because the totals are
integers, adding a point's pieces is exact, and the outputs are the ones an
unsharded run writes, byte for byte.
*/

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::values::fmt_value;
use super::{MAX_POINTS, Piece, PointResult, Sweep, SweepError, SweepSpec, Vary, stem};
use crate::error::Error;
use crate::sha256::hex as sha256_hex;
use crate::totals::Totals;

const FORMAT: &str = "simulate-sweep-shard";
const FORMAT_VERSION: u32 = 4;
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Shard `index` (1-based) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// `K/N`, with 1 ≤ K ≤ N.
    pub fn parse(spec: &str) -> Result<Shard, SweepError> {
        let bad = |reason: &str| SweepError::ShardSpec { spec: spec.to_string(), reason: reason.to_string() };
        let (k, n) = spec.split_once('/').ok_or_else(|| bad("expected K/N, e.g. 3/16 for the third of 16 shards"))?;
        let parse = |s: &str| s.trim().parse::<usize>().ok().filter(|&x| x >= 1);
        let (Some(index), Some(count)) = (parse(k), parse(n)) else {
            return Err(bad("K and N must be whole numbers from 1, e.g. 3/16"));
        };
        if index > count {
            return Err(bad("K must be between 1 and N"));
        }
        if count > MAX_POINTS {
            return Err(bad(&format!("at most {MAX_POINTS} shards")));
        }
        Ok(Shard { index, count })
    }

    /// How many blocks each point's runs are cut into for `self.count`
    /// shards of a sweep of `points` points: 1 while there are at least as
    /// many points as shards, else enough for every shard to have a piece.
    pub fn blocks(&self, points: usize) -> u64 {
        self.count.div_ceil(points.max(1)) as u64
    }

    /// The pieces this shard plays, in order, of a sweep of `points` points
    /// of `runs` runs each. Refused if a shard would have nothing to do
    /// (more shards than runs in the whole sweep).
    pub fn pieces(&self, points: usize, runs: u64) -> Result<Vec<Piece>, SweepError> {
        let work = points as u128 * runs as u128;
        if self.count as u128 > work {
            return Err(SweepError::ShardSpec {
                spec: format!("{}/{}", self.index, self.count),
                reason: format!(
                    "the sweep plays {work} runs in all ({points} × {runs}): split it into at most {work} shards"
                ),
            });
        }
        let blocks = self.blocks(points);
        let cut = |b: u64| (runs as u128 * b as u128 / blocks as u128) as u64;
        let all = (0..points).flat_map(|point| (0..blocks).map(move |b| Piece { point, runs: cut(b)..cut(b + 1) }));
        Ok(all.skip(self.index - 1).step_by(self.count).collect())
    }

    /// `shard-K-of-N.json`.
    pub fn file_name(&self) -> String {
        format!("shard-{}-of-{}.json", self.index, self.count)
    }
}

/// What the fingerprint covers, gathered from a sweep or a shard file.
pub(crate) struct FingerprintParts {
    version: String,
    scenario_stem: String,
    scenario_text: String,
    runs: u64,
    seed: u64,
    params: Vec<ShardParam>,
}

impl FingerprintParts {
    pub(crate) fn of(sweep: &Sweep) -> FingerprintParts {
        FingerprintParts {
            version: VERSION.to_string(),
            scenario_stem: stem(&sweep.scenario_path),
            scenario_text: sweep.scenario_text.clone(),
            runs: sweep.runs,
            seed: sweep.seed,
            params: shard_params(sweep),
        }
    }

    fn of_file(f: &ShardFile) -> FingerprintParts {
        FingerprintParts {
            version: f.simulate_version.clone(),
            scenario_stem: stem(Path::new(&f.scenario_path)),
            scenario_text: f.scenario_text.clone(),
            runs: f.runs,
            seed: f.seed,
            params: f.params.clone(),
        }
    }
}

/// SHA-256 of the parts, each field length-prefixed, as hex: the identity
/// of a sweep, which every shard of it shares. It guards against mixing
/// shards of different sweeps (and the digest against edits), not against
/// forgery.
pub(crate) fn fingerprint(parts: &FingerprintParts) -> String {
    let mut bytes = Vec::new();
    let mut feed = |field: &str| {
        bytes.extend_from_slice(&(field.len() as u64).to_le_bytes());
        bytes.extend_from_slice(field.as_bytes());
    };
    feed(FORMAT);
    feed(&parts.version);
    feed(&parts.scenario_stem);
    feed(&parts.scenario_text);
    feed(&parts.runs.to_string());
    feed(&parts.seed.to_string());
    for p in &parts.params {
        feed(&p.path);
        feed(p.label.as_deref().unwrap_or(""));
        feed(&p.values.join(","));
    }
    sha256_hex(&bytes)
}

/// SHA-256 of the file's content with an empty digest, serialised as
/// `shard_json` writes it: it covers every number and string of the file, so
/// any edit that changes a value is caught.
fn digest(file: &ShardFile) -> String {
    let mut copy = file.clone();
    copy.digest = String::new();
    sha256_hex(&serde_json::to_vec(&copy).expect("JSON of plain values"))
}

/// The partial results of a shard, as written to `shard-K-of-N.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShardFile {
    format: String,
    format_version: u32,
    simulate_version: String,
    fingerprint: String,
    shard: usize,
    shards: usize,
    scenario_path: String,
    scenario_text: String,
    runs: u64,
    seed: u64,
    params: Vec<ShardParam>,
    pieces: Vec<ShardPiece>,
    /// `digest` of the rest.
    digest: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShardParam {
    /// Canonical path.
    path: String,
    label: Option<String>,
    /// Shortest decimals that read back as the exact values.
    values: Vec<String>,
}

/// A piece's totals (as in `PointResult`): runs `first_run..first_run + runs`
/// of point `point`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShardPiece {
    point: usize,
    first_run: u64,
    runs: u64,
    totals: Totals,
}

fn shard_params(sweep: &Sweep) -> Vec<ShardParam> {
    sweep
        .params
        .iter()
        .map(|p| ShardParam {
            path: p.path.canonical.clone(),
            label: p.label.clone(),
            values: p.values.iter().map(|v| fmt_value(*v)).collect(),
        })
        .collect()
}

/// The content of `shard`'s partial file, given its pieces (`Shard::pieces`)
/// and their results (`run_sweep`), in the same order.
pub fn shard_json(sweep: &Sweep, shard: Shard, pieces: &[Piece], results: &[PointResult]) -> Vec<u8> {
    let file = ShardFile {
        format: FORMAT.to_string(),
        format_version: FORMAT_VERSION,
        simulate_version: VERSION.to_string(),
        fingerprint: sweep.fingerprint(),
        shard: shard.index,
        shards: shard.count,
        scenario_path: sweep.scenario_path.to_string_lossy().into_owned(),
        scenario_text: sweep.scenario_text.clone(),
        runs: sweep.runs,
        seed: sweep.seed,
        params: shard_params(sweep),
        pieces: pieces
            .iter()
            .zip(results)
            .map(|(piece, r)| ShardPiece {
                point: r.point,
                first_run: piece.runs.start,
                runs: r.totals.runs(),
                totals: r.totals.clone(),
            })
            .collect(),
        digest: String::new(),
    };
    let file = ShardFile { digest: digest(&file), ..file };
    let mut bytes = serde_json::to_vec(&file).expect("JSON of plain values");
    bytes.push(b'\n');
    bytes
}

/// A whole sweep rebuilt from its shards.
#[derive(Debug)]
pub struct Merged {
    pub sweep: Sweep,
    /// Every point's results, in point order.
    pub results: Vec<PointResult>,
    pub shards: usize,
}

/// Read the partial files in `paths` (folders, searched for
/// `shard-K-of-N.json`, or files), check that they make exactly one whole
/// sweep, and rebuild its results.
pub fn merge(paths: &[PathBuf]) -> Result<Merged, Error> {
    let files = shard_files(paths)?;
    let mut shards: Vec<(PathBuf, ShardFile)> = Vec::with_capacity(files.len());
    for path in files {
        let file = read_shard(&path)?;
        shards.push((path, file));
    }
    let Some((first_path, first)) = shards.first() else {
        let dirs = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
        return Err(SweepError::NoShards { dirs }.into());
    };
    for (path, f) in &shards[1..] {
        let what = if f.fingerprint != first.fingerprint {
            difference(f, first)
        } else if f.shards != first.shards {
            format!("split into {} shards, not {}", f.shards, first.shards)
        } else {
            continue;
        };
        return Err(SweepError::ShardMismatch { path: path.clone(), other: first_path.clone(), what }.into());
    }
    let count = first.shards;
    let mut by_index: Vec<Option<&PathBuf>> = vec![None; count];
    for (path, f) in &shards {
        match by_index.get_mut(f.shard - 1) {
            Some(Some(seen)) => {
                return Err(SweepError::DuplicateShard {
                    index: f.shard,
                    count,
                    first: seen.to_path_buf(),
                    second: path.clone(),
                }
                .into());
            }
            Some(slot) => *slot = Some(path),
            None => return Err(corrupt(path, "its shard number is above its shard count")),
        }
    }
    let missing: Vec<String> =
        by_index.iter().enumerate().filter(|(_, p)| p.is_none()).map(|(i, _)| (i + 1).to_string()).collect();
    if !missing.is_empty() {
        return Err(SweepError::MissingShards { missing: missing.join(", "), count }.into());
    }

    let sweep = Sweep::prepare(&spec_of(first_path, first)?)?;
    if sweep.fingerprint() != first.fingerprint {
        return Err(corrupt(first_path, "its sweep does not rebuild to its fingerprint"));
    }
    let total = sweep.points();
    let mut results: Vec<Option<PointResult>> = vec![None; total];
    for (path, f) in &shards {
        let want =
            Shard { index: f.shard, count }.pieces(total, sweep.runs).map_err(|e| corrupt(path, &e.to_string()))?;
        let have: Vec<Option<Piece>> = f
            .pieces
            .iter()
            .map(|p| Some(Piece { point: p.point, runs: p.first_run..p.first_run.checked_add(p.runs)? }))
            .collect();
        if have.into_iter().collect::<Option<Vec<_>>>() != Some(want) {
            return Err(corrupt(path, &format!("it does not hold the pieces of shard {} of {count}", f.shard)));
        }
        for p in &f.pieces {
            let piece = point_result(p).ok_or_else(|| corrupt(path, "its totals are inconsistent"))?;
            match &mut results[p.point] {
                Some(point) => point.merge(&piece),
                slot => *slot = Some(piece),
            }
        }
    }
    // The pieces of shards 1 to N make every point's runs exactly once.
    let results: Vec<PointResult> = results.into_iter().flatten().collect();
    debug_assert!(results.len() == total && results.iter().all(|r| r.totals.runs() == sweep.runs));
    Ok(Merged { sweep, results, shards: count })
}

fn corrupt(path: &Path, message: &str) -> Error {
    SweepError::ShardFile { path: path.to_path_buf(), message: format!("{message} (edited or truncated?)") }.into()
}

/// `shard-K-of-N.json` files: those named, and those in the folders named,
/// in shard order within each folder.
fn shard_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let entries = std::fs::read_dir(p)
            .map_err(|e| SweepError::ShardFile { path: p.clone(), message: e.to_string() })?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| SweepError::ShardFile { path: p.clone(), message: e.to_string() })?;
        let mut found: Vec<((usize, usize), PathBuf)> =
            entries.iter().filter_map(|e| Some((shard_name(e.file_name().to_str()?)?, e.path()))).collect();
        found.sort();
        out.extend(found.into_iter().map(|(_, path)| path));
    }
    Ok(out)
}

/// (N, K) from `shard-K-of-N.json`.
fn shard_name(name: &str) -> Option<(usize, usize)> {
    let (k, n) = name.strip_prefix("shard-")?.strip_suffix(".json")?.split_once("-of-")?;
    Some((n.parse().ok()?, k.parse().ok()?))
}

fn read_shard(path: &Path) -> Result<ShardFile, Error> {
    let fail = |message: String| SweepError::ShardFile { path: path.to_path_buf(), message };
    let bytes = crate::input::read_bounded(path, crate::input::MAX_SHARD_BYTES).map_err(|e| fail(e.to_string()))?;
    let file: ShardFile = serde_json::from_slice(&bytes).map_err(|e| fail(format!("not a shard file: {e}")))?;
    if file.format != FORMAT || file.format_version != FORMAT_VERSION {
        return Err(fail(format!("unknown format `{}` version {}", file.format, file.format_version)).into());
    }
    if file.simulate_version != VERSION {
        return Err(SweepError::ShardVersion {
            path: path.to_path_buf(),
            theirs: file.simulate_version,
            ours: VERSION.to_string(),
        }
        .into());
    }
    if digest(&file) != file.digest {
        return Err(corrupt(path, "its content does not match its digest"));
    }
    if fingerprint(&FingerprintParts::of_file(&file)) != file.fingerprint {
        return Err(corrupt(path, "its content does not match its fingerprint"));
    }
    if file.shard == 0 || file.shards == 0 {
        return Err(corrupt(path, "shards are numbered from 1"));
    }
    if file.shards > MAX_POINTS {
        return Err(corrupt(path, &format!("it counts {} shards; a sweep has at most {MAX_POINTS}", file.shards)));
    }
    Ok(file)
}

/// Why two shard files with different fingerprints do not belong together.
fn difference(a: &ShardFile, b: &ShardFile) -> String {
    let mut d = Vec::new();
    if a.scenario_path != b.scenario_path {
        d.push(format!("scenario {} vs {}", a.scenario_path, b.scenario_path));
    } else if a.scenario_text != b.scenario_text {
        d.push(format!("the text of {} differs", a.scenario_path));
    }
    if a.seed != b.seed {
        d.push(format!("seed {} vs {}", a.seed, b.seed));
    }
    if a.runs != b.runs {
        d.push(format!("{} vs {} runs per point", a.runs, b.runs));
    }
    if a.params != b.params {
        d.push("the parameters or their values differ".to_string());
    }
    if d.is_empty() {
        d.push("their fingerprints differ".to_string());
    }
    d.join("; ")
}

/// The sweep a shard file describes.
fn spec_of(path: &Path, f: &ShardFile) -> Result<SweepSpec, Error> {
    let vary = f
        .params
        .iter()
        .map(|p| {
            let values = p.values.iter().map(|v| v.parse::<f64>()).collect::<Result<Vec<_>, _>>();
            let values = values.map_err(|_| corrupt(path, &format!("a value of `{}` is not a number", p.path)))?;
            Ok(Vary { path: p.path.clone(), values, label: p.label.clone(), span: None })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let scenario_path = PathBuf::from(&f.scenario_path);
    Ok(SweepSpec {
        name: stem(&scenario_path),
        scenario_path,
        scenario_text: f.scenario_text.clone(),
        vary,
        runs: Some(f.runs),
        seed: Some(f.seed),
        file: None,
    })
}

/// A piece's totals, if they are consistent with its number of runs.
fn point_result(p: &ShardPiece) -> Option<PointResult> {
    p.totals.is_consistent(p.runs).then(|| PointResult { point: p.point, totals: p.totals.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_specs() {
        assert_eq!(Shard::parse("3/16").unwrap(), Shard { index: 3, count: 16 });
        for bad in ["3", "0/4", "5/4", "a/4", "1/0", "-1/4"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        // At most one shard per run of the whole sweep.
        let err = Shard { index: 1, count: 12 }.pieces(1, 11).unwrap_err().to_string();
        assert!(err.contains("split it into at most 11 shards"), "{err}");
        assert!(Shard { index: 12, count: 12 }.pieces(1, 12).is_ok());
        assert!(Shard { index: 1, count: 12 }.pieces(11, 2).is_ok());
    }

    /// Every piece of `points` × `runs` split `n` ways, shard by shard.
    fn split(n: usize, points: usize, runs: u64) -> Vec<Vec<Piece>> {
        (1..=n).map(|k| Shard { index: k, count: n }.pieces(points, runs).unwrap()).collect()
    }

    #[test]
    fn shards_partition_the_work() {
        let piece = |point, runs| Piece { point, runs };
        // At least as many points as shards: every N-th point, whole.
        let by_point = split(4, 23, 100);
        assert_eq!(by_point[1].iter().map(|p| p.point).collect::<Vec<_>>(), [1, 5, 9, 13, 17, 21]);
        assert!(by_point.iter().flatten().all(|p| p.runs == (0..100)));
        // More shards than points: each point's runs in equal blocks.
        assert_eq!(split(3, 1, 10), [[piece(0, 0..3)], [piece(0, 3..6)], [piece(0, 6..10)]]);
        assert_eq!(
            split(3, 2, 10),
            [vec![piece(0, 0..5), piece(1, 5..10)], vec![piece(0, 5..10)], vec![piece(1, 0..5)]]
        );
        // Whatever the split, every run of every point is played once.
        for (n, points, runs) in [(4, 23, 100), (7, 3, 50), (10, 1, 10), (10_000, 1, 20_000), (5, 2, 3)] {
            let mut played: Vec<(usize, u64)> =
                split(n, points, runs).into_iter().flatten().flat_map(|p| p.runs.map(move |r| (p.point, r))).collect();
            played.sort();
            let all: Vec<(usize, u64)> = (0..points).flat_map(|p| (0..runs).map(move |r| (p, r))).collect();
            assert!(played == all, "{n} shards of {points} × {runs}");
            assert!(split(n, points, runs).iter().all(|s| !s.is_empty() && s.iter().all(|p| !p.runs.is_empty())));
        }
        assert_eq!(Shard { index: 2, count: 4 }.file_name(), "shard-2-of-4.json");
        assert_eq!(shard_name("shard-2-of-4.json"), Some((4, 2)));
        assert_eq!(shard_name("shard-x-of-4.json"), None);
        assert_eq!(shard_name("sweep.csv"), None);
    }

    #[test]
    fn fingerprint_is_stable_and_sensitive() {
        let parts = |seed| FingerprintParts {
            version: "0.1.0".into(),
            scenario_stem: "busan".into(),
            scenario_text: "rounds = 24\n".into(),
            runs: 100,
            seed,
            params: vec![ShardParam { path: "discount".into(), label: None, values: vec!["0.9".into(), "1".into()] }],
        };
        // Pinned: shards written by one build must merge with another build
        // of the same version (no hash seeded per process or platform).
        assert_eq!(fingerprint(&parts(1)), "614a22f89d99abe7454eac29d9ab1da3a65345a2a1fa5f11db2005963732ec51");
        assert_ne!(fingerprint(&parts(1)), fingerprint(&parts(2)));
        assert_eq!(fingerprint(&parts(1)).len(), 64);
    }
}
