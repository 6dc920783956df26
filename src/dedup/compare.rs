//! Field comparisons: each column of a pair of records gets a level — a
//! named enum per column, from agreeing to disagreeing, with `Missing`
//! (nothing to compare) as level 0. What a level is worth is not decided
//! here: [`super::model`] learns it from the data.
//!
//! The columns and their levels are data ([`Col::levels`]): a level's name
//! in English and Japanese (for `explain` and the review report), whether
//! it is agreement or disagreement (a learned weight never turns
//! agreement into evidence against a match, nor the other way round), the
//! prior m probability that speaks where the data is thin, and whether an
//! agreeing value's frequency adjusts its weight (佐藤 says less than
//! 勅使河原).

use serde::Serialize;

use super::load::{Loaded, Rec, Sym};
use super::names::{compare_names, NameLevel};

/// The compared columns, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Col {
    Family,
    Given,
    Birth,
    Mobile,
    Landline,
    Email,
    Address,
    Gender,
    Number,
    Staff,
}

/// Whether a level is agreement, disagreement, or no evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarity {
    /// Nothing compared: weight 0.
    None,
    Agree,
    Disagree,
}

/// Which frequency table adjusts an agreeing level's weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tf {
    No,
    /// The agreeing written value (kanji or latin); for a name agreeing by
    /// reading only, the reading.
    Name,
    Phone,
    Email,
    Address,
    /// A source's customer number.
    Number,
}

/// One level of a column.
#[derive(Debug, Clone, Copy)]
pub struct Level {
    pub name: &'static str,
    pub ja: &'static str,
    pub polarity: Polarity,
    /// m: how often two records of one person show this level (a prior the
    /// data's estimate starts from and is pulled towards where it is thin).
    pub m: f64,
    pub tf: Tf,
}

const fn lv(name: &'static str, ja: &'static str, polarity: Polarity, m: f64, tf: Tf) -> Level {
    Level { name, ja, polarity, m, tf }
}

use Polarity::{Agree, Disagree, None as NoEvidence};

/// Levels of a name part, in [`NameLevel`] order.
const NAME_LEVELS: [Level; 10] = [
    lv("missing", "なし", NoEvidence, 0.0, Tf::No),
    lv("exact", "一致", Agree, 0.85, Tf::Name),
    lv("variant", "異体字・表記ゆれ", Agree, 0.05, Tf::No),
    lv("same reading in another script", "読みが一致（かな・ローマ字）", Agree, 0.05, Tf::Name),
    lv("same reading, one lent by other records", "読みが一致（他の記録の読み）", Agree, 0.01, Tf::Name),
    lv("reading agrees loosely", "読みがほぼ一致", Agree, 0.01, Tf::No),
    lv("other kanji, same reading", "同音の別漢字", Agree, 0.004, Tf::No),
    lv("other kanji, perhaps one sound (no readings to confirm)", "同音かもしれない別漢字（読みなし）", Agree, 0.002, Tf::No),
    lv("similar", "類似", Agree, 0.01, Tf::No),
    lv("different", "不一致", Disagree, 0.014, Tf::No),
];

const BIRTH_LEVELS: [Level; 5] = [
    lv("missing", "なし", NoEvidence, 0.0, Tf::No),
    lv("exact", "一致", Agree, 0.93, Tf::No),
    lv("one digit off or swapped", "1桁違い・入れ違い", Agree, 0.04, Tf::No),
    lv("the same year (one side gives only the year)", "年のみ一致", Agree, 0.01, Tf::No),
    lv("different", "不一致", Disagree, 0.02, Tf::No),
];

const MOBILE_LEVELS: [Level; 4] = [
    lv("missing", "なし", NoEvidence, 0.0, Tf::No),
    lv("shared", "一致", Agree, 0.85, Tf::Phone),
    lv("two digits swapped", "数字の入れ違い", Agree, 0.02, Tf::No),
    lv("different", "不一致", Disagree, 0.13, Tf::No),
];

const LANDLINE_LEVELS: [Level; 4] = [
    lv("missing", "なし", NoEvidence, 0.0, Tf::No),
    lv("shared", "一致", Agree, 0.85, Tf::Phone),
    lv("two digits swapped", "数字の入れ違い", Agree, 0.02, Tf::No),
    lv("different", "不一致", Disagree, 0.13, Tf::No),
];

