#!/usr/bin/env python3
"""Generate the bundled, entirely FICTIONAL sample data for karte.

Shop: 美容室さくら (a small hair salon in 世田谷区三軒茶屋).  ~120 invented people
are spread over four legacy sources with realistic mess, and the ground truth
(which record belongs to which person) goes to tests/fixtures/samples_truth.csv.

    python3 samples/make_samples.py          # needs: pip install openpyxl

Deterministic: a fixed random seed, fixed timestamps inside the .xlsx, and
fixed zip member dates.  Running it twice gives byte-identical files.

Outputs
    samples/sakura_ledger.xlsx   Excel ledger, sheets 顧客台帳 and 旧顧客
    samples/sakura_pos.csv       POS export, cp932, CRLF
    samples/sakura_web.csv       web bookings, UTF-8 with BOM, CRLF
    samples/sakura_cards.txt     typed-up paper kartes, cp932, CRLF
    tests/fixtures/samples_truth.csv
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
import re
import sys
import unicodedata
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT_LEDGER = HERE / "sakura_ledger.xlsx"
OUT_POS = HERE / "sakura_pos.csv"
OUT_WEB = HERE / "sakura_web.csv"
OUT_CARDS = HERE / "sakura_cards.txt"
OUT_TRUTH = ROOT / "tests" / "fixtures" / "samples_truth.csv"

SEED = 20241001
rng = random.Random(SEED)

D = dt.date
LEDGER_DATE = D(2024, 10, 1)
POS_START, POS_END = D(2019, 4, 1), D(2024, 9, 30)
WEB_START, WEB_END = D(2021, 4, 1), D(2024, 10, 31)
WEB_EXPORT = D(2024, 9, 30)
CARD_END = D(2019, 3, 31)          # paper kartes were replaced by the POS
FIXED_TS = dt.datetime(2024, 10, 1, 9, 0, 0)

# ---------------------------------------------------------------------------
# text helpers
# ---------------------------------------------------------------------------


def zen(s: str) -> str:
    """ASCII -> full-width (space -> U+3000, '-' -> U+FF0D)."""
    out = []
    for c in s:
        if c == " ":
            out.append("\u3000")
        elif "!" <= c <= "~":
            out.append(chr(ord(c) + 0xFEE0))
        else:
            out.append(c)
    return "".join(out)


_Z2H = {}
for _cp in range(0xFF61, 0xFFA0):
    _h = chr(_cp)
    _z = unicodedata.normalize("NFKC", _h)
    if len(_z) == 1:
        _Z2H[_z] = _h
_Z2H["\u3099"] = "\uff9e"
_Z2H["\u309a"] = "\uff9f"


def hankaku(s: str) -> str:
    """Full-width katakana -> half-width katakana (ﾀﾞ is two chars)."""
    s = unicodedata.normalize("NFD", s)
    return "".join(" " if c == "\u3000" else _Z2H.get(c, c) for c in s)


def hira(s: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in s)


_ROMA = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o",
    "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so",
    "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te", "ト": "to",
    "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no",
    "ハ": "ha", "ヒ": "hi", "フ": "fu", "ヘ": "he", "ホ": "ho",
    "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo",
    "ヤ": "ya", "ユ": "yu", "ヨ": "yo",
    "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro",
    "ワ": "wa", "ヲ": "o", "ン": "n",
    "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze", "ゾ": "zo",
    "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do",
    "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be", "ボ": "bo",
    "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po",
}
_YOON = {"ャ": "a", "ュ": "u", "ョ": "o"}


def romaji(kana: str, short_long: bool = True) -> str:
    out = ""
    i = 0
    gem = False
    while i < len(kana):
        c = kana[i]
        if c == "ッ":
            gem = True
            i += 1
            continue
        if c == "ー":
            i += 1
            continue
        r = _ROMA.get(c, "")
        if i + 1 < len(kana) and kana[i + 1] in _YOON:
            v = _YOON[kana[i + 1]]
            if r in ("shi", "chi", "ji"):
                r = r[:-1] + v
            else:
                r = r[:-1] + "y" + v
            i += 1
        if gem and r:
            r = ("t" + r) if r.startswith("ch") else (r[0] + r)
            gem = False
        out += r
        i += 1
    if short_long:
        out = out.replace("ou", "o").replace("uu", "u")
    return out


KANJI_NUM = "〇一二三四五六七八九十"


def kanji_num(n: int) -> str:
    if n <= 10:
        return KANJI_NUM[n]
    if n < 20:
        return "十" + KANJI_NUM[n - 10]
    t, u = divmod(n, 10)
    return KANJI_NUM[t] + "十" + (KANJI_NUM[u] if u else "")


ERAS = [
    (D(2019, 5, 1), "令和", "R", 2018),
    (D(1989, 1, 8), "平成", "H", 1988),
    (D(1926, 12, 25), "昭和", "S", 1925),
]


def era(d: dt.date, style: str) -> str:
    for start, kan, ab, off in ERAS:
        if d >= start:
            y = d.year - off
            break
    if style == "kanji":
        return f"{kan}{'元' if y == 1 else y}年{d.month}月{d.day}日"
    if style == "kanji_fw":
        return zen(f"{kan}{'元' if y == 1 else y}年{d.month}月{d.day}日")
    if style == "abbr":
        return f"{ab}{y}.{d.month}.{d.day}"
    if style == "abbr0":
        return f"{ab}{y:02d}.{d.month:02d}.{d.day:02d}"
    if style == "abbr_slash":
        return f"{ab}{y}/{d.month}/{d.day}"
    raise ValueError(style)


def rdate(lo: dt.date, hi: dt.date) -> dt.date:
    """Random date in [lo, hi]; the salon is closed on Tuesdays."""
    if hi < lo:
        hi = lo
    d = lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))
    if d.weekday() == 1:
        d = d + dt.timedelta(days=1) if d < hi else d - dt.timedelta(days=1)
    return d


def years_after(d: dt.date, n: int) -> dt.date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:          # 29 Feb
        return d.replace(year=d.year + n, day=28)


def wchoice(pairs):
    vals, weights = zip(*pairs)
    return rng.choices(vals, weights=weights)[0]


# cp932 as Windows writes it: 髙 etc. go to the IBM extension rows (FAxx-FCxx),
# not to the NEC-selected rows (EDxx/EExx) that Python's encoder prefers.
_IBM_EXT = {}
for _hi in range(0xFA, 0xFD):
    for _lo in range(0x40, 0xFD):
        try:
            _ch = bytes([_hi, _lo]).decode("cp932")
        except UnicodeDecodeError:
            continue
        _IBM_EXT.setdefault(_ch, bytes([_hi, _lo]))


def enc_cp932(s: str) -> bytes:
    out = bytearray()
    for ch in s:
        b = ch.encode("cp932")
        if len(b) == 2 and b[0] in (0xED, 0xEE) and ch in _IBM_EXT:
            b = _IBM_EXT[ch]
        out += b
    return bytes(out)


# ---------------------------------------------------------------------------
# world: areas, buildings, phones
# ---------------------------------------------------------------------------

# key: (〒, 都道府県, 市区, 町名, max 丁目, 市外局番)
AREAS = {
    "sancha": ("154-0024", "東京都", "世田谷区", "三軒茶屋", 2, "03"),
    "taishido": ("154-0004", "東京都", "世田谷区", "太子堂", 5, "03"),
    "setagaya": ("154-0017", "東京都", "世田谷区", "世田谷", 4, "03"),
    "shimouma": ("154-0002", "東京都", "世田谷区", "下馬", 6, "03"),
    "kamiuma": ("154-0011", "東京都", "世田谷区", "上馬", 5, "03"),
    "ikejiri": ("154-0001", "東京都", "世田谷区", "池尻", 4, "03"),
    "kitazawa": ("155-0031", "東京都", "世田谷区", "北沢", 5, "03"),
    "kyodo": ("156-0052", "東京都", "世田谷区", "経堂", 5, "03"),
    "tamagawa": ("158-0094", "東京都", "世田谷区", "玉川", 4, "03"),
    "shimomeguro": ("153-0064", "東京都", "目黒区", "下目黒", 6, "03"),
    "kamimeguro": ("153-0051", "東京都", "目黒区", "上目黒", 5, "03"),
    "jiyugaoka": ("152-0035", "東京都", "目黒区", "自由が丘", 3, "03"),
    "roppongi": ("106-0032", "東京都", "港区", "六本木", 7, "03"),
    "jingumae": ("150-0001", "東京都", "渋谷区", "神宮前", 6, "03"),
    "yoyogi": ("151-0053", "東京都", "渋谷区", "代々木", 5, "03"),
    "ebisu": ("150-0013", "東京都", "渋谷区", "恵比寿", 4, "03"),
    "kosugi": ("211-0063", "神奈川県", "川崎市中原区", "小杉町", 3, "044"),
    "mizonokuchi": ("213-0001", "神奈川県", "川崎市高津区", "溝口", 6, "044"),
    "shinyoko": ("222-0033", "神奈川県", "横浜市港北区", "新横浜", 3, "045"),
    "tsunashima": ("223-0053", "神奈川県", "横浜市港北区", "綱島西", 6, "045"),
    "urawa": ("330-0063", "埼玉県", "さいたま市浦和区", "高砂", 4, "048"),
    "sapporo": ("060-0001", "北海道", "札幌市中央区", "北一条西", 28, "011"),
}
AREA_WEIGHTS = [
    ("sancha", 14), ("taishido", 10), ("setagaya", 6), ("shimouma", 7),
    ("kamiuma", 6), ("ikejiri", 5), ("kitazawa", 4), ("kyodo", 3),
    ("tamagawa", 3), ("shimomeguro", 3), ("kamimeguro", 3), ("jiyugaoka", 2),
    ("roppongi", 1), ("jingumae", 2), ("yoyogi", 2), ("ebisu", 2),
    ("kosugi", 2), ("mizonokuchi", 1), ("shinyoko", 1), ("tsunashima", 1),
    ("urawa", 1),
]
BUILDINGS = [
    "ハイツ山田", "サクラマンション", "コーポ緑", "メゾン・ド・フルール", "第二松風荘", "シティハイツ",
    "ステラコート", "パレス若葉", "ベルフォーレ", "グリーンヒル", "エスポワール", "ロイヤルハイツ",
    "アーバンコート", "メゾン桜", "ヴィラ白樺",
]

_used_phones: set = set()
_used_addr: set = set()


def new_landline(ac: str) -> str:
    while True:
        if ac == "03":
            ph = f"03-{rng.randint(3100, 6999)}-{rng.randint(0, 9999):04d}"
        else:
            ph = f"{ac}-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"
        if ph not in _used_phones:
            _used_phones.add(ph)
            return ph


def new_mobile() -> str:
    pre = wchoice([("090", 50), ("080", 35), ("070", 15)])
    while True:
        ph = f"{pre}-{rng.randint(1000, 9999)}-{rng.randint(0, 9999):04d}"
        if ph not in _used_phones:
            _used_phones.add(ph)
            return ph


class Addr:
    def __init__(self, area, chome, ban, go, bldg=None, room=None, land=None):
        self.area, self.chome, self.ban, self.go = area, chome, ban, go
        self.bldg, self.room, self.land = bldg, room, land

    @property
    def zip(self):
        return AREAS[self.area][0]

    def text(self, block="hyphen", pref=False, city=True, bldg="space") -> str:
        z, p, c, town, _, _ = AREAS[self.area]
        ch, b, g = self.chome, self.ban, self.go
        if block == "hyphen":
            blk = f"{ch}-{b}-{g}"
        elif block == "fw":
            blk = zen(f"{ch}-{b}-{g}")
        elif block == "chome":
            blk = f"{ch}丁目{b}-{g}"
        elif block == "kanji":
            blk = f"{kanji_num(ch)}丁目{b}番{g}号"
        elif block == "banchi":
            blk = f"{ch}丁目{b}番地{g}"
        elif block == "kanji_all":
            blk = f"{kanji_num(ch)}丁目{kanji_num(b)}番{kanji_num(g)}号"
        else:
            raise ValueError(block)
        s = (p if pref else "") + (c if city or pref else "") + town + blk
        if self.bldg:
            if bldg == "space":
                s += f" {self.bldg}{self.room}号室"
            elif bldg == "zspace":
                s += f"\u3000{self.bldg}\u3000{self.room}"
            elif bldg == "tight":
                s += f"{self.bldg}{self.room}号室"
            elif bldg == "num":
                s += f" {self.bldg} {self.room}"
            elif bldg == "hyphen":
                s += f"-{self.room}"        # building name dropped, only room
            elif bldg == "none":
                pass
        return s


def new_addr(area=None, bldg_p=0.5, land=True) -> Addr:
    area = area or wchoice(AREA_WEIGHTS)
    maxc = AREAS[area][4]
    while True:
        ch = rng.randint(1, maxc)
        ban = rng.randint(1, 10) if area == "sapporo" else rng.randint(1, 32)
        go = rng.randint(1, 28)
        bldg = rng.choice(BUILDINGS) if rng.random() < bldg_p else None
        room = rng.choice([101, 102, 103, 201, 202, 203, 205, 301, 302, 305, 401, 502, 803, 1102]) if bldg else None
        key = (area, ch, ban, go)
        if key not in _used_addr:
            _used_addr.add(key)
            break
    return Addr(area, ch, ban, go, bldg, room, new_landline(AREAS[area][5]) if land else None)


# ---------------------------------------------------------------------------
# people
# ---------------------------------------------------------------------------

STAFF = [("佐藤", 30), ("鈴木", 25), ("田村", 20), ("小池", 15), ("森下", 10)]


class Person:
    def __init__(self, sei, mei, sei_k, mei_k, sex, birth, addr, mob, **kw):
        self.pid = ""
        self.sei, self.mei, self.sei_k, self.mei_k = sei, mei, sei_k, mei_k
        self.sex, self.birth, self.addr, self.mob = sex, birth, addr, mob
        self.has_land = kw.pop("has_land", True)
        self.hh = kw.pop("hh", None)
        self.role = kw.pop("role", None)
        self.twin = kw.pop("twin", False)
        self.maiden = kw.pop("maiden", None)          # (sei, sei_k)
        self.married_on = kw.pop("married_on", None)
        self.old_addr = kw.pop("old_addr", None)
        self.moved_on = kw.pop("moved_on", None)
        self.old_mob = kw.pop("old_mob", None)
        self.mob_changed_on = kw.pop("mob_changed_on", None)
        self.email = kw.pop("email", None)
        self.old_email = kw.pop("old_email", None)
        self.src = kw.pop("src", {})
        self.notes = kw.pop("notes", [])
        self.sei_var = kw.pop("sei_var", {})          # source -> list of spellings
        self.mei_var = kw.pop("mei_var", {})
        self.guardian = kw.pop("guardian", None)      # Person (for kids)
        self.force = kw.pop("force", {})
        assert not kw, kw
        self.stylist = wchoice(STAFF)
        self.first = None
        self.last = LEDGER_DATE
        self.entries = []        # ledger entries (L / O)
        self.pos_dates = []
        self.web_dates = []
        self.cards = []

    # state at a date ---------------------------------------------------
    def sei_at(self, d):
        if self.maiden and self.married_on and d < self.married_on:
            return self.maiden[0]
        return self.sei

    def sei_k_at(self, d):
        if self.maiden and self.married_on and d < self.married_on:
            return self.maiden[1]
        return self.sei_k

    def is_maiden_at(self, d):
        return bool(self.maiden and self.married_on and d < self.married_on)

    def addr_at(self, d):
        if self.old_addr and self.moved_on and d < self.moved_on:
            return self.old_addr
        return self.addr

    def land_at(self, d):
        return self.addr_at(d).land if self.has_land else None

    def mob_at(self, d):
        if self.birth and self.age_at(d) < 13:
            return None                                  # no phone of their own yet
        if self.old_mob and self.mob_changed_on and d < self.mob_changed_on:
            return self.old_mob
        return self.mob

    def email_at(self, d):
        if self.old_email and self.married_on and d < self.married_on:
            return self.old_email
        return self.email

    def age_at(self, d):
        if not self.birth:
            return 40
        return d.year - self.birth.year - ((d.month, d.day) < (self.birth.month, self.birth.day))

    def is_kid(self, d):
        return self.age_at(d) < 13

    def contact_phone(self, d):
        """What ends up in a phone field: own mobile, else guardian's, else landline."""
        m = self.mob_at(d)
        if m:
            return m
        if self.guardian is not None and self.guardian.mob_at(d) and self.force.get("guardian_mobile"):
            return self.guardian.mob_at(d)
        return self.land_at(d)


