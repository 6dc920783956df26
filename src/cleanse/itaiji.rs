//! The variant-kanji (itaiji, 異体字) fold for name match keys
//! (JAPANESE-DATA.md §1.8, R18).
//!
//! Used for **keys only**: the display value keeps the kanji the customer
//! wrote (髙橋 stays 髙橋). Every pair maps a variant to one representative,
//! so two spellings match when their keys are equal. Rules for the table:
//!
//! - every target is a JIS X 0208 character (what a clerk on a CP932 system
//!   can type), never a Simplified Chinese form (辺, not 边; 広, not 广);
//!   a test checks this with the Shift_JIS encoder;
//! - no chains: no target is also a source, so one lookup is enough;
//! - 斎 and 斉 are *different* surnames (斎藤 ≠ 斉藤) and stay apart:
//!   齋 → 斎 and 齊 → 斉 only; likewise nothing folds 崎 ↔ 埼 or 吉 ↔ 桔;
//! - the direction inside a pair does not change which names match; the
//!   target is the new (新字体) or common form.
//!
//! Before the table, [`fold_char`]'s callers turn the CJK compatibility
//! ideographs into their unified forms (NFC: 塚 U+FA10 → 塚 U+585A, 﨑 U+FA11
//! is *not* one of them, so it is in the table) and drop variation
//! selectors (IVS: 葛 + U+E0100 → 葛).
//!
//! Tiers: 0 = the same character under another code point (a font or code
//! page accident); 1 = the old and the new form of one character, or a
//! popular variant used in registers. Tier 2 of §1.8 (斎 ↔ 斉, different
//! characters that people confuse) is deliberately *not* here: it is a weak
//! signal for the dedup scorer, never key equality.

use std::sync::OnceLock;