const EMAIL_LEVELS: [Level; 4] = [
    lv("missing", "なし", NoEvidence, 0.0, Tf::No),
    lv("exact", "一致", Agree, 0.85, Tf::Email),
    lv("one typo or another domain", "ほぼ一致", Agree, 0.03, Tf::No),
    lv("different", "不一致", Disagree, 0.12, Tf::No),
];

const ADDRESS_LEVELS: [Level; 6] = [
    lv("missing", "なし", NoEvidence, 0.0, Tf::No),
    lv("exact", "一致", Agree, 0.6, Tf::Address),
    lv("one or two characters apart", "ほぼ一致", Agree, 0.05, Tf::No),
    lv("same postal code and house number", "同じ郵便番号・番地", Agree, 0.05, Tf::No),
    lv("same town or postal code", "同じ町域・郵便番号", Agree, 0.1, Tf::No),
    lv("different", "不一致", Disagree, 0.2, Tf::No),
];

const GENDER_LEVELS: [Level; 3] = [
    lv("missing", "なし", NoEvidence, 0.0, Tf::No),
    lv("same", "一致", Agree, 0.98, Tf::No),
    lv("different", "不一致", Disagree, 0.02, Tf::No),
];

const NUMBER_LEVELS: [Level; 4] = [
    lv("not comparable", "対象外", NoEvidence, 0.0, Tf::No),
    lv("same number in one source", "同じ顧客番号", Agree, 0.9, Tf::Number),
    lv("different numbers in a source of repeat customers", "別の顧客番号", Disagree, 0.05, Tf::No),
    lv("different numbers in a source numbering its rows", "別の行番号", Disagree, 0.05, Tf::No),
];

const STAFF_LEVELS: [Level; 3] = [
    lv("missing", "なし", NoEvidence, 0.0, Tf::No),
    lv("same", "同じ担当", Agree, 0.7, Tf::No),
    lv("different", "別の担当", Disagree, 0.3, Tf::No),
];

/// The levels of the birth date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum BirthLevel {
    Missing = 0,
    Exact,
    /// One digit off, two neighbouring digits swapped, or day and month
    /// swapped.
    Typo,
    /// One side gives only the year, and the years agree.
    Year,
    Different,
}

/// The levels of a kind of phone (mobiles, a person's; landlines, a
/// household's): compared only where both records give one of the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum PhoneLevel {
    Missing = 0,
    /// A number in both.
    Shared,
    /// A number in one that is a number of the other with two neighbouring
    /// digits swapped.
    Slip,
    /// Numbers in both, none shared.
    Different,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum EmailLevel {
    Missing = 0,
    Exact,
    /// One typo, or the same mailbox name at another domain.
    Close,
    Different,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum AddressLevel {
    Missing = 0,
    /// The same address to the block number (and room, where written).
    Exact,
    /// One or two characters apart (a block number mistyped, a street name
    /// misspelt), in the same postal code where both give one.
    Similar,
    /// The same postal code and the same house or block numbers, the rest
    /// written apart (a street name misspelt beyond a slip, a building
    /// left out, a town written another way).
    House,
    /// The same town or the same postal code.
    Town,
    Different,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum GenderLevel {
    Missing = 0,
    Same,
    Different,
}

/// One source's own customer number (a ledger's 顧客No, a POS member
/// code): only records of one source are comparable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum NumberLevel {
    NotComparable = 0,
    Same,
    /// In a source where a number is a customer over many rows (a POS
    /// member code): two numbers, two customers, as a rule.
    Different,
    /// In a source that gives each row its own number (a ledger, a card
    /// file): a person's second row has a second number by nature.
    DifferentRows,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum StaffLevel {
    Missing = 0,
    Same,
    Different,
}

impl Col {
    pub const N: usize = 10;
    pub const ALL: [Col; Col::N] =
        [Col::Family, Col::Given, Col::Birth, Col::Mobile, Col::Landline, Col::Email, Col::Address, Col::Gender, Col::Number, Col::Staff];

    pub fn name(self) -> &'static str {
        match self {
            Col::Family => "family_name",
            Col::Given => "given_name",
            Col::Birth => "birth_date",
            Col::Mobile => "mobile",
            Col::Landline => "landline",
            Col::Email => "email",
            Col::Address => "address",
            Col::Gender => "gender",
            Col::Number => "customer_no",
            Col::Staff => "staff",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Col::Family => "姓",
            Col::Given => "名",
            Col::Birth => "生年月日",
            Col::Mobile => "携帯",
            Col::Landline => "固定電話",
            Col::Email => "メール",
            Col::Address => "住所",
            Col::Gender => "性別",
            Col::Number => "顧客番号",
            Col::Staff => "担当",
        }
    }

    /// The column's levels; index = level, level 0 is "nothing compared".
    pub fn levels(self) -> &'static [Level] {
        match self {
            Col::Family | Col::Given => &NAME_LEVELS,
            Col::Birth => &BIRTH_LEVELS,
            Col::Mobile => &MOBILE_LEVELS,
            Col::Landline => &LANDLINE_LEVELS,
            Col::Email => &EMAIL_LEVELS,
            Col::Address => &ADDRESS_LEVELS,
            Col::Gender => &GENDER_LEVELS,
            Col::Number => &NUMBER_LEVELS,
            Col::Staff => &STAFF_LEVELS,
        }
    }

    pub fn level(self, level: u8) -> &'static Level {
        &self.levels()[level as usize]
    }
}

