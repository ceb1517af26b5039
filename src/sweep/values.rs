/*!
The values a swept parameter takes: a range `start:end:points` or a list
`v1,v2,...`.

Ranges are computed exactly: the endpoints are read as decimals (integer
mantissa and power of ten), point `i` is the rational
`start + i·(end − start)/(points − 1)`, and only that exact rational is rounded,
once, to the nearest `f64`. So `0:1:11` gives the very doubles `0.1`, `0.2`,
`0.3`, … that the literals denote (never `0.30000000000000004`, as repeated
addition or `i * 0.1` would).
*/

/// Most points one parameter may take.
pub const MAX_VALUES: usize = 10_000;

/// Parse a values specification. Errors are a reason, without the spec (the
/// caller names the parameter and the spec).
pub fn parse_values(spec: &str) -> Result<Vec<f64>, String> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Err("no values: give `start:end:points` or a list `a,b,c`".into());
    }
    let values = if spec.contains(':') { range(spec)? } else { list(spec)? };
    check_distinct(&values)?;
    Ok(values)
}

/// `start:end:points`.
fn range(spec: &str) -> Result<Vec<f64>, String> {
    let parts: Vec<&str> = spec.split(':').map(str::trim).collect();
    let [start, end, points] = parts.as_slice() else {
        return Err(format!("a range has three parts `start:end:points`, got {}", parts.len()));
    };
    let start = Decimal::parse(start)?;
    let end = Decimal::parse(end)?;
    let points: usize = points.parse().map_err(|_| format!("the number of points `{points}` is not a whole number"))?;
    if points == 0 {
        return Err("a range needs at least one point".into());
    }
    if points > MAX_VALUES {
        return Err(format!("{points} points in one range; at most {MAX_VALUES} are allowed"));
    }
    let scale = start.scale.max(end.scale);
    let (a, b) = (start.rescale(scale)?, end.rescale(scale)?);
    if points == 1 {
        return if a == b {
            Ok(vec![start.to_f64()])
        } else {
            Err("a range from one value to another needs at least 2 points".into())
        };
    }
    if a == b {
        return Err(format!("start and end are equal: {points} points would repeat one value"));
    }
    let steps = (points - 1) as i128;
    let den = pow10(scale)?.checked_mul(steps).ok_or_else(too_precise)?;
    (0..points as i128)
        .map(|i| {
            // start + i·(end − start)/steps, over the common denominator.
            let num = a
                .checked_mul(steps)
                .and_then(|x| b.checked_sub(a)?.checked_mul(i)?.checked_add(x))
                .ok_or_else(too_precise)?;
            Ok(ratio_to_f64(num, den))
        })
        .collect()
}

/// `a,b,c` (or a single value).
fn list(spec: &str) -> Result<Vec<f64>, String> {
    spec.split(',')
        .map(|item| {
            let item = item.trim();
            match item.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ if item.is_empty() => Err("empty item in the list".to_string()),
                _ => Err(format!("`{item}` is not a number")),
            }
        })
        .collect()
}

fn check_distinct(values: &[f64]) -> Result<(), String> {
    for (i, v) in values.iter().enumerate() {
        if values[..i].contains(v) {
            return Err(format!("the value {} appears twice", fmt_value(*v)));
        }
    }
    Ok(())
}

/// Check a list of values given as numbers (a sweep file's `values = [...]`).
pub fn check_list(values: Vec<f64>) -> Result<Vec<f64>, String> {
    if values.is_empty() {
        return Err("no values".into());
    }
    if let Some(v) = values.iter().find(|v| !v.is_finite()) {
        return Err(format!("`{v}` is not a finite number"));
    }
    check_distinct(&values)?;
    Ok(values)
}

/// A value as printed in CSV columns and messages: the shortest decimal that
/// reads back as the same `f64` ("0.1", "24", "-0.25"), never "-0".
pub fn fmt_value(v: f64) -> String {
    if v == 0.0 { "0".to_string() } else { format!("{v}") }
}

fn too_precise() -> String {
    "too many digits: use at most 18 significant digits and exponents within ±18".into()
}

/// `mantissa × 10^-scale`, exactly.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Decimal {
    mantissa: i128,
    scale: u32,
}

const MAX_DIGITS: usize = 18;

