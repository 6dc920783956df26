//! The bundled sample store, imported the way README's first command does.

use std::collections::BTreeSet;

use crate::util::{fixture, Workdir};

fn import_samples(w: &Workdir) -> crate::util::Run {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<std::ffi::OsString> = ["sakura_ledger.xlsx", "sakura_pos.csv", "sakura_web.csv", "sakura_cards.txt"]
        .iter()
        .map(|f| root.join("samples").join(f).into_os_string())
        .collect();
    let mut args: Vec<std::ffi::OsString> =
        vec!["import".into(), "--db".into(), w.db().into(), "--mappings".into(), root.join("mappings").into()];
    args.extend(files);
    w.run(args)
}

#[test]
fn every_sample_row_is_a_record_at_its_true_location() {
    let w = Workdir::new();
    import_samples(&w).ok().stdout_has("files imported 4, unchanged 0, failed 0");
    let truth = std::fs::read_to_string(fixture("samples_truth.csv")).unwrap();
    let expected: BTreeSet<String> = truth.lines().skip(1).map(|l| l.split(',').take(3).collect::<Vec<_>>().join("|")).collect();
    let got: BTreeSet<String> =
        w.strings("SELECT source_file || '|' || sheet || '|' || row FROM lineage WHERE status = 'active'").into_iter().collect();
    assert_eq!(expected.len(), 452);
    assert_eq!(got, expected);
    // Footers and trailers are kept, as skipped records, not lost.
    assert_eq!(w.count("SELECT count(*) FROM records WHERE status = 'skipped'"), 2);
    // Every mapping picked by its [source] files pattern.
    assert_eq!(w.strings("SELECT source FROM imports ORDER BY source"), ["sakura_cards", "sakura_ledger", "sakura_pos", "sakura_web"]);
}

#[test]
fn a_file_no_mapping_claims_is_refused_before_anything_is_written() {
    let w = Workdir::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = w.run([
        "import".as_ref(),
        "--db".as_ref(),
        w.db().as_os_str(),
        "--mappings".as_ref(),
        root.join("mappings").as_os_str(),
        root.join("samples/sakura_pos.csv").as_os_str(),
        fixture("readers/utf8.csv").as_os_str(),
    ]);
    r.fails().stderr_has("no mapping in").stderr_has("matches utf8.csv");
    assert!(!w.db().exists());
}

/// What cleansing makes of the sample ledger's messy cells, each value with
/// its raw text kept beside it.
#[test]
fn the_sample_ledger_is_cleansed_and_keeps_its_raw_values() {
    let w = Workdir::new();
    import_samples(&w).ok();
    let at = |sql: &str, row: i64| -> String {
        w.strings(&format!(
            "SELECT {sql} FROM records r JOIN imports i ON i.id = r.import_id WHERE i.file_name = 'sakura_ledger.xlsx' AND r.sheet = '顧客台帳' AND r.row = {row}"
        ))
        .remove(0)
    };
    // A landline typed as a number: the zero Excel dropped is back.
    assert_eq!(at("r.phone || ' ' || json_extract(r.raw, '$.電話番号')", 6), "03-6914-9009 369149009");
    // Era birth dates, in full-width digits, 元年 and letter forms.
    assert_eq!(at("r.birth_date", 6), "1958-03-25");
    assert_eq!(at("r.birth_date", 10), "1989-01-08");
    assert_eq!(at("r.birth_date", 14), "1990-11-20");
    // 不明 is a null marker: empty, with the reason recorded.
    assert_eq!(at("coalesce(r.birth_date, 'NULL')", 18), "NULL");
    // An address without its prefecture gets it; the building is apart.
    assert_eq!(
        at("r.address || '|' || r.address2 || '|' || r.prefecture || '|' || r.postal_code", 5),
        "東京都世田谷区太子堂3-31-27|メゾン・ド・フルール205号室|東京都|154-0004"
    );
    assert!(
        w.count("SELECT count(*) FROM problems WHERE code = 'null_marker' AND field = 'birth_date' AND raw = '不明' AND row = 18") == 1
    );
}
