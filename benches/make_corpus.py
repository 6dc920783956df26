#!/usr/bin/env python3
"""Generate a deterministic, entirely FICTIONAL benchmark corpus for `karte dedup`.

ヘアサロン椿 is an invented chain of hair salons with branches in Tokyo,
Kanagawa, Saitama, Chiba, Osaka, Nagoya, Sapporo, Fukuoka and Sendai.  Its
customers (invented people; every e-mail address is on an example.* domain,
phone and block numbers are random) are spread over four legacy sources,
written the way samples/make_samples.py writes the bundled sample store:

    corpus_ledger.csv  customer ledger saved from Excel as CSV: CP932, CRLF,
                       title lines above the header, a blank line, a footer
                       (以上 N名); one row per registration; phones and postal
                       codes that lost their leading zero, era birth dates
    corpus_pos.csv     POS export: CP932, CRLF, one row per purchase (a
                       customer on many rows), a 顧客コード kept within the
                       POS, names mostly in half-width kana, a 合計 trailer
    corpus_web.csv     web bookings: UTF-8 with BOM, CRLF, hiragana readings,
                       e-mail, mobile, optional birthday, multi-line ご要望
    corpus_cards.txt   typed-up paper kartes (2005-2014): CP932, CRLF, the
                       card format of README.md

Ground truth goes to DIR/truth.csv:

    source_file,sheet,row,person_id,household_id,kind

`row` is what karte's lineage view calls row: the physical line on which a
CSV record starts (the header is line 1) or the first non-blank, non-comment
line of a card.  Only records karte imports as customers have a truth row
(the footer and the trailer are not customers).  `kind` is a ';'-separated
list of tags: first the person's situation, then what happened to this
record:

  person   plain       nothing special (transcription noise still possible)
           household   lives with other customers: same surname, address and
                       landline (when there is one), different given name and
                       birth date
           twin        a household member born the same day as a sibling
           married     new surname after a date (same given name, birth date,
                       mobile); usually a new address too
           moved       new address and landline after a date (same mobile,
                       birth date)
           new-mobile  changed mobile number after a date
           same-name   another customer (another household) has the same
                       surname (variant kanji folded) and given name
  record   dup-noise   the record carries transcription noise (any of below)
           itaiji      surname written in its variant form (髙橋, 渡邊, 﨑 …)
           name-typo   a confused kanji (太/大, 郎/朗, 裕/祐, 斎/斉, 藤/籐 …)
           kana-typo   reading with dropped voicing, ッ→ツ, long vowel ー
           birth-typo  one digit of the birth date wrong
           birth-swap  birth month and day swapped
           phone-typo  two digits of a phone swapped
           addr-typo   one block number wrong
           old-name    written before the marriage (maiden name)
           old-address written before the move
           old-mobile  written before the mobile changed
           guardian-contact  a child's record with the parent's phone / e-mail
           second-id   a second registration (ledger No, POS code or card)
                       of someone who already had one

It also writes one mapping per source to mappings/corpus_*.toml (each with
`files` patterns that only match these files).

    python3 benches/make_corpus.py --people 5000 --out target/bench-data/corpus_5000
    karte import --db c.db --mappings mappings target/bench-data/corpus_5000/corpus_*

Standard library only.  Deterministic: the same --seed and --people give
byte-identical files.  --people 700000 (about 1,030,000 records) takes about
45 s and 620 MiB on a 2-core machine.
"""
from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gc
import itertools
import random
import re
import time
import unicodedata
from array import array
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

rng = random.Random(0)
R = rng.random


def RI(a: int, b: int) -> int:
    """A random integer in [a, b] (faster than random.randint)."""
    return a + int(R() * (b - a + 1))


def CH(seq):
    """A random element (faster than random.choice)."""
    return seq[int(R() * len(seq))]


D = dt.date
TODAY = D(2024, 10, 1)
CARD_LO, CARD_HI = D(2005, 4, 1), D(2014, 12, 31)
LEDGER_LO, LEDGER_HI = D(2005, 4, 1), D(2024, 9, 30)
POS_LO, POS_HI = D(2015, 4, 1), D(2024, 9, 30)
WEB_LO, WEB_HI = D(2019, 4, 1), D(2024, 10, 31)
WEB_EXPORT = D(2024, 9, 30)


class W:
    """A weighted choice, drawn with one random number."""

    __slots__ = ("vals", "cum", "tot")

    def __init__(self, pairs):
        vals, ws = zip(*pairs)
        self.vals = list(vals)
        self.cum = list(itertools.accumulate(ws))
        self.tot = self.cum[-1]

    def __call__(self):
        return self.vals[min(bisect.bisect_right(self.cum, R() * self.tot), len(self.vals) - 1)]


def rdate(lo: dt.date, hi: dt.date) -> dt.date:
    if hi <= lo:
        return lo
    return D.fromordinal(RI(lo.toordinal(), hi.toordinal()))


def years_after(d: dt.date, n: int) -> dt.date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def age_at(birth: dt.date, d: dt.date) -> int:
    return d.year - birth.year - ((d.month, d.day) < (birth.month, birth.day))


# ---------------------------------------------------------------------------
# text helpers
# ---------------------------------------------------------------------------

ZEN = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}
ZEN[0x20] = 0x3000


def zen(s: str) -> str:
    """ASCII → full-width (space → U+3000, '-' → U+FF0D)."""
    return s.translate(ZEN)


_HAN = {}
for _cp in range(0xFF61, 0xFFA0):
    _z = unicodedata.normalize("NFKC", chr(_cp))
    if len(_z) == 1:
        _HAN[_z] = chr(_cp)
_HAN["\u3099"], _HAN["\u309a"] = "\uff9e", "\uff9f"
HANKAKU = {}
for _cp in range(0x30A1, 0x30FD):
    _parts = unicodedata.normalize("NFD", chr(_cp))
    if all(p in _HAN for p in _parts):
        HANKAKU[_cp] = "".join(_HAN[p] for p in _parts)
HANKAKU[0x3000] = " "
HIRA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)}


def hankaku(s: str) -> str:
    """Full-width katakana → half-width (ガ is two characters, ｶﾞ)."""
    return s.translate(HANKAKU)


def hira(s: str) -> str:
    return s.translate(HIRA)


_ROMA = dict(
    ア="a", イ="i", ウ="u", エ="e", オ="o", カ="ka", キ="ki", ク="ku", ケ="ke", コ="ko", サ="sa", シ="shi", ス="su",
    セ="se", ソ="so", タ="ta", チ="chi", ツ="tsu", テ="te", ト="to", ナ="na", ニ="ni", ヌ="nu", ネ="ne", ノ="no",
    ハ="ha", ヒ="hi", フ="fu", ヘ="he", ホ="ho", マ="ma", ミ="mi", ム="mu", メ="me", モ="mo", ヤ="ya", ユ="yu",
    ヨ="yo", ラ="ra", リ="ri", ル="ru", レ="re", ロ="ro", ワ="wa", ヲ="o", ン="n", ガ="ga", ギ="gi", グ="gu", ゲ="ge",
    ゴ="go", ザ="za", ジ="ji", ズ="zu", ゼ="ze", ゾ="zo", ダ="da", ヂ="ji", ヅ="zu", デ="de", ド="do", バ="ba", ビ="bi",
    ブ="bu", ベ="be", ボ="bo", パ="pa", ピ="pi", プ="pu", ペ="pe", ポ="po",
)
_YOON = {"ャ": "a", "ュ": "u", "ョ": "o"}


def romaji(kana: str, short_long: bool) -> str:
    out = []
    i, gem = 0, False
    while i < len(kana):
        c = kana[i]
        if c == "ッ":
            gem = True
            i += 1
            continue
        r = _ROMA.get(c, "")
        if i + 1 < len(kana) and kana[i + 1] in _YOON:
            v = _YOON[kana[i + 1]]
            r = r[:-1] + v if r in ("shi", "chi", "ji") else r[:-1] + "y" + v
            i += 1
        if gem and r:
            r = ("t" + r) if r.startswith("ch") else (r[0] + r)
            gem = False
        out.append(r)
        i += 1
    s = "".join(out)
    if short_long:
        s = s.replace("ou", "o").replace("uu", "u")
    return s


KANJI_NUM = "〇一二三四五六七八九十"


def kanji_num(n: int) -> str:
    if n <= 10:
        return KANJI_NUM[n]
    t, u = divmod(n, 10)
    return ("十" if t == 1 else KANJI_NUM[t] + "十") + (KANJI_NUM[u] if u else "")


ERAS = [(D(2019, 5, 1), "令和", "R", 2018), (D(1989, 1, 8), "平成", "H", 1988), (D(1926, 12, 25), "昭和", "S", 1925)]


def era(d: dt.date, style: str) -> str:
    for start, kan, ab, off in ERAS:
        if d >= start:
            y = d.year - off
            break
    else:
        raise ValueError(d)
    if style == "kanji":
        return f"{kan}{'元' if y == 1 else y}年{d.month}月{d.day}日"
    if style == "kanji_fw":
        return zen(f"{kan}{'元' if y == 1 else y}年{d.month}月{d.day}日")
    if style == "abbr":
        return f"{ab}{y}.{d.month}.{d.day}"
    if style == "abbr0":
        return f"{ab}{y:02d}.{d.month:02d}.{d.day:02d}"
    return f"{ab}{y}/{d.month}/{d.day}"


def slash(d: dt.date) -> str:
    return f"{d.year}/{d.month}/{d.day}"


def slash0(d: dt.date) -> str:
    return f"{d.year}/{d.month:02d}/{d.day:02d}"


def csv_line(fields) -> str:
    out = []
    for f in fields:
        if not f:
            out.append("")
            continue
        if "," in f or '"' in f or "\n" in f or "\r" in f:
            f = '"' + f.replace('"', '""') + '"'
        out.append(f)
    return ",".join(out)


# CP932 as Windows writes it: 髙, 﨑 … in the IBM extension rows (FAxx-FCxx),
# not in the NEC-selected rows (EDxx/EExx) Python's encoder prefers.
_IBM = {}
for _hi in range(0xFA, 0xFD):
    for _lo in range(0x40, 0xFD):
        try:
            _ch = bytes([_hi, _lo]).decode("cp932")
        except UnicodeDecodeError:
            continue
        if len(_ch) == 1 and _ch.encode("cp932")[0] in (0xED, 0xEE):
            _IBM.setdefault(_ch, bytes([_hi, _lo]))
_IBM_RE = re.compile("([" + "".join(sorted(_IBM)) + "])")


def enc_cp932(text: str) -> bytes:
    if not _IBM_RE.search(text):
        return text.encode("cp932")
    parts = _IBM_RE.split(text)
    out = []
    for i, p in enumerate(parts):
        out.append(_IBM[p] if i % 2 else p.encode("cp932"))
    return b"".join(out)


# ---------------------------------------------------------------------------
# name pools
# ---------------------------------------------------------------------------

