//! A consultant's first day (issue 17): `karte init` then `karte run` on a
//! store's four kinds of files, with the drafts as written. Fixtures:
//! tests/fixtures/make_firstday_fixtures.py.

use crate::util::{fixture, Workdir};

const FILES: [&str; 4] = ["ledger.xlsx", "cards.txt", "web.csv", "pos.csv"];

fn first_day() -> Workdir {
    let w = Workdir::new();
    std::fs::create_dir_all(w.path("data")).unwrap();
    for f in FILES {
        std::fs::copy(fixture(&format!("firstday/{f}")), w.path(&format!("data/{f}"))).unwrap();
    }
    w.run(["init", "."]).ok().stdout_has("4 data file(s) found");
    w.run(["run"]).ok();
    w
}

/// Of a source's active records, the share with a value in `condition`.
fn share(w: &Workdir, source: &str, condition: &str) -> f64 {
    let sql = |c: &str| {
        format!("SELECT count(*) FROM records r JOIN imports i ON i.id = r.import_id WHERE i.source = '{source}' AND r.status = 'active' AND ({c})")
    };
    let all = w.count(&sql("1"));
    assert!(all > 0, "{source}: no records");
    w.count(&sql(condition)) as f64 / all as f64
}

#[test]
fn init_then_run_imports_a_stores_four_kinds_of_files_with_the_drafts_untouched() {
    let w = first_day();

    // Every source row is in lineage: ledger 20 + footer on 顧客台帳, 15 +
    // footer on 2020; 24 cards; 30 bookings; 30 purchases + footer.
    for (source, rows) in [("ledger", 37), ("cards", 24), ("web", 30), ("pos", 31)] {
        assert_eq!(w.count(&format!("SELECT count(*) FROM lineage WHERE source = '{source}'")), rows, "{source}");
    }
    assert_eq!(w.count("SELECT count(DISTINCT sheet) FROM lineage WHERE source = 'ledger'"), 2, "both sheets read");

    // Names for >= 98 % of each source's records.
    for source in ["ledger", "cards", "web", "pos"] {
        let s = share(&w, source, "r.name IS NOT NULL OR r.family_name IS NOT NULL");
        assert!(s >= 0.98, "{source}: names for {:.1} %", s * 100.0);
    }

    // A phone for >= 98 % of the cards that carry one under any key.
    let keys = ["TEL", "電話", "Tel", "ＴＥＬ", "携帯", "携帯電話", "ケータイ"];
    let carries = keys.iter().map(|k| format!("json_extract(r.raw, '$.\"{k}\"') IS NOT NULL")).collect::<Vec<_>>().join(" OR ");
    let with_key =
        w.count(&format!("SELECT count(*) FROM records r JOIN imports i ON i.id = r.import_id WHERE i.source = 'cards' AND ({carries})"));
    assert_eq!(with_key, 21, "cards 5, 13 and 21 carry no phone");
    let s = share(&w, "cards", &format!("({carries}) AND coalesce(r.phone, r.mobile) IS NOT NULL")) * 24.0 / with_key as f64;
    assert!(s >= 0.98, "cards: a phone for {:.1} % of those with one", s * 100.0);
    // Every typist's key for each field is read: birth dates and kana on every card.
    assert!(share(&w, "cards", "r.birth_date IS NOT NULL AND r.kana IS NOT NULL") >= 0.98);

    // A date for >= 99 % of web bookings; the address parts joined.
    let web_dated = w.count(
        "SELECT count(DISTINCT r.id) FROM records r JOIN imports i ON i.id = r.import_id JOIN events e ON e.record_id = r.id
         WHERE i.source = 'web' AND r.status = 'active' AND e.date IS NOT NULL",
    );
    assert!(web_dated as f64 / 30.0 >= 0.99, "web: {web_dated} of 30 bookings dated");
    assert!(share(&w, "web", "r.address LIKE '%区%' AND r.prefecture IS NOT NULL") >= 0.98);
    // …and every web customer's golden record has a last visit.
    assert_eq!(
        w.count(
            "SELECT count(*) FROM records r JOIN imports i ON i.id = r.import_id JOIN customers c ON c.id = r.customer_id
             JOIN golden g ON g.customer_id = coalesce(c.merged_into, c.id) WHERE i.source = 'web' AND g.last_seen IS NULL"
        ),
        0
    );
    // The ledger's 初回来院日 and 最終来店 are dates.
    assert_eq!(w.count("SELECT count(*) FROM records WHERE sheet = '顧客台帳' AND first_visit IS NOT NULL"), 20);
    assert_eq!(
        w.count("SELECT count(*) FROM records r JOIN events e ON e.record_id = r.id WHERE r.sheet = '2020' AND e.date IS NOT NULL"),
        15
    );
    // Each draft set a priority, by the kind of source.
    let prio: Vec<String> = w.strings("SELECT source || '=' || priority FROM imports ORDER BY source");
    assert_eq!(prio, ["cards=25", "ledger=30", "pos=10", "web=20"]);

    // The third typist's カルテ番号 is the natural key of her cards too.
    assert_eq!(w.count("SELECT count(*) FROM problems WHERE code = 'natural_key_missing'"), 0);
    assert_eq!(share(&w, "cards", "r.natural_key IS NOT NULL AND r.customer_no IS NOT NULL"), 1.0);

    // Visit lines on their own lines are the visits, not warnings.
    let warned = w.count("SELECT count(DISTINCT record_id) FROM problems WHERE code = 'card_line_without_key'");
    assert!(warned as f64 <= 0.01 * 24.0, "{warned} cards warned for their visit lines");
    let visits = w.count(
        "SELECT count(*) FROM events e JOIN records r ON r.id = e.record_id JOIN imports i ON i.id = r.import_id
         WHERE i.source = 'cards' AND e.date IS NOT NULL",
    );
    assert_eq!(visits, 60, "every visit line of every card");

    // Footers are not customers: kept, skipped, with the reason.
    let footers = w.strings("SELECT source || ':' || sheet || ':' || row FROM lineage WHERE status = 'skipped' ORDER BY source, sheet");
    assert_eq!(footers, ["ledger:2020:17", "ledger:顧客台帳:24", "pos::32"]);
    assert_eq!(w.count("SELECT count(*) FROM records WHERE status = 'skipped' AND status_reason LIKE 'a footer row%'"), 3);
    assert_eq!(w.count("SELECT count(*) FROM records WHERE status = 'skipped' AND customer_id IS NOT NULL"), 0);
    assert_eq!(w.count("SELECT count(*) FROM golden WHERE name LIKE '%以上%' OR name LIKE '%計%'"), 0);
}

