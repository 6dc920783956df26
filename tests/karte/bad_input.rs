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

// ---- issue 18: hostile and careless files -------------------------------

/// Runs `karte` with its data segment (heap and private mappings) limited
/// to `limit` bytes, as a night run on a small machine would be: a reader
/// that asks for more dies instead of passing.
fn run_limited(w: &Workdir, args: &[&std::ffi::OsStr], limit: u64) -> crate::util::Run {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_karte"));
    cmd.args(args).current_dir(w.dir.path());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs in the child.
    unsafe {
        cmd.pre_exec(move || {
            let l = libc::rlimit { rlim_cur: limit, rlim_max: limit };
            if libc::setrlimit(libc::RLIMIT_DATA, &l) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().expect("run karte");
    crate::util::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const GIB: u64 = 1 << 30;

fn import_limited(w: &Workdir, mapping_name: &str, file: &std::path::Path) -> crate::util::Run {
    let db = w.db();
    let m = mapping(mapping_name);
    run_limited(w, &["import".as_ref(), "--db".as_ref(), db.as_os_str(), "--mapping".as_ref(), m.as_os_str(), file.as_os_str()], GIB)
}

#[test]
fn issue18_a_stray_cell_at_xfd1048576_is_read_in_bounded_memory() {
    // 20 customers and one cell at XFD1048576: calamine's dense range asked
    // for 549 GB. Read cell by cell, the 20 rows import and the stray cell
    // is kept (a record with no name or phone: skipped, not lost).
    let w = Workdir::new();
    let r = import_limited(&w, "name-phone", &reader("far-cell.xlsx"));
    r.ok().stdout_has("rows read 21, imported 20");
    assert_eq!(w.count("SELECT count(*) FROM records WHERE status = 'active'"), 20);
    assert_eq!(w.strings("SELECT json_extract(raw, '$.列XFD') FROM records WHERE row = 1048576"), ["x"]);
    assert_eq!(w.strings("SELECT status FROM records WHERE row = 1048576"), ["skipped"]);
    let r = run_limited(&w, &["inspect".as_ref(), reader("far-cell.xlsx").as_os_str()], GIB);
    r.ok().stdout_has("data rows: 21");
}

/// A workbook of `sheets` sheets written by hand, each with one header row
/// whose last cell is at column XFD (a few bytes of XML, 16,384 columns).
fn many_sheets(path: &std::path::Path, sheets: usize) {
    use std::io::Write;
    let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let pkg = "http://schemas.openxmlformats.org/package/2006/relationships";
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let o = zip::write::SimpleFileOptions::default();
    let mut put = |name: &str, body: String| {
        z.start_file(name, o).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    };
    put("[Content_Types].xml", String::from("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>"));
    put("_rels/.rels", format!("<Relationships xmlns=\"{pkg}\"><Relationship Id=\"rId1\" Type=\"{rel}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"));
    let list: String = (1..=sheets).map(|i| format!("<sheet name=\"S{i}\" sheetId=\"{i}\" r:id=\"rId{i}\"/>")).collect();
    put("xl/workbook.xml", format!("<workbook xmlns=\"{ns}\" xmlns:r=\"{rel}\"><sheets>{list}</sheets></workbook>"));
    let rels: String = (1..=sheets)
        .map(|i| format!("<Relationship Id=\"rId{i}\" Type=\"{rel}/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>"))
        .collect();
    put("xl/_rels/workbook.xml.rels", format!("<Relationships xmlns=\"{pkg}\">{rels}</Relationships>"));
    for i in 1..=sheets {
        put(&format!("xl/worksheets/sheet{i}.xml"), format!("<worksheet xmlns=\"{ns}\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>氏名</t></is></c><c r=\"XFD1\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData></worksheet>"));
    }
    z.finish().unwrap();
}

#[test]
fn issue18_a_workbook_of_5000_sheets_is_refused_in_bounded_memory() {
    // 5,000 one-row sheets whose header reaches column XFD (made here: the
    // file is 1.5 MB): 82 million column names went past 8 GB.
    let w = with_baseline();
    let f = w.path("many-sheets.xlsx");
    many_sheets(&f, 5000);
    import_limited(&w, "name-phone", &f)
        .fails()
        .stderr_has("many-sheets.xlsx is refused: the header rows of its sheets span more than 1000000 columns in all (sheet 'S62' alone 16384, to column XFD)");
    unchanged(&w);
}

#[test]
fn issue18_a_huge_shared_string_is_refused_in_bounded_memory() {
    // One unused shared string of 9 MiB (the issue's was 1 GiB in a 1 MB
    // file; Excel holds at most 32,767 characters in a cell).
    let w = with_baseline();
    import_limited(&w, "name-phone", &reader("huge-string.xlsx"))
        .fails()
        .stderr_has("huge-string.xlsx is refused: its part 'xl/sharedStrings.xml' holds one text or tag of more than 8 MiB");
    unchanged(&w);
}

#[test]
fn issue18_a_refused_workbook_does_not_stop_the_night() {
    // karte run: the bomb is reported, the other source, dedup and the
    // export still run.
    let w = Workdir::new();
    std::fs::create_dir_all(w.path("data")).unwrap();
    std::fs::copy(reader("huge-string.xlsx"), w.path("data/ledger.xlsx")).unwrap();
    std::fs::copy(reader("cp932.csv"), w.path("data/pos.csv")).unwrap();
    let m = |n: &str| mapping(n).display().to_string();
    let toml = format!(
        "database = \"karte.db\"\n\n[[source]]\nfiles = [\"data/ledger*.xlsx\"]\nmapping = \"{}\"\n\n[[source]]\nfiles = [\"data/pos*.csv\"]\nmapping = \"{}\"\n\n[[export]]\npath = \"out/crm.csv\"\nencoding = \"utf-8\"\n",
        m("name-phone"),
        m("pos")
    );
    std::fs::write(w.path("karte.toml"), toml).unwrap();
    let r = run_limited(&w, &["run".as_ref(), "--project".as_ref(), "karte.toml".as_ref()], GIB);
    r.fails().stdout_has("imported 1, unchanged 0, failed 1").stdout_has("ledger.xlsx").stdout_has("is refused");
    assert_eq!(w.count("SELECT count(*) FROM records"), 6);
    assert!(w.path("out/crm.csv").exists(), "the export ran:\n{}", r.stdout);
}

#[test]
fn issue18_an_unknown_error_value_is_named_and_the_rest_kept() {
    // B3 holds #SPILL! (Excel 365): the workbook was refused as "truncated
    // or damaged", no cell named.
    let w = Workdir::new();
    w.import("name-phone", &[reader("unknown-error.xlsx")], &[]).ok().stdout_has("rows read 5, imported 5, warned 1");
    assert_eq!(
        w.strings("SELECT code || '|' || sheet || '|' || row || '|' || column_name || '|' || raw FROM problems WHERE code = 'error_cell'"),
        ["error_cell|顧客|3|電話番号|#SPILL!"]
    );
    assert!(w.strings("SELECT message FROM problems WHERE code = 'error_cell'")[0].contains("cell B3"));
    assert_eq!(w.strings("SELECT name FROM records WHERE row = 3"), ["髙橋 一郎"]);
}

#[test]
fn issue18_control_characters_are_removed_with_their_line_named() {
    // A NUL, an ESC and a BEL refused the whole file as "binary".
    let w = Workdir::new();
    w.import("name-phone", &[reader("controls.csv")], &[]).ok().stdout_has("rows read 5, imported 5, warned 3");
    assert_eq!(w.strings("SELECT row FROM problems WHERE code = 'control_characters' ORDER BY row"), ["3", "4", "5"]);
    assert_eq!(
        w.strings("SELECT json_extract(raw, '$.氏名') FROM records WHERE row IN (3, 4, 5) ORDER BY row"),
        ["髙橋 一郎", "渡邊 [31m花子", "佐藤 美咲"]
    );
    assert_eq!(w.count("SELECT count(*) FROM records WHERE instr(raw, char(27)) > 0 OR instr(raw, char(7)) > 0"), 0);
    // A card file too, read as cards (it was called "csv").
    let w = Workdir::new();
    w.import("cards", &[reader("cards-controls.txt")], &[]).ok().stdout_has("rows read 2");
    assert_eq!(w.strings("SELECT format FROM imports"), ["cards"]);
    assert_eq!(w.strings("SELECT row FROM problems WHERE code = 'control_characters'"), ["2"]);
}

#[test]
fn issue18_truly_binary_text_is_refused_as_text_with_its_line() {
    let w = Workdir::new();
    let f = w.path("cards.txt");
    let mut b = "カルテNo：1\n氏名：山田\n".as_bytes().to_vec();
    b.extend((0..200u8).map(|i| i % 8));
    std::fs::write(&f, b).unwrap();
    w.import("cards", &[f], &[]).fails().stderr_has("is not a readable text (CSV or card) file").stderr_has("from line 3 on");
}

#[test]
fn issue18_encoding_problems_are_named_not_reported_as_missing_columns() {
    // A UTF-8 export with a CP932 export appended: each line read in its own encoding.
    let w = Workdir::new();
    w.import("name-phone", &[reader("mixed-encoding.csv")], &[]).ok().stdout_has("rows read 5, imported 5");
    assert_eq!(w.strings("SELECT name FROM records ORDER BY row"), ["山田 太郎", "髙橋 一郎", "渡邊 花子", "佐藤 美咲", "鈴木 健太"]);
    assert_eq!(w.strings("SELECT encoding FROM imports"), ["UTF-8 + CP932"]);
    let msg = w.strings("SELECT message FROM problems WHERE code = 'mixed_encoding'");
    assert!(msg[0].contains("lines 4–6") && msg[0].contains("CP932"), "{msg:?}");
    // UTF-32 with a BOM, either byte order.
    for f in ["utf32le.csv", "utf32be.csv"] {
        let w = Workdir::new();
        w.import("name-phone", &[reader(f)], &[]).ok().stdout_has("rows read 3, imported 3");
        assert_eq!(w.strings("SELECT name FROM records ORDER BY row"), ["山田 太郎", "髙橋 一郎", "渡邊 花子"], "{f}");
    }
}

#[test]
fn issue18_a_csv_without_its_header_says_so_and_prints_no_values() {
    // It printed "its columns are: 10001, 2024/01/05, 山田 太郎, 090-1234-5678, …".
    let w = with_baseline();
    let r = w.import("pos", &[reader("no-header.csv")], &[]);
    r.fails().stderr_has("no-header.csv").stderr_has("seems to have no header row").stderr_has("line 1");
    for value in ["10001", "2024/01/05", "山田", "090-1234-5678", "4,400"] {
        assert!(!r.stderr.contains(value) && !r.stdout.contains(value), "{value} printed:\n{}{}", r.stdout, r.stderr);
    }
    unchanged(&w);
}

#[test]
fn issue18_cards_separated_by_blank_lines_or_cr_line_ends_are_cards() {
    // 4 cards with blank lines between them were one record.
    let w = Workdir::new();
    w.import("cards", &[reader("cards-blank-lines.txt")], &[]).ok().stdout_has("rows read 4, imported 4");
    assert_eq!(w.strings("SELECT customer_no FROM records ORDER BY row"), ["B-001", "B-002", "B-003", "B-004"]);
    // Classic Mac CR line ends failed as "column not found".
    let w = Workdir::new();
    w.import("cards", &[reader("cards-cr.txt")], &[]).ok().stdout_has("rows read 2");
    assert_eq!(w.strings("SELECT row FROM records ORDER BY row"), ["1", "16"]);
}

#[test]
fn issue18_an_unknown_error_code_in_an_xls_is_named_and_the_rest_kept() {
    // ledger.xls with D4 holding error code 0x2C: calamine refused the
    // whole workbook ("Unrecognized fError"), no cell named.
    let w = Workdir::new();
    w.import("ledger-small", &[reader("unknown-error.xls")], &[]).ok().stdout_has("rows read 5, imported 5");
    assert_eq!(
        w.strings("SELECT code || '|' || sheet || '|' || row || '|' || column_name || '|' || raw FROM problems WHERE code = 'error_cell'"),
        ["error_cell|顧客台帳|4|電話番号|#ERR(0x2C)"]
    );
    assert!(w.strings("SELECT message FROM problems WHERE code = 'error_cell'")[0].contains("cell D4"));
    assert_eq!(w.strings("SELECT name FROM records WHERE row = 4"), ["山田 太郎"]);
}
