#!/usr/bin/env python3
"""A second, independent benchmark corpus for `karte dedup`: ネイル＆エステ はなみずき.

benches/make_corpus.py (ヘアサロン椿) is the corpus the matcher was tuned on.
This generator writes another invented store on purpose differently, so that
a matching change can be checked for whether it generalizes: other file
layouts, other name pools, foreign residents, other noise, other families.

はなみずき is an invented chain of nail and esthetic salons in Morioka,
Niigata, Kanazawa, Hamamatsu, Kyoto, Kobe, Okayama, Hiroshima, Matsuyama and
Kumamoto.  Every person is invented; e-mail addresses are on example.*
domains; landline, mobile and block numbers are random (the postal codes and
town names are real, so that karte's postal table knows them).

The files (DIR/…):

    corpus2_ledger.xlsx  the customer ledger, written with openpyxl, two sheets
        with different headers:
        顧客台帳  registrations 2010–2019.  Two title rows and a blank row
                 above the header (row 4): 会員No 店舗 氏名 フリガナ 性別
                 生年月日 電話番号 携帯 郵便番号 住所 備考.  Birth dates are
                 real Excel dates (a few only a year, typed as the number
                 1977); phones and postal codes are mostly numbers (the
                 leading zero lost: 9012345678, 200011 for 020-0011).
        2020     registrations from 2020 on.  One title row above the header
                 (row 2): No. 登録日 お名前 ﾌﾘｶﾞﾅ 性別 誕生日 TEL 携帯番号 E-mail
                 〒 住所1 住所2 メモ.  Birth dates are era text (S52.3.4,
                 昭和52年3月4日, H3.10.2, 平成3年10月2日) or only a year
                 (1977年, S52年生); 住所2 holds the building.
        Both sheets end with a blank row and a footer in the first column
        (以上 38名), which is not a customer.
    corpus2_pos.csv      the POS sales export: CP932, CRLF, one title line
        above the header (line 2), one row per purchase.  A 会員番号 (the
        member card, 10 digits, kept within the POS) is on every row; 会員名
        (kanji or latin) and 会員名ｶﾅ (half-width kana) are there when the
        member master had them; a share of rows carries ONLY the member
        number and the purchase (a purchase log: tag code-only).
    corpus2_web.csv      the web-booking export: UTF-8 with BOM, LF line
        ends, split name columns 姓 名 セイ メイ and split address columns
        都道府県 市区町村 番地 建物名, 予約日時, 来店日時, an e-mail on every
        booking, a phone (mostly a mobile), an optional birth date and a
        free-text ご要望 that may run over lines.  Some customers type their
        name in latin letters (Yamaguchi / Rimi, RIMI / YAMAGUCHI,
        'yamaguti rimi' with 名 empty): Hepburn and its variants (shi/si,
        tsu/tu, chi/ti, fu/hu, ji/zi, ou/oo/o/oh/ō, m or n before b/m/p).
    corpus2_cards.txt    paper kartes typed up (2008–2016): CP932, CRLF, the
        card format of README.md ("Paper-card transcriptions"), typed in
        batches by three typists, each with a comment line naming the batch
        and each with their own keys:
          A  カルテNo 店舗 氏名 フリガナ 生年月日 性別 〒 住所 TEL 携帯 来店履歴… メモ
          B  カルテNo お名前 ふりがな 誕生日 郵便番号 住所 電話 来店履歴… 備考
             (電話 may hold both numbers: 082-211-4455／090-1234-5678)
          C  カルテNo 名前 フリガナ(half-width) 生年月日 住所 (with its 〒)
             TEL or 携帯, then 来店履歴： with the visits on indented lines
             below it; typist C works from OCR and lets more OCR slips
             through (ロ/口, カ/力, ニ/二, エ/工, ハ/八, dropped dakuten)
        A card's row is its first line (カルテNo, or the name when the card
        number is missing).

Ground truth goes to DIR/truth.csv, with the columns benches/score.py reads:

    source_file,sheet,row,person_id,household_id,kind

`row` is what karte's lineage view calls row: for the workbook the sheet
row number Excel shows (sheet is 顧客台帳 or 2020), for a CSV the physical
line on which the record starts, for the cards the first non-blank,
non-comment line of the card.  Only records karte imports as customers get a
truth row (not the footers, titles or blank rows).  `kind` is a ';'-list of
tags, the person's first (plain when none), then the record's:

  person  plain        nothing special
          household    lives with other customers: same surname, address and
                       usually landline; a member may use another's mobile or
                       e-mail (a daughter booking with her mother's e-mail)
          twin         a household member born the same day as a sibling:
                       same surname, birth date, address and phone, another
                       given name (a quarter of twin pairs share the reading:
                       美紀/実紀 both ミキ)
          married      new surname from a date on (same given name, birth
                       date, mobile); usually a new address; a daughter's
                       maiden records are at her parents' address
          moved        new address and landline from a date on; name,
                       reading and birth date agree (the mobile may change
                       too: then also new-mobile)
          new-mobile   another mobile number from a date on
          same-name    another customer in another household has the same
                       surname and given name (common names are drawn on
                       purpose, some with the same birth year)
          foreign      a foreign resident (Vietnamese, Chinese, Filipino,
                       Brazilian, Korean, Nepali): the name in latin letters,
                       in katakana variants (チャン/ヂャン, ヴ/ブ, ・ or a
                       space, ー or not) and for Chinese and Korean names in
                       kanji with a Japanese or a native reading
  record  dup-noise    the record has one of the slips homophone, ocr,
                       name-swap, whole-name, gender-wrong
          homophone    an IME's other kanji for the same reading (克之/勝之,
                       弘紀/裕紀, 河野/川野)
          ocr          an OCR-like confusion on a card (川口→川ロ, カズコ→力ズコ,
                       工藤→エ藤, ガ→カ)
          latin        a Japanese customer's name typed in latin letters
          kana-variant the reading in another katakana spelling (foreign
                       names; ヅ/ズ, ヂ/ジ, ー for a long vowel)
          whole-name   the whole name typed into one part (姓 holds it, 名
                       is empty)
          name-swap    given and family name the other way round
          birth-year   the birth date written as a year only
          no-birth     no birth date in a source that has the column
          gender-missing / gender-wrong   the 性別 cell empty / the other sex
          name-only    a ledger record whose person's POS rows share nothing
                       with it but the name and its reading (no phone, or a
                       work phone the ledger does not have)
          code-only    a POS row with only the member number and the purchase
          family-contact  another household member's mobile or e-mail
          old-name / old-address / old-mobile   written before the marriage /
                       the move / the new mobile
          second-id    a second registration (a second ledger row, a new
                       member card in the POS, a second paper card)

Tags that make_corpus.py also uses (household, twin, married, moved,
new-mobile, same-name, dup-noise, old-name, old-address, old-mobile,
second-id) mean the same here.

It also writes one mapping per source to mappings/corpus2_*.toml, each with
`files` patterns that only match these files.  What the mapping format could
not express (at the time of writing), and how the mappings get round it:

  * one mapping for a workbook whose two sheets name the same fields with
    other headers: there are two mappings (corpus2_ledger.toml with
    sheets = ["顧客台帳"], corpus2_ledger2020.toml with sheets = ["2020"]),
    i.e. two sources; both claim the workbook, so it is imported twice with
    --mapping (benches/dedup.sh --corpus2 does that) and the other files with
    --mappings;
  * alternative card keys (氏名/お名前/名前, フリガナ/ふりがな, 生年月日/誕生日,
    TEL/電話, 〒/郵便番号, メモ/備考): `columns = [...]` with `optional = true`,
    which joins the keys a card has with a space (each card has one of them)
    and no longer checks that any of them exists;
  * a card whose 来店履歴 value continues on indented lines (typist C) is one
    value, read as one visit;
  * 電話 holding a landline and a mobile in one value (typist B) is left to
    the phone cleanser;
  * the web export's 電話番号 is mapped as `mobile` although a customer
    without a mobile types a landline there.

    python3 benches/make_corpus2.py --people 5000 --out target/bench-data/corpus2_5000
    benches/dedup.sh --corpus2 5000        # generate, import, dedup, score

Standard library and openpyxl (the workbook; write-only mode).
Deterministic: the same --seed and --people give byte-identical CSV, card
and truth files, and a workbook whose sheets are identical (only its
document properties and zip timestamps carry the time of writing).
On a 2-core machine: 5,000 people (about 7,700 records) 1 s; 50,000 (77,800)
12 s; 700,000 (1,083,000 records) 161 s and 910 MiB.  The name pools are
smaller than make_corpus.py's: the share of customers who share their full
name with someone in another household (same-name) grows with the size,
6% at 5,000, 31% at 50,000, 81% at 700,000.
"""
from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gc
import itertools
import random
import sys
import time
import unicodedata
from array import array
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------
# randomness: one generator, seeded in main()
# ---------------------------------------------------------------------------

rng = random.Random(0)
R = rng.random


def ri(a: int, b: int) -> int:
    """A random integer in [a, b]."""
    return a + int(R() * (b - a + 1))


def pick(seq):
    return seq[int(R() * len(seq))]


