/*!
`report.html`: one self-contained page for a run's output folder: the
headline numbers in words and in a table, the charts, the scenario's
assumptions with their sources, what the model cannot say, and where the
numbers come from.

The page is built from the folder's own files, as written: `summary.csv`,
the run's record in `provenance.json`, the chart files (embedded as `data:`
URLs: SVG when the folder has it, else PNG) and the scenario's text (for its
numbers and the comments that source them). `simulate SCENARIO` builds it
from the bytes it is about to write, and `simulate report DIR` from the
files it finds, so both give the same page. Only the provenance section
(`<section id="provenance">`, the last) holds the date and the command line,
as `provenance.json` does. Nothing is fetched: no network,
no script, no external style sheet. Every text that comes from a file is
HTML-escaped.

Pure: bytes in, a `String` out.
*/

use std::fmt::Write as _;

use serde_json::Value;

use crate::error::ReportError;
use crate::outcome::Outcome;
use crate::scenario::notes::{self, Notes};

/// The file name.
pub const FILE: &str = "report.html";

/// The run's charts, in the order the page shows them: file stem and what
/// the chart shows.
pub const RUN_CHARTS: &[(&str, &str)] = &[
    ("outcomes", "How often each outcome occurs, with 95% intervals, and who gave way first"),
    ("trajectory", "Each side's escalation index month by month: median, 10–90% band, scheduled events"),
    ("truces", "The truces: how long they last and when they collapse"),
];