/// The levels of a pair, with the values that agree (for their
/// frequency).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Comparison {
    pub levels: [u8; Col::N],
    /// For an agreeing level whose weight depends on the value: the value's
    /// symbol (a reading tagged with [`READING_TAG`]); 0 when not used.
    pub tf: [u32; Col::N],
    /// The name parts were entered the other way round in one record.
    pub swapped: bool,
}

/// Marks a reading symbol in [`Comparison::tf`] for a name part.
pub const READING_TAG: u32 = 1 << 31;

impl Comparison {
    pub fn get(&self, c: Col) -> u8 {
        self.levels[c as usize]
    }
    pub fn name(&self, c: Col) -> NameLevel {
        NameLevel::ALL[self.levels[c as usize] as usize]
    }
    pub fn birth(&self) -> BirthLevel {
        [BirthLevel::Missing, BirthLevel::Exact, BirthLevel::Typo, BirthLevel::Year, BirthLevel::Different][self.get(Col::Birth) as usize]
    }
    pub fn phone(&self, c: Col) -> PhoneLevel {
        [PhoneLevel::Missing, PhoneLevel::Shared, PhoneLevel::Slip, PhoneLevel::Different][self.get(c) as usize]
    }
    pub fn email(&self) -> EmailLevel {
        [EmailLevel::Missing, EmailLevel::Exact, EmailLevel::Close, EmailLevel::Different][self.get(Col::Email) as usize]
    }
    pub fn address(&self) -> AddressLevel {
        [
            AddressLevel::Missing,
            AddressLevel::Exact,
            AddressLevel::Similar,
            AddressLevel::House,
            AddressLevel::Town,
            AddressLevel::Different,
        ][self.get(Col::Address) as usize]
    }
    fn set(&mut self, c: Col, level: u8) {
        self.levels[c as usize] = level;
    }
}

/// Birth dates (yyyymmdd numbers), with a year-only date on either side.
pub fn birth_level(a: &Rec, b: &Rec) -> BirthLevel {
    if a.birth != 0 && b.birth != 0 {
        return birth_pair(a.birth, b.birth);
    }
    let year = |r: &Rec| if r.birth != 0 { (r.birth / 10000) as u16 } else { r.birth_year };
    match (year(a), year(b)) {
        (0, _) | (_, 0) => BirthLevel::Missing,
        (x, y) if x == y => BirthLevel::Year,
        _ => BirthLevel::Different,
    }
}

/// Two full birth dates.
pub fn birth_pair(a: u32, b: u32) -> BirthLevel {
    if a == b {
        return BirthLevel::Exact;
    }
    // The eight digits of each, on the stack: asked of every candidate pair
    // with two birth dates.
    let digits = |mut n: u32| {
        let mut d = [b'0'; 8];
        for x in d.iter_mut().rev() {
            *x = b'0' + (n % 10) as u8;
            n /= 10;
        }
        d
    };
    let (sa, sb) = (digits(a), digits(b));
    let off = sa.iter().zip(&sb).filter(|(x, y)| x != y).count();
    let (ya, ma, da) = (a / 10000, a / 100 % 100, a % 100);
    let (yb, mb, db) = (b / 10000, b / 100 % 100, b % 100);
    if off == 1 || transposed(sa, sb) || (ya == yb && ma == db && da == mb) {
        BirthLevel::Typo
    } else {
        BirthLevel::Different
    }
}