class Weighted:
    """A weighted choice among values, one random number a draw."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, pairs):
        self.values = [v for v, _ in pairs]
        self.cum = list(itertools.accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def __call__(self):
        i = bisect.bisect_right(self.cum, R() * self.total)
        return self.values[min(i, len(self.values) - 1)]


D = dt.date
TODAY = D(2025, 3, 31)           # the day every file was exported
CARDS = (D(2008, 4, 1), D(2016, 3, 31))
LEDGER_OLD = (D(2010, 1, 1), D(2019, 12, 31))     # sheet 顧客台帳
LEDGER_NEW = (D(2020, 1, 1), D(2025, 3, 15))      # sheet 2020
POS = (D(2016, 4, 1), D(2025, 3, 31))
WEB = (D(2020, 6, 1), D(2025, 5, 31))             # visit dates; bookings up to TODAY


def some_day(lo: dt.date, hi: dt.date) -> dt.date:
    if hi <= lo:
        return lo
    return D.fromordinal(ri(lo.toordinal(), hi.toordinal()))


def age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def plus_years(d: dt.date, n: int) -> dt.date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:
        return d.replace(year=d.year + n, day=28)


# ---------------------------------------------------------------------------
# characters: width, kana, romanization, eras
# ---------------------------------------------------------------------------

_FULL = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}
_FULL[0x20] = 0x3000


def fullwidth(s: str) -> str:
    return s.translate(_FULL)


def _half_table():
    narrow = {}
    for cp in range(0xFF61, 0xFFA0):
        wide = unicodedata.normalize("NFKC", chr(cp))
        if len(wide) == 1:
            narrow[wide] = chr(cp)
    narrow["\u3099"], narrow["\u309a"] = "\uff9e", "\uff9f"
    table = {}
    for cp in range(0x30A1, 0x30FD):
        parts = unicodedata.normalize("NFD", chr(cp))
        if all(p in narrow for p in parts):
            table[cp] = "".join(narrow[p] for p in parts)
    table[0x3000] = " "
    table[ord("・")] = "･"
    return table


_HALF = _half_table()
_HIRA = {c: c - 0x60 for c in range(0x30A1, 0x30F4)}     # ヴ ヵ ヶ stay: ゔ is not in CP932


def halfwidth_kana(s: str) -> str:
    """Katakana → half-width (ガ → ｶﾞ, two characters)."""
    return s.translate(_HALF)


def hiragana(s: str) -> str:
    return s.translate(_HIRA)


# Hepburn for each katakana; the other systems are derived from it.
_MORA = dict(
    ア="a", イ="i", ウ="u", エ="e", オ="o", カ="ka", キ="ki", ク="ku", ケ="ke", コ="ko", サ="sa", シ="shi", ス="su",
    セ="se", ソ="so", タ="ta", チ="chi", ツ="tsu", テ="te", ト="to", ナ="na", ニ="ni", ヌ="nu", ネ="ne", ノ="no",
    ハ="ha", ヒ="hi", フ="fu", ヘ="he", ホ="ho", マ="ma", ミ="mi", ム="mu", メ="me", モ="mo", ヤ="ya", ユ="yu",
    ヨ="yo", ラ="ra", リ="ri", ル="ru", レ="re", ロ="ro", ワ="wa", ヲ="o", ン="n", ガ="ga", ギ="gi", グ="gu",
    ゲ="ge", ゴ="go", ザ="za", ジ="ji", ズ="zu", ゼ="ze", ゾ="zo", ダ="da", ヂ="ji", ヅ="zu", デ="de", ド="do",
    バ="ba", ビ="bi", ブ="bu", ベ="be", ボ="bo", パ="pa", ピ="pi", プ="pu", ペ="pe", ポ="po", ヴ="vu",
)
_SMALL_Y = {"ャ": "a", "ュ": "u", "ョ": "o"}
_KUNREI = {"shi": "si", "chi": "ti", "tsu": "tu", "fu": "hu", "ji": "zi", "sha": "sya", "shu": "syu",
           "sho": "syo", "cha": "tya", "chu": "tyu", "cho": "tyo", "ja": "zya", "ju": "zyu", "jo": "zyo"}
_VOWELS = set("アイウエオ")


class Roman:
    """How one person writes a reading in latin letters."""

    __slots__ = ("kunrei", "long", "m_before_b")

    def __init__(self, kunrei=False, long="drop", m_before_b=False):
        self.kunrei = kunrei            # si, ti, tu, hu, zi
        self.long = long                # drop (Sato), keep (Satou), oh (Satoh), macron (Satō)
        self.m_before_b = m_before_b    # Homma, Namba


ROMAN_STYLES = Weighted([
    (Roman(), 40), (Roman(long="keep"), 22), (Roman(kunrei=True, long="keep"), 8), (Roman(kunrei=True), 5),
    (Roman(long="oh"), 8), (Roman(long="macron"), 4), (Roman(m_before_b=True), 6),
    (Roman(long="keep", m_before_b=True), 3), (Roman(kunrei=True, long="oh"), 2),
])


def romanize(kana: str, style: Roman) -> str:
    """A katakana reading in latin letters, lower case."""
    out = []          # one syllable per entry
    last_vowel = ""
    i, n = 0, len(kana)
    double = False
    while i < n:
        c = kana[i]
        if c == "ッ":
            double = True
            i += 1
            continue
        if c == "ー":
            if last_vowel:
                out.append("\x00" + last_vowel + c)   # a long vowel, decided below
            i += 1
            continue
        syl = _MORA.get(c)
        if syl is None:
            i += 1
            continue
        if i + 1 < n and kana[i + 1] in _SMALL_Y and c not in _VOWELS:
            v = _SMALL_Y[kana[i + 1]]
            syl = syl[:-1] + v if syl in ("shi", "chi", "ji") else syl[:-1] + "y" + v
            i += 1
        if style.kunrei:
            syl = _KUNREI.get(syl, syl)
        long = (c in "ウオ" and last_vowel == "o" or c == "ウ" and last_vowel == "u") and \
            not (i + 1 < n and kana[i + 1] in _VOWELS)
        if long:
            out.append("\x00" + last_vowel + c)
            i += 1
            continue
        if double:
            syl = ("t" + syl) if syl.startswith("ch") else syl[0] + syl
            double = False
        if syl == "n" and i + 1 < n and style.m_before_b and _MORA.get(kana[i + 1], "x")[0] in "bmp":
            syl = "m"
        out.append(syl)
        last_vowel = syl[-1] if syl[-1] in "aiueo" else ""
        i += 1
    text = []
    for s in out:
        if s[0] != "\x00":
            text.append(s)
            continue
        v = s[1]
        if style.long == "keep":
            text.append({"ウ": "u", "オ": "o"}.get(s[2], v))
        elif style.long == "oh" and v == "o":
            text.append("h")
        elif style.long == "macron":
            text[-1] = text[-1][:-1] + {"a": "ā", "i": "ī", "u": "ū", "e": "ē", "o": "ō"}[v]
    return "".join(text)


KANJI_DIGITS = "〇一二三四五六七八九"


def kanji_number(n: int) -> str:
    if n < 10:
        return KANJI_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("十" if tens == 1 else KANJI_DIGITS[tens] + "十") + (KANJI_DIGITS[ones] if ones else "")


ERAS = ((D(2019, 5, 1), "令和", "R", 2018), (D(1989, 1, 8), "平成", "H", 1988), (D(1926, 12, 25), "昭和", "S", 1925))


def era_parts(d: dt.date):
    for start, name, letter, offset in ERAS:
        if d >= start:
            return name, letter, d.year - offset
    raise ValueError(d)


def era_text(d: dt.date, style: str) -> str:
    name, letter, y = era_parts(d)
    if style == "letter":                       # S52.3.4
        return f"{letter}{y}.{d.month}.{d.day}"
    if style == "letter0":                      # S52.03.04
        return f"{letter}{y:02d}.{d.month:02d}.{d.day:02d}"
    yy = "元" if y == 1 else str(y)
    if style == "kanji":                        # 昭和52年3月4日
        return f"{name}{yy}年{d.month}月{d.day}日"
    return fullwidth(f"{name}{yy}年{d.month}月{d.day}日")    # ｋａｎｊｉ_fw


def year_only_text(d: dt.date) -> str:
    name, letter, y = era_parts(d)
    r = R()
    if r < 0.4:
        return f"{d.year}年"
    if r < 0.7:
        return f"{letter}{y}年生"
    return f"{name}{'元' if y == 1 else y}年生まれ"


def csv_join(fields, sep=",") -> str:
    out = []
    for f in fields:
        f = "" if f is None else str(f)
        if sep in f or '"' in f or "\n" in f or "\r" in f:
            f = '"' + f.replace('"', '""') + '"'
        out.append(f)
    return sep.join(out)


def cp932(text: str) -> bytes:
    return text.encode("cp932")


# ---------------------------------------------------------------------------
# places: real postal codes and towns (Japan Post's data, as karte embeds
# it); block numbers, buildings, rooms and phone numbers are invented
# ---------------------------------------------------------------------------

# prefecture|city|area code|local exchanges|branch|weight|code+town …
TOWNS = """
岩手県|盛岡市|019|6|盛岡大通店|5|0200004山岸 0200013愛宕町 0200015本町通 0200021中央通 0200022大通 0200024菜園 0200034盛岡駅前通 0200042新田町 0200044城西町 0200061北山 0200063材木町 0200066上田 0200103西松園 0200105北松園 0200114高松 0200116箱清水 0200117緑が丘 0200121月が丘 0200123下厨川 0200125上堂
新潟県|新潟市中央区|025|2|新潟古町店|6|9500081三和町 9500904水島町 9500931南長潟 9500944愛宕 9500946女池西 9500947女池北 9500954美咲町 9501147高美町 9518001海辺町 9518006附船町 9518025赤坂町 9518051新島町通 9518064横一番町 9518076翁町 9518081寄附町 9518106東大畑通 9518108中大畑町 9518121水道町 9518136関屋田町 9518141関新 9518164関屋昭和町
石川県|金沢市|076|2|金沢香林坊店|7|9200014諸江町 9200053若宮町 9200376福増町 9200802三池町 9200918尾山町 9200936兼六町 9200946大桑町 9200956舘山町 9200967菊川 9200974川岸町 9200991下柿木畠 9201126白見町 9201138茅原町 9201145浅川町 9201152田上 9201153田上新町 9201162鈴見町 9203115弥勒町 9218024白菊町 9218045大桑 9218065上荒屋 9218115長坂台 9218144額谷町 9218174山科町
静岡県|浜松市中央区|053|4|浜松駅南店|7|4300808天神町 4300816参野町 4300837西島町 4300855楊子町 4300928板屋町 4300931神明町 4311104桜台 4311112大人見町 4313112大島町 4328007神原町 4328014鹿谷町 4328041菅原町 4328048森田町 4328062増楽町 4338105三方原町 4338118高丘西 4338124泉 4350011国吉町 4350028飯田町 4350037青屋町 4350046丸塚町 4350055十軒町
京都府|京都市左京区|075|7|京都北山店|8|6060001岩倉大鷺町 6060021岩倉忠在地町 6060035上高野三宅町 6060041上高野石田町 6060065上高野八幡町 6060806下鴨蓼倉町 6060812下鴨上川原町 6060815下鴨膳部町 6060821賀茂今井町 6060854下鴨東岸本町 6060926松ケ崎中町 6060937松ケ崎北裏町 6068002山端大城田町 6068102高野清水町 6068125一乗寺清水町 6068176一乗寺塚本町 6068304吉田下阿達町 6068334岡崎南御所町 6068373杉本町 6068381中川町 6068437南禅寺草川町
兵庫県|神戸市東灘区|078|48|神戸岡本店|8|6570111本山町森 6580001森北町 6580002甲南台 6580004本山町田辺 6580005本山町北畑 6580014北青木 6580015本山南町 6580016本山中町 6580021深江本町 6580025魚崎南町 6580041住吉南町 6580043御影浜町 6580044御影塚町 6580045御影石町 6580048御影郡家 6580052住吉東町 6580061本山町田中 6580064鴨子ケ原 6580065御影山手 6580066渦森台 6580073西岡本 6580081田中町 6580082魚崎北町 6580084甲南町
岡山県|岡山市北区|086|2|岡山駅前店|7|7000005理大町 7000015京山 7000017伊島北町 7000034高柳東町 7000045葵町 7000083津島新野 7000088津島笹が瀬 7000838京町 7000852七日市東町 7000922東古松南町 7000925大元上町 7000931奥田西町 7000981西島田町 7011132田原 7011143吉宗 7011145横井上 7011154田益 7011201首部 7011205佐山 7011345新庄上 7011524下高田
広島県|広島市中区|082|25|広島本通店|9|7300004東白島町 7300005西白島町 7300011基町 7300015橋本町 7300016幟町 7300017鉄砲町 7300027薬研堀 7300028流川町 7300032立町 7300036袋町 7300043富士見町 7300048竹屋町 7300052千田町 7300053東千田町 7300054南千田東町 7300802本川町 7300803広瀬北町 7300805十日市町 7300814羽衣町 7300824吉島新町 7300831江波西 7300834江波二本松 7300841舟入町 7300842舟入中町 7300847舟入南 7300851榎町 7300852猫屋町 7300854土橋町
愛媛県|松山市|089|9|松山大街道店|6|7900025泉町 7900043保免西 7900045余戸中 7900808若草町 7900831山田町 7900832祝谷西町 7900841道後多幸町 7900843道後町 7900855持田町 7900902石手白石 7900932東石井 7900945古川町 7910103上高野町 7910135米野町 7911121中野町 7918004鴨川 7918018問屋町 7918052須賀町 7918076会津町 7992447佐古 7992457西谷
熊本県|熊本市中央区|096|3|熊本上通店|7|8600011新鍛冶屋町 8600014慶徳堀町 8600017練兵町 8600022横紺屋町 8600025紺屋町 8600026鍛冶屋町 8600027西唐人町 8600041細工町 8600042小沢町 8600076壺川 8600801安政町 8600804辛島町 8600807下通 8600811本荘 8600814琴平本町 8600823世安町 8600832萩原町 8600841井川淵町 8600842南千反畑町 8600843草葉町 8600844水道町 8600845上通町 8600846城東町 8600848南坪井町 8620951上水前寺 8620958岡田町 8620975新屋敷 8620976九品寺
"""


class Town:
    __slots__ = ("zip", "pref", "city", "name", "chome", "area", "exch", "branch", "index")


TOWN_LIST: list[Town] = []
CITY_TOWNS: dict[str, list[int]] = defaultdict(list)
BRANCHES: list[str] = []
TOWN_DRAW = None


def load_towns():
    global TOWN_DRAW
    pairs = []
    for line in TOWNS.strip().splitlines():
        pref, city, area, exch, branch, weight, towns = line.split("|")
        BRANCHES.append(branch)
        items = towns.split()
        for item in items:
            t = Town()
            t.zip, t.pref, t.city, t.name = item[:7], pref, city, item[7:]
            # towns ending in 町 are mostly written with a 番地 (no 丁目)
            h = sum(map(ord, t.name))
            t.chome = 0 if t.name.endswith("町") and h % 4 else 1 + h % 5
            t.area, t.exch, t.branch, t.index = area, exch, branch, len(TOWN_LIST)
            TOWN_LIST.append(t)
            CITY_TOWNS[city].append(t.index)
            pairs.append((t.index, int(weight) / len(items)))
    TOWN_DRAW = Weighted(pairs)


APARTMENTS = ("コーポ{w} {w}ハイツ メゾン{w} グランシャリオ{w} {w}レジデンス パストラル{w} ソレイユ{w} "
              "{w}マンション アーバンライフ{w} ルミエール{w} {w}荘 ヴェルデ{w} サンライズ{w} {w}コーポラス "
              "エクセル{w} シャトー{w} {w}ガーデンハウス アルカディア{w} {w}パレス").split()
APARTMENT_WORDS = ["花水木", "若葉", "白鷺", "東雲", "朝日", "清流", "桂", "藤", "楓", "泉", "城南", "北斗", "光"]
ROOM_NUMBERS = [101, 102, 103, 105, 106, 201, 202, 203, 205, 206, 301, 302, 303, 305, 401, 402, 403, 501, 502,
                601, 702, 805, 903, 1001]


class World:
    """What is already taken: houses, phones, e-mails, buildings."""

    houses: set = set()
    phones: set = set()
    emails: set = set()
    buildings: dict = {}


def new_landline(town: Town) -> str:
    area = town.area
    while True:
        first = pick(town.exch)
        if len(area) == 3:       # 082-2xx-xxxx
            ph = f"{area}-{first}{ri(0, 9)}{ri(0, 9)}-{ri(0, 9999):04d}"
        else:
            ph = f"{area}-{first}{ri(0, 99):02d}-{ri(0, 9999):04d}"
        if ph not in World.phones:
            World.phones.add(ph)
            return ph


MOBILE_PREFIX = Weighted([("090", 38), ("080", 36), ("070", 26)])


def new_mobile() -> str:
    pre = MOBILE_PREFIX()
    while True:
        ph = f"{pre}-{ri(1000, 9999)}-{ri(0, 9999):04d}"
        if ph not in World.phones:
            World.phones.add(ph)
            return ph


def free_block(town: Town):
    tries = 0
    while True:
        grow = 1 + tries // 6
        chome = ri(1, town.chome) if town.chome else 0
        ban = ri(1, 35 * grow) if chome else ri(1, 900 * grow)
        go = ri(1, 25 * grow) if chome or R() < 0.5 else 0
        key = (town.index, chome, ban, go)
        if key not in World.houses:
            World.houses.add(key)
            return chome, ban, go
        tries += 1


def new_address(town_index=None, flat=0.4):
    """(town index, 丁目, 番, 号, building or None, room or None)."""
    t = TOWN_LIST[TOWN_DRAW() if town_index is None else town_index]
    if R() < flat:
        blds = World.buildings.setdefault(t.index, [])
        b = pick(blds) if blds and R() < 0.6 else None
        if b is None or len(b[4]) >= len(ROOM_NUMBERS):
            chome, ban, go = free_block(t)
            name = pick(APARTMENTS).format(w=t.name[:2] if R() < 0.4 else pick(APARTMENT_WORDS))
            b = (chome, ban, go, name, set())
            blds.append(b)
        while True:
            room = pick(ROOM_NUMBERS)
            if room not in b[4]:
                b[4].add(room)
                break
        return (t.index, b[0], b[1], b[2], b[3], room)
    chome, ban, go = free_block(t)
    return (t.index, chome, ban, go, None, None)


EMAIL_DOMAINS = Weighted([("example.org", 4), ("example.net", 3), ("example.ne.jp", 3), ("example.co.jp", 1),
                          ("i.example.jp", 2), ("mb.example.jp", 1)])


def new_email(given_latin: str, family_latin: str, birth: dt.date) -> str:
    g = "".join(ch for ch in given_latin.lower() if ch.isalpha() and ch.isascii())[:12] or "hana"
    f = "".join(ch for ch in family_latin.lower() if ch.isalpha() and ch.isascii())[:12] or "mizuki"
    mmdd = f"{birth.month:02d}{birth.day:02d}"
    for attempt in range(40):
        r = R()
        if r < 0.2:
            local = f"{g}.{f[0]}{birth.year}"
        elif r < 0.35:
            local = f"{f}_{g}"
        elif r < 0.5:
            local = f"{g[0]}-{f}"
        elif r < 0.62:
            local = f"{g}{mmdd}"
        elif r < 0.72:
            local = f"{pick(('love', 'happy', 'nail', 'smile', 'sky', 'moon'))}.{g}"
        elif r < 0.85:
            local = f"{g}{f[:3]}{ri(1, 99)}"
        else:
            local = f"{f}.{g}.{birth.year % 100:02d}"
        if attempt > 4:
            local += str(ri(10, 9999))
        mail = f"{local}@{EMAIL_DOMAINS()}"
        if mail not in World.emails:
            World.emails.add(mail)
            return mail
    raise RuntimeError("no free e-mail address")


# ---------------------------------------------------------------------------
# Japanese names.  Other pools than make_corpus.py: surnames common in the
# Tohoku, Hokuriku, Chubu, Kansai, Chugoku, Shikoku and Kyushu regions, a
# flatter frequency profile, many surnames with two or three readings
# (上村 ウエムラ/カミムラ, 角田 カクタ/カドタ/ツノダ), a long tail of rare
# real surnames and of invented three-part ones.
# ---------------------------------------------------------------------------

# surname reading[/reading…] weight (the first reading the most common)
SURNAMES_HEAD = """
藤原 フジワラ 30|岡田 オカダ 26|村上 ムラカミ 28|藤井 フジイ 26|佐々木 ササキ 24|菅原 スガワラ 18|
高田 タカダ/タカタ 16|松浦 マツウラ 12|三宅 ミヤケ 14|片山 カタヤマ 13|難波 ナンバ 10|守屋 モリヤ 9|
越智 オチ 9|渡部 ワタナベ/ワタベ 12|矢野 ヤノ 14|玉井 タマイ 8|兵頭 ヒョウドウ 7|二宮 ニノミヤ 8|
白石 シライシ/シロイシ 10|大塚 オオツカ 9|緒方 オガタ 9|園田 ソノダ 8|坂口 サカグチ 10|田代 タシロ 9|
今村 イマムラ 11|宮田 ミヤタ 10|平原 ヒラハラ/ヒラバル 5|前原 マエハラ/マエバル 5|上村 ウエムラ/カミムラ 9|
中谷 ナカタニ/ナカヤ 8|小谷 コタニ/オダニ 6|角田 カクタ/カドタ/ツノダ 6|菅野 カンノ/スガノ 9|
新田 ニッタ/シンデン/アラタ 6|神田 カンダ/コウダ 6|大谷 オオタニ/オオヤ 8|米田 ヨネダ/コメダ 6|
河野 カワノ/コウノ 10|川野 カワノ 5|阿部 アベ 18|安部 アベ 5|伊藤 イトウ 20|伊東 イトウ 6|
斎藤 サイトウ 14|斉藤 サイトウ 9|高野 タカノ/コウノ 9|小野寺 オノデラ 8|千葉 チバ 12|及川 オイカワ 8|
熊谷 クマガイ/クマガヤ 9|菊池 キクチ 10|工藤 クドウ 10|本間 ホンマ 8|五十嵐 イガラシ 8|風間 カザマ 5|
北川 キタガワ 8|竹中 タケナカ 7|平松 ヒラマツ 6|赤木 アカギ 6|小橋 コバシ/オバシ 5|妹尾 セノオ/セオ 5|
横田 ヨコタ 8|堀江 ホリエ 6|田畑 タバタ 5|浜口 ハマグチ 6|村井 ムライ 7|吉岡 ヨシオカ 9|末永 スエナガ 5|
吉富 ヨシトミ 4|木戸 キド 4|末松 スエマツ 5|古閑 コガ 3|有働 ウドウ 3|寺岡 テラオカ 5|檜垣 ヒガキ 4|
土居 ドイ 6|門田 カドタ/モンデン 5|宇都宮 ウツノミヤ 5|能登 ノト 3|曽我部 ソガベ 3|山口 ヤマグチ 16|
川口 カワグチ 10|田口 タグチ 9|谷口 タニグチ 10|関口 セキグチ 6|八木 ヤギ 7|二村 ニムラ/フタムラ 4|
加藤 カトウ 18|後藤 ゴトウ 12|近藤 コンドウ 12|江口 エグチ 7|力石 チカライシ 2|小松 コマツ 9|水野 ミズノ 8|
"""
SURNAMES_MID = """
鶴田 ツルタ|水田 ミズタ|奥村 オクムラ|梶原 カジワラ|森本 モリモト|岩本 イワモト|西岡 ニシオカ|野上 ノガミ|
大西 オオニシ|藤本 フジモト|松尾 マツオ|中尾 ナカオ|宮原 ミヤハラ/ミヤバル|田上 タノウエ/タガミ|東 ヒガシ/アズマ|
上野 ウエノ/カミノ|荒木 アラキ|末吉 スエヨシ|坂本 サカモト|徳永 トクナガ|永田 ナガタ|福島 フクシマ|
吉永 ヨシナガ|岩永 イワナガ|松永 マツナガ|井手 イデ|中原 ナカハラ/ナカバル|原口 ハラグチ|嶋田 シマダ|
沖 オキ|波多野 ハタノ|桑田 クワタ|香川 カガワ|三好 ミヨシ|篠原 シノハラ|真鍋 マナベ|合田 ゴウダ/アイダ|
大久保 オオクボ|西川 ニシカワ|北村 キタムラ|竹本 タケモト|浅野 アサノ|杉浦 スギウラ|鈴村 スズムラ|
山内 ヤマウチ/ヤマノウチ|野々村 ノノムラ|石黒 イシグロ|丹羽 ニワ|永井 ナガイ|河合 カワイ|服部 ハットリ|
長尾 ナガオ|細川 ホソカワ|中路 ナカジ|吉村 ヨシムラ|辻本 ツジモト|奥田 オクダ|南 ミナミ|上原 ウエハラ|
坂井 サカイ|米沢 ヨネザワ|小沢 オザワ|浅井 アサイ|堀田 ホッタ|宮下 ミヤシタ|武田 タケダ|桜井 サクライ|
山岸 ヤマギシ|畑中 ハタナカ|北野 キタノ|寺田 テラダ|表 オモテ|蔵 クラ|中西 ナカニシ|林 ハヤシ|
高橋 タカハシ|佐藤 サトウ|鈴木 スズキ|田中 タナカ|中村 ナカムラ|小林 コバヤシ|山本 ヤマモト|渡辺 ワタナベ|
吉田 ヨシダ|山田 ヤマダ|松本 マツモト|井上 イノウエ|木村 キムラ|清水 シミズ|池田 イケダ|橋本 ハシモト|
石川 イシカワ|山下 ヤマシタ|中島 ナカシマ/ナカジマ|石井 イシイ|小川 オガワ|前田 マエダ|長谷川 ハセガワ|
遠藤 エンドウ|青木 アオキ|福田 フクダ|太田 オオタ|金子 カネコ|中野 ナカノ|原田 ハラダ|松田 マツダ|
和田 ワダ|上田 ウエダ/ウエタ|内田 ウチダ|柴田 シバタ|酒井 サカイ|宮崎 ミヤザキ|横山 ヨコヤマ|今井 イマイ|
"""
SURNAMES_RARE = """
栂野 トガノ|杢谷 モクタニ|桝田 マスダ|舛井 マスイ|鍛治 カジ|飴本 アメモト|乗松 ノリマツ|簾内 スダレウチ|
百々 ドド/モモ|四十物 アイモノ|小鳥遊 タカナシ|御手洗 ミタライ/ミタラシ|東海林 ショウジ/トウカイリン|
五百旗頭 イオキベ|勘解 カゲ|九十九 ツクモ|八月一日 ホズミ|一 ニノマエ/ハジメ|廿日出 ハツカデ|
十河 ソゴウ|宍戸 シシド|朝比奈 アサヒナ|東雲 シノノメ|不破 フワ|日下部 クサカベ|建部 タケベ|
物部 モノノベ|膳 カシワデ|服部 ハトリ|鬼頭 キトウ|蛭子 エビス|神 ジン/カミ|帆足 ホアシ|
瓜生 ウリュウ|相良 サガラ|仁科 ニシナ|志賀 シガ|由良 ユラ|加賀 カガ|志摩 シマ|多久 タク|
伊吹 イブキ|有馬 アリマ|城戸 キド|坂東 バンドウ|犬養 イヌカイ|鷹野 タカノ|鶴見 ツルミ|雁部 カリベ|
鵜飼 ウカイ|亀井 カメイ|猪瀬 イノセ|鹿島 カシマ|熊野 クマノ|牛島 ウシジマ|駒井 コマイ|兎澤 トザワ|
椎名 シイナ|楢崎 ナラサキ|槙野 マキノ|柾木 マサキ|榊 サカキ|椿 ツバキ|楠本 クスモト|欅田 ケヤキダ|
蓬田 ヨモギダ|葛西 カサイ|萩野 ハギノ|蒲生 ガモウ|芦田 アシダ|葦原 アシハラ|菰田 コモダ|蓑輪 ミノワ|
笹生 サソウ|篠崎 シノザキ|簗瀬 ヤナセ|籾山 モミヤマ|粟津 アワヅ|稗田 ヒエダ|黍原 キビハラ|麦倉 ムギクラ|
"""


def _split_pool(text, weight=None):
    out = []
    for item in text.replace("\n", "").split("|"):
        parts = item.split()
        if not parts:
            continue
        kanji, readings = parts[0], parts[1].split("/")
        w = float(parts[2]) if len(parts) > 2 else weight
        for i, k in enumerate(readings):
            out.append((kanji, k, w * (0.75 if i == 0 else 0.25 / (len(readings) - 1)) if len(readings) > 1 else w))
    return out


# Invented surnames in three parts (place kanji + landscape kanji + 田/川/野/…):
# 由布川, 那賀野 … Readings follow the parts, the last voiced or not.
_P1 = ("由ユ 那ナ 志シ 宇ウ 加カ 多タ 日ヒ 比ヒ 阿ア 真マ 美ミ 伊イ 佐サ 都ツ 奈ナ 古フル 安ア 和ワ 久ク 早サ "
       "千チ 八ヤ 三ミ 有アリ 江エ 小オ 大オオ").split()
_P2 = ("布フ 賀カ 摩マ 良ラ 波ハ 生オ 見ミ 留ル 根ネ 瀬セ 津ツ 浦ウラ 保ホ 谷ヤ 野ノ 部ベ 戸ト 坂サカ 城キ 原ハラ").split()
_P3 = ("田タダ 川カワガワ 野ノノ 森モリモリ 島シマジマ 沢サワザワ 井イイ 本モトモト 山ヤマヤマ 岡オカオカ").split()


def _invented_surnames():
    out, seen = [], set()
    for i, a in enumerate(_P1):
        for j, b in enumerate(_P2):
            for k, c in enumerate(_P3):
                if (i * 7 + j * 3 + k) % 5:             # a fifth of the combinations
                    continue
                name = a[0] + b[0] + c[0]
                if name in seen:
                    continue
                seen.add(name)
                rest = c[1:]
                plain, voiced = rest[:len(rest) // 2], rest[len(rest) // 2:]
                out.append((name, a[1:] + b[1:] + (voiced if (i + j + k) % 3 == 0 else plain), 1.0))
    return out


SURNAMES = (_split_pool(SURNAMES_HEAD) + _split_pool(SURNAMES_MID, 4.0) + _split_pool(SURNAMES_RARE, 0.8)
            + _invented_surnames())
# The head is about 28% of the people, the middle 30%, the rare and the
# invented names the rest (make_corpus.py: 30% common, 70% in its tail).
_SHARE = {"head": 0.28, "mid": 0.30, "tail": 0.42}


def _surname_draw():
    n_head = len(_split_pool(SURNAMES_HEAD))
    n_mid = len(_split_pool(SURNAMES_MID, 4.0))
    groups = {"head": SURNAMES[:n_head], "mid": SURNAMES[n_head:n_head + n_mid], "tail": SURNAMES[n_head + n_mid:]}
    pairs = []
    for g, items in groups.items():
        tot = sum(w for _, _, w in items)
        pairs += [((s, k), w / tot * _SHARE[g]) for s, k, w in items]
    return Weighted(pairs)


SURNAME_DRAW = _surname_draw()

# Given names: reading: kanji kanji …, by birth years and sex.  One kanji may
# have several readings (幸子 サチコ/ユキコ, 大翔 ヒロト/ハルト/ヤマト): they are
# separate entries; the kanji listed for one reading are the homophones an
# IME offers (克之/勝之).
# sex y0 y1 weight reading: kanji…
GIVEN = """
F 1935 1960 3 サチコ:幸子,佐知子|F 1935 1960 2 ユキコ:幸子,由紀子,雪子|F 1935 1965 3 カズコ:和子,一子|F 1935 1958 1 ワコ:和子,倭子|
F 1940 1970 4 トモコ:智子,友子,知子,朋子|F 1940 1968 1 サトコ:智子,聡子,里子|F 1940 1975 4 ユウコ:裕子,優子,祐子,有子|
F 1940 1972 2 ヒロコ:裕子,弘子,博子,広子|F 1945 1975 3 ケイコ:恵子,啓子,慶子,圭子|F 1945 1975 2 リョウコ:涼子,良子,亮子|
F 1950 1970 1 スズコ:涼子,鈴子|F 1950 1980 3 マユミ:真由美,真弓,麻由美,繭美|F 1950 1980 3 アケミ:明美,朱美,明実|
F 1955 1985 3 アユミ:亜由美,歩美,鮎美,歩|F 1955 1985 3 ミキ:美紀,美樹,実紀,美希|F 1955 1990 2 ユキ:由紀,有希,由希,友紀|
F 1955 1988 2 メグミ:恵,恵美,愛,めぐみ|F 1960 1990 1 ケイ:恵,慶,啓|F 1958 1990 3 カオリ:香織,佳織,香,沙織|
F 1960 1990 2 ナオミ:直美,尚美,奈緒美|F 1960 1995 3 マミ:真美,麻美,茉美|F 1962 1992 1 マナミ:真美,愛美,真奈美|
F 1965 1995 3 エリ:恵理,絵里,英里,恵梨|F 1965 1995 3 ミホ:美穂,美保,実穂|F 1965 1995 2 リカ:里香,梨花,理佳,利香|
F 1968 1998 3 サヤカ:沙耶香,清香,彩香,紗也加|F 1970 2000 3 アヤ:彩,綾,亜矢,絢|F 1970 2000 3 マイ:舞,麻衣,真衣,舞衣|
F 1975 2005 3 アイ:愛,藍,亜衣,愛衣|F 1975 2005 1 マナ:愛,真菜,愛菜,茉奈|F 1975 2005 3 ミズキ:瑞希,美月,水希,瑞季|
F 1980 2008 2 ミヅキ:美月,美都希|F 1980 2008 1 ミツキ:美月,光希,美津希|F 1982 2008 3 アヤカ:彩花,綾香,彩香,絢香|
F 1985 2008 3 ナナミ:七海,菜々美,奈々美,七実|F 1988 2008 3 ヒナ:陽菜,日菜,妃奈,雛|F 1992 2008 2 ハルナ:陽菜,春菜,遥奈|
F 1990 2008 2 ユア:結愛,優愛,由愛|F 1992 2008 1 ユメ:結愛,夢,由芽|F 1995 2008 2 ココア:心愛,心亜|F 1995 2008 1 ミア:心愛,美愛,美亜|
F 1985 2008 2 リン:凛,鈴,凜,りん|F 1980 2008 2 アオイ:葵,碧,蒼依|F 1985 2008 2 ハナ:花,華,葉菜|F 1975 2000 2 チヒロ:千尋,千紘,知尋|
F 1970 1998 2 ミユキ:美幸,美由紀,深雪|F 1970 1998 2 サオリ:沙織,早織,佐織,紗織|F 1960 1992 2 クミ:久美,久美子,来美|
F 1950 1980 2 ジュンコ:順子,純子,淳子,潤子|F 1945 1972 2 ヨシコ:良子,佳子,芳子,淑子|F 1945 1972 1 ミチコ:美智子,道子,倫子|
F 1975 2003 2 ノゾミ:望,希,希美,のぞみ|F 1980 2005 2 モエ:萌,萌絵,萌恵|F 1985 2008 2 ユイ:結衣,唯,由衣,優衣|
F 1965 1995 2 リエ:理恵,里恵,梨絵,利恵|F 1960 1990 1 シノブ:忍,志乃布|F 1975 2005 1 チナツ:千夏,知夏|
F 1965 1995 1 ヨウコ:洋子,陽子,葉子,容子|F 1960 1990 1 ヒトミ:瞳,仁美,一美|F 1985 2008 1 リナ:里奈,莉奈,梨奈,利奈|
F 1940 1970 1 セツコ:節子,世津子|F 1940 1972 1 テルミ:照美,輝美|F 1945 1975 1 ミツコ:光子,美津子,充子|F 1950 1980 1 ヒロミ:弘美,裕美,博美,浩美|
F 1950 1982 1 チエコ:千恵子,智恵子,知恵子|F 1955 1985 1 ユカリ:由香里,ゆかり,紫,友香里|F 1958 1990 1 ミドリ:緑,翠,美登里|F 1960 1992 1 シオリ:栞,詩織,志織|
F 1962 1995 1 ナツコ:夏子,奈津子|F 1965 1995 1 チカ:千佳,知佳,智香,千夏|F 1965 1998 1 マドカ:円,まどか,円香|F 1968 1998 1 ヤヨイ:弥生,やよい|
F 1970 2000 1 ミナコ:美奈子,皆子|F 1970 2002 1 サキ:咲,早紀,沙希,紗季|F 1972 2003 1 ハルカ:遥,春香,遙,悠|F 1975 2005 1 ナツミ:夏美,奈津美,菜摘|
F 1978 2006 1 カナ:佳奈,加奈,香奈,可奈|F 1978 2006 1 ユリ:百合,由里,友里,優里|F 1980 2008 1 ミサキ:美咲,岬,美沙希|F 1982 2008 1 アスカ:明日香,飛鳥,あすか|
F 1984 2008 1 ヒカリ:光,ひかり,光莉|F 1985 2008 1 ミウ:美羽,心羽,実優|F 1986 2008 1 コハル:小春,心春|F 1986 2008 1 カホ:果歩,夏帆,佳穂|
F 1940 1970 1 キヨミ:清美,喜代美|F 1945 1975 1 マサコ:雅子,昌子,正子|F 1950 1978 1 レイコ:玲子,礼子,麗子|F 1955 1985 1 ノリコ:典子,紀子,法子|
F 1960 1990 1 イクコ:郁子,育子|F 1962 1992 1 ヨウコ:曜子,耀子|F 1970 2000 1 トモミ:智美,友美,知美|F 1975 2004 1 ミク:未来,美紅,美玖|
F 1982 2008 1 ナオ:奈央,菜緒,直,尚|F 1984 2008 1 ミオ:澪,美緒,未央|F 1986 2008 1 アンナ:杏奈,杏菜,安奈|F 1988 2008 1 リコ:莉子,理子,梨子|
M 1950 1985 1 テツヤ:哲也,徹也,哲哉|M 1955 1990 1 シンジ:真司,慎二,伸治,信二|M 1960 1995 1 ユウスケ:祐介,雄介,裕介,勇介|M 1975 2005 1 レン:蓮,廉,怜|
M 1945 1975 2 カツユキ:克之,勝之,克幸,勝幸|M 1960 2000 3 ヒロキ:弘紀,裕紀,博紀,宏樹,弘樹|M 1950 1985 2 マサル:勝,優,賢|
M 1970 2005 2 ユウ:優,悠,雄,祐|M 1950 1990 2 ジュン:純,潤,淳,順|M 1955 1985 1 アツシ:純,篤,敦,淳|M 1940 1975 2 ヒロシ:博,浩,弘,寛,宏|
M 1980 2008 2 ショウ:翔,将,祥|M 1990 2008 1 カケル:翔,駆,翔流|M 1995 2008 2 ヒロト:大翔,大斗,博人|M 2000 2008 1 ハルト:大翔,陽翔,悠斗|
M 1998 2008 1 ヤマト:大翔,大和,和|M 1960 1995 2 タクヤ:拓也,卓也,拓哉|M 1950 1985 2 コウジ:浩二,幸治,康司,耕治|
M 1965 2000 2 ダイスケ:大輔,大介,大祐|M 1970 2000 2 ケンタ:健太,賢太,憲太|M 1945 1980 2 タカシ:隆,孝,崇,貴志|
M 1955 1990 1 ノリユキ:則之,典之,範之|M 1960 1995 1 マサキ:正樹,真樹,雅樹,将希|M 1975 2005 1 リョウ:亮,涼,遼,諒|
"""


def _given_pool():
    by_sex = {"F": [], "M": []}
    homophones = {}
    for item in GIVEN.replace("\n", "").split("|"):
        if not item.strip():
            continue
        sex, y0, y1, w, rest = item.split()
        kana, spellings = rest.split(":")
        spellings = spellings.split(",")
        homophones.setdefault((sex, kana), []).extend(s for s in spellings if s not in homophones.get((sex, kana), ()))
        for i, kanji in enumerate(spellings):
            by_sex[sex].append((kanji, kana, int(y0), int(y1), float(w) / (1 + 0.6 * i)))
    return by_sex, homophones


GIVEN_POOL, GIVEN_HOMOPHONES = _given_pool()
_GIVEN_DRAWS = {}


def given_name(sex: str, year: int):
    y = min(max(year, 1935), 2008)
    key = (sex, y)
    draw = _GIVEN_DRAWS.get(key)
    if draw is None:
        pool = [((k, r), w) for k, r, y0, y1, w in GIVEN_POOL[sex] if y0 - 2 <= y <= y1 + 2]
        draw = _GIVEN_DRAWS[key] = Weighted(pool)
    return draw()


# Surnames an IME offers for one reading (the customer's is one of them).
SURNAME_HOMOPHONES = {"カワノ": ["河野", "川野"], "アベ": ["阿部", "安部", "安倍"], "イトウ": ["伊藤", "伊東"],
                      "サイトウ": ["斎藤", "斉藤", "齋藤"], "タカノ": ["高野", "鷹野"], "カンノ": ["菅野", "管野", "神野"],
                      "ワタナベ": ["渡部", "渡辺", "渡邊"], "カトウ": ["加藤", "加東"], "キド": ["木戸", "城戸"],
                      "ヒガキ": ["檜垣", "桧垣"], "マスダ": ["桝田", "増田", "升田"], "コガ": ["古閑", "古賀"],
                      "クドウ": ["工藤", "久藤"], "カドタ": ["門田", "角田"], "シマダ": ["嶋田", "島田"]}

# Common full names given on purpose to customers of different households.
NAMESAKES = [("佐藤", "サトウ", "恵子", "ケイコ", "F"), ("高橋", "タカハシ", "智子", "トモコ", "F"),
             ("伊藤", "イトウ", "裕子", "ユウコ", "F"), ("田中", "タナカ", "美紀", "ミキ", "F"),
             ("藤原", "フジワラ", "彩", "アヤ", "F"), ("村上", "ムラカミ", "愛", "アイ", "F"),
             ("山本", "ヤマモト", "博", "ヒロシ", "M"), ("岡田", "オカダ", "真由美", "マユミ", "F"),
             ("阿部", "アベ", "陽菜", "ヒナ", "F"), ("中村", "ナカムラ", "翔", "ショウ", "M")]

# Twins' given names: similar, a quarter of them one reading for two kanji.
TWIN_NAMES = {"F": [(("美紀", "ミキ"), ("実紀", "ミキ")), (("彩花", "アヤカ"), ("彩香", "サヤカ")),
                    (("真由", "マユ"), ("真央", "マオ")), (("結衣", "ユイ"), ("結菜", "ユイナ")),
                    (("千尋", "チヒロ"), ("千晶", "チアキ")), (("萌", "モエ"), ("愛", "アイ")),
                    (("由紀", "ユキ"), ("有希", "ユキ")), (("奈々", "ナナ"), ("美々", "ミミ"))],
              "M": [(("翔太", "ショウタ"), ("翔平", "ショウヘイ")), (("大輝", "ダイキ"), ("大樹", "ヒロキ")),
                    (("健太", "ケンタ"), ("健斗", "ケント")), (("優斗", "ユウト"), ("悠人", "ユウト"))]}


# ---------------------------------------------------------------------------
# foreign residents.  A name part is (latin, katakana spellings) — the first
# spelling is the person's own, the others are what clerks and the customer
# also write (チャン/ヂャン/トラン, シルバ/シウバ/シルヴァ) — and for Chinese
# and Korean names (kanji, Japanese reading) too (王 ワン/オウ).
# ---------------------------------------------------------------------------

def _parts(text):
    out = []
    for item in text.split("|"):
        fields = item.strip().split()
        if not fields:
            continue
        latin = fields[0].replace("_", " ")
        kana = tuple(fields[1].split("/"))
        kanji = fields[2] if len(fields) > 2 else None
        on = fields[3] if len(fields) > 3 else None
        out.append((latin, kana, kanji, on))
    return out


# nationality: (family names, female given names, male given names, given name first?, weight)
FOREIGN = {
    "vn": (_parts("NGUYEN グエン/グェン/ニュエン|TRAN チャン/ヂャン/トラン|LE レ/レー|PHAM ファム/ファン|"
                  "HOANG ホアン/ホァン/ホアング|VU ヴー/ブー/ヴ|DO ドー/ド|BUI ブイ/ブーイ|DANG ダン/ダング|NGO ゴー/ゴ"),
           _parts("THI_TRANG ティ・チャン/ティー・ヂャン/チ・チャン|THU_TRANG トゥ・チャン/ツ・ヂャン/トゥー・チャン|"
                  "THI_LAN ティ・ラン/ティー・ラン/チ・ラン|NGOC_LINH ゴック・リン/ゴク・リン/ゴック・リーン|"
                  "THI_HUONG ティ・フオン/ティ・フーン/チ・フォン|THU_THAO トゥ・タオ/トゥー・タオ/ツ・タオ|"
                  "THI_MAI ティ・マイ/ティー・マイ|HONG_NHUNG ホン・ニュン/ホング・ニュング"),
           _parts("VAN_HUNG ヴァン・フン/バン・フン/ヴァン・フング|MINH_TUAN ミン・トゥアン/ミン・ツアン/ミーン・トアン|"
                  "VAN_NAM ヴァン・ナム/バン・ナム|DUC_LONG ドゥック・ロン/ドゥク・ロング/ズック・ロン|"
                  "QUANG_DUNG クアン・ズン/クワン・ユン/クアン・ズング"),
           False, 30),
    "cn": (_parts("WANG ワン/オウ 王 オウ|LI リー/リ 李 リ|ZHANG チャン/ヂャン 張 チョウ|LIU リュウ/リウ 劉 リュウ|"
                  "CHEN チェン/チン 陳 チン|YANG ヤン/ヨウ 楊 ヨウ|ZHAO チャオ/ヂャオ 趙 チョウ|HUANG ホアン/フアン 黄 コウ|"
                  "ZHOU ジョウ/チョウ 周 シュウ|WU ウー/ウ 呉 ゴ"),
           _parts("FANG ファン/ファーン 芳 ホウ|JING ジン/ジーン 静 セイ|LI リー/リ 麗 レイ|YAN イェン/ヤン 艶 エン|"
                  "XIUYING シウイン/シュウイン 秀英 シュウエイ|HAIYAN ハイヤン/ハイイェン 海燕 カイエン|"
                  "MEILING メイリン/メイリーン 美玲 ミレイ|XUE シュエ/シュェ 雪 セツ"),
           _parts("WEI ウェイ/ウエイ 偉 イ|QIANG チャン/チアン 強 キョウ|LEI レイ/レー 磊 ライ|"
                  "ZHIQIANG ジーチャン/ヂーチャン 志強 シキョウ|HAO ハオ/ハーオ 浩 コウ|JUN ジュン/チュン 軍 グン"),
           False, 25),
    "kr": (_parts("KIM キム/キン 金 キン|LEE イ/イー 李 リ|PARK パク/パック 朴 ボク|CHOI チェ/チェー 崔 サイ|"
                  "JUNG チョン/ジョン 鄭 テイ|KANG カン/カング 姜 キョウ|YOON ユン/ユーン 尹 イン|HAN ハン/ハーン 韓 カン"),
           _parts("SEOYEON ソヨン/ソヨーン 瑞妍 ズイケン|JIEUN ジウン/チウン 知恩 チオン|SUHYUN スヒョン/スーヒョン 秀賢 シュウケン|"
                  "MISOOK ミスク/ミスック 美淑 ビシュク|MINJUNG ミンジョン/ミンヂョン 敏貞 ビンテイ"),
           _parts("MINJUN ミンジュン/ミンヂュン 敏俊 ビンシュン|MINHO ミノ/ミンホ 民浩 ミンコウ|"
                  "SUNGHOON ソンフン/ソンフーン 成勲 セイクン|JUNYOUNG ジュニョン/チュニョン 俊英 シュンエイ"),
           False, 15),
    "ph": (_parts("SANTOS サントス/サントス|REYES レイエス/レジェス/レイズ|CRUZ クルス/クルーズ|"
                  "BAUTISTA バウティスタ/バウチスタ|GARCIA ガルシア/ガーシア|MENDOZA メンドーサ/メンドサ|"
                  "DELA_CRUZ デラ・クルス/デラクルス/デラ・クルーズ|VILLANUEVA ビジャヌエバ/ヴィラヌエバ/ビラヌエバ|"
                  "AQUINO アキノ/アキーノ|RAMOS ラモス/ラーモス"),
           _parts("MARIA マリア/マリーア|MARIA_CRISTINA マリア・クリスティーナ/マリア・クリスティナ|"
                  "JOSEPHINE ジョセフィン/ジョセフィーン/ジョゼフィン|ROSALIE ロザリー/ロサリー/ロザリ|"
                  "MARICEL マリセル/マリセール|JENNIFER ジェニファー/ジェニファ|ANGELICA アンジェリカ/アンヘリカ"),
           _parts("MARK マーク/マルク|JOHN_PAUL ジョン・ポール/ジョンポール|JOSE ホセ/ジョセ|RICARDO リカルド/リカード"),
           True, 12),
    "br": (_parts("SILVA シルバ/シウバ/シルヴァ|SOUZA ソウザ/ソーザ/スーザ|OLIVEIRA オリベイラ/オリヴェイラ|"
                  "PEREIRA ペレイラ/ペレーラ|COSTA コスタ/コースタ|RODRIGUES ホドリゲス/ロドリゲス/ロドリゲス|"
                  "FERREIRA フェヘイラ/フェレイラ|HIGA ヒガ/ヒーガ 比嘉 ヒガ|OSHIRO オオシロ/オーシロ 大城 オオシロ"),
           _parts("ANA_PAULA アナ・パウラ/アナパウラ/アナ・パオラ|JULIANA ジュリアナ/ジュリアーナ|FERNANDA フェルナンダ/フェルナンダ|"
                  "PATRICIA パトリシア/パトリーシア|VANESSA ヴァネッサ/バネッサ/ヴァネサ|CAMILA カミラ/カミーラ"),
           _parts("BRUNO ブルーノ/ブルノ|RAFAEL ハファエル/ラファエル/ハファエウ|LUCAS ルーカス/ルカス|"
                  "LEANDRO レアンドロ/レアンドル|JOAO_PAULO ジョアン・パウロ/ジョアンパウロ"),
           True, 10),
    "np": (_parts("GURUNG グルン/グルング|TAMANG タマン/タマング|SHRESTHA シュレスタ/シュレスター/スレスタ|RAI ライ/ライー|"
                  "MAGAR マガル/マガール|THAPA タパ/ターパ|ADHIKARI アディカリ/アディカリー/アデイカリ|POUDEL パウデル/ポウデル"),
           _parts("SITA シタ/シーター/シータ|SUNITA スニタ/スニータ|ANJALI アンジャリ/アンジャリー|SABINA サビナ/サビーナ|"
                  "PUJA プジャ/プージャ/プジャー"),
           _parts("RAM ラム/ラーム|BISHNU ビシュヌ/ビスヌ|PRAKASH プラカシュ/プラカス|DIPAK ディパック/ディパク|"
                  "SURESH スレシュ/スレス"),
           True, 8),
}
NATIONALITY = Weighted([(k, v[4]) for k, v in FOREIGN.items()])


class Foreign:
    """A foreign resident's name: family and given part as (latin, katakana
    spellings, kanji, Japanese reading)."""

    __slots__ = ("nat", "family", "given", "given_first")

    def __init__(self, nat, family, given):
        self.nat, self.family, self.given = nat, family, given
        self.given_first = FOREIGN[nat][3]

    def latin(self, order_given_first: bool, case: str, comma=False) -> str:
        fam, giv = self.family[0], self.given[0]
        if case == "title":
            fam, giv = fam.title(), giv.title()
        if order_given_first:
            return f"{giv} {fam}"
        return f"{fam}, {giv}" if comma else f"{fam} {giv}"

    def kana(self, usual=True, sep="・"):
        """(family, given, varied): katakana as the person writes it, or a
        spelling someone else chose."""
        varied = False

        def one(part):
            nonlocal varied
            spellings = part[1]
            if usual or R() < 0.45 or len(spellings) == 1:
                s = spellings[0]
            else:
                s = spellings[ri(1, len(spellings) - 1)]
                varied = True
            if part[2] and not usual and R() < 0.15:        # 王 read the Japanese way: オウ
                s, varied = part[3], True
            return s.replace("・", sep)

        return one(self.family), one(self.given), varied


def new_foreigner(sex: str):
    nat = NATIONALITY()
    fams, fem, masc, _, _ = FOREIGN[nat]
    return Foreign(nat, pick(fams), pick(fem if sex == "F" else masc))


# ---------------------------------------------------------------------------
# tags
# ---------------------------------------------------------------------------

PERSON_TAGS = ["household", "twin", "married", "moved", "new-mobile", "same-name", "foreign"]
T = {name: 1 << i for i, name in enumerate(PERSON_TAGS)}
RECORD_TAGS = ["dup-noise", "homophone", "ocr", "latin", "kana-variant", "whole-name", "name-swap", "birth-year",
               "no-birth", "gender-missing", "gender-wrong", "name-only", "code-only", "family-contact", "old-name",
               "old-address", "old-mobile", "second-id"]
X = {name: 1 << i for i, name in enumerate(RECORD_TAGS)}
SLIPS = X["homophone"] | X["ocr"] | X["name-swap"] | X["whole-name"] | X["gender-wrong"]


def kind_text(ptags: int, rtags: int) -> str:
    if rtags & SLIPS:
        rtags |= X["dup-noise"]
    out = [n for n in PERSON_TAGS if ptags & T[n]] or ["plain"]
    out += [n for n in RECORD_TAGS if rtags & X[n]]
    return ";".join(out)


# ---------------------------------------------------------------------------
# people and households
# ---------------------------------------------------------------------------

class Person:
    __slots__ = ("pid", "hid", "fam", "fam_k", "giv", "giv_k", "sex", "birth", "addr", "land", "mob", "email",
                 "tags", "foreign", "roman", "old_fam", "old_fam_k", "married_on", "old_addr", "old_land",
                 "moved_on", "old_mob", "mob_on", "old_email", "lender", "name_only", "work_phone")

    def __init__(self, pid, hid, fam, fam_k, giv, giv_k, sex, birth, addr, land):
        self.pid, self.hid = pid, hid
        self.fam, self.fam_k, self.giv, self.giv_k = fam, fam_k, giv, giv_k
        self.sex, self.birth, self.addr, self.land = sex, birth, addr, land
        self.mob = self.email = self.foreign = None
        self.tags = 0
        self.roman = ROMAN_STYLES()
        self.old_fam = self.old_fam_k = self.married_on = None
        self.old_addr = self.old_land = self.moved_on = None
        self.old_mob = self.mob_on = self.old_email = None
        self.lender = None          # the household member whose mobile / e-mail this one uses
        self.name_only = False
        self.work_phone = None

    def surname_at(self, d):
        """(surname, reading, record tags) on a date."""
        if self.married_on and d < self.married_on:
            return self.old_fam, self.old_fam_k, X["old-name"]
        return self.fam, self.fam_k, 0

    def address_at(self, d):
        if self.moved_on and d < self.moved_on:
            return self.old_addr, self.old_land, X["old-address"]
        return self.addr, self.land, 0

    def mobile_at(self, d):
        if self.mob_on and d < self.mob_on:
            return self.old_mob, X["old-mobile"]
        return self.mob, 0

    def email_at(self, d):
        if self.old_email and self.married_on and d < self.married_on:
            return self.old_email
        return self.email

    def latin_names(self):
        """(given, family) in latin as the person spells them."""
        if self.foreign:
            return self.foreign.given[0], self.foreign.family[0]
        return romanize(self.giv_k, self.roman), romanize(self.fam_k, self.roman)

    def ensure_email(self):
        if self.email is None:
            g, f = self.latin_names()
            self.email = new_email(g, f, self.birth)
        return self.email


def birthday(year: int) -> dt.date:
    m = ri(1, 12)
    last = (D(year + (m == 12), m % 12 + 1, 1) - D(year, m, 1)).days
    return D(year, m, ri(1, last))


HOUSEHOLDS = Weighted([("single", 66), ("couple", 6), ("mother_daughters", 8), ("sisters", 3), ("twins", 1.6),
                       ("three_generations", 2), ("foreign", 4.5)])


class People:
    def __init__(self, n: int):
        self.n = n
        self.next_pid = 1
        self.next_hid = 1
        self.namesake_years = {}

    def surname(self, avoid=None):
        while True:
            s, k = SURNAME_DRAW()
            if s != avoid:
                return s, k

    def person(self, hid, fam, fam_k, sex, birth, addr, land, giv=None):
        if giv is None:
            giv = given_name(sex, birth.year)
        p = Person(self.next_pid, hid, fam, fam_k, giv[0], giv[1], sex, birth, addr, land)
        self.next_pid += 1
        return p

    def household(self):
        """A list of people living together."""
        hid = self.next_hid
        self.next_hid += 1
        kind = HOUSEHOLDS()
        town = TOWN_DRAW()
        fam, fam_k = self.surname()
        out = []
        if kind == "single":
            sex = "F" if R() < 0.84 else "M"
            birth = birthday(ri(1942, 2006))
            land = new_landline(TOWN_LIST[town]) if R() < (0.6 if birth.year < 1965 else 0.12) else None
            addr = new_address(town, flat=0.55)
            giv = None
            if R() < 0.006:                       # a common full name, on purpose
                fam, fam_k, g, gk, sex = pick(NAMESAKES)
                giv = (g, gk)
                year = self.namesake_years.get((fam, g))
                if year is not None and R() < 0.5:
                    birth = birthday(year)          # even born the same year
                self.namesake_years.setdefault((fam, g), birth.year)
            out.append(self.person(hid, fam, fam_k, sex, birth, addr, land, giv))
        elif kind == "couple":
            year = ri(1945, 1998)
            addr = new_address(town, flat=0.4)
            land = new_landline(TOWN_LIST[town]) if R() < 0.45 else None
            out.append(self.person(hid, fam, fam_k, "F", birthday(year), addr, land))
            out.append(self.person(hid, fam, fam_k, "M", birthday(year - ri(-2, 6)), addr, land))
        elif kind in ("mother_daughters", "three_generations"):
            addr = new_address(town, flat=0.2)
            land = new_landline(TOWN_LIST[town]) if R() < 0.8 else None
            year = ri(1945, 1978) if kind == "mother_daughters" else ri(1940, 1955)
            gens = 2 if kind == "mother_daughters" else 3
            mothers = [self.person(hid, fam, fam_k, "F", birthday(year), addr, land)]
            out.append(mothers[0])
            for g in range(1, gens):
                year += ri(22, 34)
                if year > 2006:
                    break
                n = 1 if g < gens - 1 else (1 if R() < 0.6 else 2)
                y = year
                for _ in range(n):
                    if y > 2006:
                        break
                    d = self.person(hid, fam, fam_k, "F" if R() < 0.85 else "M", birthday(y), addr, land)
                    if R() < 0.35:
                        d.lender = mothers[-1]      # books with her mother's e-mail / mobile
                    out.append(d)
                    y += ri(2, 6)
                mothers.append(out[-1])
        elif kind == "sisters":
            addr = new_address(town, flat=0.6)
            land = new_landline(TOWN_LIST[town]) if R() < 0.3 else None
            year = ri(1965, 2002)
            a = self.person(hid, fam, fam_k, "F", birthday(year), addr, land)
            b = self.person(hid, fam, fam_k, "F", birthday(min(2006, year + ri(1, 6))), addr, land)
            if b.giv == a.giv:
                b.giv, b.giv_k = given_name("F", b.birth.year)
            if R() < 0.2:
                b.lender = a
            out += [a, b]
        elif kind == "twins":
            addr = new_address(town, flat=0.25)
            land = new_landline(TOWN_LIST[town])
            mother = self.person(hid, fam, fam_k, "F", birthday(ri(1955, 1980)), addr, land)
            birth = birthday(min(2006, mother.birth.year + ri(24, 36)))
            sex = "F" if R() < 0.75 else "M"
            if R() < 0.35:
                pair = pick(TWIN_NAMES[sex])
            else:
                g1 = given_name(sex, birth.year)
                while True:
                    g2 = given_name(sex, birth.year)
                    if g2[0] != g1[0] and g2[1] != g1[1]:
                        break
                pair = (g1, g2)
            out.append(mother)
            for g in pair:
                t = self.person(hid, fam, fam_k, sex, birth, addr, land, g)
                t.tags |= T["twin"]
                out.append(t)
        else:                                    # foreign residents: one or a couple
            addr = new_address(town, flat=0.8)
            sex = "F" if R() < 0.7 else "M"
            year = ri(1965, 2004)
            f = new_foreigner(sex)
            couple = R() < 0.3
            members = [(sex, f)]
            if couple:
                other = "M" if sex == "F" else "F"
                g = FOREIGN[f.nat][2 if other == "M" else 1]
                members.append((other, Foreign(f.nat, f.family, pick(g))))
            for sx, fn in members:
                fam_w = fn.family[2] or fn.family[0]
                giv_w = fn.given[2] or fn.given[0]
                p = self.person(hid, fam_w, fn.family[1][0].replace("・", ""), sx, birthday(year + ri(-3, 3)),
                                addr, None, (giv_w, fn.given[1][0].replace("・", "")))
                p.foreign = fn
                p.tags |= T["foreign"]
                out.append(p)
        out = out[:max(0, self.n - out[0].pid + 1)] if out else out
        for p in out:
            if len(out) > 1:
                p.tags |= T["household"]
            if age(p.birth, TODAY) >= 15 and (p.lender is None or R() < 0.6) and not (p.birth.year < 1950 and p.land and R() < 0.4):
                p.mob = new_mobile()
            if p.mob and R() < 0.5:
                p.ensure_email()
        return out

    # -- what happens to a person between two of their records ---------------
    def story(self, p: Person, dates, household_size: int):
        gaps = [(a, b) for a, b in zip(dates, dates[1:]) if (b - a).days > 3]
        if not gaps:
            return
        a, b = pick(gaps)
        when = D.fromordinal(ri(a.toordinal() + 1, b.toordinal()))
        r = R()
        if p.sex == "F" and not p.foreign and 21 <= age(p.birth, when) <= 40 and not p.tags & T["twin"] \
                and p.old_fam is None and r < 0.28:
            # married: another surname from `when` on, same given name, birth date, mobile
            p.old_fam, p.old_fam_k = p.fam, p.fam_k
            p.fam, p.fam_k = self.surname(avoid=p.fam)
            p.married_on = when
            p.tags |= T["married"]
            if p.email and R() < 0.35:
                p.old_email = p.email
                p.email = None
                p.ensure_email()
            if household_size > 1 or R() < 0.8:
                self.move(p, when, keep_mobile=True)
            return
        if (household_size == 1 or p.foreign) and r < 0.45:
            self.move(p, when, keep_mobile=R() < 0.7)
            return
        if p.mob and r > 0.93:
            self.new_mobile(p, when)

    def move(self, p: Person, when, keep_mobile: bool):
        town = pick(CITY_TOWNS[TOWN_LIST[p.addr[0]].city]) if R() < 0.6 else None
        p.old_addr, p.old_land = p.addr, p.land
        p.addr = new_address(town, flat=0.6)
        t = TOWN_LIST[p.addr[0]]
        p.land = new_landline(t) if (p.old_land and R() < 0.5) or R() < 0.08 else None
        p.moved_on = when
        p.tags |= T["moved"]
        if not keep_mobile and p.mob:
            self.new_mobile(p, when)

    def new_mobile(self, p: Person, when):
        p.old_mob, p.mob, p.mob_on = p.mob, new_mobile(), when
        p.tags |= T["new-mobile"]


# ---------------------------------------------------------------------------
# writing values the way each source does, with slips
# ---------------------------------------------------------------------------

def phone_text(ph: str, style: str):
    a, b, c = ph.split("-")
    if style == "number":             # a number cell in Excel: the leading zero is gone
        return int(a + b + c)
    if style == "digits":
        return a + b + c
    if style == "paren":
        return f"({a}){b}-{c}"
    if style == "fw":
        return fullwidth(ph)
    if style == "dots":
        return f"{a}.{b}.{c}"
    return ph


def block_text(chome: int, ban: int, go: int, style: str) -> str:
    if chome == 0:
        if not go:
            return f"{ban}番地" if style in ("kanji", "ban") else str(ban)
        if style == "kanji":
            return f"{ban}番地{go}"
        if style == "ban":
            return f"{ban}番地の{go}"
        s = f"{ban}-{go}"
        return fullwidth(s) if style == "fw" else s
    tail = f"-{go}" if go else ""
    if style == "kanji":
        return f"{kanji_number(chome)}丁目{ban}番" + (f"{go}号" if go else "")
    if style == "chome":
        return f"{chome}丁目{ban}{tail}"
    if style == "ban":
        return f"{chome}丁目{ban}番地" + (str(go) if go else "")
    s = f"{chome}-{ban}{tail}"
    return fullwidth(s) if style == "fw" else s


BLOCK_STYLE = Weighted([("hyphen", 9), ("chome", 4), ("kanji", 3), ("fw", 2), ("ban", 1)])


def building_text(name: str, room: int, style: str) -> str:
    if style == "tight":
        return f"{name}{room}"
    if style == "goshitsu":
        return f"{name} {room}号室"
    if style == "fw":
        return f"{name}　{fullwidth(str(room))}"
    return f"{name} {room}"


BUILDING_STYLE = Weighted([("space", 6), ("goshitsu", 4), ("tight", 2), ("fw", 1)])


def address_text(addr, with_pref: bool, with_building=True):
    """(postal code 123-4567, address line, building or '')."""
    t = TOWN_LIST[addr[0]]
    line = (t.pref if with_pref else "") + t.city + t.name + block_text(addr[1], addr[2], addr[3], BLOCK_STYLE())
    bld = building_text(addr[4], addr[5], BUILDING_STYLE()) if addr[4] else ""
    if bld and with_building:
        line += ("" if R() < 0.2 else " ") + bld
        bld = ""
    return f"{t.zip[:3]}-{t.zip[3:]}", line, bld


def zip_cell(z: str, style: str):
    if style == "number":
        return int(z.replace("-", ""))        # 020-0011 → 200011
    if style == "digits":
        return z.replace("-", "")
    if style == "mark":
        return "〒" + z
    return z


def gender_text(sex: str, words, tags: int, missing=0.06, wrong=0.012):
    r = R()
    if r < missing:
        return "", tags | X["gender-missing"]
    if r < missing + wrong:
        sex = "M" if sex == "F" else "F"
        tags |= X["gender-wrong"]
    return words[sex](), tags


_JP_GENDER = {"F": Weighted([("女", 8), ("女性", 2)]), "M": Weighted([("男", 8), ("男性", 2)])}
_WEB_GENDER = {"F": lambda: "女性", "M": lambda: "男性"}


def kana_variant(k: str):
    """Another katakana spelling of the same reading, or None."""
    options = []
    for i, c in enumerate(k):
        if c == "ヅ":
            options.append(k[:i] + "ズ" + k[i + 1:])
        elif c == "ヂ":
            options.append(k[:i] + "ジ" + k[i + 1:])
        elif i and c == "ウ" and k[i - 1] in "オコソトノホモヨロゴゾドボポョュユクスツヌフムルグズブプ":
            options.append(k[:i] + "ー" + k[i + 1:])
        elif i and c == "オ" and k[i - 1] in "オコソトノホモヨロゴゾドボポ":
            options.append(k[:i] + "ー" + k[i + 1:])
        elif i and c == "イ" and k[i - 1] in "ケセテネヘメレゲゼデベペエ":
            options.append(k[:i] + "ー" + k[i + 1:])
    return pick(options) if options else None


def homophone(p: Person, fam: str, fam_k: str, giv: str):
    """(surname, given name) with one of them replaced by an IME's other
    kanji for the same reading, or None."""
    if R() < 0.75:
        alts = [a for a in GIVEN_HOMOPHONES.get((p.sex, p.giv_k), ()) if a != giv]
        if alts and giv in GIVEN_HOMOPHONES[(p.sex, p.giv_k)]:
            return fam, pick(alts)
    alts = SURNAME_HOMOPHONES.get(fam_k)
    if alts and fam in alts:
        return pick([a for a in alts if a != fam]), giv
    return None


OCR_SWAP = {"口": "ロ", "ロ": "口", "力": "カ", "カ": "力", "二": "ニ", "ニ": "二", "工": "エ", "エ": "工",
            "八": "ハ", "ハ": "八", "夕": "タ", "タ": "夕", "卜": "ト", "ト": "卜", "一": "ー", "ー": "一"}
_UNVOICE = {unicodedata.normalize("NFC", b + "\u3099"): b for b in "カキクケコサシスセソタチツテトハヒフヘホ"}
_UNVOICE.update({unicodedata.normalize("NFC", b + "\u309a"): b for b in "ハヒフヘホ"})


def ocr_slip(text: str):
    """One OCR-like confusion in a name or reading, or None."""
    options = [i for i, c in enumerate(text) if c in OCR_SWAP or c in _UNVOICE]
    if not options:
        return None
    i = pick(options)
    c = text[i]
    return text[:i] + (OCR_SWAP.get(c) or _UNVOICE[c]) + text[i + 1:]


class Name:
    """A name as one record writes it: kanji (or latin) parts, katakana
    reading parts, and the tags that implies."""

    __slots__ = ("fam", "giv", "fam_k", "giv_k", "tags")


def japanese_name(p: Person, d: dt.date, ime=0.02, variant=0.02) -> Name:
    n = Name()
    n.fam, n.fam_k, n.tags = p.surname_at(d)
    n.giv, n.giv_k = p.giv, p.giv_k
    if R() < ime:
        h = homophone(p, n.fam, n.fam_k, n.giv)
        if h:
            n.fam, n.giv = h
            n.tags |= X["homophone"]
    if R() < variant:
        if R() < 0.6:
            v = kana_variant(n.giv_k)
            if v:
                n.giv_k, n.tags = v, n.tags | X["kana-variant"]
        else:
            v = kana_variant(n.fam_k)
            if v:
                n.fam_k, n.tags = v, n.tags | X["kana-variant"]
    return n


def foreign_name(p: Person, usual: bool, sep="・") -> Name:
    """The katakana of a foreign resident's name (fam_k/giv_k) with latin or
    kanji parts (fam/giv)."""
    n = Name()
    f = p.foreign
    n.fam_k, n.giv_k, varied = f.kana(usual, sep)
    n.fam, n.giv = f.family[2] or f.family[0], f.given[2] or f.given[0]
    n.tags = X["kana-variant"] if varied else 0
    return n


MENUS = [("N01", "ジェルネイル ワンカラー", 5500, 10, 0), ("N02", "ジェルネイル アート", 7700, 8, 0),
         ("N03", "ジェルオフ", 2200, 4, 0), ("N04", "ハンドケア", 3300, 4, 1), ("F01", "フットジェル", 7150, 3, 0),
         ("E01", "まつげエクステ 100本", 6600, 5, 0), ("E02", "まつげパーマ", 5500, 3, 0),
         ("S01", "フェイシャル 60分", 8800, 4, 2), ("S02", "ボディトリートメント", 9900, 2, 1),
         ("S03", "メンズフェイシャル", 7700, 0, 6), ("D01", "脱毛 ワキ", 3300, 2, 0), ("D02", "ヒゲ脱毛", 4400, 0, 3),
         ("G01", "ハンドクリーム（商品）", 1980, 2, 1)]
MENU_F = Weighted([(m, m[3]) for m in MENUS if m[3]])
MENU_M = Weighted([(m, m[4]) for m in MENUS if m[4]])
STAFF = ["白川", "森", "藤代", "浅田", "野村", "高畑", "西", "安西", "小田", "桐生", "三上", "岩井"]
LEDGER_MEMOS = ["ジェル密着弱め", "爪が薄い", "甘皮処理しっかり希望", "アレルギー：アクリル", "DM不要", "長さ短め希望",
                "敏感肌（フェイシャル注意）", "まつげ：Cカール 10mm", "指名：白川", "駐車場利用", "紹介：知人",
                "お子様連れ可", "電話は平日18時以降", "次回フット予約希望\nネイル同日"]
REQUESTS = Weighted([("", 50), ("オフもお願いします", 4), ("前回と同じデザインで", 3), ("初めてです", 3),
                     ("白川さん指名でお願いします", 2), ("子連れでも大丈夫ですか？", 1), ("18時以降希望", 2),
                     ("持ち込みデザインあり\n写真を見せます", 2), ("爪が割れています。\n補強もお願いします", 1),
                     ("まつげ、長めで。\nパッチテスト済みです\nよろしくお願いします", 1), ('"ニュアンスネイル"希望', 1)])
CARD_MEMOS = ["爪：薄い、割れやすい", "アクリル△", "おしゃべり好き", "手荒れあり", "ラメ好き", "深爪注意",
              "フェイシャル：乾燥肌", "次回：フット"]


def menu_for(p: Person):
    return MENU_F() if p.sex == "F" else MENU_M()


def price(base: int, d: dt.date) -> int:
    return base if d >= D(2019, 10, 1) else base * 108 // 110 if d >= D(2014, 4, 1) else base * 105 // 110


# ---------------------------------------------------------------------------
# the four sources: a record is kept as (sort key, person, details) and
# written out (with its slips) in file order
# ---------------------------------------------------------------------------

LEDGER_OLD_HEADER = ["会員No", "店舗", "氏名", "フリガナ", "性別", "生年月日", "電話番号", "携帯", "郵便番号", "住所", "備考"]
LEDGER_NEW_HEADER = ["No.", "登録日", "お名前", "ﾌﾘｶﾞﾅ", "性別", "誕生日", "TEL", "携帯番号", "E-mail", "〒", "住所1",
                     "住所2", "メモ"]
POS_HEADER = ["取引番号", "取引日時", "店舗コード", "店舗名", "会員番号", "会員名", "会員名ｶﾅ", "電話番号", "メニューコード",
              "メニュー名", "数量", "金額", "支払方法", "担当"]
WEB_HEADER = ["予約ID", "予約日時", "来店日時", "店舗", "コース", "料金", "姓", "名", "セイ", "メイ", "性別", "生年月日",
              "電話番号", "メールアドレス", "郵便番号", "都道府県", "市区町村", "番地", "建物名", "ご要望"]
POS_MIGRATION = D(2018, 10, 1)      # rows before it lost their member details in the system change
NAME_SEP = Weighted([("\u3000", 6), (" ", 2), ("", 3)])


def ledger_name(p: Person, d: dt.date, tags: int):
    """(氏名, フリガナ, tags) as a clerk typed them into the ledger."""
    if p.foreign:
        f = p.foreign
        r = R()
        if r < 0.5:
            n = foreign_name(p, usual=R() < 0.6, sep=pick(("・", "・", " ")))
            given_first = f.given_first and R() < 0.7
            name = n.giv_k + "・" + n.fam_k if given_first else n.fam_k + pick(("・", "　", " ")) + n.giv_k
            tags |= n.tags | (X["name-swap"] if given_first else 0)
        elif r < 0.85 or not (f.family[2] and f.given[2]):
            name = f.latin(False, "upper", comma=R() < 0.2)
        else:
            name = f.family[2] + "　" + f.given[2]
        k = foreign_name(p, usual=R() < 0.5, sep=" ")
        return name, k.fam_k + "　" + k.giv_k, tags | k.tags
    n = japanese_name(p, d)
    tags |= n.tags
    name = n.fam + NAME_SEP() + n.giv
    r = R()
    if r < 0.04:
        name += pick(("様", " 様"))
    r = R()
    if r < 0.68:
        kana = n.fam_k + pick(("\u3000", " ")) + n.giv_k
    elif r < 0.83:
        kana = halfwidth_kana(n.fam_k + " " + n.giv_k)
    elif r < 0.88:
        kana = hiragana(n.fam_k + "\u3000" + n.giv_k)
    elif r < 0.93:
        kana = n.fam_k + n.giv_k
    else:
        kana = ""
    return name, kana, tags


def contact_numbers(p: Person, d: dt.date, tags: int):
    """(landline, mobile, address, tags) on a date, a borrowed mobile included."""
    addr, land, t = p.address_at(d)
    mob, t2 = p.mobile_at(d)
    tags |= t | t2
    if mob is None and p.lender is not None and R() < 0.7:
        mob, _ = p.lender.mobile_at(d)
        if mob:
            tags |= X["family-contact"]
    return land, mob, addr, tags


def ledger_old_row(p: Person, reg: dt.date, tags: int):
    name, kana, tags = ledger_name(p, reg, tags)
    sex, tags = gender_text(p.sex, _JP_GENDER, tags)
    r = R()
    if r < 0.86:
        birth = p.birth                                   # a real Excel date
    elif r < 0.89:
        birth, tags = p.birth.year, tags | X["birth-year"]    # the number 1977
    else:
        birth, tags = None, tags | X["no-birth"]
    land, mob, addr, tags = contact_numbers(p, reg, tags)
    land_v = phone_text(land, pick(("number", "number", "hyphen", "hyphen", "paren"))) if land else None
    mob_v = phone_text(mob, pick(("number", "hyphen", "hyphen", "digits"))) if mob else None
    if land_v is None and mob_v is not None and R() < 0.2:
        land_v, mob_v = mob_v, None                       # the mobile in 電話番号
    z, line, _ = address_text(addr, with_pref=R() < 0.3)
    r = R()
    zip_v = zip_cell(z, "number" if r < 0.6 else "hyphen" if r < 0.88 else "mark") if R() < 0.92 else None
    memo = pick(LEDGER_MEMOS) if R() < 0.2 else None
    if p.old_fam and not tags & X["old-name"] and R() < 0.3:
        memo = f"旧姓：{p.old_fam}"
    branch = TOWN_LIST[addr[0]].branch
    return [None, branch, name, kana, sex, birth, land_v, mob_v, zip_v, line, memo], tags


def ledger_new_row(p: Person, reg: dt.date, tags: int):
    name, kana, tags = ledger_name(p, reg, tags)
    if kana and R() < 0.5:
        kana = halfwidth_kana(kana.replace("\u3000", " "))     # the header says ﾌﾘｶﾞﾅ
    sex, tags = gender_text(p.sex, _JP_GENDER, tags, missing=0.08)
    r = R()
    b = p.birth
    if r < 0.32:
        birth = era_text(b, "letter")
    elif r < 0.6:
        birth = era_text(b, "kanji")
    elif r < 0.67:
        birth = era_text(b, "letter0")
    elif r < 0.7:
        birth = era_text(b, "kanji_fw")
    elif r < 0.82:
        birth = f"{b.year}/{b.month}/{b.day}"
    elif r < 0.86:
        birth, tags = year_only_text(b), tags | X["birth-year"]
    else:
        birth, tags = None, tags | X["no-birth"]
    land, mob, addr, tags = contact_numbers(p, reg, tags)
    land_v = phone_text(land, pick(("number", "hyphen", "hyphen"))) if land else None
    mob_v = phone_text(mob, pick(("number", "number", "hyphen", "digits"))) if mob else None
    mail = p.email_at(reg)
    if mail is None and p.lender is not None and R() < 0.5:
        mail = p.lender.email_at(reg)
        if mail:
            tags |= X["family-contact"]
    if mail and R() < 0.3:
        mail = None
    z, line, bld = address_text(addr, with_pref=R() < 0.75, with_building=R() < 0.2)
    zip_v = zip_cell(z, "number" if R() < 0.7 else "hyphen") if R() < 0.9 else None
    memo = pick(LEDGER_MEMOS) if R() < 0.15 else None
    return [None, reg, name, kana, sex, birth, land_v, mob_v, mail, zip_v, line, bld or None, memo], tags


class PosCard:
    """A member card and what the POS's member master holds for it."""

    __slots__ = ("number", "name", "kana", "phone", "tags")