# (surname, reading, weight ≈ bearers in units of 10,000). Alternative
# readings of one surname are separate entries (中田 ナカタ / ナカダ).
COMMON_SURNAMES = """
佐藤 サトウ 187|鈴木 スズキ 178|高橋 タカハシ 141|田中 タナカ 133|伊藤 イトウ 108|渡辺 ワタナベ 107|山本 ヤマモト 107|
中村 ナカムラ 105|小林 コバヤシ 102|加藤 カトウ 89|吉田 ヨシダ 84|山田 ヤマダ 81|佐々木 ササキ 68|山口 ヤマグチ 64|
松本 マツモト 63|井上 イノウエ 61|木村 キムラ 57|林 ハヤシ 53|斎藤 サイトウ 52|清水 シミズ 52|山崎 ヤマザキ 42|
山崎 ヤマサキ 7|森 モリ 47|池田 イケダ 44|橋本 ハシモト 44|阿部 アベ 43|石川 イシカワ 43|山下 ヤマシタ 42|
中島 ナカジマ 37|中島 ナカシマ 4|石井 イシイ 40|小川 オガワ 40|前田 マエダ 39|岡田 オカダ 39|長谷川 ハセガワ 38|
藤田 フジタ 38|後藤 ゴトウ 37|近藤 コンドウ 36|村上 ムラカミ 35|遠藤 エンドウ 33|青木 アオキ 33|坂本 サカモト 32|
斉藤 サイトウ 32|福田 フクダ 31|太田 オオタ 31|西村 ニシムラ 31|藤井 フジイ 30|金子 カネコ 30|岡本 オカモト 30|
藤原 フジワラ 30|中野 ナカノ 29|三浦 ミウラ 29|原田 ハラダ 29|中川 ナカガワ 29|松田 マツダ 28|竹内 タケウチ 28|
小野 オノ 28|田村 タムラ 28|中山 ナカヤマ 27|和田 ワダ 27|石田 イシダ 26|森田 モリタ 26|上田 ウエダ 26|原 ハラ 25|
内田 ウチダ 25|柴田 シバタ 25|酒井 サカイ 25|宮崎 ミヤザキ 25|横山 ヨコヤマ 25|高木 タカギ 24|安藤 アンドウ 24|
宮本 ミヤモト 24|大野 オオノ 24|小島 コジマ 23|谷口 タニグチ 23|今井 イマイ 23|工藤 クドウ 23|高田 タカダ 22|
増田 マスダ 22|丸山 マルヤマ 22|杉山 スギヤマ 22|村田 ムラタ 22|大塚 オオツカ 21|新井 アライ 21|小山 コヤマ 21|
平野 ヒラノ 21|藤本 フジモト 21|河野 コウノ 16|河野 カワノ 5|上野 ウエノ 20|野口 ノグチ 20|武田 タケダ 20|
松井 マツイ 20|千葉 チバ 20|岩崎 イワサキ 20|菅原 スガワラ 20|木下 キノシタ 20|久保 クボ 19|佐野 サノ 19|
野村 ノムラ 19|松尾 マツオ 19|市川 イチカワ 18|菊地 キクチ 18|杉本 スギモト 18|古川 フルカワ 18|大西 オオニシ 18|
島田 シマダ 18|水野 ミズノ 18|桜井 サクライ 18|高野 タカノ 17|渡部 ワタナベ 17|吉川 ヨシカワ 17|山内 ヤマウチ 17|
西田 ニシダ 17|飯田 イイダ 17|菊池 キクチ 17|西川 ニシカワ 16|小松 コマツ 16|北村 キタムラ 16|安田 ヤスダ 16|
五十嵐 イガラシ 16|川口 カワグチ 16|平田 ヒラタ 16|関 セキ 16|中田 ナカタ 10|中田 ナカダ 6|久保田 クボタ 15|
東 ヒガシ 11|東 アズマ 4|服部 ハットリ 15|川村 カワムラ 15|永井 ナガイ 15|岩田 イワタ 15|辻 ツジ 15|松岡 マツオカ 15|
野田 ノダ 15|中西 ナカニシ 15|田口 タグチ 14|松下 マツシタ 14|浅野 アサノ 14|大橋 オオハシ 14|川崎 カワサキ 14|
大久保 オオクボ 13|吉村 ヨシムラ 13|荒木 アラキ 13|松村 マツムラ 13|沢田 サワダ 13|浜田 ハマダ 13|熊谷 クマガイ 13|
広瀬 ヒロセ 11|桑原 クワバラ 9|富田 トミタ 10|徳永 トクナガ 7|柳田 ヤナギダ 6|大田 オオタ 4|長田 ナガタ 10|
長田 オサダ 3|堀 ホリ 12|石原 イシハラ 13|小池 コイケ 11|須藤 スドウ 10|服部 ハトリ 1|斎木 サイキ 2|伊東 イトウ 9
"""
COMMON_SURNAMES = [
    (a, b, int(c)) for a, b, c in (x.split() for x in COMMON_SURNAMES.replace("\n", "").split("|") if x.strip())
]

# Rare surnames: two components, the second voiced or not (fictional readings).
_S1 = ("石イシ 岩イワ 松マツ 杉スギ 竹タケ 梅ウメ 菊キク 柳ヤナギ 桐キリ 浅アサ 深フカ 長ナガ 永ナガ 広ヒロ 大オオ 小コ "
       "上カミ 下シモ 北キタ 南ミナミ 西ニシ 中ナカ 宮ミヤ 堀ホリ 黒クロ 白シラ 赤アカ 青アオ 金カネ 藤フジ 桑クワ 芦アシ "
       "荻オギ 萩ハギ 柿カキ 栗クリ 梶カジ 楠クス 樋ヒ 春ハル 秋アキ 今イマ 古フル 新ニイ 早ハヤ 高タカ 平ヒラ 福フク "
       "吉ヨシ 寺テラ 門カド 稲イナ 米ヨネ 森モリ 岸キシ 滝タキ 湯ユ 菅スガ 蓮ハス 鶴ツル 亀カメ 鷲ワシ 熊クマ 馬ウマ "
       "相アイ 朝アサ 荒アラ 有アリ 飯イイ 市イチ 猪イノ 入イリ 植ウエ 臼ウス 奥オク 笠カサ 柏カシワ 片カタ 神カミ 清キヨ "
       "草クサ 越コシ 駒コマ 桜サクラ 塩シオ 篠シノ 柴シバ 須ス 関セキ 玉タマ 千チ 土ツチ 角ツノ 徳トク 豊トヨ 鳥トリ "
       "成ナル 羽ハ 浜ハマ 細ホソ 前マエ 牧マキ 増マス 丸マル 三ミ 水ミズ 溝ミゾ 望モチ 矢ヤ 安ヤス 横ヨコ 若ワカ 和ワ").split()
_S2 = ("田タダ 川カワガワ 山ヤマヤマ 野ノノ 井イイ 村ムラムラ 沢サワザワ 島シマジマ 原ハラワラ 本モトモト 口クチグチ "
       "木キギ 谷タニダニ 岡オカオカ 崎サキザキ 瀬セセ 部ベベ 尾オオ 坂サカザカ 橋ハシバシ 塚ツカヅカ 浦ウラウラ "
       "江エエ 内ウチウチ 池イケイケ 畑ハタバタ 倉クラグラ 森モリモリ 城シロジロ 澤サワザワ").split()


def _rare_surnames():
    common = {s for s, _, _ in COMMON_SURNAMES}
    out = []
    h = 2166136261
    for a in _S1:
        for b in _S2:
            k1, r1 = a[0], a[1:]
            k2 = b[0]
            rest = b[1:]
            half = len(rest) // 2
            plain, voiced = rest[:half], rest[half:]
            h = (h * 16777619 ^ ord(k1) ^ (ord(k2) << 7)) & 0xFFFFFFFF
            name = k1 + k2
            if name in common or k1 == k2:
                continue
            out.append((name, r1 + (voiced if h & 1 else plain), 1 + h % 9))
    return out


SURNAMES = COMMON_SURNAMES + _rare_surnames()
# The ~180 common surnames are about 30% of the people; the tail the rest.
_TAIL = 2.3 * sum(w for _, _, w in COMMON_SURNAMES) / sum(w for _, _, w in SURNAMES[len(COMMON_SURNAMES):])
SURNAME_PICK = W([((s, k), w * (1.0 if i < len(COMMON_SURNAMES) else _TAIL)) for i, (s, k, w) in enumerate(SURNAMES)])

# Official variant spellings: a person whose register says 髙橋 is written
# 髙橋 or 高橋 depending on who typed it. (simple, variant, share of bearers)
SURNAME_VARIANTS = {
    "高橋": [("髙橋", 0.14)], "渡辺": [("渡邊", 0.08), ("渡邉", 0.09)], "斎藤": [("齋藤", 0.10)],
    "山崎": [("山﨑", 0.09)], "宮崎": [("宮﨑", 0.06)], "岩崎": [("岩﨑", 0.05)], "川崎": [("川﨑", 0.05)],
    "沢田": [("澤田", 0.2)], "浜田": [("濱田", 0.12)], "広瀬": [("廣瀬", 0.1)], "桜井": [("櫻井", 0.1)],
    "中島": [("中嶋", 0.12)], "富田": [("冨田", 0.2)], "桑原": [("桒原", 0.05)], "徳永": [("德永", 0.05)],
    "柳田": [("栁田", 0.05)], "吉田": [("𠮷田", 0.015)], "吉川": [("𠮷川", 0.01)], "吉村": [("𠮷村", 0.01)],
}
NOT_CP932 = {"𠮷田": "吉田", "𠮷川": "吉川", "𠮷村": "吉村"}  # only the web export (UTF-8) has 𠮷

# Given names: a reading, the years of birth it is typical for, its weight,
# then its spellings, the usual one first (ユウコ: 裕子 優子 祐子 …). Two
# customers with one reading and different kanji are different people.
GIVEN_F = """
カズコ 1930 1962 5 和子 一子 加寿子|セツコ 1930 1958 3 節子 世津子|サチコ 1930 1965 4 幸子 佐知子 祥子|
ヨウコ 1935 1985 6 洋子 陽子 容子 葉子|ケイコ 1935 1975 5 恵子 敬子 啓子 桂子 慶子|キョウコ 1935 1975 4 京子 恭子 今日子 響子|
クミコ 1950 1975 4 久美子 玖美子 久仁子|エツコ 1935 1968 3 悦子 恵津子|ジュンコ 1940 1978 4 順子 純子 淳子 潤子|
ミチコ 1935 1965 4 美智子 道子 倫子 美知子|ヒロコ 1935 1975 4 弘子 裕子 博子 浩子 宏子|トシコ 1930 1960 2 敏子 俊子 利子|
ヨシコ 1930 1962 3 良子 佳子 芳子 由子|ユウコ 1955 1995 5 裕子 優子 祐子 夕子 悠子 有子|アケミ 1950 1978 3 明美 朱美 明実|
ユミコ 1950 1980 4 由美子 裕美子 弓子 由実子|マユミ 1958 1985 4 真由美 真弓 麻由美 眞由美|ナオミ 1955 1985 3 直美 尚美 奈緒美|
トモコ 1955 1985 4 智子 友子 知子 朋子|ノリコ 1945 1978 4 典子 紀子 法子 範子|ミキ 1960 1995 3 美紀 美樹 美希 幹|
ユミ 1955 1990 3 由美 裕美 優美 弓|エミ 1965 1995 3 恵美 絵美 英美 笑美|カオリ 1965 1995 4 香織 香 かおり 薫 佳織|
トモミ 1965 1992 3 智美 友美 知美 朋美|マリコ 1950 1982 2 真理子 麻里子 万里子 鞠子|ミホ 1965 1998 3 美穂 美保 美帆 未歩|
ナオコ 1960 1985 3 直子 尚子 奈緒子|アイ 1975 2012 4 愛 藍 亜衣 あい|マイ 1975 2005 4 舞 麻衣 真衣 まい|
アヤ 1975 2010 3 彩 綾 亜矢 絢|ミカ 1968 1995 3 美香 美佳 美加 実花|ヒトミ 1968 1995 3 瞳 仁美 ひとみ|
メグミ 1962 1998 4 恵 恵美 めぐみ 愛美|サオリ 1972 1998 3 沙織 早織 さおり 佐織|チヒロ 1975 2008 2 千尋 千紘 ちひろ|
アキコ 1955 1988 3 亜希子 明子 晶子 章子|リエ 1965 1992 3 理恵 里恵 梨絵 利恵|ミユキ 1960 1990 3 美由紀 美幸 深雪 みゆき|
ミサキ 1985 2015 5 美咲 美沙希 岬 美早紀|アヤカ 1988 2012 4 彩花 綾香 彩香 絢香|ナナミ 1990 2015 3 七海 菜々美 奈々美|
ユイ 1990 2018 4 結衣 唯 由衣 優衣|ヒナ 1998 2022 4 陽菜 日菜 ひな 妃菜|アオイ 1995 2022 4 葵 碧 あおい|
サクラ 1992 2020 4 さくら 桜 咲良|リン 1998 2022 3 凛 鈴 りん|リコ 1998 2022 3 莉子 理子 梨子 里子|
アン 1998 2022 2 杏 安 あん|メイ 1998 2022 3 芽衣 芽依 明衣 めい|ミヅキ 1995 2020 2 美月 美津紀|
ユイナ 2000 2022 3 結菜 唯菜 優衣菜|カエデ 1995 2022 2 楓 かえで|カノン 1998 2020 2 花音 果音 佳音|
マオ 1990 2015 2 真央 麻央 真緒|ハルカ 1982 2010 3 遥 春香 遙 はるか|アスカ 1982 2005 2 明日香 飛鳥 あすか|
モエ 1985 2008 2 萌 萌絵 萌恵|ツムギ 2008 2022 3 紬 つむぎ|ヒマリ 2008 2022 3 陽葵 日葵 ひまり|ミオ 1998 2022 2 澪 美緒 未央|
ハナコ 1945 1992 1 花子 華子|サナエ 1950 1982 2 早苗 紗苗|シズカ 1960 1992 2 静香 静 しずか|リョウコ 1962 1992 2 涼子 亮子 諒子|
カナ 1982 2008 3 佳奈 加奈 香奈 可奈|ナナ 1985 2010 2 奈々 菜々 七菜|サトミ 1962 1990 2 里美 聡美 郷美|ミドリ 1940 1975 1 みどり 緑 翠|
ヒロミ 1955 1982 2 弘美 裕美 博美 ひろみ|ユカ 1970 2000 3 由香 優香 友香 有加|ユキ 1968 2000 3 由紀 雪 友紀 有希|
サキ 1985 2015 3 咲 早紀 沙希 紗希|マミ 1970 1998 2 真美 麻美 茉美|アサミ 1972 1995 2 麻美 朝美|ミナ 1985 2012 2 美奈 美菜|
ナツミ 1978 2005 3 夏美 奈津美 菜摘|マナミ 1975 2000 2 真奈美 愛美|ユリ 1950 2010 2 百合 由里 友里|アユミ 1965 1998 3 歩 亜由美 あゆみ|
ワカナ 1992 2012 2 若菜 和香奈|コハル 2005 2022 2 小春 心春|ユズキ 2000 2022 2 柚希 優月|ミスズ 1975 2000 1 美鈴 美涼|
チアキ 1970 2000 2 千秋 千晶|マキ 1965 1995 2 真紀 麻紀 真希|ヤスコ 1935 1968 2 康子 泰子 靖子|フミコ 1930 1960 2 文子 富美子|
レイコ 1940 1975 2 玲子 礼子 麗子|ノゾミ 1975 2005 2 希 望 のぞみ|ホノカ 2000 2022 2 穂乃香 帆乃花 ほのか"""
GIVEN_M = """
シゲル 1930 1960 3 茂 繁 滋|オサム 1935 1968 3 修 治 理|ヒロシ 1935 1975 6 浩 博 宏 弘 寛 洋|マコト 1955 1995 4 誠 真 信 允|
タカシ 1940 1985 5 隆 孝 崇 貴志 高志|キヨシ 1930 1965 3 清 潔 聖|マサル 1935 1968 2 勝 優 賢|ミノル 1930 1962 2 実 稔 穣|
ススム 1935 1965 2 進 晋|ユタカ 1935 1975 2 豊 裕 穣|タダシ 1930 1968 3 正 忠 匡|アキラ 1930 1985 4 明 昭 章 晃 彰 亮|
イチロウ 1935 1975 3 一郎 一朗 市郎|ケンイチ 1950 1990 4 健一 謙一 賢一 憲一 研一|カズオ 1930 1962 3 和夫 一男 和雄 一夫|
マサオ 1930 1960 2 正夫 正雄 雅夫 昌夫|ユキオ 1930 1962 2 幸雄 幸夫 行雄|ヒデキ 1955 1985 3 秀樹 英樹 英機|
ヒロユキ 1950 1985 4 博之 浩之 裕之 弘幸 宏行|ヤスヒロ 1950 1980 2 康弘 泰弘 康博 靖浩|マサト 1955 1995 3 正人 雅人 将人 真人|
ケンジ 1950 1985 4 健二 賢治 健司 憲二 謙二|タロウ 1950 1995 2 太郎 太朗|タカユキ 1955 1985 2 隆之 孝之 貴之 高幸|
コウジ 1955 1985 4 浩二 耕司 幸治 康二 孝司|タツヤ 1965 1998 3 達也 竜也 辰也 達哉|カズヤ 1965 1998 3 和也 一也 和哉|
ナオキ 1965 2000 4 直樹 尚樹 直紀 直輝|テツヤ 1960 1992 3 哲也 徹也 哲哉|ツヨシ 1965 1995 3 剛 毅 強 健|
ケン 1960 2012 3 健 謙 賢 憲|タケシ 1950 1990 3 健 武 猛 剛 毅|サトシ 1960 1995 4 聡 智 悟 哲 敏|
ダイスケ 1970 2000 4 大輔 大介 大祐|タクヤ 1975 2005 4 拓也 卓也 拓哉 琢也|ケンタ 1978 2008 3 健太 賢太 謙太|
ショウタ 1985 2012 4 翔太 将太 翔大 祥太|リョウ 1975 2010 3 亮 涼 良 諒 遼|ユウキ 1985 2012 4 勇気 祐希 裕貴 雄輝 悠希|
ハヤト 1985 2012 3 隼人 勇人 颯人|ダイキ 1985 2012 3 大樹 大輝 大貴 大喜|ショウ 1985 2012 3 翔 将 匠|
レン 1998 2022 4 蓮 廉 連 怜|ハルト 2004 2022 4 陽翔 悠斗 遥斗 晴斗|ミナト 2005 2022 3 湊 港 湊斗|
ユウマ 2000 2022 3 悠真 優真 佑真 勇真|ソウタ 1998 2022 3 颯太 蒼太 奏太 壮太|イツキ 1995 2022 3 樹 一輝 伊月|
ヒロト 1998 2022 3 大翔 大斗 博人 浩人|リク 1998 2022 2 陸 理久 里玖|アサヒ 2008 2022 2 朝陽 旭 朝日|
ユウタ 1980 2008 4 裕太 優太 雄太 悠太 祐太|ユウイチ 1955 1988 3 雄一 裕一 祐一 優一|シンゴ 1965 1995 2 慎吾 真吾 伸吾|
シュンスケ 1975 2002 2 俊介 駿介 俊輔 峻介|コウスケ 1975 2005 3 康介 浩介 耕介 幸助 航輔|ユウスケ 1975 2002 3 祐介 雄介 裕介 勇介 優介|
トモヤ 1975 2002 2 智也 友也 知也 朋也|ヨシオ 1930 1958 2 義雄 良雄 芳夫 義男|ノボル 1930 1960 2 昇 登|イサム 1930 1962 2 勇 勲|
ヒデオ 1930 1962 2 英夫 秀夫 秀雄|トシユキ 1950 1980 2 敏之 俊之 利之 俊幸|マサヒロ 1950 1990 3 雅弘 正弘 昌宏 将大|
カズキ 1985 2012 3 和樹 一輝 和貴 一樹|ユウト 1995 2022 3 悠斗 優斗 勇人 雄斗|ソウマ 2005 2022 2 颯真 蒼真 爽真|
ケイスケ 1970 2000 3 圭介 啓介 恵介 敬介|ジュン 1965 1998 2 潤 純 淳 準|マナブ 1960 1990 2 学 学歩|ヒロキ 1980 2008 3 大樹 弘樹 宏樹 裕貴|
リュウジ 1965 1995 2 竜二 隆二 龍二|ジロウ 1930 1970 1 次郎 二郎|ヨウスケ 1970 2000 2 洋介 陽介 要介|ナオト 1975 2005 2 直人 尚人 直斗"""


