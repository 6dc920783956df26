//! File modes (issue 18): every file karte makes that holds customer data
//! is 0600 and every folder it makes for them 0700, whatever the umask; a
//! file karte writes again keeps the mode its owner gave it.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::util::Workdir;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The bundled samples in data/ and a project whose database, review
/// report and exports are in folders karte has to make.
fn project(w: &Workdir) {
    w.sample_project("db/karte.db");
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).permissions().mode() & 0o7777
}

/// Every file and folder under the work directory that the test did not
/// make itself, with its mode.
fn made_by_karte(w: &Workdir) -> Vec<(String, bool, u32)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, bool, u32)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            if rel == "data" || rel == "karte.toml" {
                continue;
            }
            let is_dir = p.is_dir();
            out.push((rel, is_dir, mode(&p)));
            if is_dir {
                walk(root, &p, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(w.dir.path(), w.dir.path(), &mut out);
    out.sort();
    out
}

#[track_caller]
fn all_private(w: &Workdir, when: &str) {
    let found = made_by_karte(w);
    assert!(!found.is_empty());
    let wrong: Vec<String> = found
        .iter()
        .filter(|(_, is_dir, m)| *m != if *is_dir { 0o700 } else { 0o600 })
        .map(|(p, is_dir, m)| format!("{p}{} {m:o}", if *is_dir { "/" } else { "" }))
        .collect();
    assert!(wrong.is_empty(), "{when}: not private (files 600, folders 700): {wrong:?}\nall: {found:?}");
}

#[test]
fn everything_karte_writes_is_private_under_umask_000() {
    let w = Workdir::new();
    project(&w);
    // A run killed while writing its first file leaves the database with
    // its -wal and -shm, the lock, the review folder and the half-written
    // report next to where it goes.
    let died = w.run_umask(0o000, Some("write:before-rename#1"), &["run", "--project", "karte.toml"]);
    assert_ne!(died.code, 0, "the run did not reach the point: {}", died.stdout);
    for f in ["db/karte.db", "db/karte.db-wal", "db/karte.db-shm", "db/karte.db.lock"] {
        assert!(w.path(f).is_file(), "{f} after a killed run: {:?}", made_by_karte(&w));
    }
    assert!(made_by_karte(&w).iter().any(|(p, _, _)| p.ends_with(".~karte")), "no half-written file: {:?}", made_by_karte(&w));
    all_private(&w, "after a run killed mid-write");

    // The whole run.
    w.run_umask(0o000, None, &["run", "--project", "karte.toml"]).ok();
    for f in ["db/karte.db", "db/karte.db.lock", "out/karte.xlsx", "out/crm.csv", "review/review.xlsx"] {
        assert!(w.path(f).is_file(), "{f} after a run: {:?}", made_by_karte(&w));
    }
    for d in ["db", "out", "review"] {
        assert!(w.path(d).is_dir());
    }
    all_private(&w, "after a run");

    // The single commands: exports, a new database with a rejects report,
    // dedup's review report and pairs.
    for f in ["export.xlsx", "export.csv"] {
        w.run_umask(0o000, None, &["export", "--db", "db/karte.db", f]).ok();
    }
    let mapping = repo("mappings/sakura_pos.toml");
    w.run_umask(
        0o000,
        None,
        &["import", "--db", "other.db", "--mapping", mapping.to_str().unwrap(), "--rejects-out", "rejects.csv", "data/sakura_pos.csv"],
    )
    .ok();
    w.run_umask(0o000, None, &["dedup", "--db", "other.db", "--review-out", "other-review.xlsx", "--pairs-out", "pairs.csv"]).ok();
    for f in ["export.xlsx", "export.csv", "other.db", "other.db.lock", "rejects.csv", "other-review.xlsx", "pairs.csv"] {
        assert!(w.path(f).is_file(), "{f}: {:?}", made_by_karte(&w));
    }
    all_private(&w, "after the single commands");
}

/// Sets a file's modification time back an hour: `karte run` sees a file
/// changed since it wrote it and writes it again.
fn age(p: &Path) {
    let f = std::fs::File::options().write(true).open(p).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(3600)).unwrap();
}

#[test]
fn a_rewrite_keeps_the_mode_the_user_gave_the_file() {
    let w = Workdir::new();
    project(&w);
    w.run_umask(0o000, None, &["run", "--project", "karte.toml"]).ok();
    let set = |rel: &str, m: u32| std::fs::set_permissions(w.path(rel), std::fs::Permissions::from_mode(m)).unwrap();
    let ino = |rel: &str| std::fs::metadata(w.path(rel)).unwrap().ino();

    // 640 stays 640 under umask 000, 644 stays 644 under umask 077.
    for (umask, csv_mode, xlsx_mode) in [(0o000, 0o640, 0o640), (0o077, 0o644, 0o644), (0o022, 0o600, 0o640)] {
        set("out/crm.csv", csv_mode);
        set("out/karte.xlsx", xlsx_mode);
        age(&w.path("out/crm.csv"));
        age(&w.path("out/karte.xlsx"));
        let before = (ino("out/crm.csv"), ino("out/karte.xlsx"));
        w.run_umask(umask, None, &["run", "--project", "karte.toml"]).ok();
        // Written again (a new file renamed over the old one) ...
        assert_ne!(ino("out/crm.csv"), before.0, "crm.csv was not written again");
        assert_ne!(ino("out/karte.xlsx"), before.1, "karte.xlsx was not written again");
        // ... with the mode it had.
        assert_eq!(format!("{:o}", mode(&w.path("out/crm.csv"))), format!("{csv_mode:o}"), "crm.csv rewritten under umask {umask:03o}");
        assert_eq!(
            format!("{:o}", mode(&w.path("out/karte.xlsx"))),
            format!("{xlsx_mode:o}"),
            "karte.xlsx rewritten under umask {umask:03o}"
        );
    }

    // `karte export` over a file the user made 640.
    w.run_umask(0o000, None, &["export", "--db", "db/karte.db", "mine.csv"]).ok();
    set("mine.csv", 0o640);
    let before = ino("mine.csv");
    w.run_umask(0o000, None, &["export", "--db", "db/karte.db", "mine.csv"]).ok();
    assert_ne!(ino("mine.csv"), before);
    assert_eq!(format!("{:o}", mode(&w.path("mine.csv"))), "640");
}