PEOPLE: list[Person] = []
_names_used: set = set()


def register(p: Person):
    full = (p.sei, p.mei)
    kana = (p.sei_k, p.mei_k)
    assert full not in _names_used, full
    _names_used.add(full)
    _names_used.add(kana)
    if p.maiden:
        _names_used.add((p.maiden[0], p.mei))
        _names_used.add((p.maiden[1], p.mei_k))
    PEOPLE.append(p)
    return p


def make_email(sei_k, mei_k, birth):
    s, m = romaji(sei_k, rng.random() < 0.7), romaji(mei_k, rng.random() < 0.6)
    yy = f"{birth.year % 100:02d}" if birth else str(rng.randint(1, 99))
    local = wchoice([
        (f"{m}.{s}", 4), (f"{s}.{m}", 2), (f"{m}{yy}", 3), (f"{s}{m}", 2),
        (f"{m}_{s[:1]}{rng.randint(1, 999)}", 2), (f"{m}-{s}{yy}", 1),
        (f"{s}_{m}", 1),
    ])
    dom = wchoice([("example.jp", 5), ("example.ne.jp", 4), ("example.com", 3),
                   ("example.co.jp", 1), ("example.or.jp", 1)])
    return f"{local}@{dom}"


def P(sei, mei, sei_k, mei_k, sex, birth, addr, mob="new", email="auto", **kw):
    if isinstance(birth, str):
        birth = D(*map(int, birth.split("-")))
    if mob == "new":
        mob = new_mobile()
    if email == "auto":
        email = make_email(kw.get("maiden", (None, sei_k))[1] if kw.get("maiden") else sei_k, mei_k, birth) \
            if (mob and rng.random() < 0.8) else None
    return register(Person(sei, mei, sei_k, mei_k, sex, birth, addr, mob, email=email, **kw))


