//! Romaji → katakana: the reading of a Japanese name written in latin
//! letters, so that `Yamaguchi Rimi`, `YAMAGUTI RIMI` and `山口 里美 (ヤマグチ
//! リミ)` can be compared on one reading.
//!
//! Reads Hepburn and its everyday variants: Kunrei/Nihon-shiki spellings
//! (si, ti, tu, hu, zi, sya, tya), `n` or `m` before b/p/m for ン (Homma,
//! Namba), `n'` and `nn` before a vowel, doubled consonants and `tch` for ッ,
//! long vowels as macrons or circumflexes (ō, ô), as `oh` before a consonant
//! (Ohno) or written out (Oono, Ouchi). Long vowels are written `ー`: the
//! matching key ([`super::kana::kana_key`]) folds vowel length, which latin
//! spelling rarely keeps (Yuki may be ユキ or ユウキ).
//!
//! It does not guess: a word that is not made of Japanese syllables
//! (`Tran`, `Thu`, `Smith`) gives `None`, and a name of such words has no
//! reading here. Foreign names are compared by their spelling instead.

/// The katakana reading of a romaji name (words separated by spaces,
/// commas, dots or hyphens are read one by one and joined with a space), or
/// `None` when a word is not romaji.
pub fn to_katakana(s: &str) -> Option<String> {
    let mut words = Vec::new();
    for w in s.split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | '-' | '・' | '/')) {
        if w.is_empty() {
            continue;
        }
        words.push(word(w)?);
    }
    if words.is_empty() {
        return None;
    }
    Some(words.join(" "))
}

/// One romaji word.
fn word(w: &str) -> Option<String> {
    // Lower case; macrons and circumflexes become a long mark after the vowel.
    let mut chars: Vec<char> = Vec::with_capacity(w.len() + 2);
    for c in w.chars() {
        let c = c.to_lowercase().next().unwrap_or(c);
        let (base, long) = match c {
            'ā' | 'â' => ('a', true),
            'ī' | 'î' => ('i', true),
            'ū' | 'û' => ('u', true),
            'ē' | 'ê' => ('e', true),
            'ō' | 'ô' => ('o', true),
            '\'' | '’' => ('\'', false),
            c if c.is_ascii_lowercase() => (c, false),
            _ => return None,
        };
        chars.push(base);
        if long {
            chars.push('^');
        }
    }
    let mut out = String::new();
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let vowel = |c: char| matches!(c, 'a' | 'i' | 'u' | 'e' | 'o');
    while i < chars.len() {
        let c = at(i);
        if c == '^' {
            out.push('ー');
            i += 1;
            continue;
        }
        if c == '\'' {
            i += 1;
            continue;
        }
        if vowel(c) {
            out.push(kana_of("", c)?);
            i += 1;
            // `oh` before a consonant or at the end: a long O (Ohno, Satoh).
            if c == 'o' && at(i) == 'h' && !vowel(at(i + 1)) && at(i + 1) != 'y' {
                out.push('ー');
                i += 1;
            }
            continue;
        }
        // ン: n before a consonant other than y, at the end, or before an
        // apostrophe; nn before a vowel (the second n starts the mora); m
        // before b, p or m.
        if c == 'n' {
            let next = at(i + 1);
            if next == '\0' || next == '\'' || (!vowel(next) && next != 'y') {
                if out.is_empty() {
                    // No Japanese word starts with ン (Nguyen, Ngo).
                    return None;
                }
                out.push('ン');
                i += if next == 'n' && vowel(at(i + 2)) {
                    1
                } else if next == 'n' {
                    2
                } else {
                    1
                };
                continue;
            }
        }
        if c == 'm' && matches!(at(i + 1), 'b' | 'p' | 'm') && !out.is_empty() {
            out.push('ン');
            i += 1;
            continue;
        }
        // ッ: a doubled consonant, or t before ch.
        if !vowel(c) && c != 'n' && (at(i + 1) == c || (c == 't' && at(i + 1) == 'c' && at(i + 2) == 'h')) {
            out.push('ッ');
            i += 1;
            continue;
        }
        // A consonant cluster up to the vowel.
        let mut j = i;
        while j < chars.len() && !vowel(at(j)) && at(j) != '^' && at(j) != '\'' {
            j += 1;
        }
        if j >= chars.len() || j - i > 3 || !vowel(at(j)) {
            return None;
        }
        let onset: String = chars[i..j].iter().collect();
        let v = at(j);
        out.push_str(&syllable(&onset, v)?);
        i = j + 1;
        if v == 'o' && at(i) == 'h' && !vowel(at(i + 1)) && at(i + 1) != 'y' {
            out.push('ー');
            i += 1;
        }
    }
    Some(out)
}