def pos_card(p: Person, number: str, snapshot: dt.date, tags: int) -> PosCard:
    c = PosCard()
    c.number = number
    r = R()
    if p.name_only:
        style = "both"
    else:
        style = "both" if r < 0.35 else "kana" if r < 0.9 else "kanji"
    if p.foreign:
        n = foreign_name(p, usual=R() < 0.5, sep=" ")
        written = p.foreign.latin(False, "upper") if not p.foreign.family[2] or R() < 0.5 else n.fam + " " + n.giv
        tags |= n.tags
    else:
        n = japanese_name(p, snapshot, variant=0.03)
        tags |= n.tags
        written = n.fam + pick(("\u3000", "\u3000", " ", "")) + n.giv
    kana = halfwidth_kana(n.fam_k + (" " if R() < 0.8 else "") + n.giv_k)
    c.name = written if style != "kana" else ""
    c.kana = kana if style != "kanji" else ""
    if p.name_only:
        c.phone = phone_text(p.work_phone, "hyphen") if p.work_phone else ""
    else:
        land, mob, _, t = contact_numbers(p, snapshot, 0)
        ph = mob or land if R() < 0.92 else None
        if ph is None:
            t &= ~(X["old-address"] | X["old-mobile"] | X["family-contact"])
        elif ph is mob:
            t &= ~X["old-address"]          # the POS shows no address
        tags |= t
        c.phone = phone_text(ph, "digits" if R() < 0.6 else "hyphen") if ph else ""
    c.tags = tags
    return c