# --- 15 households: same surname, address and landline, different people ---
HOUSEHOLDS = [
    # hh, sei, sei_k, area, bldg_p, sei_var, members
    ("H01", "山田", "ヤマダ", "sancha", 0.0, {}, [
        ("father", "太郎", "タロウ", "M", "1975-08-21", dict(C=1, P=3), {"mei_var": {"C": ["大郎"]}}),
        ("mother", "花子", "ハナコ", "F", "1977-04-03", dict(L=1, C=1, P=6, W=2), {}),
        ("son", "翔太", "ショウタ", "M", "2008-05-30", dict(L=1, C=1, P=2), {}),
        ("daughter", "陽菜", "ヒナ", "F", "2011-12-03", dict(L=1, P=3, W=1), {"web_by_guardian": True}),
    ]),
    ("H02", "高橋", "タカハシ", "taishido", 1.0, {"L": ["髙橋"], "P": ["髙橋"]}, [
        ("mother", "京子", "キョウコ", "F", "1966-02-14", dict(L=1, C=1, P=5, W=1), {"pos_kanji": True}),
        ("daughter", "美穂", "ミホ", "F", "1993-07-07", dict(L=1, P=3, W=3), {"sei_var": {"L": ["高橋"], "P": ["髙橋"]}}),
        ("son", "健太", "ケンタ", "M", "1996-10-19", dict(P=2, W=1), {}),
    ]),
    ("H03", "渡辺", "ワタナベ", "shimouma", 0.0, {"L": ["渡邊"], "W": ["渡邉"], "P": ["渡邊"]}, [
        ("father", "隆", "タカシ", "M", "1978-01-25", dict(P=2), {"pos_kanji": True}),
        ("mother", "幸子", "サチコ", "F", "1980-09-02", dict(L=1, C=1, P=4, W=2), {}),
        ("daughter", "美月", "ミヅキ", "F", "2014-06-12", dict(L=1, P=3), {"twin": True}),
        ("daughter", "七海", "ナナミ", "F", "2014-06-12", dict(L=1, C=1, P=3), {"twin": True, "sei_var": {"L": ["渡辺"], "P": ["渡邊"]}}),
    ]),
    ("H04", "中村", "ナカムラ", "setagaya", 1.0, {}, [
        ("father", "健一", "ケンイチ", "M", "1987-03-09", dict(P=2, W=1), {}),
        ("mother", "美咲", "ミサキ", "F", "1990-05-12", dict(O=1, L=1, C=1, P=6, W=2),
         {"maiden": ("佐藤", "サトウ"), "married_on": D(2020, 6, 20)}),
        ("son", "蓮", "レン", "M", "2021-08-15", dict(P=2, W=1), {"web_by_guardian": True}),
    ]),
    ("H05", "鈴木", "スズキ", "kyodo", 0.0, {}, [
        ("grandmother", "節子", "セツコ", "F", "1948-11-30", dict(L=1, C=1, P=4), {"no_mobile": True}),
        ("mother", "裕子", "ユウコ", "F", "1972-06-18", dict(L=1, P=5, W=2), {}),
        ("daughter", "愛", "アイ", "F", "2000-01-05", dict(L=1, P=2, W=3), {}),
    ]),
    ("H06", "伊藤", "イトウ", "kamiuma", 1.0, {}, [
        ("mother", "洋子", "ヨウコ", "F", "1969-04-22", dict(L=1, C=1, P=4), {}),
        ("son", "大輔", "ダイスケ", "M", "1995-09-09", dict(L=1, P=2), {"twin": True}),
        ("son", "拓也", "タクヤ", "M", "1995-09-09", dict(P=2, W=2), {"twin": True}),
    ]),
    ("H07", "小林", "コバヤシ", "kitazawa", 0.0, {}, [
        ("husband", "修", "オサム", "M", "1955-12-01", dict(O=1, C=1), {"no_mobile": True}),
        ("wife", "和子", "カズコ", "F", "1958-03-27", dict(L=1, C=1, P=5), {}),
    ]),
    ("H08", "加藤", "カトウ", "tamagawa", 1.0, {}, [
        ("mother", "明美", "アケミ", "F", "1983-10-10", dict(L=1, P=4, W=3), {}),
        ("son", "悠真", "ユウマ", "M", "2012-04-04", dict(L=1, P=3, W=1), {"web_by_guardian": True, "guardian_mobile": True}),
        ("daughter", "莉子", "リコ", "F", "2015-02-28", dict(P=2, W=1), {"web_by_guardian": True}),
    ]),
    ("H09", "吉田", "ヨシダ", "jiyugaoka", 0.0, {}, [
        ("father", "博之", "ヒロユキ", "M", "1979-07-14", dict(P=2), {}),
        ("mother", "智子", "トモコ", "F", "1981-11-11", dict(L=1, P=3, W=2), {}),
        ("son", "陽翔", "ハルト", "M", "2016-09-01", dict(P=2), {}),
    ]),
    ("H10", "松本", "マツモト", "shimomeguro", 0.0, {}, [
        ("mother", "久美子", "クミコ", "F", "1965-05-05", dict(L=1, C=1, P=4), {}),
        ("daughter", "彩", "アヤ", "F", "1992-08-08", dict(L=1, C=1, P=4, W=2),
         {"married_as": ("岡田", "オカダ"), "married_on": D(2022, 4, 29)}),
    ]),
    ("H11", "井上", "イノウエ", "ikejiri", 1.0, {}, [
        ("mother", "典子", "ノリコ", "F", "1964-01-31", dict(L=1, C=1, P=3), {}),
        ("daughter", "香織", "カオリ", "F", "1990-03-03", dict(L=1, P=2, W=2), {}),
        ("daughter", "千尋", "チヒロ", "F", "1994-12-24", dict(P=1, W=2), {}),
    ]),
    ("H12", "木村", "キムラ", "kosugi", 1.0, {}, [
        ("mother", "由美", "ユミ", "F", "1976-07-30", dict(L=1, P=3, W=1), {"force": {"land_int": True}}),
        ("son", "湊", "ミナト", "M", "2005-10-02", dict(L=1, P=2), {}),
    ]),
    ("H13", "清水", "シミズ", "urawa", 0.0, {}, [
        ("husband", "茂", "シゲル", "M", "1952-04-10", dict(O=1, C=1), {"no_mobile": True}),
        ("wife", "早苗", "サナエ", "F", "1956-06-06", dict(O=1, C=1), {}),
    ]),
    ("H14", "林", "ハヤシ", "kamimeguro", 1.0, {}, [
        ("mother", "直美", "ナオミ", "F", "1974-09-19", dict(L=1, P=4, W=1), {}),
        ("daughter", "杏", "アン", "F", "2003-03-15", dict(L=1, P=2, W=2), {}),
        ("son", "颯太", "ソウタ", "M", "2007-07-21", dict(P=2), {}),
    ]),
    ("H15", "森", "モリ", "yoyogi", 0.0, {}, [
        ("mother", "真由美", "マユミ", "F", "1970-02-02", dict(L=1, C=1, P=3), {}),
        ("daughter", "凛", "リン", "F", "1999-05-20", dict(L=1, P=2, W=2), {}),
        ("daughter", "芽衣", "メイ", "F", "2002-11-08", dict(C=1, P=1, W=1), {}),
    ]),
]

KID_ROLES = {"son", "daughter"}
households = {}
for hh, sei, sei_k, area, bldg_p, hh_var, members in HOUSEHOLDS:
    home = new_addr(area, bldg_p=bldg_p, land=True)
    hhm = []
    for role, mei, mei_k, sex, birth, src, extra in members:
        extra = dict(extra)
        married_as = extra.pop("married_as", None)
        web_by_guardian = extra.pop("web_by_guardian", False)
        force = extra.pop("force", {})
        if extra.pop("guardian_mobile", False):
            force["guardian_mobile"] = True
        if web_by_guardian:
            force["web_by_guardian"] = True
        if extra.pop("pos_kanji", False):
            force["pos_kanji"] = True
        no_mobile = extra.pop("no_mobile", False)
        bdate = D(*map(int, birth.split("-")))
        kid_now = (LEDGER_DATE.year - bdate.year) < 16
        mob = None if (no_mobile or kid_now) else "new"
        kw = dict(hh=hh, role=role, src=src, force=force)
        kw["sei_var"] = extra.pop("sei_var", hh_var)
        kw.update(extra)
        if married_as:
            # daughter of the household who later married and moved out
            new_home = new_addr("ebisu", bldg_p=1.0, land=False)
            p = P(married_as[0], mei, married_as[1], mei_k, sex, birth, new_home, mob,
                  maiden=(sei, sei_k), old_addr=home, moved_on=kw.pop("married_on"),
                  married_on=None, **kw)
            p.married_on = p.moved_on
            p.has_land = True        # lived at the family home (family landline) before
            p.notes.append(f"married: was {sei}; moved out to 恵比寿")
        elif "maiden" in kw:
            maiden_home = new_addr("ebisu", bldg_p=1.0, land=False)
            p = P(sei, mei, sei_k, mei_k, sex, birth, home, mob,
                  old_addr=maiden_home, moved_on=kw["married_on"], **kw)
            p.notes.append(f"married: was {kw['maiden'][0]}")
        else:
            p = P(sei, mei, sei_k, mei_k, sex, birth, home, mob, **kw)
        if p.role in KID_ROLES and kid_now:
            p.email = None
        hhm.append(p)
    households[hh] = hhm
    parents = [m for m in hhm if m.role in ("mother", "father", "wife", "husband")]
    mother = next((m for m in hhm if m.role == "mother"), parents[0] if parents else None)
    for m in hhm:
        if m.role in KID_ROLES and m is not mother:
            m.guardian = mother
# the married-out daughter keeps the family landline only while living there
_aya = [m for m in households["H10"] if m.mei == "彩"][0]
_aya.addr.land = None

# --- singles with a story ---------------------------------------------------
saito_a = P("斎藤", "健一", "サイトウ", "ケンイチ", "M", "1982-03-15", new_addr("sancha", 1.0, land=False),
            src=dict(L=1, P=4, W=1), has_land=False)
_names_used.discard(("サイトウ", "ケンイチ"))
saito_b = P("斉藤", "健一", "サイトウ", "ケンイチ", "M", "1985-11-02", new_addr("kamimeguro", 1.0, land=False),
            src=dict(P=3, W=1), has_land=False)
keiko = P("齋藤", "恵子", "サイトウ", "ケイコ", "F", "1971-10-08", new_addr("taishido", 0.0),
          src=dict(L=1, C=1, P=4, W=2), sei_var={"C": ["斎藤"], "W": ["斎藤"], "P": ["斎藤"]},
          notes=["itaiji 齋藤/斎藤 (same person)"])
ichiro = P("佐々木", "一郎", "ササキ", "イチロウ", "M", "1968-12-12", new_addr("kamiuma", 0.0),
           src=dict(L=1, P=3, W=1), mei_var={"W": ["一朗"]})
mai = P("藤田", "麻衣", "フジタ", "マイ", "F", "1991-04-17", new_addr("tsunashima", 1.0, land=False),
        maiden=("石川", "イシカワ"), married_on=D(2019, 11, 3),
        old_addr=new_addr("ikejiri", 1.0, land=False), moved_on=D(2019, 11, 3),
        src=dict(O=1, L=1, P=3, W=2), has_land=False, notes=["married: was 石川; moved to 横浜"])
emi = P("長谷川", "恵美", "ハセガワ", "エミ", "F", "1988-08-30", new_addr("shinyoko", 1.0),
        maiden=("小川", "オガワ"), married_on=D(2017, 5, 21),
        old_addr=new_addr("kitazawa", 1.0, land=False), moved_on=D(2017, 5, 21),
        src=dict(C=1, L=1, P=3, W=1), notes=["married: was 小川; moved to 横浜"])
yoko = P("前田", "陽子", "マエダ", "ヨウコ", "F", "1962-06-25", new_addr("sapporo", 1.0),
         old_addr=new_addr("jingumae", 0.0), moved_on=D(2023, 3, 15),
         src=dict(L=1, C=1, P=3), notes=["moved 2023-03 神宮前→札幌"])
naoki_old_mob = new_mobile()
naoki = P("岡本", "直樹", "オカモト", "ナオキ", "M", "1984-02-29", new_addr("shimouma", 1.0, land=False),
          old_mob=naoki_old_mob, mob_changed_on=D(2020, 1, 20), has_land=False,
          src=dict(C=1, L=1, P=3, W=1), notes=["mobile changed 2020-01"])
reina = P("西村", "玲奈", "ニシムラ", "レイナ", "F", "1997-06-30", new_addr("sancha", 1.0, land=False),
          has_land=False, src=dict(L=2, P=3, W=2), notes=["registered twice in ledger"])
yui = P("後藤", "結衣", "ゴトウ", "ユイ", "F", "1989-01-08", new_addr("setagaya", 1.0, land=False),
        has_land=False, src=dict(L=1, P=2, W=2), force={"ledger_birth": "kanji"},
        notes=["born 平成元年1月8日"])
yuko = P("近藤", "優子", "コンドウ", "ユウコ", "F", "1989-01-07", new_addr("kyodo", 0.5),
         src=dict(L=1, C=1, P=2), force={"card_birth": "abbr"}, notes=["born 昭和64年1月7日"])
