//! Issue 17, "nights and warnings": what a nightly `karte run` under cron
//! must say — a source whose file is missing, JSON on every exit code, the
//! problems report, CP932 exports whose exit code does not depend on the
//! night — and the warnings and look-ups a consultant meets on the first day.

use std::path::Path;

use crate::util::{Run, Workdir};

fn json(r: &Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr))
}

/// A one-source project over data/*.csv (or `pattern`), mapping m.toml.
fn small_project(w: &Workdir, extra_source: &str, tail: &str) {
    std::fs::create_dir_all(w.path("data")).unwrap();
    std::fs::write(
        w.path("m.toml"),
        "[source]\nname = \"shop\"\nnatural_key = [\"No\"]\n[fields]\ncustomer_no = \"No\"\nname = \"氏名\"\nphone = \"電話\"\n",
    )
    .unwrap();
    std::fs::write(
        w.path("karte.toml"),
        format!("database = \"karte.db\"\n[[source]]\nfiles = [\"data/shop*.csv\"]\nmapping = \"m.toml\"\n{extra_source}\n[dedup]\nreview = \"review.xlsx\"\n{tail}"),
    )
    .unwrap();
}

const SMALL: &str = "No,氏名,電話\n1,山田太郎,09011112222\n2,佐藤花子,09033334444\n3,鈴木一郎,09055556666\n";

fn write(w: &Workdir, rel: &str, text: &str) {
    let p = w.path(rel);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(p, text).unwrap();
}

fn exists(p: &Path) -> bool {
    p.is_file()
}