def _given(text):
    out = []
    for x in text.replace("\n", "").split("|"):
        kana, y0, y1, w, *spellings = x.split()
        for i, kanji in enumerate(spellings):
            out.append((kanji, kana, int(y0), int(y1), int(w) / (1.6 + i * 1.5) * (2.2 if i == 0 else 1)))
    return out


GIVEN = {"F": _given(GIVEN_F), "M": _given(GIVEN_M)}
_GIVEN_PICK = {}


def pick_given(sex: str, year: int):
    y = min(max(year, 1930), 2022)
    key = (sex, y)
    w = _GIVEN_PICK.get(key)
    if w is None:
        pool = [(g[:2], g[4]) for g in GIVEN[sex] if g[2] - 3 <= y <= g[3] + 3]
        w = _GIVEN_PICK[key] = W(pool)
    return w()


# Common full names that several unrelated customers share.
SAME_NAMES = [("佐藤", "サトウ", "健", "ケン", "M"), ("鈴木", "スズキ", "一郎", "イチロウ", "M"),
              ("高橋", "タカハシ", "美咲", "ミサキ", "F"), ("田中", "タナカ", "陽子", "ヨウコ", "F"),
              ("佐藤", "サトウ", "美咲", "ミサキ", "F"), ("伊藤", "イトウ", "翔太", "ショウタ", "M"),
              ("渡辺", "ワタナベ", "恵子", "ケイコ", "F"), ("山本", "ヤマモト", "健一", "ケンイチ", "M")]

# Kanji a clerk confuses: (wrong for right). Applied to surname or given name.
NAME_TYPOS = [("太", "大"), ("大", "太"), ("郎", "朗"), ("朗", "郎"), ("裕", "祐"), ("祐", "裕"), ("斎", "斉"),
              ("斉", "斎"), ("辺", "部"), ("藤", "籐"), ("崎", "埼"), ("紀", "記"), ("恵", "慧"), ("美", "実"),
              ("陽", "揚"), ("智", "知"), ("輔", "介"), ("子", "了")]

# ---------------------------------------------------------------------------
# places
# ---------------------------------------------------------------------------