tomomi = P("渡部", "友美", "ワタナベ", "トモミ", "F", "1985-05-15", new_addr("shimouma", 1.0, land=False),
           has_land=False, src=dict(L=1, P=2, W=1), notes=["渡部 (not the 渡辺 household H03)"])
satoko = P("太田", "聡子", "オオタ", "サトコ", "F", "1979-01-19", new_addr("taishido", 1.0),
           src=dict(L=1, P=3), sei_var={"P": ["大田"]}, force={"pos_kanji": True})
yuichi = P("中島", "雄一", "ナカジマ", "ユウイチ", "M", "1973-03-03", new_addr("ikejiri", 0.0),
           src=dict(L=1, C=1, P=2), sei_var={"C": ["中嶋"]})
saito_a.notes.append("斎藤≠斉藤: different person from 斉藤 健一")
saito_b.notes.append("斉藤≠斎藤: different person from 斎藤 健一")

# --- generic customers --------------------------------------------------------
SURNAMES = """佐藤 サトウ|鈴木 スズキ|田中 タナカ|伊藤 イトウ|山本 ヤマモト|小林 コバヤシ|吉田 ヨシダ|
佐々木 ササキ|山口 ヤマグチ|井上 イノウエ|木村 キムラ|清水 シミズ|山崎 ヤマザキ|池田 イケダ|橋本 ハシモト|
阿部 アベ|石井 イシイ|山下 ヤマシタ|前田 マエダ|岡田 オカダ|藤田 フジタ|後藤 ゴトウ|近藤 コンドウ|
村上 ムラカミ|遠藤 エンドウ|青木 アオキ|坂本 サカモト|福田 フクダ|西村 ニシムラ|藤井 フジイ|松田 マツダ|
中川 ナカガワ|原田 ハラダ|小野 オノ|竹内 タケウチ|金子 カネコ|和田 ワダ|中山 ナカヤマ|石田 イシダ|
上田 ウエダ|森田 モリタ|柴田 シバタ|酒井 サカイ|工藤 クドウ|横山 ヨコヤマ|宮崎 ミヤザキ|宮本 ミヤモト|
内田 ウチダ|高木 タカギ|安藤 アンドウ|谷口 タニグチ|大野 オオノ|丸山 マルヤマ|今井 イマイ|河野 コウノ|
藤原 フジワラ|村田 ムラタ|武田 タケダ|上野 ウエノ|杉山 スギヤマ|増田 マスダ|平野 ヒラノ|大塚 オオツカ|
千葉 チバ|久保 クボ|松井 マツイ|小島 コジマ|岩崎 イワサキ|桜井 サクライ|野口 ノグチ|松尾 マツオ|
菊地 キクチ|木下 キノシタ|野村 ノムラ|新井 アライ|高野 タカノ|長田 ナガタ|吉川 ヨシカワ|沢田 サワダ"""
SURNAMES = [tuple(x.split()) for x in SURNAMES.replace("\n", "").split("|")]
# given names by the birth years they are typical for
GIVEN_F = """和子 カズコ 1940 1960|節子 セツコ 1940 1958|幸子 サチコ 1940 1965|京子 キョウコ 1945 1970|
久美子 クミコ 1950 1972|恵子 ケイコ 1945 1975|紀子 ノリコ 1945 1972|早苗 サナエ 1950 1975|洋子 ヨウコ 1945 1972|
明美 アケミ 1950 1978|由美 ユミ 1955 1980|直美 ナオミ 1955 1980|真由美 マユミ 1960 1982|美奈子 ミナコ 1950 1975|
純子 ジュンコ 1945 1972|弘美 ヒロミ 1955 1978|真理子 マリコ 1950 1975|静香 シズカ 1960 1985|里美 サトミ 1965 1985|
加奈子 カナコ 1965 1985|美由紀 ミユキ 1960 1982|理恵 リエ 1965 1985|聡子 サトコ 1955 1980|智子 トモコ 1960 1985|
亜希子 アキコ 1965 1985|香織 カオリ 1970 1990|沙織 サオリ 1975 1992|麻美 アサミ 1975 1992|美穂 ミホ 1970 1995|
恵美 エミ 1970 1992|友美 トモミ 1970 1990|舞 マイ 1980 2000|愛 アイ 1978 2005|瞳 ヒトミ 1972 1995|
千尋 チヒロ 1975 2000|佳奈 カナ 1980 2003|彩花 アヤカ 1985 2005|美咲 ミサキ 1985 2005|玲奈 レイナ 1985 2005|
奈々 ナナ 1985 2005|さくら サクラ 1990 2010|結衣 ユイ 1990 2010|葵 アオイ 1995 2015|凛 リン 1995 2015|
楓 カエデ 1995 2015|菜々子 ナナコ 1985 2005|七海 ナナミ 1990 2012|莉子 リコ 1995 2015|杏 アン 1995 2015"""
GIVEN_F = [(a, b, int(c), int(d)) for a, b, c, d in (x.split() for x in GIVEN_F.replace("\n", "").split("|"))]
GIVEN_M = """茂 シゲル 1940 1960|修 オサム 1945 1965|浩 ヒロシ 1945 1975|誠 マコト 1955 1985|隆 タカシ 1945 1980|
博之 ヒロユキ 1950 1980|康弘 ヤスヒロ 1950 1975|正人 マサト 1955 1985|健二 ケンジ 1950 1980|一郎 イチロウ 1945 1975|
太郎 タロウ 1950 1985|健一 ケンイチ 1955 1990|雄一 ユウイチ 1960 1985|直樹 ナオキ 1965 1990|和也 カズヤ 1965 1992|
達也 タツヤ 1965 1992|大輔 ダイスケ 1972 1995|慎吾 シンゴ 1970 1990|俊介 シュンスケ 1978 1998|拓也 タクヤ 1975 2000|
健太 ケンタ 1978 2000|翔太 ショウタ 1985 2008|亮 リョウ 1975 2000|勇気 ユウキ 1985 2005|隼人 ハヤト 1985 2008"""
GIVEN_M = [(a, b, int(c), int(d)) for a, b, c, d in (x.split() for x in GIVEN_M.replace("\n", "").split("|"))]

GENERIC_PATTERNS = (
    [("L", "P")] * 13 + [("L", "P", "W")] * 9 + [("L",)] * 3 + [("L", "C", "P")] * 3
    + [("O",)] * 3 + [("O", "C")] * 2 + [("C",)] * 2 + [("C", "P")] * 4
    + [("W",)] * 6 + [("W", "P")] * 5 + [("P",)] * 13
)
rng.shuffle(GENERIC_PATTERNS)
generics = []
for pat in GENERIC_PATTERNS:
    sex = "F" if rng.random() < 0.74 else "M"
    if "O" in pat or "C" in pat:
        by = rng.randint(1945, 1985)
    elif pat == ("W",) or pat == ("W", "P"):
        by = rng.randint(1985, 2003)
    else:
        by = rng.randint(1950, 2001)
    pool = [g for g in (GIVEN_F if sex == "F" else GIVEN_M) if g[2] <= by <= g[3]]
    while True:
        sei, sei_k = rng.choice(SURNAMES)
        mei, mei_k = rng.choice(pool)[:2]
        if (sei, mei) not in _names_used and (sei_k, mei_k) not in _names_used:
            break
    birth = D(by, rng.randint(1, 12), rng.randint(1, 28))
    old = by < 1960
    has_land = rng.random() < (0.8 if old else 0.35)
    addr = new_addr(None, bldg_p=0.3 if old else 0.6, land=has_land)
    mob = None if (old and has_land and rng.random() < 0.35) else "new"
    src = {}
    for s in pat:
        if s == "L" or s == "O" or s == "C":
            src[s] = 1
        elif s == "P":
            src[s] = rng.choice([1, 1, 2, 2, 2, 3, 3]) if "L" in pat or "C" in pat else rng.choice([1, 1, 1, 1, 2, 2, 3])
        elif s == "W":
            src[s] = rng.choice([1, 1, 2, 2, 3])
    p = P(sei, mei, sei_k, mei_k, sex, birth, addr, mob, src=src, has_land=has_land)
    generics.append(p)

# a few generic twists
_g = [p for p in generics if "L" in p.src and p.mob and p.mob.startswith("090")]
_g[0].force["mob_int"] = True                          # 携帯 stored as number
_gl = [p for p in generics if "L" in p.src and p.has_land and p.addr.land.startswith("03")]
for p in _gl[:6]:
    p.force["land_int"] = True                          # lost leading zero
_gc = [p for p in generics if "C" in p.src and (p.mob or p.has_land)]
_gc[0].force["card_phone_typo"] = True
_gc[1].force["card_birth_typo"] = True
_h2 = [p for p in generics if "L" in p.src and p.birth.year < 1995 and p.birth.year > 1989]
if _h2:
    _h2[0].birth = D(1990, 11, 20)
    _h2[0].force["ledger_birth"] = "abbr"
_gm = [p for p in generics if "L" in p.src and "W" in p.src and p.mob]
_gm[0].old_mob = new_mobile()                           # second person with a new mobile
_gm[0].mob_changed_on = D(2022, 2, 1)
_gm[0].notes.append("mobile changed 2022-02")
_gmv = [p for p in generics if "L" in p.src and "C" in p.src and p is not _gm[0] and not p.force]
_gmv[0].old_addr = _gmv[0].addr
_gmv[0].addr = new_addr("mizonokuchi", 1.0, land=_gmv[0].has_land)
_gmv[0].moved_on = D(2021, 9, 1)
_gmv[0].notes.append("moved 2021-09 to 川崎市")

for i, p in enumerate(PEOPLE, 1):
    p.pid = f"P{i:04d}"

# ---------------------------------------------------------------------------
# timelines
# ---------------------------------------------------------------------------


def set_timeline(p: Person):
    lo = D(2005, 4, 1)
    if p.birth:
        lo = max(lo, years_after(p.birth, 2))
    s = p.src
    if "O" in s or "C" in s:
        hi = D(2016, 12, 31)
    elif "L" in s:
        hi = D(2024, 3, 31)
    else:
        lo = max(lo, D(2019, 4, 1))
        hi = D(2024, 8, 31)
    if s.keys() <= {"W"}:
        lo = max(lo, D(2021, 4, 1))
    p.first = rdate(lo, max(lo, hi))
    if "O" in s and "L" not in s:
        p.last = min(D(2018, 12, 31), years_after(p.first, rng.randint(1, 9)))
    else:
        p.last = LEDGER_DATE


