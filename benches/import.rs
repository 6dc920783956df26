//! Import benchmark: generates a 1,000,000-row CP932 POS export and a
//! 200,000-row Excel ledger (once, under target/bench-data), imports each
//! into a fresh karte database with the release binary, and prints rows per
//! second and the peak resident memory of the karte process.
//!
//! Run with `cargo bench --bench import` (add `-- --rows N --xlsx-rows M`
//! for other sizes). It prints figures; it asserts nothing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const SURNAMES: &[&str] = &[
    "佐藤",
    "鈴木",
    "高橋",
    "髙橋",
    "田中",
    "伊藤",
    "渡辺",
    "渡邊",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "齋藤",
    "清水",
    "山崎",
    "森",
    "池田",
    "橋本",
    "阿部",
    "石川",
    "勅使河原",
];
const GIVEN: &[&str] =
    &["太郎", "一郎", "花子", "美咲", "健太", "さくら", "翔", "由美子", "大輔", "陽菜", "蓮", "結衣", "大翔", "美穂", "健一"];
const KANA_S: &[&str] = &[
    "ｻﾄｳ",
    "ｽｽﾞｷ",
    "ﾀｶﾊｼ",
    "ﾀｶﾊｼ",
    "ﾀﾅｶ",
    "ｲﾄｳ",
    "ﾜﾀﾅﾍﾞ",
    "ﾜﾀﾅﾍﾞ",
    "ﾔﾏﾓﾄ",
    "ﾅｶﾑﾗ",
    "ｺﾊﾞﾔｼ",
    "ｶﾄｳ",
    "ﾖｼﾀﾞ",
    "ﾔﾏﾀﾞ",
    "ｻｻｷ",
    "ﾔﾏｸﾞﾁ",
    "ﾏﾂﾓﾄ",
    "ｲﾉｳｴ",
    "ｷﾑﾗ",
    "ﾊﾔｼ",
    "ｻｲﾄｳ",
    "ｻｲﾄｳ",
    "ｼﾐｽﾞ",
    "ﾔﾏｻﾞｷ",
    "ﾓﾘ",
    "ｲｹﾀﾞ",
    "ﾊｼﾓﾄ",
    "ｱﾍﾞ",
    "ｲｼｶﾜ",
    "ﾃｼｶﾞﾜﾗ",
];
const ITEMS: &[(&str, u32)] = &[
    ("カット", 4400),
    ("カット＋カラー", 9900),
    ("パーマ", 8800),
    ("ヘッドスパ①", 3300),
    ("トリートメント(㈱ミルボン)", 2200),
    ("シャンプー", 1650),
];
const STAFF: &[&str] = &["佐藤", "鈴木", "中村", "伊藤"];

/// A tiny deterministic generator (xorshift), so runs compare.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() % xs.len() as u64) as usize]
    }
}

fn gen_csv(path: &Path, rows: usize) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut text = String::with_capacity(rows * 110);
    text.push_str("伝票番号,売上日,顧客コード,顧客名,電話番号,商品コード,商品名,数量,単価,金額,担当者\r\n");
    let customers = (rows / 4).max(1) as u64;
    for i in 0..rows {
        let c = rng.next() % customers;
        let s = (c % SURNAMES.len() as u64) as usize;
        let g = ((c / 7) % GIVEN.len() as u64) as usize;
        let name = if c.is_multiple_of(3) { format!("{} {}", KANA_S[s], "ﾀﾛｳ") } else { format!("{}　{}", SURNAMES[s], GIVEN[g]) };
        let (item, price) = *rng.pick(ITEMS);
        let qty = 1 + rng.next() % 2;
        let phone = if c.is_multiple_of(2) {
            format!("090-{:04}-{:04}", 1000 + c % 9000, (c / 10000) % 10000)
        } else {
            format!("03{:08}", 30_000_000 + c % 60_000_000)
        };
        let _ = write!(
            text,
            "R{:08},2024/{:02}/{:02},A{:06},{},{},P{:03},{},{},{},{},{}\r\n",
            i,
            1 + rng.next() % 12,
            1 + rng.next() % 28,
            c,
            name,
            phone,
            rng.next() % 100,
            item,
            qty,
            price,
            price as u64 * qty,
            rng.pick(STAFF)
        );
    }
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable, "bench data must be CP932-clean");
    std::fs::write(path, bytes).expect("write csv");
}

