//! A `psops serve` the bench started: on port 0, its address read from the line it
//! prints, its peak memory read from /proc, and stopped by its own process id — with
//! SIGTERM first, so it closes its database as in production.

use std::fs::File;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

/// How long a server may take to migrate and start listening.
const START_TIMEOUT: Duration = Duration::from_secs(300);

pub struct Server {
    child: Option<Child>,
    pub addr: String,
    log: PathBuf,
}

impl Server {
    pub fn start(psops: &Path, database_url: &str, log: &Path) -> Result<Server> {
        let err_file = File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
        let mut child = Command::new(psops)
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--log",
                "warn",
                "--database-url",
                database_url,
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(err_file))
            .spawn()
            .with_context(|| format!("cannot start {} serve", psops.display()))?;
        let stdout = child.stdout.take().context("no stdout from psops serve")?;
        let (tx, rx) = mpsc::channel();
        // Reads every line the server prints for as long as it runs, so it never blocks
        // on a full pipe; the first `listening on` line goes to the bench.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = line.strip_prefix("listening on http://") {
                    let _ = tx.send(addr.trim().to_string());
                }
            }
        });
        let mut server = Server {
            child: Some(child),
            addr: String::new(),
            log: log.to_path_buf(),
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(addr) => {
                    server.addr = addr;
                    return Ok(server);
                }
                Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() < deadline => {
                    if let Some(status) = server.child_mut()?.try_wait().context("cannot check on psops serve")? {
                        bail!("psops serve exited ({status}) before listening: {}", server.log_tail());
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    // Its stdout closed without the line: it exited, or is about to.
                    let status = server.child_mut()?.wait().context("cannot wait for psops serve")?;
                    bail!("psops serve exited ({status}) before listening: {}", server.log_tail());
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    bail!(
                        "psops serve did not start listening within {START_TIMEOUT:?}: {}",
                        server.log_tail()
                    )
                }
            }
        }
    }

    fn child_mut(&mut self) -> Result<&mut Child> {
        self.child.as_mut().context("the server was already stopped")
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The most memory the process has held so far (VmHWM), in bytes.
    pub fn peak_rss(&self) -> Result<u64> {
        let pid = self.pid().context("the server was already stopped")?;
        let path = format!("/proc/{pid}/status");
        let status = std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
        parse_vm_hwm(&status).with_context(|| format!("no VmHWM line in {path}"))
    }

    /// SIGTERM, then a wait for the graceful shutdown; SIGKILL if it does not come.
    pub fn stop(mut self) -> Result<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let pid = child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(40);
        while Instant::now() < deadline {
            if let Some(status) = child.try_wait().context("cannot wait for psops serve")? {
                if !status.success() {
                    bail!("psops serve stopped with {status}: {}", self.log_tail());
                }
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        bail!("psops serve did not stop within 40 s of SIGTERM and was killed")
    }

    pub fn log_tail(&self) -> String {
        std::fs::read(&self.log)
            .map(|b| crate::tools::tail(&b))
            .unwrap_or_else(|e| format!("(cannot read {}: {e})", self.log.display()))
    }
}

impl Drop for Server {
    /// A bench that fails half-way leaves no server behind.
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_memory_is_read_from_the_status_file() {
        let status = "Name:\tpsops\nVmPeak:\t  300000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   40000 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(51200 * 1024));
        assert_eq!(parse_vm_hwm("Name:\tx\n"), None);
    }

    #[test]
    fn a_server_that_exits_early_is_an_error_with_its_log() {
        let dir = std::env::temp_dir().join(format!("psops-bench-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let log = dir.join("serve.log");
        // `false` exits at once, printing nothing: the bench must say so, not hang.
        let err = Server::start(Path::new("false"), "sqlite://x.db", &log)
            .err()
            .expect("fails");
        assert!(format!("{err}").contains("before listening"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