/// Compares two records column by column.
pub fn compare(l: &Loaded, a: &Rec, b: &Rec) -> Comparison {
    let t = &l.tables;
    let mut c = Comparison::default();
    let n = compare_names(t, a, b);
    c.swapped = n.swapped;
    c.set(Col::Family, n.family as u8);
    c.set(Col::Given, n.given as u8);
    // The agreeing values, for their frequency: the written value when
    // both write it, else the reading.
    if !n.swapped {
        for (col, level, (wa, wb), (ra, rb)) in [
            (Col::Family, n.family, (a.family, b.family), (a.family_r, b.family_r)),
            (Col::Given, n.given, (a.given, b.given), (a.given_r, b.given_r)),
        ] {
            if matches!(level, NameLevel::Exact | NameLevel::Kana | NameLevel::Lent) {
                c.tf[col as usize] = if wa != 0 && wa == wb {
                    wa
                } else if ra != 0 && ra == rb {
                    ra | READING_TAG
                } else {
                    0
                };
            }
        }
    }
    c.set(Col::Birth, birth_level(a, b) as u8);
    let mobile = phone_level(l, &a.mobiles, &b.mobiles, &mut c.tf[Col::Mobile as usize]);
    c.set(Col::Mobile, mobile as u8);
    let landline = phone_level(l, &a.landlines, &b.landlines, &mut c.tf[Col::Landline as usize]);
    c.set(Col::Landline, landline as u8);
    let email = match (a.email, b.email) {
        (0, _) | (_, 0) => EmailLevel::Missing,
        (x, y) if x == y => {
            c.tf[Col::Email as usize] = x;
            EmailLevel::Exact
        }
        (x, y) if email_close(t.emails.get(x), t.emails.get(y)) => EmailLevel::Close,
        _ => EmailLevel::Different,
    };
    c.set(Col::Email, email as u8);
    let address = if a.address != 0 && a.address == b.address {
        c.tf[Col::Address as usize] = a.address;
        AddressLevel::Exact
    } else if a.address != 0
        && b.address != 0
        // A slip in the block number leaves the town: compared where the
        // towns agree or are unknown (latin addresses), not across towns.
        && (a.town == 0 || b.town == 0 || a.town == b.town)
        && address_close(t.addresses.get(a.address), t.addresses.get(b.address))
    {
        AddressLevel::Similar
    } else if a.house != 0 && a.house == b.house {
        AddressLevel::House
    } else if (a.town != 0 && a.town == b.town) || postal_close(t, a.postal, b.postal) {
        AddressLevel::Town
    } else if (a.address == 0 && a.postal == 0) || (b.address == 0 && b.postal == 0) {
        AddressLevel::Missing
    } else {
        AddressLevel::Different
    };
    c.set(Col::Address, address as u8);
    let gender = match (a.gender, b.gender) {
        (0, _) | (_, 0) | (3, _) | (_, 3) => GenderLevel::Missing,
        (x, y) if x == y => GenderLevel::Same,
        _ => GenderLevel::Different,
    };
    c.set(Col::Gender, gender as u8);
    let number = if a.source != b.source || a.number == 0 || b.number == 0 {
        NumberLevel::NotComparable
    } else if a.number == b.number {
        c.tf[Col::Number as usize] = a.number;
        NumberLevel::Same
    } else if a.number_once {
        NumberLevel::DifferentRows
    } else {
        NumberLevel::Different
    };
    c.set(Col::Number, number as u8);
    let staff = match (a.staff, b.staff) {
        (0, _) | (_, 0) => StaffLevel::Missing,
        (x, y) if x == y => StaffLevel::Same,
        _ => StaffLevel::Different,
    };
    c.set(Col::Staff, staff as u8);
    c
}

/// One kind of phone: any number of one equal to any of the other.
fn phone_level(l: &Loaded, a: &[Sym], b: &[Sym], tf: &mut u32) -> PhoneLevel {
    if a.is_empty() || b.is_empty() {
        return PhoneLevel::Missing;
    }
    if let Some(p) = shared(a, b) {
        *tf = p;
        return PhoneLevel::Shared;
    }
    if keyed_alike(l, a, b) {
        return PhoneLevel::Slip;
    }
    PhoneLevel::Different
}

fn shared(a: &[Sym], b: &[Sym]) -> Option<Sym> {
    a.iter().find(|x| b.contains(x)).copied()
}

/// Whether a phone of one list is a phone of the other with two
/// neighbouring digits swapped.
fn keyed_alike(l: &Loaded, a: &[Sym], b: &[Sym]) -> bool {
    a.iter().any(|&x| b.iter().any(|&y| transposed(l.tables.phones.get(x), l.tables.phones.get(y))))
}

