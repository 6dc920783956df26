//! `karte init` and `karte run`: the nightly scenario (day 1, day 2 with an
//! edited spreadsheet and a review applied, day 3 unchanged), a run killed
//! at many points, two runs at once, a dry run, personal data in the
//! summary, project-file mistakes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Run, Workdir};

const SAMPLES: [&str; 4] = ["sakura_ledger.xlsx", "sakura_pos.csv", "sakura_web.csv", "sakura_cards.txt"];

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The bundled samples in data/, and a project using the bundled mappings.
fn project(w: &Workdir) {
    w.sample_project("karte.db");
}

fn run(w: &Workdir, extra: &[&str]) -> Run {
    let mut args = vec!["run", "--project", "karte.toml"];
    args.extend_from_slice(extra);
    w.run(args)
}

fn json(r: &Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\nstderr:\n{}", r.stdout, r.stderr))
}

fn file<'a>(doc: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    doc["files"].as_array().unwrap().iter().find(|f| f["file"] == name).unwrap_or_else(|| panic!("no {name} in {doc:#}"))
}

fn generation(w: &Workdir) -> i64 {
    w.count("SELECT value FROM meta WHERE key = 'generation'")
}

fn mtime(p: &Path) -> std::time::SystemTime {
    std::fs::metadata(p).unwrap().modified().unwrap()
}

use crate::dedup::customer_map as customers;

