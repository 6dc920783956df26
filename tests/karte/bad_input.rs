//! Bad input: a clear message naming file, sheet, row or column; a non-zero
//! exit where nothing could be imported; never a panic; never half-written
//! data.

use crate::util::{mapping, reader, Workdir};

/// Imports a good file first, so "left as it was" means something.
fn with_baseline() -> Workdir {
    let w = Workdir::new();
    w.import("pos", &[reader("cp932.csv")], &[]).ok();
    w
}

#[track_caller]
fn unchanged(w: &Workdir) {
    assert_eq!(w.count("SELECT count(*) FROM imports"), 1, "an import was recorded");
    assert_eq!(w.count("SELECT count(*) FROM records"), 6, "records were written");
    assert_eq!(w.count("SELECT count(*) FROM customers"), 6);
    assert_eq!(w.count("SELECT count(*) FROM problems"), 0);
}

#[test]
fn empty_file() {
    let w = with_baseline();
    w.import("name-phone", &[reader("empty.csv")], &[]).fails().stderr_has("empty.csv is empty (0 bytes)");
    unchanged(&w);
}

#[test]
fn header_only_file() {
    let w = with_baseline();
    w.import("name-phone", &[reader("header-only.csv")], &[])
        .fails()
        .stderr_has("header-only.csv: no data rows below the header (header on line 1)");
    unchanged(&w);
}

#[test]
fn empty_workbook() {
    let w = with_baseline();
    w.import("name-phone", &[reader("empty.xlsx")], &[]).fails().stderr_has("empty.xlsx: no sheet has any data");
    unchanged(&w);
}

#[test]
fn truncated_xlsx() {
    let w = with_baseline();
    w.import("ledger", &[reader("truncated.xlsx")], &[])
        .fails()
        .stderr_has("truncated.xlsx is not a readable xlsx file")
        .stderr_has("truncated or damaged");
    unchanged(&w);
}

#[test]
fn random_bytes_named_xlsx() {
    let w = with_baseline();
    w.import("ledger", &[reader("corrupt.xlsx")], &[]).fails().stderr_has("corrupt.xlsx is not a readable xlsx file");
    unchanged(&w);
}

#[test]
fn password_protected_workbook() {
    let w = with_baseline();
    w.import("ledger", &[reader("password.xlsx")], &[]).fails().stderr_has("password.xlsx is password-protected");
    unchanged(&w);
}

#[test]
fn declared_utf8_but_cp932() {
    let w = with_baseline();
    w.import("name-phone", &[reader("declared-utf8-is-cp932.csv")], &["--encoding", "utf-8"])
        .fails()
        .stderr_has("declared-utf8-is-cp932.csv was declared UTF-8 but is not")
        .stderr_has("first on line 1")
        .stderr_has("decodes cleanly as CP932");
    unchanged(&w);
    // Left on auto, the same file imports.
    w.import("name-phone", &[reader("declared-utf8-is-cp932.csv")], &[]).ok();
}

#[test]
fn mapping_names_a_missing_column_did_you_mean() {
    let w = with_baseline();
    // Sheet 顧客台帳 fits; sheet 2019 writes ﾌﾘｶﾞﾅ. Nothing from either sheet is written.
    w.import("ledger-both-sheets", &[reader("title-rows.xlsx")], &[])
        .fails()
        .stderr_has("mapping key 'fields.kana': column 'フリガナ' not found in sheet '2019' of title-rows.xlsx; did you mean 'ﾌﾘｶﾞﾅ'?");
    unchanged(&w);
}

#[test]
fn mapping_names_a_missing_sheet() {
    let w = with_baseline();
    w.import("ledger-missing-sheet", &[reader("title-rows.xlsx")], &[])
        .fails()
        .stderr_has("title-rows.xlsx has no sheet named '2020'")
        .stderr_has("did you mean '2019'?");
    unchanged(&w);
}

#[test]
fn mapping_column_missing_from_a_csv() {
    let w = with_baseline();
    w.import("web", &[reader("semicolon.csv")], &[]).fails().stderr_has("column 'お名前' not found in semicolon.csv (header on line 1)");
    unchanged(&w);
}

#[test]
fn required_field_missing_rejects_the_record_but_keeps_it() {
    let w = Workdir::new();
    // pos.toml marks 顧客名 required; title-rows.csv's footer has none, but
    // that row is not a customer row at all (skipped, not rejected).
    w.import("pos", &[reader("title-rows.csv")], &[]).ok();
    assert_eq!(w.count("SELECT count(*) FROM records WHERE status = 'rejected'"), 0);
    // A mapping that requires a field the rows lack rejects them, kept with the reason.
    let req = |w: &Workdir, toml: &str, file: &str| {
        let m = w.path("req.toml");
        std::fs::write(&m, toml).unwrap();
        w.run(["import".as_ref(), "--db".as_ref(), w.db().as_os_str(), "--mapping".as_ref(), m.as_os_str(), reader(file).as_os_str()])
    };
    req(
        &w,
        "[source]\nname = 'req'\n[fields]\nname = '氏名'\nphone = '電話番号'\nnote = { column = '郵便番号', required = true }\n",
        "ragged.csv",
    )
    .ok();
    assert_eq!(
        w.strings("SELECT row || ' ' || status_reason FROM records WHERE status = 'rejected'"),
        ["3 required field 'note' is empty or unusable"]
    );
    assert_eq!(
        w.strings("SELECT severity || ' ' || code || ' ' || row FROM problems WHERE severity = 'reject'"),
        ["reject required_missing 3"]
    );
    // A required value that cannot be cleansed rejects the record too, and
    // the warning says why.
    let w = Workdir::new();
    req(&w, "[source]\nname = 'req'\n[fields]\nname = '氏名'\nemail = { column = '電話番号', required = true }\n", "semicolon.csv")
        .ok()
        .stdout_has("imported 0, warned 0, rejected 3");
    assert_eq!(
        w.count("SELECT count(*) FROM problems WHERE code = 'email_invalid' AND field = 'email' AND raw = '090-1234-5678' AND row = 2"),
        1
    );
}

