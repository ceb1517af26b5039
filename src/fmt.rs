/*!
Number formatting shared by every output: CSV cells, labels, tables.
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
