//! Readers on files made by real producers (openpyxl, LibreOffice, Python's
//! codecs): what is read, where each row came from, what is kept raw.

use crate::util::{reader, Workdir};

fn rows(w: &Workdir, file: &str) -> Vec<String> {
    w.strings(&format!("SELECT row FROM lineage WHERE source_file = '{file}' ORDER BY record_id"))
}

#[test]
fn xlsx_title_rows_blank_rows_footer_and_typed_cells() {
    let w = Workdir::new();
    w.import("ledger", &[reader("title-rows.xlsx")], &[]).ok().stdout_has("rows read 10, imported 9, warned 1, rejected 0, skipped 1");
    // Rows as Excel shows them; the blank row 9 is not a record; the footer
    // (row 15) is kept as a skipped record.
    assert_eq!(rows(&w, "title-rows.xlsx"), ["5", "6", "7", "8", "10", "11", "12", "13", "14", "15"]);
    assert_eq!(w.strings("SELECT status || ':' || status_reason FROM records WHERE row = 15")[0].split(':').next(), Some("skipped"));
    assert!(w.strings("SELECT status_reason FROM records WHERE row = 15")[0].starts_with("a footer row"), "issue 17, point 6");
    assert_eq!(w.strings("SELECT sheet FROM lineage GROUP BY sheet"), ["顧客台帳"]);
    // Each record of the sheet is its own customer until dedup.
    assert_eq!(w.count("SELECT count(DISTINCT customer_id) FROM lineage WHERE customer_id IS NOT NULL"), 9);
    // A phone typed as a number keeps its digits and its type (a JSON number).
    assert_eq!(w.strings("SELECT json_extract(raw, '$.電話番号') FROM records WHERE row = 5"), ["9012345678"]);
    assert_eq!(w.strings("SELECT json_type(raw, '$.電話番号') FROM records WHERE row = 5"), ["integer"]);
    // Cleansing restores the zero Excel dropped, and records the kind.
    assert_eq!(w.strings("SELECT phone || ' ' || phone_key FROM records WHERE row = 5"), ["090-1234-5678 09012345678"]);
    assert_eq!(w.strings("SELECT json_extract(derived, '$.phone.kind') FROM records WHERE row = 5"), ["mobile"]);
    assert_eq!(w.strings("SELECT phone FROM records WHERE row = 7"), ["03-1234-5678"]);
    assert_eq!(w.strings("SELECT json_extract(raw_fields, '$.phone') FROM records WHERE row = 7"), ["312345678"]);
    assert_eq!(w.strings("SELECT json_extract(raw, '$.郵便番号') FROM records WHERE row = 6"), ["600001"]);
    // A real date cell keeps its date and serial; a text date stays text.
    assert_eq!(
        w.strings(
            "SELECT json_extract(raw, '$.生年月日.date') || ' ' || json_extract(raw, '$.生年月日.serial') FROM records WHERE row = 5"
        ),
        ["1985-06-15 31213.0"]
    );
    assert_eq!(w.strings("SELECT json_extract(raw, '$.生年月日') FROM records WHERE row = 6"), ["昭和52年4月3日"]);
    // A multi-line cell is kept whole.
    assert_eq!(w.strings("SELECT note FROM records WHERE row = 6"), ["頭皮が敏感\nノンジアミン希望"]);
    // The #N/A cell: empty value, a warning naming sheet, row and column.
    assert_eq!(w.strings("SELECT json_extract(raw, '$.備考.error') FROM records WHERE row = 7"), ["#N/A"]);
    assert_eq!(w.strings("SELECT note FROM records WHERE row = 7"), ["NULL"]);
    assert_eq!(
        w.strings("SELECT severity || '|' || code || '|' || sheet || '|' || row || '|' || column_name || '|' || raw FROM problems WHERE code = 'error_cell'"),
        ["warning|error_cell|顧客台帳|7|備考|#N/A"]
    );
    // Visits: one event per customer row, dated from the date cell.
    assert_eq!(w.strings("SELECT date FROM events e JOIN records r ON r.id = e.record_id WHERE r.row = 5"), ["2024-09-28"]);
    // The import run is recorded with its hash, size and counts.
    assert_eq!(
        w.strings("SELECT file_name || '|' || format || '|' || size_bytes || '|' || rows_read || '|' || imported || '|' || skipped || '|' || length(content_hash) FROM imports"),
        ["title-rows.xlsx|xlsx|6915|10|9|1|64"]
    );
}

