//! Issue 17 point 13, golden records: the spelling a customer's own
//! documents use wins over a POS system's fallback kanji; a stable karte
//! number per customer with each source's own numbers under the source's
//! name; values a person pins survive every night.

use crate::util::{Run, Workdir};

/// A project of sources (name, file, extra mapping lines), each a UTF-8
/// CSV with 番号 as its natural key, and a CSV export out/customers.csv.
fn project(w: &Workdir, sources: &[(&str, &str, &str)]) {
    std::fs::create_dir_all(w.path("data")).unwrap();
    let mut toml = String::from("database = \"karte.db\"\n");
    for (name, file, extra) in sources {
        std::fs::write(
            w.path(&format!("{name}.toml")),
            format!(
                "[source]\nname = \"{name}\"\nencoding = \"utf-8\"\nnatural_key = [\"番号\"]\n{extra}\n[fields]\ncustomer_no = \"番号\"\nname = \"氏名\"\nkana = \"フリガナ\"\nbirth_date = \"生年月日\"\nmobile = \"携帯\"\nemail = \"メール\"\nfirst_visit = \"来店日\"\n"
            ),
        )
        .unwrap();
        toml.push_str(&format!("\n[[source]]\nfiles = [\"data/{file}\"]\nmapping = \"{name}.toml\"\n"));
    }
    toml.push_str("\n[dedup]\nreview = \"review.xlsx\"\n\n[[export]]\npath = \"out/customers.csv\"\n");
    std::fs::write(w.path("karte.toml"), toml).unwrap();
}

const HEAD: &str = "番号,氏名,フリガナ,生年月日,携帯,メール,来店日\n";

/// How many other customers every source also holds: a shop's worth of
/// people, so that dedup learns what a match looks like.
const CROWD: i64 = 100;

/// The other customers, the same in every source.
fn crowd() -> String {
    let family = [("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小川", "オガワ"), ("石井", "イシイ"), ("前田", "マエダ")];
    let family2 = [("藤田", "フジタ"), ("後藤", "ゴトウ"), ("岡田", "オカダ"), ("長谷川", "ハセガワ"), ("村上", "ムラカミ")];
    let given = [("健", "ケン"), ("翔太", "ショウタ"), ("美咲", "ミサキ"), ("陽子", "ヨウコ"), ("大輔", "ダイスケ")];
    let given2 = [("真由美", "マユミ"), ("拓也", "タクヤ"), ("恵", "メグミ"), ("直樹", "ナオキ"), ("彩", "アヤ")];
    let mut out = String::new();
    for i in 0..CROWD as usize {
        let (f, fk) = [family, family2][i / 50][i % 5];
        let (g, gk) = [given, given2][(i / 5) % 2][(i / 10) % 5];
        out.push_str(&format!("X{i},{f} {g},{fk} {gk},19{:02}-{:02}-{:02},080-4444-{:04},,\n", 50 + i % 40, 1 + i % 12, 1 + i % 28, i));
    }
    out
}

fn write(w: &Workdir, file: &str, rows: &str) {
    std::fs::write(w.path(&format!("data/{file}")), format!("{HEAD}{rows}{}", crowd())).unwrap();
}

fn run(w: &Workdir) -> Run {
    let r = w.run(["run"]);
    assert!(r.code == 0, "karte run failed:\n{}\n{}", r.stdout, r.stderr);
    r
}

/// The customers export as header → value maps.
fn export(w: &Workdir) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(w.path("out/customers.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
    let heads: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    rdr.records().map(|r| heads.iter().cloned().zip(r.unwrap().iter().map(String::from)).collect()).collect()
}

fn row_of<'a>(
    rows: &'a [std::collections::HashMap<String, String>],
    col: &str,
    value: &str,
) -> &'a std::collections::HashMap<String, String> {
    rows.iter().find(|r| r.get(col).map(String::as_str) == Some(value)).unwrap_or_else(|| panic!("no row with {col} = {value}: {rows:?}"))
}