# Real postal codes and towns (Japan Post's data, as karte embeds it); the
# block numbers, buildings and phone numbers are invented.
TOWNS = """
北海道|札幌市中央区|0600041大通東 0600042大通西 0640942伏見 0640943界川 0640944円山西町 0640945盤渓 0640946双子山 0640958宮の森
北海道|札幌市豊平区|0620020月寒中央通 0620039西岡 0620911旭町 0620912水車町
北海道|札幌市西区|0630009山の手 0630011小別沢 0630012福井 0630029平和 0630049西野 0630059宮の沢 0630061西町北 0630062西町南
東京都|大田区|1430006平和島 1430011大森本町 1430012大森東 1430013大森南 1430014大森中 1430015大森西 1430016大森北 1430021北馬込 1430022東馬込 1430023山王 1430024中央 1430025南馬込 1430026西馬込 1430027中馬込 1440031東蒲田 1440032北糀谷 1440033東糀谷 1440034西糀谷 1440035南蒲田 1440042羽田旭町 1440043羽田 1440044本羽田 1440045南六郷 1440046東六郷 1440047萩中 1440051西蒲田 1440052蒲田 1440053蒲田本町 1440054新蒲田 1440055仲六郷 1440056西六郷 1450061石川町 1450062北千束 1450063南千束 1450064上池台 1450065東雪谷
東京都|目黒区|1520001中央町 1520002目黒本町 1520003碑文谷 1520004鷹番 1520011原町 1520012洗足 1520013南 1520021東が丘 1520022柿の木坂 1520023八雲 1520031中根 1520032平町 1520033大岡山 1520034緑が丘 1520035自由が丘 1530041駒場 1530042青葉台 1530043東山 1530044大橋 1530051上目黒 1530052祐天寺 1530053五本木 1530061中目黒 1530062三田 1530063目黒 1530064下目黒 1530065中町
東京都|世田谷区|1540001池尻 1540002下馬 1540003野沢 1540004太子堂 1540005三宿 1540011上馬 1540012駒沢 1540014新町 1540015桜新町 1540016弦巻 1540017世田谷 1540021豪徳寺 1540022梅丘 1540023若林 1540024三軒茶屋 1550031北沢 1550032代沢 1550033代田 1560041大原 1560042羽根木 1560043松原 1560044赤堤 1560045桜上水 1560051宮坂 1560052経堂 1560053桜 1560054桜丘 1560055船橋 1560056八幡山 1560057上北沢 1570061北烏山 1570062南烏山 1570063粕谷 1570064給田 1570065上祖師谷 1570066成城
東京都|中野区|1640001中野 1640002上高田 1640003東中野 1640011中央 1640012本町 1640013弥生町 1640014南台 1650021丸山 1650022江古田 1650023江原町 1650024松が丘 1650025沼袋 1650026新井 1650027野方 1650031上鷺宮 1650032鷺宮 1650033若宮 1650034大和町 1650035白鷺
東京都|杉並区|1660001阿佐谷北 1660002高円寺北 1660003高円寺南 1660004阿佐谷南 1660011梅里 1660012和田 1660015成田東 1660016成田西 1670021井草 1670022下井草 1670023上井草 1670031本天沼 1670032天沼 1670033清水 1670034桃井 1670035今川 1670041善福寺 1670042西荻北 1670043上荻 1670051荻窪 1670052南荻窪 1670053西荻南 1670054松庵 1680061大宮 1680062方南 1680063和泉 1680064永福 1680065浜田山 1680071高井戸西 1680072高井戸東 1680073下高井戸 1680074上高井戸 1680081宮前 1680082久我山
東京都|練馬区|1760001練馬 1760002桜台 1760003羽沢 1760004小竹町 1760005旭丘 1760006栄町 1760011豊玉上 1760012豊玉北 1760013豊玉中 1760014豊玉南 1760021貫井 1760022向山 1760023中村北 1760025中村南 1770031三原台 1770032谷原 1770033高野台 1770034富士見台 1770035南田中 1770041石神井町 1770042下石神井 1770043上石神井南町 1770044上石神井 1770045石神井台 1770051関町北 1770052関町東 1770053関町南 1770054立野町 1780061大泉学園町 1780062大泉町 1780063東大泉 1780064南大泉 1780065西大泉 1780066西大泉町 1790071旭町 1790072光が丘
神奈川県|川崎市中原区|2110001上丸子八幡町 2110002上丸子山王町 2110003上丸子 2110004新丸子東 2110005新丸子町 2110006丸子通 2110007上丸子天神町 2110011下沼部 2110012中丸子 2110013上平間 2110014田尻町 2110015北谷町 2110021木月住吉町 2110022苅宿 2110023大倉町 2110024西加瀬 2110025木月 2110031木月大町 2110032木月伊勢町 2110033木月祗園町 2110035井田 2110036井田杉山町 2110037井田三舞町 2110041下小田中 2110042下新城 2110043新城中町 2110044新城 2110045上新城 2110051宮内 2110052等々力 2110053上小田中 2110061小杉 2110062小杉陣屋町 2110063小杉町 2110064今井南町 2110065今井仲町
神奈川県|川崎市高津区|2130001溝口 2130002二子 2130003瀬田 2130004諏訪 2130005北見方 2130006下野毛 2130011久本 2130012坂戸 2130013末長 2130014新作 2130021千年新町 2130022千年 2130023子母口 2130024明津 2130026久末 2130028北野川 2130029東野川 2130031宇奈根 2130032久地 2130033下作延 2130034上作延
神奈川県|横浜市港北区|2220001樽町 2220002師岡町 2220003大曽根 2220004大曽根台 2220011菊名 2220012富士塚 2220013錦が丘 2220021篠原北 2220022篠原東 2220023仲手原 2220024篠原台町 2220025篠原西町 2220026篠原町 2220032大豆戸町 2220033新横浜 2220034岸根町 2220035鳥山町 2220036小机町 2220037大倉山 2230051箕輪町 2230052綱島東 2230053綱島西 2230054綱島台 2230055綱島上町 2230056新吉田町 2230057新羽町 2230058新吉田東 2230059北新横浜 2230061日吉 2230062日吉本町 2230063高田町 2230064下田町 2230065高田東 2230066高田西
神奈川県|横浜市青葉区|2250001美しが丘西 2250002美しが丘 2250003新石川 2250004元石川町 2250005荏子田 2250011あざみ野 2250012あざみ野南 2250013荏田町 2250014荏田西 2250015荏田北 2250016みすずが丘 2250021すすき野 2250022黒須田 2250023大場町 2250025鉄町 2250026もみの木台 2270031寺家町 2270032成合町 2270033鴨志田町 2270034桂台 2270035すみよし台 2270036奈良町 2270037緑山 2270038奈良 2270041上谷本町 2270042下谷本町 2270043藤が丘 2270044もえぎ野 2270045若草台 2270046たちばな台 2270047みたけ台 2270048柿の木台 2270051千草台 2270052梅が丘 2270053さつきが丘 2270054しらとり台
千葉県|船橋市|2701471小室町 2730003宮本 2730005本町 2730012浜町 2730014高瀬町 2730016潮見町 2730018栄町 2730022海神町 2730024海神町南 2730026山野町 2730028海神町東 2730032葛飾町 2730034二子町 2730036東中山 2730038古作町 2730041旭町 2730043行田町 2730045山手 2730047藤原 2730851馬込町 2730853金杉 2730855馬込西 2730863東町 2730865夏見 2730867夏見町 2740052鈴身町 2740054金堀町 2740056神保町 2740061古和釜町 2740063習志野台 2740065高根台 2740067大穴南 2740069坪井西 2740072三山 2740074滝台 2740076薬園台町
埼玉県|さいたま市浦和区|3300041三崎 3300042木崎 3300043大東 3300045皇山町 3300046大原 3300051駒場 3300052本太 3300053前地 3300054東岸町 3300055東高砂町 3300056東仲町 3300061常盤 3300062仲町 3300063高砂 3300064岸町 3300065神明 3300071上木崎 3300072領家 3300073元町 3300074北浦和
愛知県|名古屋市千種区|4640001東千種台 4640004京命 4640007竹越 4640013汁谷町 4640017鍋屋上野町 4640023田代町 4640026井上町 4640029池上町 4640033鹿子町 4640036本山町 4640039日和町 4640055姫池通 4640061向陽 4640064山門町 4640067池下 4640073高見 4640076豊年町 4640082上野 4640085古出来 4640091宮の腰町 4640094赤坂町 4640802星が丘元町 4640806唐山町 4640811朝岡町 4640814不老町 4640817見附町 4640821末盛通 4640824稲舟通 4640827田代本通 4640833大島町 4640836菊坂町 4640842桐林町 4640845南明町 4640848春岡 4640852青柳町 4640855千種通
愛知県|名古屋市昭和区|4660001車田町 4660003曙町 4660005雪見町 4660011鶴羽町 4660013緑町 4660015御器所通 4660021小坂町 4660023石仏町 4660025下構町 4660027阿由知通 4660032天神町 4660034明月町 4660036若柳町 4660041出口町 4660043池端町 4660045丸屋町 4660047永金町 4660052村雲町 4660054円上町 4660056東郊通 4660058白金 4660061御器所町 4660063山脇町 4660065鶴舞町 4660802神村町 4660804宮東町 4660806西畑町 4660811高峯町 4660814妙見町 4660821前山町 4660823八雲町 4660825八事本町 4660827川名山町 4660829向山町 4660832駒方町 4660834広路町
大阪府|大阪市北区|5300001梅田 5300002曽根崎新地 5300003堂島 5300004堂島浜 5300005中之島 5300011大深町 5300012芝田 5300013茶屋町 5300014鶴野町 5300015中崎西 5300016中崎 5300017角田町 5300018小松原町 5300021浮田 5300022浪花町 5300023黒崎町 5300024山崎町 5300025扇町 5300026神山町 5300027堂山町 5300028万歳町 5300031菅栄町 5300032樋之口町 5300033池田町 5300034錦町 5300035同心 5300036与力町 5300038紅梅町 5300041天神橋 5300042天満橋 5300043天満 5300044東天満 5300045天神西町 5300046菅原町 5300047西天満 5300051太融寺町
大阪府|大阪市天王寺区|5430001上本町 5430002上汐 5430011清水谷町 5430012空堀町 5430013玉造本町 5430014玉造元町 5430015真田山町 5430016餌差町 5430017城南寺町 5430018空清町 5430021東高津町 5430022味原本町 5430023味原町 5430024舟橋町 5430025下味原町 5430026東上町 5430028小橋町 5430032細工谷 5430035北山町 5430036小宮町 5430037上之宮町 5430041真法院町 5430043勝山 5430044国分町 5430045寺田町 5430051四天王寺 5430052大道 5430053北河堀町 5430054南河堀町 5430055悲田院町 5430056堀越町 5430061伶人町 5430062逢阪 5430063茶臼山町 5430071生玉町 5430072生玉前町
大阪府|豊中市|5600001北緑丘 5600003東豊中町 5600005西緑丘 5600012上野坂 5600014熊野町 5600021本町 5600023岡上の町 5600025立花町 5600031螢池北町 5600033螢池中町 5600035箕輪 5600041清風荘 5600043待兼山町 5600045刀根山 5600051永楽荘 5600053向丘 5600055柴原町 5600081新千里北町 5600083新千里西町 5610801曽根西町 5610803城山町 5610805原田南 5610807原田中 5610811若竹町 5610814豊南町東 5610816豊南町西 5610821日出町 5610823神州町 5610825二葉町 5610827大黒町 5610829千成町 5610832庄内西町 5610834庄内栄町 5610836庄内宝町 5610842今在家町 5610844利倉西
大阪府|吹田市|5640001岸部北 5640003天道町 5640011岸部南 5640013川園町 5640015幸町 5640017芝田町 5640021目俵町 5640023日の出町 5640025南高浜町 5640027朝日町 5640031元町 5640033東御旅町 5640035中の島町 5640037川岸町 5640039清和園町 5640042穂波町 5640044南金田 5640051豊津町 5640053江の木町 5640061円山町 5640063江坂町 5640072出口町 5640081藤が丘町 5640083朝日が丘町 5650802青葉丘南 5650804新芦屋上 5650806樫切山 5650812千里丘中 5650814千里丘西 5650816長野東 5650818尺谷 5650823山田南 5650825山田北 5650832五月が丘南 5650834五月が丘北 5650836佐井寺
福岡県|福岡市中央区|8100001天神 8100002西中洲 8100003春吉 8100004渡辺通 8100005清川 8100011高砂 8100012白金 8100013大宮 8100014平尾 8100015那の川 8100016平和 8100017平丘町 8100018山荘通 8100021今泉 8100022薬院 8100023警固 8100024桜坂 8100025薬院伊福町 8100026古小烏町 8100028浄水通 8100029平尾浄水町 8100031谷 8100032輝国 8100033小笹 8100034笹丘 8100035梅光園 8100041大名 8100042赤坂 8100043城内 8100044六本松 8100045草香江 8100052大濠 8100053鳥飼 8100054今川 8100055黒門 8100062荒戸
福岡県|福岡市南区|8111302井尻 8111303折立町 8111311横手 8111312横手南町 8111313曰佐 8111314的場 8111321柳瀬 8111323弥永 8111324警弥郷 8111343和田 8111344三宅 8111345向新町 8111346老司 8111347野多目 8111351屋形原 8111352鶴田 8111353柏原 8111354大平寺 8111355桧原 8111356花畑 8111361西長住 8111362長住 8111364中尾 8111365皿山 8150001五十川 8150004高木 8150031清水 8150032塩原 8150033大橋 8150034南大橋 8150035向野 8150036筑紫丘 8150037玉川町 8150041野間 8150042若久 8150063柳河内
宮城県|仙台市青葉区|9800001中江 9800003小田原 9800005梅田町 9800012錦町 9800014本町 9800022五橋 9800065土樋 9800802二日町 9800804大町 9800812片平 9800815花壇 9800822立町 9800845荒巻 9800852川内川前丁 9800855川内澱橋通 9800861川内元支倉 9800863川内追廻 9800865川内亀岡町 9800871八幡 9800873広瀬町 9806101中央アエル 9810902北根 9810906小松島新堤 9810908東照宮 9810912堤町 9810914堤通雨宮町 9810916青葉町 9810921藤松 9810931北山 9810933柏木 9810936千代田町 9810943国見 9810951滝道 9810953西勝山 9810962水の森 9810964荒巻中央
"""


def _load_towns():
    towns = []
    for line in TOWNS.strip().splitlines():
        pref, city, rest = line.split("|")
        for item in rest.split():
            towns.append((item[:3] + "-" + item[3:7], pref, city, item[7:]))
    return towns


# city → (市外局番, branch, weight)
CITIES = {
    "世田谷区": ("03", "三軒茶屋店", 10), "目黒区": ("03", "三軒茶屋店", 5), "大田区": ("03", "蒲田店", 7),
    "中野区": ("03", "中野店", 5), "杉並区": ("03", "中野店", 6), "練馬区": ("03", "中野店", 6),
    "川崎市中原区": ("044", "武蔵小杉店", 4), "川崎市高津区": ("044", "武蔵小杉店", 3),
    "横浜市港北区": ("045", "新横浜店", 5), "横浜市青葉区": ("045", "新横浜店", 4),
    "さいたま市浦和区": ("048", "浦和店", 4), "船橋市": ("047", "船橋店", 5),
    "大阪市北区": ("06", "梅田店", 4), "大阪市天王寺区": ("06", "梅田店", 3), "豊中市": ("06", "梅田店", 4),
    "吹田市": ("06", "梅田店", 4), "名古屋市千種区": ("052", "名古屋店", 4), "名古屋市昭和区": ("052", "名古屋店", 3),
    "札幌市中央区": ("011", "札幌店", 3), "札幌市豊平区": ("011", "札幌店", 1), "札幌市西区": ("011", "札幌店", 2),
    "福岡市中央区": ("092", "天神店", 3), "福岡市南区": ("092", "天神店", 3), "仙台市青葉区": ("022", "仙台店", 4),
}

TOWN_LIST = []        # (zip, pref, city, town, max 丁目 (0: none), area code, branch)
TOWN_PICK = None      # weighted town index
CITY_TOWNS = {}       # city → [town index]


def _init_towns():
    global TOWN_PICK
    seen = set()
    pairs = []
    for z, pref, city, town in _load_towns():
        if (city, town) in seen:
            continue
        seen.add((city, town))
        ac, branch, w = CITIES[city]
        h = sum(map(ord, town)) * 31 + len(town)
        maxc = 0 if (town.endswith("町") and h % 3 == 0) or h % 11 == 0 else 1 + h % 6
        idx = len(TOWN_LIST)
        TOWN_LIST.append((z, pref, city, town, maxc, ac, branch))
        CITY_TOWNS.setdefault(city, []).append(idx)
        pairs.append((idx, w))
    # a city's weight is spread over its towns
    per_city = Counter(TOWN_LIST[i][2] for i, _ in pairs)
    TOWN_PICK = W([(i, w / per_city[TOWN_LIST[i][2]]) for i, w in pairs])


BUILDINGS = ("ハイツ{t} メゾン{t} {t}マンション コーポ{t} {t}ハイム グランドメゾン{t} パークハウス{t} {t}レジデンス "
             "ライオンズマンション{t} {t}コート シティハイツ{t} {t}ヒルズ ベルフォーレ{t} {t}荘 第二{t}荘 "
             "ステラコート エスポワール{t} ロイヤルハイツ{t} アーバンコート{t} ヴィラ{t} サンハイツ{t} "
             "{t}スカイマンション パレス{t} {t}ガーデン フォレスト{t}").split()
BUILDING_WORDS = ["桜", "緑", "若葉", "光", "泉", "松風", "白樺", "椿", "青葉", "翠"]
ROOMS = [101, 102, 103, 105, 201, 202, 203, 205, 301, 302, 303, 305, 401, 402, 501, 502, 603, 705, 803, 1002, 1105]

# ---------------------------------------------------------------------------
# the world
# ---------------------------------------------------------------------------

_used_houses = set()
_used_phones = set()
_used_emails = set()
_buildings = {}       # town index → [(chome, ban, go, name, used rooms)]


# The first digit of the local exchange (市内局番) in use for each area code:
# 011-4xx, 022-4xx (0224 is another area) … are not allocated.
LOCAL = {"011": "2358", "022": "237", "044": "2789", "045": "2589", "047": "34", "048": "8", "052": "78",
         "092": "5678", "06": "46", "03": "3456"}


def new_landline(ac: str) -> str:
    first = LOCAL[ac]
    while True:
        if len(ac) == 2:
            ph = f"{ac}-{CH(first)}{RI(100, 999)}-{RI(0, 9999):04d}"
        else:
            ph = f"{ac}-{CH(first)}{RI(10, 99)}-{RI(0, 9999):04d}"
        if ph not in _used_phones:
            _used_phones.add(ph)
            return ph


_MOB_PRE = W([("090", 50), ("080", 35), ("070", 15)])


def new_mobile() -> str:
    pre = _MOB_PRE()
    while True:
        ph = f"{pre}-{RI(1000, 9999)}-{RI(0, 9999):04d}"
        if ph not in _used_phones:
            _used_phones.add(ph)
            return ph