for p in PEOPLE:
    set_timeline(p)
for _mem in households.values():
    _tw = [m for m in _mem if m.twin]
    if _tw:
        _tw[0].first = _tw[1].first = min(_tw[0].first, _tw[1].first)   # always brought in together

# hand-set timelines for the married / moved stories
m1 = [m for m in households["H04"] if m.mei == "美咲"][0]
m1.first = D(2012, 9, 15)
mai.first, emi.first, _aya.first = D(2011, 5, 22), D(2010, 7, 3), D(2014, 8, 9)
yoko.first, naoki.first = D(2008, 11, 1), D(2013, 2, 16)
for p in households["H13"] + [households["H07"][0]]:
    p.first = D(2006, 4, 8) if p.sex == "M" else D(2005, 10, 12)
    p.last = D(2015, 3, 31)

# ---------------------------------------------------------------------------
# ledger entries (顧客台帳 / 旧顧客) and customer numbers
# ---------------------------------------------------------------------------


class Entry:
    def __init__(self, p, sheet, first, asof, valid_to=None):
        self.p, self.sheet, self.first, self.asof = p, sheet, first, asof
        self.valid_to = valid_to or D(2100, 1, 1)
        self.code = None
        self.notes = []


entries: list[Entry] = []
for p in PEOPLE:
    s = p.src
    if p is m1:
        # 佐藤 美咲: old registration moved to 旧顧客 when re-registered after marriage
        e_old = Entry(p, "旧顧客", p.first, D(2020, 5, 31), valid_to=D(2020, 8, 1))
        e_old.notes.append("old registration (maiden name)")
        e_new = Entry(p, "顧客台帳", D(2020, 8, 1), LEDGER_DATE)
        e_new.notes.append("re-registered after marriage")
        entries += [e_old, e_new]
        p.entries = [e_old, e_new]
        continue
    if p is mai:
        e_old = Entry(p, "旧顧客", p.first, D(2016, 6, 30), valid_to=D(2016, 7, 1))
        e_old.notes.append("old registration (maiden name)")
        e_new = Entry(p, "顧客台帳", D(2021, 6, 12), LEDGER_DATE)
        e_new.notes.append("re-registered after marriage")
        entries += [e_old, e_new]
        p.entries = [e_old, e_new]
        continue
    if "O" in s:
        e = Entry(p, "旧顧客", p.first, p.last, valid_to=p.last)
        entries.append(e)
        p.entries.append(e)
    if "L" in s:
        asof = LEDGER_DATE
        if p is _aya:
            asof = p.first          # ledger never updated after her marriage
        e = Entry(p, "顧客台帳", p.first, asof)
        entries.append(e)
        p.entries.append(e)
        if s["L"] == 2:
            d2 = rdate(D(2021, 1, 1), D(2023, 6, 30))
            e2 = Entry(p, "顧客台帳", d2, LEDGER_DATE)
            e2.notes.append("duplicate ledger entry")
            e.notes.append("duplicate ledger entry")
            entries.append(e2)
            p.entries.append(e2)
    # (no ledger entry otherwise)

# customer numbers in order of registration, with gaps for deleted customers
entries.sort(key=lambda e: (e.first, e.p.pid))
n = 0
for e in entries:
    n += 1 if rng.random() < 0.7 else rng.randint(2, 4)
    e.code = f"A{n:04d}"


def code_at(p: Person, d: dt.date):
    cands = [e for e in p.entries if e.first <= d < e.valid_to]
    if not cands:
        return None
    if len(cands) > 1:
        return rng.choice(cands).code
    return cands[0].code


# ---------------------------------------------------------------------------
# products & prices
# ---------------------------------------------------------------------------

PRODUCTS = {
    "C001": ("カット①", 4000), "C002": ("カット②", 5000), "C010": ("キッズカット", 2000),
    "C011": ("前髪カット", 1000), "CL01": ("カラー", 6000), "CL02": ("白髪染め", 5000),
    "PM01": ("パーマ", 8000), "PM02": ("縮毛矯正", 15000), "TR01": ("トリートメント", 3000),
    "HS01": ("ヘッドスパ", 4000), "RT01": ("シャンプー(㈱ミルボン)", 2800),
    "RT02": ("トリートメント(㈱ミルボン)", 3200), "RT03": ("スタイリング剤", 2000),
}
RETAIL = {"RT01", "RT02", "RT03"}


def tax_price(base: int, d: dt.date) -> int:
    rate = 5 if d < D(2014, 4, 1) else 8 if d < D(2019, 10, 1) else 10
    return base * (100 + rate) // 100


def pick_product(p: Person, d: dt.date) -> str:
    age = p.age_at(d)
    if age < 13:
        return wchoice([("C010", 9), ("C011", 1)])
    if p.sex == "M":
        return wchoice([("C001", 12), ("C002", 3), ("HS01", 2), ("CL02" if age > 45 else "CL01", 1), ("RT03", 1)])
    return wchoice([("C001", 10), ("C002", 3), ("CL02" if age > 48 else "CL01", 6), ("PM01", 2),
                    ("PM02", 1), ("TR01", 3), ("HS01", 1), ("C011", 1), ("RT01", 1), ("RT02", 1)])


# ---------------------------------------------------------------------------
# rendering helpers shared by the sources
# ---------------------------------------------------------------------------

VAR_NOTE = {
    "髙橋": "itaiji 髙橋", "渡邊": "itaiji 渡邊", "渡邉": "itaiji 渡邉", "斎藤": "itaiji 斎藤",
    "大郎": "typo 太郎→大郎", "一朗": "typo 一郎→一朗", "大田": "typo 太田→大田", "中嶋": "variant 中島→中嶋",
}


def kanji_name(p: Person, src: str, d: dt.date, i: int):
    """(sei, mei, notes) as written in source src for record i at date d."""
    notes = []
    if p.is_maiden_at(d):
        sei = p.sei_at(d)
        notes.append("maiden name")
    else:
        vs = p.sei_var.get(src)
        sei = vs[i % len(vs)] if vs else p.sei
    vm = p.mei_var.get(src)
    mei = vm[i % len(vm)] if vm else p.mei
    for v in (sei, mei):
        if v in VAR_NOTE and v not in (p.sei, p.mei):
            notes.append(VAR_NOTE[v])
    return sei, mei, notes


def join_name(sei, mei, style):
    sep = {"z": "\u3000", "a": " ", "n": ""}[style]
    return f"{sei}{sep}{mei}"


def kana_text(sk, mk, style):
    if style == "kata":
        return f"{sk}\u3000{mk}"
    if style == "kata_a":
        return f"{sk} {mk}"
    if style == "kata_n":
        return f"{sk}{mk}"
    if style == "han":
        return hankaku(f"{sk} {mk}")
    if style == "han_n":
        return hankaku(f"{sk}{mk}")
    if style == "hira":
        return hira(f"{sk}\u3000{mk}")
    if style == "hira_a":
        return hira(f"{sk} {mk}")
    raise ValueError(style)


def phone_text(ph, style):
    a, b, c = ph.split("-")
    return {
        "hyphen": ph, "paren": f"{a}({b}){c}", "fw": zen(ph), "digits": a + b + c,
        "intl": f"+81 {a[1:]}-{b}-{c}", "choon": ph.replace("-", "ー"),
        "space": f"{a} {b} {c}", "fwparen": zen(f"{a}({b}){c}"),
    }[style]


def visit_dates(p: Person, n: int, lo: dt.date, hi: dt.date):
    lo = max(lo, p.first)
    hi = min(hi, p.last)
    return sorted(rdate(lo, hi) for _ in range(n))


# ---------------------------------------------------------------------------
# 1. ledger (xlsx)
# ---------------------------------------------------------------------------

LEDGER_HEADER = ["顧客No", "氏名", "フリガナ", "性別", "生年月日", "電話番号", "携帯", "〒", "住所", "メール", "初回来店", "備考"]
MEMOS = [
    "カラーアレルギーあり（パッチテスト必須）", "指名：鈴木", "くせ毛。縮毛矯正希望", "頭皮が弱い", "DM不要",
    "ジアミン不可", "前髪短めNG", "駐車場利用", "ポイントカード再発行済", "敏感肌", "白髪ぼかし希望",
    "お子様連れ", "指名：田村", "仕事柄明るい色NG", "旧カードあり",
]

truth = []      # (file, sheet, row, pid, note, check_key)


def note_for(p: Person, extra):
    parts = []
    if p.hh:
        parts.append(f"household {p.hh} {p.role}")
    if p.twin:
        parts.append("twin")
    parts += p.notes
    parts += [x for x in extra if x not in parts]
    return "; ".join(parts)