/// A chart file of the folder.
#[derive(Clone, Debug)]
pub struct ChartFile {
    /// The file name (`outcomes.svg`).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The scenario file the run read, or why it is not available.
#[derive(Clone, Debug)]
pub enum ScenarioText {
    Read(String),
    Missing(String),
}

/// Everything the run page is built from.
#[derive(Clone, Debug)]
pub struct RunPage {
    /// `summary.csv`, as written.
    pub summary_csv: Vec<u8>,
    /// The run's record in `provenance.json` (`sets.run`).
    pub provenance: Value,
    /// The chart files of the set; the page embeds, per chart, the SVG if
    /// there is one, else the PNG.
    pub charts: Vec<ChartFile>,
    pub scenario: ScenarioText,
}

/// One outcome row of `summary.csv`.
#[derive(Clone, Debug, PartialEq)]
struct OutcomeRow {
    outcome: Outcome,
    runs: u64,
    share: f64,
    ci_low: f64,
    ci_high: f64,
    /// Per side: mean welfare and its interval (empty cells: none).
    welfare: Vec<[Option<f64>; 3]>,
    /// With parameter draws (`runs_per_draw`): the 90% range of the share
    /// over the draws (`param_p05`, `param_p95`).
    param_range: Option<(f64, f64)>,
}

/// The figures of `summary.csv`.
#[derive(Clone, Debug, PartialEq)]
struct Summary {
    scenario_id: String,
    sides: Vec<String>,
    rows: Vec<OutcomeRow>,
    total_runs: u64,
}

/// What the model cannot say: the caveats every run page lists.
pub const CAVEATS: &[&str] = &[
    "It is not a forecast. The shares say how often the game described in the scenario file ends each way, \
     not how likely the real standoff is to end that way.",
    "The 95% intervals are Monte Carlo error only. Where the scenario draws its uncertain parameters \
     (runs_per_draw), the 90% range over parameters shows how much each share depends on them; numbers given \
     as fixed values, and those marked “assumption” above, could be wrong in ways no interval or range shows. \
     Sweep them (simulate sweep) before quoting a share.",
    "Each side follows one fixed rule (a strategy such as generous tit-for-tat) with noise and misperception. \
     Leaders who learn, change course, bargain over packages or respond to events outside the file are not modelled.",
    "Only the levers, events and provocations in the file exist. Elections, third countries, markets, courts, \
     new technologies and shocks the file does not list cannot happen in the model.",
    "Rounds are months: a move and its answer within the same month look simultaneous.",
    "Welfare is a rough accounting in the scenario's units (pain inflicted, cost borne, revenue, political terms), \
     not a forecast of GDP or trade.",
    "The outcome classes are read from the last months of each run, with thresholds the scenario chooses \
     ([outcomes]): another choice of window or thresholds changes the shares.",
];

/// The run page.
pub fn run_page(page: &RunPage) -> Result<String, ReportError> {
    let summary = parse_summary(&page.summary_csv)?;
    let notes = match &page.scenario {
        ScenarioText::Read(text) => match notes::notes(text) {
            Ok(n) => Ok(n),
            Err(e) => Err(format!("the scenario file could not be read for its notes: {e}")),
        },
        ScenarioText::Missing(why) => Err(why.clone()),
    };
    let name = notes.as_ref().ok().and_then(|n| n.name.clone()).unwrap_or_else(|| summary.scenario_id.clone());
    let labels: Vec<String> = summary
        .sides
        .iter()
        .map(|s| {
            notes
                .as_ref()
                .ok()
                .and_then(|n| n.sides.iter().find(|(name, _)| name == s).map(|(_, l)| l.clone()))
                .unwrap_or_else(|| s.clone())
        })
        .collect();
    let unit = notes.as_ref().ok().and_then(|n| n.welfare_unit.clone());
    let prov = &page.provenance;

    let mut h = String::new();
    head(&mut h, &format!("{name}: simulate report"));
    let _ = write!(h, "<header><h1>{}</h1>", esc(&name));
    if let Some(d) = notes.as_ref().ok().and_then(|n| n.description.as_deref()) {
        let _ = write!(h, "<p class=\"lede\">{}</p>", esc(d));
    }
    let _ = writeln!(
        h,
        "<p class=\"meta\">{} of {} simulated with simulate {}, seed {} (<a href=\"#provenance\">provenance</a>)</p></header>",
        esc(&crate::fmt::count_of(summary.total_runs, "run")),
        esc(&rounds_text(prov)),
        esc(&field(prov, "version")),
        esc(&field(prov, "seed")),
    );
    nav(&mut h);

    // Headline.
    h.push_str("<section id=\"headline\"><h2>Headline</h2>\n");
    let _ = writeln!(h, "<p class=\"words\">{}</p>", esc(&headline(&summary)));
    outcome_table(&mut h, &summary, &labels, unit.as_deref());
    h.push_str("</section>\n");

    // Charts.
    h.push_str("<section id=\"charts\"><h2>Charts</h2>\n");
    let shown = chart_figures(&mut h, &page.charts, RUN_CHARTS);
    if shown == 0 {
        h.push_str(
            "<p class=\"note\">No charts: the run was made with <code>--no-charts</code>. The figures above are \
             complete; run again without it for the charts.</p>\n",
        );
    }
    h.push_str("</section>\n");

    // Assumptions.
    h.push_str("<section id=\"assumptions\"><h2>Assumptions</h2>\n");
    match &notes {
        Ok(n) => assumptions(&mut h, n),
        Err(why) => {
            let _ = writeln!(h, "<p class=\"note\">The scenario's assumptions are not shown: {}.</p>", esc(why));
        }
    }
    h.push_str("</section>\n");

    // Caveats.
    h.push_str("<section id=\"caveats\"><h2>What the model cannot say</h2>\n<ul class=\"caveats\">\n");
    for c in CAVEATS {
        let _ = writeln!(h, "<li>{}</li>", esc(c));
    }
    h.push_str("</ul></section>\n");

    provenance(&mut h, prov);
    h.push_str(
        "<footer>Written by <code>simulate</code>. Self-contained: no script, no network. \
         <code>simulate report FOLDER</code> writes it again from the folder's files.</footer>\n</main></body></html>\n",
    );
    Ok(h)
}

/// Everything the page of `simulate compare` (or `violation`) is built from.
#[derive(Clone, Debug)]
pub struct ComparePage<'a> {
    pub rows: &'a [crate::report::compare::CompareRow],
    pub meta: &'a crate::montecarlo::RunMeta,
    /// Scenario A's and B's names.
    pub names: [&'a str; 2],
    /// The set's name (`compare`, `violation`): its chart's file stem.
    pub set: &'a str,
    pub charts: Vec<ChartFile>,
    /// The set's record in `provenance.json`.
    pub provenance: Value,
}

/// What a paired comparison cannot say, before the run page's caveats.
pub const COMPARE_CAVEATS: &[&str] = &[
    "The ± are paired 95% intervals. When a scenario draws its uncertain parameters once per group of runs \
     (runs_per_draw), they are clustered by draw (the spread of the groups' mean differences); they still \
     hold the parameters' uncertainty only as far as the draws sample it.",
    "Both scenarios share every random number run by run, so the difference comes from what differs between \
     the files; it says nothing about numbers the two files share.",
];

/// The page of a comparison: B against A, figure by figure.
pub fn compare_page(page: &ComparePage) -> String {
    use crate::report::compare::{difference, value};
    let [a, b] = page.names;
    let meta = page.meta;
    let title = format!("{b} against {a}");
    let mut h = String::new();
    head(&mut h, &format!("{title}: simulate report"));
    let _ = writeln!(
        h,
        "<header><h1>{}</h1><p class=\"meta\">A: {} · B: {}<br>{} each, seed {}; the same random numbers in both \
         (paired differences, 95%) · simulate {} (<a href=\"#provenance\">provenance</a>)</p></header>",
        esc(&title),
        esc(a),
        esc(b),
        esc(&crate::fmt::count_of(meta.runs, "run")),
        meta.seed,
        esc(&field(&page.provenance, "version")),
    );
    h.push_str("<section id=\"headline\"><h2>Headline</h2>\n");
    let said: Vec<String> = page
        .rows
        .iter()
        .filter(|r| r.key == "p_detente" || r.key == "p_vicious_cycle")
        .map(|r| {
            format!(
                "{} goes from {} to {} ({})",
                r.title,
                value(r.a.mean, r.is_share),
                value(r.b.mean, r.is_share),
                difference(&r.diff, r.is_share)
            )
        })
        .collect();
    if !said.is_empty() {
        let _ = writeln!(h, "<p class=\"words\">From A to B, {}.</p>", esc(&said.join("; ")));
    }
    h.push_str(
        "<table class=\"outcomes\"><thead><tr><th>Figure</th><th class=\"num\">A</th><th class=\"num\">B</th>\
         <th class=\"num\">B − A (95%)</th></tr></thead><tbody>\n",
    );
    for r in page.rows {
        let _ = writeln!(
            h,
            "<tr><th>{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num share\">{}</td></tr>",
            esc(&r.title),
            esc(&value(r.a.mean, r.is_share)),
            esc(&value(r.b.mean, r.is_share)),
            esc(&difference(&r.diff, r.is_share))
        );
    }
    let _ = writeln!(
        h,
        "</tbody></table>\n<p class=\"note\">Shares in percent, differences of shares in percentage points (pp); \
         welfare and payoff in {} over the run.</p></section>",
        esc(&meta.welfare_unit)
    );
    h.push_str("<section id=\"charts\"><h2>Charts</h2>\n");
    let caption = [(page.set, "The paired differences B − A with their 95% intervals")];
    if chart_figures(&mut h, &page.charts, &caption) == 0 {
        h.push_str("<p class=\"note\">No charts: the comparison was made with <code>--no-charts</code>.</p>\n");
    }
    h.push_str("</section>\n<section id=\"caveats\"><h2>What the comparison cannot say</h2>\n<ul class=\"caveats\">\n");
    // The run page's caveat on intervals speaks of its assumptions section.
    for c in COMPARE_CAVEATS.iter().chain(CAVEATS.iter().filter(|c| !c.contains("“assumption”"))) {
        let _ = writeln!(h, "<li>{}</li>", esc(c));
    }
    h.push_str("</ul></section>\n");
    provenance(&mut h, &page.provenance);
    h.push_str("<footer>Written by <code>simulate</code>. Self-contained: no script, no network.</footer>\n</main></body></html>\n");
    h
}

/// The figures of `summary.csv`: side names from its welfare columns, one
/// row per outcome (the `all` row gives the total).
fn parse_summary(bytes: &[u8]) -> Result<Summary, ReportError> {
    let bad = |message: String| ReportError::Read { path: "summary.csv".into(), message };
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
    let header: Vec<String> = r.headers().map_err(|e| bad(e.to_string()))?.iter().map(str::to_string).collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let sides: Vec<String> = header
        .iter()
        .filter_map(|h| h.strip_prefix("welfare_").and_then(|s| s.strip_suffix("_mean")).map(str::to_string))
        .collect();
    let need = |name: &str| col(name).ok_or_else(|| bad(format!("no column `{name}`")));
    let (c_outcome, c_runs, c_share, c_low, c_high) =
        (need("outcome")?, need("runs")?, need("share")?, need("ci_low")?, need("ci_high")?);
    let mut rows = Vec::new();
    let mut scenario_id = String::new();
    let mut total_runs = 0;
    for rec in r.records() {
        let rec = rec.map_err(|e| bad(e.to_string()))?;
        let get = |c: usize| rec.get(c).unwrap_or("");
        let num = |c: usize| get(c).parse::<f64>().ok();
        let runs: u64 = get(c_runs).parse().map_err(|_| bad(format!("runs `{}` is not a count", get(c_runs))))?;
        scenario_id = uncell(get(0)).to_string();
        if get(c_outcome) == "all" {
            total_runs = runs;
            continue;
        }
        let Some(outcome) = Outcome::ALL.iter().copied().find(|o| o.key() == get(c_outcome)) else {
            return Err(bad(format!("unknown outcome `{}`", get(c_outcome))));
        };
        let welfare = sides
            .iter()
            .map(|s| {
                let w = |suffix: &str| col(&format!("welfare_{s}_{suffix}")).and_then(num);
                [w("mean"), w("ci_low"), w("ci_high")]
            })
            .collect();
        rows.push(OutcomeRow {
            outcome,
            runs,
            share: num(c_share).unwrap_or(0.0),
            ci_low: num(c_low).unwrap_or(0.0),
            ci_high: num(c_high).unwrap_or(0.0),
            welfare,
            param_range: match (col("param_p05").and_then(num), col("param_p95").and_then(num)) {
                (Some(lo), Some(hi)) => Some((lo, hi)),
                _ => None,
            },
        });
    }
    if rows.is_empty() {
        return Err(bad("no outcome rows".into()));
    }
    if total_runs == 0 {
        total_runs = rows.iter().map(|r| r.runs).sum();
    }
    Ok(Summary { scenario_id, sides, rows, total_runs })
}

/// A text cell as `csv::cell` wrote it, without the `'` that keeps a
/// spreadsheet from running it.
fn uncell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

/// The headline in words: the outcomes by share, largest first, each with
/// its interval.
fn headline(s: &Summary) -> String {
    let mut rows: Vec<&OutcomeRow> = s.rows.iter().collect();
    rows.sort_by(|a, b| b.runs.cmp(&a.runs).then(a.outcome.index().cmp(&b.outcome.index())));
    let part = |r: &OutcomeRow, first: bool| {
        let what = match r.outcome {
            Outcome::Detente => "détente",
            Outcome::ViciousCycle => "a vicious cycle",
            Outcome::Coercion => "one-sided coercion",
            Outcome::Standoff => "a standoff",
        };
        let ci = crate::fmt::interval(r.ci_low, r.ci_high);
        let pct = crate::fmt::percent(r.share);
        let range = r.param_range.map(|(lo, hi)| crate::fmt::interval(lo, hi));
        match (r.runs, first, range) {
            (0, _, _) => format!("none in {what} (95% interval {ci})"),
            (_, true, Some(p)) => {
                format!("{pct} end in {what} (95% interval {ci}; {p} over the parameters' uncertainty)")
            }
            (_, true, None) => format!("{pct} end in {what} (95% interval {ci})"),
            (_, false, Some(p)) => format!("{pct} in {what} ({ci}; {p})"),
            (_, false, None) => format!("{pct} in {what} ({ci})"),
        }
    };
    let parts: Vec<String> = rows.iter().enumerate().map(|(i, r)| part(r, i == 0)).collect();
    let list = match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => parts.join(""),
    };
    format!("Of {}, {list}.", crate::fmt::count_of(s.total_runs, "simulated run"))
}