fn gen_xlsx(path: &Path, rows: usize) {
    use rust_xlsxwriter::{Format, Workbook};
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy/m/d");
    let ws = wb.add_worksheet_with_constant_memory().expect("worksheet");
    ws.set_name("顧客台帳").expect("name");
    ws.write_string(0, 0, "美容室さくら 顧客台帳").expect("write");
    let header = ["顧客No", "氏名", "フリガナ", "性別", "生年月日", "電話番号", "携帯", "〒", "住所", "メール", "初回来店", "備考"];
    for (j, h) in header.iter().enumerate() {
        ws.write_string(2, j as u16, *h).expect("write");
    }
    for i in 0..rows {
        let r = (i + 3) as u32;
        let s = (rng.next() % SURNAMES.len() as u64) as usize;
        let g = *rng.pick(GIVEN);
        ws.write_string(r, 0, format!("A{:06}", i)).expect("write");
        ws.write_string(r, 1, format!("{}　{}", SURNAMES[s], g)).expect("write");
        ws.write_string(r, 2, format!("{} ﾀﾛｳ", KANA_S[s])).expect("write");
        ws.write_string(r, 3, if i.is_multiple_of(2) { "男" } else { "女" }).expect("write");
        ws.write_number_with_format(r, 4, 20000.0 + (rng.next() % 20000) as f64, &date).expect("write");
        ws.write_number(r, 5, 330_000_000.0 + (rng.next() % 60_000_000) as f64).expect("write");
        ws.write_string(r, 6, format!("090-{:04}-{:04}", 1000 + rng.next() % 9000, rng.next() % 10000)).expect("write");
        ws.write_number(r, 7, 1_500_000.0 + (rng.next() % 99_999) as f64).expect("write");
        ws.write_string(r, 8, format!("東京都世田谷区三軒茶屋{}丁目{}-{}", 1 + rng.next() % 4, 1 + rng.next() % 30, 1 + rng.next() % 20))
            .expect("write");
        ws.write_string(r, 9, format!("user{i}@example.jp")).expect("write");
        ws.write_number_with_format(r, 10, 40000.0 + (rng.next() % 5000) as f64, &date).expect("write");
        if i.is_multiple_of(5) {
            ws.write_string(r, 11, "カラー希望").expect("write");
        }
    }
    wb.save(path).expect("save xlsx");
}

const POS_MAPPING: &str = r#"
[source]
name = "bench_pos"
rows = "event"
natural_key = ["伝票番号"]
[fields]
customer_no = "顧客コード"
name = "顧客名"
phone = "電話番号"
[event]
kind = "purchase"
number = "伝票番号"
date = "売上日"
item = "商品名"
quantity = "数量"
amount = "金額"
staff = "担当者"
"#;

const LEDGER_MAPPING: &str = r#"
[source]
name = "bench_ledger"
natural_key = ["顧客No"]
[fields]
customer_no = "顧客No"
name = "氏名"
kana = "フリガナ"
gender = "性別"
birth_date = "生年月日"
phone = "電話番号"
mobile = "携帯"
postal_code = "〒"
address = "住所"
email = "メール"
first_visit = "初回来店"
note = "備考"
"#;

/// Runs karte and returns (wall seconds, peak RSS in MiB of that process).
fn run_karte(args: &[&std::ffi::OsStr]) -> (f64, f64) {
    use std::io::Read;
    let start = Instant::now();
    // The child is reaped by wait4 below, which also gives its peak RSS.
    #[allow(clippy::zombie_processes)]
    let mut child = Command::new(env!("CARGO_BIN_EXE_karte"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run karte");
    let mut stdout = String::new();
    let mut stderr = String::new();
    child.stdout.take().expect("piped").read_to_string(&mut stdout).expect("stdout");
    child.stderr.take().expect("piped").read_to_string(&mut stderr).expect("stderr");
    // SAFETY: wait4 reaps exactly this child and fills the two values we
    // pass; the std handle is not waited on afterwards.
    let (status, rss_kib) = unsafe {
        let mut status: libc::c_int = 0;
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage);
        (status, usage.ru_maxrss as f64)
    };
    let secs = start.elapsed().as_secs_f64();
    if status != 0 {
        eprintln!("{stdout}\n{stderr}");
        panic!("karte failed");
    }
    print!("{}", stdout.lines().filter(|l| l.starts_with("  ")).map(|l| format!("    {l}\n")).collect::<String>());
    (secs, rss_kib / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: usize| -> usize {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    let rows = arg("--rows", 1_000_000);
    let xlsx_rows = arg("--xlsx-rows", 200_000);
    let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench dir");

    let csv = dir.join(format!("pos_{rows}_v3.csv"));
    if !csv.exists() {
        eprintln!("generating {}", csv.display());
        gen_csv(&csv, rows);
    }
    let xlsx = dir.join(format!("ledger_{xlsx_rows}_v3.xlsx"));
    if !xlsx.exists() {
        eprintln!("generating {}", xlsx.display());
        gen_xlsx(&xlsx, xlsx_rows);
    }
    let pos_map = dir.join("bench_pos.toml");
    std::fs::write(&pos_map, POS_MAPPING).expect("mapping");
    let ledger_map = dir.join("bench_ledger.toml");
    std::fs::write(&ledger_map, LEDGER_MAPPING).expect("mapping");

    println!("karte import benchmark ({} cores)", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    for (label, file, map, n) in [("CP932 CSV", &csv, &pos_map, rows), ("xlsx", &xlsx, &ledger_map, xlsx_rows)] {
        let db = dir.join("bench.db");
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
        }
        let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        println!("  {label}: {} rows, {:.1} MiB", n, size as f64 / 1048576.0);
        let (secs, rss) =
            run_karte(&["import".as_ref(), "--db".as_ref(), db.as_os_str(), "--mapping".as_ref(), map.as_os_str(), file.as_os_str()]);
        println!("  {label}: {secs:.2} s, {:.0} rows/s, peak RSS {rss:.0} MiB", n as f64 / secs);
    }
}
