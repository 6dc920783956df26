//! `karte export`: xlsx for people, CSV for CRMs, read back by a real
//! consumer (calamine), with formulas defused and CP932 gaps reported.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};

use crate::util::Workdir;

fn samples(w: &Workdir) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut args: Vec<std::ffi::OsString> =
        vec!["import".into(), "--db".into(), w.db().into(), "--mappings".into(), root.join("mappings").into()];
    for f in ["sakura_ledger.xlsx", "sakura_pos.csv", "sakura_web.csv", "sakura_cards.txt"] {
        args.push(root.join("samples").join(f).into());
    }
    w.run(args).ok();
    w.run(["dedup", "--db", w.db().to_str().unwrap(), "--review-out", w.path("review.xlsx").to_str().unwrap()]).ok();
}

/// A one-file store (columns 氏名, 電話 (a mobile), 備考) imported and
/// deduplicated.
fn crm(w: &Workdir, rows: &str) {
    let csv = w.path("crm.csv");
    std::fs::write(&csv, format!("氏名,電話,備考\n{rows}")).unwrap();
    let mapping = w.path("crm.toml");
    std::fs::write(
        &mapping,
        "[source]\nname = \"crm\"\nfiles = [\"crm.csv\"]\n\n[fields]\nname = \"氏名\"\nmobile = \"電話\"\nnote = \"備考\"\n",
    )
    .unwrap();
    w.import_with(&mapping, &csv, &[]).ok();
    w.run(["dedup", "--db", w.db().to_str().unwrap(), "--review-out", w.path("r.xlsx").to_str().unwrap()]).ok();
}

#[test]
fn xlsx_has_customers_visits_notes_and_lineage_with_real_dates() {
    let w = Workdir::new();
    samples(&w);
    let out = w.path("karte.xlsx");
    w.run(["export", "--db", w.db().to_str().unwrap(), out.to_str().unwrap()]).ok().stdout_has("顧客 ");
    let mut wb = open_workbook_auto(&out).unwrap();
    assert_eq!(wb.sheet_names(), ["顧客", "来店・購入", "メモ", "出所"]);
    let customers = wb.worksheet_range("顧客").unwrap();
    assert_eq!(customers.height() as i64 - 1, w.count("SELECT count(*) FROM golden"));
    let header: Vec<String> = customers.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(&header[..4], ["顧客ID", "氏名", "姓", "名"]);
    let birth = header.iter().position(|h| h == "生年月日").unwrap();
    assert!(customers.rows().skip(1).any(|r| matches!(r[birth], Data::DateTime(_))), "birth dates are date cells");
    let events = wb.worksheet_range("来店・購入").unwrap();
    assert_eq!(
        events.height() as i64 - 1,
        w.count("SELECT count(*) FROM events e JOIN records r ON r.id = e.record_id WHERE r.status = 'active'")
    );
    assert!(events.rows().skip(1).all(|r| matches!(r[1], Data::DateTime(_) | Data::Empty | Data::String(_))));
    let lineage = wb.worksheet_range("出所").unwrap();
    assert_eq!(lineage.height() as i64 - 1, w.count("SELECT count(*) FROM records"), "every source row, skipped ones too");
}

#[test]
fn formulas_stay_text_and_cp932_gaps_are_reported() {
    let w = Workdir::new();
    crm(&w, "=HYPERLINK(\"http://example.invalid\"),090-1111-2222,+1+1\n𠮷田 太郎,090-3333-4444,〜よろしく\n");
    // xlsx: the formula-looking text is a string cell.
    let out = w.path("out.xlsx");
    w.run(["export", "--db", w.db().to_str().unwrap(), out.to_str().unwrap()]).ok();
    let mut wb = open_workbook_auto(&out).unwrap();
    let range = wb.worksheet_range("顧客").unwrap();
    // (The name normaliser moves the bracketed part to an annotation.)
    assert!(range.rows().any(|r| matches!(&r[1], Data::String(s) if s.starts_with("=HYPERLINK"))));
    let note = range.rows().next().unwrap().iter().position(|h| matches!(h, Data::String(s) if s == "備考")).unwrap();
    assert!(range.rows().any(|r| r[note] == Data::String("+1+1".to_string())));
    let formulas = wb.worksheet_formula("顧客").unwrap();
    assert!(formulas.rows().all(|r| r.iter().all(|f| f.is_empty())), "no formula in the export");
    // CSV with BOM: defused with a leading apostrophe.
    let out = w.path("out.csv");
    w.run(["export", "--db", w.db().to_str().unwrap(), out.to_str().unwrap()]).ok();
    let text = String::from_utf8(std::fs::read(&out).unwrap()).unwrap();
    assert!(text.starts_with('\u{FEFF}'));
    assert!(text.contains(",'=HYPERLINK,"), "{text}");
    assert!(text.contains(",'+1+1"), "{text}");
    // CP932: 𠮷 has no code there. With --unencodable substitute it is
    // reported by customer and field and written as 〓 (the default, fold,
    // writes 吉: tests/karte/nights.rs); the wave dash is written as CP932
    // writes it.
    let out = w.path("out-sjis.csv");
    let r =
        w.run(["export", "--db", w.db().to_str().unwrap(), "--encoding", "cp932", "--unencodable", "substitute", out.to_str().unwrap()]);
    r.ok().stderr_has("CP932 cannot hold").stderr_has("氏名: 𠮷").stderr_has("customer ");
    assert!(!r.stderr.contains("太郎"), "the report names the character, not the customer's name");
    let bytes = std::fs::read(&out).unwrap();
    let (decoded, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!errors);
    assert!(decoded.contains("〓田 太郎") && decoded.contains("～よろしく"), "{decoded}");
}

