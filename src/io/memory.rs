//! How much more memory this process can take before the system, or the control group it runs
//! in, has none left. A load checks it as it goes, so a file too big for the machine ends with
//! a message naming it instead of the kernel's out-of-memory killer ending the app.
//!
//! Linux only: the system's `MemAvailable` (`/proc/meminfo`) and, when the process runs under a
//! memory limit (cgroup v1 or v2, as in containers and systemd slices), that limit less what
//! the group uses, page cache it can reclaim not counted. Elsewhere nothing is known and
//! nothing is checked.

use std::path::{Path, PathBuf};

/// Memory still free for this process, and what bounds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Headroom {
    /// Bytes the process can still take.
    pub bytes: u64,
    /// What runs out first.
    pub bound: Bound,
}

/// What bounds a process's memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// The machine's memory (`MemAvailable`).
    System,
    /// A memory limit on the process's control group.
    ControlGroup,
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Bound::System => "of the system's memory",
            Bound::ControlGroup => "under this process's memory limit (its control group)",
        })
    }
}

/// The memory this process can still take now; `None` when the system does not say.
pub fn headroom() -> Option<Headroom> {
    let system = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| meminfo_available(&t))
        .map(|bytes| Headroom {
            bytes,
            bound: Bound::System,
        });
    let group = std::fs::read_to_string("/proc/self/cgroup")
        .ok()
        .and_then(|t| cgroup_headroom(&t, Path::new("/sys/fs/cgroup")))
        .map(|bytes| Headroom {
            bytes,
            bound: Bound::ControlGroup,
        });
    match (system, group) {
        (Some(s), Some(g)) => Some(if g.bytes < s.bytes { g } else { s }),
        (s, g) => s.or(g),
    }
}

/// `MemAvailable` from the text of `/proc/meminfo`, in bytes.
fn meminfo_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

/// The least headroom under the memory limits of the process's control groups, given the text
/// of `/proc/self/cgroup` and where the hierarchies are mounted; `None` when no limit is set.
fn cgroup_headroom(proc_cgroup: &str, root: &Path) -> Option<u64> {
    let mut least: Option<u64> = None;
    for line in proc_cgroup.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let relative = path.trim_start_matches('/');
        let found = if controllers.split(',').any(|c| c == "memory") {
            v1_headroom(&root.join("memory").join(relative))
        } else if controllers.is_empty() {
            // cgroup v2: mounted at the root, or beside v1 as `unified`.
            v2_headroom(root, relative).or_else(|| v2_headroom(&root.join("unified"), relative))
        } else {
            None
        };
        if let Some(h) = found {
            least = Some(least.map_or(h, |l| l.min(h)));
        }
    }
    least
}

/// cgroup v1: the hierarchical limit (the least of the group's and its parents') less what the
/// group uses, inactive page cache not counted.
fn v1_headroom(group: &Path) -> Option<u64> {
    let stat = std::fs::read_to_string(group.join("memory.stat")).ok()?;
    let limit = stat_value(&stat, "hierarchical_memory_limit")
        .or_else(|| read_number(&group.join("memory.limit_in_bytes")))?;
    // No limit reads as a number near 2⁶³.
    if limit >= 1 << 62 {
        return None;
    }
    let usage = read_number(&group.join("memory.usage_in_bytes"))?;
    let cache = stat_value(&stat, "total_inactive_file").unwrap_or(0);
    Some(limit.saturating_sub(usage.saturating_sub(cache)))
}