def pos_fields(p: Person, card: PosCard, when: dt.datetime, code_only: bool, seq: int):
    menu = menu_for(p)
    qty = 2 if menu[0] == "G01" and R() < 0.25 else 1
    amount = price(menu[2], when.date()) * qty
    branch = TOWN_LIST[p.address_at(when.date())[0][0]].branch
    store_no = BRANCHES.index(branch) + 1
    number = f"{when:%Y%m%d}-{store_no:02d}-{seq:04d}"
    pay = pick(("現金", "現金", "クレジット", "QR決済", "電子マネー"))
    staff = pick(STAFF)
    name, kana, phone = ("", "", "") if code_only else (card.name, card.kana, card.phone)
    return [number, f"{when:%Y/%m/%d %H:%M}", f"HM{store_no:02d}", branch, card.number, name, kana, phone,
            menu[0], menu[1], str(qty), str(amount), pay, staff]


def web_name(p: Person, d: dt.date, tags: int):
    """(姓, 名, セイ, メイ, tags) as the customer typed them."""
    if p.foreign:
        f = p.foreign
        k = foreign_name(p, usual=R() < 0.6, sep=pick((" ", "・", "")))
        r = R()
        if r < 0.4:
            sei, mei = f.family[0].title(), f.given[0].title()
        elif r < 0.65:
            sei, mei = f.family[0], f.given[0]
        elif r < 0.85:
            sei, mei = f.latin(True, "title"), ""                     # Thu Trang Tran
            tags |= X["whole-name"] | X["name-swap"]
        else:
            sei, mei = k.fam_k, k.giv_k
        if R() < 0.75:
            kf, kg = k.fam_k, k.giv_k
            tags |= k.tags
        else:
            kf = kg = ""
        return sei, mei, kf, kg, tags
    n = japanese_name(p, d)
    tags |= n.tags
    kf, kg = (n.fam_k, n.giv_k) if R() < 0.85 else (hiragana(n.fam_k), hiragana(n.giv_k))
    r = R()
    if r < 0.045:                                   # latin letters
        tags |= X["latin"]
        fam_k = p.surname_at(d)[1]
        g, f = romanize(n.giv_k, p.roman), romanize(fam_k, p.roman)
        case = R()
        conv = str.title if case < 0.5 else str.upper if case < 0.8 else str.lower
        g, f = conv(g), conv(f)
        form = R()
        if form < 0.5:
            sei, mei = f, g
        elif form < 0.75:
            sei, mei = g, f                                            # RIMI / YAMAGUCHI
            tags |= X["name-swap"]
        else:
            western = R() < 0.5
            sei, mei = (f"{g} {f}" if western else f"{f} {g}"), ""     # yamaguti rimi
            tags |= X["whole-name"] | (X["name-swap"] if western else 0)
        if R() < 0.3:
            kf = kg = ""
        return sei, mei, kf, kg, tags
    if r < 0.075:                                   # the whole name in 姓
        tags |= X["whole-name"]
        return n.fam + pick((" ", "\u3000", "")) + n.giv, "", kf + pick((" ", "")) + kg, "", tags
    if r < 0.095:                                   # given and family name the other way round
        tags |= X["name-swap"]
        if R() < 0.6:
            return n.giv, n.fam, kg, kf, tags
        return n.giv, n.fam, kf, kg, tags
    return n.fam, n.giv, kf, kg, tags


