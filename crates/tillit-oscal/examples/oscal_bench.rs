//! Measures one thing per process, so the peak memory (VmHWM) is that measurement's own:
//!   oscal_bench parse-typed FILE N | parse-value FILE N | resolve PROFILE N
//! Prints one JSON line: median and p95 in milliseconds and the peak resident memory in MiB.
//! Used by scripts/bench (see docs/performance.md).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, path, n) = (
        args[1].as_str(),
        std::path::PathBuf::from(&args[2]),
        args[3].parse::<usize>().unwrap(),
    );
    let bytes = std::fs::read(&path).unwrap();
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        match mode {
            "parse-typed" => {
                let d = tillit_oscal::read_document(&bytes, tillit_oscal::Format::Json, "bench")
                    .unwrap();
                std::hint::black_box(d);
            }
            "parse-value" => {
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                std::hint::black_box(v);
            }
            "resolve" => {
                let c = tillit_oscal::resolve_profile_file(
                    &path,
                    &tillit_oscal::ResolveOptions::default(),
                )
                .unwrap();
                std::hint::black_box(c);
            }
            other => panic!("unknown mode {other}"),
        }
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = times[times.len() / 2];
    let p95 = times[((times.len() as f64 * 0.95).ceil() as usize)
        .saturating_sub(1)
        .min(times.len() - 1)];
    println!("{{\"mode\": \"{mode}\", \"n\": {n}, \"median_ms\": {median:.3}, \"p95_ms\": {p95:.3}, \"peak_mib\": {:.1}}}", peak_mib());
}