#[test]
fn export_explains_what_it_needs() {
    let w = Workdir::new();
    w.run(["export", "--db", w.path("none.db").to_str().unwrap(), w.path("x.xlsx").to_str().unwrap()])
        .fails()
        .stderr_has("there is no karte database");
    samples(&w);
    w.run(["export", "--db", w.db().to_str().unwrap(), w.path("x.txt").to_str().unwrap()]).fails().stderr_has("--format xlsx");
    // Customers imported after the last dedup are not silently left out.
    let csv = w.path("late.csv");
    std::fs::write(&csv, "氏名,電話\n新井 次郎,090-5555-6666\n").unwrap();
    let mapping = w.path("late.toml");
    std::fs::write(&mapping, "[source]\nname = \"late\"\nfiles = [\"late.csv\"]\n\n[fields]\nname = \"氏名\"\nmobile = \"電話\"\n")
        .unwrap();
    w.import_with(&mapping, &csv, &[]).ok();
    w.run(["export", "--db", w.db().to_str().unwrap(), w.path("x.xlsx").to_str().unwrap()])
        .fails()
        .stderr_has("1 customer(s)")
        .stderr_has("run karte dedup");
    w.run(["export", "--db", w.db().to_str().unwrap(), "--encoding", "latin1", w.path("x.csv").to_str().unwrap()])
        .fails()
        .stderr_has("unknown CSV encoding");
}

#[test]
fn show_prints_one_karte_found_by_id_phone_or_name() {
    let w = Workdir::new();
    samples(&w);
    let db = w.db();
    let db = db.to_str().unwrap();
    // The customer with the most records.
    let id =
        w.count("SELECT customer_id FROM records WHERE status = 'active' GROUP BY customer_id ORDER BY count(*) DESC, customer_id LIMIT 1");
    let r = w.run(["show", "--db", db, &id.to_string()]);
    r.ok().stdout_has(&format!("顧客 {id}")).stdout_has("氏名: ").stdout_has("来店・購入").stdout_has("出所 (");
    let events = w.count(&format!("SELECT count(*) FROM events e JOIN records r ON r.id = e.record_id WHERE r.customer_id = {id}"));
    r.stdout_has(&format!("来店・購入 ({events} 件)"));
    // Every source row of the customer is listed with its file and row.
    for (file, row) in w
        .strings(&format!("SELECT source_file || '|' || row FROM lineage WHERE customer_id = {id}"))
        .iter()
        .map(|s| s.split_once('|').map(|(a, b)| (a.to_string(), b.to_string())).unwrap())
    {
        assert!(r.stdout.contains(&file) && r.stdout.contains(&format!("{row}行")), "{file} {row}");
    }
    // By phone, in another format than stored.
    let mobile = w.strings(&format!("SELECT mobile FROM golden WHERE customer_id = {id}"))[0].clone();
    let digits: String = mobile.chars().filter(|c| c.is_ascii_digit()).collect();
    // (A family mobile lists every customer who gave it.)
    let r = w.run(["show", "--db", db, "--phone", &digits]);
    r.ok();
    assert!(r.stdout.contains(&format!("顧客 {id}")) || r.stdout.contains(&format!("  {id}  ")), "{}", r.stdout);
    // By reading, in half-width kana.
    let kana = w.strings(&format!("SELECT kana FROM golden WHERE customer_id = {id}"))[0].clone();
    let r = w.run(["show", "--db", db, "--name", &kana]);
    r.ok();
    assert!(r.stdout.contains(&format!("顧客 {id}")) || r.stdout.contains(&format!("  {id}  ")), "{}", r.stdout);
    // A merged-away customer points to the live one.
    let gone = w.count("SELECT id FROM customers WHERE merged_into IS NOT NULL ORDER BY id LIMIT 1");
    w.run(["show", "--db", db, &gone.to_string()]).ok().stdout_has(&format!("customer {gone} was merged into customer"));
    w.run(["show", "--db", db, "--phone", "090-1234-0000"]).stdout_has("no customer found");
    w.run(["show", "--db", db, "--phone", "12"]).fails().stderr_has("not a phone number");
    w.run(["show", "--db", db, "999999"]).fails().stderr_has("there is no customer 999999");
}

/// The exports read by a second real consumer, openpyxl (`pip install
/// openpyxl`; .ci/run installs it): not one cell is a formula, and the text
/// that looked like one is there as text.
#[test]
fn openpyxl_finds_no_formula_in_the_exports() {
    let w = Workdir::new();
    crm(&w, "山田 太郎,090-1111-2222,=1+2\n鈴木 花子,090-3333-4444,@SUM(A1:A2)\n");
    let xlsx = w.path("out.xlsx");
    w.run(["export", "--db", w.db().to_str().unwrap(), xlsx.to_str().unwrap()]).ok();
    let script = r#"
import sys
try:
    import openpyxl
except ImportError:
    sys.exit("openpyxl is missing: pip install openpyxl")
wb = openpyxl.load_workbook(sys.argv[1])
texts = []
for ws in wb.worksheets:
    for row in ws.iter_rows():
        for c in row:
            if c.data_type == "f":
                sys.exit(f"formula in {ws.title}!{c.coordinate}: {c.value}")
            if isinstance(c.value, str):
                texts.append(c.value)
for want in ("=1+2", "@SUM(A1:A2)"):
    if want not in texts:
        sys.exit(f"{want!r} is not in the export as text")
print("ok")
"#;
    let out = std::process::Command::new("python3").arg("-c").arg(script).arg(&xlsx).output().expect("python3 runs");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}