#[test]
fn xlsx_1904_date_system() {
    let w = Workdir::new();
    w.import("dates", &[reader("date1904.xlsx")], &[]).ok();
    assert_eq!(w.strings("SELECT birth_date FROM records ORDER BY row"), ["1977-04-03", "1990-12-31", "2024-03-05"]);
    assert_eq!(w.strings("SELECT date FROM events ORDER BY id"), ["2024-10-01", "2024-10-02", "2024-10-03"]);
}

#[test]
fn formulas_give_cached_values_and_error_results_warn() {
    let w = Workdir::new();
    w.import("formulas", &[reader("formulas.xlsx")], &[]).ok();
    assert_eq!(w.strings("SELECT amount FROM events ORDER BY id"), ["8800", "3300", "16500"]);
    assert_eq!(w.strings("SELECT note FROM records ORDER BY row"), ["NULL", "NULL", "上得意"]);
    assert_eq!(w.strings("SELECT row || ' ' || raw FROM problems WHERE code = 'error_cell' ORDER BY row"), ["2 #DIV/0!", "3 #N/A"]);
}

#[test]
fn xls_xlsm_and_ods_from_libreoffice_read_like_the_xlsx() {
    for f in ["ledger-src.xlsx", "ledger.xls", "ledger.ods", "ledger.xlsm"] {
        let w = Workdir::new();
        w.import("ledger-small", &[reader(f)], &[]).ok();
        assert_eq!(rows(&w, f), ["4", "5", "6", "7", "8"], "{f}");
        assert_eq!(w.strings("SELECT name FROM records WHERE row = 6"), ["𠮷田 花子"], "{f}");
        assert_eq!(w.strings("SELECT phone FROM records WHERE row = 4"), ["090-1234-5678"], "{f}");
        assert_eq!(w.strings("SELECT json_type(raw, '$.電話番号') FROM records WHERE row = 4"), ["integer"], "{f}");
        assert_eq!(w.strings("SELECT json_extract(raw, '$.生年月日.date') FROM records WHERE row = 4"), ["1985-06-15"], "{f}");
        assert_eq!(w.strings("SELECT json_extract(raw, '$.生年月日') FROM records WHERE row = 8"), ["S52.4.3"], "{f}");
    }
}

#[test]
fn cp932_csv_with_nec_and_ibm_extensions() {
    let w = Workdir::new();
    w.import("pos", &[reader("cp932.csv")], &[]).ok().stdout_has("CP932");
    assert_eq!(rows(&w, "cp932.csv"), ["2", "3", "4", "5", "6", "7"]);
    // Names cleansed: the honorific removed, half-width kana widened, the
    // IBM-extension 髙 kept as written (folded only in the key).
    assert_eq!(
        w.strings("SELECT name FROM records ORDER BY row"),
        ["山田 太郎", "㈱さくら商事 佐藤", "髙橋 一郎", "ヤマダ タロウ", "渡邊 花子", "齋藤 美穂"]
    );
    assert_eq!(w.strings("SELECT name_key FROM records WHERE row = 4"), ["高橋一郎"]);
    assert_eq!(w.strings("SELECT json_extract(raw_fields, '$.name') FROM records WHERE row = 3"), ["㈱さくら商事 佐藤 様"]);
    assert_eq!(w.strings("SELECT item FROM events WHERE number = '10002'"), ["ヘアカラー①"]);
    assert_eq!(w.strings("SELECT amount FROM events WHERE number = '10001'"), ["4400"]);
    // The raw text stays beside the cleansed value.
    assert_eq!(w.strings("SELECT json_extract(raw_fields, '$.amount') FROM events WHERE number = '10001'"), ["4,400"]);
    assert_eq!(w.strings("SELECT encoding || ' ' || encoding_confidence FROM imports"), ["CP932 strict"]);
    // Constants from the mapping, and the natural key.
    assert_eq!(w.strings("SELECT DISTINCT store FROM records"), ["本店"]);
    assert_eq!(w.strings("SELECT natural_key FROM records WHERE row = 2"), ["10001"]);
}

