//! Cleansing as a user meets it: `karte normalize`, the rejects report, and
//! cleansed values in the database with the raw values beside them.

use calamine::{open_workbook, Data, Reader, Xlsx};

use crate::util::{reader, Workdir};

#[test]
fn normalize_prints_value_key_and_problems() {
    let w = Workdir::new();
    let r = w.run(["normalize", "--type", "amount", "\\4,400-", "abc"]);
    r.ok().stdout_has("\\4,400-\t→ 4400\tkey 4400").stdout_has("abc\t→ (empty)\tkey -\twarning amount_invalid:");
    let r = w.run(["normalize", "--type", "gender", "--json", "女性", "不明"]);
    r.ok();
    let lines: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0]["type"], "gender");
    assert_eq!(lines[0]["raw"], "女性");
    assert_eq!(lines[0]["value"], "F");
    assert_eq!(lines[0]["key"], "F");
    assert_eq!(lines[0]["problems"], serde_json::json!([]));
    assert_eq!(lines[1]["value"], serde_json::Value::Null);
    assert_eq!(lines[1]["problems"][0]["code"], "null_marker");
    assert!(lines[1]["problems"][0]["message"].is_string());
    w.run(["normalize", "--type", "colour", "x"]).fails().stderr_has("unknown type 'colour'");
}

#[test]
fn normalize_reads_stdin_when_no_values_are_given() {
    let w = Workdir::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_karte"))
        .args(["normalize", "--type", "email", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .current_dir(w.dir.path())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all("Taro@Example.JP\r\nnot-an-email\n".as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["value"], "Taro@example.jp");
    assert_eq!(lines[0]["key"], "taro@example.jp");
    assert_eq!(lines[1]["problems"][0]["code"], "email_invalid");
}

/// A CSV whose cells try to be formulas, with values that cannot be cleansed.
fn hostile_csv(w: &Workdir) -> std::path::PathBuf {
    let p = w.path("hostile.csv");
    std::fs::write(&p, "氏名,メール\r\n山田 太郎,=HYPERLINK(\"http://x\";\"y\")\r\n=1+2,@SUM(A1)\r\n鈴木 花子,hanako@example.jp\r\n")
        .unwrap();
    let m = w.path("hostile.toml");
    std::fs::write(&m, "[source]\nname = 'hostile'\n[fields]\nname = '氏名'\nemail = { column = 'メール', required = true }\n").unwrap();
    p
}

#[test]
fn rejects_report_xlsx_lists_every_problem_where_it_is_and_never_a_formula() {
    let w = Workdir::new();
    let csv = hostile_csv(&w);
    let out = w.path("rejects.xlsx");
    w.import_with(&w.path("hostile.toml"), &csv, &["--rejects-out", out.to_str().unwrap()])
        .ok()
        .stdout_has("rejected 2")
        .stdout_has("rejects report: 4 problem(s)");
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(wb.sheet_names(), ["問題一覧"]);
    let range = wb.worksheet_range("問題一覧").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    assert_eq!(rows[0][0], Data::String("重要度".into()));
    assert_eq!(rows[0][6], Data::String("元の値".into()));
    assert_eq!(rows.len(), 5);
    // Each raw value comes back as the text it was, as a string cell.
    let raws: Vec<&Data> = rows[1..].iter().map(|r| &r[6]).collect();
    assert!(raws.contains(&&Data::String("=HYPERLINK(\"http://x\";\"y\")".into())), "{raws:?}");
    assert!(raws.contains(&&Data::String("@SUM(A1)".into())), "{raws:?}");
    // File, row and column are there for each.
    let first = &rows[1];
    assert_eq!(first[1], Data::String("hostile.csv".into()));
    assert_eq!(first[3], Data::Float(2.0));
    assert_eq!(first[4], Data::String("メール".into()));
    assert_eq!(first[5], Data::String("email".into()));
}

#[test]
fn rejects_report_csv_is_utf8_bom_and_defuses_formulas() {
    let w = Workdir::new();
    let csv = hostile_csv(&w);
    let out = w.path("rejects.csv");
    w.import_with(&w.path("hostile.toml"), &csv, &["--rejects-out", out.to_str().unwrap()]).ok();
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(text.contains("'@SUM(A1)"), "{text}");
    assert!(!text.contains(",=") && !text.contains(",@"), "{text}");
}

#[test]
fn rejects_report_needs_a_known_extension() {
    let w = Workdir::new();
    let r = w.import("name-phone", &[reader("utf8.csv")], &["--rejects-out", "report.pdf"]);
    r.fails().stderr_has("must be .xlsx or .csv");
    assert!(!w.db().exists(), "nothing runs when the report cannot be written");
}

/// A source mapped by its name's parts (姓 / 名, セイ / メイ: what `karte
/// inspect` drafts for a web export) stores the whole name and reading
/// with their keys, so the record is shown, found and matched by its name;
/// a whole name typed into 姓 with 名 left empty is the whole name.
#[test]
fn a_name_mapped_by_its_parts_is_stored_whole() {
    let w = Workdir::new();
    let mapping = w.path("split.toml");
    std::fs::write(
        &mapping,
        r#"[source]
name = "split"
files = []
format = "csv"
encoding = "utf-8"
header_row = 1
rows = "customer"

[fields]
family_name = "姓"
given_name = "名"
family_kana = "セイ"
given_kana = "メイ"
mobile = "携帯"
"#,
    )
    .unwrap();
    let csv = w.path("web.csv");
    std::fs::write(&csv, "姓,名,セイ,メイ,携帯\n山田,花子,ヤマダ,ハナコ,090-1234-5678\n鈴木 一郎,,スズキ イチロウ,,080-1111-2222\n")
        .unwrap();
    w.import_with(&mapping, &csv, &[]).ok();
    let rows = w.strings(
        "SELECT name || '|' || name_key || '|' || kana || '|' || family_name || '|' || coalesce(given_name, '') FROM records ORDER BY row",
    );
    assert_eq!(rows, ["山田 花子|山田花子|ヤマダ ハナコ|山田|花子", "鈴木 一郎|鈴木一郎|スズキ イチロウ|鈴木|一郎"]);
    assert_eq!(w.count("SELECT count(*) FROM problems WHERE code = 'whole_name_in_one_part'"), 2, "the name and its reading");
}