def new_addr(town=None, apartment_p=0.35):
    """(town index, chome, ban, go, building, room)."""
    if town is None:
        town = TOWN_PICK()
    maxc = TOWN_LIST[town][4]
    if R() < apartment_p:
        blds = _buildings.setdefault(town, [])
        if blds and R() < 0.7:
            b = CH(blds)
        else:
            b = None
        if b is None or len(b[4]) >= len(ROOMS):
            ch, ban, go = free_block(town, maxc)
            name = CH(BUILDINGS).format(t=TOWN_LIST[town][3][:2] if R() < 0.5 else CH(BUILDING_WORDS))
            b = (ch, ban, go, name, set())
            blds.append(b)
        while True:
            room = CH(ROOMS)
            if room not in b[4]:
                b[4].add(room)
                break
        return (town, b[0], b[1], b[2], b[3], room)
    ch, ban, go = free_block(town, maxc)
    return (town, ch, ban, go, None, None)


def free_block(town, maxc):
    """A block number no other house or building has; big towns get bigger numbers."""
    attempt = 0
    while True:
        scale = 1 + attempt // 8
        ch = RI(1, maxc) if maxc else 0
        ban, go = RI(1, 40 * scale), RI(1, 30 * scale)
        key = (town << 24) | (ch << 20) | (ban << 10) | go
        if key not in _used_houses:
            _used_houses.add(key)
            return ch, ban, go
        attempt += 1


def make_email(sei_k: str, mei_k: str, birth: dt.date) -> str:
    s, m = romaji(sei_k, R() < 0.7), romaji(mei_k, R() < 0.6)
    yy = f"{birth.year % 100:02d}"
    for attempt in range(50):
        r = R()
        if r < 0.25:
            local = f"{m}.{s}"
        elif r < 0.38:
            local = f"{s}.{m}"
        elif r < 0.55:
            local = f"{m}{yy}"
        elif r < 0.67:
            local = f"{s}{m}"
        elif r < 0.8:
            local = f"{m}_{s[:1]}{RI(1, 999)}"
        elif r < 0.9:
            local = f"{m}-{s}{yy}"
        else:
            local = f"{s}_{m}{RI(1, 99)}"
        if attempt > 5:
            local += str(RI(100, 99999))
        dom = _DOMAIN()
        e = f"{local}@{dom}"
        if e not in _used_emails:
            _used_emails.add(e)
            return e
    raise RuntimeError("no e-mail")


_DOMAIN = W([("example.jp", 5), ("example.ne.jp", 4), ("example.com", 3), ("example.co.jp", 1), ("example.or.jp", 1)])

# person-level tags (bits)
T_HOUSEHOLD, T_TWIN, T_MARRIED, T_MOVED, T_NEWMOB, T_SAMENAME = 1, 2, 4, 8, 16, 32
PERSON_TAGS = [(T_MARRIED, "married"), (T_MOVED, "moved"), (T_NEWMOB, "new-mobile"), (T_TWIN, "twin"),
               (T_HOUSEHOLD, "household"), (T_SAMENAME, "same-name")]
# record-level tags (bits)
(X_ITAIJI, X_NAMETYPO, X_KANATYPO, X_BIRTHTYPO, X_BIRTHSWAP, X_PHONETYPO, X_ADDRTYPO, X_OLDNAME, X_OLDADDR,
 X_OLDMOB, X_GUARDIAN, X_SECOND) = (1 << i for i in range(12))
NOISE = X_ITAIJI | X_NAMETYPO | X_KANATYPO | X_BIRTHTYPO | X_BIRTHSWAP | X_PHONETYPO | X_ADDRTYPO
RECORD_TAGS = [(X_ITAIJI, "itaiji"), (X_NAMETYPO, "name-typo"), (X_KANATYPO, "kana-typo"),
               (X_BIRTHTYPO, "birth-typo"), (X_BIRTHSWAP, "birth-swap"), (X_PHONETYPO, "phone-typo"),
               (X_ADDRTYPO, "addr-typo"), (X_OLDNAME, "old-name"), (X_OLDADDR, "old-address"),
               (X_OLDMOB, "old-mobile"), (X_GUARDIAN, "guardian-contact"), (X_SECOND, "second-id")]


class Person:
    __slots__ = ("pid", "hid", "sei", "sei_k", "sei_off", "mei", "mei_k", "sex", "birth", "addr", "land", "mob",
                 "email", "tags", "old_sei", "old_sei_k", "old_sei_off", "old_addr", "old_land", "old_mob",
                 "old_email", "married_on", "moved_on", "mob_on", "guardian", "pos_code", "pos_kanji", "stylist")

    def __init__(self, pid, hid, sei, sei_k, sei_off, mei, mei_k, sex, birth, addr, land):
        self.pid, self.hid = pid, hid
        self.sei, self.sei_k, self.sei_off = sei, sei_k, sei_off
        self.mei, self.mei_k, self.sex, self.birth = mei, mei_k, sex, birth
        self.addr, self.land = addr, land
        self.mob = self.email = None
        self.tags = 0
        self.old_sei = self.old_sei_k = self.old_sei_off = None
        self.old_addr = self.old_land = self.old_mob = self.old_email = None
        self.married_on = self.moved_on = self.mob_on = None
        self.guardian = None
        self.pos_code = None
        self.pos_kanji = R() < 0.25
        self.stylist = None

    # the person as of a date, and the record tags that implies
    def name_at(self, d):
        if self.married_on and d < self.married_on:
            return self.old_sei, self.old_sei_k, self.old_sei_off, X_OLDNAME
        return self.sei, self.sei_k, self.sei_off, 0

    def addr_at(self, d):
        if self.moved_on and d < self.moved_on:
            return self.old_addr, self.old_land, X_OLDADDR
        return self.addr, self.land, 0

    def mob_at(self, d):
        if age_at(self.birth, d) < 13:
            return None, 0
        if self.mob_on and d < self.mob_on:
            return self.old_mob, X_OLDMOB
        return self.mob, 0

    def email_at(self, d):
        if age_at(self.birth, d) < 13:
            return None
        if self.old_email and self.married_on and d < self.married_on:
            return self.old_email
        return self.email


def pick_surname(avoid=None):
    while True:
        sei, sei_k = SURNAME_PICK()
        if sei != avoid:
            break
    off = sei
    for var, p in SURNAME_VARIANTS.get(sei, ()):
        if R() < p:
            off = var
            break
    return sei, sei_k, off


# ---------------------------------------------------------------------------
# rendering with noise
# ---------------------------------------------------------------------------

_KANA_VOICED = {"ガ": "カ", "ギ": "キ", "グ": "ク", "ゲ": "ケ", "ゴ": "コ", "ザ": "サ", "ジ": "シ", "ズ": "ス", "ゼ": "セ",
                "ゾ": "ソ", "ダ": "タ", "デ": "テ", "ド": "ト", "バ": "ハ", "ビ": "ヒ", "ブ": "フ", "ベ": "ヘ", "ボ": "ホ"}
_KANA_SMALL = {"ッ": "ツ", "ャ": "ヤ", "ュ": "ユ", "ョ": "ヨ"}


def kana_typo(k: str) -> str | None:
    """One realistic misreading of a reading, or None."""
    opts = []
    for i, c in enumerate(k):
        if i > 0 and c in _KANA_VOICED:
            opts.append(k[:i] + _KANA_VOICED[c] + k[i + 1:])
        if c in _KANA_SMALL:
            opts.append(k[:i] + _KANA_SMALL[c] + k[i + 1:])
        if c == "ウ" and i > 0 and k[i - 1] in "オコソトノホモヨロゴゾドボポョュウクスツヌフムユルグズブプ":
            opts.append(k[:i] + "ー" + k[i + 1:])
        if c == "オ" and i > 0 and k[i - 1] in "オコソトノホモヨロゴゾドボポ":
            opts.append(k[:i] + "ー" + k[i + 1:])
    return CH(opts) if opts else None


def name_typo(s: str) -> str | None:
    opts = [s.replace(a, b, 1) for a, b in NAME_TYPOS if a in s]
    return CH(opts) if opts else None


def written_name(p: Person, d, src: str, cp932: bool = True):
    """(surname, given name, reading surname, tags) as written in a source at date d."""
    sei, sei_k, off, tags = p.name_at(d)
    w = sei
    if off != sei:
        share = {"L": 0.6, "C": 0.5, "P": 0.35, "W": 0.55}[src]
        if R() < share:
            w = off
            if cp932 and w in NOT_CP932:
                w = NOT_CP932[w]
            if w != sei:
                tags |= X_ITAIJI
    mei = p.mei
    if R() < 0.025:
        if R() < 0.5:
            t = name_typo(w)
            if t:
                w, tags = t, tags | X_NAMETYPO
        else:
            t = name_typo(mei)
            if t:
                mei, tags = t, tags | X_NAMETYPO
    return w, mei, sei_k, tags


def reading(sei_k: str, mei_k: str, style: str, tags: int):
    if R() < 0.03:
        if R() < 0.6:
            t = kana_typo(sei_k)
            if t:
                sei_k, tags = t, tags | X_KANATYPO
        else:
            t = kana_typo(mei_k)
            if t:
                mei_k, tags = t, tags | X_KANATYPO
    if style == "kata":
        return f"{sei_k}\u3000{mei_k}", tags
    if style == "kata_a":
        return f"{sei_k} {mei_k}", tags
    if style == "kata_n":
        return sei_k + mei_k, tags
    if style == "han":
        return hankaku(f"{sei_k} {mei_k}"), tags
    if style == "han_n":
        return hankaku(sei_k + mei_k), tags
    if style == "hira":
        return hira(f"{sei_k}\u3000{mei_k}"), tags
    if style == "hira_a":
        return hira(f"{sei_k} {mei_k}"), tags
    return hira(sei_k + mei_k), tags