#[test]
fn utf8_with_and_without_bom_and_multiline_quoted_fields() {
    for f in ["utf8-bom.csv", "utf8.csv"] {
        let w = Workdir::new();
        w.import("web", &[reader(f)], &[]).ok();
        assert_eq!(rows(&w, f), ["2", "3", "5", "6"], "{f}");
        assert_eq!(w.strings("SELECT note FROM records WHERE row = 3"), ["前回と同じ\"アッシュ系\"で\n少し短めに"], "{f}");
        assert_eq!(w.strings("SELECT name FROM records WHERE row = 6"), ["𠮷田 花子"], "{f}");
        // The BOM is not part of the first column's name.
        assert_eq!(w.strings("SELECT json_extract(raw, '$.予約番号') FROM records WHERE row = 2"), ["R-0001"], "{f}");
    }
}

#[test]
fn utf16_unicode_text_from_excel() {
    for f in ["utf16le.txt", "utf16be.txt"] {
        let w = Workdir::new();
        w.import("name-phone", &[reader(f)], &[]).ok();
        assert_eq!(rows(&w, f), ["2", "3", "4"], "{f}");
        assert_eq!(
            w.strings("SELECT name || '|' || address FROM records WHERE row = 4"),
            ["𠮷田 花子|北海道札幌市中央区北1条西2-1"],
            "{f}"
        );
    }
}

#[test]
fn delimiters_are_sniffed() {
    let w = Workdir::new();
    w.import("name-phone", &[reader("semicolon.csv")], &[]).ok();
    assert_eq!(w.strings("SELECT postal_code FROM records ORDER BY row"), ["150-0001", "530-0001", "060-0001"]);
    let w = Workdir::new();
    // tab.tsv names its column 顧客名; override nothing but the mapping's name column via a draft.
    w.run(["inspect".as_ref(), reader("tab.tsv").as_os_str()]).ok().stdout_has("delimiter:  tab");
}

#[test]
fn ragged_rows_are_reported_not_dropped() {
    let w = Workdir::new();
    w.import("name-phone", &[reader("ragged.csv")], &[]).ok().stdout_has("rows read 4, imported 4, warned 2");
    assert_eq!(rows(&w, "ragged.csv"), ["2", "3", "4", "5"]);
    assert_eq!(w.strings("SELECT code || ' ' || row FROM problems ORDER BY row"), ["ragged_row_short 3", "ragged_row_long 4"]);
    // The extra cells of the long row are kept under their column letters.
    assert_eq!(w.strings("SELECT json_extract(raw, '$.列E') || json_extract(raw, '$.列F') FROM records WHERE row = 4"), ["3F要確認"]);
}

#[test]
fn undecodable_cp932_bytes_are_kept_and_reported_with_their_line() {
    let w = Workdir::new();
    w.import("name-phone", &[reader("cp932-unmapped.csv")], &[]).ok();
    assert_eq!(w.count("SELECT count(*) FROM records"), 4);
    assert_eq!(w.strings("SELECT name FROM records WHERE row = 3"), ["佐\u{FFFD}@木 一郎"]);
    // Reported by the reader with its line, and by cleansing with its column.
    assert_eq!(
        w.strings("SELECT code || ' ' || row || ' ' || coalesce(column_name, '-') FROM problems ORDER BY id"),
        ["undecodable_bytes 3 -", "undecodable 3 氏名"]
    );
    // Both belong to the record read from that line, which counts as warned.
    assert_eq!(w.count("SELECT count(*) FROM problems WHERE record_id IS NULL"), 0);
    assert_eq!(w.count("SELECT warned FROM imports"), 1);
    assert_eq!(w.strings("SELECT encoding_confidence FROM imports"), ["guess"]);
}

#[test]
fn gaiji_is_kept_and_flagged() {
    let w = Workdir::new();
    w.import("name-phone", &[reader("gaiji.csv")], &[]).ok();
    assert_eq!(w.strings("SELECT name FROM records WHERE row = 2"), ["渡\u{E000} 花子"]);
    assert_eq!(
        w.strings("SELECT code || ' ' || row || ' ' || coalesce(column_name, '-') FROM problems ORDER BY id"),
        ["gaiji 2 -", "gaiji 2 氏名"]
    );
}

