//! The readers' fuzzing core, shared by `benches/fuzz_readers.rs` (the long
//! run, `benches/fuzz_readers.sh`) and the short run in `cargo test`
//! (`tests/karte/readers.rs`).
//!
//! Inputs are the committed reader fixtures (every xlsx, xls, ods, CSV
//! encoding and card file in `tests/fixtures/readers/`), mutated: zip
//! workbooks part by part (a part's XML mutated, then zipped again, so the
//! mutations reach calamine instead of failing the zip's CRC), everything
//! else byte by byte (bit flips, interesting numbers in 16/32-bit fields,
//! inserted control bytes, quotes, delimiters, colons and separators,
//! deleted, duplicated and spliced runs). Each input goes through
//! `karte::import::parse` and every row of every table is streamed, as an
//! import would. A panic anywhere (also one caught inside the readers) is
//! counted by the panic hook; allocations are counted by [`Counting`], which
//! refuses (and so aborts the process on) any single allocation over
//! [`CAP`], after writing which input asked for it.

#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// No single allocation may be larger than this.
pub const CAP: usize = 1 << 30;

pub static LIVE: AtomicUsize = AtomicUsize::new(0);
pub static PEAK: AtomicUsize = AtomicUsize::new(0);
pub static LARGEST: AtomicUsize = AtomicUsize::new(0);
pub static CURRENT: AtomicU64 = AtomicU64::new(u64::MAX);
pub static PANICS: AtomicU64 = AtomicU64::new(0);

/// The system allocator, counting live and peak bytes and the largest
/// request, refusing requests over [`CAP`].
pub struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if !admit(l.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            grow(l.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        if !admit(l.size()) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc_zeroed(l) };
        if !p.is_null() {
            grow(l.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        if !admit(new) {
            return std::ptr::null_mut();
        }
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            LIVE.fetch_sub(l.size(), Ordering::Relaxed);
            grow(new);
        }
        q
    }
}

fn admit(size: usize) -> bool {
    LARGEST.fetch_max(size, Ordering::Relaxed);
    if size <= CAP {
        return true;
    }
    // No allocation here: format the input's number by hand.
    let mut buf = *b"fuzz: an allocation of more than 1 GiB was asked for by input                     \n";
    let mut n = CURRENT.load(Ordering::Relaxed);
    let mut i = buf.len() - 2;
    loop {
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 || i == 64 {
            break;
        }
        i -= 1;
    }
    unsafe { libc::write(2, buf.as_ptr().cast(), buf.len()) };
    false
}

fn grow(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

/// The crate's deterministic generator, each fuzz seed spread over the
/// whole state first (seeds 1, 2, 3 … would start alike).
pub use karte::rng::Rng;

pub fn rng_for(seed: u64) -> Rng {
    Rng::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
}

/// A seed file: its name and bytes, and its zip parts when it is a zip.
pub struct Seed {
    pub name: String,
    pub bytes: Vec<u8>,
    pub parts: Option<Vec<(String, Vec<u8>)>>,
}

/// The reader fixtures, but for the 1.8 MB `many-sheets.xlsx` (its parts
/// are all alike) when present.
pub fn seeds(dir: &Path) -> Vec<Seed> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).expect("fixtures").filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".md") || name.starts_with("many-sheets") {
            continue;
        }
        let bytes = std::fs::read(&f).expect("fixture");
        if bytes.is_empty() {
            continue;
        }
        let parts = unzip(&bytes);
        out.push(Seed { name, bytes, parts });
    }
    out
}

fn unzip(bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut parts = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).ok()?;
        let mut data = Vec::new();
        f.read_to_end(&mut data).ok()?;
        parts.push((f.name().ok()?.into_owned(), data));
    }
    Some(parts)
}