#[test]
fn invalid_mappings_name_the_problem() {
    let w = Workdir::new();
    let cases = [
        ("[source]\nname='x'\n[fields]\nnmae = '氏名'\n", "has no field 'nmae'; did you mean 'name'?"),
        ("[source]\nname='x'\n[fields]\nname = { column = '氏名', type = 'nam' }\n", "type 'nam' is not a field type"),
        ("[source]\nname='x'\nencoding='latin9x'\n[fields]\nname = '氏名'\n", "source.encoding is 'latin9x'"),
        ("[source]\nname='x'\n", "maps no field"),
        ("[fields]\nname = '氏名'\n", "missing field `source`"),
        ("[source]\nname='x'\n[event]\nkind='sale'\ndate='日付'\n", "event.kind is 'sale'"),
        ("this is not toml", "is not valid"),
    ];
    for (i, (text, expect)) in cases.iter().enumerate() {
        let m = w.path(&format!("m{i}.toml"));
        std::fs::write(&m, text).unwrap();
        let r = w.run([
            "import".as_ref(),
            "--db".as_ref(),
            w.db().as_os_str(),
            "--mapping".as_ref(),
            m.as_os_str(),
            reader("utf8.csv").as_os_str(),
        ]);
        r.fails().stderr_has(expect);
    }
    assert!(!w.db().exists(), "a bad mapping must not even create the database");
}

#[test]
fn one_bad_file_among_good_ones() {
    let w = Workdir::new();
    let r = w.import("name-phone", &[reader("semicolon.csv"), reader("empty.csv"), reader("eucjp.csv")], &[]);
    r.fails().stdout_has("empty.csv: FAILED").stdout_has("files imported 2, unchanged 0, failed 1");
    assert_eq!(w.count("SELECT count(*) FROM imports"), 2);
    assert_eq!(w.strings("SELECT status FROM runs"), ["partial"]);
}

#[test]
fn a_file_that_is_not_there() {
    let w = Workdir::new();
    w.import("name-phone", &[w.path("nope.csv")], &[]).fails().stderr_has("cannot read nope.csv");
}

#[test]
fn a_database_that_is_not_a_karte_database() {
    let w = Workdir::new();
    std::fs::write(w.db(), b"hello, this is not sqlite at all, just some text padding it out to a page").unwrap();
    w.import("name-phone", &[reader("utf8.csv")], &[]).fails().stderr_has("karte.db");
    let other = w.path("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t(x)").unwrap();
    let r = w.run([
        "import".as_ref(),
        "--db".as_ref(),
        other.as_os_str(),
        "--mapping".as_ref(),
        mapping("name-phone").as_os_str(),
        reader("semicolon.csv").as_os_str(),
    ]);
    r.fails().stderr_has("not a karte database");
}

#[test]
fn no_fixture_makes_karte_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/readers");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e != "md")).collect();
    files.sort();
    assert!(files.len() >= 25);
    let w = Workdir::new();
    for f in &files {
        let r = w.run(["inspect".as_ref(), f.as_os_str()]);
        assert!(r.code == 0 || r.code == 1, "{}: exit {}\n{}", f.display(), r.code, r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}: {}", f.display(), r.stderr);
        for m in ["name-phone", "ledger", "cards", "pos"] {
            let r = w.import(m, std::slice::from_ref(f), &[]);
            assert!(r.code == 0 || r.code == 1, "{} with {m}: exit {}\n{}", f.display(), r.code, r.stderr);
            assert!(!r.stderr.contains("panicked"), "{}: {}", f.display(), r.stderr);
        }
    }
}

#[test]
fn a_database_from_a_newer_karte_is_refused() {
    let w = with_baseline();
    w.conn().execute_batch("PRAGMA user_version = 99").unwrap();
    w.import("name-phone", &[reader("utf8.csv")], &[]).fails().stderr_has("schema version 99, made by a newer karte");
}

#[test]
fn a_stray_quote_is_refused_not_read_as_one_huge_cell() {
    // Yesterday's export imported; tonight's has one field opened with a
    // quote that never closes. CSV readers take the rest of the file as
    // one cell: the rows after it would vanish (and be marked gone). The
    // file is refused with the line, and the database stays as it was.
    let w = Workdir::new();
    let csv = w.path("pos.csv");
    std::fs::copy(reader("cp932.csv"), &csv).unwrap();
    w.import("pos", std::slice::from_ref(&csv), &[]).ok();
    unchanged(&w);
    let bytes = std::fs::read(&csv).unwrap();
    let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(|l| l.to_vec()).collect();
    let comma = lines[2].iter().position(|&b| b == b',').unwrap();
    lines[2].insert(comma + 1, b'"');
    std::fs::write(&csv, lines.join(&b'\n')).unwrap();
    w.import("pos", std::slice::from_ref(&csv), &[]).fails().stderr_has("pos.csv").stderr_has("opens on line 3 (field 2)");
    unchanged(&w);
    assert_eq!(w.count("SELECT count(*) FROM records WHERE gone_import IS NOT NULL"), 0);
}