def web_fields(p: Person, d: dt.date, booked: dt.datetime, tags: int):
    sei, mei, kf, kg, tags = web_name(p, d, tags)
    sex, tags = gender_text(p.sex, _WEB_GENDER, tags, missing=0.15, wrong=0.01)
    if R() < 0.45:
        birth = p.birth.isoformat() if R() < 0.6 else f"{p.birth:%Y/%m/%d}"
    else:
        birth, tags = "", tags | X["no-birth"]
    land, mob, addr, tags = contact_numbers(p, d, tags)
    ph = ph_raw = mob or land
    if ph:
        r = R()
        ph = phone_text(ph, "digits" if r < 0.6 else "hyphen" if r < 0.95 else "fw")
    mail = p.email_at(d)
    if mail is None and p.lender is not None and R() < 0.75:
        mail = p.lender.ensure_email() if p.lender.email_at(d) is None else p.lender.email_at(d)
        tags |= X["family-contact"]
    if mail is None:
        mail = p.ensure_email()
    if R() < 0.03:
        mail = mail.upper() if R() < 0.3 else mail[0].upper() + mail[1:]
    if R() < 0.65:
        t = TOWN_LIST[addr[0]]
        block = block_text(addr[1], addr[2], addr[3], BLOCK_STYLE())
        if R() < 0.6:
            city, street = t.city + t.name, block
        else:
            city, street = t.city, t.name + block
        zp = t.zip[:3] + "-" + t.zip[3:] if R() < 0.6 else t.zip
        bld = building_text(addr[4], addr[5], BUILDING_STYLE()) if addr[4] else ""
        place = [zp, t.pref, city, street, bld]
    else:
        place = ["", "", "", "", ""]
        if not land or ph_raw is not land:
            tags &= ~X["old-address"]       # neither the address nor its landline is on the booking
    menu = menu_for(p)
    fee = price(menu[2], d)
    visit = f"{d:%Y/%m/%d} {ri(10, 19):02d}:{pick(('00', '30'))}"
    store = TOWN_LIST[addr[0]].branch
    return [None, f"{booked:%Y/%m/%d %H:%M:%S}", visit, store, menu[1], f"{fee}", sei, mei, kf, kg, sex, birth, ph,
            mail] + place + [REQUESTS()], tags