fn zip_parts(parts: &[(String, Vec<u8>)], store_first: bool) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (i, (name, data)) in parts.iter().enumerate() {
        let method = if store_first && i == 0 { zip::CompressionMethod::Stored } else { zip::CompressionMethod::Deflated };
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        if w.start_file(name.as_str(), opts).is_err() || w.write_all(data).is_err() {
            return Vec::new();
        }
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

const TOKENS: &[&[u8]] = &[
    b"\x00",
    b"\x1b[2J",
    b"\x07",
    b"\r",
    b"\n",
    b"\r\n",
    b"\"",
    b",",
    b"\t",
    b";",
    "：".as_bytes(),
    b":",
    b"----",
    "\u{3000}".as_bytes(),
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x82\xa0",
    b"\xe3\x81",
    b"#",
    b"\\",
    b"=cmd|' /C calc'!A0",
    b"_x001B_",
    b"99999999",
    b"4294967295",
    b"-1",
    b"0",
    b"1048576",
    b"XFD1048576",
    b" r=\"XFD1048576\"",
    b" t=\"e\"",
    b"<v>#SPILL!</v>",
    b"<f>A1*2</f>",
    b" t=\"s\"",
    b"<v>4294967295</v>",
    b" table:number-rows-repeated=\"1000000\"",
    b" table:number-columns-repeated=\"16384\"",
    b" office:value-type=\"float\" office:value=\"1\"",
    b"<c r=\"A1\">",
    b"</row>",
    b"<row r=\"1048576\">",
    b" si=\"999999999\" t=\"shared\" ref=\"A1:XFD1048576\"",
    b"uniqueCount=\"4000000000\"",
    b"<![CDATA[",
    b"&#0;",
    b"&amp;",
    b"]]>",
    b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
    "カルテNo：".as_bytes(),
    "氏名：".as_bytes(),
    "来店履歴：".as_bytes(),
];

const INTERESTING16: [u16; 7] = [0, 1, 0x7FFF, 0x8000, 0xFFFF, 0x00FF, 0x0100];
const INTERESTING32: [u32; 6] = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x0010_0000];

/// Mutates `b` in place with 1 to 8 mutations.
pub fn mutate_bytes(rng: &mut Rng, b: &mut Vec<u8>, other: &[u8]) {
    let n = 1 + rng.below(8);
    for _ in 0..n {
        let len = b.len();
        match rng.below(11) {
            0 if len > 0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                b[i] = [0u8, 0xFF, 0x7F, 0x80, 0x20, 0x0A][rng.below(6)];
            }
            2 if len >= 2 => {
                let i = rng.below(len - 1);
                let v = INTERESTING16[rng.below(INTERESTING16.len())].to_le_bytes();
                b[i..i + 2].copy_from_slice(&v);
            }
            3 if len >= 4 => {
                let i = rng.below(len - 3);
                let v = INTERESTING32[rng.below(INTERESTING32.len())].to_le_bytes();
                b[i..i + 4].copy_from_slice(&v);
            }
            4 | 5 => {
                let i = rng.below(len + 1);
                let t = TOKENS[rng.below(TOKENS.len())];
                b.splice(i..i, t.iter().copied());
            }
            6 if len > 0 => {
                let i = rng.below(len);
                let j = (i + 1 + rng.below(64)).min(len);
                b.drain(i..j);
            }
            7 if len > 0 => {
                let i = rng.below(len);
                let j = (i + 1 + rng.below(256)).min(len);
                let chunk: Vec<u8> = b[i..j].to_vec();
                let at = rng.below(len + 1);
                let times = 1 + rng.below(4);
                for _ in 0..times {
                    b.splice(at..at, chunk.iter().copied());
                }
            }
            8 if !other.is_empty() => {
                let i = rng.below(other.len());
                let j = (i + 1 + rng.below(128)).min(other.len());
                let at = rng.below(len + 1);
                b.splice(at..at, other[i..j].iter().copied());
            }
            9 if len > 0 => {
                // Truncate.
                let keep = rng.below(len);
                b.truncate(keep.max(1));
            }
            _ if len > 0 => {
                let i = rng.below(len);
                b[i] = rng.next_u64() as u8;
            }
            _ => b.push(rng.next_u64() as u8),
        }
        if b.len() > 4 << 20 {
            b.truncate(4 << 20);
        }
    }
}

