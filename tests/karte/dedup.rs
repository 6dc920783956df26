//! Dedup on the bundled sample store, against its ground truth; the
//! review round trip through a real xlsx; unmerge; explain.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::util::{fixture, Workdir};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples").join(name)
}

fn import(w: &Workdir, files: &[&str]) {
    w.run(import_args(w, files)).ok();
}

/// `karte import --db karte.db --mappings mappings SAMPLE...`
fn import_args(w: &Workdir, files: &[&str]) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec![
        "import".into(),
        "--db".into(),
        w.db().into(),
        "--mappings".into(),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings").into(),
    ];
    args.extend(files.iter().map(|f| sample(f).into_os_string()));
    args
}

const ALL: [&str; 4] = ["sakura_ledger.xlsx", "sakura_pos.csv", "sakura_web.csv", "sakura_cards.txt"];

fn dedup(w: &Workdir) -> crate::util::Run {
    let r = w.run(["dedup".as_ref(), "--db".as_ref(), w.db().as_os_str(), "--review-out".as_ref(), w.path("review.xlsx").as_os_str()]);
    r.ok();
    r
}

/// (file, sheet, row) → (person, household) from the samples' truth.
fn truth() -> HashMap<(String, String, i64), (String, Option<String>)> {
    let text = std::fs::read_to_string(fixture("samples_truth.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.splitn(5, ',').collect();
            let household = f[4].split([';', ' ']).skip_while(|w| *w != "household").nth(1).map(str::to_string);
            ((f[0].to_string(), f[1].to_string(), f[2].parse().unwrap()), (f[3].to_string(), household))
        })
        .collect()
}

/// record id → (customer, person, household)
fn outcome(w: &Workdir) -> BTreeMap<i64, (i64, String, Option<String>)> {
    let t = truth();
    let c = w.conn();
    let mut st = c.prepare("SELECT record_id, customer_id, source_file, sheet, row FROM lineage WHERE status = 'active'").unwrap();
    st.query_map([], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, i64>(4)?))
    })
    .unwrap()
    .map(|x| {
        let (id, cust, f, s, row) = x.unwrap();
        let (p, h) = t[&(f, s, row)].clone();
        (id, (cust, p, h))
    })
    .collect()
}

fn pairs<K: std::hash::Hash + Eq>(keys: impl Iterator<Item = K>) -> u64 {
    let mut n: HashMap<K, u64> = HashMap::new();
    for k in keys {
        *n.entry(k).or_default() += 1;
    }
    n.values().map(|k| k * (k - 1) / 2).sum()
}

/// (precision, recall) over record pairs.
fn score(o: &BTreeMap<i64, (i64, String, Option<String>)>) -> (f64, f64) {
    let predicted = pairs(o.values().map(|v| v.0));
    let actual = pairs(o.values().map(|v| v.1.clone()));
    let both = pairs(o.values().map(|v| (v.0, v.1.clone())));
    (if predicted == 0 { 1.0 } else { both as f64 / predicted as f64 }, both as f64 / actual as f64)
}

#[test]
fn samples_merge_people_across_sources_and_never_merge_a_family() {
    let w = Workdir::new();
    import(&w, &ALL);
    let r = dedup(&w);
    r.stdout_has("452 records").stdout_has("blocking mobile").stdout_has("customers: 452 before");
    let o = outcome(&w);
    let (precision, recall) = score(&o);
    eprintln!("samples: precision {precision:.4}, recall {recall:.4}");
    assert_eq!(precision, 1.0, "a false merge");
    assert!(recall >= 0.9, "recall {recall}");
    // No customer holds two people of one household (or any two people).
    let mut people: HashMap<i64, HashSet<&str>> = HashMap::new();
    for (c, p, _) in o.values() {
        people.entry(*c).or_default().insert(p);
    }
    assert!(people.values().all(|p| p.len() == 1));
    let households: HashSet<&String> = o.values().filter_map(|v| v.2.as_ref()).collect();
    assert!(households.len() >= 5, "the samples have households");
    // Counts only: no name, phone or e-mail in the summary.
    for v in w
        .strings("SELECT name FROM records WHERE name IS NOT NULL")
        .iter()
        .chain(&w.strings("SELECT mobile FROM records WHERE mobile IS NOT NULL"))
    {
        assert!(!r.stdout.contains(v.as_str()), "the summary shows a personal value");
    }
    // Every merge is logged with its evidence, every move with its record.
    assert!(w.count("SELECT count(*) FROM merges WHERE decided_by = 'auto' AND evidence LIKE '%\"field\":\"given_name\"%'") > 100);
    assert_eq!(
        w.count("SELECT count(*) FROM records WHERE status = 'active' AND customer_id IN (SELECT id FROM customers WHERE merged_into IS NOT NULL)"),
        0
    );
    // Every reference the merge wrote holds (dedup writes with the
    // per-row foreign-key checks off, for speed).
    assert!(w.strings("PRAGMA foreign_key_check").is_empty());
    // One golden record per live customer; lineage shows the new ids.
    let live = w.count("SELECT count(DISTINCT customer_id) FROM records WHERE status = 'active'");
    assert_eq!(w.count("SELECT count(*) FROM golden"), live);
    assert_eq!(w.count("SELECT count(DISTINCT customer_id) FROM lineage WHERE status = 'active'"), live);
    // The golden name of a merged customer is a kanji name even when most
    // of its records are POS rows in kana; every phone stays in the history.
    let (cust, n): (i64, i64) = w
        .conn()
        .query_row(
            "SELECT customer_id, count(*) FROM records WHERE status = 'active' GROUP BY customer_id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(n >= 4);
    let golden_name = w.strings(&format!("SELECT name FROM golden WHERE customer_id = {cust}"));
    assert!(golden_name[0].chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)), "{golden_name:?}");
    let sources = w.strings(&format!("SELECT sources FROM golden WHERE customer_id = {cust}"));
    assert!(sources[0].contains("most complete"), "{sources:?}");
    let phones =
        w.count(&format!("SELECT count(DISTINCT value) FROM customer_values WHERE customer_id = {cust} AND field IN ('phone', 'mobile')"));
    assert!(phones >= 1);
    // Phones by kind, whatever column they came in (the POS's 電話番号 holds
    // mobiles): 携帯 is always a mobile number, 電話 never, no number twice.
    assert_eq!(w.count("SELECT count(*) FROM golden WHERE mobile IS NOT NULL AND mobile NOT GLOB '0[789]0-*'"), 0);
    assert_eq!(w.count("SELECT count(*) FROM golden WHERE phone GLOB '0[789]0-*'"), 0);
    assert_eq!(w.count("SELECT count(*) FROM golden WHERE phone = mobile OR phone2 = mobile OR phone2 = phone"), 0);
    assert!(w.count("SELECT count(*) FROM golden WHERE records = 1 AND mobile IS NOT NULL") > 0);
}

#[test]
fn dedup_is_deterministic_and_a_second_run_changes_nothing() {
    let (a, b) = (Workdir::new(), Workdir::new());
    import(&a, &ALL);
    import(&b, &ALL);
    dedup(&a);
    dedup(&b);
    let q = "SELECT id || ':' || customer_id FROM records WHERE status = 'active' ORDER BY id";
    assert_eq!(a.strings(q), b.strings(q));
    let before = a.strings(q);
    let r = dedup(&a);
    r.stdout_has("auto-merged 0 pairs");
    assert_eq!(a.strings(q), before);
}

#[test]
fn a_nightly_run_that_adds_records_keeps_existing_customer_ids() {
    let w = Workdir::new();
    import(&w, &["sakura_ledger.xlsx", "sakura_web.csv"]);
    dedup(&w);
    let before: BTreeMap<i64, i64> = outcome(&w).into_iter().map(|(r, (c, _, _))| (r, c)).collect();
    import(&w, &["sakura_pos.csv", "sakura_cards.txt"]);
    dedup(&w);
    let after: BTreeMap<i64, i64> = outcome(&w).into_iter().map(|(r, (c, _, _))| (r, c)).collect();
    let old_ids: HashSet<i64> = before.values().copied().collect();
    for (r, c) in &before {
        let now = after[r];
        // Kept, or (when the new records showed two old customers to be
        // one) the smaller of two old ids; never a new id.
        assert!(now == *c || (old_ids.contains(&now) && now < *c), "record {r}: customer {c} became {now}");
    }
    let kept = before.iter().filter(|(r, c)| after[*r] == **c).count();
    assert!(kept * 10 >= before.len() * 9, "only {kept} of {} kept their id", before.len());
}

/// record id → customer id, for active records.
pub(crate) fn customer_map(w: &Workdir) -> BTreeMap<i64, i64> {
    w.strings("SELECT id || ':' || customer_id FROM records WHERE status = 'active'")
        .iter()
        .map(|s| {
            let (a, b) = s.split_once(':').unwrap();
            (a.parse().unwrap(), b.parse().unwrap())
        })
        .collect()
}