def ledger_values(e: Entry, i: int):
    p, d = e.p, e.asof
    notes = list(e.notes)
    sei, mei, nn = kanji_name(p, "L" if e.sheet == "顧客台帳" else "O", d, i)
    notes += nn
    name = join_name(sei, mei, wchoice([("z", 6), ("a", 3), ("n", 2)]))
    if rng.random() < 0.06:
        name += wchoice([("様", 1), (" 様", 1)])
    if rng.random() < 0.04:
        name = " " + name + " "
    ks = wchoice([("kata", 10), ("kata_a", 3), ("han", 3), ("hira", 2), ("none", 1)])
    kana = "" if ks == "none" else kana_text(p.sei_k_at(d), p.mei_k, ks)
    if p.sex == "F":
        sex = wchoice([("女", 12), ("F", 2), ("女性", 1), ("", 2)])
    else:
        sex = wchoice([("男", 10), ("男性", 3), ("M", 1), ("", 2)])
    # birth date
    bstyle = p.force.get("ledger_birth")
    if p.maiden and not bstyle:
        bstyle = rng.choice(["date", "kanji", "abbr"])    # married cases keep a birth date
    if bstyle == "date":
        birth = p.birth
    elif p.birth is None:
        birth = wchoice([(None, 1), ("不明", 1)])
    elif bstyle:
        birth = era(p.birth, bstyle)
    else:
        r = rng.random()
        if r < 0.72:
            birth = p.birth
        elif r < 0.84:
            birth = era(p.birth, wchoice([("kanji", 3), ("abbr", 3), ("kanji_fw", 1)]))
        elif r < 0.88:
            birth = p.birth.strftime("%Y/%m/%d")      # date typed as text
        elif r < 0.95:
            birth = None
        else:
            birth = "不明"
    if p.sei == "鈴木" and p.mei == "節子":
        birth = era(p.birth, "kanji")
    # phones
    land, mob = p.land_at(d), p.mob_at(d)
    if p.guardian is not None and not mob and p.force.get("guardian_mobile"):
        mob = p.guardian.mob_at(d)
        notes.append("携帯 is the mother's mobile")
    land_v = mob_v = None
    if land:
        if p.force.get("land_int"):
            land_v = int(land.replace("-", ""))
        else:
            st = wchoice([("hyphen", 8), ("paren", 3), ("fw", 2), ("digits", 2), ("int", 2)])
            land_v = int(land.replace("-", "")) if st == "int" else phone_text(land, st)
    if mob:
        if p.force.get("mob_int"):
            mob_v = int(mob.replace("-", ""))
        else:
            st = wchoice([("hyphen", 10), ("digits", 3), ("fw", 1), ("paren", 1), ("choon", 1)])
            mob_v = phone_text(mob, st)
        if land_v is None and not p.force.get("mob_int") and rng.random() < 0.12:
            land_v, mob_v = mob_v, None               # mobile typed into 電話番号
            notes.append("mobile in 電話番号 column")
    a = p.addr_at(d)
    if a.area == "sapporo":
        zip_v = int(a.zip.replace("-", ""))           # 0600001 -> 600001
    else:
        zst = wchoice([("int", 4), ("mark", 3), ("digits", 2), ("hyphen", 3), ("none", 1)])
        zip_v = {"int": int(a.zip.replace("-", "")), "mark": "〒" + a.zip,
                 "digits": a.zip.replace("-", ""), "hyphen": a.zip, "none": None}[zst]
    addr = a.text(block=wchoice([("hyphen", 6), ("chome", 4), ("kanji", 3), ("fw", 3), ("banchi", 1)]),
                  pref=rng.random() < (0.9 if AREAS[a.area][1] != "東京都" else 0.35),
                  bldg=wchoice([("space", 5), ("tight", 3), ("num", 2), ("zspace", 1)]))
    if p.old_addr and p.moved_on and d < p.moved_on:
        notes.append("old address")
    email = p.email_at(d)
    if email:
        r = rng.random()
        if r < 0.06:
            email = zen(email)
            notes.append("full-width email")
        elif r < 0.35:
            email = None
    memo = None
    if rng.random() < 0.3:
        memo = rng.choice(MEMOS)
    return [e.code, name, kana, sex, birth, land_v, mob_v, zip_v, addr, email, e.first, memo], notes


def write_ledger():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "顧客台帳"
    old = wb.create_sheet("旧顧客")
    main_entries = [e for e in entries if e.sheet == "顧客台帳"]
    old_entries = [e for e in entries if e.sheet == "旧顧客"]
    print(f"ledger: {len(main_entries)} main, {len(old_entries)} old")

    ws["A1"] = "美容室さくら 顧客台帳"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "更新: 2024年10月1日"
    for c, h in enumerate(LEDGER_HEADER, 1):
        ws.cell(row=4, column=c, value=h).font = Font(bold=True)
        old.cell(row=1, column=c, value=h).font = Font(bold=True)
    widths = [8, 16, 18, 6, 16, 16, 16, 11, 44, 30, 12, 36]
    for c, w in enumerate(widths, 1):
        col = openpyxl.utils.get_column_letter(c)
        ws.column_dimensions[col].width = w
        old.column_dimensions[col].width = w

    def put(sheet, r, e, i):
        vals, notes = ledger_values(e, i)
        p = e.p
        # hand-written remarks for the stories
        if p is yoko and sheet is ws:
            vals[11] = "2023年3月 札幌へ転居\n帰省時に来店（年2回くらい）"
        if p is m1 and sheet is ws:
            vals[11] = "旧姓 佐藤（旧顧客 参照）"
        if p.twin and p.hh == "H03" and sheet is ws:
            vals[11] = "双子"
        for c, v in enumerate(vals, 1):
            cell = sheet.cell(row=r, column=c, value=v)
            if isinstance(v, dt.date):
                cell.number_format = "yyyy/m/d"
            if c == 12 and isinstance(v, str) and "\n" in v:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        truth.append((OUT_LEDGER.name, sheet.title, r, p.pid, note_for(p, notes), vals[0]))
        return vals

    r = 5
    blank_after = len(main_entries) // 2
    na_row = None
    for i, e in enumerate(main_entries):
        if i == blank_after:
            r += 1                                      # completely blank row
        vals = put(ws, r, e, i)
        if na_row is None and i > 20 and vals[11] is None and e.p.hh is None:
            ws.cell(row=r, column=12).value = "#N/A"    # broken VLOOKUP
            assert ws.cell(row=r, column=12).data_type == "e"
            na_row = r
        r += 1
    ws.cell(row=r, column=1, value="以上")
    footer_row = r
    r = 2
    for i, e in enumerate(old_entries):
        put(old, r, e, i)
        r += 1
    wb.properties.creator = "さくら"
    wb.properties.lastModifiedBy = "さくら"
    wb.properties.created = FIXED_TS
    buf = io.BytesIO()
    wb.save(buf)
    # make the file byte-identical between runs: fixed zip dates + fixed modified stamp
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>2024-10-01T09:00:00Z\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 10, 1, 9, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            z.writestr(zi, data)
    OUT_LEDGER.write_bytes(out.getvalue())
    return dict(blank_row=5 + blank_after, footer_row=footer_row, na_row=na_row)


# ---------------------------------------------------------------------------
# 2. POS (cp932 CSV)
# ---------------------------------------------------------------------------

POS_HEADER = ["伝票番号", "売上日", "顧客コード", "顧客名", "電話番号", "商品コード", "商品名", "数量", "単価", "金額", "担当者"]


def build_pos():
    rows = []
    # dates
    for p in PEOPLE:
        n = p.src.get("P", 0)
        if not n:
            continue
        lo, hi = POS_START, POS_END
        if p is m1:
            p.pos_dates = visit_dates(p, 2, D(2019, 4, 1), D(2020, 5, 31)) + visit_dates(p, 4, D(2020, 8, 1), POS_END)
            continue
        if p is mai:
            lo = D(2021, 6, 12)
        if p is _aya:
            p.pos_dates = visit_dates(p, 2, POS_START, D(2022, 4, 1)) + visit_dates(p, 2, D(2022, 5, 1), POS_END)
            continue
        if p is naoki:
            p.pos_dates = visit_dates(p, 1, POS_START, D(2019, 12, 20)) + visit_dates(p, 2, D(2020, 2, 1), POS_END)
            continue
        if p is yoko:
            p.pos_dates = visit_dates(p, 2, POS_START, D(2023, 2, 28)) + visit_dates(p, 1, D(2023, 8, 1), POS_END)
            continue
        p.pos_dates = visit_dates(p, n, lo, hi)
    # small kids come with their mother, twins together
    for hh, mem in households.items():
        for m in mem:
            g = m.guardian
            if g and m.is_kid(LEDGER_DATE) and g.pos_dates:
                ok = [x for x in g.pos_dates if x >= m.first]
                for j in range(min(len(ok), len(m.pos_dates))):
                    if rng.random() < 0.6:
                        m.pos_dates[j] = ok[j]
                m.pos_dates.sort()
        twins = [m for m in mem if m.twin]
        if len(twins) == 2 and twins[0].is_kid(LEDGER_DATE):
            k = min(len(twins[0].pos_dates), len(twins[1].pos_dates))
            twins[1].pos_dates[:k] = twins[0].pos_dates[:k]
            twins[1].pos_dates.sort()

    for p in PEOPLE:
        pos_form = "kanji" if (p.force.get("pos_kanji") or rng.random() < 0.2) else "kana"
        for i, d in enumerate(p.pos_dates):
            notes = []
            code = code_at(p, d)
            if code is None:
                notes.append("walk-in")
            elif rng.random() < 0.05:
                code = None
                notes.append("code not entered")
            walk = code is None
            form = pos_form if not walk else wchoice([("kana", 6), ("kanji", 3)])
            if p.force.get("pos_kanji") and i % 2 == 0:
                form = "kanji"
            if form == "kanji":
                sei, mei, nn = kanji_name(p, "P", d, i)
                notes += nn
                name = join_name(sei, mei, wchoice([("z", 3), ("a", 4), ("n", 2)]) if walk else "z")
            else:
                if p.is_maiden_at(d):
                    notes.append("maiden name")
                name = kana_text(p.sei_k_at(d), p.mei_k, "han" if not walk or rng.random() < 0.85 else "han_n")
            ph = p.contact_phone(d)
            if p.guardian is not None and ph and p.mob_at(d) is None and ph != p.land_at(d):
                notes.append("phone is the mother's mobile")
            if walk and rng.random() < 0.2:
                ph = None
            if ph:
                ph = phone_text(ph, "digits" if not walk else wchoice([("digits", 3), ("hyphen", 2)]))
            if p.old_mob and d < p.mob_changed_on:
                notes.append("old mobile")
            if p.old_addr and p.moved_on and d < p.moved_on and not p.maiden:
                pass
            if walk and ph and rng.random() < 0.08:
                name = ""                                   # only a phone number was taken
                notes.append("name blank")
            prod = pick_product(p, d)
            qty = 2 if prod in RETAIL and rng.random() < 0.2 else 1
            unit = tax_price(PRODUCTS[prod][1], d)
            staff = p.stylist if rng.random() < 0.8 else wchoice(STAFF)
            rows.append(dict(d=d, t=rng.randint(600, 1140), p=p, code=code, name=name, ph=ph,
                             prod=prod, qty=qty, unit=unit, staff=staff, notes=notes))
    # returns of retail goods
    retail_rows = [r for r in rows if r["prod"] in RETAIL]
    for r in rng.sample(retail_rows, 3):
        d2 = min(POS_END, r["d"] + dt.timedelta(days=rng.randint(2, 20)))
        ret = dict(r)
        ret.update(d=d2, t=rng.randint(600, 1140), qty=-r["qty"], notes=r["notes"] + ["return"])
        rows.append(ret)
    rows.sort(key=lambda r: (r["d"], r["t"], r["p"].pid))
    seq = {}
    out = []
    for r in rows:
        y = r["d"].year
        seq[y] = seq.get(y, rng.randint(1, 60)) + rng.randint(3, 40)   # other sales in between
        slip = f"R{y}-{seq[y]:06d}"
        amount = r["qty"] * r["unit"]
        out.append(([slip, r["d"].strftime("%Y/%m/%d"), r["code"] or "", r["name"], r["ph"] or "", r["prod"],
                     PRODUCTS[r["prod"]][0], r["qty"], r["unit"], amount, r["staff"]], r["p"], r["notes"]))
    # a couple of sloppy codes ("a0012 ")
    coded = [o for o in out if o[0][2]]
    for o in rng.sample(coded, 2):
        o[0][2] = wchoice([(o[0][2].lower(), 1), (" " + o[0][2], 1), (o[0][2] + " ", 1)])
        o[2].append("code formatting")
    return out


