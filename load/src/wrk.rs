//! `bench --wrk`: the per-route comparison driven by wrk (`-t2`, the given connections) instead
//! of the harness's own client. wrk costs the machine a few µs per request, the same for every
//! row, so on a 2-core box the server's share of the difference between rows shows better.
//! The rows are those of the bench that wrk can send: the same header every time, or (through a
//! Lua script) a bad signature never sent before on every request. The unique-token row needs
//! single-use tokens minted ahead and stays with the harness's client.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::Fallible;
use crate::child::Server;
use crate::pinning::Pinning;
use crate::rounds::{Sample, progress, schedule};

/// What a wrk row sends and expects.
pub(crate) struct WrkRow {
    /// The row's name in the table.
    pub(crate) name: String,
    /// The path requested.
    pub(crate) path: &'static str,
    /// The `Authorization` value, when the same one is sent every time.
    pub(crate) authorization: Option<String>,
    /// A Lua script that builds every request (instead of `authorization`).
    pub(crate) script: Option<PathBuf>,
    /// Whether every answer must be 2xx (else every answer must not be).
    pub(crate) expect_ok: bool,
}

/// The parts of wrk's report the bench uses.
#[derive(Debug, Default, PartialEq)]
struct Report {
    requests: u64,
    rate: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
    socket_errors: u64,
}

/// The Lua script of the fresh-bad-signature row: `token` with characters 2–7 of its
/// signature replaced per request by a counter unique across wrk's threads (the last
/// characters carry padding bits and stay), so that no signature is ever sent twice.
pub(crate) fn fresh_signature_script(dir: &Path, token: &str) -> Fallible<PathBuf> {
    let dot = token.rfind('.').ok_or("the token has no signature")?;
    if token.len() - dot < 12 {
        return Err("the token's signature is too short".into());
    }
    let (head, sig) = token.split_at(dot + 1);
    let script = format!(
        r#"-- A bad signature never sent before, on every request.
local head = "{head}"
local sig = "{sig}"
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local threads = 0
local id = 0
local n = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  id = tonumber(wrk.thread:get("id")) or 0
end

function request()
  n = n + 1
  local v = n * 64 + id
  local chars = {{}}
  for i = 1, 6 do
    local d = v % 64
    chars[i] = alphabet:sub(d + 1, d + 1)
    v = math.floor(v / 64)
  end
  local s = sig:sub(1, 1) .. table.concat(chars) .. sig:sub(8)
  return wrk.format("GET", "/api/private", {{ ["Authorization"] = "Bearer " .. head .. s }})
end
"#
    );
    let path = dir.join("fresh-bad-signature.lua");
    std::fs::write(&path, script).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Runs `rounds` interleaved rounds of `seconds`-long wrk bursts; samples by
/// `[server][row][round]`, without the client's CPU (wrk's is not measured).
pub(crate) fn interleave(
    servers: &[Server],
    rows: &[WrkRow],
    rounds: usize,
    seconds: Duration,
    connections: usize,
    pinning: Option<&Pinning>,
) -> Fallible<Vec<Vec<Vec<Sample>>>> {
    let mut samples = vec![vec![Vec::with_capacity(rounds); rows.len()]; servers.len()];
    for (round, r, s) in schedule(rounds, rows.len(), servers.len()) {
        let server = &servers[s];
        let row = &rows[r];
        let before = server.cpu_micros()?;
        let report = run_wrk(server, row, seconds, connections, pinning)?;
        let after = server.cpu_micros()?;
        let wrong = report.socket_errors
            + if row.expect_ok {
                report.non_2xx
            } else {
                report.requests.saturating_sub(report.non_2xx)
            };
        let sample = Sample {
            rate: report.rate,
            cpu: after.saturating_sub(before) as f64 / report.requests.max(1) as f64,
            client_cpu: f64::NAN,
            p50: Duration::from_secs_f64(report.p50_ms / 1e3),
            p99: Duration::from_secs_f64(report.p99_ms / 1e3),
            rss: server.rss_kib()?,
            wrong,
        };
        progress(round, rounds, &server.name, &row.name, &sample);
        samples[s][r].push(sample);
    }
    Ok(samples)
}

fn run_wrk(
    server: &Server,
    row: &WrkRow,
    seconds: Duration,
    connections: usize,
    pinning: Option<&Pinning>,
) -> Fallible<Report> {
    let (mut command, threads) = match pinning {
        Some(pinning) => (pinning.client_command("wrk"), pinning.client_threads()),
        None => (Command::new("wrk"), 2),
    };
    command
        .arg(format!("-t{threads}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", seconds.as_secs()))
        .arg("--latency");
    if let Some(value) = &row.authorization {
        command.arg("-H").arg(format!("Authorization: {value}"));
    }
    if let Some(script) = &row.script {
        command.arg("-s").arg(script);
    }
    command.arg(format!("http://{}{}", server.addr, row.path));
    let output = command
        .output()
        .map_err(|e| format!("cannot run wrk: {e} (scripts/load installs it)"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "wrk failed: {}\n{text}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    parse(&text).ok_or_else(|| format!("cannot read wrk's report:\n{text}"))
}

/// Reads wrk's report (`--latency`).
fn parse(text: &str) -> Option<Report> {
    let mut report = Report::default();
    let mut requests = None;
    let mut rate = None;
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", r] => rate = r.parse().ok(),
            [n, "requests", "in", ..] => requests = n.parse().ok(),
            ["50%", t] => report.p50_ms = millis(t)?,
            ["99%", t] => report.p99_ms = millis(t)?,
            ["Non-2xx", "or", "3xx", "responses:", n] => report.non_2xx = n.parse().ok()?,
            ["Socket", "errors:", rest @ ..] => {
                report.socket_errors = rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum();
            }
            _ => {}
        }
    }
    report.requests = requests?;
    report.rate = rate?;
    Some(report)
}

/// `812.00us`, `3.45ms`, `1.02s` → milliseconds.
fn millis(t: &str) -> Option<f64> {
    let (number, scale) = if let Some(n) = t.strip_suffix("us") {
        (n, 1e-3)
    } else if let Some(n) = t.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1e3)
    } else {
        return None;
    };
    Some(number.parse::<f64>().ok()? * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_wrk_report() {
        let text = "Running 2s test @ http://127.0.0.1:3999/api/private
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.95ms  551.79us  10.11ms   77.68%
    Req/Sec    16.49k     1.24k   18.46k    77.50%
  Latency Distribution
     50%    1.86ms
     75%    2.16ms
     90%    2.52ms
     99%    3.67ms
  65603 requests in 2.00s, 13.32MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 65603
Requests/sec:  32761.44
Transfer/sec:      6.65MB
";
        assert_eq!(
            parse(text),
            Some(Report {
                requests: 65603,
                rate: 32761.44,
                p50_ms: 1.86,
                p99_ms: 3.67,
                non_2xx: 65603,
                socket_errors: 3,
            })
        );
        assert_eq!(millis("812.00us"), Some(0.812));
        assert_eq!(millis("1.5s"), Some(1500.0));
        assert_eq!(parse("garbage"), None);
    }
}