/// `(tier, pairs)`: each pair is two characters, variant then target,
/// separated by spaces.
const GROUPS: &[(u8, &str)] = &[
    // Tier 0. The same character under another code point: the CP932 IBM
    // extension forms (髙 U+9AD9, 﨑 U+FA11, 濵, 德, 栁), the JIS X 0213 /
    // Ext-B glyph variants (𠮷 つちよし, 𡈽, 㟢 たつさき), and the forms
    // JAPANESE-DATA.md §1.8 counts as equal (濱 → 浜, 邉/邊 → 辺, 逹 → 達,
    // a common mis-form in registers).
    (0, "髙高 﨑崎 㟢崎 𠮷吉 𡈽土 濵浜 濱浜 邉辺 邊辺 德徳 逹達 栁柳"),
    // Tier 1. Old forms (旧字体) of the 1946/1981 Tōyō/Jōyō reforms → the
    // new forms (新字体). Older customers' registers and many surnames keep
    // the old form (澤田, 廣瀬, 櫻井, 齋藤, 國分, 眞田, 黑田, 龍, 條, 關, 內田,
    // 戶田, 橫山, 淸水, 瀧本, 濱口, 兒玉, 壽, 榮, 豐田, 彌生, 太郞), and
    // clerks type whichever their IME offers first.
    (
        1,
        concat!(
            "亞亜 惡悪 壓圧 圍囲 爲為 醫医 壹壱 隱隠 營営 榮栄 衞衛 驛駅 圓円 鹽塩 緣縁 艷艶 應応 歐欧 奧奥 黃黄 ",
            "溫温 穩穏 假仮 價価 畫画 會会 囘回 壞壊 懷懐 繪絵 擴拡 覺覚 學学 嶽岳 樂楽 卷巻 寬寛 歡歓 觀観 關関 ",
            "氣気 龜亀 歸帰 僞偽 戲戯 舊旧 據拠 擧挙 峽峡 狹狭 敎教 曉暁 區区 驅駆 勳勲 徑径 莖茎 惠恵 溪渓 經経 ",
            "繼継 螢蛍 輕軽 鷄鶏 藝芸 儉倹 劍剣 圈圏 檢検 權権 獻献 縣県 險険 顯顕 驗験 嚴厳 吳呉 效効 廣広 恆恒 ",
            "鑛鉱 號号 國国 黑黒 濟済 碎砕 齋斎 齊斉 劑剤 櫻桜 册冊 雜雑 參参 慘惨 棧桟 贊賛 殘残 絲糸 齒歯 兒児 ",
            "辭辞 濕湿 實実 舍舎 寫写 釋釈 壽寿 收収 從従 澁渋 獸獣 縱縦 肅粛 處処 敍叙 奬奨 將将 燒焼 稱称 證証 ",
            "乘乗 剩剰 壤壌 孃嬢 條条 淨浄 疊畳 穰穣 讓譲 釀醸 觸触 寢寝 愼慎 眞真 盡尽 圖図 粹粋 醉酔 隨随 數数 ",
            "瀨瀬 聲声 靑青 淸清 靜静 攝摂 說説 專専 淺浅 錢銭 戰戦 潛潜 纖繊 踐践 禪禅 雙双 曾曽 壯壮 搜捜 插挿 ",
            "巢巣 爭争 莊荘 總総 聰聡 裝装 騷騒 增増 藏蔵 屬属 續続 體体 對対 帶帯 滯滞 臺台 瀧滝 擇択 澤沢 擔担 ",
            "膽胆 單単 團団 彈弾 斷断 遲遅 晝昼 蟲虫 鑄鋳 廳庁 聽聴 鎭鎮 遞逓 鐵鉄 轉転 點点 傳伝 戶戸 黨党 盜盗 ",
            "燈灯 當当 鬪闘 獨独 讀読 屆届 內内 繩縄 貳弐 惱悩 腦脳 霸覇 廢廃 拜拝 賣売 麥麦 發発 髮髪 拔抜 晚晩 ",
            "蠻蛮 祕秘 姬姫 拂払 佛仏 倂併 竝並 變変 步歩 寶宝 豐豊 襃褒 沒没 每毎 飜翻 萬万 滿満 默黙 彌弥 譯訳 ",
            "藥薬 與与 搖揺 樣様 謠謡 來来 賴頼 亂乱 覽覧 龍竜 兩両 獵猟 綠緑 淚涙 壘塁 勵励 禮礼 隸隷 靈霊 齡齢 ",
            "曆暦 歷歴 戀恋 爐炉 勞労 郞郎 樓楼 祿禄 錄録 灣湾 橫横 稻稲 悅悦 卽即 旣既 槪概 鄕郷 鄉郷 顏顔",
        ),
    ),
    // Tier 1. Variants allowed for names (人名用漢字 異体字) or common in
    // surnames, each with its standard form: 嶋/嶌/嶹 島 (大嶋, 中嶌), 冨 富
    // (冨田), 槇 槙, 桒 桑, 槗 橋, 邨 村, 埜 野, 峯 峰, 舘 館, 嵜 崎 (山嵜), 籏 旗,
    // 舩 船, 亙 亘, 凜 凛, 晄 晃, 銕 鉄, 桝 枡, 彥 彦, 曻 昇, 昻 昂. 淵 → 渕:
    // both are common (田淵, 岩渕); 渕 is taken as the representative.
    (1, "嶋島 嶌島 嶹島 冨富 槇槙 桒桑 槗橋 邨村 埜野 峯峰 舘館 嵜崎 淵渕 籏旗 舩船 亙亘 凜凛 晄晃 銕鉄 桝枡 彥彦 曻昇 昻昂"),
    // Tier 1. Characters outside the Jōyō list whose printed form (印刷標準
    // 字体, JIS X 0213: 鷗, 驒, 麴, 蔣) differs from the simplified form that
    // JIS X 0208 / CP932 offers (簡易慣用字体: 鴎, 騨, 麹, 蒋); the target is
    // the form a CP932 system produces. Likewise 籠 → 篭, 檜 → 桧 (檜山 /
    // 桧山), 藪 → 薮, 竈 → 竃, 蘆 → 芦 (蘆田 / 芦田), 禰 → 祢, 遙 → 遥, 堯 → 尭,
    // 瑤 → 瑶, 熙 → 煕.
    (1, "鷗鴎 驒騨 麴麹 蔣蒋 籠篭 檜桧 藪薮 竈竃 蘆芦 禰祢 遙遥 堯尭 瑤瑶 熙煕"),
];