#[test]
fn issue17_8_a_source_file_missing_tonight_fails_the_run_and_names_the_source() {
    let w = Workdir::new();
    small_project(&w, "", "");
    write(&w, "data/shop.csv", SMALL);
    w.run(["run", "--json"]).ok();
    // Tonight the export is not there: no `required` written, and the run
    // must not say done.
    std::fs::remove_file(w.path("data/shop.csv")).unwrap();
    let r = w.run(["run", "--json"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let doc = json(&r);
    assert_eq!(doc["status"], "partial", "{doc:#}");
    assert_eq!(doc["exit_code"], 1);
    assert_eq!(doc["missing"][0]["source"], "shop", "{doc:#}");
    assert_eq!(doc["missing"][0]["pattern"], "data/shop*.csv");
    assert_eq!(doc["missing"][0]["required"], true);
    let r = w.run(["run"]);
    assert_eq!(r.code, 1);
    r.stdout_has("MISSING: source shop: no file matches data/shop*.csv");

    // An optional source may be absent: a warning, exit 0.
    small_project(&w, "required = false", "");
    let r = w.run(["run"]);
    r.ok().stdout_has("warning: source shop: no file matches data/shop*.csv (optional");
    let doc = json(w.run(["run", "--json"]).ok());
    assert_eq!(doc["status"], "done");
    assert_eq!(doc["missing"][0]["required"], false);

    // karte init writes `required` into every source it drafts, not commented out.
    write(&w, "shop2/data/a.csv", SMALL);
    w.run(["init", "shop2"]).ok();
    let toml = std::fs::read_to_string(w.path("shop2/karte.toml")).unwrap();
    assert!(toml.lines().any(|l| l.trim_start().starts_with("required = true")), "{toml}");
    assert!(exists(&w.path("shop2/mappings/a.toml")));
}

#[test]
fn issue17_12_json_is_printed_on_every_exit_code() {
    let w = Workdir::new();
    small_project(&w, "", "");
    write(&w, "data/shop.csv", SMALL);
    let check = |r: &Run, code: i32, status: &str, command: &str| {
        assert_eq!(r.code, code, "{}\n{}", r.stdout, r.stderr);
        let doc = json(r);
        assert_eq!(doc["exit_code"], code, "{doc:#}");
        assert_eq!(doc["status"], status, "{doc:#}");
        assert_eq!(doc["command"], command, "{doc:#}");
        assert!(!doc["error"].as_str().unwrap_or("").is_empty(), "{doc:#}");
    };
    // 3: another karte command holds the database.
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(w.path("karte.db.lock")).unwrap();
    lock.try_lock().unwrap();
    let r = w.run(["run", "--json"]);
    check(&r, 3, "busy", "run");
    assert!(json(&r)["error"].as_str().unwrap().contains("in use"), "{}", r.stdout);
    let r = w.run(["dedup", "--db", "karte.db", "--json"]);
    // (no database yet: dedup fails before it asks for the lock)
    check(&r, 1, "failed", "dedup");
    drop(lock);
    // 0 and 1 print the summary (as before).
    assert_eq!(json(w.run(["run", "--json"]).ok())["exit_code"], 0);
    // 2: a project file that is wrong, a command line that is wrong.
    write(&w, "bad.toml", "databse = \"x.db\"\n[[source]]\nfiles = [\"a.csv\"]\n");
    check(&w.run(["run", "--project", "bad.toml", "--json"]), 2, "refused", "run");
    check(&w.run(["run", "--json", "--no-such-option"]), 2, "refused", "run");
    check(&w.run(["dedup", "--db", "karte.db", "--json", "--config", "missing.toml"]), 1, "failed", "dedup");
    // 3 for dedup too.
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(w.path("karte.db.lock")).unwrap();
    lock.try_lock().unwrap();
    check(&w.run(["dedup", "--db", "karte.db", "--json"]), 3, "busy", "dedup");
    drop(lock);
    // normalize prints JSON lines: its error is one line.
    let r = w.run(["normalize", "--type", "nonsense", "--json", "x"]);
    check(&r, 1, "failed", "normalize");
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
}

/// An xlsx read by openpyxl: every sheet's rows as lists of values (None
/// for an empty cell), and whether any cell is a formula.
fn openpyxl_rows(path: &Path) -> serde_json::Value {
    let script = r#"
import sys, json
try:
    import openpyxl
except ImportError:
    sys.exit("openpyxl is missing: pip install openpyxl")
wb = openpyxl.load_workbook(sys.argv[1])
out = {}
for ws in wb.worksheets:
    rows = []
    for row in ws.iter_rows():
        for c in row:
            if c.data_type == "f":
                sys.exit(f"formula in {ws.title}!{c.coordinate}: {c.value}")
        rows.append([c.value for c in row])
    out[ws.title] = rows
print(json.dumps(out, ensure_ascii=False))
"#;
    let out = std::process::Command::new("python3").arg("-c").arg(script).arg(path).output().expect("python3 runs");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn issue17_7_run_writes_a_problems_report_in_japanese_when_the_problems_change() {
    let w = Workdir::new();
    small_project(&w, "", "");
    let day1 = "No,氏名,電話\n1,山田太郎,09011112222\n2,佐藤花子,=HYPERLINK(\"http://x\")\n3,鈴木一郎,0901234\n";
    write(&w, "data/shop.csv", day1);
    let doc = json(w.run(["run", "--json"]).ok());
    assert_eq!(doc["problems_report"]["outcome"], "written", "{doc:#}");
    let report = w.path("problems.xlsx");
    assert_eq!(doc["problems_report"]["path"], report.display().to_string());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&report).unwrap().permissions().mode() & 0o777, 0o600, "personal data: private");
    }
    let book = openpyxl_rows(&report);
    let rows = book["問題一覧"].as_array().unwrap_or_else(|| panic!("{book}"));
    let head: Vec<&str> = rows[0].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no {name} in {head:?}"));
    for label in ["ファイル", "シート", "行", "列", "元の値", "問題", "対処"] {
        col(label);
    }
    assert_eq!(rows.len(), 3, "two problems: {rows:?}");
    let short = rows.iter().find(|r| r[col("元の値")] == "0901234").unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(short[col("ファイル")], "shop.csv");
    assert_eq!(short[col("行")], 4);
    assert_eq!(short[col("列")], "電話");
    assert!(short[col("問題")].as_str().unwrap().contains("桁が足りません"), "{short:?}");
    assert!(!short[col("対処")].as_str().unwrap().is_empty());
    // The value that looks like a formula is text.
    assert!(rows.iter().any(|r| r[col("元の値")] == "=HYPERLINK(\"http://x\")"), "{rows:?}");

    // Nothing changed: not written again.
    let doc = json(w.run(["run", "--json"]).ok());
    assert_eq!(doc["problems_report"]["outcome"], "up to date", "{doc:#}");
    // A row edited without changing any problem: the data changed, the
    // problems did not.
    write(&w, "data/shop.csv", &day1.replace("山田太郎", "山田太朗"));
    let doc = json(w.run(["run", "--json"]).ok());
    assert_eq!(doc["files"][0]["updated"], 1, "{doc:#}");
    assert_eq!(doc["problems_report"]["outcome"], "up to date", "{doc:#}");
    // The short phone corrected: one problem left, the report rewritten.
    write(&w, "data/shop.csv", &day1.replace("山田太郎", "山田太朗").replace("0901234", "09012345678"));
    let r = w.run(["run"]);
    r.ok().stdout_has("problems: ").stdout_has("written (1 problem(s))");
    let book = openpyxl_rows(&report);
    assert_eq!(book["問題一覧"].as_array().unwrap().len(), 2, "{book}");
    // Removed by hand: written again.
    std::fs::remove_file(&report).unwrap();
    let doc = json(w.run(["run", "--json"]).ok());
    assert_eq!(doc["problems_report"]["outcome"], "written", "{doc:#}");

    // Configurable: another path, or off.
    small_project(&w, "", "[problems]\nreport = \"out/問題.xlsx\"\n");
    let doc = json(w.run(["run", "--json"]).ok());
    assert_eq!(doc["problems_report"]["outcome"], "written", "{doc:#}");
    assert!(w.path("out/問題.xlsx").is_file());
    small_project(&w, "", "[problems]\nenabled = false\n");
    let doc = json(w.run(["run", "--json"]).ok());
    assert!(doc["problems_report"].is_null(), "{doc:#}");
    small_project(&w, "", "[problems]\nreport = \"problems.pdf\"\n");
    assert_eq!(w.run(["run", "--json"]).code, 2);

    // The rejects report of karte import explains in Japanese too.
    let rejects = w.path("rejects.xlsx");
    w.run(["import", "--db", "other.db", "--mapping", "m.toml", "--rejects-out", rejects.to_str().unwrap(), "data/shop.csv"]).ok();
    let book = openpyxl_rows(&rejects);
    let rows = book["問題一覧"].as_array().unwrap();
    let head: Vec<&str> = rows[0].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let what = head.iter().position(|h| *h == "問題").unwrap();
    assert!(rows[1][what].as_str().unwrap().chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)), "{rows:?}");
}