/// One mutated input from the seeds: its file name and bytes.
pub fn input(rng: &mut Rng, seeds: &[Seed]) -> (String, Vec<u8>) {
    let s = &seeds[rng.below(seeds.len())];
    let other = &seeds[rng.below(seeds.len())].bytes;
    let mut name = s.name.clone();
    if rng.below(20) == 0 {
        // Now and then under another format's name.
        name = format!("x.{}", ["xlsx", "xls", "ods", "csv", "txt", "tsv", "xlsm", "bin"][rng.below(8)]);
    }
    let bytes = match &s.parts {
        Some(parts) if rng.below(5) != 0 => {
            let mut parts = parts.clone();
            let k = 1 + rng.below(2);
            for _ in 0..k {
                // Mostly the parts with cells.
                let i = if rng.below(3) == 0 {
                    rng.below(parts.len())
                } else {
                    parts
                        .iter()
                        .position(|(n, _)| n.contains("sheet") || n == "content.xml" || n.contains("sharedStrings"))
                        .map(|first| {
                            let cands: Vec<usize> = (first..parts.len())
                                .filter(|&j| {
                                    parts[j].0.contains("sheet") || parts[j].0 == "content.xml" || parts[j].0.contains("sharedStrings")
                                })
                                .collect();
                            cands[rng.below(cands.len())]
                        })
                        .unwrap_or(0)
                };
                mutate_bytes(rng, &mut parts[i].1, other);
            }
            zip_parts(&parts, parts.first().is_some_and(|p| p.0 == "mimetype"))
        }
        _ => {
            let mut b = s.bytes.clone();
            mutate_bytes(rng, &mut b, other);
            b
        }
    };
    (name, bytes)
}

/// Aborts the process, naming the input, when one input has been read for
/// more than `secs` seconds (a reader that loops for ever would otherwise
/// stall the run without a word).
pub fn watchdog(secs: u64) {
    std::thread::spawn(move || {
        let mut last = (u64::MAX, std::time::Instant::now());
        loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
            let now = CURRENT.load(Ordering::Relaxed);
            if now != last.0 {
                last = (now, std::time::Instant::now());
            } else if last.1.elapsed().as_secs() > secs {
                eprintln!("fuzz: input {now} has been read for more than {secs} s: a reader loops; aborting");
                std::process::abort();
            }
        }
    });
}

/// What a run did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Figures {
    pub inputs: u64,
    pub read: u64,
    pub refused: u64,
    pub rows: u64,
    pub panics: u64,
}

/// Installs the panic hook that counts (and, quietly, stays quiet).
pub fn count_panics(print_first: bool) {
    let first = std::sync::atomic::AtomicBool::new(print_first);
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::Relaxed);
        if first.swap(false, Ordering::Relaxed) {
            eprintln!("fuzz: input {} panicked: {info}", CURRENT.load(Ordering::Relaxed));
        }
    }));
}

/// Reads one input as an import would: detect, decode, parse, stream every row.
pub fn read_one(name: &str, bytes: Vec<u8>, format: Option<karte::import::Format>, figures: &mut Figures) {
    use karte::import::{parse, RawFile, ReadOptions};
    let raw = RawFile { name: name.to_string(), path: PathBuf::from(name), bytes, hash: String::new() };
    let opts = ReadOptions { format, ..ReadOptions::default() };
    let before = PANICS.load(Ordering::Relaxed);
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match parse(raw, &opts) {
        Ok(file) => {
            let mut rows = 0u64;
            for t in &file.tables {
                let ctx = karte::model::Location { file: file.name.clone(), ..Default::default() };
                let _ = t.for_each_row(&ctx, |r| {
                    rows += 1;
                    drop(r);
                    Ok(())
                });
            }
            Some(rows)
        }
        Err(_) => None,
    }));
    figures.inputs += 1;
    match out {
        Ok(Some(rows)) => {
            figures.read += 1;
            figures.rows += rows;
        }
        Ok(None) => figures.refused += 1,
        Err(_) => {}
    }
    figures.panics += PANICS.load(Ordering::Relaxed) - before;
}

/// Runs `n` inputs from `seed`; `report` is called every `every` inputs.
pub fn run(dir: &Path, seed: u64, n: u64, every: u64, mut report: impl FnMut(&Figures)) -> Figures {
    let seeds = seeds(dir);
    let mut rng = rng_for(seed);
    let mut figures = Figures::default();
    let dump: Option<u64> = std::env::var("FUZZ_DUMP").ok().and_then(|v| v.parse().ok());
    for i in 0..n {
        CURRENT.store(seed.wrapping_mul(1_000_000_000).wrapping_add(i), Ordering::Relaxed);
        let (name, bytes) = input(&mut rng, &seeds);
        if dump == Some(i) {
            // FUZZ_DUMP=N writes input N to the working directory, to look at.
            let _ = std::fs::write(format!("fuzz-input-{seed}-{i}-{name}"), &bytes);
        }
        let format = match rng.below(12) {
            0 => Some(karte::import::Format::Cards),
            1 => Some(karte::import::Format::Csv),
            _ => None,
        };
        read_one(&name, bytes, format, &mut figures);
        if every > 0 && (i + 1) % every == 0 {
            report(&figures);
        }
    }
    figures
}