#[test]
fn issue17_13_the_kanji_the_customers_own_documents_use_wins_over_a_pos_fallback() {
    let w = Workdir::new();
    // The POS cannot type 髙 (nor 邊) and has the highest priority and the
    // latest visit: before, its 高橋 was the golden name.
    project(&w, &[("ledger", "ledger.csv", ""), ("cards", "cards.csv", ""), ("web", "web.csv", ""), ("pos", "pos.csv", "priority = 10")]);
    write(&w, "ledger.csv", "L1,髙橋 誠,タカハシ マコト,1975-06-01,090-1111-0001,,2019-04-01\nL2,渡邊 花子,ワタナベ ハナコ,1980-02-02,090-1111-0002,,2019-04-01\n");
    write(&w, "cards.csv", "C1,髙橋誠,タカハシ マコト,1975-06-01,090-1111-0001,,2020-01-10\n");
    write(&w, "web.csv", "W1,髙橋 誠,タカハシ マコト,1975-06-01,090-1111-0001,makoto@example.jp,2021-07-07\n");
    write(
        &w,
        "pos.csv",
        "P1,高橋 誠,タカハシ マコト,1975-06-01,090-1111-0001,,2026-11-01\nP2,渡辺 花子,ワタナベ ハナコ,1980-02-02,090-1111-0002,,2026-11-01\n",
    );
    run(&w);
    assert_eq!(w.count("SELECT count(*) FROM customers WHERE merged_into IS NULL"), CROWD + 2, "four sources, two people and the crowd");
    let rows = export(&w);
    // Three sources write 髙橋, one POS writes 高橋: 髙橋.
    let takahashi = row_of(&rows, "携帯", "090-1111-0001");
    assert_eq!(takahashi["氏名"], "髙橋 誠");
    assert_eq!(takahashi["姓"], "髙橋");
    // One source each: the specific form (邊), not the fallback (辺).
    let watanabe = row_of(&rows, "携帯", "090-1111-0002");
    assert_eq!(watanabe["氏名"], "渡邊 花子");
    // The lineage says which record and why.
    let id = takahashi["顧客ID"].clone();
    let r = w.run(["show", "--db", "karte.db", &id]);
    r.ok().stdout_has("氏名: 髙橋 誠  ← ").stdout_has("the spelling most sources write (3 of 4 sources)");
    // The POS spelling is kept, among the other values.
    let others = r.stdout.split("ほかの値").nth(1).unwrap_or_else(|| panic!("no other values: {}", r.stdout));
    assert!(others.contains("氏名: 高橋 誠  ← pos.csv 2行"), "{}", r.stdout);
}

#[test]
fn issue17_13_the_karte_number_is_stable_and_each_source_keeps_its_own_number() {
    let w = Workdir::new();
    project(&w, &[("ledger", "ledger.csv", ""), ("pos", "pos.csv", "")]);
    write(&w, "ledger.csv", "1003,佐々木 一郎,ササキ イチロウ,1970-01-01,090-2222-0001,ichiro@example.jp,\n");
    write(&w, "pos.csv", "C0004,佐々木 一郎,ササキ イチロウ,1970-01-01,090-2222-0001,,\n");
    run(&w);
    let night1 = export(&w);
    assert_eq!(night1.len() as i64, CROWD + 1);
    let c = row_of(&night1, "携帯", "090-2222-0001");
    let k = c["顧客番号"].clone();
    assert!(k.starts_with('K') && k.len() == 7, "{k}");
    let mut numbers: Vec<&str> = night1.iter().map(|r| r["顧客番号"].as_str()).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), night1.len(), "one number each");
    assert_eq!(c["番号(ledger)"], "1003");
    assert_eq!(c["番号(pos)"], "C0004");
    let golden_no = w.strings("SELECT g.customer_no FROM golden g WHERE g.mobile = '090-2222-0001'");

    // Night 2: the ledger's e-mail is corrected (nothing to do with the
    // number), and a new customer arrives.
    write(&w, "ledger.csv", "1003,佐々木 一郎,ササキ イチロウ,1970-01-01,090-2222-0001,ichiro.sasaki@example.jp,\n1004,小林 次郎,コバヤシ ジロウ,1981-03-03,090-2222-0002,,\n");
    run(&w);
    let night2 = export(&w);
    assert_eq!(night2.len() as i64, CROWD + 2);
    let c = row_of(&night2, "携帯", "090-2222-0001");
    assert_eq!(c["メール"], "ichiro.sasaki@example.jp", "the edit was taken");
    assert_eq!(c["顧客番号"], k, "the karte number does not move");
    assert_eq!((c["番号(ledger)"].as_str(), c["番号(pos)"].as_str()), ("1003", "C0004"));
    // The new customer gets a new number; nobody else's moved.
    let new = row_of(&night2, "携帯", "090-2222-0002")["顧客番号"].clone();
    assert!(night1.iter().all(|r| r["顧客番号"] < new), "{new}");
    for r in &night1 {
        assert_eq!(row_of(&night2, "携帯", &r["携帯"])["顧客番号"], r["顧客番号"]);
    }
    assert_eq!(
        w.strings("SELECT g.customer_no FROM golden g WHERE g.mobile = '090-2222-0001'"),
        golden_no,
        "the golden customer_no does not flip after an unrelated edit"
    );
    // Night 3, nothing changed; and show finds the customer by its number.
    run(&w);
    assert_eq!(export(&w), night2);
    w.run(["show", "--db", "karte.db", &k]).ok().stdout_has(&format!("顧客番号: {k}")).stdout_has("番号(pos): C0004  ← pos.csv 2行");
}

