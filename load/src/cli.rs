//! Command-line options of the harness.

use std::path::PathBuf;
use std::time::Duration;

use crate::Fallible;
use crate::child::default_binaries;

/// Printed with any usage error.
pub(crate) const USAGE: &str = "\
usage: auth0-load soak  [SECONDS] [options]   (default 60, at least 60: the whole soak per binary)
       auth0-load flood [SECONDS] [options]   (default 2: the length of one burst)
       auth0-load bench [SECONDS] [options]   (default 3: the length of one burst)
       auth0-load coldstart [options]         (process start to the first 200, --rounds starts)
options:
  --bin PATH           an example binary to drive (repeatable; default: axum-api and
                       actix-api next to this program)
  --connections N      persistent connections (soak 256, flood and bench 64)
  --rounds N           interleaved rounds for flood and bench (default 5, at least 5)
  --unique N           soak: unique tokens minted per signing key (default 4000);
                       bench: unique tokens per burst (default 12000)
  --seed N             seed of the workload (default 1)
  --client-threads N   threads of the load client (default 1)
  --wrk                bench: drive the bursts with wrk (-t2) instead of the harness's client
                       (the rows wrk can send; scripts/load installs wrk)
  --pin                bench --wrk: each binary on the last CPU alone (one worker), wrk on the
                       others (one thread each), through taskset";

/// Which run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Command {
    /// Mixed workload under rotation and outages, pass or fail.
    Soak,
    /// Refusal floods compared.
    Flood,
    /// Per-route cost.
    Bench,
    ColdStart,
}

/// Parsed options.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    /// The run.
    pub(crate) command: Command,
    /// Soak: the whole soak; flood and bench: one burst.
    pub(crate) seconds: Duration,
    /// The binaries to drive.
    pub(crate) binaries: Vec<PathBuf>,
    /// Persistent connections.
    pub(crate) connections: usize,
    /// Interleaved rounds (flood, bench).
    pub(crate) rounds: usize,
    /// Unique tokens (see `USAGE`).
    pub(crate) unique: usize,
    /// Workload seed.
    pub(crate) seed: u64,
    /// Client runtime threads.
    pub(crate) client_threads: usize,
    pub(crate) wrk: bool,
    /// `bench --wrk`: the server and wrk each on CPUs of their own.
    pub(crate) pin: bool,
}

/// Parses the arguments after the program name.
pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Fallible<Options> {
    let mut args = args.into_iter();
    let command = match args.next().as_deref() {
        Some("soak") => Command::Soak,
        Some("flood") => Command::Flood,
        Some("bench") => Command::Bench,
        Some("coldstart") => Command::ColdStart,
        Some(other) => return Err(format!("unknown command {other:?}")),
        None => return Err("no command".into()),
    };
    let (seconds, connections, unique) = match command {
        Command::Soak => (60, 256, 4000),
        Command::Flood => (2, 64, 0),
        Command::Bench => (3, 64, 12_000),
        Command::ColdStart => (1, 1, 0),
    };
    let mut options = Options {
        command,
        seconds: Duration::from_secs(seconds),
        binaries: Vec::new(),
        connections,
        rounds: 5,
        unique,
        seed: 1,
        client_threads: 1,
        wrk: false,
        pin: false,
    };
    let mut seconds_given = false;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--bin" => options.binaries.push(PathBuf::from(value("--bin")?)),
            "--connections" => options.connections = number(&value("--connections")?)?,
            "--rounds" => options.rounds = number(&value("--rounds")?)?,
            "--unique" => options.unique = number(&value("--unique")?)?,
            "--seed" => options.seed = number(&value("--seed")?)?,
            "--client-threads" => options.client_threads = number(&value("--client-threads")?)?,
            "--wrk" => options.wrk = true,
            "--pin" => options.pin = true,
            s if !seconds_given && !s.starts_with('-') => {
                options.seconds = Duration::from_secs(number(s)?);
                seconds_given = true;
            }
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    if options.binaries.is_empty() {
        options.binaries = default_binaries()?;
    }
    check(&options)?;
    Ok(options)
}

fn check(o: &Options) -> Fallible<()> {
    if o.command == Command::Soak && o.seconds < Duration::from_secs(60) {
        return Err("a soak lasts at least 60 seconds".into());
    }
    if o.command != Command::Soak && !(1..=30).contains(&o.seconds.as_secs()) {
        return Err("a burst lasts 1 to 30 seconds".into());
    }
    if o.seconds > Duration::from_secs(3600) {
        return Err("at most 3600 seconds".into());
    }
    if !(1..=4096).contains(&o.connections) {
        return Err("--connections must be 1 to 4096".into());
    }
    if o.command != Command::Soak && !(5..=100).contains(&o.rounds) {
        return Err("--rounds must be 5 to 100".into());
    }
    if o.wrk && o.command != Command::Bench {
        return Err("--wrk is for the bench".into());
    }
    if o.pin && !o.wrk {
        return Err("--pin is for bench --wrk".into());
    }
    if !(1..=64).contains(&o.client_threads) {
        return Err("--client-threads must be 1 to 64".into());
    }
    if o.unique > 1_000_000 {
        return Err("--unique is at most 1000000".into());
    }
    if let Some(missing) = o.binaries.iter().find(|b| !b.is_file()) {
        return Err(format!(
            "{} not found: build it first (cargo build --release -p axum-api -p actix-api)",
            missing.display()
        ));
    }
    Ok(())
}

fn number<T: std::str::FromStr>(text: &str) -> Fallible<T> {
    text.parse()
        .map_err(|_| format!("{text:?} is not a valid number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        // An existing file stands in for the binaries.
        v.extend(["--bin".into(), "Cargo.toml".into()]);
        v
    }

    #[test]
    fn defaults_and_values() {
        let o = parse(args(&["soak"])).unwrap();
        assert_eq!(o.command, Command::Soak);
        assert_eq!(o.seconds, Duration::from_secs(60));
        assert_eq!(o.connections, 256);
        let o = parse(args(&["bench", "2", "--connections", "8", "--rounds", "6"])).unwrap();
        assert_eq!((o.seconds.as_secs(), o.connections, o.rounds), (2, 8, 6));
        assert!(parse(args(&["soak", "30"])).is_err());
        assert!(parse(args(&["flood", "--rounds", "2"])).is_err());
        assert!(parse(args(&["nope"])).is_err());
        assert!(parse(args(&["flood", "2", "3"])).is_err());
        assert!(parse(args(&["bench", "--wrk", "--pin"])).unwrap().pin);
        assert!(parse(args(&["bench", "--pin"])).is_err());
    }
}