/// The table, sorted by variant, and a 4096-bit filter on the low bits of
/// the variants so that most kanji are rejected without a search.
struct Table {
    filter: [u64; 64],
    entries: Vec<(char, char, u8)>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut entries = Vec::with_capacity(400);
        for &(tier, pairs) in GROUPS {
            for pair in pairs.split(' ') {
                let mut cs = pair.chars();
                if let (Some(from), Some(to)) = (cs.next(), cs.next()) {
                    entries.push((from, to, tier));
                }
            }
        }
        entries.sort_unstable();
        let mut filter = [0u64; 64];
        for &(from, _, _) in &entries {
            let bit = from as usize & 0xFFF;
            filter[bit >> 6] |= 1 << (bit & 63);
        }
        Table { filter, entries }
    })
}

/// The representative of one variant kanji and the pair's tier, `None`
/// when `c` is not a variant in the table. Expects compatibility ideographs
/// already unified (see [`unify`]).
pub(crate) fn lookup(c: char) -> Option<(char, u8)> {
    if c < '\u{3400}' {
        return None;
    }
    let t = table();
    let bit = c as usize & 0xFFF;
    if t.filter[bit >> 6] & (1 << (bit & 63)) == 0 {
        return None;
    }
    let e = &t.entries;
    e.binary_search_by_key(&c, |e| e.0).ok().map(|i| (e[i].1, e[i].2))
}

/// One kanji folded: compatibility ideograph unified, then the table.
pub(crate) fn fold_char(c: char) -> char {
    let c = unify(c);
    lookup(c).map_or(c, |(to, _)| to)
}

/// A CJK compatibility ideograph (U+F900–FAFF, U+2F800–2FA1F) → its unified
/// form (the canonical singleton decomposition, what NFC does); other
/// characters unchanged.
pub(crate) fn unify(c: char) -> char {
    if !matches!(c, '\u{F900}'..='\u{FAFF}' | '\u{2F800}'..='\u{2FA1F}') {
        return c;
    }
    let mut out = c;
    let mut n = 0;
    unicode_normalization::char::decompose_canonical(c, |d| {
        out = d;
        n += 1;
    });
    if n == 1 {
        out
    } else {
        c
    }
}

/// The variant-kanji fold alone, for dedup: compatibility ideographs →
/// unified (塚 U+FA10 → 塚), variation selectors dropped, then the table
/// (髙 → 高, 邊 → 辺, 澤 → 沢). Nothing else changes: no width folding, no
/// space removal, no case folding.
pub fn fold_variants(s: &str) -> String {
    s.chars().filter(|&c| !super::width::is_variation_selector(c)).map(fold_char).collect()
}

/// How close two kanji are: `Some(0)` for the same character (also a
/// compatibility ideograph and its unified form, or a tier-0 pair such as
/// 髙/高), `Some(1)` for an old/new or popular-variant pair (澤/沢), `None`
/// for different characters (斎/斉 are `None`).
pub fn variant_tier(a: char, b: char) -> Option<u8> {
    let (a, b) = (unify(a), unify(b));
    if a == b {
        return Some(0);
    }
    let (fa, ta) = lookup(a).unwrap_or((a, 0));
    let (fb, tb) = lookup(b).unwrap_or((b, 0));
    (fa == fb).then_some(ta.max(tb))
}