/// A field's alternatives: each sheet uses the name it has; a sheet with
/// none of them is an error naming every alternative (issue 17, point 1).
#[test]
fn a_fields_alternative_columns_are_read_per_sheet() {
    let w = Workdir::new();
    let m = w.path("ledger.toml");
    let head = "[source]\nname = \"ledger\"\nnatural_key = [[\"顧客No\", \"No.\"]]\n[fields]\nname = \"氏名\"\n";
    std::fs::write(&m, format!("{head}kana = {{ column = [\"フリガナ\", \"ﾌﾘｶﾞﾅ\"] }}\nnote = {{ column = \"メモ\", optional = true }}\n"))
        .unwrap();
    let file = crate::util::reader("title-rows.xlsx");
    w.import_with(&m, &file, &[]).ok();
    let sheets = w.strings("SELECT sheet || ':' || count(*) FROM records WHERE kana IS NOT NULL GROUP BY sheet ORDER BY sheet");
    assert_eq!(sheets, ["2019:3", "顧客台帳:9"]);
    // The import records both names as the columns that feed kana.
    let cols = w.strings("SELECT json_extract(field_columns, '$.\"fields.kana\"') FROM imports");
    assert_eq!(cols, ["[\"フリガナ\",\"ﾌﾘｶﾞﾅ\"]"]);
    // The natural key is each sheet's own 顧客No.
    assert_eq!(w.count("SELECT count(*) FROM records WHERE status = 'active' AND natural_key IS NULL"), 0);

    let w = Workdir::new();
    std::fs::write(&m, format!("{head}kana = {{ column = [\"カナ\", \"よみ\"] }}\n")).unwrap();
    w.import_with(&m, &file, &[]).fails().stderr_has("mapping key 'fields.kana': column 'カナ' or 'よみ' not found in sheet '顧客台帳'");
}

