//! The programs the bench drives: finding them (installing Debian packages and the Python
//! packages of the bench's virtual environment when missing), running them, and turning a
//! failure into an error that names the program, its arguments and the end of what it printed.

use std::ffi::OsStr;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

/// The executable `name` on `PATH`, if any.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Makes sure `program` exists, installing Debian's `package` with apt-get when it does not.
pub fn ensure_apt(program: &str, package: &str) -> Result<PathBuf> {
    if let Some(p) = which(program) {
        return Ok(p);
    }
    if which("apt-get").is_none() {
        bail!("`{program}` is missing and apt-get is not available: install the `{package}` package");
    }
    eprintln!("psops-bench: `{program}` is missing; installing `{package}` with apt-get");
    let status = Command::new("apt-get")
        .args(["install", "-y", "-q", package])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdin(Stdio::null())
        .status()
        .context("cannot run apt-get")?;
    if !status.success() {
        bail!("`apt-get install -y {package}` failed ({status}); install it by hand (as root) and run again");
    }
    which(program).with_context(|| format!("`{program}` is still missing after installing `{package}`"))
}

/// Checks that the psops binary exists and has the commands the bench drives.
pub fn ensure_psops(psops: &Path) -> Result<String> {
    if !psops.is_file() {
        bail!(
            "the psops binary is missing at {}: build it first with `cargo build --release -p psops`",
            psops.display()
        );
    }
    for (words, what) in [
        (&["demo", "--help"][..], "`psops demo` (the demo generator)"),
        (&["import", "time", "--help"][..], "`psops import time` (time import)"),
    ] {
        let out = Command::new(psops)
            .args(words)
            .output()
            .with_context(|| format!("cannot run {}", psops.display()))?;
        if !out.status.success() {
            bail!(
                "{} has no {what}: rebuild it from this workspace with `cargo build --release -p psops`",
                psops.display()
            );
        }
    }
    let version = run(Command::new(psops).arg("--version"), "psops --version")?;
    Ok(text(&version.stdout).trim().to_string())
}

/// A Python with DuckDB: the virtual environment at `venv`, made and filled when needed.
/// Returns the interpreter and DuckDB's version.
pub fn ensure_duckdb(venv: &Path) -> Result<(PathBuf, String)> {
    ensure_pip(venv, "duckdb", "duckdb")
}

/// A Python that imports `module`: the virtual environment at `venv`, made when missing, with
/// PyPI's `package` installed into it when the module does not import. Returns the interpreter
/// and the package's version.
pub fn ensure_pip(venv: &Path, module: &str, package: &str) -> Result<(PathBuf, String)> {
    let python = venv.join("bin").join("python");
    if !python.is_file() {
        let system = which("python3").context("python3 is missing: install it (Debian: python3-venv)")?;
        eprintln!(
            "psops-bench: making the bench's virtual environment at {}",
            venv.display()
        );
        run(Command::new(system).args(["-m", "venv"]).arg(venv), "python3 -m venv")
            .context("cannot make the virtual environment (Debian: apt-get install -y python3-venv)")?;
    }
    let code = format!("import importlib.metadata, {module}; print(importlib.metadata.version({package:?}))");
    let probe = || Command::new(&python).args(["-c", &code]).stdin(Stdio::null()).output();
    let mut out = probe().with_context(|| format!("cannot run {}", python.display()))?;
    if !out.status.success() {
        eprintln!("psops-bench: installing {package} into {}", venv.display());
        run(
            Command::new(&python).args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--retries",
                "10",
                "--timeout",
                "60",
                package,
            ]),
            &format!("pip install {package}"),
        )
        .with_context(|| format!("cannot install {package} from PyPI into the bench's virtual environment"))?;
        out = probe().with_context(|| format!("cannot run {}", python.display()))?;
        if !out.status.success() {
            bail!(
                "{module} still does not import after pip install {package}: {}",
                tail(&out.stderr)
            );
        }
    }
    Ok((python, text(&out.stdout).trim().to_string()))
}

/// Runs a command to its end; a non-zero exit is an error with the end of its stderr.
pub fn run(cmd: &mut Command, what: &str) -> Result<Output> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot start {what} ({})", describe(cmd)))?;
    check(out, what)
}

/// Runs a command with `input` on stdin.
pub fn run_with_input(cmd: &mut Command, input: &str, what: &str) -> Result<Output> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {what} ({})", describe(cmd)))?;
    let mut stdin = child.stdin.take().context("no stdin")?;
    let input = input.to_string();
    // A writer thread, so that a program printing a lot before reading all of its input
    // cannot deadlock against us.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .with_context(|| format!("{what} did not finish"))?;
    let written = writer
        .join()
        .map_err(|_| anyhow::anyhow!("the stdin writer of {what} panicked"))?;
    if out.status.success() {
        written.with_context(|| format!("cannot write the input of {what}"))?;
    }
    check(out, what)
}

/// Like [`run`], and how long it took from start to exit.
pub fn timed(cmd: &mut Command, what: &str) -> Result<(Output, Duration)> {
    let start = Instant::now();
    let out = run(cmd, what)?;
    Ok((out, start.elapsed()))
}

fn check(out: Output, what: &str) -> Result<Output> {
    if out.status.success() {
        return Ok(out);
    }
    let mut said = tail(&out.stderr);
    if said.is_empty() {
        said = tail(&out.stdout);
    }
    bail!("{what} failed ({}): {said}", out.status)
}

fn describe(cmd: &Command) -> String {
    let args: Vec<&OsStr> = cmd.get_args().collect();
    let args: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    format!("{} {}", cmd.get_program().to_string_lossy(), args.join(" "))
}

/// Output as text, invalid UTF-8 replaced.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The last lines of some output, enough to see why a program failed.
pub fn tail(bytes: &[u8]) -> String {
    let s = text(bytes);
    let lines: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(12);
    lines[start..].join("\n")
}

/// The first line of a program's `--version`, or a note that it could not say.
pub fn version_of(program: &str, args: &[&str]) -> String {
    match Command::new(program).args(args).stdin(Stdio::null()).output() {
        Ok(out) => {
            let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
            all.lines().next().unwrap_or("unknown").trim().to_string()
        }
        Err(_) => "not available".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_program_says_what_it_printed() {
        let err = run(Command::new("sh").args(["-c", "echo boom >&2; exit 3"]), "the test").unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("the test failed"), "{msg}");
        assert!(msg.contains("boom"), "{msg}");
    }

    #[test]
    fn input_reaches_the_program() {
        let out = run_with_input(&mut Command::new("cat"), "hello\n", "cat").expect("cat runs");
        assert_eq!(text(&out.stdout), "hello\n");
    }

    #[test]
    fn a_missing_psops_says_how_to_build_it() {
        let err = ensure_psops(Path::new("/nonexistent/psops")).unwrap_err();
        assert!(format!("{err}").contains("cargo build --release -p psops"));
    }
}
