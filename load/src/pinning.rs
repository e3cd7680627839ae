//! `bench --wrk --pin`: the server on one CPU of its own and wrk on the others, so that neither
//! runs on the other's core. The example binaries size their runtimes to the CPUs they may run
//! on, so a pinned server runs one worker; its req/s is then what one core serves, and the
//! ratio of two rows is the ratio of their cost on that core, while wrk (one thread per CPU
//! left) no longer takes turns with the server on the same core.

use std::process::Command;

use crate::Fallible;

/// Where the server and wrk run: CPU ids as `taskset -c` takes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pinning {
    /// The server's one CPU: the last this process may run on.
    pub(crate) server: u32,
    /// The other CPUs, for wrk.
    pub(crate) client: Vec<u32>,
}

impl Pinning {
    /// The CPUs this process may run on (`Cpus_allowed_list` of `/proc/self/status`), split:
    /// the last for the server, the others for wrk. Needs at least two.
    pub(crate) fn plan() -> Fallible<Pinning> {
        let status = std::fs::read_to_string("/proc/self/status")
            .map_err(|e| format!("--pin: cannot read /proc/self/status: {e}"))?;
        let list = status
            .lines()
            .find_map(|line| line.strip_prefix("Cpus_allowed_list:"))
            .ok_or("--pin: /proc/self/status has no Cpus_allowed_list")?;
        Self::split(&cpu_list(list.trim())?)
    }

    fn split(cpus: &[u32]) -> Fallible<Pinning> {
        match cpus.split_last() {
            Some((&server, client)) if !client.is_empty() => Ok(Pinning {
                server,
                client: client.to_vec(),
            }),
            _ => Err(format!(
                "--pin needs at least two CPUs; this process may run on {cpus:?}"
            )),
        }
    }

    /// `program` run through `taskset` on the server's CPU.
    pub(crate) fn server_command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        taskset(&self.server.to_string(), program)
    }

    /// `program` run through `taskset` on wrk's CPUs.
    pub(crate) fn client_command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let list: Vec<String> = self.client.iter().map(u32::to_string).collect();
        taskset(&list.join(","), program)
    }

    /// wrk's threads: one per CPU of its own.
    pub(crate) fn client_threads(&self) -> usize {
        self.client.len()
    }

    /// For the bench's heading.
    pub(crate) fn describe(&self) -> String {
        let list: Vec<String> = self.client.iter().map(u32::to_string).collect();
        format!(
            "server on CPU {}, wrk on CPU {}",
            self.server,
            list.join(",")
        )
    }
}

/// `taskset -c cpus program`: taskset sets the affinity and executes `program` in its own
/// process, so the child's pid is the program's.
fn taskset(cpus: &str, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = Command::new("taskset");
    command.arg("-c").arg(cpus).arg(program);
    command
}

/// `0-1`, `0,2-3` → the CPU ids, ascending.
fn cpu_list(list: &str) -> Fallible<Vec<u32>> {
    let bad = || format!("--pin: cannot read the CPU list {list:?}");
    let mut cpus = Vec::new();
    for part in list.split(',').map(str::trim) {
        let (first, last): (u32, u32) = match part.split_once('-') {
            Some((a, b)) => (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?),
            None => {
                let cpu = part.parse().map_err(|_| bad())?;
                (cpu, cpu)
            }
        };
        if first > last || last - first > 4096 {
            return Err(bad());
        }
        cpus.extend(first..=last);
    }
    cpus.sort_unstable();
    cpus.dedup();
    Ok(cpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cpu_lists() {
        assert_eq!(cpu_list("0-1"), Ok(vec![0, 1]));
        assert_eq!(cpu_list("0,2-3"), Ok(vec![0, 2, 3]));
        assert_eq!(cpu_list("5"), Ok(vec![5]));
        assert!(cpu_list("").is_err());
        assert!(cpu_list("3-1").is_err());
        assert!(cpu_list("a").is_err());
    }

    #[test]
    fn the_last_cpu_serves_and_the_others_drive() {
        let pinning = Pinning::split(&[0, 1]).unwrap();
        assert_eq!((pinning.server, pinning.client.clone()), (1, vec![0]));
        assert_eq!(pinning.client_threads(), 1);
        assert_eq!(pinning.describe(), "server on CPU 1, wrk on CPU 0");
        let pinning = Pinning::split(&[0, 2, 3]).unwrap();
        assert_eq!((pinning.server, pinning.client), (3, vec![0, 2]));
        assert!(Pinning::split(&[0]).is_err());
        assert!(Pinning::split(&[]).is_err());
    }

    #[test]
    fn this_process_can_be_planned_or_says_why_not() {
        match Pinning::plan() {
            Ok(pinning) => assert!(!pinning.client.is_empty()),
            Err(message) => assert!(message.contains("--pin"), "{message}"),
        }
    }
}