#[test]
fn issue17_13_a_pinned_value_survives_a_reimport_and_a_merge() {
    let w = Workdir::new();
    project(&w, &[("ledger", "ledger.csv", ""), ("web", "web.csv", "")]);
    write(
        &w,
        "ledger.csv",
        "1,斉藤 優子,サイトウ ユウコ,1990-09-09,090-3333-0001,,2020-01-01\n2,森 和夫,モリ カズオ,1960-01-01,090-3333-0002,,\n",
    );
    write(&w, "web.csv", "");
    run(&w);
    let k = row_of(&export(&w), "携帯", "090-3333-0001")["顧客番号"].clone();
    // The customer says her name is written 齋藤 and her e-mail is this.
    w.run(["golden", "set", "--db", "karte.db", &k, "氏名", "齋藤 優子"]).ok();
    w.run(["golden", "set", "--db", "karte.db", &k, "email", "YUKO@Example.JP"]).ok();
    w.run(["golden", "list", "--db", "karte.db"]).ok().stdout_has(&format!("{k}  customer")).stdout_has("齋藤 優子");

    // Night 2: the ledger row is edited (a new e-mail, the name as before)
    // and the web booking brings a second record of her: re-imported,
    // merged, the pins still win.
    write(&w, "ledger.csv", "1,斉藤 優子,サイトウ ユウコ,1990-09-09,090-3333-0001,old@example.jp,2020-01-01\n2,森 和夫,モリ カズオ,1960-01-01,090-3333-0002,,\n");
    write(&w, "web.csv", "W9,斉藤 優子,サイトウ ユウコ,1990-09-09,090-3333-0001,web@example.jp,2026-12-01\n");
    run(&w);
    assert_eq!(w.count("SELECT count(*) FROM customers WHERE merged_into IS NULL"), CROWD + 2, "the web record merged into her");
    let rows = export(&w);
    let c = row_of(&rows, "顧客番号", &k);
    assert_eq!(c["氏名"], "齋藤 優子");
    assert_eq!(c["姓"], "齋藤");
    assert_eq!(c["メール"], "YUKO@example.jp", "normalised like an imported e-mail (the domain folded)");
    assert!(c["固定"].contains("氏名") && c["固定"].contains("メール"), "{:?}", c["固定"]);
    assert_eq!(c["元レコード数"], "2");
    w.run(["show", "--db", "karte.db", &k]).ok().stdout_has("氏名: 齋藤 優子  ← 手入力で固定 (pinned by a person, ");

    // Taken back: the records decide again.
    w.run(["golden", "unset", "--db", "karte.db", &k, "name"]).ok();
    run(&w);
    assert_eq!(row_of(&export(&w), "顧客番号", &k)["氏名"], "斉藤 優子");
}

