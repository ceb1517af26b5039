//! Shared fixtures.

use std::path::Path;

use tradewar::montecarlo::{Batch, Hooks, McConfig, run_batch};
use tradewar::scenario::{self, Scenario};

/// A classic IPD scenario (R=3 S=0 T=5 P=1) with the given strategy tables,
/// e.g. `{ kind = "tit_for_tat" }`.
pub fn classic(row: &str, col: &str, noise: f64, rounds: u32, runs: u64) -> Scenario {
    parse(&classic_toml(row, col, noise, rounds, runs))
}

/// The text of `classic`'s scenario (seed 7).
pub fn classic_toml(row: &str, col: &str, noise: f64, rounds: u32, runs: u64) -> String {
    let side = |name: &str, strategy: &str| {
        format!(
            "[[sides]]\nname = \"{name}\"\nstrategy = {strategy}\nnoise = {noise}\nbaseline_welfare = 3.0\nmutual_escalation_cost = 1.0\n\
             [[sides.levers]]\nname = \"defect\"\nladder = [0, 1]\npain = 3.0\ncost = -2.0\n"
        )
    };
    format!("rounds = {rounds}\nruns = {runs}\nseed = 7\n{}{}", side("row", row), side("column", col))
}

pub fn parse(text: &str) -> Scenario {
    match scenario::parse(Path::new("test.toml"), text) {
        Ok(s) => s,
        Err(e) => panic!("{}", e.render()),
    }
}

pub fn batch(sc: &Scenario) -> Batch {
    run_batch(sc, &McConfig { runs: sc.runs, seed: sc.seed }, &Hooks::default(), None).expect("batch")
}

pub fn repo_path(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The `.toml` files of a folder of the repository, sorted.
pub fn toml_files(rel: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(repo_path(rel))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// The `simulate` binary, run from the repository root.
pub fn simulate() -> std::process::Command {
    use assert_cmd::cargo::CommandCargoExt;
    let mut c = std::process::Command::cargo_bin("simulate").unwrap();
    c.current_dir(repo_path("."));
    c
}

/// The first line of a text file (a CSV header).
pub fn header(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap().lines().next().unwrap().to_string()
}

/// No temporary file or staging folder is left behind in an output folder
/// (the manifest of what simulate wrote, `.simulate-manifest`, stays).
pub fn assert_no_temp_files(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        assert!(!name.starts_with('.') || name == ".simulate-manifest", "leftover {name}");
    }
}

/// A PNG's (width, height) and pixel bytes.
pub fn decode_png(path: &Path) -> ((u32, u32), Vec<u8>) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    ((info.width, info.height), buf)
}

/// Run `cmd` to completion, failing the test if it takes longer than
/// `secs` (so a command that would block, on a FIFO say, cannot hang CI).
pub fn output_within(cmd: &mut std::process::Command, secs: u64) -> std::process::Output {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        out.read_to_end(&mut buf).unwrap();
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        err.read_to_end(&mut buf).unwrap();
        buf
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("{cmd:?} took more than {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    std::process::Output { status, stdout: reader.join().unwrap(), stderr: err_reader.join().unwrap() }
}

/// The stderr of an output, as text.
pub fn stderr_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every regular file of a folder (names and bytes), sorted; sub-folders
/// (staging) are left out: `assert_no_temp_files` checks those.
/// `provenance.json` and `report.html` are kept without what differs
/// between two identical runs (the date, the command line with its `--out`).
pub fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&p).unwrap();
            let bytes = match name.as_str() {
                "provenance.json" => comparable_provenance(&bytes),
                ".simulate-manifest" => comparable_manifest(&bytes),
                "report.html" => comparable_report(&bytes),
                _ => bytes,
            };
            (name, bytes)
        })
        .collect();
    v.sort();
    v
}

/// A manifest without the size and hash of `provenance.json` and
/// `report.html` (which hold the date and the command line).
pub fn comparable_manifest(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let dated = ["provenance.json", "report.html"];
            if f.len() == 4 && dated.contains(&f[1]) { format!("{}\t{}", f[0], f[1]) } else { l.to_string() }
        })
        .collect();
    lines.join("\n").into_bytes()
}

/// A `provenance.json` without each record's date and command line.
pub fn comparable_provenance(bytes: &[u8]) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).expect("provenance.json is JSON");
    if let Some(sets) = v.get_mut("sets").and_then(|s| s.as_object_mut()) {
        for record in sets.values_mut() {
            if let Some(r) = record.as_object_mut() {
                r.remove("date");
                r.remove("command");
            }
        }
    }
    serde_json::to_vec(&v).unwrap()
}

/// A `report.html` without its provenance section (the date and the
/// command line, as in `provenance.json`).
pub fn comparable_report(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    match (text.find("<section id=\"provenance\">"), text.rfind("</section>")) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &text[..a], &text[b..]).into_bytes(),
        _ => bytes.to_vec(),
    }
}

/// The names in a `files_of` snapshot, for messages.
pub fn names_of(files: &[(String, Vec<u8>)]) -> Vec<&str> {
    files.iter().map(|(n, _)| n.as_str()).collect()
}

/// Run `simulate ARGS --out DIR` to completion and return DIR's files: the
/// reference set a command writes.
pub fn reference_set(args: &[&str], dir: &Path) -> Vec<(String, Vec<u8>)> {
    let o = output_within(simulate().args(args).arg("--out").arg(dir), 60);
    assert!(o.status.success(), "{args:?}: {}", stderr_of(&o));
    files_of(dir)
}