def birth_noisy(b: dt.date, tags: int):
    r = R()
    if r < 0.02:
        # one digit wrong: the last digit of the day, the month or the year
        for _ in range(5):
            which = RI(0, 2)
            try:
                if which == 0:
                    nb = b.replace(day=(b.day // 10) * 10 + RI(0, 9))
                elif which == 1:
                    nb = b.replace(year=(b.year // 10) * 10 + RI(0, 9))
                else:
                    nb = b.replace(month=RI(1, 9) if b.month < 10 else RI(10, 12))
            except ValueError:
                continue
            if nb != b and nb.year <= 2022:
                return nb, tags | X_BIRTHTYPO
    elif r < 0.035 and b.day <= 12 and b.day != b.month:
        return b.replace(month=b.day, day=b.month), tags | X_BIRTHSWAP
    return b, tags


def phone_noisy(ph: str, tags: int):
    if R() < 0.01:
        digs = list(ph)
        idx = [i for i, c in enumerate(digs) if c.isdigit()][-6:]
        j = RI(0, len(idx) - 2)
        a, b = idx[j], idx[j + 1]
        if digs[a] != digs[b]:
            digs[a], digs[b] = digs[b], digs[a]
            return "".join(digs), tags | X_PHONETYPO
    return ph, tags


def phone_text(ph: str, style: str) -> str:
    a, b, c = ph.split("-")
    if style == "hyphen":
        return ph
    if style == "digits":
        return a + b + c
    if style == "nozero":
        return (a + b + c)[1:]
    if style == "paren":
        return f"{a}({b}){c}"
    if style == "fw":
        return zen(ph)
    if style == "intl":
        return f"+81 {a[1:]}-{b}-{c}"
    if style == "choon":
        return ph.replace("-", "ー")
    if style == "space":
        return f"{a} {b} {c}"
    return zen(f"{a}({b}){c}")


def block_text(ch, ban, go, style):
    if ch == 0:
        if style in ("hyphen", "chome"):
            return f"{ban}-{go}"
        if style == "fw":
            return zen(f"{ban}-{go}")
        if style in ("kanji", "banchi"):
            return f"{ban}番地{go}"
        return f"{kanji_num(ban)}番地{kanji_num(go)}"
    if style == "hyphen":
        return f"{ch}-{ban}-{go}"
    if style == "fw":
        return zen(f"{ch}-{ban}-{go}")
    if style == "chome":
        return f"{ch}丁目{ban}-{go}"
    if style == "kanji":
        return f"{kanji_num(ch)}丁目{ban}番{go}号"
    if style == "banchi":
        return f"{ch}丁目{ban}番地{go}"
    return f"{kanji_num(ch)}丁目{kanji_num(ban)}番{kanji_num(go)}号"


_BLOCK = W([("hyphen", 8), ("chome", 4), ("kanji", 3), ("fw", 3), ("banchi", 1), ("kanji_all", 1)])
_BLDG = W([("space", 5), ("tight", 3), ("num", 2), ("zspace", 1), ("hyphen", 1)])


def addr_text(a, tags: int, prefix: str, bldg_style=None, block=None):
    """The address as written; prefix: 'pref' (都道府県+市区), 'city', 'town'."""
    town, ch, ban, go, bname, room = a
    z, pref, city, tname, _, _, _ = TOWN_LIST[town]
    if R() < 0.01:
        go2 = go + CH((-1, 1, 10)) if go > 1 else go + 1
        go, tags = go2, tags | X_ADDRTYPO
    s = (pref + city if prefix == "pref" else city if prefix == "city" else "") + tname
    s += block_text(ch, ban, go, block or _BLOCK())
    if bname:
        st = bldg_style or _BLDG()
        if st == "hyphen" and not s[-1].isdigit():
            st = "space"
        if st == "space":
            s += f" {bname}{room}号室"
        elif st == "zspace":
            s += f"\u3000{bname}\u3000{room}"
        elif st == "tight":
            s += f"{bname}{room}号室"
        elif st == "num":
            s += f" {bname} {room}"
        elif st == "hyphen":
            s += f"-{room}"
    return s, tags


def addr_prefix(a) -> str:
    pref = TOWN_LIST[a[0]][1]
    r = R()
    if pref != "東京都" and r < 0.5:
        return "pref"
    if r < 0.3:
        return "pref"
    return "city" if r < 0.95 else "town"


# ---------------------------------------------------------------------------
# products
# ---------------------------------------------------------------------------

PRODUCTS = [("C001", "カット①", 4000, 12), ("C002", "カット②", 5000, 3), ("C010", "キッズカット", 2000, 0),
            ("CL01", "カラー", 6000, 6), ("CL02", "白髪染め", 5000, 3), ("PM01", "パーマ", 8000, 2),
            ("PM02", "縮毛矯正", 15000, 1), ("TR01", "トリートメント", 3000, 3), ("HS01", "ヘッドスパ", 4000, 1),
            ("RT01", "シャンプー(㈱ミルボン)", 2800, 1), ("RT02", "トリートメント(㈱ミルボン)", 3200, 1),
            ("RT03", "スタイリング剤", 2000, 1)]
_PROD_F = W([(p, p[3]) for p in PRODUCTS if p[3]])
_PROD_M = W([(p, w) for p, w in zip(PRODUCTS, (14, 3, 0, 1, 1, 0, 0, 0, 2, 0, 0, 1)) if w])
STAFF = ["佐藤", "鈴木", "田村", "小池", "森下", "中川", "石井", "松本", "青山", "大西", "岡", "村井"]


def tax_price(base: int, d: dt.date) -> int:
    rate = 5 if d < D(2014, 4, 1) else 8 if d < D(2019, 10, 1) else 10
    return base * (100 + rate) // 100


def product(p: Person, d):
    if age_at(p.birth, d) < 13:
        return PRODUCTS[2]
    return _PROD_F() if p.sex == "F" else _PROD_M()


# ---------------------------------------------------------------------------
# the four sources
# ---------------------------------------------------------------------------

LEDGER_HEADER = ["顧客No", "店舗", "氏名", "フリガナ", "性別", "生年月日", "電話番号", "携帯", "〒", "住所", "メール", "初回来店", "備考"]
POS_HEADER = ["伝票番号", "売上日", "店舗", "顧客コード", "顧客名", "電話番号", "商品コード", "商品名", "数量", "単価", "金額", "担当者"]
WEB_HEADER = ["予約番号", "予約日時", "来店日", "店舗", "お名前", "ふりがな", "電話番号", "メールアドレス", "生年月日", "メニュー", "料金", "ご要望"]

LEDGER_MEMOS = ["カラーアレルギーあり（パッチテスト必須）", "指名：鈴木", "くせ毛。縮毛矯正希望", "頭皮が弱い", "DM不要", "ジアミン不可",
                "前髪短めNG", "駐車場利用", "ポイントカード再発行済", "敏感肌", "白髪ぼかし希望", "お子様連れ", "指名：田村",
                "仕事柄明るい色NG", "旧カードあり", "電話は夕方以降", "ヘッドスパ好評\n次回も希望"]
WEB_MENUS = W([(("カット", ("C001",)), 10), (("カット＋カラー", ("C001", "CL01")), 6), (("カラー", ("CL01",)), 3),
               (("カット＋パーマ", ("C001", "PM01")), 2), (("縮毛矯正", ("PM02",)), 1),
               (("カット＋トリートメント", ("C001", "TR01")), 3), (("ヘッドスパ", ("HS01",)), 1),
               (("白髪染め", ("CL02",)), 2), (("カット（トップスタイリスト）", ("C002",)), 2)])
PRICE = {p[0]: p[2] for p in PRODUCTS}
REQUESTS = W([("", 40), ("10時〜12時希望", 3), ("14時〜16時の間でお願いします", 2), ("前回と同じ感じで", 3),
              ("担当は鈴木さん希望", 2), ("初めてです。よろしくお願いします", 2), ("肩くらいまで切りたいです", 1),
              ("カット、カラー希望。時間は14時～", 1), ("駐車場ありますか？", 1),
              ("前髪は短めで\nえり足はすっきりさせたいです", 2), ('インスタの"ゆるふわボブ"にしたいです, 写真持参します', 1),
              ("白髪が気になってきました\n明るめの白髪ぼかし希望\n時間は夕方〜でお願いします", 1)])
CARD_MEMOS = [("カラーは6レベルで", None), ("くせ毛強い", "  雨の日は広がりやすい"), ("次回：パーマ希望", None),
              ("おしゃべり好き", None), ("頭皮かゆみあり", "\u3000\u3000シャンプー注意"), ("ジアミンかぶれ歴あり", "  ヘナで対応"),
              ("前髪は眉上NG", None), ("耳の後ろにほくろ", None), ("白髪染め 5/0", "    2剤 6%")]

_NAME_SEP = W([("\u3000", 6), (" ", 3), ("", 2)])


class Corpus:
    def __init__(self):
        # per source: parallel lists (sort key, payload, pid, record tags)
        self.src = {s: ([], [], array("i"), array("I")) for s in "LPWC"}

    def add(self, s, key, payload, pid, tags):
        """Keeps a record, encoded the way its file is (bytes take half the memory of str)."""
        k, pl, pi, tg = self.src[s]
        k.append(key)
        pl.append(payload.encode("utf-8") if s == "W" else enc_cp932(payload))
        pi.append(pid)
        tg.append(tags)


def ledger_record(c: Corpus, p: Person, reg: dt.date, asof: dt.date, tags: int, note=None):
    sei, mei, sei_k, tags = written_name(p, asof, "L")
    name = sei + _NAME_SEP() + mei
    r = R()
    if r < 0.05:
        name += "様" if R() < 0.5 else " 様"
    elif r < 0.08:
        name = " " + name + " "
    if tags & X_OLDNAME == 0 and p.old_sei and note is None and R() < 0.5:
        if R() < 0.4:
            name += f"(旧姓:{p.old_sei})"
        else:
            note = f"旧姓 {p.old_sei}"
    r = R()
    ks = "kata" if r < 0.55 else "kata_a" if r < 0.7 else "han" if r < 0.85 else "hira" if r < 0.95 else "none"
    kana = ""
    if ks != "none":
        kana, tags = reading(sei_k, p.mei_k, ks, tags)
    r = R()
    if p.sex == "F":
        sex = "女" if r < 0.7 else "F" if r < 0.8 else "女性" if r < 0.88 else ""
    else:
        sex = "男" if r < 0.65 else "男性" if r < 0.8 else "M" if r < 0.88 else ""
    b, tags = birth_noisy(p.birth, tags)
    r = R()
    if r < 0.6:
        birth = slash(b)
    elif r < 0.66:
        birth = slash0(b)
    elif r < 0.78:
        birth = era(b, "kanji" if R() < 0.5 else "abbr")
    elif r < 0.8:
        birth = era(b, "kanji_fw")
    elif r < 0.83:
        birth = "不明"
    else:
        birth = ""
    a, land, t2 = p.addr_at(asof)
    tags |= t2
    mob, t3 = p.mob_at(asof)
    tags |= t3
    if mob is None and p.guardian is not None and R() < 0.6:
        mob, _ = p.guardian.mob_at(asof)
        if mob:
            tags |= X_GUARDIAN
    land_v = mob_v = ""
    if land:
        ph, tags = phone_noisy(land, tags)
        r = R()
        land_v = phone_text(ph, "hyphen" if r < 0.55 else "paren" if r < 0.68 else "fw" if r < 0.75
                            else "digits" if r < 0.85 else "nozero")
    if mob:
        ph, tags = phone_noisy(mob, tags)
        r = R()
        mob_v = phone_text(ph, "hyphen" if r < 0.6 else "digits" if r < 0.75 else "nozero" if r < 0.85
                           else "fw" if r < 0.9 else "choon" if r < 0.95 else "space")
        if not land_v and R() < 0.15:
            land_v, mob_v = mob_v, ""          # the mobile typed into 電話番号
    z = TOWN_LIST[a[0]][0]
    r = R()
    if z[0] == "0" and r < 0.5:
        zip_v = (z[:3] + z[4:]).lstrip("0")    # a number in Excel: 060-0041 → 600041
    elif r < 0.35:
        zip_v = z
    elif r < 0.6:
        zip_v = "〒" + z
    elif r < 0.8:
        zip_v = z[:3] + z[4:]
    elif r < 0.85:
        zip_v = zen(z)
    else:
        zip_v = ""
    addr, tags = addr_text(a, tags, addr_prefix(a))
    email = p.email_at(asof)
    if email:
        r = R()
        if r < 0.04:
            email = zen(email)
        elif r < 0.35:
            email = ""
    else:
        email = ""
    if note is None and R() < 0.25:
        note = CH(LEDGER_MEMOS)
    branch = TOWN_LIST[a[0]][6]
    row = ["", branch, name, kana, sex, birth, land_v, mob_v, zip_v, addr, email, slash(reg), note or ""]
    payload = csv_line(row)           # the leading empty field is the 顧客No, filled in at write time
    c.add("L", (reg.toordinal() << 28) | p.pid, payload, p.pid, tags)


def pos_record(c: Corpus, p: Person, d: dt.date, code, tags: int):
    walk = code is None
    kanji = p.pos_kanji if not walk else R() < 0.3
    if kanji:
        sei, mei, sei_k, tags = written_name(p, d, "P")
        name = sei + ("\u3000" if not walk else _NAME_SEP()) + mei
    else:
        sei, sei_k, _, t0 = p.name_at(d)
        tags |= t0
        name, tags = reading(sei_k, p.mei_k, "han" if not walk or R() < 0.85 else "han_n", tags)
    ph, t3 = p.mob_at(d)
    tags |= t3
    if ph is None:
        a, land, t2 = p.addr_at(d)
        g = p.guardian.mob_at(d)[0] if p.guardian is not None else None
        if g and R() < 0.6:
            ph, tags = g, tags | X_GUARDIAN
        else:
            ph = land
            if land:
                tags |= t2
    if walk and R() < 0.15 and name:
        ph = None
    ph_v = ""
    if ph:
        ph, tags = phone_noisy(ph, tags)
        ph_v = phone_text(ph, "digits" if not walk or R() < 0.6 else "hyphen")
    if not ph_v and not name:
        name = hankaku(p.sei_k + " " + p.mei_k)
    code_v = code or ""
    if code_v and R() < 0.004:
        code_v = CH([code_v.lower(), " " + code_v, code_v + " "])
    prod = product(p, d)
    qty = 2 if prod[0].startswith("RT") and R() < 0.2 else 1
    unit = tax_price(prod[2], d)
    staff = p.stylist if R() < 0.8 else CH(STAFF)
    branch = TOWN_LIST[p.addr_at(d)[0][0]][6]
    minute = RI(600, 1140)
    row = [slash0(d), branch, code_v, name, ph_v, prod[0], prod[1], str(qty), str(unit), str(qty * unit), staff]
    c.add("P", (d.toordinal() << 40) | (minute << 28) | p.pid, csv_line(row), p.pid, tags)


def web_record(c: Corpus, p: Person, d: dt.date, tags: int):
    by_guardian = age_at(p.birth, d) < 13 and p.guardian is not None
    sei, mei, sei_k, tags = written_name(p, d, "W", cp932=False)
    r = R()
    if r < 0.008:
        name = hira(sei_k + " " + p.mei_k)              # typed the name in kana
    else:
        name = sei + ("\u3000" if r < 0.7 else " " if r < 0.9 else "") + mei
    r = R()
    furi, tags = reading(sei_k, p.mei_k, "hira" if r < 0.6 else "hira_a" if r < 0.75 else "kata" if r < 0.9
                         else "hira_n", tags)
    if by_guardian:
        g = p.guardian
        ph, _ = g.mob_at(d)
        if g.email is None and ph:
            g.email = make_email(g.sei_k, g.mei_k, g.birth)
        mail = g.email_at(d)
        tags |= X_GUARDIAN
        req = CH(["子供のカットです", "子供です。母が付き添います", "キッズカット希望\n動いてしまうかもしれません", ""])
        menu = ("キッズカット", ("C010",))
    else:
        ph, t3 = p.mob_at(d)
        tags |= t3
        if ph is None:
            a, land, t2 = p.addr_at(d)
            ph = land
            if land:
                tags |= t2
        mail = p.email_at(d)
        if mail is None:
            mail = p.email = make_email(p.sei_k, p.mei_k, p.birth)
        req = REQUESTS()
        menu = WEB_MENUS()
        if p.sex == "M" and "カラー" in menu[0] and R() < 0.7:
            menu = ("カット", ("C001",))
    ph_v = ""
    if ph:
        ph, tags = phone_noisy(ph, tags)
        r = R()
        ph_v = phone_text(ph, "hyphen" if r < 0.6 else "digits" if r < 0.88 else "intl" if r < 0.94 else "fw")
    mail = mail or ""
    if mail and R() < 0.04:
        mail = mail[0].upper() + mail[1:]
    birth = ""
    if not by_guardian and R() < 0.45:
        b, tags = birth_noisy(p.birth, tags)
        birth = slash0(b) if R() < 0.7 else b.isoformat()
    price = sum(tax_price(PRICE[x], d) for x in menu[1])
    fee = f"¥{price:,}" if R() < 0.6 else f"{price}円"
    booked = d - dt.timedelta(days=RI(0, 21))
    if booked > WEB_EXPORT:
        booked = WEB_EXPORT - dt.timedelta(days=RI(0, 5))
    minute = RI(7 * 60, 23 * 60 + 59)
    branch = TOWN_LIST[p.addr_at(d)[0][0]][6]
    row = [f"{booked.year}/{booked.month:02d}/{booked.day:02d} {minute // 60:02d}:{minute % 60:02d}", slash0(d), branch,
           name, furi, ph_v, mail, birth, menu[0], fee, req]
    c.add("W", (booked.toordinal() << 40) | (minute << 28) | p.pid, csv_line(row), p.pid, tags)


def card_record(c: Corpus, p: Person, d: dt.date, tags: int, visits):
    lines = []

    def kv(k, v):
        lines.append(f"{k}{':' if R() < 0.06 else '：'}{v}")

    if R() < 0.9:
        lines.append("\x00")                               # カルテNo, numbered at write time
    if R() < 0.5:
        kv("店舗", TOWN_LIST[p.addr_at(d)[0][0]][6])
    sei, mei, sei_k, tags = written_name(p, d, "C")
    nm = sei + CH(["\u3000", "\u3000", " ", ""]) + mei
    if R() < 0.5:
        nm += CH(["\u3000様", " 様", "様", "様"])
    kv("氏名", nm)
    r = R()
    furi, tags = reading(sei_k, p.mei_k, "han" if r < 0.4 else "kata" if r < 0.75 else "hira" if r < 0.92 else "han_n",
                         tags)
    kv("フリガナ", furi)
    if R() < 0.88:
        b, tags = birth_noisy(p.birth, tags)
        r = R()
        kv("生年月日", f"{b.year}.{b.month}.{b.day}" if r < 0.2 else era(b, "abbr" if r < 0.6 else "kanji" if r < 0.9
                                                                    else "abbr0"))
    elif R() < 0.5:
        kv("生年月日", "不明")
    kv("性別", ("女" if R() < 0.85 else "女性") if p.sex == "F" else ("男" if R() < 0.85 else "男性"))
    a, land, t2 = p.addr_at(d)
    tags |= t2
    z = TOWN_LIST[a[0]][0]
    r = R()
    zip_part = "〒" + z + " " if r < 0.55 else z + " " if r < 0.7 else ""
    at, tags = addr_text(a, tags, addr_prefix(a) if zip_part else "city" if R() < 0.6 else "pref", bldg_style="none")
    kv("住所", zip_part + at)
    if a[4]:
        lines.append(CH(["\u3000\u3000\u3000", "      ", "  "]) + f"{a[4]}{a[5]}号室")
    mob, t3 = p.mob_at(d)
    tags |= t3
    if land:
        ph, tags = phone_noisy(land, tags)
        r = R()
        kv("電話", phone_text(ph, "hyphen" if r < 0.65 else "paren" if r < 0.9 else "fw"))
    if mob is None and p.guardian is not None and not land:
        mob, _ = p.guardian.mob_at(d)          # a child's card: the parent's mobile
        if mob:
            tags |= X_GUARDIAN
    if mob:
        ph, tags = phone_noisy(mob, tags)
        r = R()
        kv("携帯", phone_text(ph, "hyphen" if r < 0.7 else "digits" if r < 0.85 else "fw"))
    memo = CH(CARD_MEMOS) if R() < 0.5 else None
    memo_first = memo is not None and R() < 0.3
    if memo_first:
        kv("メモ", memo[0])
        if memo[1]:
            lines.append(memo[1])
    for v in visits:
        prod = product(p, v)
        if prod[0].startswith("RT"):
            prod = PRODUCTS[0]
        label = prod[1].replace("①", "").replace("②", "")
        ds = f"{v.year}.{v.month}.{v.day}" if R() < 0.8 else era(v, "abbr")
        staff = p.stylist if R() < 0.85 else CH(STAFF)
        kv("来店履歴", f"{ds} {label} ￥{tax_price(prod[2], v):,} 担当:{staff}")
    if memo and not memo_first:
        kv("メモ", memo[0])
        if memo[1]:
            lines.append(memo[1])
    for k in range(CH((0, 1, 1, 1, 1, 2))):
        kv("画像", f"scan_\x01_{k + 1}.jpg")
    c.add("C", (d.toordinal() << 28) | p.pid, "\r\n".join(lines), p.pid, tags)


# ---------------------------------------------------------------------------
# people, households and their records
# ---------------------------------------------------------------------------

# Which sources a customer turns up in, by age group: (sources, weight).
PATTERNS_ADULT = W([("L", 36), ("P", 23), ("W", 17), ("C", 6), ("LP", 6), ("LW", 3), ("LC", 2), ("PW", 3),
                    ("LPW", 1.5), ("LCP", 1), ("CP", 1), ("CW", 0.3), ("LCPW", 0.2)])
PATTERNS_OLD = W([("L", 36), ("P", 20), ("W", 2), ("C", 14), ("LP", 8), ("LC", 5), ("LCP", 2), ("CP", 2),
                  ("PW", 0.5), ("LPW", 0.5)])
PATTERNS_KID = W([("P", 50), ("W", 25), ("PW", 8), ("LP", 7), ("L", 10)])
N_POS = W([(1, 72), (2, 17), (3, 6.5), (4, 2.5), (5, 1), (6, 0.5), (8, 0.5)])
N_WEB = W([(1, 78), (2, 15), (3, 5), (4, 2)])
N_VISITS = W([(1, 3), (2, 3), (3, 2), (4, 1), (5, 1)])
HTYPE = W([("single", 80), ("couple", 8), ("parent_kid", 6), ("family", 4.5), ("mother_kids", 1.5), ("three_gen", 1)])


class World:
    def __init__(self, n_people):
        self.n = n_people
        self.next_pid = 1
        self.next_hid = 1
        self.corpus = Corpus()
        self.hid_of = array("i", [0])
        self.ptags = array("B", [0])
        self.name_id = array("i", [0])
        self.names = {}          # (folded surname, given name) → id
        self.name_hh = []        # id → household id, or -1 when shared by several households
        self.pos_next = 1

    # -- households --------------------------------------------------------
    def household(self):
        hid = self.next_hid
        self.next_hid += 1
        ht = HTYPE()
        sei, sei_k, off = pick_surname()
        if R() < 0.003:
            s = CH(SAME_NAMES)
            sei, sei_k, off = s[0], s[1], s[0]
        town = TOWN_PICK()
        addr = new_addr(town, apartment_p=0.45 if ht in ("single", "couple") else 0.3)
        ac = TOWN_LIST[town][5]
        members = []   # (sex, birth, role)
        if ht == "single":
            by = RI(1938, 2004)
            members.append(("F" if R() < 0.72 else "M", by, "self"))
        elif ht == "couple":
            by = RI(1940, 1998)
            members += [("M", by - RI(0, 5), "husband"), ("F", by, "wife")]
        elif ht in ("parent_kid", "family", "mother_kids"):
            py = RI(1955, 1994)
            nk = 1 if ht == "parent_kid" else RI(1, 3) if ht == "family" else RI(2, 3)
            if ht == "family":
                members.append(("M", py - RI(0, 4), "father"))
            members.append(("F" if ht != "parent_kid" or R() < 0.8 else "M", py, "mother"))
            y = py + RI(24, 34)
            twin = nk >= 2 and R() < 0.06
            for i in range(nk):
                members.append(("F" if R() < 0.6 else "M", min(2021, y), "twin" if twin and i == 1 else "kid"))
                if not (twin and i == 0):
                    y += RI(2, 5)
        else:  # three generations
            gy = RI(1935, 1955)
            py = gy + RI(24, 34)
            members += [("F", gy, "grandmother"), ("F", py, "mother")]
            y = py + RI(24, 34)
            for _ in range(RI(1, 2)):
                members.append(("F" if R() < 0.6 else "M", min(2021, y), "kid"))
                y += RI(2, 5)
        multi = len(members) > 1
        land = None
        oldest = min(m[1] for m in members)
        if R() < (0.75 if oldest < 1960 else 0.45 if multi else 0.2) or any(m[2] == "twin" for m in members):
            land = new_landline(ac)
        people = []
        births = []
        givens = set()
        twins_born = None
        for i, (sex, by, role) in enumerate(members):
            if self.next_pid > self.n:
                break
            if role == "twin" and births:
                birth = births[-1]                     # born the same day as the sibling before
                twins_born = birth
            else:
                m = RI(1, 12)
                birth = D(by, m, RI(1, (D(by + (m == 12), m % 12 + 1, 1) - D(by, m, 1)).days))
            births.append(birth)
            while True:
                mei, mei_k = pick_given(sex, birth.year)
                if mei not in givens and mei_k not in givens:
                    break
            givens.update((mei, mei_k))
            psei, psei_k, poff = sei, sei_k, off
            if role == "self" and R() < 0.003:
                s = CH(SAME_NAMES)
                psei, psei_k, poff, mei, mei_k = s[0], s[1], s[0], s[2], s[3]
                if s[4] != sex:
                    sex = s[4]
            p = Person(self.next_pid, hid, psei, psei_k, poff, mei, mei_k, sex, birth, addr, land)
            self.next_pid += 1
            if multi:
                p.tags |= T_HOUSEHOLD
            if age_at(birth, TODAY) >= 13 and not (by < 1950 and land and R() < 0.45):
                p.mob = new_mobile()
            if p.mob and R() < 0.55:
                p.email = make_email(p.sei_k, p.mei_k, p.birth)
            p.stylist = CH(STAFF)
            people.append(p)
        if twins_born:
            for p in people:
                if p.birth == twins_born and sum(1 for q in people if q.birth == twins_born) == 2:
                    p.tags |= T_TWIN
        parents = [p for p, m in zip(people, members) if m[2] in ("mother", "father")]
        parents.sort(key=lambda p: p.sex != "F")
        if parents:
            for p, m in zip(people, members):
                if m[2] in ("kid", "twin"):
                    p.guardian = parents[0]
        return people

    # -- one person's records ----------------------------------------------
    def records(self, p: Person, hh_size: int):
        c = self.corpus
        age = age_at(p.birth, TODAY)
        pat = PATTERNS_KID() if age < 16 else PATTERNS_OLD() if p.birth.year < 1955 else PATTERNS_ADULT()
        lo3 = years_after(p.birth, 3)
        card_dates = []
        if "C" in pat and lo3 < CARD_HI:
            n = 2 if R() < 0.02 else 1
            for _ in range(n):
                card_dates.append(rdate(max(CARD_LO, lo3), CARD_HI))
            card_dates.sort()
        ledger = []
        if "L" in pat:
            reg = card_dates[0] if card_dates and R() < 0.7 else \
                rdate(max(LEDGER_LO, years_after(p.birth, 2)), LEDGER_HI)
            asof = reg if R() < 0.55 else TODAY
            ledger.append((reg, asof, 0))
            if R() < 0.02:
                reg2 = rdate(reg, LEDGER_HI)
                ledger.append((reg2, TODAY if R() < 0.5 else reg2, X_SECOND))
        pos_dates = []
        if "P" in pat:
            n = N_POS()
            lo = max(POS_LO, years_after(p.birth, 2))
            pos_dates = sorted(rdate(lo, POS_HI) for _ in range(n))
        web_dates = []
        if "W" in pat:
            n = N_WEB()
            lo = max(WEB_LO, years_after(p.birth, 2))
            web_dates = sorted(rdate(lo, WEB_HI) for _ in range(n))
        if not (card_dates or ledger or pos_dates or web_dates):
            pos_dates = [rdate(max(POS_LO, years_after(p.birth, 2)), POS_HI)]
        # the person's story: an event between two of their records
        dates = sorted(set(card_dates + [a for _, a, _ in ledger] + pos_dates + web_dates))
        if len(dates) >= 2:
            self.story(p, dates, hh_size)
        # POS customer codes: one per person, a second one after a lost card
        code_change = None
        if pos_dates:
            p.pos_code = f"M{self.pos_next:07d}"
            self.pos_next += RI(1, 3)
            if len(pos_dates) >= 2 and R() < 0.04:
                code_change = pos_dates[RI(1, len(pos_dates) - 1)]
        for reg, asof, t in ledger:
            ledger_record(c, p, reg, asof, t)
        second_code = None
        for d in pos_dates:
            code, t = p.pos_code, 0
            if code_change and d >= code_change:
                if second_code is None:
                    second_code = f"M{self.pos_next:07d}"
                    self.pos_next += 1
                code, t = second_code, X_SECOND
            if R() < 0.06:
                code = None
            pos_record(c, p, d, code, t)
        for d in web_dates:
            web_record(c, p, d, 0)
        for i, d in enumerate(card_dates):
            hi = min(CARD_HI, years_after(d, 6))
            visits = sorted([d] + [rdate(d, hi) for _ in range(N_VISITS() - 1)])
            card_record(c, p, d, X_SECOND if i else 0, visits)

    def story(self, p: Person, dates, hh_size):
        gaps = [(a, b) for a, b in zip(dates, dates[1:]) if (b - a).days >= 2]
        if not gaps:
            return
        a, b = CH(gaps)
        when = D.fromordinal(RI(a.toordinal() + 1, b.toordinal()))
        age = age_at(p.birth, when)
        r = R()
        if p.sex == "F" and 20 <= age <= 42 and (hh_size == 1 or age_at(p.birth, TODAY) < 40 and p.guardian) \
                and not p.tags & T_TWIN and r < 0.3:
            # married: new surname from the date on; the old one is the maiden name
            new_sei, new_sei_k, new_off = pick_surname(avoid=p.sei)
            p.old_sei, p.old_sei_k, p.old_sei_off = p.sei, p.sei_k, p.sei_off
            p.sei, p.sei_k, p.sei_off = new_sei, new_sei_k, new_off
            p.married_on = when
            p.tags |= T_MARRIED
            if p.email and R() < 0.4:
                p.old_email = p.email
                p.email = make_email(new_sei_k, p.mei_k, p.birth)
            if R() < 0.8 or p.guardian:
                self.move(p, when)
            return
        if hh_size == 1 and r < 0.22:
            self.move(p, when)
            return
        if p.mob and age >= 16 and r > 0.95:
            p.old_mob = p.mob
            p.mob = new_mobile()
            p.mob_on = when
            p.tags |= T_NEWMOB

    def move(self, p: Person, when):
        old_town = p.addr[0]
        if R() < 0.5:
            town = CH(CITY_TOWNS[TOWN_LIST[old_town][2]])
        else:
            town = None
        p.old_addr, p.old_land = p.addr, p.land
        p.addr = new_addr(town, apartment_p=0.5)
        p.land = new_landline(TOWN_LIST[p.addr[0]][5]) if (p.land and p.tags & T_MARRIED == 0 and R() < 0.7) \
            else (new_landline(TOWN_LIST[p.addr[0]][5]) if R() < 0.1 else None)
        p.moved_on = when
        p.tags |= T_MOVED

    def run(self):
        while self.next_pid <= self.n:
            people = self.household()
            for p in people:
                self.records(p, len(people))
                self.register(p)

    def register(self, p: Person):
        self.hid_of.append(p.hid)
        self.ptags.append(p.tags)
        key = (fold_surname(p.sei), p.mei)
        nid = self.names.get(key)
        if nid is None:
            nid = self.names[key] = len(self.name_hh)
            self.name_hh.append(p.hid)
        elif self.name_hh[nid] != p.hid:
            self.name_hh[nid] = -1
        self.name_id.append(nid)


_FOLD = str.maketrans({"髙": "高", "﨑": "崎", "邊": "辺", "邉": "辺", "齋": "斎", "澤": "沢", "濱": "浜", "廣": "広",
                       "櫻": "桜", "嶋": "島", "冨": "富", "桒": "桑", "德": "徳", "栁": "柳"})


def fold_surname(s: str) -> str:
    return s.replace("𠮷", "吉").translate(_FOLD)


# ---------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------


def kind_text(ptags: int, rtags: int) -> str:
    out = [name for bit, name in PERSON_TAGS if ptags & bit] or ["plain"]
    if rtags & NOISE:
        out.append("dup-noise")
    out += [name for bit, name in RECORD_TAGS if rtags & bit]
    return ";".join(out)


class Out:
    """A file written in chunks, and the physical line the next record starts on."""

    def __init__(self, path: Path, head: bytes, head_lines: int):
        self.f = open(path, "wb")
        self.buf = [head]
        self.line = head_lines + 1

    def put(self, data: bytes):
        self.buf.append(data)
        self.line += 1 + data.count(b"\n")
        if len(self.buf) >= 8192:
            self.f.write(b"\r\n".join(self.buf) + b"\r\n")
            self.buf = []

    def close(self, tail: bytes = b""):
        if tail:
            self.buf.append(tail)
        if self.buf:
            self.f.write(b"\r\n".join(self.buf) + b"\r\n")
        self.f.close()


def write_all(world: World, out: Path):
    c = world.corpus
    counts = {}
    hid_of, ptags, name_id, name_hh = world.hid_of, world.ptags, world.name_id, world.name_hh
    for pid in range(1, len(ptags)):
        if name_hh[name_id[pid]] == -1:
            ptags[pid] |= T_SAMENAME
    kind_cache = {}
    truth = open(out / "truth.csv", "w", encoding="utf-8", newline="\n")
    truth.write("source_file,sheet,row,person_id,household_id,kind\n")
    tbuf = []

    def truth_row(fname, line, pid, tags):
        pt = ptags[pid]
        k = kind_cache.get((pt, tags))
        if k is None:
            k = kind_cache[(pt, tags)] = kind_text(pt, tags)
        tbuf.append(f"{fname},,{line},P{pid:07d},H{hid_of[pid]:07d},{k}\n")
        if len(tbuf) >= 8192:
            truth.write("".join(tbuf))
            tbuf.clear()

    def take(s):
        keys, pl, pids, tags = c.src[s]
        c.src[s] = None
        idx = sorted(range(len(keys)), key=keys.__getitem__)
        return keys, pl, pids, tags, idx

    # 1. ledger: title lines, the header on line 4, a blank row halfway, a footer
    keys, pl, pids, tags, idx = take("L")
    name = "corpus_ledger.csv"
    commas = "," * (len(LEDGER_HEADER) - 1)
    head = "\r\n".join(["ヘアサロン椿 顧客台帳（全店）" + commas, "出力日：2024/10/01" + commas, "", ",".join(LEDGER_HEADER)])
    f = Out(out / name, enc_cp932(head), 4)
    blank_at = len(idx) // 2
    no = 0
    for j, i in enumerate(idx):
        if j == blank_at:
            f.put(commas.encode())                         # an empty row saved from Excel
        no += 1 if R() < 0.8 else RI(2, 4)
        truth_row(name, f.line, pids[i], tags[i])
        f.put(b"A%06d" % no + pl[i])
        pl[i] = None
    f.close(enc_cp932(f"以上 {len(idx)}名" + commas))
    counts[name] = len(idx)
    del keys, pl, pids, tags, idx

    # 2. POS: one row per sale, slips numbered by date; a 合計 trailer under 金額
    keys, pl, pids, tags, idx = take("P")
    name = "corpus_pos.csv"
    f = Out(out / name, ",".join(POS_HEADER).encode("cp932"), 1)
    seq = {}
    total = 0
    for i in idx:
        y = D.fromordinal(keys[i] >> 40).year
        seq[y] = seq.get(y, RI(1, 60)) + RI(1, 12)
        payload = pl[i]
        pl[i] = None
        total += int(payload.rsplit(b",", 2)[1])
        truth_row(name, f.line, pids[i], tags[i])
        f.put(b"R%d-%07d," % (y, seq[y]) + payload)
    f.close(enc_cp932("合計" + "," * (len(POS_HEADER) - 2) + f"{total},"))
    counts[name] = len(idx)
    del keys, pl, pids, tags, idx

    # 3. web: bookings numbered per booking day
    keys, pl, pids, tags, idx = take("W")
    name = "corpus_web.csv"
    f = Out(out / name, ("\ufeff" + ",".join(WEB_HEADER)).encode("utf-8"), 1)
    per_day = Counter()
    for i in idx:
        d = D.fromordinal(keys[i] >> 40)
        per_day[d] += 1
        truth_row(name, f.line, pids[i], tags[i])
        f.put(f"W{d:%y%m%d}-{per_day[d]:04d},".encode() + pl[i])
        pl[i] = None
    f.close()
    counts[name] = len(idx)
    del keys, pl, pids, tags, idx

    # 4. cards: blocks separated by dashes; a card's row is its first line
    keys, pl, pids, tags, idx = take("C")
    name = "corpus_cards.txt"
    f = Out(out / name, enc_cp932("# ヘアサロン椿 紙カルテ 打ち込みデータ（2005〜2014年）\r\n# 入力：アルバイト 読めない字はそのまま\r\n"), 3)
    no = 0
    for j, i in enumerate(idx):
        if j > 0:
            if R() < 0.1:
                f.put(b"")
            f.put(b"----------" if R() < 0.85 else enc_cp932(CH(["---", "－－－－－－", "=========="])))
            if R() < 0.1:
                f.put(b"")
        if j and j % 5000 == 0:
            f.put(enc_cp932(f"# ここからファイル{j // 5000 + 1}冊目"))
        no += RI(1, 4)
        block = pl[i].replace(b"\x00", enc_cp932(f"カルテNo：{no:05d}" if R() < 0.85 else f"カルテNo：No.{no}"))
        block = block.replace(b"\x01", b"%05d" % no)
        pl[i] = None
        truth_row(name, f.line, pids[i], tags[i])
        f.put(block)
    f.close(b"----------")
    counts[name] = len(idx)
    del keys, pl, pids, tags, idx

    truth.write("".join(tbuf))
    truth.close()
    return counts, sum(counts.values())


MAPPINGS = {
    "corpus_ledger.toml": """# ヘアサロン椿 (benchmark corpus, benches/make_corpus.py): the customer ledger,
# saved from Excel as CP932 CSV (title lines above the header, a footer).

[source]
name = "corpus_ledger"
label = "ヘアサロン椿 顧客台帳"
files = ["corpus_ledger*.csv"]
rows = "customer"
natural_key = ["顧客No"]
priority = 30

[fields]
customer_no = "顧客No"
store = "店舗"
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
""",
    "corpus_pos.toml": """# ヘアサロン椿 (benchmark corpus, benches/make_corpus.py): the POS export
# (CP932, one row per purchase; a customer on many rows, 顧客コード kept within the POS).

[source]
name = "corpus_pos"
label = "ヘアサロン椿 POS"
files = ["corpus_pos*.csv"]
rows = "event"
natural_key = ["伝票番号"]
priority = 10

[fields]
customer_no = "顧客コード"
store = "店舗"
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
""",
    "corpus_web.toml": """# ヘアサロン椿 (benchmark corpus, benches/make_corpus.py): web bookings
# (UTF-8 with BOM, one row per booking).

[source]
name = "corpus_web"
label = "ヘアサロン椿 Web予約"
files = ["corpus_web*.csv"]
rows = "event"
natural_key = ["予約番号"]
priority = 20

[fields]
store = "店舗"
name = "お名前"
kana = "ふりがな"
phone = "電話番号"
email = "メールアドレス"
birth_date = "生年月日"
note = "ご要望"

[event]
kind = "visit"
number = "予約番号"
date = "来店日"
item = "メニュー"
amount = "料金"
""",
    "corpus_cards.toml": """# ヘアサロン椿 (benchmark corpus, benches/make_corpus.py): paper kartes
# typed up from scans (CP932 text, one card per block).

[source]
name = "corpus_cards"
label = "ヘアサロン椿 紙カルテ"
files = ["corpus_cards*.txt"]
format = "cards"
natural_key = ["カルテNo"]
priority = 25

[fields]
customer_no = "カルテNo"
store = "店舗"
name = "氏名"
kana = "フリガナ"
birth_date = "生年月日"
gender = "性別"
address = "住所"
phone = "電話"
mobile = "携帯"
note = "メモ"
attachment = "画像"

[event]
kind = "visit"
line = "来店履歴"
""",
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=5000, help="number of people (default 5000)")
    ap.add_argument("--out", type=Path, required=True, help="output directory (created)")
    ap.add_argument("--seed", type=int, default=20241001, help="random seed (default 20241001)")
    ap.add_argument("--mappings", type=Path, default=ROOT / "mappings",
                    help="where to write corpus_*.toml (default: the repository's mappings/)")
    args = ap.parse_args(argv)
    if args.people < 1:
        ap.error("--people must be at least 1")
    t0 = time.monotonic()
    gc.disable()        # millions of small objects and no cycles: the collector only costs time
    rng.seed(args.seed)
    _init_towns()
    args.out.mkdir(parents=True, exist_ok=True)
    world = World(args.people)
    world.run()
    t1 = time.monotonic()
    counts, n_truth = write_all(world, args.out)
    args.mappings.mkdir(parents=True, exist_ok=True)
    for fname, text in MAPPINGS.items():
        path = args.mappings / fname
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    t2 = time.monotonic()

    n_people = len(world.ptags) - 1
    hh = Counter(world.hid_of[1:])
    tags = Counter()
    for t in world.ptags[1:]:
        for bit, name in PERSON_TAGS:
            if t & bit:
                tags[name] += 1
    print(f"corpus in {args.out} (seed {args.seed}): generated in {t1 - t0:.1f} s, written in {t2 - t1:.1f} s")
    for fname, n in counts.items():
        print(f"  {fname:18} {n:>9,} records")
    print(f"  {'total':18} {n_truth:>9,} records (truth.csv rows)")
    print(f"people {n_people:,}; households {len(hh):,} ({sum(1 for v in hh.values() if v > 1):,} with 2+ people, "
          f"{sum(v for v in hh.values() if v > 1):,} people in them)")
    print("people by situation: " + ", ".join(f"{name} {tags[name]:,}" for _, name in PERSON_TAGS))
    print(f"mappings: {', '.join(str(args.mappings / f) for f in MAPPINGS)}")


if __name__ == "__main__":
    main()