TYPISTS = Weighted([("A", 45), ("B", 35), ("C", 20)])


def card_lines(p: Person, d: dt.date, visits, typist: str, tags: int):
    """The lines of one paper card as a typist typed it, first line first."""
    lines = []
    colon = "：" if typist != "B" else ":"

    def kv(key, value):
        lines.append(f"{key}{colon}{value}")

    if p.foreign:
        n = foreign_name(p, usual=R() < 0.5, sep="・")
        name = n.fam_k + "・" + n.giv_k if not p.foreign.given_first or R() < 0.5 else n.giv_k + "・" + n.fam_k
        if name.startswith(n.giv_k + "・"):
            tags |= X["name-swap"]
        furi_f, furi_g = ("", "") if R() < 0.5 else (n.fam_k, n.giv_k)
        tags |= n.tags
    else:
        n = japanese_name(p, d, ime=0.015)
        tags |= n.tags
        name = n.fam + pick(("\u3000", "\u3000", " ", "")) + n.giv
        furi_f, furi_g = n.fam_k, n.giv_k
    # OCR-like slips: typist C works from OCR output
    if R() < (0.14 if typist == "C" else 0.03):
        if R() < 0.5:
            s = ocr_slip(name)
            if s:
                name, tags = s, tags | X["ocr"]
        elif furi_f:
            s = ocr_slip(furi_f + "\x00" + furi_g)
            if s:
                furi_f, furi_g = s.split("\x00")
                tags |= X["ocr"]
    if typist == "B" and R() < 0.6:
        name += pick(("様", " 様", "\u3000様"))
    b = p.birth
    r = R()
    if r < 0.08:
        birth, tags = None, tags | X["no-birth"]
    elif r < 0.12:
        birth, tags = year_only_text(b), tags | X["birth-year"]
    elif typist == "A":
        birth = era_text(b, "letter") if R() < 0.7 else f"{b.year}.{b.month}.{b.day}"
    elif typist == "B":
        birth = f"{b.year}/{b.month}/{b.day}" if R() < 0.5 else era_text(b, "kanji")
    else:
        birth = era_text(b, "letter0") if R() < 0.6 else era_text(b, "kanji")
    land, mob, addr, tags = contact_numbers(p, d, tags)
    z, line, bld = address_text(addr, with_pref=R() < 0.2, with_building=False)
    memo = pick(CARD_MEMOS) if R() < 0.4 else None
    key_name = {"A": "氏名", "B": "お名前", "C": "名前"}[typist]
    if typist == "A":
        kv(key_name, name)
        kv("フリガナ", (furi_f + "\u3000" + furi_g).strip())
        if birth:
            kv("生年月日", birth)
        sex, tags = gender_text(p.sex, _JP_GENDER, tags, missing=0.1, wrong=0.005)
        if sex:
            kv("性別", sex)
        kv("〒", z)
        kv("住所", line)
        if bld:
            lines.append("\u3000\u3000" + bld)
        if land:
            kv("TEL", phone_text(land, "hyphen" if R() < 0.8 else "paren"))
        if mob:
            kv("携帯", phone_text(mob, "hyphen"))
    elif typist == "B":
        kv(key_name, name)
        kv("ふりがな", hiragana(furi_f + " " + furi_g).strip())
        if birth:
            kv("誕生日", birth)
        kv("郵便番号", z.replace("-", "") if R() < 0.3 else z)
        kv("住所", line + ((" " + bld) if bld else ""))
        if land and mob and R() < 0.5:
            kv("電話", f"{land}／{mob}")              # both numbers in one value
        else:
            if land:
                kv("電話", land)
            if mob:
                kv("電話", mob) if not land else kv("携帯", mob)
    else:
        kv(key_name, name)
        kv("フリガナ", halfwidth_kana((furi_f + " " + furi_g).strip()))
        if birth:
            kv("生年月日", birth)
        kv("住所", "〒" + z + " " + line)
        if bld:
            lines.append("      " + bld)
        ph = mob or land
        if ph:
            kv("携帯" if mob else "TEL", phone_text(ph, "hyphen" if R() < 0.7 else "fw"))
    if typist == "C":
        kv("来店履歴", "")
        for v in visits:
            m = menu_for(p)
            lines.append(f"  {v.year}.{v.month}.{v.day} {m[1]} ￥{price(m[2], v):,} 担当:{pick(STAFF)}")
    else:
        for v in visits:
            m = menu_for(p)
            ds = f"{v.year}.{v.month}.{v.day}" if typist == "A" else f"{v.year}/{v.month}/{v.day}"
            kv("来店履歴", f"{ds} {m[1]} ￥{price(m[2], v):,} 担当:{pick(STAFF)}")
    if memo:
        kv("メモ" if typist != "B" else "備考", memo)
    return lines, tags


