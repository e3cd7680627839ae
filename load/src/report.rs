//! Formatting of the results: sizes, per-class counts, medians and the Markdown tables the
//! flood and the bench print.

use std::time::Duration;

use crate::stats::Stats;

/// A size in KiB as MiB text.
pub(crate) fn kib(value: u64) -> String {
    format!("{:.1} MiB", value as f64 / 1024.0)
}

/// Requests and unexpected answers per request class.
pub(crate) fn print_classes(names: &[&str], stats: &Stats) {
    for (name, count) in names.iter().zip(&stats.classes) {
        println!(
            "    {name:<26} {:>10} requests, {} unexpected",
            count.requests, count.unexpected
        );
    }
}

/// The median of some values (the mean of the two middle ones for an even count).
pub(crate) fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// A latency in µs or ms, three significant digits.
pub(crate) fn latency(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.0} µs")
    }
}

/// A rate in requests per second, rounded to three significant digits.
pub(crate) fn rate(r: f64) -> String {
    if !r.is_finite() {
        return "—".into();
    }
    let digits = (r.abs().max(1.0)).log10().floor() as i32;
    let unit = 10f64.powi((digits - 2).max(0));
    format!("{:.0}", (r / unit).round() * unit)
}

/// A Markdown table.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n", header.join(" | "));
    let align: Vec<&str> = header
        .iter()
        .enumerate()
        .map(|(i, _)| if i == 0 { "---" } else { "---:" })
        .collect();
    out += &format!("|{}|\n", align.join("|"));
    for row in rows {
        out += &format!("| {} |\n", row.join(" | "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
        assert_eq!(rate(12_345.6), "12300");
        assert_eq!(rate(987.4), "987");
        assert_eq!(latency(Duration::from_micros(850)), "850 µs");
        assert_eq!(latency(Duration::from_micros(12_340)), "12.34 ms");
        assert_eq!(kib(2048), "2.0 MiB");
        let t = table(&["a", "b"], &[vec!["x".into(), "1".into()]]);
        assert_eq!(t, "| a | b |\n|---|---:|\n| x | 1 |\n");
    }
}