fn outcome_table(h: &mut String, s: &Summary, labels: &[String], unit: Option<&str>) {
    let unit = unit.map(|u| format!(" ({u})")).unwrap_or_default();
    h.push_str("<table class=\"outcomes\"><thead><tr><th>Outcome</th><th class=\"num\">Runs</th>");
    let spread = s.rows.iter().any(|r| r.param_range.is_some());
    h.push_str("<th class=\"num\">Share</th><th class=\"num\">95% interval</th>");
    if spread {
        h.push_str("<th class=\"num wrap\">90% range over parameters</th>");
    }
    h.push_str("<th class=\"bar\"></th>");
    for l in labels {
        let _ = write!(h, "<th class=\"num wrap\">Welfare, {}{}</th>", esc(l), esc(&unit));
    }
    h.push_str("</tr></thead><tbody>\n");
    for r in &s.rows {
        let pct = |x: f64| format!("{:.2}", (100.0 * x).clamp(0.0, 100.0));
        let _ = write!(
            h,
            "<tr class=\"{key}\"><th>{title}</th><td class=\"num\">{runs}</td><td class=\"num share\">{share}</td>\
             <td class=\"num\">{ci}</td>{range}<td class=\"bar\"><div class=\"track\"><div class=\"fill {key}\" \
             style=\"width:{w}%\"></div><div class=\"ci\" style=\"left:{lo}%;width:{cw}%\"></div></div></td>",
            key = r.outcome.key(),
            title = esc(r.outcome.title()),
            runs = crate::fmt::count(r.runs),
            share = esc(&crate::fmt::percent(r.share)),
            ci = esc(&crate::fmt::interval(r.ci_low, r.ci_high)),
            range = match (spread, r.param_range) {
                (true, Some((lo, hi))) => format!("<td class=\"num\">{}</td>", esc(&crate::fmt::interval(lo, hi))),
                (true, None) => "<td class=\"num\">–</td>".to_string(),
                (false, _) => String::new(),
            },
            w = pct(r.share),
            lo = pct(r.ci_low),
            cw = pct(r.ci_high - r.ci_low),
        );
        for w in &r.welfare {
            let text = match w {
                [Some(m), Some(lo), Some(hi)] => format!(
                    "{}<br><span class=\"ci\">{} to {}</span>",
                    esc(&crate::fmt::welfare(Some(*m))),
                    esc(&crate::fmt::welfare(Some(*lo))),
                    esc(&crate::fmt::welfare(Some(*hi)))
                ),
                [Some(m), ..] => esc(&crate::fmt::welfare(Some(*m))),
                _ => "–".to_string(),
            };
            let _ = write!(h, "<td class=\"num\">{text}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str(
        "</tbody></table>\n<p class=\"note\">Share: of all runs. 95% interval: Monte Carlo error of the share \
         (Wilson; clustered by parameter draw when the scenario draws its parameters). ",
    );
    if spread {
        h.push_str(
            "90% range over parameters: where the share would lie, 5th to 95th percentile over the scenario's \
             parameter draws, if its uncertain parameters were known (docs/model.md §8c). ",
        );
    }
    h.push_str(
        "Welfare: cumulative over the run, mean of the runs that ended this way, and its 95% interval; \
         – where no run ended this way. The bar: the share, with its 95% interval.</p>\n",
    );
}

/// The charts, one figure each, `known` ones first with their captions;
/// returns how many.
fn chart_figures(h: &mut String, charts: &[ChartFile], known_charts: &[(&str, &str)]) -> usize {
    let mut shown = 0;
    let known: Vec<&str> = known_charts.iter().map(|(stem, _)| *stem).collect();
    let mut stems: Vec<(String, String)> = known_charts.iter().map(|(s, c)| (s.to_string(), c.to_string())).collect();
    // Charts the page does not know (a newer version's) come last, as they are.
    for c in charts {
        let stem = c.name.rsplit_once('.').map_or(c.name.as_str(), |(s, _)| s);
        if !known.contains(&stem) && !stems.iter().any(|(s, _)| s == stem) {
            stems.push((stem.to_string(), stem.to_string()));
        }
    }
    for (stem, caption) in &stems {
        let pick = |ext: &str| charts.iter().find(|c| c.name == format!("{stem}.{ext}"));
        let (file, mime) = match (pick("svg"), pick("png")) {
            (Some(f), _) => (f, "image/svg+xml"),
            (None, Some(f)) => (f, "image/png"),
            (None, None) => continue,
        };
        let _ = writeln!(
            h,
            "<figure><img src=\"data:{mime};base64,{}\" alt=\"{alt}\" width=\"1200\" height=\"700\">\
             <figcaption>{alt} <span class=\"file\">({file})</span></figcaption></figure>",
            crate::report::chart::base64(&file.bytes),
            alt = esc(caption),
            file = esc(&file.name),
        );
        shown += 1;
    }
    shown
}

fn assumptions(h: &mut String, n: &Notes) {
    h.push_str(
        "<p class=\"note\">The scenario file's numbers as written, with the comments beside them. \
         <span class=\"basis sourced\">source</span> the comment cites a source (its key, as listed in the \
         project's docs/sources.md); <span class=\"basis computed\">computed</span> arithmetic on cited numbers; \
         <span class=\"basis assumption\">assumption</span> a judgement; \
         <span class=\"basis none\">not marked</span> the comment cites no source, computation or assumption; \
         <span class=\"basis none\">no note</span> the file says nothing. Treat the last two as assumptions.</p>\n",
    );
    for g in &n.groups {
        if g.items.is_empty() {
            continue;
        }
        let _ = writeln!(h, "<h3>{}</h3>", esc(&g.title));
        // A banner (`# UNITED STATES`) repeats the title.
        let banner = !g.note.chars().any(|c| c.is_lowercase());
        if !g.note.is_empty() && !banner {
            let _ = writeln!(h, "<p class=\"group-note\">{}</p>", long_text(&g.note));
        }
        h.push_str("<table class=\"assumptions\"><colgroup><col class=\"k\"><col class=\"v\"><col class=\"b\"><col></colgroup><thead><tr><th>Key</th><th>Value</th><th>Basis</th><th>Note</th></tr></thead><tbody>\n");
        for item in &g.items {
            let b = notes::basis(&item.note);
            let mut badges = String::new();
            if !b.sources.is_empty() {
                let keys: Vec<String> = b.sources.iter().map(|s| format!("[{s}]")).collect();
                let _ = write!(badges, "<span class=\"basis sourced\">source {}</span>", esc(&keys.join(" ")));
            }
            if b.computed {
                badges.push_str("<span class=\"basis computed\">computed</span>");
            }
            if b.assumption {
                badges.push_str("<span class=\"basis assumption\">assumption</span>");
            }
            if item.note.is_empty() {
                badges.push_str("<span class=\"basis none\">no note</span>");
            } else if b.is_empty() {
                badges.push_str("<span class=\"basis none\">not marked</span>");
            }
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{badges}</td><td>{}</td></tr>",
                esc(&item.key),
                esc(&item.value),
                long_text(&item.note)
            );
        }
        h.push_str("</tbody></table>\n");
    }
}

/// A note, escaped; a long one folded after its first words.
fn long_text(text: &str) -> String {
    const SHORT: usize = 180;
    if text.chars().count() <= SHORT + 40 {
        return esc(text);
    }
    let cut = text.char_indices().nth(SHORT).map_or(text.len(), |(i, _)| i);
    let cut = text[..cut].rfind(' ').unwrap_or(cut);
    format!("<details><summary>{} …</summary>{}</details>", esc(&text[..cut]), esc(&text[cut..]))
}

fn provenance(h: &mut String, prov: &Value) {
    h.push_str("<section id=\"provenance\"><h2>Provenance</h2>\n<table class=\"provenance\"><tbody>\n");
    let row = |h: &mut String, k: &str, v: String| {
        let _ = writeln!(h, "<tr><th>{}</th><td>{v}</td></tr>", esc(k));
    };
    row(h, "Program", esc(&format!("{} {}", field(prov, "program"), field(prov, "version"))));
    let command: Vec<String> = prov
        .get("command")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(shell_word).collect())
        .unwrap_or_default();
    row(h, "Command line", format!("<code>{}</code>", esc(&command.join(" "))));
    row(h, "Date (UTC)", esc(&field(prov, "date")));
    for (key, label) in [("seed", "Seed"), ("runs", "Runs"), ("rounds", "Rounds")] {
        row(h, label, esc(&field(prov, key)));
    }
    for input in prov.get("inputs").and_then(Value::as_array).into_iter().flatten() {
        let role = input.get("role").and_then(Value::as_str).unwrap_or("input");
        row(
            h,
            &format!("Input: {role}"),
            format!(
                "<code>{}</code> ({} bytes)<br>SHA-256 <code class=\"hash\">{}</code>",
                esc(&field(input, "path")),
                esc(&field(input, "bytes")),
                esc(&field(input, "sha256"))
            ),
        );
    }
    let files: Vec<&str> =
        prov.get("files").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    row(h, "Files written", esc(&files.join(", ")));
    h.push_str(
        "</tbody></table>\n<p class=\"note\">From the command's record in provenance.json. The same scenario \
                files, seed and number of runs give the same figures, with any number of threads.</p></section>\n",
    );
}