/// Whether two *different* code points are variants of one kanji (any
/// tier): `is_variant_pair('髙', '高')`, `('邉', '邊')`, `('塚', '塚')` are
/// true; `('斎', '斉')` and `('高', '高')` are false.
pub fn is_variant_pair(a: char, b: char) -> bool {
    a != b && variant_tier(a, b).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_well_formed() {
        let t = &table().entries;
        assert!(t.len() > 300);
        for w in t.windows(2) {
            assert_ne!(w[0].0, w[1].0, "duplicate variant {}", w[0].0);
        }
        for &(from, to, _) in t {
            assert_ne!(from, to);
            assert!(lookup(to).is_none(), "chain {from} → {to} → …");
            assert_eq!(unify(from), from, "{from} is a compatibility ideograph: NFC handles it");
            // The target is JIS X 0208: encodable as Shift_JIS outside the
            // NEC and IBM extension rows (never a Simplified Chinese form).
            let mut buf = [0; 4];
            let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(to.encode_utf8(&mut buf));
            assert!(!unmappable && bytes.len() == 2, "{to} is not in Shift_JIS");
            assert!(matches!(bytes[0], 0x88..=0x9F | 0xE0..=0xEA), "{to} is an extension character");
        }
        // Every pair string is well formed.
        for &(_, pairs) in GROUPS {
            for p in pairs.split(' ') {
                assert_eq!(p.chars().count(), 2, "{p:?}");
            }
        }
    }

    #[test]
    fn folds_the_usual_pairs() {
        let cases = [
            ("髙橋", "高橋"),
            ("山﨑", "山崎"),
            ("𠮷田", "吉田"),
            ("濵田", "浜田"),
            ("濱田", "浜田"),
            ("渡邉", "渡辺"),
            ("渡邊", "渡辺"),
            ("德川", "徳川"),
            ("澤田", "沢田"),
            ("廣瀬", "広瀬"),
            ("櫻井", "桜井"),
            ("齋藤", "斎藤"),
            ("齊藤", "斉藤"),
            ("大嶋", "大島"),
            ("中嶌", "中島"),
            ("國分", "国分"),
            ("眞田", "真田"),
            ("惠子", "恵子"),
            ("黑田", "黒田"),
            ("冨田", "富田"),
            ("曾根", "曽根"),
            ("槇原", "槙原"),
            ("檜山", "桧山"),
            ("龍也", "竜也"),
            ("藪内", "薮内"),
            ("田淵", "田渕"),
            ("北條", "北条"),
            ("關口", "関口"),
            ("中邨", "中村"),
            ("桒原", "桑原"),
            ("髙槗", "高橋"),
            ("籠谷", "篭谷"),
            ("塚田", "塚田"),
            ("葛\u{E0100}西", "葛西"),
        ];
        for (a, b) in cases {
            assert_eq!(fold_variants(a), b, "{a}");
        }
    }

    #[test]
    fn keeps_distinct_surnames_apart() {
        assert_eq!(fold_variants("斎藤"), "斎藤");
        assert_eq!(fold_variants("斉藤"), "斉藤");
        assert_ne!(fold_variants("齋藤"), fold_variants("齊藤"));
        assert!(!is_variant_pair('斎', '斉'));
        assert!(!is_variant_pair('齋', '斉'));
        assert!(!is_variant_pair('崎', '埼'));
        assert!(!is_variant_pair('吉', '桔'));
    }

    #[test]
    fn pairs_and_tiers() {
        assert!(is_variant_pair('髙', '高'));
        assert!(is_variant_pair('邉', '邊'));
        assert!(is_variant_pair('\u{FA10}', '\u{585A}'));
        assert!(!is_variant_pair('高', '高'));
        assert_eq!(variant_tier('髙', '高'), Some(0));
        assert_eq!(variant_tier('澤', '沢'), Some(1));
        assert_eq!(variant_tier('\u{FA10}', '\u{585A}'), Some(0));
        assert_eq!(variant_tier('山', '川'), None);
    }
}