#[test]
fn issue17_5_a_building_line_mapped_to_address2_is_not_unrecognised() {
    let w = Workdir::new();
    write(&w, "m.toml", "[source]\nname = \"ledger\"\n[fields]\nname = \"氏名\"\naddress = \"住所1\"\naddress2 = \"住所2\"\n");
    write(
        &w,
        "ledger.csv",
        "氏名,住所1,住所2\n\
         山田太郎,東京都渋谷区神南1-2-3,メゾンヒルズ 610号室\n\
         佐藤花子,大阪府大阪市北区梅田1丁目,２－３ ハイツ梅田１０１\n\
         鈴木一郎,神奈川県横浜市中区山下町1,ｺｰﾎﾟ山下　2F\n\
         田中次郎,東京都新宿区西新宿2-8-1,東京都新宿区西新宿2-8-1 都庁ビル\n",
    );
    w.import_with(&w.path("m.toml"), &w.path("ledger.csv"), &[]).ok();
    assert_eq!(
        w.count("SELECT count(*) FROM problems WHERE code = 'address_unrecognised'"),
        0,
        "{:?}",
        w.strings("SELECT field || ' ' || code || ' ' || coalesce(raw, '') FROM problems")
    );
    assert_eq!(w.count("SELECT count(*) FROM problems WHERE severity <> 'info'"), 0, "building lines are not warned");
    assert_eq!(
        w.strings("SELECT address2 FROM records ORDER BY row"),
        ["メゾンヒルズ 610号室", "2-3 ハイツ梅田101", "コーポ山下 2F", "東京都新宿区西新宿2-8-1 都庁ビル"]
    );
    // A whole address in the building column is noted (info), not warned.
    assert_eq!(
        w.strings("SELECT severity || ' ' || code || ' ' || row FROM problems WHERE field = 'address2'"),
        ["info address2_whole_address 5"]
    );
    let r = w.run(["normalize", "--type", "address", "--role", "building", "メゾンヒルズ 610号室"]);
    r.ok();
    assert!(!r.stdout.contains("address_unrecognised"), "{}", r.stdout);
}