# ---------------------------------------------------------------------------
# which sources a person turns up in, and when
# ---------------------------------------------------------------------------

PATTERNS = Weighted([("L", 34), ("P", 22), ("W", 20), ("C", 6), ("LP", 6), ("LW", 3.5), ("PW", 3.5), ("LC", 2),
                     ("LPW", 1.5), ("CP", 1), ("LCP", 0.7), ("CW", 0.3), ("LCPW", 0.3)])
PATTERNS_OLDER = Weighted([("L", 36), ("P", 22), ("W", 5), ("C", 14), ("LP", 8), ("LC", 6), ("CP", 3), ("LCP", 2),
                           ("LW", 1), ("PW", 1)])
PATTERNS_FOREIGN = Weighted([("L", 22), ("P", 24), ("W", 30), ("C", 2), ("LP", 8), ("LW", 6), ("PW", 6),
                             ("LPW", 2)])
N_POS = Weighted([(1, 66), (2, 18), (3, 8), (4, 4), (5, 2), (6, 1), (8, 1)])
N_WEB = Weighted([(1, 76), (2, 16), (3, 6), (4, 2)])
N_VISITS = Weighted([(1, 3), (2, 3), (3, 2), (4, 1), (6, 1)])


class Corpus:
    def __init__(self, n_people: int):
        self.people = People(n_people)
        self.persons = [None]                  # pid → Person
        self.ledger = {"old": [], "new": []}   # (registration ordinal, pid, tags)
        self.pos = []                          # (datetime, pid, card, code only, tags)
        self.web = []                          # (booking datetime, visit date, pid, tags)
        self.cards = []                        # (card date, pid, visits, tags)
        self.next_card = 21000000

    def run(self):
        while self.people.next_pid <= self.people.n:
            members = self.people.household()
            for p in members:
                self.persons.append(p)
                self.records(p, len(members))

    def records(self, p: Person, household_size: int):
        adult = plus_years(p.birth, 16)
        pattern = PATTERNS_FOREIGN() if p.foreign else PATTERNS_OLDER() if p.birth.year < 1960 else PATTERNS()
        cards = []
        if "C" in pattern and adult < CARDS[1]:
            cards = sorted(some_day(max(CARDS[0], adult), CARDS[1]) for _ in range(2 if R() < 0.02 else 1))
        ledger = []
        if "L" in pattern:
            lo = max(LEDGER_OLD[0], adult)
            reg = cards[0] if cards and cards[0] >= lo and R() < 0.5 else some_day(lo, LEDGER_NEW[1])
            ledger.append((reg, 0))
            if reg < LEDGER_NEW[0] and R() < 0.03:
                ledger.append((some_day(LEDGER_NEW[0], LEDGER_NEW[1]), X["second-id"]))
        pos = []
        if "P" in pattern and adult < POS[1]:
            lo = max(POS[0], adult)
            pos = sorted(some_day(lo, POS[1]) for _ in range(N_POS()))
        web = []
        if "W" in pattern and adult < WEB[1]:
            lo = max(WEB[0], adult)
            web = sorted(some_day(lo, WEB[1]) for _ in range(N_WEB()))
        if not (cards or ledger or pos or web):
            ledger.append((some_day(max(LEDGER_OLD[0], adult), LEDGER_NEW[1]), 0))
        dates = sorted(set(cards + [d for d, _ in ledger] + pos + web))
        if len(dates) >= 2:
            self.people.story(p, dates, household_size)
        if pattern == "LP" and len(ledger) == 1 and not p.foreign and R() < 0.15:
            # the POS knows this customer by name and reading only
            p.name_only = True
            if R() < 0.5:
                p.work_phone = new_landline(TOWN_LIST[p.addr[0]])
        for reg, t in ledger:
            sheet = "old" if reg < LEDGER_NEW[0] else "new"
            if p.name_only:
                t |= X["name-only"]
            self.ledger[sheet].append((reg.toordinal(), p.pid, t))
        if pos:
            self.pos_records(p, pos)
        for d in web:
            booked = dt.datetime.combine(d, dt.time()) - dt.timedelta(minutes=ri(60, 40 * 1440))
            limit = dt.datetime(TODAY.year, TODAY.month, TODAY.day, 23, 59)
            if booked > limit:
                booked = limit - dt.timedelta(minutes=ri(0, 6 * 1440))
            self.web.append((booked, d, p.pid, 0))
        for i, d in enumerate(cards):
            visits = sorted([d] + [some_day(d, min(CARDS[1], plus_years(d, 5))) for _ in range(N_VISITS() - 1)])
            self.cards.append((d, p.pid, visits, X["second-id"] if i else 0))

    def pos_records(self, p: Person, dates):
        self.next_card += ri(1, 3)
        first = PosCard()
        new_card_on = dates[ri(1, len(dates) - 1)] if len(dates) >= 2 and R() < 0.04 else None
        snapshot = dates[0] if R() < 0.5 else TODAY
        card = pos_card(p, f"{self.next_card:010d}", snapshot, 0)
        first = card
        for d in dates:
            if new_card_on and d >= new_card_on and card is first:
                self.next_card += 1
                card = pos_card(p, f"{self.next_card:010d}", max(d, snapshot), X["second-id"])
            when = dt.datetime.combine(d, dt.time(ri(10, 20), ri(0, 59)))
            code_only = R() < (0.35 if d < POS_MIGRATION else 0.03)
            self.pos.append((when, p.pid, card, code_only, X["code-only"] if code_only else 0))


