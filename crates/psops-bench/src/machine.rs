//! The machine a run measured: CPU model and cores, memory and operating system, read from
//! /proc and /etc/os-release, so figures from different machines are never compared blind.

#[derive(Debug, Clone)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory: String,
    pub os: String,
}

pub fn describe() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let os_release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let os = field(&os_release, "PRETTY_NAME", '=')
        .map(|s| s.trim_matches('"').to_string())
        .unwrap_or_else(|| "unknown".to_string());
    Machine {
        cpu: field(&cpuinfo, "model name", ':').unwrap_or_else(|| "unknown".to_string()),
        cores: std::thread::available_parallelism().map_or(1, usize::from),
        memory: field(&meminfo, "MemTotal", ':')
            .and_then(|v| v.split_whitespace().next().and_then(|k| k.parse::<u64>().ok()))
            .map_or_else(
                || "unknown".to_string(),
                |kib| format!("{:.1} GiB", kib as f64 / 1024.0 / 1024.0),
            ),
        os: format!("{os}, Linux {}", kernel.trim()),
    }
}

/// The value of the first `name<sep>value` line.
fn field(text: &str, name: &str, sep: char) -> Option<String> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(sep)?;
        (k.trim() == name).then(|| v.trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_from_proc_style_text() {
        let cpu = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n";
        assert_eq!(field(cpu, "model name", ':').as_deref(), Some("AMD EPYC 7B13"));
        assert_eq!(field("NAME=\"Debian\"\n", "NAME", '=').as_deref(), Some("\"Debian\""));
        assert_eq!(field("", "x", ':'), None);
        let m = describe();
        assert!(m.cores >= 1);
    }
}
