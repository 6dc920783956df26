//! Character-encoding detection and decoding for text sources (CSV, TSV and
//! card transcriptions).
//!
//! Detection looks at the whole file, not a first-kilobytes sniff, in this
//! order (see `shared/JAPANESE-DATA.md` §2.2):
//! 1. a byte-order mark: UTF-8, UTF-16LE or UTF-16BE;
//! 2. strict UTF-8 (pure ASCII counts as UTF-8);
//! 3. strict CP932 (Windows-31J: `encoding_rs::SHIFT_JIS` decodes like
//!    Windows, with the NEC and IBM extensions ①, ㈱, 髙);
//! 4. strict EUC-JP, then ISO-2022-JP;
//! 5. only then a statistical guess (chardetng with the `.jp` hint), which is
//!    reported as a guess together with the number of bytes that did not
//!    decode.
//!
//! Bytes that do not decode become U+FFFD and are reported with their line;
//! user-defined (gaiji) characters, which decode to the Private Use Area, are
//! reported too. A BOM in the middle of the text (two exports concatenated)
//! is removed and counted.

use encoding_rs::{DecoderResult, Encoding, EUC_JP, ISO_2022_JP, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8};

use crate::model::{Location, Problem, Severity};

/// How sure the detector is of the encoding it chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confidence {
    /// Given with `--encoding` or in the mapping.
    Declared,
    /// A byte-order mark says so.
    Bom,
    /// Every byte is ASCII: any of the Japanese encodings reads it the same.
    Ascii,
    /// The whole file decodes without a single error in this encoding and in
    /// none tried before it.
    Strict,
    /// The whole file decodes in this encoding and in another one as well;
    /// this one gives the more plausible Japanese text.
    Likely,
    /// Nothing decodes the whole file cleanly: a statistical guess.
    Guess,
}

impl Confidence {
    pub fn describe(self) -> &'static str {
        match self {
            Confidence::Declared => "declared",
            Confidence::Bom => "certain (byte-order mark)",
            Confidence::Ascii => "certain (ASCII only)",
            Confidence::Strict => "high (whole file decodes without errors)",
            Confidence::Likely => "medium (whole file also decodes in another encoding)",
            Confidence::Guess => "low (statistical guess; some bytes do not decode)",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Declared => "declared",
            Confidence::Bom => "bom",
            Confidence::Ascii => "ascii",
            Confidence::Strict => "strict",
            Confidence::Likely => "likely",
            Confidence::Guess => "guess",
        }
    }
}

/// A decoded text file.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    pub confidence: Confidence,
    /// Undecodable bytes (with their line), gaiji, BOMs found mid-text.
    pub problems: Vec<Problem>,
    /// How many bytes did not decode (each became U+FFFD).
    pub undecodable: usize,
    /// The name to show when it is not `encoding`'s: UTF-32, which
    /// encoding_rs does not have, or a file of two encodings.
    pub label: Option<&'static str>,
}

impl Decoded {
    /// The encoding's name as users know it (CP932 rather than Shift_JIS,
    /// since that is what `encoding_rs::SHIFT_JIS` really is).
    pub fn encoding_name(&self) -> &'static str {
        self.label.unwrap_or_else(|| encoding_display_name(self.encoding))
    }
}