fn python(script: &str, args: &[&Path]) {
    let out = Command::new("python3").arg("-c").arg(script).args(args).output().expect("python3 runs");
    assert!(out.status.success(), "python failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

/// A folder shop/data holding copies of the bundled samples.
fn sample_shop(w: &Workdir) {
    std::fs::create_dir_all(w.path("shop/data")).unwrap();
    for f in SAMPLES {
        std::fs::copy(repo("samples").join(f), w.path("shop/data").join(f)).unwrap();
    }
}

#[test]
fn init_drafts_a_project_that_runs_and_an_unchanged_rerun_does_nothing() {
    let w = Workdir::new();
    sample_shop(&w);
    w.run(["init", "shop"]).ok().stdout_has("4 data file(s) found");
    let toml = std::fs::read_to_string(w.path("shop/karte.toml")).unwrap();
    assert!(toml.contains("files = [\"data/sakura_pos.csv\"]"), "{toml}");
    assert!(toml.lines().filter(|l| l.starts_with('#')).count() > 10, "the project file explains itself");
    for f in SAMPLES {
        let stem = f.split('.').next().unwrap();
        assert!(w.path(&format!("shop/mappings/{stem}.toml")).is_file());
    }
    // init never overwrites a project.
    let again = w.run(["init", "shop"]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stderr.contains("exists already"));

    // The drafts read the samples as the hand-written mappings do.
    let r = w.run(["run", "--project", "shop/karte.toml"]);
    r.ok().stdout_has("imported 4, unchanged 0, failed 0").stdout_has("sent to review").stdout_has("done in");
    let db = Workdir { dir: tempfile::tempdir().unwrap() };
    let shop_db = w.path("shop/karte.db");
    std::fs::copy(&shop_db, db.db()).unwrap();
    assert_eq!(db.count("SELECT count(*) FROM records"), 454);
    // 120 people (tests/fixtures/samples_truth.csv), a few records not joined for sure.
    let live = db.count("SELECT count(*) FROM customers WHERE merged_into IS NULL AND id IN (SELECT customer_id FROM records)");
    assert!((120..=145).contains(&live), "{live} customers");
    for out in ["shop/out/customers.xlsx", "shop/out/customers.csv", "shop/review/review.xlsx"] {
        assert!(w.path(out).is_file(), "{out}");
    }
    let g = db.count("SELECT value FROM meta WHERE key = 'generation'");
    let written = mtime(&w.path("shop/out/customers.xlsx"));

    // Nothing changed: nothing read, nothing deduplicated, nothing written.
    let r = w.run(["run", "--project", "shop/karte.toml", "--json"]);
    r.ok();
    let doc = json(&r);
    assert!(doc["files"].as_array().unwrap().iter().all(|f| f["outcome"] == "unchanged"), "{doc:#}");
    assert_eq!(doc["dedup"]["ran"], false);
    assert!(doc["exports"].as_array().unwrap().iter().all(|e| e["outcome"] == "up to date"), "{doc:#}");
    assert_eq!(doc["review_report"]["outcome"], "up to date");
    assert_eq!(doc["review_pending"].as_i64().unwrap(), db.count("SELECT count(*) FROM review_items WHERE status = 'open'"));
    assert!(doc["review_pending"].as_i64().unwrap() > 0);
    assert_eq!(doc["exit_code"], 0);
    std::fs::copy(&shop_db, db.db()).unwrap();
    assert_eq!(db.count("SELECT value FROM meta WHERE key = 'generation'"), g);
    assert_eq!(mtime(&w.path("shop/out/customers.xlsx")), written);

    // A deleted export is written again, and only it.
    std::fs::remove_file(w.path("shop/out/customers.csv")).unwrap();
    let doc = json(w.run(["run", "--project", "shop/karte.toml", "--json"]).ok());
    let outcomes: Vec<&str> = doc["exports"].as_array().unwrap().iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["up to date", "written"]);
}

/// Day 2's ledger: one row's mobile edited, one row deleted, one added.
const EDIT_LEDGER: &str = r#"
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["顧客台帳"]
for row in ws.iter_rows(min_row=5):
    if row[0].value == "A0005":
        row[6].value = "090-4200-8642"
for r in range(5, ws.max_row + 1):
    if ws.cell(r, 1).value == "A0010":
        ws.delete_rows(r)
        break
ws.append(["A9001", "新井 花子", "アライ ハナコ", "女", datetime.datetime(1990, 5, 5), None, "090-9999-0001",
           "1540004", "世田谷区太子堂1-1-1", None, datetime.datetime(2026, 11, 20), None])
wb.save(sys.argv[1])
"#;

#[test]
fn nightly_scenario_changes_only_what_changed_and_keeps_review_decisions() {
    let w = Workdir::new();
    project(&w);

    // Day 1.
    let doc = json(run(&w, &["--json"]).ok());
    assert_eq!(doc["status"], "done");
    assert_eq!(doc["dedup"]["ran"], true);
    assert!(doc["review_pending"].as_u64().unwrap() >= 3);
    let day1 = customers(&w);
    let records1 = w.count("SELECT count(*) FROM records");
    let merges1 = w.count("SELECT count(*) FROM merges WHERE undone_at IS NULL");
    let edited: i64 = w.count("SELECT id FROM records WHERE customer_no = 'A0005'");
    let deleted: i64 = w.count("SELECT id FROM records WHERE customer_no = 'A0010'");

    // A person reviews: the first pair is one customer, the second two.
    let pair = |n: i64| -> (i64, i64) {
        w.conn()
            .query_row(
                &format!("SELECT record_a, record_b FROM review_items WHERE status = 'open' ORDER BY id LIMIT 1 OFFSET {n}"),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    let (same, apart) = (pair(0), pair(1));
    let decided = w.path("decided.xlsx");
    crate::dedup::decide(&w.path("review/review.xlsx"), &decided, |n| match n {
        1 => Some("統合"),
        2 => Some("別人"),
        _ => None,
    });
    w.run(["review", "apply", "--db", "karte.db", decided.to_str().unwrap()]).ok().stdout_has("merged 1").stdout_has("separated 1");
    let reviewed = customers(&w);

    // Day 2: the ledger edited in Excel's stead (openpyxl), a booking's
    // phone corrected, and a damaged POS file dropped in beside the good one.
    python(EDIT_LEDGER, &[&w.path("data/sakura_ledger.xlsx")]);
    let web = w.path("data/sakura_web.csv");
    let text = std::fs::read_to_string(&web).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    assert!(lines[1].contains("08072441662"));
    lines[1] = lines[1].replace("08072441662", "08072441663");
    std::fs::write(&web, lines.join("\n") + "\n").unwrap();
    std::fs::write(w.path("data/sakura_pos_damaged.csv"), b"PK\x03\x04 not really a workbook").unwrap();
    let before_export = mtime(&w.path("out/crm.csv"));

    let r = run(&w, &["--json"]);
    assert_eq!(r.code, 1, "a failed source makes the run exit 1:\n{}\n{}", r.stdout, r.stderr);
    let doc = json(&r);
    assert_eq!(doc["status"], "partial");
    assert_eq!(doc["exit_code"], 1);
    let damaged = file(&doc, "sakura_pos_damaged.csv");
    assert_eq!(damaged["outcome"], "failed");
    assert!(damaged["error"].as_str().unwrap().contains("sakura_pos_damaged.csv"), "{damaged}");
    let ledger = file(&doc, "sakura_ledger.xlsx");
    assert_eq!(ledger["outcome"], "imported");
    assert_eq!((ledger["added"].as_u64(), ledger["updated"].as_u64(), ledger["gone"].as_u64()), (Some(1), Some(1), Some(1)), "{ledger}");
    assert_eq!(ledger["unchanged_rows"].as_u64().unwrap(), ledger["rows_read"].as_u64().unwrap() - 2);
    let webdoc = file(&doc, "sakura_web.csv");
    assert_eq!((webdoc["added"].as_u64(), webdoc["updated"].as_u64(), webdoc["gone"].as_u64()), (Some(0), Some(1), Some(0)));
    assert_eq!(file(&doc, "sakura_pos.csv")["outcome"], "unchanged");
    assert_eq!(file(&doc, "sakura_cards.txt")["outcome"], "unchanged");
    assert_eq!(doc["dedup"]["ran"], true);
    assert!(doc["exports"].as_array().unwrap().iter().all(|e| e["outcome"] == "written"), "{doc:#}");
    assert!(mtime(&w.path("out/crm.csv")) > before_export);

    // One record more (the new row); none doubled, none deleted.
    assert_eq!(w.count("SELECT count(*) FROM records"), records1 + 1);
    // The edited row is the same record, with the new value and the old
    // one in its history.
    assert_eq!(w.strings(&format!("SELECT mobile FROM records WHERE id = {edited}")), ["090-4200-8642"]);
    assert_eq!(
        w.strings(&format!(
            "SELECT json_extract(\"values\", '$.mobile') FROM record_history WHERE record_id = {edited} AND change = 'edited'"
        )),
        ["090-4200-8641"]
    );
    // The deleted row is kept, marked gone, still its customer's.
    assert_eq!(w.count(&format!("SELECT gone_import IS NOT NULL FROM records WHERE id = {deleted}")), 1);
    assert_eq!(w.count(&format!("SELECT customer_id FROM records WHERE id = {deleted}")), reviewed[&deleted]);
    assert_eq!(w.count("SELECT count(*) FROM lineage WHERE gone"), 1);
    // Rows below the deleted one moved up: their lineage says where they are now.
    let rows: Vec<String> = w.strings("SELECT r.row FROM records r JOIN imports i ON i.id = r.import_id WHERE r.customer_no = 'A9001'");
    let last_row: i64 = rows[0].parse().unwrap();
    assert_eq!(w.count("SELECT count(*) FROM records WHERE sheet = '顧客台帳' AND gone_import IS NULL AND row = 7"), 1);
    assert!(last_row >= 70);

    // Review decisions and merges hold: nobody was split, the reviewed
    // pair is one customer, the separated pair two.
    let day2 = customers(&w);
    assert_eq!(day2[&same.0], day2[&same.1]);
    assert_ne!(day2[&apart.0], day2[&apart.1]);
    assert_eq!(w.count("SELECT count(*) FROM pair_decisions"), 2);
    assert!(w.count("SELECT count(*) FROM merges WHERE undone_at IS NULL") > merges1);
    let mut together = BTreeMap::<i64, BTreeSet<i64>>::new();
    for (r, c) in &reviewed {
        together.entry(*c).or_default().insert(*r);
    }
    for members in together.values() {
        let now: BTreeSet<i64> = members.iter().map(|r| day2[r]).collect();
        assert_eq!(now.len(), 1, "records together before day 2 are together after it");
    }
    // Customer ids are stable: a day-1 record keeps its customer, or moves
    // into an older (smaller) one by a new merge.
    let kept = day1.iter().filter(|(r, c)| day2.get(r) == Some(c)).count();
    assert!(day1.iter().all(|(r, c)| day2.get(r).is_none_or(|d| d <= c)));
    assert!(kept * 100 >= day1.len() * 95, "{kept} of {} records kept their customer id", day1.len());
    // show: the old value beside the new one, the gone row marked.
    let c = day2[&edited].to_string();
    // The corrected mobile is the golden one (an edit is the newest news of
    // a row); the old one stays in the history.
    w.run(["show", "--db", "karte.db", &c])
        .ok()
        .stdout_has("携帯: 090-4200-8642")
        .stdout_has("090-4200-8641")
        .stdout_has("元データで 1 回変更");
    let c = day2[&deleted].to_string();
    w.run(["show", "--db", "karte.db", &c]).ok().stdout_has("元データから削除");
    // The export has the new customer.
    let csv = std::fs::read_to_string(w.path("out/crm.csv")).unwrap();
    assert!(csv.contains("新井"), "the new row's customer is exported");

    // Day 3: the damaged file is taken away; nothing else changed.
    std::fs::remove_file(w.path("data/sakura_pos_damaged.csv")).unwrap();
    let g = generation(&w);
    let records = w.count("SELECT count(*) FROM records");
    let doc = json(run(&w, &["--json"]).ok());
    assert_eq!(doc["status"], "done");
    assert!(doc["files"].as_array().unwrap().iter().all(|f| f["outcome"] == "unchanged"), "{doc:#}");
    assert_eq!(doc["dedup"]["ran"], false);
    assert!(doc["exports"].as_array().unwrap().iter().all(|e| e["outcome"] == "up to date"));
    assert_eq!(generation(&w), g);
    assert_eq!(w.count("SELECT count(*) FROM records"), records);
    assert_eq!(customers(&w), day2);

    // Day 3 again, after the spreadsheet is saved unchanged (a new
    // modification time, the same bytes): read, recognised, skipped.
    let ledger = w.path("data/sakura_ledger.xlsx");
    let bytes = std::fs::read(&ledger).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&ledger, bytes).unwrap();
    let doc = json(run(&w, &["--json"]).ok());
    assert_eq!(file(&doc, "sakura_ledger.xlsx")["outcome"], "unchanged");
    assert_eq!(generation(&w), g);
}

/// A database's content as the user sees it: every record with its
/// customer, every golden record, the merges, the review items; and the
/// CSV export.
fn fingerprint(dir: &Path) -> (Vec<String>, Vec<String>, i64, i64, String) {
    let w = Workdir { dir: tempfile::tempdir().unwrap() };
    std::fs::copy(dir.join("karte.db"), w.db()).unwrap();
    let _ = std::fs::copy(dir.join("karte.db-wal"), w.path("karte.db-wal"));
    assert_eq!(w.strings("PRAGMA integrity_check"), ["ok"]);
    assert_eq!(w.count("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    let records = w.strings(
        "SELECT i.file_name || '|' || r.sheet || '|' || r.row || '|' || r.status || '|' || coalesce(r.customer_id, '-') || '|' || r.row_hash
         FROM records r JOIN imports i ON i.id = r.import_id ORDER BY r.id",
    );
    let golden = w.strings(
        "SELECT customer_id || '|' || coalesce(name, '') || '|' || coalesce(mobile, '') || '|' || records FROM golden ORDER BY customer_id",
    );
    let merges = w.count("SELECT count(*) FROM merges WHERE undone_at IS NULL");
    let review = w.count("SELECT count(*) FROM review_items WHERE status = 'open'");
    let csv = std::fs::read_to_string(dir.join("out/crm.csv")).unwrap_or_default();
    (records, golden, merges, review, csv)
}

/// The state a killed run left, as a label (for the coverage check).
fn phase(dir: &Path) -> String {
    let w = Workdir { dir: tempfile::tempdir().unwrap() };
    if !dir.join("karte.db").exists() {
        return "no database".into();
    }
    std::fs::copy(dir.join("karte.db"), w.db()).unwrap();
    let _ = std::fs::copy(dir.join("karte.db-wal"), w.path("karte.db-wal"));
    let _ = std::fs::copy(dir.join("karte.db-journal"), w.path("karte.db-journal"));
    if w.count("SELECT count(*) FROM sqlite_master WHERE name = 'meta'") == 0 {
        // Killed while the new database's schema was being written.
        return "database without its schema".into();
    }
    let imports = w.count("SELECT count(*) FROM imports WHERE finished_at IS NOT NULL");
    let deduped = w.count("SELECT count(*) FROM meta WHERE key = 'dedup_generation'");
    let exports = ["out/karte.xlsx", "out/crm.csv"].iter().filter(|p| dir.join(p).exists()).count();
    format!("imports {imports}, deduped {deduped}, exports {exports}")
}

#[test]
fn a_run_killed_at_any_point_is_completed_by_the_next_with_nothing_lost_or_doubled() {
    // The reference: one run that was never interrupted.
    let reference = Workdir::new();
    project(&reference);
    let t = Instant::now();
    run(&reference, &[]).ok();
    let full = t.elapsed();
    let want = fingerprint(reference.dir.path());
    assert_eq!(want.0.len(), 454);

    // Kill -9 at evenly spread moments over a run's length (and once more
    // after it), then run again to the end.
    let points = 24u32;
    let mut phases = BTreeSet::new();
    for k in 0..=points {
        let w = Workdir::new();
        project(&w);
        let mut child = Command::new(env!("CARGO_BIN_EXE_karte"))
            .args(["run", "--project", "karte.toml"])
            .current_dir(w.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full * k * 13 / (points * 10));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        phases.insert(phase(w.dir.path()));
        let r = run(&w, &[]);
        r.ok();
        let got = fingerprint(w.dir.path());
        assert_eq!(got.0, want.0, "records after a kill at {k}/{points}");
        assert_eq!(got.1, want.1, "golden records after a kill at {k}/{points}");
        assert_eq!((got.2, got.3), (want.2, want.3), "merges and review items after a kill at {k}/{points}");
        assert_eq!(got.4, want.4, "the export after a kill at {k}/{points}");
        assert!(w.path("review/review.xlsx").is_file());
        // A third run has nothing left to do.
        let doc = json(run(&w, &["--json"]).ok());
        assert_eq!(doc["dedup"]["ran"], false, "after a kill at {k}/{points}");
    }
    // The kills landed in different places: not all before or after the work.
    eprintln!("states the kills left: {phases:?}");
    assert!(phases.len() >= 3, "kills should land at several stages: {phases:?}");
}

#[test]
fn a_run_that_dies_at_each_step_is_completed_by_the_next() {
    let reference = Workdir::new();
    project(&reference);
    run(&reference, &[]).ok();
    let want = fingerprint(reference.dir.path());
    // Every seam of a run: mid-import of each of the four files, before
    // and after each commit, mid-way through writing the review report
    // and each export, and before the run's own summary is saved.
    let mut points: Vec<String> = Vec::new();
    for n in 1..=4 {
        points.extend(["import:rows-written", "import:before-commit", "import:after-commit"].map(|p| format!("{p}#{n}")));
    }
    points.extend(["dedup:before-commit", "dedup:after-commit"].map(String::from));
    for n in 1..=3 {
        points.extend(["write:before-rename", "write:after-rename"].map(|p| format!("{p}#{n}")));
    }
    points.push("run:before-finish".into());
    for point in &points {
        let w = Workdir::new();
        project(&w);
        let died = Command::new(env!("CARGO_BIN_EXE_karte"))
            .args(["run", "--project", "karte.toml"])
            .env("KARTE_CRASH_AT", point)
            .current_dir(w.dir.path())
            .output()
            .unwrap();
        assert!(!died.status.success(), "the run did not reach {point}: {}", String::from_utf8_lossy(&died.stdout));
        let r = run(&w, &["--json"]);
        r.ok();
        let doc = json(&r);
        assert_eq!(doc["interrupted_before"].as_array().unwrap().len(), 1, "the next run knows about the one that died at {point}");
        let got = fingerprint(w.dir.path());
        assert_eq!(got.0, want.0, "records after dying at {point}");
        assert_eq!(got.1, want.1, "golden records after dying at {point}");
        assert_eq!((got.2, got.3), (want.2, want.3), "merges and review items after dying at {point}");
        assert_eq!(got.4, want.4, "the export after dying at {point}");
        assert!(w.path("review/review.xlsx").is_file() && w.path("out/karte.xlsx").is_file(), "after dying at {point}");
        let leftovers: Vec<String> = ["out", "review"]
            .iter()
            .flat_map(|d| std::fs::read_dir(w.path(d)).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()))
            .filter(|n| n.ends_with(".~karte"))
            .collect();
        assert!(leftovers.is_empty(), "half-written files left after dying at {point}: {leftovers:?}");
    }
}

#[test]
fn a_kill_during_a_bulk_import_rolls_back_and_the_next_run_imports_once() {
    // Over 20,000 rows: the import leaves WAL for a rollback journal.
    let w = Workdir::new();
    std::fs::create_dir_all(w.path("data")).unwrap();
    let mut csv = String::from("伝票番号,売上日,顧客コード,顧客名,電話番号,商品名,数量,金額,担当者\n");
    for i in 0..40_000u32 {
        csv.push_str(&format!(
            "R{i:06},2024/10/{:02},C{:05},山田 太郎{},090{:08},カット,1,4400,佐藤\n",
            i % 28 + 1,
            i % 5000,
            i % 7,
            i % 5000
        ));
    }
    std::fs::write(w.path("data/pos.csv"), csv).unwrap();
    let mapping = repo("mappings/sakura_pos.toml").display().to_string().replace('\\', "/");
    std::fs::write(
        w.path("karte.toml"),
        format!("[[source]]\nfiles = [\"data/pos.csv\"]\nmapping = \"{mapping}\"\n\n[dedup]\nenabled = false\n"),
    )
    .unwrap();
    let t = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_karte"))
        .args(["run"])
        .current_dir(w.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import is writing (the journal exists), then kill.
    let journal = w.path("karte.db-journal");
    while !journal.exists() && t.elapsed() < Duration::from_secs(60) && child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(100));
    let _ = child.kill();
    let status = child.wait().unwrap();
    let r = run(&w, &["--json"]);
    r.ok();
    let doc = json(&r);
    assert_eq!(w.count("SELECT count(*) FROM records"), 40_000);
    assert_eq!(w.count("SELECT count(DISTINCT natural_key) FROM records"), 40_000);
    assert_eq!(w.count("SELECT count(*) FROM imports WHERE finished_at IS NOT NULL"), 1);
    assert_eq!(w.strings("PRAGMA journal_mode"), ["wal"]);
    assert_eq!(w.strings("PRAGMA integrity_check"), ["ok"]);
    eprintln!("killed run: {status:?}; the next run: {}", file(&doc, "pos.csv")["outcome"]);
    if !status.success() {
        // It was killed mid-import: this run imported the file, and said
        // the earlier run was interrupted.
        assert_eq!(file(&doc, "pos.csv")["outcome"], "imported");
        assert_eq!(doc["interrupted_before"].as_array().unwrap().len(), 1, "{doc:#}");
    }
}

#[test]
fn two_runs_at_once_the_second_waits_or_refuses() {
    let w = Workdir::new();
    project(&w);
    // Somebody holds the database (as a running karte would).
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(w.path("karte.db.lock")).unwrap();
    lock.try_lock().unwrap();
    let r = run(&w, &[]);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("is in use by") && r.stderr.contains("nothing was done"), "{}", r.stderr);
    assert!(!w.db().exists() || w.count("SELECT count(*) FROM records") == 0);
    let imp = w.run(["import", "--db", "karte.db", "--mapping", repo("mappings/sakura_web.toml").to_str().unwrap(), "data/sakura_web.csv"]);
    assert_eq!(imp.code, 3);
    // With --wait, it waits for the holder to finish, then runs.
    let waiter = Command::new(env!("CARGO_BIN_EXE_karte"))
        .args(["run", "--project", "karte.toml", "--wait", "60"])
        .current_dir(w.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    drop(lock);
    let out = waiter.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("waiting for"));
    assert_eq!(w.count("SELECT count(*) FROM records"), 454);

    // Two real runs started together on a fresh project: one works, the
    // other waits for it; nothing is imported twice.
    let v = Workdir::new();
    project(&v);
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_karte"))
            .args(["run", "--project", "karte.toml", "--wait", "120", "--json"])
            .current_dir(v.dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success() && b.status.success(), "{}{}", String::from_utf8_lossy(&a.stderr), String::from_utf8_lossy(&b.stderr));
    assert_eq!(v.count("SELECT count(*) FROM records"), 454);
    assert_eq!(v.count("SELECT count(*) FROM imports"), 4);
    let docs: Vec<serde_json::Value> = [a, b].iter().map(|o| serde_json::from_slice(&o.stdout).unwrap()).collect();
    let imported: usize = docs.iter().map(|d| d["files"].as_array().unwrap().iter().filter(|f| f["outcome"] == "imported").count()).sum();
    assert_eq!(imported, 4, "each file imported by exactly one of the two runs");
}

#[test]
fn a_dry_run_shows_what_would_change_and_writes_nothing() {
    let w = Workdir::new();
    project(&w);
    let r = run(&w, &["--dry-run"]);
    r.ok().stdout_has("dry run").stdout_has("would write").stdout_has("imported 4");
    assert!(!w.db().exists() || w.count("SELECT count(*) FROM records") == 0);
    assert!(!w.path("out").exists() && !w.path("review").exists());
    assert!(!w.path("karte.db.lock").exists(), "a dry run leaves no lock file behind");

    run(&w, &[]).ok();
    let web = w.path("data/sakura_web.csv");
    let text = std::fs::read_to_string(&web).unwrap();
    std::fs::write(&web, text.replacen("08072441662", "08072441663", 1)).unwrap();
    let before = std::fs::read(w.db()).unwrap();
    let g = generation(&w);
    let doc = json(run(&w, &["--dry-run", "--json"]).ok());
    assert_eq!(doc["dry_run"], true);
    assert_eq!(file(&doc, "sakura_web.csv")["updated"], 1);
    assert!(doc["exports"].as_array().unwrap().iter().all(|e| e["outcome"] == "would write"));
    assert_eq!(generation(&w), g);
    assert_eq!(std::fs::read(w.db()).unwrap(), before, "the database file is untouched");
    // The real run then does what the dry run said.
    let doc = json(run(&w, &["--json"]).ok());
    assert_eq!(file(&doc, "sakura_web.csv")["updated"], 1);
}

#[test]
fn the_summary_carries_counts_not_personal_data_unless_asked() {
    let w = Workdir::new();
    project(&w);
    // A row that will be rejected, with a name in it.
    let web = w.path("data/sakura_web.csv");
    let mut text = std::fs::read_to_string(&web).unwrap();
    text.push_str("W999999-001,2024/10/01 10:00,2024/10/02,,,,,カット,\"¥4,400\",\n");
    std::fs::write(&web, text).unwrap();
    let names = ["中村", "髙橋", "横山", "090-"];
    for extra in [&[][..], &["--json"][..]] {
        let w2 = Workdir::new();
        project(&w2);
        let r = run(&w2, extra);
        r.ok();
        for n in names {
            assert!(!r.stdout.contains(n) && !r.stderr.contains(n), "{n} in the summary:\n{}\n{}", r.stdout, r.stderr);
        }
    }
    let r = run(&w, &["--show-pii"]);
    r.ok().stdout_has("review item");
    assert!(names.iter().any(|n| r.stdout.contains(n)), "--show-pii shows names:\n{}", r.stdout);
}

#[test]
fn project_file_mistakes_are_named_and_exit_2() {
    let w = Workdir::new();
    let r = w.run(["run"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("karte.toml") && r.stderr.contains("karte init"), "{}", r.stderr);

    std::fs::write(w.path("karte.toml"), "databse = \"x.db\"\n[[source]]\nfiles = [\"a.csv\"]\n").unwrap();
    let r = w.run(["run"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("databse"), "{}", r.stderr);

    std::fs::write(w.path("karte.toml"), "[dedup]\nreview = \"r.xlsx\"\n").unwrap();
    let r = w.run(["run"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no [[source]]"), "{}", r.stderr);

    // A required source with no file: the run fails (exit 1) and says which.
    project(&w);
    let toml = std::fs::read_to_string(w.path("karte.toml")).unwrap();
    let pos = repo("mappings/sakura_pos.toml").display().to_string().replace('\\', "/");
    std::fs::write(
        w.path("karte.toml"),
        toml + &format!("\n[[source]]\nfiles = [\"data/daily_*.csv\"]\nmapping = \"{pos}\"\nrequired = true\n"),
    )
    .unwrap();
    let r = run(&w, &[]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("data/daily_*.csv"), "{}", r.stdout);
    assert_eq!(w.count("SELECT count(*) FROM records"), 454, "the other sources still ran");
}

#[test]
fn the_readme_command_runs_the_bundled_samples_project() {
    // samples/karte.toml as committed, in a copy of the repository's layout.
    let w = Workdir::new();
    for dir in ["samples", "mappings"] {
        std::fs::create_dir_all(w.path(dir)).unwrap();
        for e in std::fs::read_dir(repo(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                std::fs::copy(&p, w.path(dir).join(p.file_name().unwrap())).unwrap();
            }
        }
    }
    let r = w.run(["run", "--project", "samples/karte.toml", "--json"]);
    r.ok();
    let doc = json(&r);
    let customers = doc["customers"].as_i64().unwrap();
    assert!((120..=145).contains(&customers), "{customers} customers for 120 people");
    assert_eq!(doc["records"], 454);
    assert!(doc["review_pending"].as_i64().unwrap() > 0);
    for out in ["karte.db", "review.xlsx", "karte.xlsx", "customers.csv"] {
        assert!(w.path("target/sakura").join(out).is_file(), "{out}");
    }
}

/// A small project: one CSV source (mapping `m.toml` in the work dir, with
/// or without a natural key), exported to CSV.
fn small_project(w: &Workdir, key: bool) {
    std::fs::create_dir_all(w.path("data")).unwrap();
    write_small_mapping(w, key);
    std::fs::write(
        w.path("karte.toml"),
        "database = \"karte.db\"\n[[source]]\nfiles = [\"data/*.csv\"]\nmapping = \"m.toml\"\n[dedup]\nreview = \"review.xlsx\"\n[[export]]\npath = \"out/c.csv\"\nencoding = \"utf-8\"\n",
    )
    .unwrap();
}

fn write_small_mapping(w: &Workdir, key: bool) {
    let nk = if key { "natural_key = [\"No\"]\n" } else { "" };
    std::fs::write(
        w.path("m.toml"),
        format!(
            "[source]\nname = \"shop\"\nfiles = [\"*.csv\"]\n{nk}\n[fields]\ncustomer_no = \"No\"\nname = \"氏名\"\nphone = \"電話\"\n"
        ),
    )
    .unwrap();
}

const SMALL: &str = "No,氏名,電話\n1,山田太郎,09011112222\n2,佐藤花子,09033334444\n3,鈴木一郎,09055556666\n";

#[test]
fn a_mapping_that_gains_a_natural_key_keeps_its_records() {
    let w = Workdir::new();
    small_project(&w, false);
    std::fs::write(w.path("data/a.csv"), SMALL).unwrap();
    run(&w, &[]).ok();
    let before = customers(&w);
    // The README's advice: give ledgers their 顧客No as natural_key.
    write_small_mapping(&w, true);
    let doc = json(run(&w, &["--json"]).ok());
    let f = file(&doc, "a.csv");
    assert_eq!((f["added"].as_u64(), f["gone"].as_u64()), (Some(0), Some(0)), "{f:#}");
    assert_eq!(w.count("SELECT count(*) FROM records"), 3);
    assert_eq!(w.count("SELECT count(*) FROM records WHERE gone_import IS NOT NULL"), 0);
    assert_eq!(customers(&w), before, "every record keeps its customer");
    // And back: the key taken away again.
    write_small_mapping(&w, false);
    let doc = json(run(&w, &["--json"]).ok());
    assert_eq!(file(&doc, "a.csv")["added"].as_u64(), Some(0), "{doc:#}");
    assert_eq!(w.count("SELECT count(*) FROM records"), 3);
}

#[test]
fn a_moved_project_then_an_edited_file_doubles_nothing() {
    let w = Workdir::new();
    // The project in shop/, run; moved to shop2/, run; a row added; moved
    // again to shop3/, a row deleted: never a record twice, and the
    // deleted row is marked gone.
    let shop = w.path("shop");
    std::fs::create_dir_all(shop.join("data")).unwrap();
    write_small_mapping(&w, false);
    std::fs::rename(w.path("m.toml"), shop.join("m.toml")).unwrap();
    std::fs::write(shop.join("karte.toml"), "[[source]]\nfiles = [\"data/*.csv\"]\nmapping = \"m.toml\"\n[dedup]\nenabled = false\n")
        .unwrap();
    std::fs::write(shop.join("data/a.csv"), SMALL).unwrap();
    let run_in = |dir: &str| w.run(["run", "--project", &format!("{dir}/karte.toml"), "--json"]);
    run_in("shop").ok();
    std::fs::rename(w.path("shop"), w.path("shop2")).unwrap();
    run_in("shop2").ok();
    let mut text = SMALL.to_string();
    text.push_str("4,田中次郎,09077778888\n");
    std::fs::write(w.path("shop2/data/a.csv"), &text).unwrap();
    let doc = json(run_in("shop2").ok());
    let f = file(&doc, "a.csv");
    assert_eq!((f["added"].as_u64(), f["unchanged_rows"].as_u64()), (Some(1), Some(3)), "{f:#}");
    std::fs::rename(w.path("shop2"), w.path("shop3")).unwrap();
    std::fs::write(w.path("shop3/data/a.csv"), text.replace("2,佐藤花子,09033334444\n", "")).unwrap();
    let doc = json(run_in("shop3").ok());
    let f = file(&doc, "a.csv");
    assert_eq!((f["added"].as_u64(), f["gone"].as_u64()), (Some(0), Some(1)), "{f:#}");
    let c = rusqlite::Connection::open(w.path("shop3/karte.db")).unwrap();
    let n = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(n("SELECT count(*) FROM records"), 4);
    assert_eq!(n("SELECT count(*) FROM records WHERE gone_import IS NOT NULL"), 1);
}

#[test]
fn decisions_written_into_the_review_report_survive_the_next_run() {
    let w = Workdir::new();
    project(&w);
    run(&w, &[]).ok();
    let report = w.path("review/review.xlsx");
    // A person opens the report, decides two pairs and saves it; the
    // nightly run comes before anyone ran karte review apply, and a
    // booking was added meanwhile (the data changed: dedup runs again).
    let filled = w.path("filled.xlsx");
    crate::dedup::decide(&report, &filled, |n| match n {
        1 => Some("別人"),
        2 => Some("別人"),
        _ => None,
    });
    std::fs::rename(&filled, &report).unwrap();
    let web = w.path("data/sakura_web.csv");
    let mut text = std::fs::read_to_string(&web).unwrap();
    text.push_str("W991231-001,2024/12/31 10:00,2025/01/05,新井　一郎,あらい　いちろう,08011112222,arai@example.jp,カット,\"¥4,400\",\n");
    std::fs::write(&web, text).unwrap();
    let doc = json(run(&w, &["--json"]).ok());
    assert_eq!(doc["dedup"]["ran"], true, "{doc:#}");
    assert_eq!(doc["review_applied"]["separated"], 2, "{doc:#}");
    assert_eq!(w.count("SELECT count(*) FROM pair_decisions WHERE decision = 'separate'"), 2);
    // A report whose decisions cannot be applied is kept, not replaced.
    run(&w, &[]).ok();
    crate::dedup::decide(&report, &filled, |n| match n {
        1 => Some("どちらでもない"),
        2 => Some("別人"),
        _ => None,
    });
    std::fs::rename(&filled, &report).unwrap();
    let kept = std::fs::read(&report).unwrap();
    std::fs::write(&web, std::fs::read_to_string(&web).unwrap().replace("新井　一郎", "新井　一朗")).unwrap();
    let r = run(&w, &["--json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let doc = json(&r);
    assert_eq!(doc["review_report"]["outcome"], "failed", "{doc:#}");
    assert_eq!(std::fs::read(&report).unwrap(), kept, "the person's report is not overwritten");
    // Nor is one karte cannot read as a report at all (a sheet renamed, a
    // note row where the header was): kept, and dedup waits.
    std::fs::copy(crate::util::reader("title-rows.xlsx"), &report).unwrap();
    let kept = std::fs::read(&report).unwrap();
    let r = run(&w, &["--json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let doc = json(&r);
    assert_eq!(doc["review_report"]["outcome"], "failed", "{doc:#}");
    assert!(doc["review_report"]["note"].as_str().unwrap().contains("cannot be read as a review report"), "{doc:#}");
    assert_eq!(std::fs::read(&report).unwrap(), kept);
}

#[test]
fn rows_sharing_a_natural_key_keep_their_records_when_one_is_edited_and_moved() {
    // Two lines of one receipt (one 伝票番号): tomorrow the second line is
    // edited and moved above the first. Each line keeps its own record.
    let w = Workdir::new();
    let mapping = w.path("pos.toml");
    std::fs::write(
        &mapping,
        "[source]\nname = \"pos\"\nfiles = [\"pos.csv\"]\nrows = \"event\"\nnatural_key = [\"伝票\"]\n\n[fields]\nname = \"氏名\"\n\n[event]\nkind = \"purchase\"\nnumber = \"伝票\"\nitem = \"品目\"\n",
    )
    .unwrap();
    let csv = w.path("pos.csv");
    std::fs::write(&csv, "伝票,氏名,品目\nR1,山田 太郎,カット\nR1,山田 太郎,シャンプー\nR2,鈴木 花子,カラー\n").unwrap();
    w.import_with(&mapping, &csv, &[]).ok();
    let before: BTreeMap<String, i64> = w
        .strings("SELECT e.item || ':' || r.id FROM records r JOIN events e ON e.record_id = r.id")
        .iter()
        .map(|s| {
            let (a, b) = s.split_once(':').unwrap();
            (a.to_string(), b.parse().unwrap())
        })
        .collect();
    std::fs::write(&csv, "伝票,氏名,品目\nR1,山田 太郎,トリートメント\nR1,山田 太郎,カット\nR2,鈴木 花子,カラー\n").unwrap();
    w.import_with(&mapping, &csv, &[]).ok().stdout_has("updated 1, unchanged 2, gone from the file 0");
    let item_of = |id: i64| w.strings(&format!("SELECT item FROM events WHERE record_id = {id}"));
    assert_eq!(item_of(before["カット"]), ["カット"], "the unchanged line keeps its record");
    assert_eq!(item_of(before["シャンプー"]), ["トリートメント"], "the edited line updates the record it was");
    assert_eq!(w.count("SELECT count(*) FROM records"), 3);
}

#[test]
fn a_karte_with_other_matching_rules_dedups_again_though_no_data_changed() {
    // Yesterday's database was deduplicated by a karte whose matching rules
    // differ (its stamp says so): tonight's run with no new data dedups
    // again, once.
    let w = Workdir::new();
    sample_shop(&w);
    w.run(["init", "shop"]).ok();
    w.run(["run", "--project", "shop/karte.toml"]).ok();
    let conn = rusqlite::Connection::open(w.path("shop/karte.db")).unwrap();
    conn.execute("UPDATE meta SET value = 'a stamp of older rules' WHERE key = 'dedup_config'", []).unwrap();
    drop(conn);
    let r = w.run(["run", "--project", "shop/karte.toml", "--json"]);
    assert_eq!(json(r.ok())["dedup"]["ran"], true);
    let r = w.run(["run", "--project", "shop/karte.toml", "--json"]);
    assert_eq!(json(r.ok())["dedup"]["ran"], false);
}

#[test]
fn the_first_run_of_a_large_store_dedups_it() {
    // Two exports of 10,500 customers each, each small enough to be
    // imported under the write-ahead log, and ten thousand merges and
    // more, which dedup writes under a rollback journal: the first run
    // used to refuse with "the database changed while dedup was deciding".
    let w = Workdir::new();
    std::fs::create_dir_all(w.path("data")).unwrap();
    let n = 10_500;
    for (file, kana) in [("a.csv", false), ("b.csv", true)] {
        let mut text = String::from("番号,氏名,フリガナ,生年月日,携帯\n");
        for i in 0..n {
            let kana = if kana { "ヤマダ" } else { "" };
            // One birth date per person (a name and a birth date in common
            // is a reason to compare, and ten thousand people sharing a
            // handful would be a corpus of namesakes, not of customers).
            text.push_str(&format!("{i},山田 太郎{i},{kana},19{:02}-{:02}-{:02},090{:08}\n", i / 336, 1 + (i / 28) % 12, 1 + i % 28, i));
        }
        std::fs::write(w.path("data").join(file), text).unwrap();
    }
    for (name, file) in [("a", "a.csv"), ("b", "b.csv")] {
        std::fs::write(
            w.path(&format!("{name}.toml")),
            format!(
                "[source]\nname = \"{name}\"\nfiles = [\"{file}\"]\nencoding = \"utf-8\"\n\n[fields]\ncustomer_no = \"番号\"\nname = \"氏名\"\nkana = \"フリガナ\"\nbirth_date = \"生年月日\"\nmobile = \"携帯\"\n"
            ),
        )
        .unwrap();
    }
    std::fs::write(
        w.path("karte.toml"),
        "database = \"karte.db\"\n\n[[source]]\nfiles = [\"data/a.csv\"]\nmapping = \"a.toml\"\n\n[[source]]\nfiles = [\"data/b.csv\"]\nmapping = \"b.toml\"\n\n[dedup]\nreview = \"review.xlsx\"\n\n[[export]]\npath = \"out/customers.csv\"\n",
    )
    .unwrap();
    let r = run(&w, &["--json"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let doc = json(&r);
    assert_eq!(doc["dedup"]["ran"], true, "{doc:#}");
    assert_eq!(w.count("SELECT count(*) FROM customers WHERE merged_into IS NULL"), n as i64);
    assert_eq!(w.count("SELECT count(*) FROM merges WHERE decided_by = 'auto'"), n as i64);
    assert!(w.path("out/customers.csv").is_file());
}

#[test]
fn a_file_saved_again_with_the_same_values_changes_no_golden_record() {
    // The web export saved again by Excel: 2021/04/14 becomes 2021/4/14 in
    // every row. The rows are re-read (their text changed), but nothing a
    // customer is made of changed: no golden value, no 最終来店. A real edit
    // (a phone corrected) makes the record recent for its golden values,
    // but 最終来店 stays the last visit, not the day of the import.
    let w = Workdir::new();
    project(&w);
    run(&w, &[]).ok();
    let golden = || {
        w.strings("SELECT customer_id || '|' || coalesce(name, '') || '|' || coalesce(mobile, '') || '|' || coalesce(email, '') || '|' || coalesce(last_seen, '') FROM golden ORDER BY customer_id")
    };
    let before = golden();
    let web = w.path("data/sakura_web.csv");
    let text = std::fs::read_to_string(&web).unwrap();
    let resaved: String = text
        .lines()
        .map(|l| {
            let mut cells: Vec<String> = l.split(',').map(str::to_string).collect();
            if cells.len() > 2 && cells[2].len() == 10 && cells[2].as_bytes()[4] == b'/' {
                let (y, m, d) = (&cells[2][..4], cells[2][5..7].trim_start_matches('0'), cells[2][8..10].trim_start_matches('0'));
                cells[2] = format!("{y}/{m}/{d}");
            }
            cells.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(resaved, text.replace("\r\n", "\n"));
    std::fs::write(&web, resaved + "\n").unwrap();
    let doc = json(run(&w, &["--json"]).ok());
    assert!(file(&doc, "sakura_web.csv")["updated"].as_u64().unwrap() > 0, "{doc:#}");
    assert_eq!(golden(), before, "the same values make the same customers");
    // A real edit: one booking's mobile corrected.
    let text = std::fs::read_to_string(&web).unwrap();
    std::fs::write(&web, text.replacen("080-3364-1872", "080-3364-1873", 1)).unwrap();
    run(&w, &[]).ok();
    let today = w.strings("SELECT date('now')")[0].clone();
    assert_eq!(w.count(&format!("SELECT count(*) FROM golden WHERE last_seen >= '{today}'")), 0, "最終来店 is a visit, not an import");
}

#[test]
fn pairs_waiting_for_a_person_stay_in_the_report_when_other_records_arrive() {
    // Tonight 600 new customers booked on the web. The weights dedup
    // estimates from all the data move with them, but the pairs yesterday's
    // report asked about, whose records did not change, are asked about
    // again: none dropped below the review line, none merged with no one
    // deciding.
    let w = Workdir::new();
    project(&w);
    run(&w, &[]).ok();
    let pairs = || w.strings("SELECT record_a || '-' || record_b FROM review_items WHERE status = 'open' ORDER BY 1");
    let before = pairs();
    assert!(before.len() >= 5, "{before:?}");
    let web = w.path("data/sakura_web.csv");
    let mut text = std::fs::read_to_string(&web).unwrap();
    const FAMILY: [&str; 6] = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺"];
    const GIVEN: [&str; 10] = ["一郎", "花子", "美咲", "健太", "陽菜", "大輔", "結衣", "翔", "彩", "誠"];
    for i in 0..600 {
        let name = format!("{}　{}{}", FAMILY[i % 6], GIVEN[i % 10], ["", "子", "美", "香"][i / 60 % 4]);
        text.push_str(&format!("W99{i:04}-001,2025/01/02 10:00,2025/01/05,{name},,090{:08},,カット,\"¥4,400\",\n", 55_000_000 + i));
    }
    std::fs::write(&web, text).unwrap();
    let doc = json(run(&w, &["--json"]).ok());
    assert_eq!(doc["dedup"]["ran"], true, "{doc:#}");
    // Asked about again: the two records are still two customers, and the
    // report still asks whether those two customers are one (through this
    // pair of records, or another pair of theirs: a third record may have
    // joined either side by its own evidence).
    let cust = |r: &str| w.count(&format!("SELECT customer_id FROM records WHERE id = {r}"));
    let asked = w.strings(
        "SELECT min(customer_a, customer_b) || '-' || max(customer_a, customer_b) FROM review_items
         WHERE status = 'open' AND run_id = (SELECT max(run_id) FROM review_items)",
    );
    let dropped: Vec<&String> = before
        .iter()
        .filter(|p| {
            let (a, b) = p.split_once('-').unwrap();
            let (ca, cb) = (cust(a), cust(b));
            ca == cb || !asked.contains(&format!("{}-{}", ca.min(cb), ca.max(cb)))
        })
        .collect();
    assert!(dropped.is_empty(), "pairs merged or no longer asked about: {dropped:?} (report: {:?})", pairs());
}

/// A project whose review report is named `.csv` is refused with the key
/// named, before any file is read.
#[test]
fn a_project_review_report_not_named_xlsx_is_refused() {
    let w = Workdir::new();
    project(&w);
    let toml = std::fs::read_to_string(w.path("karte.toml")).unwrap().replace("review/review.xlsx", "review/review.csv");
    std::fs::write(w.path("karte.toml"), toml).unwrap();
    let r = run(&w, &[]);
    assert_eq!(r.code, 2, "a project karte cannot use is refused like a bad argument:\n{}", r.stderr);
    r.stderr_has("[dedup] review").stderr_has("must be an Excel workbook named *.xlsx");
    assert!(!w.path("karte.db").exists(), "no database was made");
}