/// The CSV a CP932 export wrote, decoded.
fn cp932_text(p: &Path) -> String {
    let bytes = std::fs::read(p).unwrap();
    let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!errors, "not CP932");
    text.into_owned()
}

#[test]
fn issue17_9_a_cp932_export_does_the_same_every_night_as_its_policy_says() {
    let w = Workdir::new();
    let project = |policy: &str| {
        small_project(&w, "", &format!("[[export]]\npath = \"out/crm.csv\"\nencoding = \"cp932\"\n{policy}\n"));
    };
    project("");
    write(&w, "data/shop.csv", "No,氏名,電話\n1,𠮷田 太郎,09011112222\n2,髙橋 花子,09033334444\n3,森 鷗外,09055556666\n");
    let csv = w.path("out/crm.csv");
    // The default, fold: 𠮷 → 吉 and 鷗 → 鴎 (CP932 has neither), 髙 as
    // written (CP932 has it); exit 0 on the first night and on the next.
    for night in ["first", "second"] {
        let doc = json(&w.run(["run", "--json"]));
        assert_eq!(doc["exit_code"], 0, "{night} night: {doc:#}");
        let export = &doc["exports"][0];
        assert!(export["note"].as_str().unwrap_or("").contains("4 value(s) with characters CP932 cannot hold folded"), "{night}: {doc:#}");
        let text = cp932_text(&csv);
        assert!(text.contains("吉田 太郎") && text.contains("髙橋 花子") && text.contains("森 鴎外"), "{text}");
        if night == "first" {
            assert_eq!(export["outcome"], "written");
            let u = doc["unencodable"].as_array().unwrap();
            // 氏名 and 姓 of 𠮷田 太郎, 氏名 and 名 of 森 鷗外.
            assert_eq!(u.len(), 4, "{doc:#}");
            assert_eq!(u[0]["action"], "folded");
            assert!(!doc.to_string().contains('𠮷'), "the characters only with --show-pii");
        } else {
            assert_eq!(export["outcome"], "up to date");
        }
    }
    // substitute: 〓, exit 0, every night.
    project("unencodable = \"substitute\"");
    for _ in 0..2 {
        let doc = json(&w.run(["run", "--json"]));
        assert_eq!(doc["exit_code"], 0, "{doc:#}");
        let text = cp932_text(&csv);
        assert!(text.contains("〓田 太郎") && text.contains("森 〓外"), "{text}");
    }
    // fail: not written (yesterday's file stays), exit 1, every night.
    project("unencodable = \"fail\"");
    let before = std::fs::read(&csv).unwrap();
    for night in ["first", "second"] {
        let r = w.run(["run", "--json"]);
        let doc = json(&r);
        assert_eq!(doc["exit_code"], 1, "{night} night: {doc:#}");
        assert_eq!(doc["exports"][0]["outcome"], "failed", "{doc:#}");
        assert!(doc["exports"][0]["note"].as_str().unwrap().contains("not written"), "{doc:#}");
        assert_eq!(doc["unencodable"][0]["action"], "refused", "{doc:#}");
        assert_eq!(std::fs::read(&csv).unwrap(), before, "the previous file is kept");
    }
    // A policy that is not one, or on an export that holds every character.
    project("unencodable = \"drop\"");
    assert_eq!(w.run(["run"]).code, 2);
    small_project(&w, "", "[[export]]\npath = \"out/crm.csv\"\nencoding = \"utf-8\"\nunencodable = \"fold\"\n");
    assert_eq!(w.run(["run"]).code, 2);

    // karte export: the same policies.
    let out = w.path("x.csv");
    let r = w.run(["export", "--db", "karte.db", "--encoding", "cp932", out.to_str().unwrap()]);
    r.ok().stderr_has("customer ").stderr_has("𠮷→吉");
    assert!(cp932_text(&out).contains("吉田 太郎"));
    let r = w.run(["export", "--db", "karte.db", "--encoding", "cp932", "--unencodable", "fail", w.path("y.csv").to_str().unwrap()]);
    r.fails().stderr_has("not written");
    assert!(!w.path("y.csv").exists());
}