/// UTF-32 text, little- or big-endian: with a BOM (`FF FE 00 00`, `00 00
/// FE FF`), or without one when every fourth byte pattern says so (each
/// code unit's top byte zero, many of them ASCII). encoding_rs has no
/// UTF-32, and read as UTF-16 the text would be mojibake with NULs.
pub fn decode_utf32(bytes: &[u8], file: &str) -> Option<Decoded> {
    let (le, body, confidence) = if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        (true, &bytes[4..], Confidence::Bom)
    } else if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        (false, &bytes[4..], Confidence::Bom)
    } else {
        if bytes.len() < 8 || !bytes.len().is_multiple_of(4) {
            return None;
        }
        let units = bytes.len() / 4;
        let sample = units.min(4096);
        let le_like = (0..sample).filter(|&i| bytes[i * 4 + 3] == 0 && bytes[i * 4 + 2] <= 0x10 && bytes[i * 4] != 0).count();
        let be_like = (0..sample).filter(|&i| bytes[i * 4] == 0 && bytes[i * 4 + 1] <= 0x10 && bytes[i * 4 + 3] != 0).count();
        if le_like == sample {
            (true, bytes, Confidence::Likely)
        } else if be_like == sample {
            (false, bytes, Confidence::Likely)
        } else {
            return None;
        }
    };
    let mut text = String::with_capacity(body.len() / 2);
    let mut errors: Vec<LostBytes> = Vec::new();
    let mut line = 1u64;
    for unit in body.chunks(4) {
        let v = match (unit.len(), le) {
            (4, true) => u32::from_le_bytes([unit[0], unit[1], unit[2], unit[3]]),
            (4, false) => u32::from_be_bytes([unit[0], unit[1], unit[2], unit[3]]),
            _ => u32::MAX,
        };
        match char::from_u32(v) {
            Some(c) => {
                if c == '\n' {
                    line += 1;
                }
                text.push(c);
            }
            None => {
                match errors.last_mut() {
                    Some((l, n)) if *l == line => *n += unit.len(),
                    _ => errors.push((line, unit.len())),
                }
                text.push('\u{FFFD}');
            }
        }
    }
    let mut d = finish(text, UTF_16LE, confidence, errors, file);
    d.label = Some(if le { "UTF-32LE" } else { "UTF-32BE" });
    for p in &mut d.problems {
        p.message = p.message.replace("UTF-16LE", d.label.unwrap_or("UTF-32"));
    }
    Some(d)
}

/// A file whose lines are each valid UTF-8 or valid CP932, with both kinds
/// present (a UTF-8 export and a CP932 export joined together): each line
/// is decoded in its own encoding, and the CP932 lines are named. `None`
/// when the file is not such a mixture.
fn decode_mixed(bytes: &[u8], file: &str) -> Option<Decoded> {
    // First, cheaply: do non-ASCII UTF-8 lines exist at all (three
    // characters or more, so a CP932 line that happens to be valid UTF-8
    // does not count)? A plain CP932 file stops here.
    let utf8_chars: usize = bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_ascii())
        .filter_map(|l| std::str::from_utf8(l).ok())
        .map(|s| s.chars().filter(|c| !c.is_ascii()).count())
        .sum();
    if utf8_chars < 3 {
        return None;
    }
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut cp932_lines: Vec<u64> = Vec::new();
    let mut utf8_non_ascii = false;
    for (i, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        match std::str::from_utf8(line) {
            Ok(s) => {
                utf8_non_ascii |= !s.is_ascii();
                text.push_str(s);
            }
            Err(_) => {
                let s = SHIFT_JIS.decode_without_bom_handling_and_without_replacement(line)?;
                text.push_str(&s);
                cp932_lines.push(i as u64 + 1);
            }
        }
    }
    if !utf8_non_ascii || cp932_lines.is_empty() {
        return None;
    }
    let mut d = finish(text, UTF_8, Confidence::Guess, Vec::new(), file);
    d.label = Some("UTF-8 + CP932");
    // Name the runs of CP932 lines.
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for l in &cp932_lines {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == *l => *end = *l,
            _ => runs.push((*l, *l)),
        }
    }
    let listed: Vec<String> =
        runs.iter().take(10).map(|(a, b)| if a == b { format!("line {a}") } else { format!("lines {a}–{b}") }).collect();
    let more = if runs.len() > 10 { format!(" and {} more run(s)", runs.len() - 10) } else { String::new() };
    d.problems.insert(
        0,
        Problem::new(
            Severity::Warning,
            "mixed_encoding",
            Location { file: file.to_string(), sheet: String::new(), row: runs[0].0, column: None },
            format!(
                "the file mixes two encodings: {}{more} ({} line(s) in all) are CP932, the rest UTF-8 (two exports joined together?); each line was read in its own encoding — check those lines, and save the file in one encoding",
                listed.join(", "),
                cp932_lines.len()
            ),
        ),
    );
    Some(d)
}

pub fn encoding_display_name(enc: &'static Encoding) -> &'static str {
    if enc == SHIFT_JIS {
        "CP932"
    } else {
        enc.name()
    }
}

/// Parses an encoding name given by a user: the WHATWG labels plus the
/// names Japanese users know (cp932, ms932, sjis, windows-31j, utf-8-sig).
pub fn parse_encoding(label: &str) -> Option<&'static Encoding> {
    let l = label.trim().to_ascii_lowercase().replace('_', "-");
    match l.as_str() {
        "cp932" | "ms932" | "windows-31j" | "sjis" | "shift-jis" | "shiftjis" | "x-sjis" | "mskanji" => Some(SHIFT_JIS),
        "utf8" | "utf-8" | "utf-8-sig" | "utf8-sig" | "utf-8-bom" => Some(UTF_8),
        "utf16" | "utf-16" | "utf-16le" | "utf16le" => Some(UTF_16LE),
        "utf-16be" | "utf16be" => Some(UTF_16BE),
        "eucjp" | "euc-jp" => Some(EUC_JP),
        "jis" | "iso-2022-jp" => Some(ISO_2022_JP),
        _ => Encoding::for_label(l.as_bytes()),
    }
}

