/*!
What outputs say about where they come from ([`Caption`]): a title that
names the period the run actually covers (not the one in the scenario's
`name`), the scenario file and whether its strategies were fitted to a
record or set by hand, the program's version; and the calendar of the rounds
([`Calendar`], from the scenario's `first_round`), for month labels.
*/

use std::path::Path;

use crate::scenario::Scenario;

/// The program's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Rounds as calendar months: round 1 is `first_round`; round 0 is the
/// start (the state entering round 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Calendar {
    /// year × 12 + month − 1 of round 1.
    first: i64,
}

impl Calendar {
    /// "Nov 2025", "November 2025" or "2025-11"; `None` for anything else
    /// (the rounds are then labelled by number).
    pub fn parse(label: &str) -> Option<Calendar> {
        let label = label.trim();
        if let Some((y, m)) = label.split_once('-')
            && let (Ok(year), Ok(month)) = (y.trim().parse::<i64>(), m.trim().parse::<i64>())
            && (1..=12).contains(&month)
            && (1..=9999).contains(&year)
        {
            return Some(Calendar { first: year * 12 + month - 1 });
        }
        let mut words = label.split_whitespace();
        let (month, year) = (words.next()?, words.next()?);
        if words.next().is_some() {
            return None;
        }
        let month = month.trim_end_matches('.').to_lowercase();
        let m = MONTH_NAMES.iter().position(|name| month.len() >= 3 && name.starts_with(&month))?;
        let year: i64 = year.parse().ok().filter(|y| (1..=9999).contains(y))?;
        Some(Calendar { first: year * 12 + m as i64 })
    }

    /// The calendar of a scenario's rounds, if its `first_round` is a month.
    pub fn of(sc: &Scenario) -> Option<Calendar> {
        sc.first_round.as_deref().and_then(Calendar::parse)
    }

    fn at(&self, t: u32) -> (usize, i64) {
        let m = self.first + i64::from(t) - 1;
        (m.rem_euclid(12) as usize, m.div_euclid(12))
    }

    /// "Nov 2025": the month of round `t` (≥ 1).
    pub fn month(&self, t: u32) -> String {
        let (m, y) = self.at(t.max(1));
        format!("{} {y}", MONTHS[m])
    }

    /// "Nov": the month of round `t` without its year.
    pub fn short_month(&self, t: u32) -> &'static str {
        MONTHS[self.at(t.max(1)).0]
    }

    /// Whether round `t` is a January (where a year starts on an axis).
    pub fn is_january(&self, t: u32) -> bool {
        self.at(t.max(1)).0 == 0
    }

    /// The month of the year of round `t` (0 = January) and its year.
    pub fn month_and_year(&self, t: u32) -> (u32, i64) {
        let (m, y) = self.at(t.max(1));
        (m as u32, y)
    }

    /// "Nov 2025 – Apr 2026": rounds 1 to `rounds`.
    pub fn period(&self, rounds: u32) -> String {
        if rounds <= 1 { self.month(1) } else { format!("{} – {}", self.month(1), self.month(rounds)) }
    }
}

/// The scenario's name with the period the run covers: a period written at
/// the end of the name ("Busan truce, Nov 2025 – Oct 2027") is replaced by
/// the one `rounds` rounds from `first_round` cover, so that `--rounds 6`
/// says "Busan truce, Nov 2025 – Apr 2026". Without a calendar, the name.
pub fn scenario_title(name: &str, calendar: Option<&Calendar>, rounds: u32) -> String {
    match calendar {
        Some(c) => format!("{}, {}", strip_period(name), c.period(rounds)),
        None => name.to_string(),
    }
}

/// `name` without a trailing ", Nov 2025 – Oct 2027" (or " (Jan – Dec
/// 2025)"): a last part made only of month names, years and dashes.
pub fn strip_period(name: &str) -> &str {
    let cut = [name.rfind(", "), name.rfind(" (")].into_iter().flatten().max();
    let Some(at) = cut else { return name };
    let tail = name[at..].trim_start_matches([',', ' ', '(']).trim_end_matches(')');
    let mut has_year = false;
    let is_period = !tail.trim().is_empty()
        && tail.split(|c: char| c.is_whitespace() || c == '–' || c == '-').filter(|w| !w.is_empty()).all(|w| {
            let w = w.trim_end_matches(['.', ',']);
            if w.len() == 4 && w.chars().all(|c| c.is_ascii_digit()) {
                has_year = true;
                return true;
            }
            let lower = w.to_lowercase();
            lower.len() >= 3 && MONTH_NAMES.iter().any(|m| m.starts_with(&lower))
        });
    if is_period && has_year { name[..at].trim_end() } else { name }
}

