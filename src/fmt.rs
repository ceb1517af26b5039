/*!
Number and text formatting shared by every output: CSV cells, tables, notes
and charts. One format per kind of figure, so the same number reads the same
everywhere:

| figure | format | example |
|---|---|---|
| a count (runs, points, cells) | digits grouped by thousands | `10,000` |
| a share of runs | percent, one decimal, never `0%` or `100%` unless exact | `9.5%`, `<0.1%` |
| an interval of a share | percent, one decimal, rounded outwards | `8.9–10.1%`, `<0.1%` |
| welfare, payoff (welfare units) | two decimals, `−` for minus | `−273.44` |
| an escalation index (0–1) | three decimals | `0.223` |
| a probability parameter (ε, μ, g) | two decimals | `0.13 [0.01, 0.42]` |
| a mean number of rounds | one decimal | `4.7` |
| a log-likelihood, AIC | two decimals | `−5.50` |

CSV cells keep full precision instead ([`num`]: at most 6 decimals, trailing
zeros trimmed).
*/

/// Format a number with at most `decimals` decimals, trimming trailing zeros;
/// empty for a non-finite number.
pub fn num(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" { "0".to_string() } else { s }
}

/// "10,000": digits grouped by thousands.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// "1 run", "10,000 runs".
pub fn count_of(n: u64, unit: &str) -> String {
    if n == 1 { format!("1 {unit}") } else { format!("{} {unit}s", count(n)) }
}

/// A share in [0, 1] as a percentage with one decimal, never rounding a
/// nonzero share to "0.0%" or a partial one to "100.0%": "<0.1%", ">99.9%".
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if !p.is_finite() {
        "–".to_string()
    } else if p <= 0.0 {
        "0%".to_string()
    } else if p < 0.05 {
        "<0.1%".to_string()
    } else if p >= 100.0 {
        "100%".to_string()
    } else if p >= 99.95 {
        ">99.9%".to_string()
    } else {
        format!("{p:.1}%")
    }
}

/// An interval of shares in percent, "8.9–10.1%": one decimal, rounded
/// outwards so that it never looks narrower than it is; "<0.1%" when it lies
/// below 0.1% (and is not exactly 0), ">99.9%" above 99.9%.
pub fn interval(lo: f64, hi: f64) -> String {
    if !(lo.is_finite() && hi.is_finite()) {
        return "–".to_string();
    }
    let (lo, hi) = (100.0 * lo.min(hi), 100.0 * lo.max(hi));
    if hi <= 0.0 {
        return "0%".to_string();
    }
    if hi < 0.1 {
        return "<0.1%".to_string();
    }
    if lo >= 100.0 {
        return "100%".to_string();
    }
    if lo > 99.9 {
        return ">99.9%".to_string();
    }
    // A tolerance keeps 12.0 from becoming 11.9 or 12.1 by representation error.
    let down = ((lo * 10.0) + 1e-9).floor() / 10.0;
    let up = (((hi * 10.0) - 1e-9).ceil() / 10.0).min(100.0);
    let end = |x: f64| if x <= 0.0 || x >= 100.0 { format!("{x:.0}") } else { format!("{x:.1}") };
    format!("{}–{}%", end(down), end(up))
}

/// `x` with `decimals` decimals and a true minus sign; "–" for none.
pub fn signed(x: Option<f64>, decimals: usize) -> String {
    match x {
        Some(v) if v.is_finite() => {
            let s = format!("{v:.decimals$}");
            // "-0.00" is zero.
            if s.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') {
                s.trim_start_matches('-').to_string()
            } else {
                s.replace('-', "−")
            }
        }
        _ => "–".to_string(),
    }
}

/// Welfare or payoff in welfare units: two decimals.
pub fn welfare(x: Option<f64>) -> String {
    signed(x, 2)
}

/// An escalation index in [0, 1]: three decimals (one entity-list batch
/// moves it by 0.003).
pub fn index(x: Option<f64>) -> String {
    signed(x, 3)
}

/// A probability parameter (ε, μ, generosity...): two decimals.
pub fn prob(x: f64) -> String {
    signed(Some(x), 2)
}

/// A mean number of rounds: one decimal.
pub fn rounds(x: f64) -> String {
    signed(Some(x), 1)
}

/// A log-likelihood, AIC or Akaike weight: two decimals.
pub fn stat(x: f64) -> String {
    signed(Some(x), 2)
}

/// Width of `s` in terminal columns (characters; the outputs use no wide
/// characters).
pub fn columns(s: &str) -> usize {
    s.chars().count()
}

/// `text` with every line wider than `width` columns broken at spaces;
/// continuation lines take the line's indentation plus two spaces. A word
/// wider than a line stays whole.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        if columns(body) <= width {
            out.push_str(line);
            continue;
        }
        let indent = body.len() - body.trim_start_matches(' ').len();
        let hang = " ".repeat(indent + 2);
        let mut current = " ".repeat(indent);
        let mut fresh = true;
        for word in body[indent..].split(' ').filter(|w| !w.is_empty()) {
            if !fresh && columns(&current) + 1 + columns(word) > width {
                out.push_str(current.trim_end());
                out.push('\n');
                current = hang.clone();
                fresh = true;
            }
            if !fresh {
                current.push(' ');
            }
            current.push_str(word);
            fresh = false;
        }
        out.push_str(current.trim_end());
        out.push_str(newline);
    }
    out
}

/// The widest line of `text`, in columns.
pub fn max_columns(text: &str) -> usize {
    text.lines().map(columns).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(10_000), "10,000");
        assert_eq!(count(50_000_000), "50,000,000");
        assert_eq!(count_of(1, "run"), "1 run");
        assert_eq!(count_of(589_824, "run"), "589,824 runs");
    }

    #[test]
    fn shares_never_round_to_zero_or_one() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.000384), "<0.1%");
        assert_eq!(percent(0.0949), "9.5%");
        assert_eq!(percent(0.99999), ">99.9%");
        assert_eq!(percent(1.0), "100%");
    }

    #[test]
    fn intervals_round_outwards_and_never_read_zero() {
        assert_eq!(interval(0.0, 0.000384), "<0.1%");
        assert_eq!(interval(0.0, 0.0), "0%");
        assert_eq!(interval(0.0, 0.0019), "0–0.2%");
        assert_eq!(interval(0.0889, 0.1004), "8.8–10.1%");
        assert_eq!(interval(0.12, 0.15), "12.0–15.0%");
        assert_eq!(interval(0.9991, 1.0), ">99.9%");
        assert_eq!(interval(0.995, 1.0), "99.5–100%");
    }

    #[test]
    fn signed_numbers_use_a_true_minus() {
        assert_eq!(welfare(Some(-273.439)), "−273.44");
        assert_eq!(welfare(Some(-0.001)), "0.00");
        assert_eq!(welfare(None), "–");
        assert_eq!(prob(0.133), "0.13");
    }

    #[test]
    fn long_lines_wrap_with_a_hanging_indent() {
        let text = "short\n  one two three four five six\n";
        assert_eq!(wrap(text, 15), "short\n  one two three\n    four five\n    six\n");
        assert_eq!(wrap("averyveryverylongword x", 5), "averyveryverylongword\n  x");
        assert!(max_columns(&wrap(&"word ".repeat(100), 40)) <= 40);
    }
}