/// Why a file could not be decoded at all.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("{file} was declared {declared} but is not: {undecodable} byte(s) do not decode, the first on line {first_line}{hint}")]
    NotDeclaredEncoding { file: String, declared: &'static str, undecodable: usize, first_line: u64, hint: String },
}

/// Decodes `bytes`, detecting the encoding unless one is declared.
///
/// A declared encoding that the file does not fit, where another encoding
/// reads it cleanly, is an error (the declaration is wrong and importing
/// would store mojibake); where nothing fits, the declared one is used and
/// every undecodable byte is reported.
pub fn decode(bytes: &[u8], declared: Option<&'static Encoding>, file: &str) -> Result<Decoded, DecodeError> {
    // A BOM always wins over a declaration of the same family and is never
    // part of the text.
    let bom = Encoding::for_bom(bytes);
    if let Some(enc) = declared {
        let body = match bom {
            Some((b, len)) if b == enc => &bytes[len..],
            _ => bytes,
        };
        let (text, errors) = decode_reporting(enc, body);
        if !errors.is_empty() {
            if let Some((other, _)) = strict_candidates(bytes).into_iter().next() {
                if other != enc {
                    let first_line = errors[0].0;
                    return Err(DecodeError::NotDeclaredEncoding {
                        file: file.to_string(),
                        declared: encoding_display_name(enc),
                        undecodable: errors.iter().map(|e| e.1).sum(),
                        first_line,
                        hint: format!(
                            "; the whole file decodes cleanly as {} — use --encoding {} or leave the encoding on auto",
                            encoding_display_name(other),
                            encoding_display_name(other).to_ascii_lowercase()
                        ),
                    });
                }
            }
        }
        return Ok(finish(text, enc, Confidence::Declared, errors, file));
    }

    if let Some((enc, len)) = bom {
        let (text, errors) = decode_reporting(enc, &bytes[len..]);
        return Ok(finish(text, enc, Confidence::Bom, errors, file));
    }
    if bytes.is_ascii() {
        let text = String::from_utf8(bytes.to_vec()).expect("ASCII is UTF-8");
        return Ok(finish(text, UTF_8, Confidence::Ascii, Vec::new(), file));
    }
    // A UTF-8 export and a CP932 export joined together: every line reads
    // in one of the two (the whole may also read as CP932, in mojibake).
    if std::str::from_utf8(bytes).is_err() {
        if let Some(d) = decode_mixed(bytes, file) {
            return Ok(d);
        }
    }
    let candidates = strict_candidates(bytes);
    match candidates.len() {
        0 => {}
        1 => {
            let (enc, text) = candidates.into_iter().next().expect("one");
            return Ok(finish(text, enc, Confidence::Strict, Vec::new(), file));
        }
        _ => {
            // Both CP932 and EUC-JP read every byte: a file of half-width
            // kana (CP932) or of EUC-JP kanji. Real EUC-JP text has kana or
            // Japanese punctuation; CP932 half-width kana misread as EUC-JP
            // gives kanji only. Prefer CP932, the encoding Japanese Windows
            // writes, unless only the EUC-JP reading has kana.
            let mut it = candidates.into_iter();
            let cp932 = it.next().expect("two");
            let euc = it.next().expect("two");
            let pick = if kana(&euc.1) > 0 && kana(&cp932.1) == 0 { euc } else { cp932 };
            return Ok(finish(pick.1, pick.0, Confidence::Likely, Vec::new(), file));
        }
    }

    // Nothing decodes cleanly: ask chardetng, then keep whichever of its
    // guess and the Japanese encodings loses the fewest bytes.
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    det.feed(bytes, true);
    let guessed = det.guess(Some(b"jp"), chardetng::Utf8Detection::Allow);
    let mut best: Option<(&'static Encoding, String, Vec<LostBytes>)> = None;
    for enc in [guessed, SHIFT_JIS, UTF_8, EUC_JP] {
        if best.as_ref().is_some_and(|b| b.0 == enc) {
            continue;
        }
        // A candidate that has already lost more bytes than the best one so
        // far is abandoned (a CP932 file read as UTF-8 fails on every kanji).
        let limit = best.as_ref().map(|b| b.2.iter().map(|e| e.1).sum::<usize>());
        if let Some((text, errors)) = decode_reporting_limited(enc, bytes, limit) {
            best = Some((enc, text, errors));
        }
    }
    let (enc, text, errors) = best.expect("at least one candidate");
    Ok(finish(text, enc, Confidence::Guess, errors, file))
}

/// The encodings that decode every byte of `bytes`, in detection order.
fn strict_candidates(bytes: &[u8]) -> Vec<(&'static Encoding, String)> {
    let mut out = Vec::new();
    if let Ok(s) = std::str::from_utf8(bytes) {
        out.push((UTF_8, s.to_string()));
        return out;
    }
    for enc in [SHIFT_JIS, EUC_JP] {
        if let Some(text) = enc.decode_without_bom_handling_and_without_replacement(bytes) {
            out.push((enc, text.into_owned()));
        }
    }
    if out.is_empty() && bytes.windows(3).any(|w| w == b"\x1b$B" || w == b"\x1b$@") {
        if let Some(text) = ISO_2022_JP.decode_without_bom_handling_and_without_replacement(bytes) {
            out.push((ISO_2022_JP, text.into_owned()));
        }
    }
    out
}

/// Full-width kana and Japanese punctuation (U+3001–U+30FF).
fn kana(text: &str) -> usize {
    text.chars().filter(|c| ('\u{3001}'..='\u{30FF}').contains(c)).count()
}

/// A run of bytes that did not decode: its 1-based line and its length.
type LostBytes = (u64, usize);

/// Decodes with replacement, returning the text and, for every run of bytes
/// that did not decode, its 1-based line and its length in bytes.
fn decode_reporting(enc: &'static Encoding, bytes: &[u8]) -> (String, Vec<LostBytes>) {
    decode_reporting_limited(enc, bytes, None).expect("no limit")
}

/// As [`decode_reporting`], but gives up (`None`) once more than `limit`
/// bytes have been lost.
fn decode_reporting_limited(enc: &'static Encoding, bytes: &[u8], limit: Option<usize>) -> Option<(String, Vec<LostBytes>)> {
    let mut lost = 0usize;
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 2 + 16);
    let mut errors = Vec::new();
    let mut pos = 0;
    let mut line = 1u64;
    let mut counted = 0usize; // bytes of `out` already scanned for newlines
    loop {
        let need = decoder.max_utf8_buffer_length_without_replacement(bytes.len() - pos).unwrap_or(bytes.len() * 3);
        if out.capacity() - out.len() < need {
            out.reserve(need);
        }
        let (result, read) = decoder.decode_to_string_without_replacement(&bytes[pos..], &mut out, true);
        pos += read;
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => continue,
            DecoderResult::Malformed(bad, _) => {
                lost += bad as usize;
                if limit.is_some_and(|l| lost >= l) {
                    return None;
                }
                line += memchr_count(&out.as_bytes()[counted..]);
                counted = out.len();
                match errors.last_mut() {
                    // One entry per line.
                    Some((l, n)) if *l == line => *n += bad as usize,
                    _ => errors.push((line, bad as usize)),
                }
                out.push('\u{FFFD}');
            }
        }
    }
    Some((out, errors))
}