/// Where a set of outputs comes from: for chart titles and subtitles.
#[derive(Clone, Debug, PartialEq)]
pub struct Caption {
    /// `--title`, else the scenario's name with the period run.
    pub title: String,
    /// Whether `title` was given (`--title`): charts with titles of their
    /// own ("Backtest: ...") use it as it is.
    pub given: bool,
    /// "busan-fitted.toml (strategies fitted to data/us-china-2025.csv ...)"
    /// or "busan.toml (hand-calibrated strategies)".
    pub source: String,
    /// The scenario file's name ("busan.toml").
    pub file: String,
    pub calendar: Option<Calendar>,
}

impl Caption {
    /// The caption of outputs of `sc`, read from `file` whose text is
    /// `text`, with the title `title` if given (`--title`).
    pub fn new(sc: &Scenario, file: &Path, text: &str, title: Option<&str>) -> Caption {
        let calendar = Calendar::of(sc);
        let name = file.file_name().map_or_else(|| sc.id.clone(), |n| n.to_string_lossy().into_owned());
        let how = match crate::calibrate::fitted_scenario::fit_origin(text) {
            Some(origin) => format!("strategies fitted to {origin}"),
            None => "hand-calibrated strategies".to_string(),
        };
        Caption {
            title: title.map_or_else(|| scenario_title(&sc.name, calendar.as_ref(), sc.rounds), str::to_string),
            given: title.is_some(),
            source: format!("{name} ({how})"),
            file: name,
            calendar,
        }
    }

    /// A caption with only a title (tests, charts without a scenario file).
    pub fn titled(title: &str) -> Caption {
        Caption { title: title.to_string(), given: true, source: String::new(), file: String::new(), calendar: None }
    }

    /// The title given with `--title`, else `default(title)`.
    pub fn title_or(&self, default: impl FnOnce(&str) -> String) -> String {
        if self.given { self.title.clone() } else { default(&self.title) }
    }

    /// "simulate 0.1.0 · seed 7": the line that says which program and
    /// which random numbers made a chart.
    pub fn stamp(seed: u64) -> String {
        format!("simulate {VERSION} · seed {seed}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_in_three_spellings() {
        let c = Calendar::parse("Nov 2025").unwrap();
        assert_eq!(Calendar::parse("November 2025"), Some(c));
        assert_eq!(Calendar::parse("2025-11"), Some(c));
        assert_eq!(c.month(1), "Nov 2025");
        assert_eq!(c.month(3), "Jan 2026");
        assert!(c.is_january(3));
        assert_eq!(c.period(6), "Nov 2025 – Apr 2026");
        assert_eq!(c.period(24), "Nov 2025 – Oct 2027");
        assert_eq!(Calendar::parse("round one"), None);
        assert_eq!(Calendar::parse("Q4 2025"), None);
    }

    #[test]
    fn titles_name_the_period_run() {
        let c = Calendar::parse("Nov 2025");
        assert_eq!(
            scenario_title("Busan truce, Nov 2025 – Oct 2027", c.as_ref(), 6),
            "Busan truce, Nov 2025 – Apr 2026"
        );
        assert_eq!(strip_period("US–China escalation, Jan – Dec 2025"), "US–China escalation");
        assert_eq!(strip_period("US–China trade war, Jan 2018 – Feb 2020"), "US–China trade war");
        assert_eq!(strip_period("April 2025 escalation (Liberation Day)"), "April 2025 escalation (Liberation Day)");
        assert_eq!(
            strip_period("Classic iterated prisoner's dilemma (TFT vs TFT, noise 0.05)"),
            "Classic iterated prisoner's dilemma (TFT vs TFT, noise 0.05)"
        );
        assert_eq!(scenario_title("Classic", None, 200), "Classic");
    }
}