#[test]
fn unmerge_undoes_exactly_and_is_remembered() {
    let w = Workdir::new();
    import(&w, &ALL);
    let imported = customer_map(&w);
    dedup(&w);
    let merged = customer_map(&w);
    // The customer with the most merges.
    let cust: i64 = w.count(
        "SELECT customer_id FROM merges WHERE customer_id IN (SELECT id FROM customers WHERE merged_into IS NULL)
         GROUP BY customer_id ORDER BY count(*) DESC, customer_id LIMIT 1",
    );
    let members: Vec<i64> = merged.iter().filter(|(_, c)| **c == cust).map(|(r, _)| *r).collect();
    assert!(members.len() >= 3);
    // Where each record was before the merges into this customer.
    let mut expected: BTreeMap<i64, i64> = members.iter().map(|r| (*r, cust)).collect();
    for s in w.strings(&format!(
        "SELECT mm.record_id || ':' || mm.from_customer FROM merge_moves mm JOIN merges m ON m.id = mm.merge_id
         WHERE m.customer_id = {cust} AND m.kind = 'merge' ORDER BY m.id DESC"
    )) {
        let (r, c) = s.split_once(':').unwrap();
        expected.insert(r.parse().unwrap(), c.parse().unwrap());
    }
    w.run(["unmerge", "--db", w.db().to_str().unwrap(), &cust.to_string()]).ok().stdout_has("merge(s) of customer");
    let after = customer_map(&w);
    for r in &members {
        assert_eq!(after[r], expected[r], "record {r} is back with the customer it was in before the merge");
    }
    // Merges that did not nest put records back as imported.
    assert!(members.iter().filter(|r| after[r] == imported[r]).count() >= 2);
    for (r, c) in &after {
        if !members.contains(r) {
            assert_eq!(merged[r], *c, "other customers are untouched");
        }
    }
    assert_eq!(w.count("SELECT count(*) FROM golden WHERE customer_id IN (SELECT id FROM customers WHERE merged_into IS NOT NULL)"), 0);
    // A later run merges none of them again, not even through other records.
    dedup(&w);
    let again = customer_map(&w);
    let parts: HashSet<i64> = members.iter().map(|r| after[r]).collect();
    assert!(parts.len() >= 2);
    for x in &members {
        for y in &members {
            if after[x] != after[y] {
                assert_ne!(again[x], again[y], "records {x} and {y} were merged again after the unmerge");
            }
        }
    }

    // One record out of a merged customer.
    let (cust, rec): (i64, i64) = w
        .conn()
        .query_row(
            "SELECT customer_id, max(id) FROM records WHERE status = 'active' GROUP BY customer_id HAVING count(*) >= 3 ORDER BY customer_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    w.run(["unmerge", "--db", w.db().to_str().unwrap(), &cust.to_string(), "--record", &rec.to_string()]).ok().stdout_has("taken out");
    let out = customer_map(&w)[&rec];
    assert_ne!(out, cust);
    dedup(&w);
    assert_eq!(customer_map(&w)[&rec], out, "the record stays out");
    // Errors name what is wrong.
    w.run(["unmerge", "--db", w.db().to_str().unwrap(), "999999"]).fails().stderr_has("there is no customer 999999");
}

/// Rewrites a review report as a person would after choosing decisions:
/// `decide(n)` gives the decision for pair n (1-based). Returns the pairs.
pub(crate) fn decide(report: &Path, out: &Path, decide: impl Fn(usize) -> Option<&'static str>) -> usize {
    rewrite(report, out, false, decide)
}

/// Copies a report's sheet (data rows reversed, as a sort in Excel could
/// leave them, when `reverse`), writing `decide(n)` on pair n's A row.
fn rewrite(report: &Path, out: &Path, reverse: bool, decide: impl Fn(usize) -> Option<&'static str>) -> usize {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut wb = open_workbook_auto(report).unwrap();
    let range = wb.worksheet_range("レビュー").unwrap();
    let mut rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    let header = rows.remove(0);
    if reverse {
        rows.reverse();
    }
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("レビュー").unwrap();
    let mut pairs = 0;
    for (i, row) in std::iter::once(&header).chain(rows.iter()).enumerate() {
        for (j, cell) in row.iter().enumerate() {
            match cell {
                Data::String(s) => {
                    ws.write_string(i as u32, j as u16, s).unwrap();
                }
                Data::Float(f) => {
                    ws.write_number(i as u32, j as u16, *f).unwrap();
                }
                _ => {}
            }
        }
        if i > 0 && matches!(row.get(4), Some(Data::String(s)) if s == "A") {
            pairs += 1;
            if let Some(d) = decide(pairs) {
                ws.write_string(i as u32, 1, d).unwrap();
            }
        }
    }
    book.save(out).unwrap();
    pairs
}

#[test]
fn review_round_trip_applies_all_or_nothing_and_remembers_separate() {
    let w = Workdir::new();
    import(&w, &ALL);
    dedup(&w);
    let report = w.path("review.xlsx");
    assert!(report.exists());
    let items = w.count("SELECT count(*) FROM review_items WHERE status = 'open'");
    assert!(items >= 3, "the samples leave pairs for review");
    // The report: a drop-down, the evidence row, the origin of each record.
    let bytes = std::fs::read(&report).unwrap();
    assert!(bytes.len() > 1000);
    let first: (i64, i64) = w
        .conn()
        .query_row("SELECT record_a, record_b FROM review_items WHERE status = 'open' ORDER BY id LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let second: (i64, i64) = w
        .conn()
        .query_row("SELECT record_a, record_b FROM review_items WHERE status = 'open' ORDER BY id LIMIT 1 OFFSET 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();

    // An unknown decision: reported with its row, and nothing applied.
    let bad = w.path("bad.xlsx");
    decide(&report, &bad, |n| match n {
        1 => Some("統合"),
        2 => Some("たぶん"),
        _ => None,
    });
    let before = customer_map(&w);
    w.run(["review", "apply", "--db", w.db().to_str().unwrap(), bad.to_str().unwrap()])
        .fails()
        .stderr_has("row 5 column B (判定): unknown decision 'たぶん'")
        .stderr_has("nothing was applied");
    assert_eq!(customer_map(&w), before);
    assert_eq!(w.count("SELECT count(*) FROM pair_decisions"), 0);

    // The corrected report.
    let good = w.path("good.xlsx");
    let n = decide(&report, &good, |n| match n {
        1 => Some("統合"),
        2 => Some("別人"),
        _ => Some("保留"),
    });
    assert_eq!(n as i64, items);
    w.run(["review", "apply", "--db", w.db().to_str().unwrap(), good.to_str().unwrap()])
        .ok()
        .stdout_has("merged 1")
        .stdout_has("separated 1");
    let now = customer_map(&w);
    assert_eq!(now[&first.0], now[&first.1], "統合 merged the pair");
    assert_ne!(now[&second.0], now[&second.1]);
    assert_eq!(w.count("SELECT count(*) FROM merges WHERE decided_by = 'review' AND undone_at IS NULL"), 1);
    // Applying the same file again changes nothing.
    w.run(["review", "apply", "--db", w.db().to_str().unwrap(), good.to_str().unwrap()]).ok().stdout_has("already applied 2");

    // A later run never proposes the separated pair, and keeps the merge.
    let old_report = w.path("old-review.xlsx");
    std::fs::copy(&report, &old_report).unwrap();
    dedup(&w);
    let (a, b) = (second.0.min(second.1), second.0.max(second.1));
    assert_eq!(w.count(&format!("SELECT count(*) FROM review_items WHERE status = 'open' AND record_a = {a} AND record_b = {b}")), 0);
    let later = customer_map(&w);
    assert_ne!(later[&second.0], later[&second.1], "別人 holds");
    assert_eq!(later[&first.0], later[&first.1]);
    // The old report's undecided rows are from an older run now.
    assert!(w.count("SELECT count(*) FROM review_items WHERE status = 'superseded'") > 0);
    // A decision in it on a pair the new run still asks about is taken
    // for the new item (the person decided about those two records).
    let third: (i64, i64) = w
        .conn()
        .query_row("SELECT record_a, record_b FROM review_items WHERE run_id = (SELECT min(run_id) FROM review_items) ORDER BY id LIMIT 1 OFFSET 2", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let still_open =
        w.count(&format!("SELECT count(*) FROM review_items WHERE status = 'open' AND record_a = {} AND record_b = {}", third.0, third.1));
    assert_eq!(still_open, 1, "the third pair is asked about again");
    let stale = w.path("stale.xlsx");
    decide(&old_report, &stale, |n| (n == 3).then_some("統合"));
    w.run(["review", "apply", "--db", w.db().to_str().unwrap(), stale.to_str().unwrap()]).ok().stdout_has("merged 1");
    let merged = customer_map(&w);
    assert_eq!(merged[&third.0], merged[&third.1]);
    w.run(["review", "forget", "--db", w.db().to_str().unwrap(), &third.0.to_string(), &third.1.to_string()]).ok().stdout_has("is undone");
    assert_eq!(customer_map(&w), later, "forgetting the 統合 undoes exactly that merge");
    // A sorted report (Excel's filter) reads the same: decisions are
    // matched by key on the A rows, whatever the order.
    let sorted = w.path("sorted.xlsx");
    rewrite(&w.path("review.xlsx"), &sorted, true, |_| Some("保留"));
    let open = w.count("SELECT count(*) FROM review_items WHERE status = 'open'");
    w.run(["review", "apply", "--db", w.db().to_str().unwrap(), sorted.to_str().unwrap()]).ok().stdout_has(&format!("undecided {open},"));
    // Unmerging a reviewed merge works the same way.
    let cust = later[&first.0];
    w.run(["unmerge", "--db", w.db().to_str().unwrap(), &cust.to_string()]).ok();
}

/// Reads a report's sheet, lets `edit` change its cells (row 0 is the
/// header), and writes the result as a new report.
fn edit_report(report: &Path, out: &Path, edit: impl FnOnce(&mut Vec<Vec<String>>)) {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut wb = open_workbook_auto(report).unwrap();
    let range = wb.worksheet_range("レビュー").unwrap();
    let mut rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    edit(&mut rows);
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("レビュー").unwrap();
    for (i, row) in rows.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                ws.write_string(i as u32, j as u16, cell).unwrap();
            }
        }
    }
    book.save(out).unwrap();
}

/// The column of a report's header cell.
fn col(rows: &[Vec<String>], name: &str) -> usize {
    rows.iter().find_map(|r| r.iter().position(|c| c == name)).unwrap()
}

/// The samples imported and deduplicated: the review report, the database
/// path, and the first pair the report asks about (record ids).
fn sample_review(w: &Workdir) -> (PathBuf, String, (i64, i64)) {
    import(w, &ALL);
    dedup(w);
    let first: (i64, i64) = w
        .conn()
        .query_row("SELECT record_a, record_b FROM review_items WHERE status = 'open' ORDER BY id LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    (w.path("review.xlsx"), w.db().to_str().unwrap().to_string(), first)
}

#[test]
fn a_filled_in_report_is_never_written_over() {
    let w = Workdir::new();
    let (report, db, _) = sample_review(&w);
    decide(&report, &report, |n| (n == 1).then_some("別人"));
    let filled = std::fs::read(&report).unwrap();
    // dedup stops before deciding anything.
    let runs = w.count("SELECT count(*) FROM runs WHERE command = 'dedup'");
    w.run(["dedup", "--db", &db, "--review-out", report.to_str().unwrap()])
        .fails()
        .stderr_has("holds 1 decision(s) not applied yet")
        .stderr_has("karte review apply");
    assert_eq!(std::fs::read(&report).unwrap(), filled, "the person's report is untouched");
    assert_eq!(w.count("SELECT count(*) FROM runs WHERE command = 'dedup' AND status = 'done'"), runs);
    // A file that is not a report is not written over either.
    let other = w.path("notes.xlsx");
    std::fs::copy(crate::util::reader("title-rows.xlsx"), &other).unwrap();
    w.run(["dedup", "--db", &db, "--review-out", other.to_str().unwrap()]).fails().stderr_has("cannot be read as a review report");
    // Applied, the report may be written again.
    w.run(["review", "apply", "--db", &db, report.to_str().unwrap()]).ok().stdout_has("separated 1");
    w.run(["dedup", "--db", &db, "--review-out", report.to_str().unwrap()]).ok();
}

#[test]
fn decisions_on_any_row_of_a_pair_count_and_a_sort_that_left_the_key_behind_is_caught() {
    let w = Workdir::new();
    let (report, db, first) = sample_review(&w);
    // The visible columns sorted in reverse, the hidden key left in place:
    // the decision typed on what now looks like pair 1 would decide
    // another pair. Refused, with the row, and nothing applied.
    let sorted = w.path("sorted.xlsx");
    edit_report(&report, &sorted, |rows| {
        let key = col(rows, "照合キー");
        let keys: Vec<String> = rows.iter().map(|r| r[key].clone()).collect();
        rows[1..].reverse();
        for (r, k) in rows.iter_mut().zip(keys) {
            r[key] = k;
        }
        let (num, label, dec) = (col(rows, "番号"), col(rows, "行"), col(rows, "判定"));
        let at = rows.iter().position(|r| r[num] == "1" && r[label] == "A").unwrap();
        rows[at][dec] = "統合".into();
    });
    let before = customer_map(&w);
    w.run(["review", "apply", "--db", &db, sorted.to_str().unwrap()])
        .fails()
        .stderr_has("sorted without the hidden column")
        .stderr_has("nothing was applied");
    assert_eq!(customer_map(&w), before);
    // A note typed above the header, and the decision typed on the pair's
    // B row (or filled down over all three rows) in full-width letters.
    let noted = w.path("noted.xlsx");
    edit_report(&report, &noted, |rows| {
        let (num, label, dec) = (col(rows, "番号"), col(rows, "行"), col(rows, "判定"));
        for r in rows.iter_mut().filter(|r| r[num] == "1") {
            if r[label] != "A" {
                r[dec] = "ＭＥＲＧＥ".into();
            }
        }
        let width = rows[0].len();
        let mut note = vec![String::new(); width];
        note[0] = "店長確認済み 11/24".into();
        rows.insert(0, note);
    });
    w.run(["review", "apply", "--db", &db, noted.to_str().unwrap()]).ok().stdout_has("merged 1");
    let after = customer_map(&w);
    assert_eq!(after[&first.0], after[&first.1]);
    // Two different decisions on one pair's rows are a problem.
    let torn = w.path("torn.xlsx");
    edit_report(&report, &torn, |rows| {
        let (num, label, dec) = (col(rows, "番号"), col(rows, "行"), col(rows, "判定"));
        for r in rows.iter_mut().filter(|r| r[num] == "2") {
            r[dec] = if r[label] == "A" { "統合".into() } else { "別人".into() };
        }
    });
    w.run(["review", "apply", "--db", &db, torn.to_str().unwrap()])
        .fails()
        .stderr_has("two different decisions for one pair (統合 and 別人)");
}

#[test]
fn a_decision_can_be_taken_back_and_one_merge_undone_alone() {
    let w = Workdir::new();
    let (report, db, first) = sample_review(&w);
    let (a, b) = (first.0.to_string(), first.1.to_string());
    let before = customer_map(&w);
    // 別人 by mistake: the same report with 統合 is refused and says how to
    // take the decision back.
    let sep = w.path("sep.xlsx");
    decide(&report, &sep, |n| (n == 1).then_some("別人"));
    w.run(["review", "apply", "--db", &db, sep.to_str().unwrap()]).ok().stdout_has("separated 1");
    let merge = w.path("merge.xlsx");
    decide(&report, &merge, |n| (n == 1).then_some("統合"));
    w.run(["review", "apply", "--db", &db, merge.to_str().unwrap()]).fails().stderr_has("karte review forget");
    w.run(["review", "forget", "--db", &db, &a, &b]).ok().stdout_has("is forgotten");
    assert_eq!(w.count("SELECT count(*) FROM pair_decisions"), 0);
    // The report that carried the 別人 is out of date now: applying it
    // again makes no decision. The next dedup asks about the pair again,
    // and the 統合 typed for it applies to that newer item.
    w.run(["review", "apply", "--db", &db, sep.to_str().unwrap()]).fails().stderr_has("no longer asks for a decision");
    assert_eq!(w.count("SELECT count(*) FROM pair_decisions"), 0);
    dedup(&w);
    w.run(["review", "apply", "--db", &db, merge.to_str().unwrap()]).ok().stdout_has("merged 1");
    let merged = customer_map(&w);
    let cust = merged[&first.0];
    assert_eq!(cust, merged[&first.1]);
    // Undo that one merge by its id: both customers come back whole, each
    // with the records its own automatic merges gave it; nothing else moves.
    let m: i64 = w.conn().query_row("SELECT id FROM merges WHERE decided_by = 'review' AND undone_at IS NULL", [], |r| r.get(0)).unwrap();
    w.run(["unmerge", "--db", &db, &cust.to_string(), "--merge", &m.to_string()]).ok().stdout_has(&format!("merge {m} of customer"));
    assert_eq!(customer_map(&w), before, "exactly the state before the 統合");
    // Remembered as separate: a later dedup does not join them again, and
    // forgetting that lets the pair be asked about again.
    dedup(&w);
    let later = customer_map(&w);
    assert_ne!(later[&first.0], later[&first.1]);
    w.run(["review", "forget", "--db", &db, &a, &b]).ok();
    w.run(["review", "forget", "--db", &db, &a, &b]).fails().stderr_has("no decision about records");
    // A merge id that is not the customer's is refused, changing nothing.
    w.run(["unmerge", "--db", &db, &cust.to_string(), "--merge", "999999"]).fails().stderr_has("there is no merge 999999");
}

#[test]
fn review_apply_refuses_a_file_that_is_not_a_report() {
    let w = Workdir::new();
    import(&w, &ALL);
    dedup(&w);
    let other = crate::util::reader("title-rows.xlsx");
    w.run(["review", "apply", "--db", w.db().to_str().unwrap(), other.to_str().unwrap()]).fails().stderr_has("has no sheet 'レビュー'");
}

#[test]
fn explain_says_why_and_why_not() {
    let w = Workdir::new();
    import(&w, &ALL);
    dedup(&w);
    // A merged pair.
    let (a, b): (i64, i64) = w
        .conn()
        .query_row("SELECT record_a, record_b FROM merges WHERE decided_by = 'auto' ORDER BY score DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let r = w.run(["explain", "--db", w.db().to_str().unwrap(), &a.to_string(), &b.to_string()]);
    r.ok()
        .stdout_has("column")
        .stdout_has("weight")
        .stdout_has("related")
        .stdout_has("namesake")
        .stdout_has("prior")
        .stdout_has("match probability")
        .stdout_has("outcome: both are customer")
        .stdout_has("merge ");
    // Two members of one household: not merged, and the rule says why.
    let o = outcome(&w);
    let mut by_household: HashMap<&str, Vec<(i64, &str)>> = HashMap::new();
    for (id, (_, p, h)) in &o {
        if let Some(h) = h {
            by_household.entry(h.as_str()).or_default().push((*id, p.as_str()));
        }
    }
    let (x, y) = by_household
        .values()
        .find_map(|m| {
            let (x, px) = m[0];
            m.iter().find(|(_, p)| *p != px).map(|(y, _)| (x, *y))
        })
        .expect("a household with two people");
    let r = w.run(["explain", "--db", w.db().to_str().unwrap(), &x.to_string(), &y.to_string()]);
    r.ok().stdout_has("outcome: different customers");
    // By customer: the merge log with evidence.
    let cust = o[&a].0;
    w.run(["explain", "--db", w.db().to_str().unwrap(), "--customer", &cust.to_string()])
        .ok()
        .stdout_has("merge log:")
        .stdout_has("evidence: family_name");
    // The whole model: every level's probabilities and weights; the rules.
    w.run(["explain", "--db", w.db().to_str().unwrap(), "--model"])
        .ok()
        .stdout_has("match model:")
        .stdout_has("given_name")
        .stdout_has("other kanji, same reading");
    w.run(["explain", "--rules"]).ok().stdout_has("separate-decision").stdout_has("conflicting-records");
    w.run(["explain", "--db", w.db().to_str().unwrap(), "1", "999999"]).fails().stderr_has("there is no record 999999");
    // A pair waiting for a person: the run's reason is printed with it
    // (which may be the cluster guard's, not the pair's own rule).
    let (item, x, y, reason): (i64, i64, i64, String) = w
        .conn()
        .query_row("SELECT id, record_a, record_b, reason FROM review_items WHERE status = 'open' ORDER BY id LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    w.run(["explain", "--db", w.db().to_str().unwrap(), &x.to_string(), &y.to_string()])
        .ok()
        .stdout_has(&format!("the pair waits in the review report (item {item}): {reason}"));
}

#[test]
fn dedup_settings_are_checked() {
    let w = Workdir::new();
    import(&w, &["sakura_web.csv"]);
    let cfg = w.path("dedup.toml");
    std::fs::write(&cfg, "blocking = [\"mobile\", \"phone\"]\n").unwrap();
    w.run(["dedup", "--db", w.db().to_str().unwrap(), "--config", cfg.to_str().unwrap()])
        .fails()
        .stderr_has("unknown blocking key 'phone'");
    let r = w.run(["dedup", "--print-config"]);
    r.ok().stdout_has("auto_merge = 0.99").stdout_has("[m]");
    std::fs::write(&cfg, &r.stdout).unwrap();
    w.run(["dedup", "--db", w.db().to_str().unwrap(), "--config", cfg.to_str().unwrap(), "--dry-run"]).ok().stdout_has("dry run");
    assert_eq!(w.count("SELECT count(*) FROM merges"), 0, "a dry run writes nothing");
    w.run(["dedup", "--db", w.path("missing.db").to_str().unwrap()]).fails().stderr_has("there is no karte database");
}

#[test]
fn review_apply_never_joins_two_records_decided_separate_before() {
    // Three bookings of one name on three mobiles, no birth date: each two
    // may be one person (three review items between three customers).
    // Decide one pair 別人; the next report still asks about each of them
    // with the third: 統合 on both would join the two through it.
    let w = Workdir::new();
    dedup_extra(
        &w,
        &[
            ",須藤 結菜,スドウ ユイナ,,090-1111-0001,中野店",
            ",須藤 結菜,スドウ ユイナ,,090-1111-0002,中野店",
            ",須藤 結菜,スドウ ユイナ,,090-1111-0003,中野店",
        ],
    );
    let base = w.path("base.db");
    std::fs::copy(w.db(), &base).unwrap();
    let first = w.path("first.xlsx");
    std::fs::copy(w.path("review.xlsx"), &first).unwrap();
    let items: Vec<(i64, i64)> = w
        .strings("SELECT record_a || ':' || record_b FROM review_items WHERE status = 'open' ORDER BY id")
        .iter()
        .map(|s| {
            let (a, b) = s.split_once(':').unwrap();
            (a.parse().unwrap(), b.parse().unwrap())
        })
        .collect();
    // Mark one pair 別人, run dedup again, and look in the new report for
    // two 統合 that would join the pair through a third customer.
    for (k, &(a, b)) in items.iter().enumerate() {
        std::fs::copy(&base, w.db()).unwrap();
        let d1 = w.path("d1.xlsx");
        decide(&first, &d1, |n| (n == k + 1).then_some("別人"));
        w.run(["review", "apply", "--db", w.db().to_str().unwrap(), d1.to_str().unwrap()]).ok();
        dedup(&w);
        let cust = |r: i64| w.count(&format!("SELECT customer_id FROM records WHERE id = {r}"));
        let (ca, cb) = (cust(a), cust(b));
        let open: Vec<(i64, i64)> = w
            .strings("SELECT customer_a || ':' || customer_b FROM review_items WHERE status = 'open' ORDER BY id")
            .iter()
            .map(|s| {
                let (x, y) = s.split_once(':').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        for (i, x) in open.iter().enumerate() {
            for (j, y) in open.iter().enumerate() {
                let shared = [x.0, x.1].iter().any(|c| *c == y.0 || *c == y.1);
                if i != j && (x.0 == ca || x.1 == ca) && (y.0 == cb || y.1 == cb) && shared {
                    let d2 = w.path("d2.xlsx");
                    decide(&w.path("review.xlsx"), &d2, |n| (n == i + 1 || n == j + 1).then_some("統合"));
                    w.run(["review", "apply", "--db", w.db().to_str().unwrap(), d2.to_str().unwrap()])
                        .fails()
                        .stderr_has("decided 別人 before")
                        .stderr_has("nothing was applied");
                    assert_ne!(cust(a), cust(b));
                    return;
                }
            }
        }
    }
    panic!("no pair that two 統合 could join through a third customer: the three bookings no longer wait for a person");
}

#[test]
fn names_with_undecodable_bytes_are_not_evidence() {
    // Two people whose surnames did not decode (CP932 bytes 85 40 are
    // unassigned): 山?太郎 and 山?太郎 may be 山田 and 山本. Same birth date,
    // different mobiles: nothing but the damaged name says they are one.
    let w = Workdir::new();
    import(&w, &ALL);
    let enc = |s: &str| encoding_rs::SHIFT_JIS.encode(s).0.into_owned();
    let mut bytes = enc("氏名,携帯,生年月日\r\n山");
    bytes.extend([0x85, 0x40]);
    bytes.extend(enc("太郎,090-1111-2222,1980-01-01\r\n山"));
    bytes.extend([0x85, 0x40]);
    bytes.extend(enc("太郎,080-3333-4444,1980-01-01\r\n"));
    let csv = w.path("damaged.csv");
    std::fs::write(&csv, bytes).unwrap();
    let mapping = w.path("damaged.toml");
    std::fs::write(&mapping, "[source]\nname = \"d\"\nfiles = [\"damaged.csv\"]\nencoding = \"cp932\"\n\n[fields]\nname = \"氏名\"\nmobile = \"携帯\"\nbirth_date = \"生年月日\"\n").unwrap();
    w.import_with(&mapping, &csv, &[]).ok();
    assert_eq!(w.count("SELECT count(*) FROM records WHERE name LIKE '%' || char(65533) || '%'"), 2, "the damage is kept, not hidden");
    dedup(&w);
    assert_eq!(w.count("SELECT count(DISTINCT r.customer_id) FROM records r JOIN imports i ON i.id = r.import_id WHERE i.source = 'd'"), 2);
}

/// Imports `rows` (UTF-8 CSV under a fixed header) as source "x" beside the
/// samples (so the weights are estimated on a real store), dedups, and
/// returns the customer of each row (row 2 is the first data row).
fn dedup_extra(w: &Workdir, rows: &[&str]) -> BTreeMap<i64, i64> {
    dedup_extra_with(w, "", rows)
}

/// As [`dedup_extra`], with an extra last column: 電話 (a landline),
/// メール (an e-mail) or 住所 (an address).
/// Whether a review item waits between the customers of two records of the
/// extra source `x` (by row).
fn waits(w: &Workdir, source: &str, row_a: i64, row_b: i64) -> bool {
    w.count(&format!(
        "SELECT count(*) FROM review_items i JOIN lineage a ON a.record_id IN (i.record_a, i.record_b) JOIN lineage b ON b.record_id IN (i.record_a, i.record_b)
         WHERE i.status = 'open' AND a.source = '{source}' AND b.source = '{source}' AND a.row = {row_a} AND b.row = {row_b}"
    )) > 0
}

fn dedup_extra_with<S: AsRef<str>>(w: &Workdir, extra: &str, rows: &[S]) -> BTreeMap<i64, i64> {
    let field = match extra {
        "" => "",
        "電話" => "phone = \"電話\"\n",
        "メール" => "email = \"メール\"\n",
        "住所" => "address = \"住所\"\n",
        _ => panic!("no field for the column {extra}"),
    };
    import(w, &ALL);
    let csv = w.path("extra.csv");
    let mut text = String::from("番号,氏名,フリガナ,生年月日,携帯,店舗");
    if !extra.is_empty() {
        text.push(',');
        text.push_str(extra);
    }
    text.push('\n');
    for r in rows {
        text.push_str(r.as_ref());
        text.push('\n');
    }
    std::fs::write(&csv, text).unwrap();
    let mapping = w.path("extra.toml");
    std::fs::write(
        &mapping,
        format!(
            "[source]\nname = \"x\"\nfiles = [\"extra.csv\"]\nencoding = \"utf-8\"\n\n[fields]\ncustomer_no = \"番号\"\nname = \"氏名\"\nkana = \"フリガナ\"\nbirth_date = \"生年月日\"\nmobile = \"携帯\"\nstore = \"店舗\"\n{}",
            field
        ),
    )
    .unwrap();
    w.import_with(&mapping, &csv, &[]).ok();
    dedup(w);
    let c = w.conn();
    let mut st = c.prepare("SELECT row, customer_id FROM lineage WHERE source = 'x' AND status = 'active'").unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

#[test]
fn a_purchase_log_of_member_codes_only_is_its_members() {
    // A purchase log that carries a member code and nothing else a person
    // is known by (the CDNOW sample: purchases by member id, a date, an
    // amount): a code is the source's identity of a customer. Twelve
    // receipts of three members are three customers, whatever the rest of
    // the store looks like.
    let w = Workdir::new();
    import(&w, &ALL);
    let csv = w.path("cdnow.csv");
    let mut text = String::from("member,date,amount\n");
    for i in 0..12 {
        text.push_str(&format!("{:05},1997-0{}-1{},{}.50\n", i % 3 + 1, i % 9 + 1, i % 10, 10 + i));
    }
    std::fs::write(&csv, text).unwrap();
    let mapping = w.path("cdnow.toml");
    std::fs::write(
        &mapping,
        "[source]\nname = \"cdnow\"\nfiles = [\"cdnow.csv\"]\nencoding = \"utf-8\"\nrows = \"event\"\n\n[fields]\ncustomer_no = \"member\"\n\n[event]\nkind = \"purchase\"\ndate = \"date\"\namount = \"amount\"\n",
    )
    .unwrap();
    w.import_with(&mapping, &csv, &[]).ok();
    dedup(&w);
    let c = w.strings("SELECT r.customer_no || ':' || r.customer_id FROM records r JOIN lineage l ON l.record_id = r.id WHERE l.source = 'cdnow' AND l.status = 'active'");
    assert_eq!(c.len(), 12, "{c:?}");
    let customers: std::collections::BTreeSet<&str> = c.iter().map(|s| s.split_once(':').unwrap().1).collect();
    assert_eq!(customers.len(), 3, "{c:?}");
    let members: std::collections::BTreeSet<&str> = c.iter().map(|s| s.as_str()).collect();
    assert_eq!(members.len(), 3, "each member's receipts are one customer: {c:?}");
}

#[test]
fn one_misspelt_receipt_does_not_cut_a_customer_number_in_two() {
    // Five receipts of one POS number; the third carries another given
    // name (kept apart), the others still make one customer.
    let w = Workdir::new();
    let c = dedup_extra(
        &w,
        &[
            "M7000001,柴崎 美佳,,,090-7352-7895,三軒茶屋店",
            "M7000001,柴崎 美佳,,,090-7352-7895,三軒茶屋店",
            "M7000001,柴崎 花子,,,090-7352-7895,三軒茶屋店",
            "M7000001,柴崎 美佳,,,090-7352-7895,三軒茶屋店",
            "M7000001,柴崎 美佳,,,090-7352-7895,三軒茶屋店",
        ],
    );
    assert!(c[&2] == c[&3] && c[&3] == c[&5] && c[&5] == c[&6], "{c:?}");
    assert_ne!(c[&4], c[&2], "the other given name stays apart");
}

#[test]
fn other_kanji_for_one_reading_with_personal_facts_are_one_name() {
    // 美穂 and 実穂 are both ミホ: the same reading, mobile and birth date
    // make one person (with the reading alone they would not: 法子 and 典子
    // are two ノリコ); 由紀 and 由記 (ユキ) with one birth date and e-mail-less
    // mobile too.
    let w = Workdir::new();
    let c = dedup_extra(
        &w,
        &[
            ",広山 美穂,ヒロヤマ ミホ,1962-11-15,070-9611-6563,",
            ",広山 実穂,ヒロヤマ ミホ,1962-11-15,070-9611-6563,",
            ",清水 由紀,シミズ ユキ,1984-03-02,080-7395-8336,",
            ",清水 由記,シミズ ユキ,1984-03-02,080-7395-8336,",
        ],
    );
    // Twins can be named alike and share a mother's mobile: merged only
    // where the data makes such slips common, else a person decides.
    assert!(c[&2] == c[&3] || waits(&w, "x", 2, 3), "{c:?}");
    assert!(c[&4] == c[&5] || waits(&w, "x", 4, 5), "{c:?}");
}

#[test]
fn a_homophone_slip_in_a_two_character_given_name_is_one_name_but_one_kanji_names_are_siblings() {
    // 友紀 and 友記 (both ユキ) under one POS number and mobile: the clerk
    // picked the wrong kanji the IME offered. 恵 and 慧 on their mother's
    // mobile are a sister and a brother (メグミ, サトシ), and 智美 (トモミ)
    // and 知美 (チミ) are two names by their readings.
    let w = Workdir::new();
    let c = dedup_extra(
        &w,
        &[
            "M0200001,佐々木 友紀,,,080-3757-3887,浦和店",
            "M0200001,佐々木 友記,,,080-3757-3887,浦和店",
            ",森岡 恵,,,090-5555-0101,中野店",
            ",森岡 慧,,,090-5555-0101,中野店",
            ",野口 智美,ノグチ トモミ,,070-1234-0001,",
            ",野口 知美,ノグチ チミ,,070-1234-0001,",
        ],
    );
    assert!(c[&2] == c[&3] || waits(&w, "x", 2, 3), "{c:?}");
    assert_ne!(c[&4], c[&5], "{c:?}");
    assert_ne!(c[&6], c[&7], "{c:?}");
}

#[test]
fn brothers_on_their_mothers_mobile_are_two_even_when_one_given_name_has_no_known_reading() {
    // 黒塚 悠斗's web booking gives the whole reading unspaced; 悠斗 is
    // ユウト to some and ハルト to others, so no given-name reading is lent,
    // but the surname's is (黒塚 クロヅカ). His brother's receipt is in kana.
    // The whole readings are alike (クロヅカリュウジ / クロヅカユウト), the
    // given names are not: two people, whatever the shared mobile says.
    let w = Workdir::new();
    let c = dedup_extra(
        &w,
        &[
            ",田中 悠斗,タナカ ハルト,1990-01-01,090-0000-1111,",
            ",木村 悠斗,キムラ ユウト,1991-02-02,090-0000-2222,",
            ",黒塚 葵,クロヅカ アオイ,1966-05-05,080-2881-3392,三軒茶屋店",
            ",クロヅカ リュウジ,,,080-2881-3392,三軒茶屋店",
            ",黒塚 悠斗,クロヅカユウト,,080-2881-3392,三軒茶屋店",
        ],
    );
    assert_ne!(c[&5], c[&6], "{c:?}");
    assert_ne!(c[&4], c[&5], "{c:?}");
    assert_ne!(c[&4], c[&6], "{c:?}");
}

#[test]
fn unspaced_kana_names_alike_only_by_a_shared_surname_are_not_one_name() {
    // Two receipts typed in kana without a space, on the mother's mobile:
    // サトウユウキ and サトウユウト are alike as whole strings (a shared
    // surname makes any two given names so), but nothing says where the
    // surname ends, so nothing says the given names agree: brothers.
    let w = Workdir::new();
    let c = dedup_extra(&w, &[",ハスモリユウキ,,,080-1111-2299,中野店", ",ハスモリユウト,,,080-1111-2299,中野店"]);
    assert_ne!(c[&2], c[&3], "{c:?}");
}

#[test]
fn a_guessed_reading_on_a_family_mobile_goes_to_review() {
    // A family's receipts all give the mother's mobile. 須畑 悠斗 (kanji
    // only) reads ユウト to most (taught by 田中 悠斗 and 木村 悠斗), but the
    // kana-only receipt スバタ ユウト may be his brother: two given names
    // already use this mobile, and the reading is a guess. Not merged:
    // reviewed.
    let w = Workdir::new();
    let c = dedup_extra(
        &w,
        &[
            ",田中 悠斗,タナカ ユウト,1990-01-01,090-0000-1111,",
            ",木村 悠斗,キムラ ユウト,1991-02-02,090-0000-2222,",
            ",須畑 葵,スバタ アオイ,,080-8280-0414,中野店",
            ",スバタ ナナミ,,,080-8280-0414,中野店",
            "M0183945,須畑 悠斗,,,080-8280-0414,中野店",
            ",スバタ ユウト,,,080-8280-0414,中野店",
        ],
    );
    assert_ne!(c[&6], c[&7], "{c:?}");
    assert_eq!(
        w.count(
            "SELECT count(*) FROM review_items i JOIN lineage a ON a.record_id = i.record_a JOIN lineage b ON b.record_id = i.record_b
             WHERE a.source = 'x' AND b.source = 'x' AND a.row + b.row = 13"
        ),
        1,
        "the pair waits for a person"
    );
}

#[test]
fn a_reading_the_data_settles_on_a_family_mobile_is_one_name_and_one_it_does_not_goes_to_review() {
    // Twenty-one customers write 理恵 with its reading, all リエ; 悠斗 is
    // written ユウト by eighteen and ハルト by three. On a family's mobile (two given
    // names already use it), 須畑 理恵 in kanji only and the kana receipt
    // スバタ リエ are one person: the data reads 理恵 one way. 須畑 悠斗 and
    // スバタ ユウト wait for a person: 悠斗 may be ハルト, and the kana
    // receipt his brother.
    const SURNAMES: [(&str, &str); 21] = [
        ("青木", "アオキ"),
        ("石川", "イシカワ"),
        ("上田", "ウエダ"),
        ("遠藤", "エンドウ"),
        ("大野", "オオノ"),
        ("加藤", "カトウ"),
        ("菊地", "キクチ"),
        ("工藤", "クドウ"),
        ("小松", "コマツ"),
        ("坂本", "サカモト"),
        ("島田", "シマダ"),
        ("須藤", "スドウ"),
        ("関口", "セキグチ"),
        ("高野", "タカノ"),
        ("千葉", "チバ"),
        ("筒井", "ツツイ"),
        ("寺田", "テラダ"),
        ("富田", "トミタ"),
        ("中島", "ナカジマ"),
        ("西村", "ニシムラ"),
        ("野村", "ノムラ"),
    ];
    let mut rows: Vec<String> = Vec::new();
    for (i, (kanji, kana)) in SURNAMES.iter().enumerate() {
        rows.push(format!(",{kanji} 理恵,{kana} リエ,1970-01-{:02},090-3100-{:04},", i + 1, i));
        let reading = if i % 7 == 3 { "ハルト" } else { "ユウト" };
        rows.push(format!(",{kanji} 悠斗,{kana} {reading},2001-02-{:02},090-3200-{:04},", i + 1, i));
    }
    let first = rows.len() as i64 + 2;
    for r in [
        ",須畑 葵,スバタ アオイ,,080-8280-0414,中野店",
        ",スバタ ナナミ,,,080-8280-0414,中野店",
        "M0183901,須畑 理恵,,,080-8280-0414,中野店",
        ",スバタ リエ,,,080-8280-0414,中野店",
        "M0183945,須畑 悠斗,,,080-8280-0414,中野店",
        ",スバタ ユウト,,,080-8280-0414,中野店",
    ] {
        rows.push(r.to_string());
    }
    let w = Workdir::new();
    let c = dedup_extra_with(&w, "", &rows);
    let (rie, rie_kana, yuto, yuto_kana) = (first + 2, first + 3, first + 4, first + 5);
    assert!(c[&rie] == c[&rie_kana] || waits(&w, "x", rie, rie_kana), "理恵 is リエ in every record that writes it: {c:?}");
    assert_ne!(c[&yuto], c[&yuto_kana], "悠斗 is read two ways: {c:?}");
    assert_eq!(
        w.count(&format!(
            "SELECT count(*) FROM review_items i JOIN lineage a ON a.record_id = i.record_a JOIN lineage b ON b.record_id = i.record_b
             WHERE a.source = 'x' AND b.source = 'x' AND a.row + b.row = {}",
            yuto + yuto_kana
        )),
        1,
        "the 悠斗 pair waits for a person"
    );
    // The teaching records stay apart from each other and from the family.
    assert_ne!(c[&2], c[&4], "{c:?}");
    assert_ne!(c[&2], c[&rie], "{c:?}");
}

#[test]
fn swapped_name_parts_are_one_name_and_twins_on_one_number_are_not() {
    // Surname and given name entered the other way round (a web form's two
    // boxes filled in western order) are one name. Two given names under one
    // customer number and one birth date may be twins on a family card: not
    // merged without a person.
    let w = Workdir::new();
    let c = dedup_extra(
        &w,
        &[
            ",山根 花子,ヤマネ ハナコ,1935-10-22,090-4444-5555,",
            ",花子 山根,ハナコ ヤマネ,1935-10-22,090-4444-5555,",
            "K0000042,nguyen seamus,,1996-08-16,,",
            "K0000042,nguyen brooke,,1996-08-16,,",
            "K0000043,nguyen tess,,1996-08-17,,",
        ],
    );
    assert_eq!(c[&2], c[&3], "{c:?}");
    assert_ne!(c[&4], c[&5], "{c:?}");
    assert_ne!(c[&5], c[&6], "{c:?}");
}

/// Ten other 佐藤 and ten other 智美 elsewhere: 佐藤 智美 is a common name.
const COMMON_SATO_TOMOMI: &[&str] = &[
    ",佐藤 花子,,,090-6000-1000,池袋店",
    ",佐藤 陽子,,,090-6001-1001,池袋店",
    ",佐藤 真由美,,,090-6002-1002,池袋店",
    ",佐藤 由美,,,090-6003-1003,池袋店",
    ",佐藤 恵子,,,090-6004-1004,池袋店",
    ",佐藤 裕子,,,090-6005-1005,池袋店",
    ",佐藤 直美,,,090-6006-1006,池袋店",
    ",佐藤 明美,,,090-6007-1007,池袋店",
    ",佐藤 久美子,,,090-6008-1008,池袋店",
    ",佐藤 千尋,,,090-6009-1009,池袋店",
    ",鈴木 智美,,,080-6000-2000,池袋店",
    ",高橋 智美,,,080-6001-2001,池袋店",
    ",渡辺 智美,,,080-6002-2002,池袋店",
    ",伊藤 智美,,,080-6003-2003,池袋店",
    ",中村 智美,,,080-6004-2004,池袋店",
    ",小林 智美,,,080-6005-2005,池袋店",
    ",加藤 智美,,,080-6006-2006,池袋店",
    ",吉田 智美,,,080-6007-2007,池袋店",
    ",山田 智美,,,080-6008-2008,池袋店",
    ",松本 智美,,,080-6009-2009,池袋店",
];

#[test]
fn a_homophone_of_a_common_name_is_no_stronger_than_the_name_itself() {
    // Two 佐藤 智美 (サトウ トモミ) in one shop with nothing else in common go
    // to review at most: the name is common. 智美 and 知美 are both common
    // spellings of トモミ; two women so named cannot be more alike than two
    // women with one spelling.
    let w = Workdir::new();
    let mut rows = vec![",佐藤 智美,サトウ トモミ,,,浦和店", ",佐藤 智美,サトウ トモミ,,,浦和店"];
    rows.extend_from_slice(COMMON_SATO_TOMOMI);
    let exact = dedup_extra(&w, &rows);
    let w = Workdir::new();
    let mut rows = vec![",佐藤 智美,サトウ トモミ,,,浦和店", ",佐藤 知美,サトウ トモミ,,,浦和店"];
    rows.extend_from_slice(COMMON_SATO_TOMOMI);
    let homophone = dedup_extra(&w, &rows);
    assert!(exact[&2] != exact[&3] || homophone[&2] == homophone[&3], "exact {exact:?}");
    assert_ne!(homophone[&2], homophone[&3], "{homophone:?}");
}

#[test]
fn two_women_of_one_household_with_one_reading_in_other_kanji_are_two_people() {
    // A mother-in-law 智子 and her son's wife 知子, both ヤマモト トモコ, on
    // the house landline (no birth dates): two people, as before.
    let w = Workdir::new();
    let c = dedup_extra(&w, &[",山本 智子,ヤマモト トモコ,,03-3333-4444,", ",山本 知子,ヤマモト トモコ,,03-3333-4444,"]);
    assert_ne!(c[&2], c[&3], "{c:?}");
}

#[test]
fn other_kanji_under_two_customer_numbers_on_one_mobile_are_not_merged_unasked() {
    // Two POS customer numbers, one family mobile, kanji only: 智子 and 知子
    // may be two sisters (サトコ, トモコ) — the readings are not there to say.
    // And with one reading, 悠斗/優斗-style: the names agree only by sound.
    let w = Workdir::new();
    let c = dedup_extra(
        &w,
        &[
            "M0300001,佐藤 智子,,,090-1111-2222,中野店",
            "M0300002,佐藤 知子,,,090-1111-2222,中野店",
            "M0300003,田中 大輔,タナカ ダイスケ,,090-3333-2222,中野店",
            "M0300004,田中 大介,タナカ ダイスケ,,090-3333-2222,中野店",
        ],
    );
    assert_ne!(c[&2], c[&3], "{c:?}");
    assert_ne!(c[&4], c[&5], "{c:?}");
}

#[test]
fn twins_in_kanji_only_on_their_mothers_mobile_stay_apart() {
    // Twins (one birth date) 美紀 (ミキ) and 実紀 (ミノリ), POS rows without
    // readings, on their mother's mobile.
    let w = Workdir::new();
    let c = dedup_extra(&w, &[",佐藤 美紀,,2015-04-01,090-1212-2323,中野店", ",佐藤 実紀,,2015-04-01,090-1212-2323,中野店"]);
    assert_ne!(c[&2], c[&3], "{c:?}");
}

#[test]
fn a_rare_name_in_one_shop_is_not_one_person_when_the_other_bearer_has_another_landline() {
    // Two ツルイ フミコ in one shop: one on a card with her landline; the
    // other in the ledger with her own landline and mobile, and on kana
    // receipts with that mobile. The card and a receipt have nothing to
    // compare but the name; the ledger row says the receipts' customer has
    // another landline: two people. A third customer, alone with her rare
    // name, still merges.
    let w = Workdir::new();
    let c = dedup_extra_with(
        &w,
        "電話",
        &[
            ",鶴井 文子,ツルイ フミコ,1942-11-29,,梅田店,06-6441-4002",
            ",鶴井 文子,ツルイ フミコ,,080-3229-2050,梅田店,06-4417-3099",
            ",ツルイ フミコ,,,080-3229-2050,梅田店,",
            ",ツルイ フミコ,,,080-3229-2050,梅田店,",
            ",蓮森 亜矢,ハスモリ アヤ,1988-03-03,,梅田店,06-6555-1234",
            ",ハスモリ アヤ,,,080-7777-1212,梅田店,",
        ],
    );
    assert_eq!(c[&3], c[&4], "{c:?}");
    assert_eq!(c[&4], c[&5], "{c:?}");
    assert_ne!(c[&2], c[&4], "{c:?}");
    assert!(c[&6] == c[&7] || waits(&w, "x", 6, 7), "{c:?}");
}

#[test]
fn one_stylist_lets_an_uncommon_name_alone_in_a_shop_be_one_person() {
    // 蓮森 亜矢 (ハスモリ アヤ) is uncommon here, not rare: another 蓮森
    // and two other アヤ are customers elsewhere, and a second pair of her
    // records in another shop. In 梅田店 a visit with
    // her landline and a receipt in kana with a mobile, both served by 岡:
    // one person (岡 is one of nine stylists there). In 船橋店 the same two
    // records served by two stylists: left for review, as before.
    let w = Workdir::new();
    import(&w, &ALL);
    let mut text = String::from("日付,氏名,フリガナ,携帯,電話,店舗,担当\n");
    for r in [
        "2024-01-10,蓮森 亜矢,ハスモリ アヤ,,06-6555-1234,梅田店,岡",
        "2024-03-05,ハスモリ アヤ,,080-7777-1212,,梅田店,岡",
        "2024-01-10,蓮森 亜矢,ハスモリ アヤ,,047-555-1234,船橋店,岡",
        "2024-03-05,ハスモリ アヤ,,080-7777-3434,,船橋店,村井",
        "2024-01-11,山本 花子,ヤマモト ハナコ,080-2000-0001,,梅田店,村井",
        "2024-01-12,佐藤 恵,サトウ メグミ,080-2000-0002,,梅田店,青山",
        "2024-01-13,高橋 美咲,タカハシ ミサキ,080-2000-0003,,梅田店,小池",
        "2024-01-14,伊藤 愛,イトウ アイ,080-2000-0004,,梅田店,石井",
        "2024-01-15,中村 舞,ナカムラ マイ,080-2000-0005,,梅田店,松本",
        "2024-01-16,小林 瞳,コバヤシ ヒトミ,080-2000-0006,,梅田店,大西",
        "2024-01-17,加藤 恵子,カトウ ケイコ,080-2000-0007,,梅田店,中川",
        "2024-01-18,吉田 優子,ヨシダ ユウコ,080-2000-0008,,梅田店,森下",
        "2024-02-01,蓮森 一郎,ハスモリ イチロウ,080-1000-0001,,中野店,",
        "2024-02-01,田中 亜矢,タナカ アヤ,080-1000-0005,,中野店,",
        "2024-02-01,鈴木 彩,スズキ アヤ,080-1000-0006,,中野店,",
    ] {
        text.push_str(r);
        text.push('\n');
    }
    std::fs::write(w.path("visits.csv"), text).unwrap();
    let mapping = w.path("visits.toml");
    std::fs::write(
        &mapping,
        "[source]\nname = \"y\"\nfiles = [\"visits.csv\"]\nencoding = \"utf-8\"\n\n[fields]\nname = \"氏名\"\nkana = \"フリガナ\"\nmobile = \"携帯\"\nphone = \"電話\"\nstore = \"店舗\"\n\n[event]\nkind = \"visit\"\ndate = \"日付\"\nstaff = \"担当\"\n",
    )
    .unwrap();
    w.import_with(&mapping, &w.path("visits.csv"), &[]).ok();
    dedup(&w);
    let c = w.conn();
    let rec = |row: i64| -> (i64, i64) {
        c.query_row("SELECT record_id, customer_id FROM lineage WHERE source = 'y' AND row = ?1", [row], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
    };
    let (r2, r3, r4, r5) = (rec(2), rec(3), rec(4), rec(5));
    // The stylist is a column of the model: one stylist on both records is
    // evidence for one person, two stylists against; either way a pair with
    // nothing else in common is never left unseen.
    let prob = |a: i64, b: i64| -> (f64, String) {
        let out = w.run(["explain", "--db", w.db().to_str().unwrap(), &a.to_string(), &b.to_string()]).ok().stdout.clone();
        let p = out.lines().find_map(|l| l.split("match probability ").nth(1)).and_then(|t| t.split(':').next()).unwrap().parse().unwrap();
        (p, out)
    };
    let (same, out_same) = prob(r2.0, r3.0);
    let (two, out_two) = prob(r4.0, r5.0);
    assert!(out_same.lines().any(|l| l.starts_with("staff") && l.contains(" same ")), "{out_same}");
    // (船橋店 has no other records: its two stylists each serve half of it,
    // which says nothing, and count as no stylist.)
    assert!(out_two.lines().any(|l| l.starts_with("staff") && (l.contains(" different ") || l.contains(" missing "))), "{out_two}");
    assert!(same > two, "one stylist {same} against two {two}");
    assert!(r2.1 == r3.1 || waits(&w, "y", 2, 3), "one stylist: one person or a pair to decide");
    assert!(r4.1 != r5.1 || same > 0.99, "two stylists are not merged on less than one stylist");
}

#[test]
fn a_reading_written_on_both_records_is_no_guess_on_a_family_mobile() {
    // The mother's card gives her reading unspaced (イトウアヤカ: the parts
    // are learned from other records, the whole is written); her kana
    // receipt gives the same reading on the mobile her daughter's bookings
    // use too. The whole readings agree as written: one person, no review.
    let w = Workdir::new();
    let c = dedup_extra(
        &w,
        &[
            ",伊藤 彩花,イトウアヤカ,1989-04-24,090-4997-8627,中野店",
            ",伊藤 陽菜,イトウ ヒナ,2015-01-01,090-4997-8627,中野店",
            ",イトウ アヤカ,,,090-4997-8627,中野店",
            ",佐藤 彩花,サトウ アヤカ,1990-01-01,090-0000-3333,",
        ],
    );
    assert_eq!(c[&2], c[&4], "{c:?}");
    assert_ne!(c[&3], c[&4], "{c:?}");
}

#[test]
fn a_new_customer_number_under_a_new_surname_is_a_marriage() {
    // The POS opened a second card when ハルオカ ユイ married: ヨコヤマ ユイ,
    // another customer number, the same mobile. One person. A sister-in-law
    // with another given name on that mobile stays apart.
    let w = Workdir::new();
    let c = dedup_extra(
        &w,
        &[
            "M0002474,ハルオカ ユイ,,,090-5521-2880,仙台店",
            "M0002474,ハルオカ ユイ,,,090-5521-2880,仙台店",
            "M0002477,ヨコヤマ ユイ,,,090-5521-2880,仙台店",
            "M0002478,ヨコヤマ ミカ,,,090-5521-2880,仙台店",
        ],
    );
    assert!(c[&2] == c[&4] || waits(&w, "x", 2, 4) || waits(&w, "x", 3, 4), "{c:?}");
    assert_ne!(c[&4], c[&5], "{c:?}");
}

/// Imports visit rows (日付,氏名,フリガナ,携帯,電話,店舗,担当,性別,番号) as
/// source "y" beside the samples, dedups, and returns (record, customer)
/// of each row (row 2 is the first data row).
fn dedup_visits(w: &Workdir, rows: &[&str]) -> BTreeMap<i64, (i64, i64)> {
    import(w, &ALL);
    let mut text = String::from("日付,氏名,フリガナ,携帯,電話,店舗,担当,性別,番号,生年月日\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    std::fs::write(w.path("visits.csv"), text).unwrap();
    let mapping = w.path("visits.toml");
    std::fs::write(
        &mapping,
        "[source]\nname = \"y\"\nfiles = [\"visits.csv\"]\nencoding = \"utf-8\"\n\n[fields]\nname = \"氏名\"\nkana = \"フリガナ\"\nmobile = \"携帯\"\nphone = \"電話\"\nstore = \"店舗\"\ngender = \"性別\"\ncustomer_no = \"番号\"\nbirth_date = \"生年月日\"\n\n[event]\nkind = \"visit\"\ndate = \"日付\"\nstaff = \"担当\"\n",
    )
    .unwrap();
    w.import_with(&mapping, &w.path("visits.csv"), &[]).ok();
    dedup(w);
    let c = w.conn();
    let mut st = c.prepare("SELECT row, record_id, customer_id FROM lineage WHERE source = 'y' AND status = 'active'").unwrap();
    st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))).unwrap().map(Result::unwrap).collect()
}

fn rare_line(w: &Workdir, a: i64, b: i64) -> String {
    let r = w.run(["explain", "--db", w.db().to_str().unwrap(), &a.to_string(), &b.to_string()]);
    r.ok().stdout.clone()
}

/// The uncommon-name population of the stylist test (rows 5.. of it).
const UNCOMMON: [&str; 3] = [
    "2024-02-01,蓮森 一郎,ハスモリ イチロウ,080-1000-0001,,中野店,,,,",
    "2024-02-01,田中 亜矢,タナカ アヤ,080-1000-0005,,中野店,,,,",
    "2024-02-01,鈴木 彩,スズキ アヤ,080-1000-0006,,中野店,,,,",
];

#[test]
fn a_placeholder_stylist_is_no_stylist() {
    // Walk-ins: the POS writes フリー (no stylist asked for) on most visits.
    // Two 蓮森 亜矢 in 梅田店, both walk-ins: that says nothing.
    let w = Workdir::new();
    let mut rows = vec![
        "2024-01-10,蓮森 亜矢,ハスモリ アヤ,,06-6555-1234,梅田店,フリー,,,",
        "2024-03-05,ハスモリ アヤ,,080-7777-1212,,梅田店,フリー,,,",
    ];
    rows.extend(UNCOMMON);
    let c = dedup_visits(&w, &rows);
    let out = rare_line(&w, c[&2].0, c[&3].0);
    assert_ne!(c[&2].1, c[&3].1, "フリー is not a stylist: {out}");
}

#[test]
fn the_one_stylist_of_a_small_shop_says_nothing() {
    // A one-chair salon: 岡 served every customer. Two 蓮森 亜矢 there.
    let w = Workdir::new();
    let mut rows = vec![
        "2024-01-10,蓮森 亜矢,ハスモリ アヤ,,06-6555-1234,梅田店,岡,,,",
        "2024-03-05,ハスモリ アヤ,,080-7777-1212,,梅田店,岡,,,",
        "2024-01-11,山本 花子,ヤマモト ハナコ,080-2000-0001,,梅田店,岡,,,",
        "2024-01-12,佐藤 恵,サトウ メグミ,080-2000-0002,,梅田店,岡,,,",
        "2024-01-13,高橋 美咲,タカハシ ミサキ,080-2000-0003,,梅田店,岡,,,",
        "2024-01-14,伊藤 愛,イトウ アイ,080-2000-0004,,梅田店,岡,,,",
    ];
    rows.extend(UNCOMMON);
    let c = dedup_visits(&w, &rows);
    let out = rare_line(&w, c[&2].0, c[&3].0);
    assert_ne!(c[&2].1, c[&3].1, "every customer of the shop has 岡: {out}");
}

#[test]
fn a_rare_name_with_two_genders_is_two_people() {
    // 宇佐美 薫 (ウサミ カオル) in 梅田店: a woman's card with her landline and
    // her kana receipt with it; a man's card with his mobile. The man and
    // the woman's receipt have nothing to compare but the name.
    let w = Workdir::new();
    let c = dedup_visits(
        &w,
        &[
            "2024-01-10,宇佐美 薫,ウサミ カオル,,06-6555-9876,梅田店,,女,,",
            "2024-02-10,ウサミ カオル,,,06-6555-9876,梅田店,,,,",
            "2024-03-10,宇佐美 薫,ウサミ カオル,080-4444-5656,,梅田店,,男,,",
        ],
    );
    let out = rare_line(&w, c[&3].0, c[&4].0);
    assert!(c[&2].1 == c[&3].1 || waits(&w, "y", 2, 3), "{c:?}");
    assert_ne!(c[&2].1, c[&4].1, "a man and a woman: {out}");
    assert_ne!(c[&3].1, c[&4].1, "the woman's receipt is not the man's: {out}");
}

#[test]
fn a_rare_name_under_two_customer_numbers_is_two_people() {
    // The shop's POS gave two numbers to two 宇佐美 薫; one's kana receipt
    // (no number) with her landline.
    let w = Workdir::new();
    let c = dedup_extra_with(
        &w,
        "電話",
        &[
            "M9000001,宇佐美 薫,ウサミ カオル,,,梅田店,06-6555-9876",
            ",ウサミ カオル,,,,梅田店,06-6555-9876",
            "M9000002,宇佐美 薫,ウサミ カオル,,080-4444-5656,梅田店,",
        ],
    );
    // The card and the kana receipt share the landline: one person, or a
    // pair a person decides; never left unseen.
    assert!(c[&2] == c[&3] || waits(&w, "x", 2, 3), "{c:?}");
    assert_ne!(c[&2], c[&4], "two customer numbers of one source: {c:?}");
}

#[test]
fn a_birth_date_typo_does_not_undo_a_rare_name() {
    // One 鶴井 文子 in 梅田店: a card with her landline and birth date; a
    // receipt with her mobile and the birth date one digit off. Nothing
    // against pair for pair (a one-digit slip is not a disagreement).
    let w = Workdir::new();
    let c = dedup_extra_with(
        &w,
        "電話",
        &[",蓮森 亜矢,ハスモリ アヤ,1988-03-03,,梅田店,06-6555-1234", ",ハスモリ アヤ,,1988-03-08,080-7777-1212,梅田店,"],
    );
    // Nothing in common but the name, and a birth date one digit off: not
    // sure enough to merge unasked, too likely to leave unseen.
    assert!(c[&2] == c[&3] || waits(&w, "x", 2, 3), "{c:?}");
}

#[test]
fn explain_does_not_call_an_uncommon_name_with_one_stylist_too_common() {
    // 蓮森 亜矢 uncommon here (0.1..0.3); one stylist, but the genders
    // differ: explain must not call the name "too common".
    let w = Workdir::new();
    let mut rows =
        vec!["2024-01-10,蓮森 亜矢,ハスモリ アヤ,,06-6555-1234,梅田店,岡,女,,", "2024-03-05,ハスモリ アヤ,,080-7777-1212,,梅田店,岡,男,,"];
    rows.extend(UNCOMMON);
    let c = dedup_visits(&w, &rows);
    assert_ne!(c[&2].1, c[&3].1, "a man and a woman");
    let out = rare_line(&w, c[&2].0, c[&3].0);
    assert!(!out.contains("too common"), "{out}");
}

const COMMON_MIKI: &[&str] = &[
    ",田中 美紀,,,080-5100-0001,",
    ",鈴木 美紀,,,080-5100-0002,",
    ",高橋 美紀,,,080-5100-0003,",
    ",伊藤 美紀,,,080-5100-0004,",
    ",山本 美紀,,,080-5100-0005,",
    ",中村 美紀,,,080-5100-0006,",
    ",小林 美紀,,,080-5100-0007,",
    ",加藤 美紀,,,080-5100-0008,",
    ",吉田 美紀,,,080-5100-0009,",
    ",山田 美紀,,,080-5100-0010,",
];

const COMMON_TOMOKO: &[&str] = &[
    ",田中 智子,,,080-5200-0001,",
    ",鈴木 智子,,,080-5200-0002,",
    ",高橋 智子,,,080-5200-0003,",
    ",伊藤 智子,,,080-5200-0004,",
    ",山田 智子,,,080-5200-0005,",
    ",中村 智子,,,080-5200-0006,",
    ",小林 智子,,,080-5200-0007,",
    ",加藤 智子,,,080-5200-0008,",
    ",吉田 智子,,,080-5200-0009,",
    ",松本 智子,,,080-5200-0010,",
];

#[test]
fn twins_with_a_common_and_a_rare_spelling_on_their_mothers_mobile_stay_apart() {
    // 美紀 (ミキ) is common, 実紀 (ミノリ) rare; twins, one birth date, on
    // their mother's mobile (the mother not a customer of this shop).
    let w = Workdir::new();
    let mut rows = vec![",佐藤 美紀,,2015-04-01,090-1212-2323,中野店", ",佐藤 実紀,,2015-04-01,090-1212-2323,中野店"];
    rows.extend_from_slice(COMMON_MIKI);
    let c = dedup_extra(&w, &rows);
    assert_ne!(c[&2], c[&3], "{c:?}");
}

#[test]
fn sisters_one_with_a_pos_number_on_a_family_mobile_stay_apart() {
    // 佐藤 智子 (サトコ) on a card, her sister 佐藤 知子 (トモコ) a POS
    // customer, kanji only, on the family mobile; 智子 common, 知子 rare.
    let w = Workdir::new();
    let mut rows = vec![",佐藤 智子,,,090-1111-2222,中野店", "M0300002,佐藤 知子,,,090-1111-2222,中野店"];
    rows.extend_from_slice(COMMON_TOMOKO);
    let c = dedup_extra(&w, &rows);
    assert_ne!(c[&2], c[&3], "{c:?}");
}

#[test]
fn in_laws_on_a_household_email_stay_apart() {
    // 山本 智子 (mother-in-law, card with birth date) and 山本 知子 (son's
    // wife, no birth date) on the household e-mail; the son 山本 健太 too.
    let w = Workdir::new();
    let mut rows: Vec<String> = vec![
        ",山本 智子,,1952-03-04,,中野店,yamamoto.family@example.jp".into(),
        ",山本 知子,,,,中野店,yamamoto.family@example.jp".into(),
        ",山本 健太,,1980-05-06,,中野店,yamamoto.family@example.jp".into(),
    ];
    rows.extend(COMMON_TOMOKO.iter().map(|r| format!("{r},")));
    let c = dedup_extra_with(&w, "メール", &rows);
    assert_ne!(c[&2], c[&3], "{c:?}");
}

#[test]
fn twins_on_their_mothers_mobile_and_email_stay_apart() {
    // Twins (one birth date), the mother 佐藤 恵子 on the mobile too (a
    // family's mobile), and the mother's e-mail on every row.
    let w = Workdir::new();
    let mut rows: Vec<String> = vec![
        ",佐藤 美紀,,2015-04-01,090-1212-2323,中野店,sato.keiko@example.jp".into(),
        ",佐藤 実紀,,2015-04-01,090-1212-2323,中野店,sato.keiko@example.jp".into(),
        ",佐藤 恵子,サトウ ケイコ,1985-01-01,090-1212-2323,中野店,sato.keiko@example.jp".into(),
    ];
    rows.extend(COMMON_MIKI.iter().map(|r| format!("{r},")));
    let c = dedup_extra_with(&w, "メール", &rows);
    assert_ne!(c[&2], c[&3], "{c:?}");
}

#[test]
fn twins_one_reading_lent_on_their_mothers_mobile_stay_apart() {
    // 美紀 written ミキ, her twin 実紀 without a reading (lent ミキ by
    // other customers' 実紀): the reading is a guess.
    let w = Workdir::new();
    let c = dedup_extra(
        &w,
        &[
            ",佐藤 美紀,サトウ ミキ,2015-04-01,090-1212-2323,中野店",
            ",佐藤 実紀,,2015-04-01,090-1212-2323,中野店",
            ",田中 実紀,タナカ ミキ,,080-5400-0001,",
            ",鈴木 実紀,スズキ ミキ,,080-5400-0002,",
        ],
    );
    assert_ne!(c[&2], c[&3], "{c:?}");
}

#[test]
fn namesakes_born_the_same_day_with_other_mobiles_and_addresses_wait_for_a_person() {
    // Two 岡本 宏子 born 1941-04-14: one in Tokyo, one in Sendai, each with
    // her own mobile. How likely that is one person who moved and changed
    // her mobile depends on how common namesakes are in the data (in a
    // small shop, rare; in a million records, not): the model weighs it.
    // Whatever it decides, the different mobile and address count against:
    // the same pair with one mobile is likelier one person.
    let w = Workdir::new();
    let c = dedup_extra_with(
        &w,
        "住所",
        &[
            ",岡本 宏子,オカモト ヒロコ,1941-04-14,090-2830-7476,,東京都中野区松が丘3-40-1",
            ",岡本 宏子,オカモト ヒロコ,1941-04-14,090-5803-6321,,宮城県仙台市青葉区荒巻中央10-14",
            ",岡本 宏子,オカモト ヒロコ,1941-04-14,090-2830-7476,,宮城県仙台市青葉区荒巻中央10-14",
        ],
    );
    let id = |row: i64| w.count(&format!("SELECT record_id FROM lineage WHERE source = 'x' AND row = {row}"));
    let prob = |a: i64, b: i64| -> f64 {
        let out = w.run(["explain", "--db", w.db().to_str().unwrap(), &a.to_string(), &b.to_string()]).ok().stdout.clone();
        out.lines().find_map(|l| l.split("match probability ").nth(1)).and_then(|t| t.split(':').next()).unwrap().parse().unwrap()
    };
    let (apart, shared) = (prob(id(2), id(3)), prob(id(2), id(4)));
    assert!(apart < shared, "other mobile and address {apart}, one mobile {shared}: {c:?}");
    let evidence = w.run(["explain", "--db", w.db().to_str().unwrap(), &id(2).to_string(), &id(3).to_string()]).ok().stdout.clone();
    let mobile = evidence.lines().find(|l| l.starts_with("mobile")).unwrap();
    assert!(mobile.contains("different") && mobile.contains(" -"), "{mobile}");
}

#[test]
fn latin_names_entered_the_other_way_round_with_a_typo_are_one_name() {
    // A web form's boxes filled in western order, one part misspelt
    // ("giaan, blacwell" beside "blackwell, giaan"; the comma says which
    // part is the surname): one name. Before, only
    // an exact swap counted and the pair waited as "a different given
    // name".
    let w = Workdir::new();
    let c = dedup_extra(&w, &[",\"blackwell, giaan\",,1977-05-12,090-7777-0101,", ",\"giaan, blacwell\",,1977-05-12,090-7777-0101,"]);
    assert_eq!(c[&2], c[&3], "{c:?}");
}

#[test]
fn the_cluster_guard_reads_a_swapped_name_as_the_same_name() {
    // One customer number with the given name once misspelt (olivia /
    // olivai), and two bookings in western order: the guard must not read
    // "blackwell" (the surname, entered last) as a second given name.
    let w = Workdir::new();
    let c = dedup_extra(
        &w,
        &[
            "K0000051,\"blackwell, olivia\",,1964-12-23,090-7777-0201,",
            "K0000051,\"blackwell, olivai\",,1964-12-23,090-7777-0201,",
            ",\"olivia, blackwell\",,1964-12-23,090-7777-0201,",
            ",\"olivia, blackwell\",,1964-12-23,090-7777-0201,",
        ],
    );
    assert_eq!(c[&4], c[&5], "{c:?}");
    assert_eq!(c[&2], c[&4], "{c:?}");
    // olivai, one typo under one number: merged or for a person to decide.
    assert!(c[&2] == c[&3] || waits(&w, "x", 2, 3) || waits(&w, "x", 3, 4), "{c:?}");
}

#[test]
fn a_typo_in_each_part_of_a_name_still_meets_by_initial_and_birth_date() {
    // owerko zachary / owerok zachry: no name key, phone or address in
    // common; the first letter of the name and the birth date bring them
    // together (initial_birth), and the comparison decides. The same
    // letters on another birth date are not compared.
    let w = Workdir::new();
    import(&w, &ALL);
    let csv = w.path("extra.csv");
    std::fs::write(
        &csv,
        "番号,氏名,生年月日,住所\n,\"owerko, zachary\",1947-01-01,145 maroubra beach maclean\n,\"owerok, zachry\",1947-01-01,145 maroubra beach maclean\n,\"owerok, zachry\",1981-06-09,\n",
    )
    .unwrap();
    let mapping = w.path("extra.toml");
    std::fs::write(
        &mapping,
        "[source]\nname = \"x\"\nfiles = [\"extra.csv\"]\nencoding = \"utf-8\"\n\n[fields]\ncustomer_no = \"番号\"\nname = \"氏名\"\nbirth_date = \"生年月日\"\naddress = { column = \"住所\", type = \"text\" }\n",
    )
    .unwrap();
    w.import_with(&mapping, &csv, &[]).ok();
    let out = dedup(&w).stdout;
    assert!(out.contains("blocking initial_birth"), "{out}");
    let c = w.conn();
    let ids: Vec<(i64, i64)> = c
        .prepare("SELECT record_id, customer_id FROM lineage WHERE source = 'x' ORDER BY row")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert_eq!(ids[0].1, ids[1].1, "{ids:?}");
    assert_ne!(ids[1].1, ids[2].1, "{ids:?}");
    let why = w.run(["explain", "--db", w.db().to_str().unwrap(), &ids[0].0.to_string(), &ids[1].0.to_string()]);
    why.ok().stdout_has("they share initial_birth");
}

#[test]
fn a_swapped_name_inside_a_customer_is_read_the_customers_way_round() {
    // One customer has "stubbs, jack" and "jaxck, stubbs" (the boxes filled
    // the other way round, one typo). Joining it to "stubbhw, jack" must not
    // be refused because "stubbs", in the given-name box of one record,
    // looks like a second given name beside another record's "jack".
    let w = Workdir::new();
    let c = dedup_extra(
        &w,
        &[
            "K0000051,\"stubbs, jack\",,1989-05-26,090-7777-0301,",
            "K0000051,\"jaxck, stubbs\",,1989-05-26,090-7777-0301,",
            "K0000052,\"stubbhw, jack\",,1989-05-26,090-7777-0301,",
            "K0000052,\"stanley, jack\",,1989-05-26,090-7777-0301,",
        ],
    );
    assert_eq!(c[&2], c[&3], "{c:?}");
    assert_eq!(c[&4], c[&5], "{c:?}");
    // The two customer numbers agree on the birth date and the mobile; their
    // names only after a swap and a typo: one customer, or a pair for a
    // person, never two people left unseen.
    assert!(c[&2] == c[&4] || waits(&w, "x", 2, 4) || waits(&w, "x", 3, 4) || waits(&w, "x", 2, 5) || waits(&w, "x", 3, 5), "{c:?}");
}

#[test]
fn romaji_twins_whose_readings_differ_stay_apart_either_way_round() {
    // Twins 佐藤 美香 (mika, ミカ) and 佐藤 里香 (rika, リカ), and 佐藤 由紀 /
    // 由佳 (yuki, yuka): one birth date, their mother's mobile. One letter
    // apart in romaji, but the readings say two given names, entered
    // surname first or last (found by a review: the swap with a typo
    // joined them, and a latin spelling one letter off outweighed the
    // readings).
    let w = Workdir::new();
    let c = dedup_extra(
        &w,
        &[
            ",\"sato, mika\",サトウ ミカ,2015-04-01,090-1212-2323,",
            ",\"sato, rika\",サトウ リカ,2015-04-01,090-1212-2323,",
            ",\"rika, sato\",リカ サトウ,2015-04-01,090-1212-2323,",
        ],
    );
    assert_ne!(c[&2], c[&3], "{c:?}");
    assert_ne!(c[&2], c[&4], "{c:?}");
    let w = Workdir::new();
    let c = dedup_extra(
        &w,
        &[",\"sato, yuki\",サトウ ユキ,2015-04-01,090-1212-2324,", ",\"sato, yuka\",サトウ ユカ,2015-04-01,090-1212-2324,"],
    );
    assert_ne!(c[&2], c[&3], "{c:?}");
    let w = Workdir::new();
    let c = dedup_extra(
        &w,
        &[",\"sato, yuki\",サトウ ユキ,2015-04-01,090-1212-2325,", ",\"yuka, sato\",ユカ サトウ,2015-04-01,090-1212-2325,"],
    );
    assert_ne!(c[&2], c[&3], "{c:?}");
}

#[test]
fn a_closed_standard_output_does_not_stop_the_work() {
    // `karte import … | head -1`: the reader is gone before karte writes.
    // Every file is still imported and dedup still finishes; no panic.
    let w = Workdir::new();
    let run_closed = |args: Vec<std::ffi::OsString>| {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_karte"))
            .args(args)
            .current_dir(w.path("."))
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    };
    run_closed(import_args(&w, &ALL));
    assert_eq!(w.count("SELECT count(DISTINCT import_id) FROM records"), 4, "all four files imported");
    run_closed(vec!["dedup".into(), "--db".into(), w.db().into(), "--review-out".into(), w.path("review.xlsx").into()]);
    assert_eq!(w.count("SELECT count(*) FROM runs WHERE command = 'dedup' AND status = 'done'"), 1);
}

#[test]
fn a_merge_made_through_a_later_one_is_not_cut_in_two() {
    // Two review pairs share a record (A–B, then B–C): both 統合. Taking the
    // first back would take B away from the second merge and leave its 統合
    // standing between two customers: refused, naming the later merge;
    // taken back in order, both come apart.
    let w = Workdir::new();
    let (report, db, _) = sample_review(&w);
    let items: Vec<(i64, i64)> = {
        let c = w.conn();
        let mut st = c.prepare("SELECT record_a, record_b FROM review_items WHERE status = 'open' ORDER BY id").unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    let before = customer_map(&w);
    // The first merge moves the record of the larger customer id; the
    // second pair goes through that record.
    let moved = |x: (i64, i64)| if before[&x.0] > before[&x.1] { x.0 } else { x.1 };
    let (i, j) = (0..items.len())
        .flat_map(|i| (i + 1..items.len()).map(move |j| (i, j)))
        .find(|&(i, j)| {
            let m = moved(items[i]);
            (items[j].0 == m || items[j].1 == m) && before[&items[j].0] != before[&items[j].1]
        })
        .expect("the samples have two review pairs through one record");
    let both = w.path("both.xlsx");
    decide(&report, &both, |n| (n == i + 1 || n == j + 1).then_some("統合"));
    w.run(["review", "apply", "--db", &db, both.to_str().unwrap()]).ok().stdout_has("merged 2");
    let (first, second) = (items[i], items[j]);
    let s = |x: i64| x.to_string();
    w.run(["review", "forget", "--db", &db, &s(first.0), &s(first.1)]).fails().stderr_has("undo merge").stderr_has("nothing was undone");
    w.run(["review", "forget", "--db", &db, &s(second.0), &s(second.1)]).ok();
    w.run(["review", "forget", "--db", &db, &s(first.0), &s(first.1)]).ok();
    assert_eq!(customer_map(&w), before);
    assert_eq!(w.count("SELECT count(*) FROM pair_decisions"), 0);
    assert_eq!(w.count("SELECT count(*) FROM merges WHERE decided_by = 'review' AND undone_at IS NULL"), 0);
}

/// The review report is a workbook: a report path named `.csv` is refused
/// before anything is decided, not given a workbook under that name.
#[test]
fn a_review_report_not_named_xlsx_is_refused_before_anything_is_decided() {
    let w = Workdir::new();
    w.import("pos", &[crate::util::reader("cp932.csv")], &[]).ok();
    let customers = w.count("SELECT count(*) FROM customers");
    let csv = w.path("review.csv");
    w.run(["dedup".as_ref(), "--db".as_ref(), w.db().as_os_str(), "--review-out".as_ref(), csv.as_os_str()])
        .fails()
        .stderr_has("must be an Excel workbook named *.xlsx")
        .stderr_has(".csv is not one");
    assert!(!csv.exists(), "nothing was written under the csv name");
    assert_eq!(w.count("SELECT count(*) FROM runs WHERE command = 'dedup'"), 0, "no dedup run was recorded");
    assert_eq!(w.count("SELECT count(*) FROM customers"), customers);
}