def write_pos(out):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(POS_HEADER)
    total = 0
    for line, (row, p, notes) in enumerate(out, 2):
        w.writerow(row)
        total += row[9]
        truth.append((OUT_POS.name, "", line, p.pid, note_for(p, notes), row[0]))
    text = buf.getvalue() + f"合計,,,,,,,,,{total},\r\n"
    OUT_POS.write_bytes(enc_cp932(text))
    return total


# ---------------------------------------------------------------------------
# 3. web bookings (UTF-8 BOM CSV)
# ---------------------------------------------------------------------------

WEB_HEADER = ["予約番号", "予約日時", "来店日", "お名前", "ふりがな", "電話番号", "メールアドレス", "メニュー", "料金", "ご要望"]
WEB_MENUS = [
    ("カット", ["C001"], 10), ("カット＋カラー", ["C001", "CL01"], 6), ("カラー", ["CL01"], 3),
    ("カット＋パーマ", ["C001", "PM01"], 2), ("縮毛矯正", ["PM02"], 1), ("カット＋トリートメント", ["C001", "TR01"], 3),
    ("ヘッドスパ", ["HS01"], 1), ("白髪染め", ["CL02"], 2), ("カット（トップスタイリスト）", ["C002"], 2),
]
REQUESTS = [
    ("10時〜12時希望", 3), ("14時〜16時の間でお願いします", 2), ("前回と同じ感じで", 3), ("担当は鈴木さん希望", 2),
    ("初めてです。よろしくお願いします", 1), ("肩くらいまで切りたいです", 1), ("カット、カラー希望。時間は14時～", 1),
    ("駐車場ありますか？", 1), ("前髪は短めで\nえり足はすっきりさせたいです", 2),
    ('インスタの"ゆるふわボブ"にしたいです, 写真持参します', 1),
    ("白髪が気になってきました\n明るめの白髪ぼかし希望\n時間は夕方〜でお願いします", 1),
]


def build_web():
    rows = []
    for p in PEOPLE:
        n = p.src.get("W", 0)
        if not n:
            continue
        lo = WEB_START
        if p is m1 or p is _aya:
            lo = max(lo, p.married_on)
        p.web_dates = visit_dates(p, n, lo, WEB_END)
        for i, d in enumerate(p.web_dates):
            notes = []
            by_guardian = p.force.get("web_by_guardian") and p.guardian is not None
            sei, mei, nn = kanji_name(p, "W", d, i)
            notes += nn
            name = join_name(sei, mei, wchoice([("z", 14), ("a", 3), ("n", 2)]))
            furi = kana_text(p.sei_k_at(d), p.mei_k, wchoice([("hira", 12), ("hira_a", 3), ("kata", 2)]))
            if by_guardian:
                g = p.guardian
                if g.email is None:
                    g.email = make_email(g.sei_k, g.mei_k, g.birth)
                ph, mail = g.mob_at(d), g.email_at(d)
                notes.append("booked with mother's phone/email")
                req = rng.choice(["子供のカットです", "子供です。母が付き添います", "キッズカット希望\n動いてしまうかもしれません"])
                menu = ("キッズカット", ["C010"])
            else:
                ph, mail = p.mob_at(d) or p.land_at(d), p.email_at(d)
                if mail is None:
                    p.email = mail = make_email(p.sei_k_at(d), p.mei_k, p.birth)
                if p.old_mob and d < p.mob_changed_on:
                    notes.append("old mobile")
                req = wchoice([(None, 22)] + REQUESTS)
                m = wchoice([((lbl, codes), w) for lbl, codes, w in WEB_MENUS])
                menu = m
                if p.sex == "M" and "カラー" in m[0] and rng.random() < 0.7:
                    menu = ("カット", ["C001"])
            if mail and rng.random() < 0.04:
                mail = mail[0].upper() + mail[1:]           # phone auto-capitalised it
            price = sum(tax_price(PRODUCTS[c][1], d) for c in menu[1])
            fee = f"¥{price:,}" if rng.random() < 0.6 else f"{price}円"
            pst = wchoice([("hyphen", 6), ("digits", 3), ("intl", 1)])
            booked = d - dt.timedelta(days=rng.randint(0, 21))
            if booked > WEB_EXPORT:
                booked = WEB_EXPORT - dt.timedelta(days=rng.randint(0, 5))
            bt = dt.datetime.combine(booked, dt.time(rng.randint(7, 23), rng.randint(0, 59)))
            rows.append(dict(bt=bt, d=d, name=name, furi=furi, ph=phone_text(ph, pst) if ph else "",
                             mail=mail or "", menu=menu[0], fee=fee, req=req or "", p=p, notes=notes))
    rows.sort(key=lambda r: (r["bt"], r["p"].pid))
    per_day = Counter()
    out = []
    for r in rows:
        per_day[r["bt"].date()] += 1
        no = f"W{r['bt']:%y%m%d}-{per_day[r['bt'].date()]:03d}"
        out.append(([no, r["bt"].strftime("%Y/%m/%d %H:%M"), r["d"].strftime("%Y/%m/%d"), r["name"], r["furi"],
                     r["ph"], r["mail"], r["menu"], r["fee"], r["req"]], r["p"], r["notes"]))
    return out


def write_web(out):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(WEB_HEADER)
    line = 2
    for row, p, notes in out:
        w.writerow(row)
        extra = [] if "\n" not in row[9] else ["multi-line ご要望"]
        truth.append((OUT_WEB.name, "", line, p.pid, note_for(p, notes + extra), row[0]))
        line += 1 + sum(f.count("\n") for f in map(str, row))
    OUT_WEB.write_bytes(buf.getvalue().encode("utf-8-sig"))


# ---------------------------------------------------------------------------
# 4. paper kartes (cp932 text)
# ---------------------------------------------------------------------------

CARD_MEMOS = [
    ("カラーは6レベルで", None), ("くせ毛強い", "  雨の日は広がりやすい"), ("次回：パーマ希望", None),
    ("おしゃべり好き", None), ("頭皮かゆみあり", "\u3000\u3000シャンプー注意"), ("ジアミンかぶれ歴あり", "  ヘナで対応"),
    ("前髪は眉上NG", None), ("耳の後ろにほくろ", None), ("白髪染め 5/0", "    2剤 6%"),
]


def build_cards():
    cards = []
    for p in PEOPLE:
        if not p.src.get("C"):
            continue
        first = p.first
        if first > D(2018, 6, 30):
            first = rdate(max(D(2012, 1, 1), years_after(p.birth, 2)), D(2018, 6, 30))
            p.first = min(p.first, first)
        cards.append((first, p))
    cards.sort(key=lambda x: (x[0], x[1].pid))
    out = []
    no = 0
    for first, p in cards:
        no += rng.randint(1, 6)
        d = first
        notes = []
        lines = []

        def colon():
            return ":" if rng.random() < 0.06 else "："

        def kv(k, v):
            lines.append(f"{k}{colon()}{v}")

        if rng.random() < 0.9:
            kv("カルテNo", f"{no:04d}" if rng.random() < 0.8 else f"No.{no}")
        sei, mei, nn = kanji_name(p, "C", d, 0)
        notes += nn
        nm = join_name(sei, mei, wchoice([("z", 4), ("a", 2), ("n", 2)]))
        if rng.random() < 0.5:
            nm += wchoice([("\u3000様", 2), (" 様", 1), ("様", 2)])
        kv("氏名", nm)
        kv("フリガナ", kana_text(p.sei_k_at(d), p.mei_k, wchoice([("han", 5), ("kata", 4), ("hira", 2), ("han_n", 1)])))
        if p.birth and rng.random() < 0.9:
            bd = p.birth
            if p.force.get("card_birth_typo"):
                bd = bd.replace(day=bd.day + 5 if bd.day < 20 else bd.day - 5)
                notes.append("birth date copied wrong")
            st = p.force.get("card_birth") or wchoice([("abbr", 5), ("kanji", 3), ("west", 2), ("abbr0", 1)])
            kv("生年月日", f"{bd.year}.{bd.month}.{bd.day}" if st == "west" else era(bd, st))
        elif rng.random() < 0.5:
            kv("生年月日", "不明")
        kv("性別", wchoice([("女", 5), ("女性", 1)]) if p.sex == "F" else wchoice([("男", 5), ("男性", 1)]))
        a = p.addr_at(d)
        zip_part = wchoice([("〒" + a.zip + " ", 4), ("", 2), (a.zip + " ", 1)])
        atext = a.text(block=wchoice([("hyphen", 5), ("chome", 3), ("kanji", 3), ("fw", 2)]),
                       pref=rng.random() < 0.4, bldg="none")
        kv("住所", zip_part + atext)
        if a.bldg:
            lines.append(wchoice([("\u3000\u3000\u3000", 2), ("      ", 2), ("  ", 1)]) + f"{a.bldg}{a.room}号室")
        if p.old_addr and p.moved_on and d < p.moved_on:
            notes.append("old address")
        if p.is_maiden_at(d) and "maiden name" not in notes:
            notes.append("maiden name")
        land, mob = p.land_at(d), p.mob_at(d)
        if p.guardian is not None and not mob:
            mob = None
        if land:
            kv("電話", phone_text(land, wchoice([("hyphen", 5), ("paren", 2), ("fw", 1)])))
        if mob:
            m = mob
            if p.force.get("card_phone_typo"):
                digs = list(m)
                j = 9 if m[9] != m[10] else 10
                digs[j], digs[j + 1] = digs[j + 1], digs[j]
                m = "".join(digs)
                notes.append("mobile digits swapped on card")
            if p.old_mob and d < p.mob_changed_on:
                notes.append("old mobile")
            kv("携帯", phone_text(m, wchoice([("hyphen", 5), ("digits", 1), ("fw", 1)])))
        # visit history
        hist = []
        vd = sorted(rdate(d, min(CARD_END, p.last, years_after(d, 6))) for _ in range(rng.randint(1, 5)))
        vd[0] = d
        for v in vd:
            prod = pick_product(p, v)
            if prod in RETAIL:
                prod = "C001"
            label = PRODUCTS[prod][0].replace("①", "").replace("②", "")
            ds = f"{v.year}.{v.month}.{v.day}" if rng.random() < 0.8 else era(v, "abbr")
            staff = p.stylist if rng.random() < 0.85 else wchoice(STAFF)
            hist.append(f"{ds} {label} ￥{tax_price(PRODUCTS[prod][1], v):,} 担当:{staff}")
        memo = rng.choice(CARD_MEMOS) if rng.random() < 0.55 else None
        memo_first = memo is not None and rng.random() < 0.3
        if memo_first:
            kv("メモ", memo[0])
            if memo[1]:
                lines.append(memo[1])
        for h in hist:
            kv("来店履歴", h)
        if memo and not memo_first:
            kv("メモ", memo[0])
            if memo[1]:
                lines.append(memo[1])
        nimg = wchoice([(1, 6), (2, 2), (0, 1)])
        for k in range(nimg):
            kv("画像", f"scan_{no * 2 + k:04d}.jpg")
        out.append((lines, p, notes))
    return out


