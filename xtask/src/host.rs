//! Facts about this machine and where benchmark tools are cached, shared by the benches.

use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `$XDG_CACHE_HOME/lynx-bench` or `~/.cache/lynx-bench`: installs and builds of competitors
/// live here, never in the repository.
pub fn cache_dir() -> PathBuf {
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|x| !x.is_empty()) {
        return PathBuf::from(x).join("lynx-bench");
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    home.join(".cache/lynx-bench")
}

/// A program on `PATH`.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// "2 cores (nproc), <CPU>, N GiB RAM, Linux x.y", for benchmark reports.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .and_then(|r| r.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines().find_map(|l| {
                l.strip_prefix("MemTotal:")
                    .map(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
            })
        })
        .flatten()
        .map(|kb| format!(", {:.0} GiB RAM", kb as f64 / 1024.0 / 1024.0))
        .unwrap_or_default();
    let os = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|r| format!(", Linux {}", r.trim()))
        .unwrap_or_default();
    format!("{cores} cores (nproc), {model}{mem}{os}")
}

/// The cargo that runs this task (`$CARGO`), else `cargo` from `PATH`.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Runs a set-up step (build, install) with its output on our stderr, killed after
/// `timeout` seconds.
pub fn setup_step(
    what: &str,
    program: &str,
    args: &[&str],
    dir: &Path,
    timeout: u64,
) -> Result<()> {
    eprintln!("xtask: {what}: {program} {}", args.join(" "));
    let secs = timeout.to_string();
    let status = Command::new("timeout")
        .args(["-s", "KILL", &secs, program])
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .status()
        .with_context(|| format!("starting timeout {program}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// The lynx binary a bench measures: `given`, else `target/release/lynx` (under
/// `$CARGO_TARGET_DIR` if set), built first unless `no_build`.
pub fn release_lynx(given: Option<&Path>, no_build: bool, timeout: u64) -> Result<PathBuf> {
    if let Some(p) = given {
        return Ok(p.to_path_buf());
    }
    let root = crate::root();
    if !no_build {
        setup_step(
            "building lynx",
            &cargo(),
            &["build", "--release", "--quiet", "-p", "lynx"],
            &root,
            timeout,
        )?;
    }
    Ok(std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("release/lynx"))
}