impl Decimal {
    /// `-12.5`, `0.05`, `3`, `1e-3`, `2.5E2`.
    fn parse(s: &str) -> Result<Decimal, String> {
        let bad = || format!("`{s}` is not a decimal number");
        let (body, exp) = match s.find(['e', 'E']) {
            Some(at) => (&s[..at], s[at + 1..].parse::<i32>().map_err(|_| bad())?),
            None => (s, 0),
        };
        let (negative, body) = match body.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, body.strip_prefix('+').unwrap_or(body)),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty() && frac.is_empty() || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let digits = format!("{int}{frac}");
        let digits = digits.trim_start_matches('0');
        if digits.len() > MAX_DIGITS || exp.unsigned_abs() > MAX_DIGITS as u32 {
            return Err(too_precise());
        }
        let mut mantissa: i128 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| bad())? };
        let mut scale = frac.len() as i64 - exp as i64;
        if scale < 0 {
            mantissa = mantissa.checked_mul(pow10(scale.unsigned_abs() as u32)?).ok_or_else(too_precise)?;
            scale = 0;
        }
        if negative {
            mantissa = -mantissa;
        }
        Ok(Decimal { mantissa, scale: scale as u32 })
    }

    fn rescale(self, scale: u32) -> Result<i128, String> {
        self.mantissa.checked_mul(pow10(scale - self.scale)?).ok_or_else(too_precise)
    }

    fn to_f64(self) -> f64 {
        ratio_to_f64(self.mantissa, 10i128.pow(self.scale))
    }
}

fn pow10(n: u32) -> Result<i128, String> {
    10i128.checked_pow(n).ok_or_else(too_precise)
}

/// The `f64` nearest to `num / den` (`den > 0`): the quotient is written out as
/// a decimal (exact when it terminates, else to 40 significant digits, far
/// beyond the 17 an `f64` holds) and read back with Rust's correctly rounded
/// parser.
fn ratio_to_f64(num: i128, den: i128) -> f64 {
    let (n, d) = (num.unsigned_abs(), den.unsigned_abs());
    let mut text = String::with_capacity(64);
    if num < 0 {
        text.push('-');
    }
    let int = n / d;
    let mut rem = n % d;
    text.push_str(&int.to_string());
    text.push('.');
    let mut significant = if int == 0 { 0 } else { int.to_string().len() };
    let mut fraction_digits = 0;
    while rem != 0 && significant < 40 && fraction_digits < 400 {
        rem *= 10;
        let digit = rem / d;
        rem %= d;
        text.push(char::from(b'0' + digit as u8));
        fraction_digits += 1;
        if significant > 0 || digit != 0 {
            significant += 1;
        }
    }
    text.push('0');
    text.parse().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_range_gives_the_literals() {
        let got = parse_values("0:1:11").unwrap();
        let want = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
        assert_eq!(got, want);
        let printed: Vec<String> = got.iter().map(|v| fmt_value(*v)).collect();
        assert_eq!(printed, ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"]);
    }

    #[test]
    fn ranges_are_exact_in_any_direction_and_scale() {
        assert_eq!(parse_values("0:0.2:11").unwrap()[3], 0.06);
        assert_eq!(parse_values("0:0.2:11").unwrap()[7], 0.14);
        assert_eq!(parse_values("1:0:5").unwrap(), [1.0, 0.75, 0.5, 0.25, 0.0]);
        assert_eq!(parse_values("-1:1:3").unwrap(), [-1.0, 0.0, 1.0]);
        assert_eq!(parse_values("1e-3:3e-3:3").unwrap(), [0.001, 0.002, 0.003]);
        assert_eq!(parse_values("10:40:4").unwrap(), [10.0, 20.0, 30.0, 40.0]);
        assert_eq!(parse_values("0.5:0.5:1").unwrap(), [0.5]);
        // Non-terminating steps round once, to the nearest double.
        assert_eq!(parse_values("0:1:4").unwrap(), [0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0]);
    }

    #[test]
    fn lists_keep_their_order() {
        assert_eq!(parse_values("0, 0.05,0.2").unwrap(), [0.0, 0.05, 0.2]);
        assert_eq!(parse_values("0.3").unwrap(), [0.3]);
    }

    #[test]
    fn bad_specs_say_why() {
        let err = |s: &str| parse_values(s).unwrap_err();
        assert!(err("").contains("no values"));
        assert!(err("0:1").contains("three parts"));
        assert!(err("0:1:0").contains("at least one point"));
        assert!(err("0:1:1").contains("at least 2 points"));
        assert!(err("0.2:0.2:3").contains("equal"));
        assert!(err("0:1:x").contains("whole number"));
        assert!(err("a:1:3").contains("`a` is not a decimal"));
        assert!(err("0:1:20000").contains("at most 10000"));
        assert!(err("0,,1").contains("empty item"));
        assert!(err("0,nan").contains("`nan` is not a number"));
        assert!(err("0.1,0.1").contains("0.1 appears twice"));
        assert!(err("0:1e40:3").contains("too many digits"));
    }

    #[test]
    fn decimals_parse_exactly() {
        assert_eq!(Decimal::parse("-12.50").unwrap(), Decimal { mantissa: -1250, scale: 2 });
        assert_eq!(Decimal::parse("2.5E2").unwrap(), Decimal { mantissa: 250, scale: 0 });
        assert_eq!(Decimal::parse(".5").unwrap(), Decimal { mantissa: 5, scale: 1 });
        assert!(Decimal::parse(".").is_err());
        assert!(Decimal::parse("1.2.3").is_err());
        assert_eq!(fmt_value(-0.0), "0");
        assert_eq!(fmt_value(24.0), "24");
    }
}
