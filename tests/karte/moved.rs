//! Issue 18 point 2, "a moved project stays one karte": a project folder
//! copied or moved with `cp -a` (same bytes, same modification times) is the
//! same karte — its files are known by their place in the project (relative
//! to karte.toml) and their content, not by their full path.

use std::path::Path;
use std::process::Command;

use rusqlite::Connection;

use crate::util::{Run, Workdir};

fn json(r: &Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr))
}

/// `karte run --project <project> --json`, which must succeed.
fn run(w: &Workdir, project: &str) -> serde_json::Value {
    let r = w.run(["run", "--project", project, "--json"]);
    assert_eq!(r.code, 0, "karte run --project {project}:\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    json(&r)
}

/// In the typed cards (CP932): deletes the card of 新井 美咲, one without
/// a カルテNo (the natural key), so known by its fingerprint only.
fn delete_keyless_card(path: &Path) {
    let script = r#"
import sys
p = sys.argv[1]
lines = open(p, encoding="cp932", newline="").read().split("\n")
start = next(i for i, l in enumerate(lines) if l.startswith("氏名：新井"))
assert not any(l.startswith("カルテNo") for l in lines[start - 2:start]), lines[start - 2:start]
end = next(i for i in range(start, len(lines)) if lines[i].startswith("-----"))
del lines[start:end + 1]
open(p, "w", encoding="cp932", newline="").write("\n".join(lines))
"#;
    let out = Command::new("python3").arg("-c").arg(script).arg(path).output().expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn cp_a(from: &Path, to: &Path) {
    let out = Command::new("cp").arg("-a").arg(from).arg(to).output().expect("cp runs");
    assert!(out.status.success(), "cp -a: {}", String::from_utf8_lossy(&out.stderr));
}

fn file<'a>(doc: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    doc["files"].as_array().unwrap().iter().find(|f| f["file"] == name).unwrap_or_else(|| panic!("no {name} in {doc:#}"))
}

/// Every file of the run was found unchanged (four sources).
fn all_unchanged(doc: &serde_json::Value) {
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 4, "{doc:#}");
    for f in files {
        assert_eq!(f["outcome"], "unchanged", "{}: {doc:#}", f["file"]);
    }
}

/// What a karte holds: records (all, live, gone), live customers, review
/// items waiting, imports.
#[derive(Debug, PartialEq, Eq)]
struct Figures {
    records: i64,
    live: i64,
    gone: i64,
    customers: i64,
    open_review: i64,
    imports: i64,
}

fn figures(db: &Path) -> Figures {
    let c = Connection::open(db).unwrap();
    let n = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    Figures {
        records: n("SELECT count(*) FROM records"),
        live: n("SELECT count(*) FROM records WHERE gone_import IS NULL"),
        gone: n("SELECT count(*) FROM records WHERE gone_import IS NOT NULL"),
        customers: n("SELECT count(DISTINCT customer_id) FROM records WHERE status = 'active' AND gone_import IS NULL"),
        open_review: n("SELECT count(*) FROM review_items WHERE status = 'open'"),
        imports: n("SELECT count(*) FROM imports"),
    }
}

/// In the web bookings (natural key 予約番号): deletes the 3rd and 4th
/// bookings and changes the request (ご要望) of the 5th. Returns the two
/// deleted booking numbers.
fn edit_web(path: &Path) -> [String; 2] {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let no = |l: &str| l.split(',').next().unwrap().to_string();
    let deleted = [no(&lines[3]), no(&lines[4])];
    lines.drain(3..5);
    // The 5th booking is now line 3; its last field is plain (not quoted).
    assert!(!lines[3].ends_with('"'), "{}", lines[3]);
    lines[3].push_str("（駐車場の件）");
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
    deleted
}

