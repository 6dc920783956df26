//! `karte inspect`: detection, and draft mappings that import.

use crate::util::{reader, Workdir};

#[test]
fn inspect_reports_detection() {
    let w = Workdir::new();
    let r = w.run(["inspect".as_ref(), reader("title-rows.xlsx").as_os_str()]);
    r.ok()
        .stdout_has("format:     xlsx")
        .stdout_has("sheets:     '顧客台帳', '2019'")
        .stdout_has("title rows skipped: 1, 2")
        .stdout_has("header row: 4")
        .stdout_has("data rows: 10 (1 blank rows skipped)")
        .stdout_has("text 7, number 2")
        .stdout_has("→ kana");
    let r = w.run(["inspect".as_ref(), reader("cp932.csv").as_os_str()]);
    r.ok().stdout_has("encoding:   CP932 — high").stdout_has("delimiter:  comma").stdout_has("header line: 1");
    let r = w.run(["inspect".as_ref(), reader("cp932-unmapped.csv").as_os_str()]);
    r.ok().stdout_has("low (statistical guess").stdout_has("1 byte(s) do not decode").stdout_has("on line 3");
    let r = w.run(["inspect".as_ref(), reader("utf16le.txt").as_os_str()]);
    r.ok().stdout_has("UTF-16LE — certain (byte-order mark)").stdout_has("delimiter:  tab");
    let r = w.run(["inspect".as_ref(), reader("cards-cp932.txt").as_os_str()]);
    r.ok().stdout_has("format:     cards").stdout_has("cards: 3");
}

/// A draft mapping from `inspect --mapping-out` imports the file as it is.
#[test]
fn draft_mappings_round_trip() {
    for f in ["cp932.csv", "utf8-bom.csv", "title-rows.xlsx", "cards-cp932.txt", "ledger.xls", "utf16le.txt", "title-rows.csv"] {
        let w = Workdir::new();
        let out = w.path("mappings/draft.toml");
        w.run(["inspect".as_ref(), reader(f).as_os_str(), "--mapping-out".as_ref(), out.as_os_str()])
            .ok()
            .stdout_has("draft mapping written");
        let text = std::fs::read_to_string(&out).unwrap();
        let r =
            w.run(["import".as_ref(), "--db".as_ref(), w.db().as_os_str(), "--mapping".as_ref(), out.as_os_str(), reader(f).as_os_str()]);
        r.ok();
        // title-rows.xlsx's second sheet spells ﾌﾘｶﾞﾅ: the draft reads every
        // sheet's header and gives kana both names (issue 17, point 1).
        if f == "title-rows.xlsx" {
            assert!(text.contains("kana = { column = [\"フリガナ\", \"ﾌﾘｶﾞﾅ\"] }"), "{text}");
            assert_eq!(w.count("SELECT count(DISTINCT sheet) FROM records WHERE status = 'active' AND kana IS NOT NULL"), 2, "{text}");
        }
        assert!(w.count("SELECT count(*) FROM records WHERE status = 'active'") > 0, "{f}:\n{text}");
        assert!(text.contains("name = "), "{f}: no name guessed:\n{text}");
    }
}

#[test]
fn draft_guesses_fields_from_japanese_headers() {
    let w = Workdir::new();
    let out = w.path("web.toml");
    w.run(["inspect".as_ref(), reader("utf8.csv").as_os_str(), "--mapping-out".as_ref(), out.as_os_str()]).ok();
    let text = std::fs::read_to_string(&out).unwrap();
    for line in [
        "name = \"お名前\"",
        "kana = \"ふりがな\"",
        "phone = \"電話番号\"",
        "email = \"メールアドレス\"",
        "note = \"ご要望\"",
        "number = \"予約番号\"",
        "date = \"来店日\"",
        "natural_key = [\"予約番号\"]",
        "rows = \"event\"",
    ] {
        assert!(text.contains(line), "missing {line}:\n{text}");
    }
    // It refuses to overwrite without --force.
    w.run(["inspect".as_ref(), reader("utf8.csv").as_os_str(), "--mapping-out".as_ref(), out.as_os_str()]).fails().stderr_has("--force");
}

#[test]
fn issue18_inspect_never_writes_control_characters_to_the_terminal() {
    // A3 holds `_x001B_]2;pwned_x0007__x001B_[2J…`: a window title and a
    // screen clear, printed as they were.
    let w = Workdir::new();
    let r = w.run(["inspect".as_ref(), reader("escape.xlsx").as_os_str()]);
    r.ok().stdout_has("\\u{1b}]2;pwned\\u{7}\\u{1b}[2J髙橋 一郎");
    assert!(!r.stdout.contains(['\u{1b}', '\u{7}']), "{:?}", r.stdout);
    let r = w.run(["inspect".as_ref(), reader("controls.csv").as_os_str()]);
    r.ok().stdout_has("control_characters: line 3");
    assert!(!r.stdout.contains(['\u{1b}', '\u{7}', '\u{0}']), "{:?}", r.stdout);
}

#[test]
fn issue18_inspect_says_when_a_file_seems_to_have_no_header() {
    let w = Workdir::new();
    w.run(["inspect".as_ref(), reader("no-header.csv").as_os_str()]).ok().stdout_has("the file seems to have no header line");
    let r = w.run(["inspect".as_ref(), reader("cp932.csv").as_os_str()]);
    assert!(!r.ok().stdout.contains("seems to have no header"), "{}", r.stdout);
}
