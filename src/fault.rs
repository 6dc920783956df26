//! Crash points, for the tests that kill karte at every step of a run.
//!
//! With `KARTE_CRASH_AT=<point>` in its environment, karte aborts the
//! moment it reaches that point: no destructor runs, no transaction is
//! rolled back, no file is closed — what `kill -9` or a power cut would
//! leave. The points are the seams between the steps of a run, and the
//! middles of its transactions and file writes. Without the variable each
//! point costs one environment lookup; they are never on a per-row path.

/// Every point, in the order a run reaches them.
pub const POINTS: &[&str] = &[
    "import:rows-written",
    "import:before-commit",
    "import:after-commit",
    "dedup:before-commit",
    "dedup:after-commit",
    "write:before-rename",
    "write:after-rename",
    "run:before-finish",
];

static HITS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Aborts here when `KARTE_CRASH_AT` names this point: `name` (the first
/// time it is reached) or `name#N` (the N-th time: the second file's
/// import, the third file written).
pub fn point(name: &str) {
    debug_assert!(POINTS.contains(&name), "unknown crash point {name}");
    let Some(want) = std::env::var_os("KARTE_CRASH_AT") else { return };
    let want = want.to_string_lossy();
    let (point, nth) = match want.split_once('#') {
        Some((p, n)) => (p, n.parse::<usize>().unwrap_or(1)),
        None => (&*want, 1),
    };
    if point == name && HITS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == nth {
        if let Some(file) = std::env::var_os("KARTE_PAUSE_FILE") {
            pause(std::path::Path::new(&file));
        }
        std::process::abort();
    }
}

/// With `KARTE_PAUSE_FILE=<file>` beside `KARTE_CRASH_AT`, karte does not
/// abort at the point but stops there, holding whatever it holds (its
/// lock, an open transaction), writes its process id to `<file>` and
/// sleeps until it is killed: for the tests of what other commands do
/// while a writer is at work.
fn pause(file: &std::path::Path) -> ! {
    let _ = std::fs::write(file, std::process::id().to_string());
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
