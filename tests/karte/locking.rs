//! The database while a writer is at work (issue 18 points 7 and 8, issue
//! 17 point 10): readers read (never "damaged"), no second name for the
//! database and no deleted lock file lets a second writer in, and a killed
//! writer's lock blocks nobody.
//!
//! The writer is a real `karte run` stopped at a crash point
//! (`KARTE_CRASH_AT` with `KARTE_PAUSE_FILE`: see src/fault.rs), holding
//! its lock and its open transaction until the test kills it.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Run, Workdir};

/// A `karte run` of the project in `w`, stopped at `point` (its lock and
/// transaction held) until it is killed.
struct Paused {
    child: Child,
}

impl Paused {
    fn start(w: &Workdir, point: &str) -> Paused {
        let marker = w.path("paused.pid");
        let _ = std::fs::remove_file(&marker);
        let mut child = Command::new(env!("CARGO_BIN_EXE_karte"))
            .args(["run", "--project", "karte.toml"])
            .env("KARTE_CRASH_AT", point)
            .env("KARTE_PAUSE_FILE", &marker)
            .current_dir(w.dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A guard against hanging, not a measurement.
        let t = Instant::now();
        while !marker.exists() {
            if child.try_wait().unwrap().is_some() {
                let out = child.wait_with_output().unwrap();
                panic!("the run ended before {point}:\n{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            }
            assert!(t.elapsed() < Duration::from_secs(300), "the run did not reach {point}");
            std::thread::sleep(Duration::from_millis(20));
        }
        Paused { child }
    }

    /// `kill -9`.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Paused {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn json(r: &Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\nstderr:\n{}", r.stdout, r.stderr))
}

#[track_caller]
fn refused_as_busy(r: &Run, what: &str) {
    assert_eq!(r.code, 3, "{what}: a second writer got in:\n{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("is in use by"), "{what}: not refused by the lock:\n{}", r.stderr);
}

#[test]
fn readers_read_while_a_run_writes_and_a_killed_writer_blocks_nobody() {
    let w = Workdir::new();
    w.sample_project("karte.db");
    w.run(["run", "--project", "karte.toml"]).ok();
    let customer = w.count("SELECT min(customer_id) FROM golden");
    // Tonight a large POS export arrives (over 20,000 rows: the size that
    // was imported under a rollback journal, shutting readers out).
    let mut csv = String::from("伝票番号,売上日,顧客コード,顧客名,電話番号,商品名,数量,金額,担当者\n");
    for i in 0..20_500u32 {
        csv.push_str(&format!("X{i:06},2024/11/{:02},D{i:05},森 一郎{},080{:08},カット,1,4400,佐藤\n", i % 28 + 1, i % 7, 10_000_000 + i));
    }
    std::fs::write(w.path("data/sakura_pos_nov.csv"), csv).unwrap();

    let writer = Paused::start(&w, "import:rows-written");
    let id = customer.to_string();
    let reads: [(&str, Vec<&str>); 4] = [
        ("show", vec!["show", "--db", "karte.db", &id]),
        ("export xlsx", vec!["export", "--db", "karte.db", "now.xlsx"]),
        ("export csv", vec!["export", "--db", "karte.db", "--encoding", "utf-8", "now.csv"]),
        ("explain", vec!["explain", "--db", "karte.db", "--customer", &id]),
    ];
    for (what, args) in &reads {
        let r = w.run(args);
        assert!(!r.stderr.contains("damaged"), "{what} during a run called the database damaged:\n{}", r.stderr);
        assert_eq!(r.code, 0, "{what} during a run:\n{}\n{}", r.stdout, r.stderr);
    }
    // What they read is what was committed: the records before tonight.
    let exported = std::fs::read_to_string(w.path("now.csv")).unwrap();
    assert!(!exported.contains("森 一郎") && !exported.contains("森　一郎"), "the export read an uncommitted import");
    assert!(w.run(["show", "--db", "karte.db", &id]).stdout.contains(&format!("{customer}")));

    writer.kill();
    // The killed writer's lock went with it: the next run works at once
    // (no --wait) and imports tonight's file, exactly once.
    let r = w.run(["run", "--project", "karte.toml", "--json"]);
    r.ok();
    assert_eq!(json(&r)["interrupted_before"].as_array().unwrap().len(), 1, "{}", r.stdout);
    assert_eq!(w.count("SELECT count(*) FROM records WHERE natural_key LIKE 'X%'"), 20_500);
    assert_eq!(w.strings("PRAGMA integrity_check"), ["ok"]);
}

#[cfg(unix)]
#[test]
fn no_second_name_and_no_deleted_lock_file_lets_a_second_writer_in() {
    let w = Workdir::new();
    w.sample_project("karte.db");
    w.run(["run", "--project", "karte.toml"]).ok();
    // Something for tonight's dedup to do.
    let web = w.path("data/sakura_web.csv");
    let text = std::fs::read_to_string(&web).unwrap();
    std::fs::write(&web, text.replacen("08072441662", "08072441663", 1)).unwrap();
    std::os::unix::fs::symlink("karte.db", w.path("alias.db")).unwrap();
    std::fs::create_dir(w.path("elsewhere")).unwrap();
    std::os::unix::fs::symlink(w.dir.path(), w.path("elsewhere/dir")).unwrap();

    let writer = Paused::start(&w, "dedup:before-commit");
    let web_mapping = Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings/sakura_web.toml");
    // Another name for the same database: a symlink to it, a symlinked folder.
    refused_as_busy(&w.run(["dedup", "--db", "alias.db"]), "dedup through a symlink");
    refused_as_busy(&w.run(["dedup", "--db", "elsewhere/dir/karte.db"]), "dedup through a symlinked folder");
    refused_as_busy(
        &w.run(["import", "--db", "alias.db", "--mapping", web_mapping.to_str().unwrap(), "data/sakura_web.csv"]),
        "import through a symlink",
    );
    assert!(!w.path("alias.db.lock").exists(), "a lock file of its own for the symlink");
    // A hard link is another name for the same file, too.
    std::fs::hard_link(w.db(), w.path("hard.db")).unwrap();
    let r = w.run(["dedup", "--db", "hard.db"]);
    assert_eq!(r.code, 3, "dedup through a hard link: a second writer got in:\n{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("in use by") && r.stderr.contains("hard link"), "{}", r.stderr);
    std::fs::remove_file(w.path("hard.db")).unwrap();

    // The lock file deleted while the run holds it: still one writer.
    std::fs::remove_file(w.path("karte.db.lock")).unwrap();
    let r = w.run(["dedup", "--db", "karte.db"]);
    assert_eq!(r.code, 3, "a second writer got in after the lock file was deleted:\n{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("in use by") && r.stderr.contains("removed"), "{}", r.stderr);
    let r = w.run(["run", "--project", "karte.toml"]);
    assert_eq!(r.code, 3, "a second run got in after the lock file was deleted:\n{}\n{}", r.stdout, r.stderr);

    writer.kill();
    w.run(["dedup", "--db", "alias.db"]).ok();
    assert_eq!(w.strings("PRAGMA integrity_check"), ["ok"]);
}

#[test]
fn a_reader_shut_out_by_a_writer_is_told_busy_never_damaged() {
    let w = Workdir::new();
    w.sample_project("karte.db");
    w.run(["run", "--project", "karte.toml"]).ok();
    let id = w.count("SELECT min(customer_id) FROM golden").to_string();
    // Something holds the database exclusively (as the first large import
    // into an empty karte does at its commit): SQLite answers "locked".
    let holder = rusqlite::Connection::open(w.db()).unwrap();
    holder
        .execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; UPDATE meta SET value = value WHERE key = 'generation';")
        .unwrap();
    let reads: [(&str, Vec<&str>); 3] = [
        ("show", vec!["show", "--db", "karte.db", "--wait", "0", &id]),
        ("export", vec!["export", "--db", "karte.db", "--wait", "0", "now.xlsx"]),
        ("explain", vec!["explain", "--db", "karte.db", "--wait", "0", "--customer", &id]),
    ];
    for (what, args) in &reads {
        let r = w.run(args);
        assert!(!r.stderr.contains("damaged"), "{what} called a busy database damaged:\n{}", r.stderr);
        assert_eq!(r.code, 3, "{what}: {}\n{}", r.stdout, r.stderr);
        assert!(r.stderr.contains("is busy") && r.stderr.contains("try again"), "{what}: {}", r.stderr);
    }
    assert!(!w.path("now.xlsx").exists());
    holder.execute_batch("COMMIT").unwrap();
    drop(holder);
    for (what, args) in &reads {
        assert_eq!(w.run(args).code, 0, "{what} once the writer has finished");
    }
    // A file that is not a database is still called so.
    std::fs::write(w.path("not.db"), vec![b'x'; 4096]).unwrap();
    let r = w.run(["show", "--db", "not.db", "1"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("is not a SQLite database (or is damaged)"), "{}", r.stderr);
}