#[test]
fn issue17_13_a_pinned_value_that_is_not_a_value_of_its_field_is_refused() {
    let w = Workdir::new();
    project(&w, &[("ledger", "ledger.csv", "")]);
    write(&w, "ledger.csv", "1,森 和夫,モリ カズオ,1960-01-01,090-3333-0002,,\n");
    run(&w);
    let golden = w.strings("SELECT mobile || birth_date FROM golden ORDER BY customer_id");
    let k = row_of(&export(&w), "携帯", "090-3333-0002")["顧客番号"].clone();
    for (field, value, says) in [
        ("携帯", "12345", "too few digits"),
        ("mobile", "03-1234-5678", "not a mobile number"),
        ("birth_date", "1960-13-45", "refused"),
        ("email", "not an address", "refused"),
        ("顧客番号", "X1", "cannot be pinned"),
        ("shoe_size", "24", "unknown field"),
    ] {
        let r = w.run(["golden", "set", "--db", "karte.db", &k, field, value]);
        assert_eq!(r.code, 2, "{field} {value}: {}\n{}", r.stdout, r.stderr);
        r.stderr_has(says);
    }
    assert_eq!(w.count("SELECT count(*) FROM pins"), 0);
    assert_eq!(w.strings("SELECT mobile || birth_date FROM golden ORDER BY customer_id"), golden);
    w.run(["golden", "set", "--db", "karte.db", "K999999", "name", "森 和夫"]).fails().stderr_has("no customer with karte number K999999");
}

#[test]
fn issue17_13_two_customers_pinned_apart_then_merged_keep_the_survivors_pin_and_an_unmerge_gives_each_its_own() {
    let w = Workdir::new();
    project(&w, &[("ledger", "ledger.csv", ""), ("web", "web.csv", "")]);
    // Night 1: two customers (nothing in common but the name).
    write(&w, "ledger.csv", "1,斉藤 優子,サイトウ ユウコ,1990-09-09,090-3333-0001,,2020-01-01\n");
    write(&w, "web.csv", "W1,斉藤 優子,サイトウ ユウコ,1985-05-05,090-7777-0009,,2021-01-01\n");
    run(&w);
    let rows = export(&w);
    let (ka, kb) = (row_of(&rows, "携帯", "090-3333-0001")["顧客番号"].clone(), row_of(&rows, "携帯", "090-7777-0009")["顧客番号"].clone());
    assert_ne!(ka, kb, "two customers on night 1");
    w.run(["golden", "set", "--db", "karte.db", &ka, "備考", "Aの固定メモ"]).ok();
    w.run(["golden", "set", "--db", "karte.db", &kb, "備考", "Bの固定メモ"]).ok();
    w.run(["golden", "set", "--db", "karte.db", &kb, "メール", "b@example.jp"]).ok();
    // Night 2: the web booking is corrected — the same person after all.
    write(&w, "web.csv", "W1,斉藤 優子,サイトウ ユウコ,1990-09-09,090-3333-0001,,2021-01-01\n");
    run(&w);
    assert_eq!(w.count("SELECT count(*) FROM customers WHERE merged_into IS NULL"), CROWD + 1, "merged on night 2");
    let rows = export(&w);
    let c = row_of(&rows, "携帯", "090-3333-0001");
    assert_eq!(c["顧客番号"], ka, "the survivor (the older customer) keeps its number");
    assert_eq!(c["備考"], "Aの固定メモ", "conflicting pins: the survivor's");
    assert_eq!(c["メール"], "b@example.jp", "the absorbed customer's pin where the survivor has none");
    // The overridden pin is recorded and shown; the absorbed number finds her.
    let r = w.run(["show", "--db", "karte.db", &kb]);
    r.ok().stdout_has(&format!("顧客番号: {ka}")).stdout_has("統合で優先されなかった固定値: Bの固定メモ");
    // Unmerged: each customer has its own number and its own pins again.
    let survivor = c["顧客ID"].clone();
    w.run(["unmerge", "--db", "karte.db", &survivor]).ok();
    w.run(["export", "--db", "karte.db", "out/customers.csv"]).ok();
    let rows = export(&w);
    let a = row_of(&rows, "顧客番号", &ka);
    let b = row_of(&rows, "顧客番号", &kb);
    assert_eq!((a["備考"].as_str(), a["メール"].as_str()), ("Aの固定メモ", ""));
    assert_eq!((b["備考"].as_str(), b["メール"].as_str()), ("Bの固定メモ", "b@example.jp"));
}