/// A syllable of an onset and a vowel.
fn syllable(onset: &str, v: char) -> Option<String> {
    // Contracted sounds: the onset's base and a small ャュョ (or ァィェォ).
    let contracted = |base: &str, small_row: bool| -> Option<String> {
        let head = kana_of(base, 'i')?;
        let small = if small_row {
            match v {
                'a' => 'ャ',
                'u' => 'ュ',
                'o' => 'ョ',
                'e' => 'ェ',
                _ => return None,
            }
        } else {
            return None;
        };
        Some(format!("{head}{small}"))
    };
    let s = match onset {
        "sh" if v == 'i' => "シ".to_string(),
        "sh" => contracted("s", true)?,
        "ch" if v == 'i' => "チ".to_string(),
        "ch" | "cy" => contracted("t", true)?,
        "ts" if v == 'u' => "ツ".to_string(),
        "ts" => format!("ツ{}", small_vowel(v)?),
        "j" | "jy" | "zy" if v == 'i' => "ジ".to_string(),
        "j" | "jy" | "zy" => contracted("z", true)?,
        "f" if v == 'u' => "フ".to_string(),
        "f" => format!("フ{}", small_vowel(v)?),
        "v" if v == 'u' => "ブ".to_string(),
        "v" => kana_of("b", v)?.to_string(),
        "l" => kana_of("r", v)?.to_string(),
        "c" | "q" | "x" => return None,
        "w" if matches!(v, 'i' | 'e') => format!("ウ{}", small_vowel(v)?),
        "w" if v == 'u' => "ウ".to_string(),
        "y" if matches!(v, 'i' | 'e') => return None,
        "dy" | "ty" if matches!(v, 'a' | 'u' | 'o') => contracted(&onset[..1], true)?,
        "th" if v == 'i' => "ティ".to_string(),
        "dh" if v == 'i' => "ディ".to_string(),
        "hw" | "wh" => return None,
        o if o.len() == 2 && o.ends_with('y') => contracted(&o[..1], true)?,
        o if o.len() == 1 => kana_of(o, v)?.to_string(),
        _ => return None,
    };
    Some(s)
}

fn small_vowel(v: char) -> Option<char> {
    Some(match v {
        'a' => 'ァ',
        'i' => 'ィ',
        'u' => 'ゥ',
        'e' => 'ェ',
        'o' => 'ォ',
        _ => return None,
    })
}

/// The kana of a single-letter onset (or none) and a vowel.
fn kana_of(onset: &str, v: char) -> Option<char> {
    let row: &[char; 5] = match onset {
        "" => &['ア', 'イ', 'ウ', 'エ', 'オ'],
        "k" => &['カ', 'キ', 'ク', 'ケ', 'コ'],
        "g" => &['ガ', 'ギ', 'グ', 'ゲ', 'ゴ'],
        "s" => &['サ', 'シ', 'ス', 'セ', 'ソ'],
        "z" => &['ザ', 'ジ', 'ズ', 'ゼ', 'ゾ'],
        "t" => &['タ', 'チ', 'ツ', 'テ', 'ト'],
        "d" => &['ダ', 'ヂ', 'ヅ', 'デ', 'ド'],
        "n" => &['ナ', 'ニ', 'ヌ', 'ネ', 'ノ'],
        "h" => &['ハ', 'ヒ', 'フ', 'ヘ', 'ホ'],
        "b" => &['バ', 'ビ', 'ブ', 'ベ', 'ボ'],
        "p" => &['パ', 'ピ', 'プ', 'ペ', 'ポ'],
        "m" => &['マ', 'ミ', 'ム', 'メ', 'モ'],
        "y" => &['ヤ', 'イ', 'ユ', 'エ', 'ヨ'],
        "r" => &['ラ', 'リ', 'ル', 'レ', 'ロ'],
        "w" => &['ワ', 'イ', 'ウ', 'エ', 'ヲ'],
        _ => return None,
    };
    let i = match v {
        'a' => 0,
        'i' => 1,
        'u' => 2,
        'e' => 3,
        'o' => 4,
        _ => return None,
    };
    Some(row[i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cleanse::kana::kana_key;

    fn key(s: &str) -> String {
        kana_key(&to_katakana(s).unwrap_or_else(|| panic!("{s} is romaji")))
    }

    #[test]
    fn hepburn_and_its_variants_give_one_reading() {
        assert_eq!(to_katakana("Yamaguchi Rimi").as_deref(), Some("ヤマグチ リミ"));
        assert_eq!(key("YAMAGUTI RIMI"), key("yamaguchi rimi"));
        assert_eq!(key("Shinichi"), key("sinichi"));
        assert_eq!(key("Tsutomu"), key("tutomu"));
        assert_eq!(key("Fujiko"), key("huziko"));
        assert_eq!(key("Shouta"), key("Shota"));
        assert_eq!(key("Ōno"), key("Ohno"));
        assert_eq!(key("Oono"), key("Ono"));
        assert_eq!(to_katakana("Homma").as_deref(), Some("ホンマ"));
        assert_eq!(key("Honma"), key("Homma"));
        assert_eq!(to_katakana("Namba").as_deref(), Some("ナンバ"));
        assert_eq!(to_katakana("Hattori").as_deref(), Some("ハットリ"));
        assert_eq!(to_katakana("Kitchou").as_deref(), Some("キッチョウ"));
        assert_eq!(to_katakana("Jun'ichi").as_deref(), Some("ジュンイチ"));
        assert_eq!(to_katakana("Shun'ya").as_deref(), Some("シュンヤ"));
        assert_eq!(to_katakana("Kyouko").as_deref(), Some("キョウコ"));
        assert_eq!(to_katakana("Ryo").as_deref(), Some("リョ"));
        assert_eq!(to_katakana("Kenta").as_deref(), Some("ケンタ"));
        assert_eq!(to_katakana("Shinnosuke").as_deref(), Some("シンノスケ"));
        assert_eq!(to_katakana("Ohara").as_deref(), Some("オハラ"));
        assert_eq!(to_katakana("Satoh").as_deref(), Some("サトー"));
        assert_eq!(key("Satoh"), key("Sato"));
        // The matching key of the written reading is the romaji's.
        assert_eq!(key("Yuuki"), kana_key("ユウキ"));
        assert_eq!(key("Yuki"), kana_key("ユウキ"));
    }

    #[test]
    fn foreign_names_are_not_guessed() {
        for s in ["Tran", "Thu Trang", "Smith", "Nguyen", "Ngo", "Xu", "Christopher", "Mbappe"] {
            assert_eq!(to_katakana(s), None, "{s}");
        }
        assert_eq!(to_katakana(""), None);
        assert_eq!(to_katakana("山田"), None);
        assert_eq!(to_katakana("taro1"), None);
    }
}