fn memchr_count(b: &[u8]) -> u64 {
    b.iter().filter(|&&c| c == b'\n').count() as u64
}

fn finish(mut text: String, enc: &'static Encoding, confidence: Confidence, errors: Vec<(u64, usize)>, file: &str) -> Decoded {
    let mut problems = Vec::new();
    let undecodable = errors.iter().map(|e| e.1).sum();
    const LINES_LISTED: usize = 200;
    let more = errors.get(LINES_LISTED).map(|e| (errors.len() - LINES_LISTED, e.0));
    for (line, n) in errors.into_iter().take(LINES_LISTED) {
        problems.push(Problem::new(
            Severity::Warning,
            "undecodable_bytes",
            Location { file: file.to_string(), sheet: String::new(), row: line, column: None },
            format!(
                "{n} byte(s) on line {line} are not valid {}; they were replaced by U+FFFD (the rest of the line is kept)",
                encoding_display_name(enc)
            ),
        ));
    }
    if let Some((more, first)) = more {
        problems.push(Problem::new(
            Severity::Warning,
            "undecodable_bytes",
            Location { file: file.to_string(), sheet: String::new(), row: first, column: None },
            format!(
                "{more} more line(s) from line {first} on have bytes that are not valid {}: the file is probably in another encoding (try --encoding)",
                encoding_display_name(enc)
            ),
        ));
    }
    // BOMs left in the text: a concatenated export, or a BOM the
    // declaration did not expect.
    if text.contains('\u{FEFF}') {
        let n = text.matches('\u{FEFF}').count();
        let first_line = 1 + memchr_count(&text.as_bytes()[..text.find('\u{FEFF}').expect("present")]);
        text = text.replace('\u{FEFF}', "");
        problems.push(Problem::new(
            Severity::Info,
            "bom_in_text",
            Location { file: file.to_string(), sheet: String::new(), row: first_line, column: None },
            format!("{n} byte-order mark(s) inside the text (first on line {first_line}) were removed; the file may be several exports joined together"),
        ));
    }
    // Gaiji: user-defined characters decode to the Private Use Area and
    // cannot be recovered automatically; report each line once.
    if text.chars().any(|c| ('\u{E000}'..='\u{F8FF}').contains(&c)) {
        for (i, l) in text.lines().enumerate() {
            let n = l.chars().filter(|c| ('\u{E000}'..='\u{F8FF}').contains(c)).count();
            if n > 0 {
                problems.push(Problem::new(
                    Severity::Warning,
                    "gaiji",
                    Location { file: file.to_string(), sheet: String::new(), row: i as u64 + 1, column: None },
                    format!(
                        "{n} user-defined (gaiji) character(s) on line {}: kept as private-use code points; check the paper original",
                        i + 1
                    ),
                ));
            }
        }
    }
    Decoded { text, encoding: enc, confidence, problems, undecodable, label: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sjis(s: &str) -> Vec<u8> {
        SHIFT_JIS.encode(s).0.into_owned()
    }

    #[test]
    fn utf8_bom_is_certain_and_removed() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("氏名,電話\n".as_bytes());
        let d = decode(&b, None, "f.csv").unwrap();
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.confidence, Confidence::Bom);
        assert_eq!(d.text, "氏名,電話\n");
    }

    #[test]
    fn short_cp932_is_not_windows_1252() {
        // chardetng guesses windows-1252 for this; the strict decode does not.
        let d = decode(&sjis("鈴木"), None, "f.csv").unwrap();
        assert_eq!(d.encoding, SHIFT_JIS);
        assert_eq!(d.text, "鈴木");
    }

    #[test]
    fn cp932_extensions_decode() {
        let d = decode(&sjis("①㈱髙橋"), None, "f.csv").unwrap();
        assert_eq!(d.encoding_name(), "CP932");
        assert_eq!(d.text, "①㈱髙橋");
    }

    #[test]
    fn half_width_kana_is_cp932() {
        let d = decode(&sjis("ｽｽﾞｷ ｲﾁﾛｳ\n"), None, "f.csv").unwrap();
        assert_eq!(d.encoding, SHIFT_JIS);
        assert_eq!(d.text, "ｽｽﾞｷ ｲﾁﾛｳ\n");
    }

    #[test]
    fn euc_jp_kanji_and_hiragana() {
        let b = EUC_JP.encode("氏名,電話番号\nやまだ 山田太郎,03\n").0.into_owned();
        let d = decode(&b, None, "f.csv").unwrap();
        assert_eq!(d.encoding, EUC_JP);
        assert_eq!(d.text, "氏名,電話番号\nやまだ 山田太郎,03\n");
    }

    #[test]
    fn unmapped_cp932_bytes_are_reported_with_their_line() {
        let mut b = sjis("氏名\n山田\n");
        b.extend_from_slice(&[0x85, 0x40]);
        b.extend_from_slice(&sjis("田中\n"));
        let d = decode(&b, None, "f.csv").unwrap();
        assert_eq!(d.encoding, SHIFT_JIS);
        assert_eq!(d.confidence, Confidence::Guess);
        assert_eq!(d.undecodable, 1);
        assert!(d.text.contains("田中"));
        let p = d.problems.iter().find(|p| p.code == "undecodable_bytes").unwrap();
        assert_eq!(p.location.row, 3);
    }

    #[test]
    fn many_bad_lines_are_listed_up_to_a_limit_then_summarised() {
        let mut b = sjis("氏名\n");
        for _ in 0..250 {
            b.extend_from_slice(&sjis("山"));
            b.extend_from_slice(&[0x85, 0x40]);
            b.extend_from_slice(&sjis("田\n"));
        }
        let d = decode(&b, None, "f.csv").unwrap();
        assert_eq!(d.encoding, SHIFT_JIS);
        assert_eq!(d.undecodable, 250);
        let bad: Vec<&Problem> = d.problems.iter().filter(|p| p.code == "undecodable_bytes").collect();
        assert_eq!(bad.len(), 201);
        assert_eq!(bad[0].location.row, 2);
        assert_eq!(bad[199].location.row, 201);
        assert_eq!(bad[200].location.row, 202);
        assert!(bad[200].message.starts_with("50 more line(s) from line 202"), "{}", bad[200].message);
    }

    #[test]
    fn gaiji_is_reported() {
        let mut b = sjis("氏名\n");
        b.extend_from_slice(&[0xF0, 0x40]);
        b.extend_from_slice(&sjis("田\n"));
        let d = decode(&b, None, "f.csv").unwrap();
        assert!(d.text.contains('\u{E000}'));
        assert!(d.problems.iter().any(|p| p.code == "gaiji" && p.location.row == 2));
    }

    #[test]
    fn declared_utf8_that_is_cp932_is_an_error() {
        let e = decode(&sjis("氏名\n山田\n"), Some(UTF_8), "f.csv").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("declared UTF-8"), "{msg}");
        assert!(msg.contains("CP932"), "{msg}");
    }

    #[test]
    fn bom_in_the_middle_is_removed() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("a\n1\n".as_bytes());
        b.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
        b.extend_from_slice("a\n2\n".as_bytes());
        let d = decode(&b, None, "f.csv").unwrap();
        assert_eq!(d.text, "a\n1\na\n2\n");
        assert!(d.problems.iter().any(|p| p.code == "bom_in_text" && p.location.row == 3));
    }

    #[test]
    fn utf16le_with_bom() {
        let mut b = vec![0xFF, 0xFE];
        for u in "氏名\t電話\r\n".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&b, None, "f.txt").unwrap();
        assert_eq!(d.encoding, UTF_16LE);
        assert_eq!(d.text, "氏名\t電話\r\n");
    }

    #[test]
    fn utf32_with_and_without_bom() {
        let text = "氏名,電話\r\n山田,03\r\n";
        let mut le = vec![0xFF, 0xFE, 0, 0];
        let mut be = vec![0, 0, 0xFE, 0xFF];
        for c in text.chars() {
            le.extend_from_slice(&(c as u32).to_le_bytes());
            be.extend_from_slice(&(c as u32).to_be_bytes());
        }
        for (bytes, name) in [(&le, "UTF-32LE"), (&be, "UTF-32BE")] {
            let d = decode_utf32(bytes, "f.csv").unwrap();
            assert_eq!(d.text, text);
            assert_eq!(d.encoding_name(), name);
            assert_eq!(d.confidence, Confidence::Bom);
            let d = decode_utf32(&bytes[4..], "f.csv").unwrap();
            assert_eq!(d.text, text);
        }
        assert!(decode_utf32("氏名,電話\n".as_bytes(), "f.csv").is_none());
        assert!(decode_utf32(&sjis("氏名,電話\n山田,03\n"), "f.csv").is_none());
    }

    #[test]
    fn utf8_and_cp932_lines_in_one_file_are_each_read_in_their_own() {
        let mut b = "氏名,電話\n山田,03\n".as_bytes().to_vec();
        b.extend_from_slice(&sjis("佐藤,04\n鈴木,05\n"));
        let d = decode(&b, None, "f.csv").unwrap();
        assert_eq!(d.text, "氏名,電話\n山田,03\n佐藤,04\n鈴木,05\n");
        assert_eq!(d.encoding_name(), "UTF-8 + CP932");
        assert_eq!(d.undecodable, 0);
        let p = &d.problems[0];
        assert_eq!((p.code, p.location.row), ("mixed_encoding", 3));
        assert!(p.message.contains("lines 3–4"), "{}", p.message);
    }

    #[test]
    fn labels() {
        assert_eq!(parse_encoding("cp932"), Some(SHIFT_JIS));
        assert_eq!(parse_encoding("Windows-31J"), Some(SHIFT_JIS));
        assert_eq!(parse_encoding("utf-8-sig"), Some(UTF_8));
        assert_eq!(parse_encoding("euc_jp"), Some(EUC_JP));
        assert_eq!(parse_encoding("klingon"), None);
    }
}