#[test]
fn euc_jp_is_detected() {
    let w = Workdir::new();
    w.import("name-phone", &[reader("eucjp.csv")], &[]).ok().stdout_has("EUC-JP");
    assert_eq!(w.strings("SELECT name FROM records ORDER BY row"), ["長谷川 健一郎", "齋藤 美穂子", "西園寺 雅之"]);
}

#[test]
fn bom_in_the_middle_and_a_repeated_header() {
    let w = Workdir::new();
    w.import("name-phone", &[reader("bom-middle.csv")], &[]).ok().stdout_has("imported 4");
    assert_eq!(rows(&w, "bom-middle.csv"), ["2", "3", "4", "5", "6"]);
    assert_eq!(w.strings("SELECT status FROM records WHERE row = 4"), ["skipped"]);
    assert_eq!(w.strings("SELECT code || ' ' || row FROM problems WHERE code = 'bom_in_text'"), ["bom_in_text 4"]);
}

#[test]
fn blank_lines_are_not_records() {
    let w = Workdir::new();
    w.import("name-phone", &[reader("blank-lines.csv")], &[]).ok();
    assert_eq!(rows(&w, "blank-lines.csv"), ["3", "6"]);
}

#[test]
fn csv_title_lines_and_footer() {
    let w = Workdir::new();
    w.import("pos", &[reader("title-rows.csv")], &[]).ok().stdout_has("imported 3").stdout_has("skipped 1");
    assert_eq!(rows(&w, "title-rows.csv"), ["5", "6", "7", "8"]);
    assert_eq!(w.strings("SELECT status FROM records WHERE row = 8"), ["skipped"]);
    // Skipped as what it is: a footer (issue 17, point 6).
    assert!(w.strings("SELECT status_reason FROM records WHERE row = 8")[0].starts_with("a footer row"));
    // The footer's values are still there, raw.
    assert_eq!(w.strings("SELECT json_extract(raw, '$.金額') FROM records WHERE row = 8"), ["13200"]);
}

#[test]
fn paper_cards_cp932() {
    let w = Workdir::new();
    w.import("cards", &[reader("cards-cp932.txt")], &[]).ok();
    assert_eq!(rows(&w, "cards-cp932.txt"), ["3", "18", "34"]);
    assert_eq!(w.strings("SELECT customer_no FROM records ORDER BY row"), ["0012", "0013", "0014"]);
    assert_eq!(w.strings("SELECT note FROM records WHERE row = 3"), ["頭皮が敏感。\nノンジアミンのカラー剤を使用すること。"]);
    assert_eq!(w.strings("SELECT mobile FROM records WHERE row = 34"), ["NULL"]);
    // Every visit line is an event, split into date, item, amount and staff.
    assert_eq!(w.strings("SELECT count(*) FROM events GROUP BY record_id ORDER BY record_id"), ["3", "2", "2"]);
    assert_eq!(
        w.strings("SELECT date || '|' || item || '|' || amount || '|' || staff FROM events ORDER BY id LIMIT 1"),
        ["2019-04-05|カット|4400|佐藤"]
    );
    assert_eq!(w.strings("SELECT line FROM events ORDER BY id LIMIT 1"), ["2019.4.5 カット ￥4,400 担当:佐藤"]);
    // Scans are attachments; a card may have several.
    assert_eq!(
        w.strings("SELECT path FROM attachments ORDER BY id"),
        ["scan_0012.jpg", "scan_0013.jpg", "scan_0013_2.jpg", "scan_0014.jpg"]
    );
    // Repeated keys are kept as arrays in the raw cells.
    assert_eq!(w.strings("SELECT json_array_length(raw, '$.来店履歴') FROM records WHERE row = 3"), ["3"]);
}