#[test]
fn issue17_11_show_by_name_lists_every_customer_of_that_name_or_reading() {
    let w = Workdir::new();
    std::fs::create_dir_all(w.path("data")).unwrap();
    write(
        &w,
        "m.toml",
        "[source]\nname = \"shop\"\n[fields]\nname = \"氏名\"\nkana = \"フリガナ\"\nphone = \"電話\"\nbirth_date = \"生年月日\"\n",
    );
    write(&w, "karte.toml", "[[source]]\nfiles = [\"data/*.csv\"]\nmapping = \"m.toml\"\n[dedup]\nreview = \"review.xlsx\"\n");
    let given = [
        ("一郎", "イチロウ"),
        ("花子", "ハナコ"),
        ("翔", "ショウ"),
        ("美咲", "ミサキ"),
        ("健太郎", "ケンタロウ"),
        ("陽菜", "ヒナ"),
        ("大輔", "ダイスケ"),
        ("優子", "ユウコ"),
        ("誠", "マコト"),
        ("由美子", "ユミコ"),
        ("拓也", "タクヤ"),
        ("真由美", "マユミ"),
    ];
    let mut csv = String::from("氏名,フリガナ,電話,生年月日\n");
    for (i, (g, k)) in given.iter().enumerate() {
        csv.push_str(&format!("佐藤 {g},サトウ {k},090-1000-{:04},19{:02}-0{}-1{}\n", i * 7 + 1, 50 + i, i % 9 + 1, i % 10));
    }
    // A long vowel written as ー, a name written in kana only (a web
    // booking), and names that are not 佐藤 at all.
    csv.push_str("佐藤 健,サトー ケン,090-2000-0001,1980-01-01\n");
    csv.push_str("サトウ ハナコ,,090-2000-0002,1991-02-02\n");
    csv.push_str("佐々木 一郎,ササキ イチロウ,090-2000-0003,1970-03-03\n");
    csv.push_str("伊藤 花子,イトウ ハナコ,090-2000-0004,1971-04-04\n");
    csv.push_str("加藤 誠,カトウ マコト,090-2000-0005,1972-05-05\n");
    write(&w, "data/a.csv", &csv);
    w.run(["run"]).ok();
    let listed = |query: &str| -> Vec<i64> {
        let r = w.run(["show", "--db", "karte.db", "--name", query]);
        r.ok();
        r.stdout.lines().skip(1).filter_map(|l| l.split_whitespace().next()?.parse().ok()).collect()
    };
    let expect = |sql: &str| -> Vec<i64> {
        let mut v: Vec<i64> = w.strings(sql).iter().map(|s| s.parse().unwrap()).collect();
        v.sort_unstable();
        v
    };
    let sorted = |mut v: Vec<i64>| {
        v.sort_unstable();
        v
    };
    let sato = expect("SELECT DISTINCT customer_id FROM records WHERE name LIKE '佐藤%'");
    assert_eq!(sato.len(), 13, "thirteen 佐藤 customers (none merged)");
    assert_eq!(sorted(listed("佐藤")), sato);
    // By reading: the kana column, ー for ウ, and a name written in kana.
    let reading = expect("SELECT DISTINCT customer_id FROM records WHERE kana LIKE 'サト%' OR name LIKE 'サトウ%'");
    assert_eq!(reading.len(), 14);
    assert_eq!(sorted(listed("サトウ")), reading);
    assert_eq!(sorted(listed("さとう")), reading, "hiragana too");
    assert_eq!(sorted(listed("ｻﾄｳ")), reading, "half-width too");
    // A whole name is one customer's karte.
    let r = w.run(["show", "--db", "karte.db", "--name", "佐藤 大輔"]);
    r.ok().stdout_has("佐藤 大輔");
    assert!(!r.stdout.contains("customers match"), "{}", r.stdout);
}