def write_cards(cards):
    text_lines = [
        "# 美容室さくら 紙カルテ 打ち込みデータ",
        "# 入力：アルバイト（2019年3月） 読めない字はそのまま",
        "",
    ]
    truth_rows = []
    for i, (lines, p, notes) in enumerate(cards):
        if i > 0:
            sep = wchoice([("----------", 10), ("---", 1), ("------------------------------", 1)])
            if rng.random() < 0.15:
                text_lines.append("")
            text_lines.append(sep)
            if rng.random() < 0.15:
                text_lines.append("")
        if i == len(cards) // 2:
            text_lines.append("# ここからファイル2冊目")
        start = len(text_lines) + 1
        truth_rows.append((OUT_CARDS.name, "", start, p.pid, note_for(p, notes), lines[0]))
        text_lines.extend(lines)
    text_lines.append("----------")
    OUT_CARDS.write_bytes(enc_cp932("\r\n".join(text_lines) + "\r\n"))
    truth.extend(truth_rows)


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------


def main():
    info = write_ledger()
    pos = build_pos()
    total = write_pos(pos)
    web = build_web()
    write_web(web)
    cards = build_cards()
    write_cards(cards)

    OUT_TRUTH.parent.mkdir(parents=True, exist_ok=True)
    order = {OUT_LEDGER.name: 0, OUT_POS.name: 1, OUT_WEB.name: 2, OUT_CARDS.name: 3}
    sheet_order = {"顧客台帳": 0, "旧顧客": 1, "": 0}
    rows = sorted(truth, key=lambda t: (order[t[0]], sheet_order[t[1]], t[2]))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["source_file", "sheet", "row", "person_id", "note"])
    for t in rows:
        w.writerow(t[:5])
    OUT_TRUTH.write_bytes(buf.getvalue().encode("utf-8"))

    check(rows, info, total)


# ---------------------------------------------------------------------------
# read everything back and verify
# ---------------------------------------------------------------------------


def check(rows, info, total):
    errors = []

    def req(cond, msg):
        if not cond:
            errors.append(msg)

    by_file = defaultdict(dict)
    for f, sheet, r, pid, note, key in rows:
        req((sheet, r) not in by_file[f], f"duplicate truth row {f} {sheet} {r}")
        by_file[f][(sheet, r)] = (pid, key)

    # --- xlsx
    wb = openpyxl.load_workbook(OUT_LEDGER)
    req(wb.sheetnames == ["顧客台帳", "旧顧客"], "sheet names")
    ws = wb["顧客台帳"]
    req(ws["A1"].value == "美容室さくら 顧客台帳", "title")
    req(ws["A2"].value == "更新: 2024年10月1日", "update line")
    req(all(c.value is None for c in ws[3]), "row 3 blank")
    req([c.value for c in ws[4]] == LEDGER_HEADER, "ledger header")
    old = wb["旧顧客"]
    req([c.value for c in old[1]] == LEDGER_HEADER, "old header")
    found = {}
    kinds = Counter()
    for sheet, first_row in ((ws, 5), (old, 2)):
        for row in sheet.iter_rows(min_row=first_row):
            vals = [c.value for c in row]
            r = row[0].row
            if all(v is None for v in vals):
                kinds["blank"] += 1
                continue
            if vals[0] == "以上":
                kinds["footer"] += 1
                req(r == sheet.max_row, "footer is last row")
                continue
            found[(sheet.title, r)] = vals[0]
            for c in row:
                if c.data_type == "e":
                    kinds["error:" + str(c.value)] += 1
                if c.is_date:
                    kinds["date:" + LEDGER_HEADER[c.column - 1]] += 1
                    req(c.number_format == "yyyy/m/d", f"date format at {sheet.title}!{c.coordinate}")
                if isinstance(c.value, int) and LEDGER_HEADER[c.column - 1] in ("電話番号", "携帯", "〒"):
                    kinds["int:" + LEDGER_HEADER[c.column - 1]] += 1
            if isinstance(vals[4], str):
                kinds["birth_text"] += 1
            if isinstance(vals[11], str) and "\n" in vals[11]:
                kinds["multiline"] += 1
    exp = {k: v[1] for k, v in by_file[OUT_LEDGER.name].items()}
    req(found == exp, f"xlsx rows differ: {set(found.items()) ^ set(exp.items())}")
    req(kinds["blank"] == 1, f"blank rows {kinds['blank']}")
    req(kinds["footer"] == 1, "footer")
    req(kinds["error:#N/A"] == 1, "#N/A error cell")
    req(ws.cell(row=info["na_row"], column=12).data_type == "e", "#N/A data_type")
    req(kinds["int:携帯"] == 1, f"int mobiles {kinds['int:携帯']}")
    req(kinds["int:電話番号"] >= 6, "int landlines")
    req(600001 in [c.value for c in ws["H"]], "Hokkaido zip as number 600001")
    req(kinds["multiline"] == 1, "multi-line 備考")
    req(kinds["birth_text"] >= 6, "era birth text")
    req(info["blank_row"] < info["footer_row"], "blank row placement")
    addrs = " ".join(str(c.value) for c in ws["I"] + old["I"])
    for pref in ("世田谷区", "神奈川県", "さいたま市", "北海道"):
        req(pref in addrs, f"ledger has an address in {pref}")
    for col in ("生年月日", "初回来店"):
        req(kinds["date:" + col] >= 50, f"date cells in {col}")

    # --- POS
    raw = OUT_POS.read_bytes()
    text = raw.decode("cp932")
    req(b"\xfb\xfc" in raw, "髙 as IBM extension FBFC in POS")
    req(raw.count(b"\n") == raw.count(b"\r\n") and b"\r\r" not in raw, "POS CRLF only")
    for ch in "髙①㈱ﾞ":
        req(ch in text, f"POS has {ch}")
    phys = text.split("\r\n")
    f = io.StringIO(text, newline="")
    rd = csv.reader(f)
    prev = 0
    pos_rows = {}
    for rec in rd:
        start = prev + 1
        prev = rd.line_num
        if start == 1:
            req(rec == POS_HEADER, "POS header")
            continue
        if rec[0] == "合計":
            req(rec == ["合計"] + [""] * 8 + [str(total), ""], "POS trailer")
            req(phys[start - 1] == f"合計,,,,,,,,,{total},", "trailer text")
            continue
        req(len(rec) == 11, f"POS fields at {start}")
        req(phys[start - 1].startswith(rec[0]), f"POS line {start}")
        pos_rows[("", start)] = rec[0]
    req(pos_rows == {k: v[1] for k, v in by_file[OUT_POS.name].items()}, "POS rows differ")
    slips = list(pos_rows.values())
    req(len(slips) == len(set(slips)), "伝票番号 unique")
    s = sum(int(r[9]) for r in csv.reader(io.StringIO(text, newline="")) if r and r[0].startswith("R"))
    req(s == total, "POS total")

    # --- web
    raw = OUT_WEB.read_bytes()
    req(raw.startswith(b"\xef\xbb\xbf"), "web BOM")
    text = raw.decode("utf-8-sig")
    phys = text.split("\n")
    f = io.StringIO(text, newline="")
    rd = csv.reader(f)
    prev = 0
    web_rows = {}
    multi = 0
    for rec in rd:
        start = prev + 1
        prev = rd.line_num
        if start == 1:
            req(rec == WEB_HEADER, "web header")
            continue
        req(len(rec) == 10, f"web fields at {start}")
        req(phys[start - 1].startswith(rec[0] + ","), f"web line {start}")
        if prev > start:
            multi += 1
        web_rows[("", start)] = rec[0]
    req(web_rows == {k: v[1] for k, v in by_file[OUT_WEB.name].items()}, "web rows differ")
    req(multi >= 2, "multi-line web records")
    req("〜" in text and "+81 " in text and "¥" in text and "円" in text, "web features")
    # record terminators are CRLF; embedded newlines are bare LF inside quotes
    req(text.count("\r\n") == len(web_rows) + 1, "web CRLF record ends")

    # --- cards
    raw = OUT_CARDS.read_bytes()
    text = raw.decode("cp932")
    req(raw.count(b"\n") == raw.count(b"\r\n"), "cards CRLF")
    lines = text.split("\r\n")
    starts = {}
    in_block = False
    for i, ln in enumerate(lines, 1):
        if re.fullmatch(r"-{3,}", ln.strip()):
            in_block = False
            continue
        if not ln.strip() or ln.startswith("#"):
            continue
        if not in_block:
            in_block = True
            starts[("", i)] = ln
    req(starts == {k: v[1] for k, v in by_file[OUT_CARDS.name].items()}, "card rows differ")
    req(":" in text and "：" in text and "画像" in text and "\u3000\u3000" in text, "card features")

    # --- people
    pids = Counter(r[3] for r in rows)
    req(set(pids) == {p.pid for p in PEOPLE}, "every person has a record")

    if errors:
        print("CHECK FAILED:")
        for e in errors:
            print("  -", e)
        sys.exit(1)

    # summary
    cnt = Counter(r[0] + ("/" + r[1] if r[1] else "") for r in rows)
    print("records:", dict(cnt))
    srcs_per_person = Counter()
    for p in PEOPLE:
        files = {r[0] for r in rows if r[3] == p.pid}
        srcs_per_person[len(files)] += 1
    print("people:", len(PEOPLE), "files-per-person:", dict(sorted(srcs_per_person.items())),
          "single-record people:", sum(1 for v in pids.values() if v == 1))
    print("households:", len(households), "members:", sum(len(v) for v in households.values()),
          "married:", sum(1 for p in PEOPLE if p.maiden))
    for pth in (OUT_LEDGER, OUT_POS, OUT_WEB, OUT_CARDS, OUT_TRUTH):
        print(f"{hashlib.sha256(pth.read_bytes()).hexdigest()[:16]}  {pth.relative_to(ROOT)}")
    print("OK")


if __name__ == "__main__":
    main()