/// `inspect` on cards shows every typist's key with the field the draft
/// maps it to, as the draft does.
#[test]
fn inspect_shows_every_cards_key_for_a_field() {
    let w = Workdir::new();
    let r = w.run(["inspect".as_ref(), fixture("firstday/cards.txt").as_os_str()]);
    r.ok();
    for key in ["TEL", "電話", "Tel", "ＴＥＬ"] {
        let line = r.stdout.lines().find(|l| l.split_whitespace().next() == Some(key)).unwrap_or_else(|| panic!("{key}:\n{}", r.stdout));
        assert!(line.ends_with("→ phone"), "{line}");
    }
    for key in ["お名前", "名前", "氏名"] {
        assert!(r.stdout.lines().any(|l| l.split_whitespace().next() == Some(key) && l.ends_with("→ name")), "{key}:\n{}", r.stdout);
    }
}

/// A per-sheet section: a sheet's own column for a field, the rest from
/// [fields]; a wrong column there is named with its section.
#[test]
fn a_sheet_section_gives_a_sheet_its_own_columns() {
    let w = Workdir::new();
    let m = w.path("ledger.toml");
    let head = "[source]\nname = \"ledger\"\n[fields]\nname = \"氏名\"\nkana = \"フリガナ\"\nphone = \"電話番号\"\n";
    std::fs::write(&m, format!("{head}[sheet.\"2019\".fields]\nkana = \"ﾌﾘｶﾞﾅ\"\n")).unwrap();
    let file = crate::util::reader("title-rows.xlsx");
    w.import_with(&m, &file, &[]).ok();
    let sheets = w
        .strings("SELECT sheet || ':' || count(*) FROM records WHERE kana IS NOT NULL AND phone IS NOT NULL GROUP BY sheet ORDER BY sheet");
    assert_eq!(sheets, ["2019:3", "顧客台帳:9"]);
    let cols = w.strings("SELECT json_extract(field_columns, '$.\"fields.kana\"') FROM imports");
    assert_eq!(cols, ["[\"フリガナ\",\"ﾌﾘｶﾞﾅ\"]"]);
    assert_eq!(w.count("SELECT count(*) FROM problems WHERE code = 'mapping_sheet_not_in_file'"), 0);

    // A section for a sheet the workbook does not have is a warning.
    let w = Workdir::new();
    std::fs::write(&m, format!("{head}[sheet.\"2019\".fields]\nkana = \"ﾌﾘｶﾞﾅ\"\n[sheet.\"2018\".fields]\nkana = \"ｶﾅ\"\n")).unwrap();
    w.import_with(&m, &file, &[]).ok();
    assert_eq!(w.strings("SELECT sheet FROM problems WHERE code = 'mapping_sheet_not_in_file'"), ["2018"]);

    let w = Workdir::new();
    std::fs::write(&m, format!("{head}[sheet.\"2019\".fields]\nkana = \"カナ\"\n")).unwrap();
    w.import_with(&m, &file, &[]).fails().stderr_has("mapping key 'sheet.\"2019\".fields.kana': column 'カナ' not found in sheet '2019'");
    // A section names karte's fields like [fields] does.
    std::fs::write(&m, format!("{head}[sheet.\"2019\".fields]\nkanna = \"ﾌﾘｶﾞﾅ\"\n")).unwrap();
    w.import_with(&m, &file, &[]).fails().stderr_has("[sheet.\"2019\".fields] has no field 'kanna'; did you mean 'kana'?");
}
