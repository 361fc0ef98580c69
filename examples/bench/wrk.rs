//! One load row: `wrk` with a Lua script for headers and rotating paths; parses its report.

use std::process::Command;

pub struct Load {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
}

/// Runs wrk against `paths` (rotated), with `headers` on every request.
pub fn run(
    base: &str,
    paths: &[String],
    headers: &[(String, String)],
    connections: u32,
    seconds: u32,
) -> anyhow::Result<Load> {
    let dir = tempfile::tempdir()?;
    let script = dir.path().join("bench.lua");
    let mut lua = String::from("local paths = {");
    for p in paths {
        lua.push_str(&format!("{:?},", p));
    }
    lua.push_str("}\nlocal i = 0\n");
    for (name, value) in headers {
        lua.push_str(&format!("wrk.headers[{:?}] = {:?}\n", name, value));
    }
    lua.push_str("request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n");
    std::fs::write(&script, lua)?;
    let threads = connections.clamp(1, 2);
    let out = Command::new("wrk")
        .args([
            "-t",
            &threads.to_string(),
            "-c",
            &connections.to_string(),
            "-d",
            &format!("{seconds}s"),
        ])
        .args(["--latency", "-s"])
        .arg(&script)
        .arg(base)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    anyhow::ensure!(
        out.status.success(),
        "wrk failed: {text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut load = Load {
        rps: 0.0,
        p50_ms: 0.0,
        p99_ms: 0.0,
        errors: 0,
    };
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", n] => load.rps = n.parse().unwrap_or(0.0),
            ["50%", t] => load.p50_ms = millis(t),
            ["99%", t] => load.p99_ms = millis(t),
            ["Non-2xx", "or", "3xx", "responses:", n] => load.errors += n.parse().unwrap_or(0),
            ["Socket", "errors:", rest @ ..] => {
                // "connect 0, read 0, write 0, timeout 12"
                load.errors += rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
    }
    Ok(load)
}

fn millis(t: &str) -> f64 {
    let (number, unit) = t.split_at(t.find(|c: char| c.is_alphabetic()).unwrap_or(t.len()));
    let n: f64 = number.parse().unwrap_or(0.0);
    match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => n,
    }
}