/// A field of a JSON record as text ("–" when missing); runs grouped by
/// thousands, other numbers (the seed) as they are.
fn field(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) if key == "runs" => n.as_u64().map_or_else(|| n.to_string(), crate::fmt::count),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => other.to_string(),
        None => "–".to_string(),
    }
}

fn rounds_text(prov: &Value) -> String {
    match prov.get("rounds").and_then(Value::as_u64) {
        Some(n) => crate::fmt::count_of(n, "round"),
        None => "the scenario's rounds".to_string(),
    }
}

/// A command-line word as a shell would need it typed.
fn shell_word(w: &str) -> String {
    if !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c)) {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}

fn nav(h: &mut String) {
    h.push_str(
        "<nav><a href=\"#headline\">Headline</a> · <a href=\"#charts\">Charts</a> · \
         <a href=\"#assumptions\">Assumptions</a> · <a href=\"#caveats\">What the model cannot say</a> · \
         <a href=\"#provenance\">Provenance</a></nav>\n",
    );
}

fn head(h: &mut String, title: &str) {
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"generator\" content=\"simulate\"><title>{}</title>\n<style>{STYLE}</style></head>\n<body><main>\n",
        esc(title)
    );
}

const STYLE: &str = "\
body{margin:0;background:#fff;color:#1d2430;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif}\
main{max-width:1240px;margin:0 auto;padding:24px 28px 48px}\
h1{font-size:28px;margin:0 0 8px}h2{font-size:22px;margin:36px 0 12px;padding-bottom:4px;border-bottom:2px solid #e3e7ee}\
h3{font-size:17px;margin:24px 0 6px}\
.lede{margin:0 0 6px;max-width:960px}.meta,.note,footer{color:#5b6575;font-size:14px}\
nav{margin:12px 0 0;padding:8px 12px;background:#f4f6f9;border-radius:6px;font-size:14px}\
a{color:#1f5fbf}\
.words{font-size:19px;max-width:1000px}\
table{border-collapse:collapse;margin:8px 0}th,td{padding:6px 10px;border-bottom:1px solid #e3e7ee;text-align:left;vertical-align:top}\
thead th{background:#f4f6f9;font-size:14px}.num{text-align:right;white-space:nowrap}.ci{color:#5b6575;font-size:13px}\
table.outcomes td.share{font-weight:600}table.outcomes tbody th{white-space:nowrap}\
table.outcomes{width:100%}th.wrap{white-space:normal;max-width:150px}td.bar{width:200px;min-width:140px}.track{position:relative;height:14px;background:#eef1f5;border-radius:3px;margin-top:5px}\
.fill{position:absolute;left:0;top:0;bottom:0;border-radius:3px}\
.track .ci{position:absolute;top:6px;height:2px;background:#1d2430}\
.fill.detente{background:#66bd63}.fill.vicious_cycle{background:#ca0020}.fill.coercion{background:#8856a7}.fill.standoff{background:#bdbdbd}\
figure{margin:16px 0 28px}figure img{display:block;width:100%;max-width:1200px;height:auto;border:1px solid #e3e7ee}\
figcaption{font-size:14px;color:#5b6575;margin-top:6px}.file{font-family:monospace}\
table.assumptions{width:100%;font-size:14px;table-layout:fixed}col.k{width:160px}col.v{width:240px}col.b{width:200px}\
.group-note{font-size:14px;color:#3b4556;max-width:1100px}\
.basis{display:inline-block;font-size:12px;padding:1px 6px;margin:1px 3px 1px 0;border-radius:9px;overflow-wrap:anywhere}\
.basis.sourced{background:#e3f0e8;color:#1e5e3a}.basis.computed{background:#e6eefa;color:#1f4f8f}\
.basis.assumption{background:#fbeed5;color:#7a4b00}.basis.none{background:#eceff3;color:#4b5563}\
summary{cursor:pointer}details{display:inline}\
ul.caveats li{margin:6px 0;max-width:1000px}\
table.provenance th{width:160px;background:none}code{font-size:13px;overflow-wrap:anywhere}\
footer{margin-top:40px;border-top:1px solid #e3e7ee;padding-top:10px}\
@media print{nav{display:none}figure{break-inside:avoid}}";

/// Text as HTML: `&`, `<`, `>`, `"` and `'` escaped.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