/// A karte database as the karte before issue 18 left it: schema version 5,
/// imports known by `file_path` only. Migration 6 only added
/// `imports.file_key` (and its index); `file_path` holds the same full
/// path either way, so dropping them and setting the version back is the
/// old karte's database byte for byte in what it means. Migration 7 (the
/// golden records' own numbers and pins) is taken back as well: it added
/// two golden columns and two tables, which a newer karte fills again.
fn make_old_style(db: &Path) {
    let c = Connection::open(db).unwrap();
    let has_key: i64 = c.query_row("SELECT count(*) FROM pragma_table_info('imports') WHERE name = 'file_key'", [], |r| r.get(0)).unwrap();
    if has_key == 1 {
        c.execute_batch(
            "DROP INDEX IF EXISTS imports_by_key; ALTER TABLE imports DROP COLUMN file_key;
             DROP TABLE IF EXISTS pins; DROP TABLE IF EXISTS pin_log;
             ALTER TABLE golden DROP COLUMN numbers; ALTER TABLE golden DROP COLUMN pinned;
             PRAGMA user_version = 5;",
        )
        .unwrap();
    }
    let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, 5, "the karte before issue 18 wrote schema version 5");
}

fn file_paths(db: &Path) -> Vec<String> {
    let c = Connection::open(db).unwrap();
    let mut st = c.prepare("SELECT DISTINCT file_path FROM imports ORDER BY 1").unwrap();
    st.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

#[test]
fn issue18_2_a_project_copied_with_cp_a_is_the_same_karte() {
    let w = Workdir::new();
    w.sample_project_in("A", "karte.db");
    run(&w, "A/karte.toml");
    let first = figures(&w.path("A/karte.db"));
    assert!(first.records > 400 && first.gone == 0, "{first:?}");

    cp_a(&w.path("A"), &w.path("B"));
    let doc = run(&w, "B/karte.toml");
    all_unchanged(&doc);
    assert_eq!(figures(&w.path("B/karte.db")), first, "nothing added, nothing gone after the copy");
    // The original still sees its files as they were.
    all_unchanged(&run(&w, "A/karte.toml"));
    assert_eq!(figures(&w.path("A/karte.db")), first);
    // `karte import` (no project) of a file the project imported knows it
    // as the project does; an edit to it is the same file's new version.
    let mapping = Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings/sakura_web.toml");
    let web = w.path("B/data/sakura_web.csv");
    let import = |extra: &[&str]| {
        let mut args: Vec<std::ffi::OsString> =
            vec!["import".into(), "--db".into(), w.path("B/karte.db").into(), "--mapping".into(), mapping.clone().into()];
        args.extend(extra.iter().map(|s| s.into()));
        args.push(web.clone().into());
        w.run(args)
    };
    import(&[]).ok().stdout_has("unchanged since import");
    edit_web(&web);
    import(&[]).ok().stdout_has("gone from the file 2");
    assert_eq!(figures(&w.path("B/karte.db")).records, first.records);
    all_unchanged(&run(&w, "B/karte.toml"));
}

#[test]
fn issue18_2_an_edit_after_the_move_supersedes_the_import_from_before() {
    let w = Workdir::new();
    w.sample_project_in("A", "karte.db");
    run(&w, "A/karte.toml");
    let first = figures(&w.path("A/karte.db"));
    // A copy (A stays where it is, with its files): the edit is made before
    // B's first night.
    cp_a(&w.path("A"), &w.path("B"));

    let deleted = edit_web(&w.path("B/data/sakura_web.csv"));
    delete_keyless_card(&w.path("B/data/sakura_cards.txt"));
    let doc = run(&w, "B/karte.toml");
    let counts = |f: &serde_json::Value| [&f["added"], &f["updated"], &f["gone"]].map(|v| v.as_u64().unwrap());
    let web = file(&doc, "sakura_web.csv");
    assert_eq!(web["outcome"], "imported", "{doc:#}");
    assert_eq!(counts(web), [0, 1, 2], "{web:#}");
    // The cards without a カルテNo are not added again; the deleted one is gone.
    let cards = file(&doc, "sakura_cards.txt");
    assert_eq!(cards["outcome"], "imported", "{doc:#}");
    assert_eq!(counts(cards), [0, 0, 1], "{cards:#}");
    for f in ["sakura_ledger.xlsx", "sakura_pos.csv"] {
        assert_eq!(file(&doc, f)["outcome"], "unchanged", "{doc:#}");
    }
    let after = figures(&w.path("B/karte.db"));
    assert_eq!((after.records, after.live, after.gone), (first.records, first.records - 3, 3), "{after:?}");
    let c = Connection::open(w.path("B/karte.db")).unwrap();
    for no in &deleted {
        let gone: i64 = c
            .query_row("SELECT count(*) FROM records WHERE natural_key LIKE '%' || ?1 || '%' AND gone_import IS NOT NULL", [no], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(gone, 1, "booking {no} is marked gone");
    }
    // The night after: nothing to do.
    all_unchanged(&run(&w, "B/karte.toml"));
    assert_eq!(figures(&w.path("B/karte.db")), after);
}

#[test]
fn issue18_2_a_copied_project_with_its_database_outside_by_a_relative_or_absolute_path() {
    let w = Workdir::new();
    std::fs::create_dir_all(w.path("shared")).unwrap();
    w.sample_project_in("A", "../shared/karte.db");
    run(&w, "A/karte.toml");
    let db = w.path("shared/karte.db");
    let first = figures(&db);

    // B beside A: the same relative path names the same database.
    cp_a(&w.path("A"), &w.path("B"));
    all_unchanged(&run(&w, "B/karte.toml"));
    assert_eq!(figures(&db), first);

    // C elsewhere, the database given by its absolute path.
    std::fs::create_dir_all(w.path("elsewhere")).unwrap();
    cp_a(&w.path("A"), &w.path("elsewhere/C"));
    let toml = std::fs::read_to_string(w.path("elsewhere/C/karte.toml")).unwrap();
    let abs = std::fs::canonicalize(&db).unwrap();
    let toml = toml.replace("database = \"../shared/karte.db\"", &format!("database = {:?}", abs.display().to_string()));
    assert!(toml.contains(&abs.display().to_string()), "{toml}");
    std::fs::write(w.path("elsewhere/C/karte.toml"), toml).unwrap();
    all_unchanged(&run(&w, "elsewhere/C/karte.toml"));
    assert_eq!(figures(&db), first);

    // An edit in C supersedes A's import of the same place.
    edit_web(&w.path("elsewhere/C/data/sakura_web.csv"));
    let doc = run(&w, "elsewhere/C/karte.toml");
    assert_eq!(file(&doc, "sakura_web.csv")["gone"], 2, "{doc:#}");
    let after = figures(&db);
    assert_eq!((after.records, after.gone), (first.records, 2), "{after:?}");
}

#[test]
fn issue18_2_a_database_from_before_knows_its_files_after_the_upgrade_and_after_a_copy() {
    let w = Workdir::new();
    w.sample_project_in("A", "karte.db");
    run(&w, "A/karte.toml");
    let first = figures(&w.path("A/karte.db"));
    make_old_style(&w.path("A/karte.db"));
    let a = std::fs::canonicalize(w.path("A")).unwrap();
    let paths = file_paths(&w.path("A/karte.db"));
    assert_eq!(paths.len(), 4, "{paths:?}");
    assert!(paths.iter().all(|p| Path::new(p).starts_with(&a)), "full paths inside the project: {paths:?}");

    // Copied before the upgrade: the stored paths name A's files, which
    // are still there; B's files are at the same places in their project.
    cp_a(&w.path("A"), &w.path("B"));
    all_unchanged(&run(&w, "B/karte.toml"));
    assert_eq!(figures(&w.path("B/karte.db")), first);
    let deleted = edit_web(&w.path("B/data/sakura_web.csv"));
    let doc = run(&w, "B/karte.toml");
    assert_eq!(file(&doc, "sakura_web.csv")["gone"], 2, "{doc:#} {deleted:?}");
    assert_eq!(figures(&w.path("B/karte.db")).records, first.records);

    // Upgraded in place, then copied.
    all_unchanged(&run(&w, "A/karte.toml"));
    assert_eq!(figures(&w.path("A/karte.db")), first);
    cp_a(&w.path("A"), &w.path("D"));
    all_unchanged(&run(&w, "D/karte.toml"));
    assert_eq!(figures(&w.path("D/karte.db")), first);
}