#[test]
fn paper_cards_utf8() {
    let w = Workdir::new();
    w.import("cards", &[reader("cards-utf8.txt")], &[]).ok();
    assert_eq!(rows(&w, "cards-utf8.txt"), ["1", "16"]);
    // The postal code glued to the address moves to its own field, the
    // building on the continuation line to address2.
    assert_eq!(w.strings("SELECT address FROM records WHERE row = 1"), ["北海道札幌市中央区北1条西2-1"]);
    assert_eq!(
        w.strings("SELECT postal_code || '|' || address2 || '|' || prefecture FROM records WHERE row = 1"),
        ["060-0001|札幌ビル5F|北海道"]
    );
    assert_eq!(
        w.strings("SELECT json_extract(raw_fields, '$.address') FROM records WHERE row = 1"),
        ["〒060-0001 北海道札幌市中央区北1条西2-1\n札幌ビル5F"]
    );
}

#[test]
fn reimporting_unchanged_content_is_a_no_op() {
    let w = Workdir::new();
    w.import("pos", &[reader("cp932.csv")], &[]).ok();
    w.import("pos", &[reader("cp932.csv")], &[]).ok().stdout_has("unchanged since import #1");
    assert_eq!(w.count("SELECT count(*) FROM imports"), 1);
    assert_eq!(w.count("SELECT count(*) FROM records"), 6);
    assert_eq!(w.count("SELECT count(*) FROM runs"), 2);
}

#[test]
fn misnamed_files_are_read_by_content() {
    let w = Workdir::new();
    w.import("name-phone", &[reader("csv-named.xlsx")], &[]).ok();
    assert_eq!(w.strings("SELECT format FROM imports"), ["csv"]);
    assert_eq!(w.strings("SELECT code FROM problems"), ["extension_mismatch"]);
    let w = Workdir::new();
    w.import("dates", &[reader("xlsx-named.csv")], &[]).ok();
    assert_eq!(w.strings("SELECT format FROM imports"), ["xlsx"]);
}

#[test]
fn lineage_view_lists_every_row_with_its_customer() {
    let w = Workdir::new();
    w.import("ledger", &[reader("title-rows.xlsx")], &[]).ok();
    w.import("pos", &[reader("cp932.csv")], &[]).ok();
    let cols = w.strings("SELECT name FROM pragma_table_info('lineage')");
    assert_eq!(&cols[..4], ["customer_id", "source_file", "sheet", "row"]);
    assert_eq!(w.count("SELECT count(*) FROM lineage"), 16);
    assert_eq!(w.count("SELECT count(*) FROM lineage WHERE customer_id IS NULL"), 1);
}

#[test]
fn the_summary_carries_counts_not_personal_values() {
    let w = Workdir::new();
    let r = w.import("pos", &[reader("cp932.csv")], &[]);
    r.ok();
    for secret in ["山田", "髙橋", "090-1234-5678", "ﾔﾏﾀﾞ"] {
        assert!(!r.stdout.contains(secret) && !r.stderr.contains(secret), "{secret} printed");
    }
}

#[test]
fn xlsm_is_detected_as_such() {
    let w = Workdir::new();
    w.import("ledger-small", &[reader("ledger.xlsm")], &[]).ok();
    assert_eq!(w.strings("SELECT format FROM imports"), ["xlsm"]);
}

/// A file of 20,000+ rows is written under a rollback journal; the database
/// is back in WAL afterwards, and its content is complete.
#[test]
fn large_imports_leave_the_database_in_wal() {
    let w = Workdir::new();
    let mut text = String::from("氏名,電話番号\r\n");
    for i in 0..25_000 {
        text.push_str(&format!("山田 {i},03-{:04}-{:04}\r\n", i % 10_000, i / 10_000));
    }
    let path = w.path("big.csv");
    std::fs::write(&path, encoding_rs::SHIFT_JIS.encode(&text).0).unwrap();
    w.import("name-phone", &[path], &[]).ok().stdout_has("rows read 25000, imported 25000");
    assert_eq!(w.strings("PRAGMA journal_mode"), ["wal"]);
    assert_eq!(w.count("SELECT count(*) FROM records"), 25_000);
    assert_eq!(w.strings("SELECT row FROM lineage WHERE record_id = 25000"), ["25001"]);
    assert!(!w.path("karte.db-journal").exists());
}