# ---------------------------------------------------------------------------
# writing the files and the truth
# ---------------------------------------------------------------------------

class Truth:
    def __init__(self, path: Path, persons):
        self.f = open(path, "w", encoding="utf-8", newline="\n")
        self.f.write("source_file,sheet,row,person_id,household_id,kind\n")
        self.persons = persons
        self.buf = []
        self.kinds = {}
        self.count = Counter()

    def row(self, fname: str, sheet: str, row: int, p: Person, tags: int):
        key = (p.tags, tags)
        kind = self.kinds.get(key)
        if kind is None:
            kind = self.kinds[key] = kind_text(p.tags, tags)
        self.buf.append(f"{fname},{sheet},{row},P{p.pid:07d},H{p.hid:07d},{kind}\n")
        self.count[fname] += 1
        if len(self.buf) >= 10000:
            self.flush()

    def flush(self):
        self.f.write("".join(self.buf))
        self.buf.clear()

    def close(self):
        self.flush()
        self.f.close()


def mark_namesakes(persons):
    households = defaultdict(set)
    for p in persons[1:]:
        households[(p.fam, p.giv)].add(p.hid)
    for p in persons[1:]:
        if len(households[(p.fam, p.giv)]) > 1:
            p.tags |= T["same-name"]


def write_ledger(c: Corpus, out: Path, truth: Truth):
    from openpyxl import Workbook
    fname = "corpus2_ledger.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("顧客台帳")
    ws.append(["ネイル＆エステ はなみずき　顧客台帳（2010年〜2019年 登録分）"])
    ws.append(["本部作成 2020/01/10　※2020年以降の新規登録は「2020」シートへ"])
    ws.append([])
    ws.append(LEDGER_OLD_HEADER)
    row, no = 4, 1000
    records = sorted(c.ledger["old"])
    c.ledger["old"] = None
    for reg, pid, t in records:
        p = c.persons[pid]
        cells, tags = ledger_old_row(p, D.fromordinal(reg), t)
        no += 1 if R() < 0.9 else ri(2, 5)       # deleted members leave gaps
        cells[0] = no
        ws.append(cells)
        row += 1
        truth.row(fname, "顧客台帳", row, p, tags)
    ws.append([])
    ws.append([f"以上 {len(records)}名"])
    n_old = len(records)

    ws = wb.create_sheet("2020")
    ws.append(["【2020年〜】新規会員登録（店舗入力分）"])
    ws.append(LEDGER_NEW_HEADER)
    row = 2
    records = sorted(c.ledger["new"])
    c.ledger["new"] = None
    for no, (reg, pid, t) in enumerate(records, 1):
        p = c.persons[pid]
        cells, tags = ledger_new_row(p, D.fromordinal(reg), t)
        cells[0] = no
        ws.append(cells)
        row += 1
        truth.row(fname, "2020", row, p, tags)
    ws.append([])
    ws.append([f"以上 {len(records)}名"])
    wb.save(out / fname)
    return {f"{fname} 顧客台帳": n_old, f"{fname} 2020": len(records)}


def write_pos(c: Corpus, out: Path, truth: Truth):
    fname = "corpus2_pos.csv"
    records = c.pos
    c.pos = None
    records.sort(key=lambda r: (r[0], r[1]))
    seq = Counter()
    with open(out / fname, "wb") as f:
        head = ["【売上明細】ネイル＆エステ はなみずき 2016/04/01〜2025/03/31 出力", csv_join(POS_HEADER)]
        f.write(cp932("\r\n".join(head) + "\r\n"))
        line = 3
        buf = []
        for when, pid, card, code_only, t in records:
            p = c.persons[pid]
            key = (when.date(), TOWN_LIST[p.address_at(when.date())[0][0]].branch)
            seq[key] += 1
            fields = pos_fields(p, card, when, code_only, seq[key])
            tags = t | (0 if code_only else card.tags)
            truth.row(fname, "", line, p, tags)
            buf.append(csv_join(fields))
            line += 1
            if len(buf) >= 5000:
                f.write(cp932("\r\n".join(buf) + "\r\n"))
                buf.clear()
        if buf:
            f.write(cp932("\r\n".join(buf) + "\r\n"))
    return {fname: len(records)}


def write_web(c: Corpus, out: Path, truth: Truth):
    fname = "corpus2_web.csv"
    records = c.web
    c.web = None
    records.sort(key=lambda r: (r[0], r[2]))
    per_day = Counter()
    with open(out / fname, "w", encoding="utf-8-sig", newline="") as f:
        f.write(csv_join(WEB_HEADER) + "\n")
        line = 2
        buf = []
        for booked, visit, pid, t in records:
            p = c.persons[pid]
            fields, tags = web_fields(p, visit, booked, t)
            per_day[booked.date()] += 1
            fields[0] = f"WB{booked:%y%m%d}{per_day[booked.date()]:04d}"
            text = csv_join(fields)
            truth.row(fname, "", line, p, tags)
            line += 1 + text.count("\n")
            buf.append(text)
            if len(buf) >= 5000:
                f.write("\n".join(buf) + "\n")
                buf.clear()
        if buf:
            f.write("\n".join(buf) + "\n")
    return {fname: len(records)}


def write_cards(c: Corpus, out: Path, truth: Truth):
    fname = "corpus2_cards.txt"
    records = c.cards
    c.cards = None
    records.sort(key=lambda r: (r[0], r[1]))
    lines = ["# ネイル＆エステ はなみずき 紙カルテ（2008〜2016年）打ち込み", "# 読めない字はそのまま、不明は空欄"]
    out_f = open(out / fname, "wb")
    written = 0                     # lines already in the file
    no = 0
    left_in_batch = 0
    typist = "A"
    for i, (d, pid, visits, t) in enumerate(records):
        p = c.persons[pid]
        if i:
            lines.append(pick(("----------", "----------", "－－－－－－", "==========")))
            if R() < 0.08:
                lines.append("")
        if left_in_batch == 0:
            typist = TYPISTS()
            left_in_batch = ri(120, 400)
            lines.append(f"# 入力者：{typist}（{d.year}年{d.month}月分〜）")
        left_in_batch -= 1
        body, tags = card_lines(p, d, visits, typist, t)
        no += ri(1, 3)
        if R() < 0.95:
            body.insert(0, f"カルテNo{'：' if typist != 'B' else ':'}{no:05d}")
        truth.row(fname, "", written + len(lines) + 1, p, tags)
        lines.extend(body)
        if len(lines) >= 20000:
            out_f.write(cp932("\r\n".join(lines) + "\r\n"))
            written += len(lines)
            lines = []
    lines.append("----------")
    out_f.write(cp932("\r\n".join(lines) + "\r\n"))
    out_f.close()
    return {fname: len(records)}


# ---------------------------------------------------------------------------
# mappings
# ---------------------------------------------------------------------------

_HEAD = "# ネイル＆エステ はなみずき (benchmark corpus 2, benches/make_corpus2.py): "
MAPPINGS = {
    "corpus2_ledger.toml": _HEAD + """the ledger workbook,
# sheet 顧客台帳 (registrations 2010–2019; title rows above the header, a footer).
# The sheet 2020 names the same fields otherwise: corpus2_ledger2020.toml reads
# it. Both claim the workbook, so import it with --mapping, once with each.

[source]
name = "corpus2_ledger"
label = "はなみずき 顧客台帳"
files = ["corpus2_ledger*.xlsx"]
format = "xlsx"
sheets = ["顧客台帳"]
rows = "customer"
natural_key = ["会員No"]
priority = 30

[fields]
customer_no = "会員No"
store = "店舗"
name = "氏名"
kana = "フリガナ"
gender = "性別"
birth_date = "生年月日"
phone = "電話番号"
mobile = "携帯"
postal_code = "郵便番号"
address = "住所"
note = "備考"
""",
    "corpus2_ledger2020.toml": _HEAD + """the ledger workbook,
# sheet 2020 (registrations from 2020 on; era birth dates, 住所2 the building).
# See corpus2_ledger.toml: import the workbook with --mapping, once with each.

[source]
name = "corpus2_ledger2020"
label = "はなみずき 顧客台帳 2020〜"
files = ["corpus2_ledger*.xlsx"]
format = "xlsx"
sheets = ["2020"]
rows = "customer"
natural_key = ["No."]
priority = 30

[fields]
customer_no = "No."
first_visit = "登録日"
name = "お名前"
kana = "ﾌﾘｶﾞﾅ"
gender = "性別"
birth_date = "誕生日"
phone = "TEL"
mobile = "携帯番号"
email = "E-mail"
postal_code = "〒"
address = "住所1"
address2 = "住所2"
note = "メモ"
""",
    "corpus2_pos.toml": _HEAD + """the POS sales export
# (CP932, a title line, one row per purchase; 会員番号 on every row, kept within the POS).

[source]
name = "corpus2_pos"
label = "はなみずき POS"
files = ["corpus2_pos*.csv"]
rows = "event"
natural_key = ["取引番号"]
priority = 10

[fields]
customer_no = "会員番号"
store = "店舗名"
name = "会員名"
kana = "会員名ｶﾅ"
phone = "電話番号"

[event]
kind = "purchase"
number = "取引番号"
date = "取引日時"
item = "メニュー名"
quantity = "数量"
amount = "金額"
staff = "担当"
""",
    "corpus2_web.toml": _HEAD + """web bookings
# (UTF-8 with BOM, LF, split name and address columns, one row per booking).

[source]
name = "corpus2_web"
label = "はなみずき Web予約"
files = ["corpus2_web*.csv"]
rows = "event"
natural_key = ["予約ID"]
priority = 20

[fields]
store = "店舗"
name = { columns = ["姓", "名"] }
kana = { columns = ["セイ", "メイ"] }
gender = "性別"
birth_date = "生年月日"
mobile = "電話番号"
email = "メールアドレス"
postal_code = "郵便番号"
address = { columns = ["都道府県", "市区町村", "番地"], join = "" }
address2 = "建物名"
note = "ご要望"

[event]
kind = "visit"
number = "予約ID"
date = "来店日時"
item = "コース"
amount = "料金"
""",
    "corpus2_cards.toml": _HEAD + """paper kartes typed
# up by three typists, each with their own keys (CP932 text, one card per block).
# A field with several keys lists them all, optional: each card has one of them.

[source]
name = "corpus2_cards"
label = "はなみずき 紙カルテ"
files = ["corpus2_cards*.txt"]
format = "cards"
natural_key = ["カルテNo"]
priority = 25

[fields]
customer_no = "カルテNo"
name = { columns = ["氏名", "お名前", "名前"], optional = true }
kana = { columns = ["フリガナ", "ふりがな"], optional = true }
birth_date = { columns = ["生年月日", "誕生日"], optional = true }
gender = { column = "性別", optional = true }
postal_code = { columns = ["〒", "郵便番号"], optional = true }
address = "住所"
phone = { columns = ["TEL", "電話"], optional = true }
mobile = { column = "携帯", optional = true }
note = { columns = ["メモ", "備考"], optional = true }

[event]
kind = "visit"
line = "来店履歴"
""",
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=5000, help="number of people (default 5000)")
    ap.add_argument("--out", type=Path, required=True, help="output directory (created)")
    ap.add_argument("--seed", type=int, default=20250331, help="random seed (default 20250331)")
    ap.add_argument("--mappings", type=Path, default=ROOT / "mappings",
                    help="where to write corpus2_*.toml (default: the repository's mappings/)")
    args = ap.parse_args(argv)
    if args.people < 1:
        ap.error("--people must be at least 1")
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        sys.exit("make_corpus2.py: openpyxl is needed for the ledger workbook (python3 -m pip install openpyxl)")
    t0 = time.monotonic()
    gc.disable()
    rng.seed(args.seed)
    load_towns()
    args.out.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(args.people)
    corpus.run()
    mark_namesakes(corpus.persons)
    t1 = time.monotonic()
    truth = Truth(args.out / "truth.csv", corpus.persons)
    counts = {}
    counts.update(write_ledger(corpus, args.out, truth))
    counts.update(write_pos(corpus, args.out, truth))
    counts.update(write_web(corpus, args.out, truth))
    counts.update(write_cards(corpus, args.out, truth))
    truth.close()
    args.mappings.mkdir(parents=True, exist_ok=True)
    for name, text in MAPPINGS.items():
        path = args.mappings / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    t2 = time.monotonic()

    persons = corpus.persons[1:]
    households = Counter(p.hid for p in persons)
    tags = Counter(n for p in persons for n in PERSON_TAGS if p.tags & T[n])
    print(f"corpus2 in {args.out} (seed {args.seed}): people generated in {t1 - t0:.1f} s, files written in {t2 - t1:.1f} s")
    for name, n in counts.items():
        print(f"  {name:28} {n:>9,} records")
    print(f"  {'total':28} {sum(counts.values()):>9,} records (truth.csv rows)")
    print(f"people {len(persons):,}; households {len(households):,} "
          f"({sum(1 for v in households.values() if v > 1):,} with 2+ people)")
    print("people by situation: " + ", ".join(f"{n} {tags[n]:,}" for n in PERSON_TAGS))
    print(f"mappings: {', '.join(str(args.mappings / m) for m in MAPPINGS)}")


if __name__ == "__main__":
    main()