/// Two strings of one length that differ only by one swap of neighbouring
/// characters.
pub fn transposed(a: impl AsRef<[u8]>, b: impl AsRef<[u8]>) -> bool {
    let (a, b) = (a.as_ref(), b.as_ref());
    if a.len() != b.len() || a == b {
        return false;
    }
    let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) else { return false };
    i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..]
}

/// The same postal code, or one mistyped by a digit or a swap of two.
fn postal_close(t: &super::load::Tables, a: Sym, b: Sym) -> bool {
    if a == 0 || b == 0 {
        return false;
    }
    if a == b {
        return true;
    }
    let (x, y) = (t.postals.get(a), t.postals.get(b));
    x.len() == y.len() && (x.bytes().zip(y.bytes()).filter(|(p, q)| p != q).count() == 1 || transposed(x, y))
}

/// Two e-mail addresses one typo apart, or one mailbox name (five
/// characters or more) at two domains.
fn email_close(a: &str, b: &str) -> bool {
    let (la, lb) = (a.split('@').next().unwrap_or(""), b.split('@').next().unwrap_or(""));
    (la == lb && la.chars().count() >= 5)
        || (a.len().abs_diff(b.len()) <= 1 && a.len().min(b.len()) >= 8 && strsim::damerau_levenshtein(a, b) <= 1)
}

/// Two address keys one or two characters apart (a block number
/// mistyped: 太子堂3-31-27 / 太子堂3-31-28; a street misspelt), long
/// enough for that to mean something.
fn address_close(a: &str, b: &str) -> bool {
    // Cheap refusals first: this is asked of most candidate pairs.
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 6 || la.min(lb) < 8 {
        return false;
    }
    let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let n = ca.len().min(cb.len());
    if n < 8 || ca.len().abs_diff(cb.len()) > 2 {
        return false;
    }
    // Only the part between the common head and tail can hold the edits.
    let head = ca.iter().zip(&cb).take_while(|(x, y)| x == y).count();
    let tail = ca[head..].iter().rev().zip(cb[head..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (ca, cb) = (&ca[head..ca.len() - tail], &cb[head..cb.len() - tail]);
    let d = strsim::generic_damerau_levenshtein(ca, cb);
    d <= 1 || (n >= 16 && d <= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_slips() {
        assert!(transposed("09012345678", "09012354678"));
        assert!(!transposed("09012345678", "09012345678"));
        assert!(!transposed("09012345678", "09012345679"));
        assert!(!transposed("09012345678", "09021345687"));
        assert!(!transposed("0901234567", "09012345678"));
    }

    #[test]
    fn birth_levels() {
        use BirthLevel::*;
        let cases = [
            (19770403, 19770403, Exact),
            (19770403, 19770408, Typo),
            (19770403, 19770304, Typo),
            (19770403, 19774003, Typo),
            (19770403, 19800101, Different),
            (19770403, 19770615, Different),
        ];
        for (a, b, want) in cases {
            assert_eq!(birth_pair(a, b), want, "{a} {b}");
        }
        let rec = |birth: u32, year: u16| Rec { birth, birth_year: year, ..Rec::default() };
        assert_eq!(birth_level(&rec(0, 0), &rec(19800101, 0)), Missing);
        assert_eq!(birth_level(&rec(0, 1980), &rec(19800101, 0)), Year);
        assert_eq!(birth_level(&rec(0, 1981), &rec(19800101, 0)), Different);
    }

    #[test]
    fn every_column_has_missing_first_and_m_priors_that_sum_to_one() {
        for c in Col::ALL {
            let levels = c.levels();
            assert_eq!(levels[0].polarity, Polarity::None, "{c:?}");
            let sum: f64 = levels[1..].iter().map(|l| l.m).sum();
            assert!((sum - 1.0).abs() < 1e-9, "{c:?}: m priors sum to {sum}");
            assert!(levels[1..].iter().all(|l| l.polarity != Polarity::None), "{c:?}");
        }
        assert_eq!(NAME_LEVELS.len(), NameLevel::ALL.len());
    }

    #[test]
    fn close_emails_and_addresses() {
        assert!(email_close("taro.yamada@example.com", "taro.yamada@example.jp"));
        assert!(email_close("taro.yamada@example.com", "taro.yamda@example.com"));
        assert!(!email_close("a@example.com", "a@example.jp"));
        assert!(address_close("世田谷区太子堂3-31-27", "世田谷区太子堂3-31-28"));
        assert!(!address_close("世田谷区太子堂3-31-27", "世田谷区太子堂4-2-1"));
        assert!(address_close("40 madigan street ekibin", "40 madigan stret ekibin"));
    }
}