/// A header row given on the command line (or in the mapping) instead of
/// detected: the same rows, from the row below it.
#[test]
fn an_explicit_header_row() {
    let w = Workdir::new();
    w.import("ledger", &[reader("title-rows.xlsx")], &["--header-row", "4"]).ok().stdout_has("rows read 10, imported 9");
    assert_eq!(rows(&w, "title-rows.xlsx"), ["5", "6", "7", "8", "10", "11", "12", "13", "14", "15"]);
    let w = Workdir::new();
    w.import("pos", &[reader("title-rows.csv")], &["--header-row", "4"]).ok();
    assert_eq!(rows(&w, "title-rows.csv"), ["5", "6", "7", "8"]);
    // A header row that is not one is refused, naming the place.
    let w = Workdir::new();
    w.import("ledger", &[reader("title-rows.xlsx")], &["--header-row", "3"])
        .fails()
        .stderr_has("sheet '顧客台帳', row 3: no header row found there");
}

#[test]
fn a_records_problems_follow_it_when_a_row_is_inserted_above() {
    // Tonight's file has a new customer on line 2: yesterday's ragged row
    // (line 3, warned) is line 4 now, unchanged. Its warning names line 4,
    // where the record is, not line 3, where another customer is now.
    let w = Workdir::new();
    let csv = w.path("ragged.csv");
    let text = std::fs::read_to_string(reader("ragged.csv")).unwrap();
    std::fs::write(&csv, &text).unwrap();
    w.import("name-phone", std::slice::from_ref(&csv), &[]).ok();
    let (head, body) = text.split_once('\n').unwrap();
    std::fs::write(&csv, format!("{head}\n新井 一郎,090-9999-0000,150-0001,東京都渋谷区神宮前2-2-2\n{body}")).unwrap();
    w.import("name-phone", std::slice::from_ref(&csv), &[]).ok();
    let rows = w.strings(
        "SELECT p.code || ' ' || p.row || ' ' || r.row FROM problems p JOIN records r ON r.id = p.record_id WHERE p.code LIKE 'ragged%' ORDER BY p.id",
    );
    assert_eq!(rows, ["ragged_row_short 4 4", "ragged_row_long 5 5"]);
}

#[test]
fn issue18_a_formula_without_a_cached_value_keeps_its_text_with_a_warning() {
    // openpyxl writes formulas without values: the name was NULL, the raw
    // cell gone, 0 problems.
    let w = Workdir::new();
    w.import("name-phone", &[reader("formula-no-cache.xlsx")], &[]).ok().stdout_has("rows read 3, imported 3, warned 3");
    assert_eq!(w.strings("SELECT json_extract(raw, '$.氏名') FROM records ORDER BY row"), ["=C2&\" \"&D2", "=C3&\" \"&D3", "=C4&\" \"&D4"]);
    assert_eq!(
        w.strings("SELECT code || '|' || sheet || '|' || row || '|' || column_name FROM problems WHERE code = 'formula_without_value' ORDER BY row"),
        ["formula_without_value|顧客|2|氏名", "formula_without_value|顧客|3|氏名", "formula_without_value|顧客|4|氏名"]
    );
    assert!(w.strings("SELECT message FROM problems WHERE code = 'formula_without_value'")[0].contains("cell A2"));
}

#[path = "../../benches/fuzz/core.rs"]
mod fuzz_core;

#[global_allocator]
static ALLOC: fuzz_core::Counting = fuzz_core::Counting;

/// The short version of `benches/fuzz_readers.sh`: 3,000 mutated fixtures
/// through every reader, no panic, no allocation over 1 GiB (the counting
/// allocator refuses it, which aborts the test binary).
#[test]
fn fuzz_readers_short() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/readers");
    // Count panics on this thread only; other tests' panics go to the usual hook.
    let previous = std::panic::take_hook();
    let me = std::thread::current().id();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == me {
            fuzz_core::PANICS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            eprintln!("fuzz: input {} panicked: {info}", fuzz_core::CURRENT.load(std::sync::atomic::Ordering::Relaxed));
        } else {
            previous(info);
        }
    }));
    let f = fuzz_core::run(&dir, 18, 3000, 0, |_| {});
    assert_eq!(f.inputs, 3000);
    assert_eq!(f.panics, 0, "{f:?}");
    assert!(f.read > 100 && f.refused > 100, "the mutations should both keep and break files: {f:?}");
    assert!(fuzz_core::LARGEST.load(std::sync::atomic::Ordering::Relaxed) <= fuzz_core::CAP);
}