/// cgroup v2: the least, over the group and its parents up to `root`, of `memory.max` less
/// `memory.current` (inactive page cache not counted).
fn v2_headroom(root: &Path, relative: &str) -> Option<u64> {
    let mut least: Option<u64> = None;
    let mut group: PathBuf = root.join(relative);
    loop {
        let limit = std::fs::read_to_string(group.join("memory.max"))
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok());
        if let (Some(limit), Some(current)) = (limit, read_number(&group.join("memory.current"))) {
            let cache = std::fs::read_to_string(group.join("memory.stat"))
                .ok()
                .and_then(|s| stat_value(&s, "inactive_file"))
                .unwrap_or(0);
            let h = limit.saturating_sub(current.saturating_sub(cache));
            least = Some(least.map_or(h, |l| l.min(h)));
        }
        if group == root || !group.pop() || !group.starts_with(root) {
            return least;
        }
    }
}

/// A file holding one number.
fn read_number(path: &Path) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// The value of `key` in a `memory.stat` text (`key value` lines).
fn stat_value(stat: &str, key: &str) -> Option<u64> {
    stat.lines().find_map(|l| {
        let (k, v) = l.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok()).flatten()
    })
}

/// Bytes as a person reads them: "840 MB", "12.3 GB".
pub fn human_bytes(bytes: u64) -> String {
    let mb = bytes as f64 / 1e6;
    if mb < 1000.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{:.1} GB", mb / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mem_available_in_bytes() {
        let text = "MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   22608688 kB\n";
        assert_eq!(meminfo_available(text), Some(22_608_688 * 1024));
        assert_eq!(meminfo_available("MemTotal: 5 kB\n"), None);
    }

    #[test]
    fn a_v1_limit_counts_use_less_reclaimable_cache() {
        let root = tempfile::tempdir().expect("tmp");
        let group = root.path().join("memory/app/one");
        std::fs::create_dir_all(&group).expect("mkdir");
        std::fs::write(group.join("memory.limit_in_bytes"), "9223372036854771712\n").unwrap();
        std::fs::write(group.join("memory.usage_in_bytes"), "700000000\n").unwrap();
        // A parent's limit of 1 GB binds, and 100 MB of the use is inactive cache.
        std::fs::write(
            group.join("memory.stat"),
            "cache 5\nhierarchical_memory_limit 1000000000\ntotal_inactive_file 100000000\n",
        )
        .unwrap();
        let cgroup = "4:memory:/app/one\n3:cpu:/\n";
        assert_eq!(cgroup_headroom(cgroup, root.path()), Some(400_000_000));
        // No limit anywhere: nothing is known from the group.
        std::fs::write(
            group.join("memory.stat"),
            "hierarchical_memory_limit 9223372036854771712\n",
        )
        .unwrap();
        assert_eq!(cgroup_headroom(cgroup, root.path()), None);
    }

    #[test]
    fn a_v2_limit_is_the_least_over_the_group_and_its_parents() {
        let root = tempfile::tempdir().expect("tmp");
        let parent = root.path().join("user.slice");
        let group = parent.join("app.scope");
        std::fs::create_dir_all(&group).expect("mkdir");
        std::fs::write(group.join("memory.max"), "max\n").unwrap();
        std::fs::write(group.join("memory.current"), "300000000\n").unwrap();
        std::fs::write(parent.join("memory.max"), "2000000000\n").unwrap();
        std::fs::write(parent.join("memory.current"), "1500000000\n").unwrap();
        std::fs::write(
            parent.join("memory.stat"),
            "anon 1\ninactive_file 200000000\n",
        )
        .unwrap();
        let cgroup = "0::/user.slice/app.scope\n";
        assert_eq!(cgroup_headroom(cgroup, root.path()), Some(700_000_000));
        assert_eq!(cgroup_headroom("0::/\n", root.path()), None);
    }

    #[test]
    fn this_machine_reports_some_headroom() {
        // Linux always has /proc/meminfo.
        let h = headroom().expect("Linux reports its memory");
        assert!(h.bytes > 0);
    }

    #[test]
    fn bytes_read_as_megabytes_then_gigabytes() {
        assert_eq!(human_bytes(840_000_000), "840 MB");
        assert_eq!(human_bytes(12_340_000_000), "12.3 GB");
    }
}
