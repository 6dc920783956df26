//! The readers' long fuzz run: `benches/fuzz_readers.sh` (or `cargo bench
//! --bench fuzz_readers -- N SEED`). Mutated fixtures (see
//! `benches/fuzz/core.rs`) through every reader; prints its figures every
//! 100,000 inputs and at the end, and exits 1 if anything panicked.

#[path = "fuzz/core.rs"]
mod fuzz_core;

use std::sync::atomic::Ordering;

#[global_allocator]
static ALLOC: fuzz_core::Counting = fuzz_core::Counting;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let n: u64 = args.first().and_then(|a| a.replace('_', "").parse().ok()).unwrap_or(1_000_000);
    let seed: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/readers");
    fuzz_core::count_panics(true);
    fuzz_core::watchdog(60);
    let start = std::time::Instant::now();
    let print = |f: &fuzz_core::Figures| {
        let secs = start.elapsed().as_secs_f64();
        println!(
            "fuzz_readers: {} inputs (seed {seed}): {} read ({} rows), {} refused with a message, {} panics; peak live {:.1} MiB, largest single allocation {:.1} MiB (cap 1024 MiB); {:.0} s, {:.0} inputs/s",
            f.inputs,
            f.read,
            f.rows,
            f.refused,
            f.panics,
            fuzz_core::PEAK.load(Ordering::Relaxed) as f64 / 1048576.0,
            fuzz_core::LARGEST.load(Ordering::Relaxed) as f64 / 1048576.0,
            secs,
            f.inputs as f64 / secs.max(1e-9)
        );
    };
    let f = fuzz_core::run(&dir, seed, n, 100_000, print);
    print(&f);
    if f.panics > 0 {
        std::process::exit(1);
    }
}
