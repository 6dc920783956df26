#!/usr/bin/env python3
"""Benchmark corpus 3: みどり台歯科クリニック, a fictional dental clinic in 所沢.

    python3 benches/make_corpus3.py --people 5000 --seed 20261208 --out DIR [--mappings DIR]
    python3 benches/make_corpus3.py --people 5000 DIR          # the output folder as an argument

Written apart from benches/make_corpus.py and benches/make_corpus2.py (without
reading them) so that a matching rule tuned to those two corpora can be checked
on data shaped by other hands. Every person, name, phone, e-mail and address
is made up; the towns and postal codes are real (所沢 and its neighbours, so
that karte's postal table knows them).

The clinic's four sources, each in the shape a real one has:

- corpus3_ledger.xlsx (sheet 患者台帳): the patient ledger kept in Excel since
  2012 — a title row above the header, 姓 and 名 in separate kanji columns,
  the reading in one half-width katakana column, phones typed as numbers
  (the leading 0 lost), birth dates as real Excel dates in most rows and as
  era text (昭和55年3月4日, S55.3.4) in others, 〒 as text or as a number.
- corpus3_reserve.csv: the reservation and accounting system's export (CP932,
  CRLF, one row per visit since 2020; the patient master repeated on each
  row; dates yyyymmdd; patients booked by phone have their name in
  full-width katakana only; foreign patients in latin letters).
- corpus3_web.csv: the web first-visit form (UTF-8 without BOM): what people
  type themselves — digits of both widths, four kinds of dash, capitals in
  e-mails, addresses with and without the prefecture, hiragana readings,
  names with or without a space, a parent filling in a child's form.
- corpus3_cards.txt: the paper kartes of 2005–2016 typed up in 2019 by three
  people, each with their own keys and colons (CP932).

The people: households (a couple, their children, sometimes a grandparent)
share a surname, an address and a landline, sometimes an e-mail, and a
child's records carry a parent's mobile; twins share a birth date too;
names are drawn from frequency-weighted pools (real surname ranks, given
names by birth cohort), so namesakes grow with the corpus; women marry and
change surname (and address), households move, people change mobiles;
about 4 % are foreign customers whose katakana varies between records.

Outputs beside the sources:

- truth.csv — source_file,sheet,row,person_id,household_id,kind (the format
  benches/score.py reads; kind is ';'-separated tags);
- corpus3_noise.csv — for every record, what the generator knows of it:
  which version of the person's surname, address, mobile, landline and
  e-mail it carries (ids, never values), which fields it lacks, and the
  noise it was given. benches/corpus3_classes.py reads it to say, of the
  true pairs karte left apart, which noise made each of them.

Deterministic for a given --people and --seed (python3, stdlib and openpyxl).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import shutil
import sys
from collections import Counter, defaultdict

TODAY = dt.date(2026, 11, 30)
CLINIC = "みどり台歯科クリニック"

# --------------------------------------------------------------------------
# Name pools
# --------------------------------------------------------------------------

# Surname, reading(s) (the first the usual one), weight (roughly people per
# 10,000 in Japan; 新井 is raised: this is Saitama), written variants.
SURNAMES = """
佐藤 サトウ 187 | 鈴木 スズキ 179 | 高橋 タカハシ 142 髙橋 | 田中 タナカ 134 | 伊藤 イトウ 108
渡辺 ワタナベ 107 渡邊,渡邉 | 山本 ヤマモト 107 | 中村 ナカムラ 105 | 小林 コバヤシ 102 | 加藤 カトウ 89
吉田 ヨシダ 84 𠮷田 | 山田 ヤマダ 82 | 佐々木 ササキ 68 | 山口 ヤマグチ 64 | 松本 マツモト 63
井上 イノウエ 61 | 木村 キムラ 58 | 林 ハヤシ 53 | 斎藤 サイトウ 53 齋藤 | 清水 シミズ 52
山崎 ヤマザキ/ヤマサキ 49 山﨑,山嵜 | 森 モリ 47 | 池田 イケダ 44 | 橋本 ハシモト 44 | 阿部 アベ 44
石川 イシカワ 43 | 山下 ヤマシタ 42 | 中島 ナカジマ/ナカシマ 40 中嶋 | 石井 イシイ 39 | 小川 オガワ 39
前田 マエダ 38 | 岡田 オカダ 38 | 長谷川 ハセガワ 37 | 藤田 フジタ 37 | 後藤 ゴトウ 37
近藤 コンドウ 36 | 村上 ムラカミ 34 | 遠藤 エンドウ 33 | 青木 アオキ 33 | 坂本 サカモト 32
斉藤 サイトウ 32 齊藤 | 福田 フクダ 32 | 太田 オオタ 31 | 西村 ニシムラ 31 | 藤井 フジイ 30
金子 カネコ 30 | 岡本 オカモト 30 | 藤原 フジワラ 30 | 中野 ナカノ 30 | 三浦 ミウラ 29
原田 ハラダ 29 | 中川 ナカガワ 29 | 松田 マツダ 29 | 竹内 タケウチ 28 | 小野 オノ 28
田村 タムラ 28 | 中山 ナカヤマ 28 | 和田 ワダ 27 | 石田 イシダ 27 | 森田 モリタ 27
上田 ウエダ 26 | 原 ハラ 26 | 内田 ウチダ 26 | 柴田 シバタ 25 | 酒井 サカイ 25
宮崎 ミヤザキ 25 宮﨑 | 横山 ヨコヤマ 25 | 高木 タカギ 25 髙木 | 安藤 アンドウ 25 | 宮本 ミヤモト 24
大野 オオノ 24 | 小島 コジマ 24 小嶋 | 谷口 タニグチ 23 | 今井 イマイ 23 | 工藤 クドウ 23
高田 タカダ 23 髙田 | 増田 マスダ 23 | 丸山 マルヤマ 22 | 杉山 スギヤマ 22 | 村田 ムラタ 22
大塚 オオツカ 22 | 新井 アライ 40 | 小山 コヤマ 22 | 平野 ヒラノ 21 | 藤本 フジモト 21
河野 コウノ/カワノ 21 | 上野 ウエノ 21 | 野口 ノグチ 21 | 武田 タケダ 21 | 松井 マツイ 21
千葉 チバ 20 | 岩崎 イワサキ 20 岩﨑 | 菅原 スガワラ 20 | 木下 キノシタ 20 | 久保 クボ 20
佐野 サノ 20 | 野村 ノムラ 20 | 松尾 マツオ 20 | 市川 イチカワ 19 | 菊地 キクチ 19
菊池 キクチ 18 | 杉本 スギモト 18 | 古川 フルカワ 18 | 大西 オオニシ 18 | 島田 シマダ 18 嶋田
水野 ミズノ 18 | 桜井 サクライ 18 櫻井 | 高野 タカノ 18 髙野 | 渡部 ワタナベ/ワタベ 17 | 吉川 ヨシカワ 17 𠮷川
山内 ヤマウチ 17 | 西田 ニシダ 17 | 飯田 イイダ 17 | 菅野 カンノ/スガノ 17 | 中西 ナカニシ 16
服部 ハットリ 16 | 樋口 ヒグチ 16 | 福島 フクシマ 16 | 川口 カワグチ 16 | 永井 ナガイ 16
松岡 マツオカ 16 | 田口 タグチ 16 | 山中 ヤマナカ 16 | 森本 モリモト 15 | 土屋 ツチヤ 15
矢野 ヤノ 15 | 広瀬 ヒロセ 15 廣瀬 | 秋山 アキヤマ 15 | 石原 イシハラ 15 | 松下 マツシタ 15
大橋 オオハシ 15 | 浅野 アサノ 15 | 小池 コイケ 15 | 岩田 イワタ 15 | 馬場 ババ 14
荒井 アライ 14 | 北村 キタムラ 14 | 平田 ヒラタ 14 | 関 セキ 14 關 | 浜田 ハマダ 14 濱田
沢田 サワダ 13 澤田 | 東 ヒガシ/アズマ 12 | 黒田 クロダ 12 | 角田 ツノダ/カクタ/スミダ 10 | 長島 ナガシマ 10 長嶋
富田 トミタ 10 冨田 | 辻 ツジ 10 | 小沢 オザワ 10 小澤 | 高山 タカヤマ 10 髙山 | 大沢 オオサワ 8 大澤
野崎 ノザキ 8 野﨑 | 広田 ヒロタ 8 廣田 | 中沢 ナカザワ 7 中澤 | 国分 コクブン 6 國分 | 梅沢 ウメザワ 6 梅澤
滝沢 タキザワ 6 瀧澤,滝澤 | 柳沢 ヤナギサワ 6 柳澤 | 徳田 トクダ 6 德田 | 真田 サナダ 5 眞田 | 槙野 マキノ 3 槇野
田辺 タナベ 12 田邊,田邉 | 神田 カンダ 9 | 五十嵐 イガラシ 11 | 大久保 オオクボ 9 | 小野寺 オノデラ 7
"""

# The long tail: prefix + suffix compounds, most of them real surnames.
TAIL_PREFIX = ("大:オオ 小:コ 中:ナカ 上:カミ 下:シモ 北:キタ 南:ミナミ 西:ニシ 高:タカ 長:ナガ 石:イシ 岩:イワ "
               "松:マツ 竹:タケ 梅:ウメ 杉:スギ 桜:サクラ 森:モリ 川:カワ 金:カネ 吉:ヨシ 福:フク 今:イマ 宮:ミヤ "
               "平:ヒラ 新:ニイ 若:ワカ 青:アオ 白:シラ 黒:クロ 藤:フジ 菅:スガ 荒:アラ 浅:アサ 深:フカ 星:ホシ "
               "水:ミズ 熊:クマ 鶴:ツル 亀:カメ 柳:ヤナギ 相:アイ 奥:オク 市:イチ 片:カタ 坂:サカ 飯:イイ 丸:マル "
               "有:アリ 秋:アキ 春:ハル 寺:テラ 増:マス 滝:タキ 安:ヤス 永:ナガ 富:トミ 堀:ホリ 栗:クリ 野:ノ 谷:タニ").split()
TAIL_SUFFIX = ("田:タ:ダ 川:カワ:ガワ 山:ヤマ 野:ノ 島:シマ:ジマ 村:ムラ 井:イ 本:モト 木:キ:ギ 沢:サワ:ザワ 原:ハラ:バラ "
               "崎:サキ:ザキ 谷:タニ:ヤ 口:グチ 部:ベ 岡:オカ 池:イケ 橋:ハシ:バシ 浦:ウラ 瀬:セ 尾:オ 内:ウチ "
               "塚:ツカ:ヅカ 畑:ハタ:バタ 宮:ミヤ 城:シロ:ジロ 倉:クラ:グラ 森:モリ 澤:サワ:ザワ").split()
SUFFIX_VARIANT = {"島": "嶋", "崎": "﨑", "沢": "澤", "高": "髙", "浜": "濱", "辺": "邊"}

# Given names by birth cohort: reading (hiragana) and its kanji, the usual
# first; the others are homophones a clerk may write instead.
GIVEN = {
    ("F", 1): """かずこ 和子 | さちこ 幸子,祥子 | せつこ 節子 | ひろこ 弘子,博子,裕子 | ようこ 洋子,陽子,容子 | けいこ 恵子,敬子,啓子
        | きょうこ 京子,恭子 | よしこ 良子,好子,芳子 | のりこ 典子,紀子,法子 | みちこ 美智子,道子 | えいこ 栄子,英子
        | ふみこ 文子,富美子 | まさこ 正子,雅子 | とよこ 豊子 | ちえこ 千恵子,智恵子 | すみこ 澄子,純子 | かよこ 加代子,佳代子
        | やすこ 康子,泰子,靖子 | としこ 敏子,俊子,淑子 | ひさこ 久子 | はるみ 晴美 | たえこ 妙子 | のぶこ 信子,伸子
        | ふさこ 房子 | きみこ 君子,公子 | はつえ 初江 | ちよこ 千代子 | とみこ 富子,登美子 | しずこ 静子 | みよこ 美代子""",
    ("F", 2): """ゆみこ 由美子,裕美子,由実子 | まゆみ 真由美,真弓,麻由美 | くみこ 久美子 | なおみ 直美,尚美,奈緒美
        | あけみ 明美,朱美 | ひろみ 浩美,裕美,弘美,博美 | ともこ 智子,知子,朋子,友子 | ゆうこ 裕子,優子,祐子,有子
        | じゅんこ 順子,純子,淳子 | まさみ 雅美,正美 | えみこ 恵美子 | みゆき 美由紀,美幸,みゆき | かおり 香織,かおり,佳織
        | きよみ 清美 | さとみ 里美,聡美,智美 | めぐみ 恵,めぐみ | りえ 理恵,利恵 | みほ 美穂 | ゆかり ゆかり,由香里
        | まり 真理,麻里 | あつこ 敦子,篤子 | れいこ 玲子,礼子,麗子 | けいこ 恵子,啓子 | やよい 弥生 | しのぶ 忍
        | かずみ 和美 | たかこ 孝子,貴子 | みえこ 美恵子,三恵子""",
    ("F", 3): """あい 愛 | めぐみ 恵,めぐみ | まい 麻衣,舞 | ゆき 由紀,友紀,有希 | さおり 沙織,香織,早織 | えり 恵理,絵里,江里
        | あやこ 綾子,彩子 | ちひろ 千尋,千裕 | ともみ 友美,智美 | まゆ 真由,麻由 | りか 理香,里佳,梨花 | なおこ 直子,尚子
        | みか 美香,美佳 | あゆみ 歩,亜由美,あゆみ | かな 加奈,佳奈,香奈 | はるか 遥,春香 | あさみ 麻美
        | ゆか 由佳,有香,裕香 | ようこ 陽子,洋子 | なつき 夏希 | のぞみ 希,望 | さやか 沙耶香,清香,さやか
        | ゆりこ 百合子 | えみ 恵美,絵美 | まき 真紀,麻紀 | ちか 千佳,智香 | あや 彩,綾,亜矢 | しおり 栞,詩織""",
    ("F", 4): """みさき 美咲,岬 | あやか 彩花,彩香,綾香 | なつみ 夏美,菜摘 | ゆい 結衣,由衣,唯 | あかね 茜,朱音
        | はるな 春菜,遥菜 | さき 早紀,沙希,咲 | まな 真奈,愛 | ももか 桃花,萌花 | ななみ 七海,菜々美 | みゆ 美優,未優
        | ほのか 穂乃香,ほのか | あすか 明日香,飛鳥 | りな 里奈,莉奈 | かほ 果歩,佳穂 | まりな 真里奈 | ゆうか 優花,夕夏,友香
        | ちなつ 千夏 | えりか 恵梨香,絵里香 | もえ 萌,萌絵 | あみ 亜美,愛美 | ひかり 光,ひかり | みずき 瑞希,美月,みずき
        | さくら さくら,桜 | りさ 理沙,梨紗 | あおい 葵,あおい | ゆな 優奈,由奈""",
    ("F", 5): """ひな 陽菜,日菜,ひな | ゆいな 結菜,唯菜 | えま 咲茉,恵茉,えま | りこ 莉子,理子 | めい 芽依,芽衣,めい | つむぎ 紬
        | あおい 葵 | ゆづき 結月,優月 | みお 美桜,澪,美緒 | さな 紗菜,咲菜 | こはる 心春,小春 | いろは 彩葉,いろは
        | ひまり 陽葵,日葵,ひまり | りん 凛,鈴 | ゆあ 結愛,優愛 | あかり 朱莉,灯,あかり | のあ 乃愛,希空 | ここな 心菜
        | かんな 栞奈,柑奈 | みつき 美月,光希 | ゆうな 優奈,結菜 | さくら さくら,咲良 | はな 花,華 | ことは 琴葉
        | あんな 杏奈,杏菜 | まひろ 真尋,茉紘 | ほのか 穂花,帆花""",
    ("M", 1): """ひろし 博,浩,弘,宏 | きよし 清,潔 | たかし 隆,孝,崇,高志 | まさお 正雄,正夫,政男 | しげる 茂,繁 | みのる 実,稔
        | いさむ 勇 | すすむ 進 | おさむ 修,治 | かずお 和夫,一男,和男 | としお 敏夫,俊夫,利夫 | よしお 義雄,良夫,芳男
        | あきら 明,彰,晃 | ただし 正,忠 | まもる 守,衛 | のぼる 昇,登 | てつお 哲夫,鉄男 | ひでお 秀夫,英雄 | ゆたか 豊,裕
        | さとる 悟,覚 | つとむ 勉,努 | いさお 功,勲 | はじめ 一,肇,元 | くにお 邦夫,国男 | かつみ 勝美,克己
        | やすお 康夫,安雄 | のりお 則夫,紀夫,典男""",
    ("M", 2): """まこと 誠,真 | ひろし 浩,博,弘,宏 | たかし 隆,孝,崇 | ひろゆき 弘之,博之,浩之,裕之 | まさひろ 雅弘,正弘,昌宏
        | けんじ 健二,健治,賢治,憲司 | こうじ 浩二,幸治,光司,孝二 | しんじ 伸二,信二,真司,慎二 | あつし 淳,篤,敦
        | さとし 聡,智,哲 | やすし 靖,康,泰 | てつや 哲也,徹也 | かずひろ 和弘,一浩 | としゆき 敏之,俊之,利幸
        | ひでき 秀樹,英樹 | なおき 直樹,尚樹 | まさし 正,雅史,昌志 | つよし 剛,強 | よしひろ 義弘,良弘 | かずや 和也,一也
        | ゆうじ 裕二,雄二,祐司 | たかひろ 隆弘,貴博,孝浩 | しげき 茂樹,繁樹 | おさむ 修,治 | まさる 勝,優""",
    ("M", 3): """だいすけ 大輔,大介 | たくや 拓也,卓也 | けんた 健太 | しょうた 翔太,将太 | ゆうすけ 雄介,祐介,裕介,勇輔
        | たつや 達也,竜也 | かずき 一樹,和樹 | なおき 直樹 | りょう 亮,涼,良 | まさき 正樹,雅樹 | ゆうき 勇気,雄樹,祐希
        | こうへい 浩平,康平,耕平 | しゅんすけ 俊介,峻輔 | ともや 智也,友哉 | ひろき 大樹,弘樹,寛樹 | よういち 洋一,陽一
        | けいすけ 圭介,啓介,恵介 | じゅん 純,淳,潤 | たけし 武,健,剛 | ゆうた 裕太,雄太,勇太 | しんや 慎也,伸也,真也
        | りょうた 亮太,涼太,良太 | まさと 将人,正人 | たかゆき 隆之,孝之,貴之 | こうた 康太,浩太,航太""",
    ("M", 4): """しょう 翔,将 | たくみ 拓海,匠,巧 | ひろと 大翔,広人 | ゆうと 悠斗,優斗,雄斗 | かいと 海斗,快斗 | りく 陸
        | だいき 大輝,大樹 | しょうま 翔馬,将真 | れん 蓮,廉 | はると 陽翔,春翔 | そうた 颯太,蒼太,奏太 | こうき 晃輝,光希,航輝
        | ゆうま 悠真,優真 | たいが 大河 | りょうすけ 亮介,涼介 | ゆうや 裕也,優也 | しゅん 俊,駿 | かける 翔,駆 | つばさ 翼
        | はやと 隼人,勇人 | けんと 健斗,賢人 | りゅうせい 竜成,流星 | かずま 一真,和真 | あつや 敦也 | そうま 颯真,蒼真""",
    ("M", 5): """はると 陽翔,悠翔,春斗 | みなと 湊 | あおと 碧斗,蒼翔 | そうた 颯太,蒼大 | ゆいと 結翔,唯斗 | りく 陸,璃空
        | あさひ 朝陽,旭 | いつき 樹,一輝 | はるき 陽輝,春樹 | ゆうと 悠斗,優翔 | れん 蓮 | そら 空,蒼空 | たいよう 太陽
        | ひなた 陽向,日向 | こうた 煌太,航太 | しおん 紫音,詩音 | えいた 瑛太 | あらた 新 | はやと 隼斗 | かなた 奏多,叶多
        | ゆうせい 悠成,優成 | りお 理央,璃央 | いぶき 伊吹,息吹 | しゅう 柊,修 | おうすけ 央介,桜介 | とうま 冬馬,斗真""",
}

# Foreign customers: (origin, family: latin / kanji or '' / katakana variants,
# given names likewise). Katakana variants are what different clerks wrote.
FOREIGN = {
    "VN": ("FG", [("NGUYEN", "", "グエン,グェン,グウェン"), ("TRAN", "", "チャン,トラン"), ("LE", "", "レ,レー"),
                  ("PHAM", "", "ファム,ファン"), ("HOANG", "", "ホアン,ホァン"), ("VU", "", "ヴ,ブー,ヴー"), ("DO", "", "ド,ドー"),
                  ("BUI", "", "ブイ,ブーイ"), ("DANG", "", "ダン,ダング"), ("NGO", "", "ゴ,ゴー")],
           [("VAN AN", "", "ヴァン アン,バン アン,ヴァン・アン"), ("THI HOA", "", "ティ ホア,ティー ホア,ティ・ホア"),
            ("MINH DUC", "", "ミン ドゥック,ミン ドク,ミン・ドゥック"), ("THU TRANG", "", "トゥ チャン,トゥー チャン"),
            ("THANH HUONG", "", "タイン フオン,タン フォン"), ("QUOC HUY", "", "クオック フイ,クォック フイ"),
            ("THI LAN", "", "ティ ラン,ティー ラン"), ("VAN NAM", "", "ヴァン ナム,バン ナム"),
            ("NGOC ANH", "", "ゴック アイン,ゴック・アン"), ("THI MAI", "", "ティ マイ,ティー マイ"), ("BICH NGOC", "", "ビック ゴック,ビック・ゴック"),
            ("DUC ANH", "", "ドゥック アイン,ドゥク アン"), ("VAN HUNG", "", "ヴァン フン,バン フン"), ("HOANG LONG", "", "ホアン ロン,ホアン ロング")]),
    "CN": ("FG", [("WANG", "王", "ワン,オウ"), ("LI", "李", "リ,リー"), ("ZHANG", "張", "チャン,チョウ"),
                  ("LIU", "劉", "リュウ,リウ"), ("CHEN", "陳", "チェン,チン"),
                  ("YANG", "楊", "ヤン,ヨウ"), ("HUANG", "黄", "ホアン,コウ")],
           [("WEI", "偉", "ウェイ,ウエイ"), ("NA", "娜", "ナ,ナー"), ("JING", "静", "ジン,ジィン"), ("MIN", "敏", "ミン"),
            ("LI", "麗", "リ,リー"), ("QIANG", "強", "チャン,チアン"), ("FANG", "芳", "ファン,ファング"),
            ("LEI", "磊", "レイ,ライ"), ("JUN", "軍", "ジュン,チュン"), ("TING", "婷", "ティン,テイ"), ("YAN", "燕", "イェン,エン")]),
    "KR": ("FG", [("KIM", "金", "キム"), ("LEE", "李", "イ,リー"), ("PARK", "朴", "パク,パーク"), ("CHOI", "崔", "チェ,チェー"),
                  ("JUNG", "鄭", "チョン,ジョン")],
           [("MINJUN", "敏俊", "ミンジュン,ミン ジュン"), ("JIYEON", "智妍", "ジヨン,チヨン"), ("SOOHYUN", "秀賢", "スヒョン,スーヒョン"),
            ("SEOYEON", "瑞妍", "ソヨン,ソーヨン")]),
    "PH": ("GF", [("SANTOS", "", "サントス"), ("REYES", "", "レイエス,レジェス"), ("CRUZ", "", "クルス,クルズ"),
                  ("GARCIA", "", "ガルシア,ガルシーア")],
           [("MARIA CRISTINA", "", "マリア クリスティナ,マリア・クリスティーナ,マリア"), ("JOSE", "", "ホセ,ホセー"),
            ("ANGELICA", "", "アンジェリカ,アンヘリカ"), ("MARK ANTHONY", "", "マーク アンソニー,マーク・アンソニー,マーク")]),
    "US": ("GF", [("SMITH", "", "スミス"), ("JOHNSON", "", "ジョンソン"), ("BROWN", "", "ブラウン"), ("MILLER", "", "ミラー,ミラ"),
                  ("WILSON", "", "ウィルソン,ウイルソン"), ("DAVIS", "", "デイヴィス,デイビス,デービス")],
           [("JOHN", "", "ジョン"), ("EMILY", "", "エミリー,エミリ"), ("DAVID", "", "デイヴィッド,デビッド,デヴィッド"),
            ("OLIVIA", "", "オリヴィア,オリビア"), ("KEVIN", "", "ケヴィン,ケビン"), ("VIVIAN", "", "ヴィヴィアン,ビビアン"),
            ("MICHAEL", "", "マイケル,マイクル"), ("SARAH", "", "サラ,セーラ")]),
    "BR": ("GF", [("SILVA", "", "シルヴァ,シルバ"), ("OLIVEIRA", "", "オリヴェイラ,オリベイラ"), ("SOUZA", "", "ソウザ,ソーザ")],
           [("LUCAS", "", "ルーカス,ルカス"), ("ANA", "", "アナ"), ("RAFAEL", "", "ハファエル,ラファエル"),
            ("GABRIELA", "", "ガブリエラ,ガブリエーラ")]),
    "NP": ("GF", [("GURUNG", "", "グルン,グルング"), ("SHRESTHA", "", "シュレスタ,シュレスター"), ("THAPA", "", "タパ,ターパ")],
           [("RAM", "", "ラム,ラーム"), ("SITA", "", "シタ,シータ"), ("BIKASH", "", "ビカス,ビカシュ"), ("ANJALI", "", "アンジャリ,アンジャリー")]),
}
FOREIGN_MALE = {"VAN AN", "MINH DUC", "QUOC HUY", "VAN NAM", "WEI", "QIANG", "MINJUN", "SOOHYUN", "JOSE",
                "MARK ANTHONY", "JOHN", "DAVID", "KEVIN", "MICHAEL", "LUCAS", "RAFAEL", "RAM", "BIKASH",
                "DUC ANH", "VAN HUNG", "HOANG LONG", "LEI", "JUN"}
FOREIGN_WEIGHTS = [("VN", 30), ("CN", 25), ("KR", 12), ("PH", 12), ("US", 8), ("BR", 8), ("NP", 5)]

# Kanji a scan or a tired typist confuses (OCR shapes), both ways.
KANJI_CONFUSION = [("口", "ロ"), ("力", "カ"), ("工", "エ"), ("二", "ニ"), ("八", "ハ"), ("夕", "タ"), ("大", "太"),
                   ("郎", "朗"), ("未", "末"), ("土", "士"), ("己", "巳"), ("治", "冶"), ("崎", "埼"), ("隆", "降"),
                   ("裕", "祐"), ("千", "干"), ("田", "由"), ("本", "木"), ("人", "入"), ("天", "夫"), ("王", "玉"),
                   ("美", "実"), ("子", "了"), ("川", "州"), ("野", "野"), ("藤", "籐"), ("橋", "矯"), ("島", "鳥"),
                   ("原", "厚"), ("恵", "息"), ("明", "朋"), ("智", "知"), ("博", "傅"), ("村", "材")]
# Kana a scan or a typist confuses.
KANA_CONFUSION = [("ソ", "ン"), ("シ", "ツ"), ("ク", "タ"), ("ワ", "ウ"), ("ヌ", "ス"), ("チ", "テ"), ("ロ", "コ"),
                  ("ガ", "カ"), ("ザ", "サ"), ("ダ", "タ"), ("バ", "ハ"), ("パ", "バ"), ("ッ", "ツ"), ("ャ", "ヤ"),
                  ("ョ", "ヨ"), ("ュ", "ユ"), ("ジ", "シ"), ("ズ", "ス"), ("ゴ", "コ"), ("ド", "ト")]
# Given-name kanji variants (old forms) people write in their own name.
GIVEN_VARIANT = {"恵": "惠", "真": "眞", "桜": "櫻", "広": "廣", "浩": "浩", "徳": "德", "斎": "齋", "沢": "澤",
                 "竜": "龍", "国": "國", "富": "冨"}

# --------------------------------------------------------------------------
# Places: real 所沢-area towns and postal codes (karte's postal table knows
# them), a few far places for people who moved in.
# --------------------------------------------------------------------------
TOWNS = {
    ("埼玉県", "所沢市", "04"): """3590001 下富|3590002 中富|3590004 北原町|3590011 南永井|3590012 坂之下|3590014 亀ケ谷
        |3590021 東所沢|3590022 本郷|3590024 下安松|3590025 上安松|3590027 松郷|3590032 若松町|3590033 こぶし町
        |3590034 東新井町|3590035 西新井町|3590036 旭町|3590037 くすのき台|3590038 北秋津|3590041 中新井|3590042 並木
        |3590043 弥生町|3590044 松葉町|3590045 美原町|3590046 北所沢町|3590047 花園|3591101 北中|3591102 岩岡町
        |3591103 向陽町|3591104 榎町|3591105 青葉台|3591106 東狭山ケ丘|3591111 緑町|3591112 泉町|3591113 喜多町
        |3591114 北有楽町|3591115 御幸町|3591116 東町|3591117 有楽町|3591118 けやき台|3591121 元町|3591122 寿町
        |3591123 日吉町|3591124 東住吉|3591125 南住吉|3591126 西住吉|3591127 星の宮|3591128 金山町|3591131 久米
        |3591132 松が丘|3591133 荒幡|3591141 小手指町|3591142 上新井|3591143 宮本町|3591144 西所沢|3591145 山口
        |3591146 小手指南|3591147 小手指元町|3591148 小手指台|3591151 若狭|3591152 北野|3591155 北野新町
        |3591156 北野南|3591161 狭山ケ丘|3591162 和ケ原|3591163 西狭山ケ丘|3591164 三ケ島|3591165 堀之内|3591166 糀谷""",
}
OTHER_TOWN_SOURCE = [
    ("埼玉県", "狭山市", "04", 0.10), ("埼玉県", "入間市", "04", 0.07), ("東京都", "東村山市", "042", 0.05),
    ("東京都", "小平市", "042", 0.04), ("東京都", "練馬区", "03", 0.04), ("埼玉県", "川越市", "049", 0.03),
]
FAR = [("東京都", "新宿区", "03", "1600022 新宿|1600023 西新宿|1690075 高田馬場"),
       ("大阪府", "大阪市北区", "06", "5300001 梅田|5300041 天神橋|5300043 天満"),
       ("北海道", "札幌市中央区", "011", "0600001 北一条西|0600042 大通西|0640810 南十条西"),
       ("宮城県", "仙台市青葉区", "022", "9800011 上杉|9800021 中央|9800803 国分町"),
       ("福岡県", "福岡市博多区", "092", "8120011 博多駅前|8120013 博多駅東|8120025 店屋町")]
BUILDINGS = ["グリーンハイツ", "メゾン緑町", "コーポ山口", "サンライズ所沢", "パークハウス所沢", "ハイツ青葉", "ライオンズマンション",
             "レジデンス並木", "シャトー小手指", "ヴィラ航空公園", "アーバンコート", "エステート北野", "ファミール新所沢",
             "コスモ東所沢", "プラウド所沢", "ドミール若松", "リバーサイド柳瀬", "カーサ西所沢", "メゾンド・ソレイユ", "第二清水荘"]
BLDG_NO_KANJI = {"グリーンハイツ", "パークハウス所沢"}

KANJI_DIGITS = "〇一二三四五六七八九"


def kanji_number(n: int) -> str:
    if n < 10:
        return KANJI_DIGITS[n]
    if n < 20:
        return "十" + (KANJI_DIGITS[n - 10] if n > 10 else "")
    t, u = divmod(n, 10)
    return KANJI_DIGITS[t] + "十" + (KANJI_DIGITS[u] if u else "")


# --------------------------------------------------------------------------
# Kana and romaji
# --------------------------------------------------------------------------
def hira_to_kata(s: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in s)


def kata_to_hira(s: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" and c not in "ヵヶ" else c for c in s)


_HALF = dict(zip("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォッャュョー・ 、",
                 "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｯｬｭｮｰ･ ､"))
_VOICED = dict(zip("ガギグゲゴザジズゼゾダヂヅデドバビブベボヴ", "カキクケコサシスセソタチツテトハヒフヘホウ"))
_SEMI = dict(zip("パピプペポ", "ハヒフヘホ"))


def to_halfwidth_kana(s: str) -> str:
    out = []
    for c in s:
        if c in _VOICED:
            out.append(_HALF[_VOICED[c]] + "ﾞ")
        elif c in _SEMI:
            out.append(_HALF[_SEMI[c]] + "ﾟ")
        elif c == "　":
            out.append(" ")
        else:
            out.append(_HALF.get(c, c))
    return "".join(out)


ROMAJI = {
    "キャ": "kya", "キュ": "kyu", "キョ": "kyo", "シャ": "sha", "シュ": "shu", "ショ": "sho", "チャ": "cha", "チュ": "chu",
    "チョ": "cho", "ニャ": "nya", "ニュ": "nyu", "ニョ": "nyo", "ヒャ": "hya", "ヒュ": "hyu", "ヒョ": "hyo", "ミャ": "mya",
    "ミュ": "myu", "ミョ": "myo", "リャ": "rya", "リュ": "ryu", "リョ": "ryo", "ギャ": "gya", "ギュ": "gyu", "ギョ": "gyo",
    "ジャ": "ja", "ジュ": "ju", "ジョ": "jo", "ビャ": "bya", "ビュ": "byu", "ビョ": "byo", "ピャ": "pya", "ピュ": "pyu",
    "ピョ": "pyo",
}
ROMAJI1 = dict(zip(
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポ",
    "a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho ma mi mu me mo ya yu yo "
    "ra ri ru re ro wa o n ga gi gu ge go za ji zu ze zo da ji zu de do ba bi bu be bo pa pi pu pe po".split()))
KUNREI = {"shi": "si", "chi": "ti", "tsu": "tu", "fu": "hu", "ji": "zi", "sha": "sya", "shu": "syu", "sho": "syo",
          "cha": "tya", "chu": "tyu", "cho": "tyo", "ja": "zya", "ju": "zyu", "jo": "zyo"}


def romaji(kana: str, long_mode: str = "drop", kunrei: bool = False, m_before_b: bool = False) -> str:
    """Hepburn (or kunrei) romaji of a katakana word, long vowels as asked:
    drop (Sato), ou (Satou), oh (Satoh), macron (Satō)."""
    syl = []
    i = 0
    while i < len(kana):
        two = kana[i:i + 2]
        if two in ROMAJI:
            syl.append(ROMAJI[two])
            i += 2
            continue
        c = kana[i]
        if c == "ッ":
            syl.append("*")
        elif c == "ー":
            syl.append("-")
        elif c in ROMAJI1:
            syl.append(ROMAJI1[c])
        i += 1
    if kunrei:
        syl = [KUNREI.get(s, s) for s in syl]
    out = ""
    for k, s in enumerate(syl):
        if s == "*":
            continue
        if k and syl[k - 1] == "*":
            s = ("t" if s.startswith("ch") else s[0]) + s
        if s == "-":
            s = out[-1:] if long_mode in ("ou", "oh") and out[-1:] in "aiueo" else ""
        if s == "n" and m_before_b and k + 1 < len(syl) and syl[k + 1][:1] in "bmp":
            s = "m"
        out += s
    # long vowels: o+u / o+o / u+u not followed by a vowel
    res = []
    i = 0
    while i < len(out):
        c = out[i]
        nxt = out[i + 1] if i + 1 < len(out) else ""
        after = out[i + 2] if i + 2 < len(out) else ""
        if c == "o" and nxt in "uo" and nxt and after not in "aiueo":
            res.append({"drop": "o", "ou": "o" + nxt, "oh": "oh", "macron": "ō"}[long_mode])
            i += 2
            continue
        if c == "u" and nxt == "u" and after not in "aiueo":
            res.append({"drop": "u", "ou": "uu", "oh": "u", "macron": "ū"}[long_mode])
            i += 2
            continue
        res.append(c)
        i += 1
    return "".join(res)


# --------------------------------------------------------------------------
# Pools
# --------------------------------------------------------------------------
class Surname:
    __slots__ = ("kanji", "kana", "variants", "weight")

    def __init__(self, kanji, kana, variants, weight):
        self.kanji, self.kana, self.variants, self.weight = kanji, kana, variants, weight


def build_surnames():
    out = []
    seen = set()
    for chunk in SURNAMES.replace("\n", "|").split("|"):
        f = chunk.split()
        if not f:
            continue
        kanji, kana, w = f[0], f[1].split("/"), float(f[2])
        variants = f[3].split(",") if len(f) > 3 else []
        out.append(Surname(kanji, kana, variants, w))
        seen.add(kanji)
    # the tail: every prefix with every suffix, a fixed shuffle gives the ranks
    pr = random.Random(7001)
    tail = []
    for p in TAIL_PREFIX:
        pk, pkana = p.split(":")
        for s in TAIL_SUFFIX:
            sk, *skana = s.split(":")
            kanji = pk + sk
            if kanji in seen or pk == sk:
                continue
            seen.add(kanji)
            # the reading: voiced or not (both are real; the other is a clerk's guess)
            readings = [pkana + x for x in skana]
            if len(readings) == 2 and pr.random() < 0.5:
                readings.reverse()
            variants = [pk + SUFFIX_VARIANT[sk]] if sk in SUFFIX_VARIANT else []
            tail.append((kanji, readings, variants))
    pr.shuffle(tail)
    # the tail holds 60 % of all people (佐藤 is then 1.5 %, as in Japan), its
    # ranks falling off gently
    top_mass = sum(s.weight for s in out)
    raw = [1.0 / (r + 60) ** 0.9 for r in range(len(tail))]
    scale = top_mass * 1.5 / sum(raw)
    for (kanji, readings, variants), w in zip(tail, raw):
        out.append(Surname(kanji, readings, variants, w * scale))
    return out


# The long tail of given names: a first kanji and an ending, each with its
# reading (most combinations are real names; kanji of one reading are the
# homophones a clerk may write instead).
TAIL_GIVEN = {
    "F": ("美:み 実:み 未:み 真:ま 麻:ま 茉:ま 由:ゆ 結:ゆ 優:ゆう 悠:ゆう 友:とも 智:とも 知:とも 奈:な 菜:な 佳:か 香:か "
          "亜:あ 愛:あ 彩:さ 沙:さ 紗:さ 理:り 里:り 莉:り 絵:え 恵:え 陽:ひ 日:ひ 春:はる 晴:はる 夏:なつ 詩:し 志:し "
          "桃:もも 咲:さ 早:さ 千:ち 小:こ 和:かず 久:く 弥:や 朋:とも 明:あき 清:きよ 澄:すみ",
          "子:こ 美:み 香:か 花:か 奈:な 菜:な 乃:の 穂:ほ 帆:ほ 衣:い 依:い 絵:え 恵:え 代:よ 里:り 莉:り 希:き 紀:き "
          "音:ね 羽:は 葉:は 華:か 江:え 世:よ 歩:ほ"),
    "M": ("健:けん 賢:けん 謙:けん 大:だい 翔:しょう 将:しょう 拓:たく 卓:たく 雄:ゆう 勇:ゆう 裕:ゆう 悠:ゆう 優:ゆう "
          "和:かず 一:かず 正:まさ 雅:まさ 昌:まさ 秀:ひで 英:ひで 浩:こう 康:こう 航:こう 光:こう 幸:こう 達:たつ "
          "竜:りゅう 隆:りゅう 直:なお 尚:なお 俊:しゅん 駿:しゅん 颯:そう 蒼:そう 奏:そう 陽:はる 晴:はる 春:はる "
          "信:しん 伸:しん 真:しん 慎:しん 克:かつ 勝:かつ 義:よし 良:よし 芳:よし 孝:たか 貴:たか 高:たか 智:とも 友:とも",
          "太:た 汰:た 介:すけ 輔:すけ 也:や 哉:や 樹:き 輝:き 貴:き 人:と 斗:と 一:いち 平:へい 真:ま 馬:ま 志:し "
          "史:し 郎:ろう 朗:ろう 吾:ご 彦:ひこ 二:じ 治:じ 司:じ 男:お 夫:お 雄:お 之:ゆき 行:ゆき 幸:ゆき"),
}
# How much of a cohort's names the long tail holds: older names were fewer.
TAIL_SHARE = {1: 0.35, 2: 0.5, 3: 0.65, 4: 0.7, 5: 0.75}


def build_given():
    pools = {}
    tails = {}
    pr = random.Random(7002)
    for g, (firsts, ends) in TAIL_GIVEN.items():
        fs = [x.split(":") for x in firsts.split()]
        es = [x.split(":") for x in ends.split()]
        combos = defaultdict(list)           # reading -> kanji spellings
        for fk, fr in fs:
            for ek, er in es:
                if fk != ek:
                    combos[hira_to_kata(fr + er)].append(fk + ek)
        tails[g] = [(r, ks, pr.random() * 0.8 + 0.2) for r, ks in sorted(combos.items())]
    for key, text in GIVEN.items():
        names = []
        head = set()
        for rank, chunk in enumerate(c for c in text.replace("\n", " ").split("|") if c.strip()):
            reading, kanjis = chunk.split()
            names.append((hira_to_kata(reading), kanjis.split(","), 1.0 / (rank + 8)))
            head.update(kanjis.split(","))
        hm = sum(w for _, _, w in names)
        tail = [(r, [k for k in ks if k not in head], w) for r, ks, w in tails[key[0]]]
        tail = [(r, pr.sample(ks, len(ks)), w) for r, ks, w in tail if ks]
        share = TAIL_SHARE[key[1]]
        tm = sum(w for _, _, w in tail)
        names += [(r, ks, w * hm * share / (1 - share) / tm) for r, ks, w in tail]
        pools[key] = names
    return pools


def cohort(year: int) -> int:
    return 1 if year <= 1955 else 2 if year <= 1970 else 3 if year <= 1985 else 4 if year <= 2000 else 5


class WeightedPick:
    def __init__(self, items, weights):
        self.items = items
        self.cum = []
        t = 0.0
        for w in weights:
            t += w
            self.cum.append(t)
        self.total = t

    def __call__(self, rng):
        import bisect
        return self.items[bisect.bisect_left(self.cum, rng.random() * self.total)]


# --------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------
class Address:
    __slots__ = ("id", "pref", "city", "town", "postal", "chome", "ban", "go", "bldg", "room", "area")

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)


class Person:
    def __init__(self, pid, hid, gender, birth):
        self.pid, self.hid, self.gender, self.birth = pid, hid, gender, birth
        self.surnames = []        # [(from_date, Surname, reading index, variant kanji or '')]
        self.given = None         # (kanji, kana, [homophones])
        self.foreign = None       # dict
        self.addresses = []       # [(from_date, Address)]
        self.landlines = []       # [(from_date, id, number or None)]
        self.mobiles = []         # [(from_date, id, number or None)]
        self.emails = []          # [(from_date, id, address or None)]
        self.guardian = None      # Person whose mobile/e-mail a child's records carry
        self.tags = set()         # person-level tags (household, twin, married, ...)
        self.first = self.last = None
        self.twin_of = None
        self.variant_writer = False   # writes the old form of a kanji in the surname/given name

    def at(self, seq, d):
        cur = seq[0]
        for item in seq:
            if item[0] <= d:
                cur = item
        return cur

    def age(self, d):
        return d.year - self.birth.year - ((d.month, d.day) < (self.birth.month, self.birth.day))


def add_years(d: dt.date, n: int) -> dt.date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:                      # 29 February
        return d.replace(year=d.year + n, day=28)


def rand_date(rng, a: dt.date, b: dt.date) -> dt.date:
    if b <= a:
        return a
    return a + dt.timedelta(days=rng.randrange((b - a).days + 1))


class World:
    def __init__(self, n, seed):
        self.rng = random.Random(seed)
        self.n = n
        self.surnames = build_surnames()
        self.pick_surname = WeightedPick(self.surnames, [s.weight for s in self.surnames])
        self.given = build_given()
        self.pick_given = {k: WeightedPick(v, [w for _, _, w in v]) for k, v in self.given.items()}
        self.towns = self._towns()
        self.phones = set()
        self.emails = set()
        self.people = []
        self.addr_seq = 0

    def _towns(self):
        local = []
        for (pref, city, area), text in TOWNS.items():
            for chunk in text.replace("\n", " ").split("|"):
                code, town = chunk.split()
                local.append((pref, city, town, code, area))
        other = {}
        path_towns = OTHER_TOWNS
        for pref, city, area, _ in OTHER_TOWN_SOURCE:
            other[city] = [(pref, city, t, c, area) for c, t in path_towns[city]]
        far = []
        for pref, city, area, text in FAR:
            for chunk in text.split("|"):
                code, town = chunk.split()
                far.append((pref, city, town, code, area))
        return {"local": local, "other": other, "far": far}

    # -- contact details
    def new_address(self, kind="near"):
        rng = self.rng
        if kind == "far":
            pref, city, town, code, area = rng.choice(self.towns["far"])
        else:
            r = rng.random()
            acc = 0.67
            pref = None
            if r >= acc:
                for p, c, a, w in OTHER_TOWN_SOURCE:
                    acc += w
                    if r < acc and self.towns["other"][c]:
                        pref, city, town, code, area = rng.choice(self.towns["other"][c])
                        break
            if pref is None:
                pref, city, town, code, area = rng.choice(self.towns["local"])
        self.addr_seq += 1
        bldg = rng.choice(BUILDINGS) if rng.random() < 0.3 else ""
        return Address(id=self.addr_seq, pref=pref, city=city, town=town, postal=code,
                       chome=rng.randint(1, 5) if rng.random() < 0.75 else 0, ban=rng.randint(1, 30),
                       go=rng.randint(1, 25) if rng.random() < 0.85 else 0, bldg=bldg,
                       room=(rng.randint(1, 5) * 100 + rng.randint(1, 12)) if bldg else 0, area=area)

    def new_phone(self, area=None):
        rng = self.rng
        while True:
            if area is None:
                num = rng.choice(["090", "080", "070", "090", "080"]) + str(rng.randint(1, 9)) + f"{rng.randrange(10**7):07d}"
            elif area == "04":
                num = "04" + rng.choice(["2922", "2923", "2924", "2925", "2926", "2928", "2939", "2942", "2947", "2948",
                                         "2951", "2995", "2996", "2998"]) + f"{rng.randrange(10**4):04d}"
            elif area == "03":
                num = "03" + f"{rng.randint(3000, 6999)}{rng.randrange(10**4):04d}"
            elif area == "06":
                num = "06" + f"{rng.randint(6000, 6999)}{rng.randrange(10**4):04d}"
            else:
                num = area + str(rng.randint(341, 398) if area == "042" else rng.randint(222, 299)) + f"{rng.randrange(10**4):04d}"
                num = num[:10]
            if num not in self.phones:
                self.phones.add(num)
                return num

    def new_email(self, p, shared_hint=""):
        rng = self.rng
        if p.foreign:
            base = (p.foreign["given_latin"].split()[0] + "." + p.foreign["family_latin"]).lower()
        else:
            s = p.surnames[0][1]
            gk = p.given[1]
            base = rng.choice([
                romaji(gk) + "." + romaji(s.kana[0]),
                romaji(s.kana[0]) + "_" + romaji(gk)[:3],
                romaji(gk) + str(p.birth.year)[2:],
                romaji(gk)[:4] + rng.choice(["chan", "-m", "_love", "777", "0" + str(p.birth.month)]),
                romaji(s.kana[0])[:3] + romaji(gk)[:3] + str(p.birth.day),
            ]) if not shared_hint else shared_hint
        dom = rng.choice(["gmail.com"] * 5 + ["yahoo.co.jp"] * 3 + ["icloud.com"] * 2 + ["docomo.ne.jp", "ezweb.ne.jp",
                          "softbank.ne.jp", "outlook.jp", "au.com", "nifty.com"])
        while True:
            e = f"{base}{rng.randint(1, 999) if rng.random() < 0.5 else ''}@{dom}"
            if e not in self.emails:
                self.emails.add(e)
                return e
            base += str(rng.randint(0, 9))

    # -- names
    def japanese_given(self, gender, year, avoid=()):
        rng = self.rng
        # a child is not named like a parent or a sibling (by sound or by kanji)
        for _ in range(50):
            kana, kanjis, _w = self.pick_given[(gender, cohort(year))](rng)
            k = kanjis[0] if rng.random() < 0.55 or len(kanjis) == 1 else rng.choice(kanjis[1:])
            if kana not in avoid and k not in avoid:
                break
        return (k, kana, [x for x in kanjis if x != k])

    def surname_entry(self, s: Surname):
        rng = self.rng
        reading = 0 if len(s.kana) == 1 or rng.random() < 0.8 else rng.randrange(1, len(s.kana))
        variant = rng.choice(s.variants) if s.variants and rng.random() < 0.12 else ""
        return (s, reading, variant)

    def foreign_person(self, origin, gender, family=None):
        rng = self.rng
        order, fams, givens = FOREIGN[origin]
        fam = family or rng.choice(fams)
        g = rng.choice([x for x in givens if (x[0] in FOREIGN_MALE) == (gender == "M")] or givens)
        return {"origin": origin, "order": order, "family_latin": fam[0], "family_kanji": fam[1],
                "family_kana": fam[2].split(","), "given_latin": g[0], "given_kanji": g[1],
                "given_kana": g[2].split(",")}

    # -- the households
    def build(self):
        rng = self.rng
        hid = 0
        while len(self.people) < self.n:
            hid += 1
            r = rng.random()
            if r < 0.04:
                self.household_foreign(hid)
            elif r < 0.38:
                self.household_single(hid)
            elif r < 0.60:
                self.household_family(hid, kids=0)
            elif r < 0.88:
                self.household_family(hid, kids=rng.choice([1, 1, 2, 2, 2, 3]))
            elif r < 0.94:
                self.household_single_parent(hid)
            else:
                self.household_family(hid, kids=rng.choice([1, 2]), grandparent=True)
        self.people = self.people[:self.n]
        self.activity()
        return self.people

    def new_person(self, hid, gender, birth):
        p = Person(f"P{len(self.people) + 1:06d}", f"H{hid:06d}", gender, birth)
        self.people.append(p)
        return p

    def adult_birth(self, lo=1938, hi=2003):
        return rand_date(self.rng, dt.date(lo, 1, 1), dt.date(hi, 12, 31))

    def contacts(self, members, addr, landline=True, start=dt.date(2000, 1, 1)):
        rng = self.rng
        land = self.new_phone(addr.area) if landline else None
        for p in members:
            p.addresses.append((start, addr))
            p.landlines.append((start, "L1", land))

    def give_mobile(self, p, since=dt.date(2000, 1, 1)):
        rng = self.rng
        if p.age(TODAY) >= 80 and rng.random() < 0.5:
            p.mobiles.append((since, "", None))
            return
        p.mobiles.append((since, "M1", self.new_phone()))
        if rng.random() < 0.12:
            d = rand_date(rng, dt.date(2010, 1, 1), dt.date(2025, 12, 31))
            p.mobiles.append((d, "M2", self.new_phone()))
            p.tags.add("new-mobile")

    def give_email(self, p, share=None):
        rng = self.rng
        if share is not None:
            p.emails = list(share.emails)
            p.tags.add("shared-email")
            share.tags.add("shared-email")
            return
        pr = 0.65 if p.birth.year > 1965 else 0.3
        if p.age(TODAY) < 16 or rng.random() >= pr:
            p.emails.append((dt.date(2000, 1, 1), "", None))
            return
        p.emails.append((dt.date(2000, 1, 1), "E1", self.new_email(p)))
        if rng.random() < 0.08:
            p.emails.append((rand_date(rng, dt.date(2012, 1, 1), dt.date(2025, 1, 1)), "E2", self.new_email(p)))

    def household_single(self, hid):
        rng = self.rng
        g = "F" if rng.random() < 0.55 else "M"
        p = self.new_person(hid, g, self.adult_birth(1935, 2005))
        s = self.pick_surname(rng)
        p.surnames.append((dt.date(1900, 1, 1),) + self.surname_entry(s))
        p.given = self.japanese_given(g, p.birth.year)
        addr = self.new_address()
        self.contacts([p], addr, landline=rng.random() < (0.6 if p.birth.year < 1965 else 0.15))
        self.give_mobile(p)
        self.give_email(p)
        # a woman who marries someone not among the patients, and moves
        if g == "F" and 1975 <= p.birth.year <= 1998 and rng.random() < 0.18:
            d = rand_date(rng, max(dt.date(2008, 1, 1), add_years(p.birth, 22)), dt.date(2025, 6, 1))
            p.surnames.append((d,) + self.surname_entry(self.pick_surname(rng)))
            p.tags.add("married")
            if rng.random() < 0.8:
                p.addresses.append((d, self.new_address()))
                p.landlines.append((d, "", None))
                p.tags.add("moved")
        self.maybe_move([p])
        self.maybe_far_origin([p])

    def household_family(self, hid, kids, grandparent=False):
        rng = self.rng
        hb = self.adult_birth(1940, 1996 if kids else 2000)
        wb = rand_date(rng, hb - dt.timedelta(days=365 * 2), hb + dt.timedelta(days=365 * 6))
        wb = min(wb, dt.date(2000, 12, 31))
        h = self.new_person(hid, "M", hb)
        w = self.new_person(hid, "F", wb)
        s = self.surname_entry(self.pick_surname(rng))
        h.surnames.append((dt.date(1900, 1, 1),) + s)
        h.given = self.japanese_given("M", hb.year)
        # the wife: married with her husband's name; her maiden name shows in
        # records from before the wedding when it falls in the records' years
        kid_first = None
        kids_births = []
        for _ in range(kids):
            lo = max(add_years(wb, 22), add_years(hb, 22))
            hi = min(wb + dt.timedelta(days=365 * 42), dt.date(2024, 6, 1))
            kids_births.append(rand_date(rng, lo, max(lo, hi)))
        kids_births.sort()
        if kids_births:
            kid_first = kids_births[0]
        wed_hi = min(kid_first or dt.date(2025, 6, 1), dt.date(2025, 6, 1))
        wed_lo = max(wb, hb).replace(month=1, day=1)
        wed_lo = wed_lo.replace(year=wed_lo.year + 21)
        wed = rand_date(rng, min(wed_lo, wed_hi), wed_hi)
        addr = self.new_address()
        common = [h, w]
        if wed > dt.date(2006, 1, 1):
            w.surnames.append((dt.date(1900, 1, 1),) + self.surname_entry(self.pick_surname(rng)))
            w.surnames.append((wed,) + s)
            w.tags.add("married")
            old = self.new_address()
            w.addresses.append((dt.date(2000, 1, 1), old))
            w.landlines.append((dt.date(2000, 1, 1), "L0", self.new_phone(old.area) if rng.random() < 0.3 else None))
            w.addresses.append((wed, addr))
            w.tags.add("moved")
            common = [h]
            land = self.new_phone(addr.area) if rng.random() < 0.5 else None
            h.addresses.append((dt.date(2000, 1, 1), addr))
            h.landlines.append((dt.date(2000, 1, 1), "L1", land))
            w.landlines.append((wed, "L1", land))
        else:
            w.surnames.append((dt.date(1900, 1, 1),) + s)
            self.contacts(common, addr, landline=rng.random() < 0.55)
        w.given = self.japanese_given("F", wb.year)
        for p in (h, w):
            self.give_mobile(p)
        self.give_email(h)
        self.give_email(w, share=h if rng.random() < 0.12 and h.emails and h.emails[0][1] else None)
        members = [h, w]
        avoid = {h.given[0], h.given[1], w.given[0], w.given[1]}
        twins = kids >= 2 and rng.random() < 0.08
        for i, b in enumerate(kids_births):
            if twins and i == 1:
                b = kids_births[0]
            g = "F" if rng.random() < 0.5 else "M"
            c = self.new_person(hid, g, b)
            c.surnames.append((dt.date(1900, 1, 1),) + s)
            c.given = self.japanese_given(g, b.year, avoid)
            avoid.update(c.given[:2])
            if twins and i == 1:
                prev = members[-1]
                c.twin_of, prev.twin_of = prev, c
                c.tags.add("twin")
                prev.tags.add("twin")
                # twins' names often share a kanji or a sound
                if rng.random() < 0.5:
                    g2 = prev.gender
                    pool = [x for x in self.given[(g2, cohort(b.year))] if x[0] not in avoid
                            and x[1][0] not in avoid and x[0][:1] == prev.given[1][:1]]
                    if pool:
                        kana, kanjis, _ = rng.choice(pool)
                        c.gender = g2
                        c.given = (kanjis[0], kana, kanjis[1:])
            c.guardian = w if rng.random() < 0.75 else h
            self.set_child_contacts(c, h, w, addr)
            members.append(c)
        if grandparent:
            gb = self.adult_birth(1930, max(1931, hb.year - 20))
            gp = self.new_person(hid, "F" if rng.random() < 0.65 else "M", gb)
            gp.surnames.append((dt.date(1900, 1, 1),) + s)
            gp.given = self.japanese_given(gp.gender, gb.year)
            gp.addresses = list(h.addresses)
            gp.landlines = list(h.landlines)
            self.give_mobile(gp)
            gp.emails.append((dt.date(2000, 1, 1), "", None))
            members.append(gp)
        for p in members:
            if len(members) > 1:
                p.tags.add("household")
        self.maybe_move(members)
        self.maybe_far_origin(members)

    def set_child_contacts(self, c, h, w, addr):
        c.addresses = list(h.addresses)
        c.landlines = list(h.landlines)
        # a mobile of their own from about 15
        if self.rng.random() < 0.7 and c.birth.year + 15 <= 2025:
            c.mobiles.append((dt.date(c.birth.year + 15, 4, 1), "M1", self.new_phone()))
        else:
            c.mobiles.append((dt.date(2000, 1, 1), "", None))
        c.emails.append((dt.date(2000, 1, 1), "", None))
        c.tags.add("guardian-contact")

    def household_single_parent(self, hid):
        rng = self.rng
        g = "F" if rng.random() < 0.85 else "M"
        b = self.adult_birth(1960, 1995)
        p = self.new_person(hid, g, b)
        s = self.surname_entry(self.pick_surname(rng))
        p.surnames.append((dt.date(1900, 1, 1),) + s)
        p.given = self.japanese_given(g, b.year)
        addr = self.new_address()
        self.contacts([p], addr, landline=rng.random() < 0.3)
        self.give_mobile(p)
        self.give_email(p)
        members = [p]
        avoid = {p.given[0], p.given[1]}
        for _ in range(rng.choice([1, 1, 2])):
            kb = rand_date(rng, dt.date(b.year + 20, 1, 1), dt.date(min(b.year + 40, 2023), 12, 31))
            kg = "F" if rng.random() < 0.5 else "M"
            c = self.new_person(hid, kg, kb)
            c.surnames.append((dt.date(1900, 1, 1),) + s)
            c.given = self.japanese_given(kg, kb.year, avoid)
            avoid.update(c.given[:2])
            c.guardian = p
            self.set_child_contacts(c, p, p, addr)
            members.append(c)
        for m in members:
            m.tags.add("household")
        self.maybe_move(members)

    def household_foreign(self, hid):
        rng = self.rng
        origin = WeightedPick([o for o, _ in FOREIGN_WEIGHTS], [w for _, w in FOREIGN_WEIGHTS])(rng)
        g = "F" if rng.random() < 0.5 else "M"
        b = self.adult_birth(1965, 2004)
        p = self.new_person(hid, g, b)
        p.foreign = self.foreign_person(origin, g)
        p.tags.add("foreign")
        addr = self.new_address()
        self.contacts([p], addr, landline=False)
        self.give_mobile(p)
        self.give_email(p)
        members = [p]
        if rng.random() < 0.35:
            # a spouse (and the family name, for the family-name-sharing origins)
            q = self.new_person(hid, "M" if g == "F" else "F", rand_date(rng, b - dt.timedelta(days=1500), b + dt.timedelta(days=1500)))
            fam = None
            if origin in ("US", "BR", "PH", "NP"):
                fam = next(x for x in FOREIGN[origin][1] if x[0] == p.foreign["family_latin"])
            q.foreign = self.foreign_person(origin, q.gender, fam)
            q.tags.add("foreign")
            q.addresses = list(p.addresses)
            q.landlines = list(p.landlines)
            self.give_mobile(q)
            self.give_email(q)
            members.append(q)
            for m in members:
                m.tags.add("household")
        for m in members:
            m.surnames.append((dt.date(1900, 1, 1), None, 0, ""))
            m.given = ("", "", [])
        self.maybe_move(members)

    def maybe_move(self, members):
        rng = self.rng
        if rng.random() >= 0.14:
            return
        d = rand_date(rng, dt.date(2010, 1, 1), dt.date(2025, 10, 1))
        addr = self.new_address()
        land = None
        if any(x for _, _, x in members[0].landlines if x) and rng.random() < 0.6:
            land = self.new_phone(addr.area)
        for p in members:
            if p.addresses[-1][0] >= d:
                continue
            p.addresses.append((d, addr))
            p.landlines.append((d, "L2" if land else "", land))
            p.tags.add("moved")

    def maybe_far_origin(self, members):
        """Some families lived elsewhere before: early records carry a far address."""
        rng = self.rng
        if rng.random() >= 0.04:
            return
        old = self.new_address("far")
        land = self.new_phone(old.area) if rng.random() < 0.5 else None
        for p in members:
            a0 = p.addresses[0]
            move = rand_date(rng, dt.date(2008, 1, 1), dt.date(2018, 1, 1))
            p.addresses = [(dt.date(2000, 1, 1), old)] + [(max(move, d), a) for d, a in p.addresses]
            p.landlines = [(dt.date(2000, 1, 1), "L9" if land else "", land)] + [(max(move, d), i, x) for d, i, x in p.landlines]
            p.tags.add("moved")

    def activity(self):
        rng = self.rng
        for p in self.people:
            lo = max(dt.date(2005, 1, 1), p.birth + dt.timedelta(days=365 * 2 + 30))
            p.first = rand_date(rng, lo, dt.date(2026, 10, 31)) if lo < dt.date(2026, 10, 31) else dt.date(2026, 10, 31)
            p.last = min(TODAY, p.first + dt.timedelta(days=int(rng.expovariate(1 / (365 * 6)))))
            if p.foreign:
                p.first = max(p.first, dt.date(2012, 1, 1))
                p.last = max(p.last, p.first)
            # family members come to the same clinic around the same years
        for p in self.people:
            p.variant_writer = rng.random() < 0.5


OTHER_TOWNS = {}


def load_other_towns():
    text = """狭山市 3501301 青柳|3501302 東三ツ木|3501303 沢|3501304 狭山台|3501305 入間川|3501306 富士見|3501307 祇園|3501308 中央|3501311 中新田|3501312 堀兼|3501313 上赤坂|3501314 加佐志|3501315 北入曽|3501316 南入曽|3501317 水野|3501319 広瀬|3501320 広瀬東|3501321 上広瀬|3501322 下広瀬|3501323 鵜ノ木|3501324 稲荷山|3501325 根岸|3501326 つつじ野|3501327 笹井|3501328 広瀬台|3501331 新狭山|3501332 下奥富|3501333 上奥富|3501334 狭山|3501335 柏原|3501336 柏原新田
入間市 3580001 向陽台|3580002 東町|3580003 豊岡|3580004 鍵山|3580005 宮前町|3580006 春日町|3580007 黒須|3580008 河原町|3580011 下藤沢|3580012 東藤沢|3580013 上藤沢|3580014 宮寺|3580015 二本木|3580016 高根|3580017 駒形富士山|3580021 高倉|3580022 扇町屋|3580023 扇台|3580024 久保稲荷|3580025 善蔵新田|3580026 小谷田|3580027 上小谷田|3580031 新久|3580032 狭山ケ原|3580033 狭山台|3580034 根岸|3580035 中神|3580036 花ノ木|3580041 下谷ケ貫|3580042 上谷ケ貫|3580043 西三ツ木|3580044 三ツ木台|3580045 寺竹|3580046 南峯|3580047 木蓮寺|3580048 金子中央|3580051 牛沢町|3580052 森坂|3580053 仏子|3580054 野田
東村山市 1890001 秋津町|1890002 青葉町|1890003 久米川町|1890011 恩多町|1890012 萩山町|1890013 栄町|1890014 本町|1890021 諏訪町|1890022 野口町|1890023 美住町|1890024 富士見町|1890025 廻田町|1890026 多摩湖町
小平市 1870001 大沼町|1870002 花小金井|1870003 花小金井南町|1870004 天神町|1870011 鈴木町|1870012 御幸町|1870013 回田町|1870021 上水南町|1870022 上水本町|1870023 上水新町|1870024 たかの台|1870025 津田町|1870031 小川東町|1870032 小川町|1870033 中島町|1870034 栄町|1870035 小川西町|1870041 美園町|1870042 仲町|1870043 学園東町|1870044 喜平町|1870045 学園西町
練馬区 1760001 練馬|1760002 桜台|1760003 羽沢|1760004 小竹町|1760005 旭丘|1760006 栄町|1760011 豊玉上|1760012 豊玉北|1760013 豊玉中|1760014 豊玉南|1760021 貫井|1760022 向山|1760023 中村北|1760024 中村|1760025 中村南|1770031 三原台|1770032 谷原|1770033 高野台|1770034 富士見台|1770035 南田中|1770041 石神井町|1770042 下石神井|1770043 上石神井南町|1770044 上石神井|1770045 石神井台|1770051 関町北|1770052 関町東|1770053 関町南|1770054 立野町
川越市 3500001 古谷上|3500002 古谷本郷|3500003 八ツ島|3500004 高島|3500011 久下戸|3500012 萱沼|3500013 渋井|3500014 古市場|3500015 今泉|3500016 木野目|3500017 牛子|3500018 藤木町|3500021 大中居|3500022 小中居|3500023 並木|3500024 並木新町|3500025 並木西町|3500026 泉町|3500027 南田島|3500031 小仙波|3500032 大仙波|3500033 富士見町|3500034 仙波町|3500035 西小仙波町|3500036 小仙波町|3500041 六軒町|3500042 中原町|3500043 新富町|3500044 通町|3500045 南通町|3500046 菅原町|3500051 志多町|3500052 宮下町|3500053 郭町|3500054 三久保町|3500055 久保町|3500056 松江町|3500057 大手町|3500061 喜多町|3500062 元町"""
    for line in text.strip().splitlines():
        city, rest = line.split(" ", 1)
        OTHER_TOWNS[city] = [tuple(x.split()) for x in rest.split("|")]


load_other_towns()


# --------------------------------------------------------------------------
# Writing a person as a record: the noise
# --------------------------------------------------------------------------
def encodable(s: str, enc: str) -> bool:
    try:
        s.encode(enc)
        return True
    except UnicodeEncodeError:
        return False


class Rec:
    """What one record says, and what the generator knows of it."""

    def __init__(self, p: Person, d: dt.date):
        self.p, self.d = p, d
        self.tags = []              # record-level noise
        self.meta = {}


class Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng

    # names ---------------------------------------------------------------
    def surname(self, p: Person, d: dt.date, rec: Rec, enc: str, noise: float):
        """(kanji, kana) of the surname at date d."""
        rng = self.rng
        idx = 0
        for i, item in enumerate(p.surnames):
            if item[0] <= d:
                idx = i
        _, s, reading, variant = p.surnames[idx]
        rec.meta["nv"] = idx
        kanji = s.kanji
        # the customer's own (official) form may be the old one
        if variant and encodable(variant, enc):
            if p.variant_writer or rng.random() < 0.5:
                kanji = variant
            if kanji != variant:
                rec.tags.append("itaiji")
        elif variant:
            rec.tags.append("itaiji")       # 𠮷 outside CP932: written 吉
        if variant == "" and s.variants and rng.random() < 0.04 * noise:
            v = rng.choice(s.variants)
            if encodable(v, enc):
                kanji = v
                rec.tags.append("itaiji")
        # homophone surnames confused (菊地/菊池, 斎藤/斉藤, 渡辺/渡部)
        if rng.random() < 0.02 * noise:
            alt = {"菊地": "菊池", "菊池": "菊地", "斎藤": "斉藤", "斉藤": "斎藤", "渡辺": "渡部", "渡部": "渡辺",
                   "荒井": "新井", "新井": "荒井"}.get(s.kanji)
            if alt:
                kanji = alt
                rec.tags.append("surname-homophone")
        kana = s.kana[reading]
        # a surname with several readings: the clerk guessed another one
        if len(s.kana) > 1 and rng.random() < 0.12 * noise:
            kana = rng.choice([k for i, k in enumerate(s.kana) if i != reading])
            rec.tags.append("kana-reading")
        return kanji, kana

    def given(self, p: Person, rec: Rec, enc: str, noise: float, homophone: float):
        rng = self.rng
        k, kana, alts = p.given
        if alts and rng.random() < homophone * noise:
            k = rng.choice(alts)
            rec.tags.append("homophone")
        if p.variant_writer and any(c in GIVEN_VARIANT for c in k) and rng.random() < 0.5:
            v = "".join(GIVEN_VARIANT.get(c, c) for c in k)
            if encodable(v, enc) and v != k:
                k = v
                rec.tags.append("itaiji")
        return k, kana

    def kanji_typo(self, s: str, rec: Rec, rate: float) -> str:
        rng = self.rng
        if rng.random() >= rate:
            return s
        cands = [(i, a, b) for i, c in enumerate(s) for a, b in KANJI_CONFUSION if c in (a, b) and a != b]
        if not cands:
            return s
        i, a, b = rng.choice(cands)
        rec.tags.append("kanji-typo")
        return s[:i] + (b if s[i] == a else a) + s[i + 1:]

    def kana_typo(self, s: str, rec: Rec, rate: float) -> str:
        rng = self.rng
        if rng.random() >= rate or not s:
            return s
        cands = [(i, a, b) for i, c in enumerate(s) for a, b in KANA_CONFUSION if c in (a, b)]
        r = rng.random()
        if cands and r < 0.6:
            i, a, b = rng.choice(cands)
            s = s[:i] + (b if s[i] == a else a) + s[i + 1:]
        elif r < 0.8 and "ウ" in s[1:]:
            i = s.index("ウ", 1)
            s = s[:i] + "ー" + s[i + 1:]       # ユウコ → ユーコ: a spelling, not a slip
            rec.tags.append("kana-variant")
            return s
        else:
            i = rng.randrange(len(s))
            if s[i] == " ":
                return s
            s = s[:i] + s[i + 1:]                # a kana dropped
        rec.tags.append("kana-typo")
        return s

    def foreign_name(self, p: Person, rec: Rec, style: str, enc: str = "utf-8"):
        """style: latin | kana | kanji. Returns (name, kana)."""
        rng = self.rng
        f = p.foreign
        fam_k = rng.choice(f["family_kana"])
        giv_k = rng.choice(f["given_kana"])
        if fam_k != f["family_kana"][0] or giv_k != f["given_kana"][0]:
            rec.tags.append("foreign-kana")
        sep = rng.choice([" ", " ", "・", "　"]) if style != "latin" else " "
        if f["order"] == "FG" or rng.random() >= 0.6:
            kana, korder = fam_k + sep + giv_k, "FG"
        else:
            kana, korder = giv_k + sep + fam_k, "GF"
        # what the classes of missed pairs compare: which spelling, which order
        rec.meta["fk"] = f"{f['family_kana'].index(fam_k)}.{f['given_kana'].index(giv_k)}.{korder}"
        fl, gl = f["family_latin"], f["given_latin"]
        if rng.random() < 0.25 and " " in gl:
            gl = gl.split()[0] if f["origin"] != "VN" else gl.split()[-1]
            rec.tags.append("foreign-short")
        if style == "latin":
            order = rng.random()
            if f["order"] == "FG":
                name = f"{fl} {gl}" if order < 0.8 else f"{gl} {fl}"
            else:
                name = f"{gl} {fl}" if order < 0.5 else f"{fl} {gl}"
            if order >= (0.8 if f["order"] == "FG" else 0.5):
                rec.tags.append("name-order")
            rec.meta["lo"] = "FG" if name.upper().startswith(fl) else "GF"
            if rng.random() < 0.45:
                name = name.title()
            rec.meta["script"] = "latin"
            return name, kana
        if style == "kanji" and f["family_kanji"] and f["given_kanji"] and encodable(f["family_kanji"] + f["given_kanji"], enc):
            rec.meta["script"] = "kanji"
            return f["family_kanji"] + " " + f["given_kanji"], kana
        rec.meta["script"] = "kana"
        return kana, kana

    def latin_japanese(self, fam_kana, giv_kana, rec: Rec):
        rng = self.rng
        mode = rng.choice(["drop", "drop", "drop", "ou", "oh", "macron"])
        kun = rng.random() < 0.15
        mb = rng.random() < 0.3
        f = romaji(fam_kana, mode, kun, mb)
        g = romaji(giv_kana, mode, kun, mb)
        if rng.random() < 0.55:
            name = f"{g.title()} {f.title()}"
        else:
            name = f"{f.upper()} {g.upper()}" if rng.random() < 0.5 else f"{f.title()} {g.title()}"
        rec.tags.append("latin-name")
        if mode != "drop" or kun:
            rec.tags.append("romaji-variant")
        rec.meta["script"] = "latin"
        return name

    # dates -----------------------------------------------------------------
    def birth_noise(self, b: dt.date, rec: Rec, rate: float) -> dt.date:
        rng = self.rng
        if rng.random() >= rate:
            return b
        r = rng.random()
        try:
            if r < 0.3 and b.day <= 12 and b.day != b.month:
                nb = b.replace(month=b.day, day=b.month)
            elif r < 0.55:
                nb = add_years(b, rng.choice([-1, 1, 10, -10]))
            elif r < 0.8:
                nb = b + dt.timedelta(days=rng.choice([-1, 1, 10, -10]))
            else:
                nb = b.replace(month=rng.choice([m for m in range(1, 13) if m != b.month]))
        except ValueError:
            return b
        rec.tags.append("birth-typo")
        return nb

    @staticmethod
    def era(d: dt.date):
        if d >= dt.date(2019, 5, 1):
            return "令和", "R", d.year - 2018
        if d >= dt.date(1989, 1, 8):
            return "平成", "H", d.year - 1988
        if d >= dt.date(1926, 12, 25):
            return "昭和", "S", d.year - 1925
        return "大正", "T", d.year - 1911

    def era_text(self, d: dt.date, style: int) -> str:
        name, letter, y = self.era(d)
        ys = "元" if y == 1 and style == 0 and self.rng.random() < 0.7 else str(y)
        if style == 0:
            return f"{name}{ys}年{d.month}月{d.day}日"
        if style == 1:
            return f"{letter}{y}.{d.month}.{d.day}"
        if style == 2:
            return f"{letter}{y:02d}/{d.month:02d}/{d.day:02d}"
        return f"{name[0]}{y}・{d.month}・{d.day}"

    # phones and addresses -----------------------------------------------------
    def phone_typo(self, num: str, rec: Rec, pid: str, rate: float) -> str:
        rng = self.rng
        if rng.random() >= rate or len(num) < 10:
            return num
        i = rng.randrange(3, len(num) - 1)
        if rng.random() < 0.5 and num[i] != num[i + 1]:
            num = num[:i] + num[i + 1] + num[i] + num[i + 2:]
        else:
            num = num[:i] + str((int(num[i]) + rng.randint(1, 9)) % 10) + num[i + 1:]
        rec.tags.append("phone-typo")
        rec.meta.setdefault("typo_phone", []).append(pid)
        return num

    @staticmethod
    def fmt_phone(num: str, style: str) -> str:
        if num.startswith(("090", "080", "070")):
            parts = [num[:3], num[3:7], num[7:]]
        elif num.startswith("0429"):                      # 所沢, 狭山, 入間: 04-29xx-xxxx
            parts = [num[:2], num[2:6], num[6:]]
        elif num.startswith(("03", "06")):
            parts = [num[:2], num[2:6], num[6:]]
        else:
            parts = [num[:3], num[3:6], num[6:]]
        if style == "plain":
            return num
        if style == "paren":
            return f"{parts[0]}({parts[1]}){parts[2]}"
        return style.join(parts)

    def block(self, a: Address, style: str) -> str:
        c, b, g = a.chome, a.ban, a.go
        if style == "kanji":
            s = (f"{kanji_number(c)}丁目" if c else "") + f"{b}番" + (f"{g}号" if g else "")
            if not c and not g:
                s = f"{b}番地"
            return s
        if style == "chome":
            return (f"{c}丁目" if c else "") + f"{b}-{g}" if g else (f"{c}丁目{b}" if c else f"{b}番地")
        parts = [str(x) for x in (c, b, g) if x]
        return "-".join(parts)

    def address(self, a: Address, rec: Rec, pref: bool, style: str, bldg: bool, rate_typo: float, sep=" "):
        rng = self.rng
        town = a.town
        if "ケ" in town and rng.random() < 0.4:
            town = town.replace("ケ", rng.choice(["ヶ", "が"]))
        blk = self.block(a, style)
        if rng.random() < rate_typo:
            b2 = a.ban + rng.choice([-1, 1, 10])
            if b2 > 0:
                blk = blk.replace(str(a.ban), str(b2), 1) if str(a.ban) in blk else blk
                rec.tags.append("addr-typo")
        s = (a.pref if pref else "") + a.city + town + blk
        if bldg and a.bldg:
            s += sep + a.bldg + (f"{a.room}号室" if rng.random() < 0.3 else str(a.room))
        rec.meta["av"] = a.id
        if not pref:
            rec.tags.append("no-prefecture")
        return s


# --------------------------------------------------------------------------
# The sources
# --------------------------------------------------------------------------
TREATMENTS = [("定期検診", 3200), ("歯石除去", 2800), ("虫歯治療", 3600), ("根管治療", 4100), ("抜歯", 3900),
              ("ホワイトニング", 16500), ("義歯調整", 2400), ("小児検診・フッ素", 1200), ("被せ物", 5800), ("歯周病治療", 3300)]
DOCTORS = ["院長", "田所", "宮下", "野々村"]


def to_fullwidth_digits(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" or c == "-" else c for c in s).replace("\uff0d", "－")


class Corpus:
    def __init__(self, people, seed, out):
        self.people = people
        self.rng = random.Random(seed * 31 + 7)
        self.w = Writer(self.rng)
        self.out = out
        self.truth = []     # (file, sheet, row, person, household, kinds)
        self.noise = []

    def record(self, fname, sheet, row, rec: Rec, source):
        p = rec.p
        if "no-birth" in rec.tags:                  # a slip in a date nobody wrote down is no slip
            rec.tags = [t for t in rec.tags if t != "birth-typo"]
        kinds = sorted(set(p.tags) | set(rec.tags) | ({"same-name"} if getattr(p, "same_name", False) else set()))
        self.truth.append((fname, sheet, row, p.pid, p.hid if "household" in p.tags else "", ";".join(kinds)))
        m = rec.meta
        self.noise.append({
            "source_file": fname, "sheet": sheet, "row": row, "person_id": p.pid, "source": source,
            "date": rec.d.isoformat(), "name_version": m.get("nv", ""), "script": m.get("script", "kanji"),
            "address_id": m.get("av", ""), "phones": ";".join(m.get("phones", [])),
            "typo_phones": ";".join(m.get("typo_phone", [])), "email": m.get("email", ""),
            "birth": m.get("birth", ""), "kana": m.get("kana", ""),
            "foreign_kana": m.get("fk", "") if m.get("kana") or m.get("script") == "kana" else "",
            "latin_order": m.get("lo", ""),
            "tags": ";".join(sorted(set(rec.tags))), "person_tags": ";".join(sorted(p.tags)),
        })

    # which phone/e-mail ids a record shows ------------------------------------
    def contact(self, p: Person, d: dt.date):
        land = p.at(p.landlines, d) if p.landlines else (d, "", None)
        mob = p.at(p.mobiles, d) if p.mobiles else (d, "", None)
        em = p.at(p.emails, d) if p.emails else (d, "", None)
        gm = ge = None
        if p.guardian is not None and (mob[2] is None or mob[0] > d):
            g = p.guardian
            gm = g.at(g.mobiles, d) if g.mobiles else None
            ge = g.at(g.emails, d) if g.emails else None
            if gm and gm[2] is None:
                gm = None
            if ge and ge[2] is None:
                ge = None
        return land, mob, em, gm, ge

    # -- 1. the Excel ledger ---------------------------------------------------
    def ledger(self):
        import openpyxl
        from openpyxl.styles import Font, PatternFill
        rng, w = self.rng, self.w
        rows = []
        for p in self.people:
            if p.last < dt.date(2012, 4, 1) or rng.random() >= 0.72:
                continue
            reg = max(p.first, rand_date(rng, dt.date(2012, 4, 1), dt.date(2012, 10, 31)))
            reg = min(reg, p.last)
            rows.append((reg, p, False))
            if rng.random() < 0.05 and (p.last - reg).days > 400:
                rows.append((rand_date(rng, reg + dt.timedelta(days=365), p.last), p, True))
        rows.sort(key=lambda r: (r[0], r[1].pid))
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "患者台帳"
        ws["A1"] = f"{CLINIC}　患者台帳"
        ws["A1"].font = Font(size=14, bold=True)
        ws["H1"] = "※個人情報につき取扱注意"
        header = ["患者No", "登録日", "姓", "名", "ﾌﾘｶﾞﾅ", "性別", "生年月日", "〒", "住所", "自宅TEL", "携帯TEL", "保険", "備考"]
        ws.append([])
        ws.append(header)
        for c in ws[3]:
            c.fill = PatternFill("solid", fgColor="DDEBF7")
            c.font = Font(bold=True)
        fname = "corpus3_ledger.xlsx"
        no = 1000
        r_ = 3                              # the header's row
        for reg, p, second in rows:
            no += rng.randint(1, 3)
            # a row updated later by the staff shows the patient as of the last visit
            updated = rng.random() < 0.3
            d = rand_date(rng, reg, p.last) if updated else reg
            rec = Rec(p, d)
            if second:
                rec.tags.append("second-id")
            note = []
            if p.foreign:
                style = rng.choice(["kana", "kana", "latin", "kanji"])
                name, kana = w.foreign_name(p, rec, style)
                parts = name.replace("・", " ").replace("　", " ").split(" ", 1)
                sei, mei = parts[0], (parts[1] if len(parts) > 1 else "")
                kana_cell = to_halfwidth_kana(kana) if rng.random() < 0.85 else ""
            else:
                sk, skana = w.surname(p, d, rec, "utf-8", 1.0)
                gk, gkana = w.given(p, rec, "utf-8", 1.0, 0.03)
                sk = w.kanji_typo(sk, rec, 0.015)
                gk = w.kanji_typo(gk, rec, 0.015)
                if updated and rec.meta["nv"] > 0 and rng.random() < 0.6:
                    old = p.surnames[rec.meta["nv"] - 1][1]
                    note.append(f"旧姓：{old.kanji}")
                if rng.random() < 0.03:
                    sei, mei = sk + gk, ""
                    rec.tags.append("name-in-one-column")
                else:
                    sei, mei = sk, gk
                kana = skana + (" " if rng.random() < 0.8 else "") + gkana
                kana = w.kana_typo(kana, rec, 0.03)
                kana_cell = to_halfwidth_kana(kana) if rng.random() < 0.94 else ""
                rec.meta["script"] = "kanji"
            if not kana_cell:
                rec.tags.append("no-kana")
            rec.meta["kana"] = "1" if kana_cell else ""
            # birth: a date cell, or era text
            b = w.birth_noise(p.birth, rec, 0.02)
            r = rng.random()
            if r < 0.05:
                birth = None
                rec.tags.append("no-birth")
            elif r < 0.70:
                birth = b
            elif r < 0.85:
                birth = w.era_text(b, 0)
            elif r < 0.95:
                birth = w.era_text(b, 1)
            else:
                birth = w.era_text(b, 2)
            rec.meta["birth"] = "1" if birth is not None else ""
            a = p.at(p.addresses, d)[1]
            addr = w.address(a, rec, pref=rng.random() < 0.55, style=rng.choice(["hyphen"] * 5 + ["chome", "kanji"]),
                             bldg=rng.random() < 0.85, rate_typo=0.015, sep=rng.choice([" ", "　", ""]))
            postal = a.postal
            pcell = int(postal) if rng.random() < 0.3 else (postal[:3] + "-" + postal[3:]) if rng.random() < 0.9 else None
            if pcell is None:
                rec.tags.append("no-postal")
            land, mob, em, gm, ge = self.contact(p, d)
            phones = []
            tel = None
            if land[2] and rng.random() < 0.92:
                num = w.phone_typo(land[2], rec, f"{p.pid}:{land[1]}", 0.015)
                tel = int(num) if rng.random() < 0.75 else w.fmt_phone(num, "-")
                phones.append(f"{p.pid}:{land[1]}")
            cell = None
            mnum = mob[2] if mob[2] and mob[0] <= d else None
            owner = p
            if mnum is None and gm:
                mnum, owner = gm[2], p.guardian
                mid = gm[1]
                rec.tags.append("parent-phone")
            else:
                mid = mob[1]
            if mnum and rng.random() < 0.93:
                num = w.phone_typo(mnum, rec, f"{owner.pid}:{mid}", 0.015)
                cell = int(num) if rng.random() < 0.7 else w.fmt_phone(num, "-")
                phones.append(f"{owner.pid}:{mid}")
            rec.meta["phones"] = phones
            if not phones:
                rec.tags.append("no-phone")
            if p.guardian is not None and p.age(d) < 16:
                note.append(rng.choice(["母同伴", "保護者：母", "父親と来院", "兄弟あり"]))
            if second:
                note.append(rng.choice(["再登録", "診察券紛失→再発行", ""]))
            if rng.random() < 0.1:
                note.append(rng.choice(["金属アレルギー", "麻酔で気分不良歴あり", "血圧の薬服用中", "妊娠中", "キャンセル多い"]))
            ins = rng.choice(["社保", "国保", "国保", "社保", "後期高齢"]) if p.age(d) >= 18 else rng.choice(["社保", "国保", "子ども医療"])
            r_ += 1
            ws.append([no, reg, sei, mei, kana_cell, "女" if p.gender == "F" else "男", birth, pcell, addr, tel, cell, ins,
                       "、".join(x for x in note if x) or None])
            ws.cell(r_, 2).number_format = "yyyy/m/d"
            if isinstance(birth, dt.date):
                ws.cell(r_, 7).number_format = "yyyy/mm/dd"
            self.record(fname, "患者台帳", r_, rec, "ledger")
        for col, width in zip("ABCDEFGHIJKLM", [8, 11, 8, 8, 16, 5, 14, 10, 40, 13, 14, 8, 24]):
            ws.column_dimensions[col].width = width
        wb.save(os.path.join(self.out, fname))
        return len(rows)

    # -- 2. the reservation and accounting export (CP932) --------------------------
    def reserve(self):
        """Written last: a person no other source caught has visited since 2020
        (everyone appears at least once)."""
        rng, w = self.rng, self.w
        start = dt.date(2020, 4, 1)
        visits = []       # (date, patient id, person, master)
        pid_no = 200000
        seen = {t[3] for t in self.truth}
        self.forced = 0
        for p in self.people:
            if p.last < start or rng.random() >= 0.78:
                if p.pid in seen:
                    continue
                self.forced += 1
                p.last = max(p.last, rand_date(rng, start, TODAY))
            lo = max(p.first, start)
            n = 1 + (rng.random() < 0.35) + (rng.random() < 0.12)
            dates = sorted(rand_date(rng, lo, p.last) for _ in range(n))
            split = len(dates) > 1 and rng.random() < 0.06
            groups = [dates] if not split else [dates[:1], dates[1:]]
            for gi, ds in enumerate(groups):
                pid_no += rng.randint(1, 4)
                master_date = ds[0] if rng.random() < 0.6 else ds[-1]
                master = self.reserve_master(p, master_date, second=(gi == 1), kana_only=gi == 1 or rng.random() < 0.3)
                for d in ds:
                    visits.append((d, pid_no, p, master))
        visits.sort(key=lambda v: (v[0], v[1]))
        fname = "corpus3_reserve.csv"
        buf = io.StringIO()
        wr = csv.writer(buf, lineterminator="\r\n")
        wr.writerow(["受付番号", "受診日", "患者ID", "患者氏名", "患者氏名カナ", "性別", "生年月日", "電話番号", "診療内容",
                     "保険点数", "窓口負担額", "担当医"])
        line = 1
        for k, (d, pno, p, master) in enumerate(visits, 1):
            name, kana, sex, birth, phone, rec0 = master
            t, pts = rng.choice(TREATMENTS)
            pts = pts // 10 + rng.randint(-40, 40)
            pay = (pts * 10 * (3 if p.age(d) >= 6 else 2) // 10) // 10 * 10
            wr.writerow([f"{d:%y%m%d}{k % 1000:03d}{k // 1000:03d}", f"{d:%Y%m%d}", pno, name, kana, sex, birth, phone, t,
                         pts, pay, rng.choice(DOCTORS)])
            line += 1
            rec = Rec(p, d)
            rec.tags, rec.meta = list(rec0.tags), dict(rec0.meta)
            self.record(fname, "", line, rec, "reserve")
        data = buf.getvalue()
        with open(os.path.join(self.out, fname), "wb") as f:
            f.write(data.encode("cp932"))
        return len(visits)

    def reserve_master(self, p, d, second, kana_only):
        rng, w = self.rng, self.w
        rec = Rec(p, d)
        if second:
            rec.tags.append("second-id")
        if p.foreign:
            name, kana = w.foreign_name(p, rec, "latin" if rng.random() < 0.7 else "kana")
            if rng.random() < 0.3:
                kana = ""
            if name == kana:
                kana_only = True
        else:
            sk, skana = w.surname(p, d, rec, "cp932", 1.0)
            gk, gkana = w.given(p, rec, "cp932", 1.0, 0.05)
            kana = w.kana_typo(skana + "　" + gkana, rec, 0.03)
            if kana_only:
                name = kana
                rec.tags.append("kana-only")
                rec.meta["script"] = "kana"
            else:
                name = w.kanji_typo(sk, rec, 0.01) + "　" + w.kanji_typo(gk, rec, 0.01)
                rec.meta["script"] = "kanji"
        rec.meta["kana"] = "1" if kana else ""
        b = w.birth_noise(p.birth, rec, 0.02)
        birth = "" if rng.random() < 0.08 else f"{b:%Y%m%d}"
        if not birth:
            rec.tags.append("no-birth")
        rec.meta["birth"] = "1" if birth else ""
        land, mob, em, gm, ge = self.contact(p, d)
        choices = []
        if mob[2] and mob[0] <= d:
            choices.append((p, mob))
        elif gm:
            choices.append((p.guardian, gm))
        if land[2]:
            choices.append((p, land))
        phone = ""
        if choices and rng.random() < 0.96:
            owner, ph = choices[0] if len(choices) == 1 or rng.random() < 0.7 else choices[1]
            if owner is not p:
                rec.tags.append("parent-phone")
            num = w.phone_typo(ph[2], rec, f"{owner.pid}:{ph[1]}", 0.015)
            phone = w.fmt_phone(num, rng.choice(["-", "-", "plain"]))
            rec.meta["phones"] = [f"{owner.pid}:{ph[1]}"]
            if ph[1].startswith("L"):
                rec.tags.append("landline-only")
        else:
            rec.tags.append("no-phone")
        sex = "2" if p.gender == "F" else "1"
        return name, kana, sex, birth, phone, rec

    # -- 3. the web first-visit form (UTF-8, no BOM) ----------------------------------
    def web(self):
        rng, w = self.rng, self.w
        start = dt.date(2019, 1, 1)
        subs = []
        for p in self.people:
            if p.last < start:
                continue
            age = p.age(p.last)
            pr = 0.38 if 15 <= age < 50 else 0.16 if age >= 50 else 0.22
            if rng.random() >= pr:
                continue
            lo = max(p.first, start)
            n = 1 + (rng.random() < 0.08)
            for _ in range(n):
                subs.append((rand_date(rng, lo, p.last), p))
        subs.sort(key=lambda s: (s[0], s[1].pid))
        fname = "corpus3_web.csv"
        buf = io.StringIO()
        wr = csv.writer(buf, lineterminator="\n")
        wr.writerow(["タイムスタンプ", "お名前（漢字）", "ふりがな", "生年月日", "性別", "電話番号", "メールアドレス", "郵便番号", "ご住所",
                     "ご来院のきっかけ", "ご相談内容"])
        line = 1
        used = set()
        for d, p in subs:
            rec = Rec(p, d)
            while True:
                ts = f"{d:%Y/%m/%d} {rng.randint(7, 23)}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
                if ts not in used:
                    used.add(ts)
                    break
            if p.foreign:
                name, kana = w.foreign_name(p, rec, "latin" if rng.random() < 0.75 else "kana")
                kana = kata_to_hira(kana) if rng.random() < 0.4 else (kana if rng.random() < 0.6 else "")
            else:
                sk, skana = w.surname(p, d, rec, "utf-8", 0.5)
                gk, gkana = w.given(p, rec, "utf-8", 0.5, 0.01)
                r = rng.random()
                if r < 0.05 and p.age(d) >= 15:
                    name = w.latin_japanese(skana, gkana, rec)
                else:
                    name = sk + rng.choice([" ", "　", "", "", "  "]) + gk
                    rec.meta["script"] = "kanji"
                    if rng.random() < 0.01:
                        name = w.kanji_typo(name, rec, 1.0)
                r = rng.random()
                k = skana + rng.choice([" ", "　", ""]) + gkana
                k = w.kana_typo(k, rec, 0.015)
                kana = kata_to_hira(k) if r < 0.78 else k if r < 0.9 else ""
            if not kana:
                rec.tags.append("no-kana")
            rec.meta["kana"] = "1" if kana else ""
            b = w.birth_noise(p.birth, rec, 0.015)
            bs = rng.choice([f"{b.year}/{b.month}/{b.day}", f"{b:%Y-%m-%d}", to_fullwidth_digits(f"{b.year}年{b.month}月{b.day}日").replace("－", "-"),
                             f"{b:%Y%m%d}", w.era_text(b, 1), f"{b:%Y/%m/%d}"])
            if rng.random() < 0.04:
                bs = ""
                rec.tags.append("no-birth")
            rec.meta["birth"] = "1" if bs else ""
            land, mob, em, gm, ge = self.contact(p, d)
            phones = []
            if mob[2] and mob[0] <= d:
                owner, ph = p, mob
            elif gm:
                owner, ph = p.guardian, gm
                rec.tags.append("parent-phone")
            elif land[2]:
                owner, ph = p, land
                rec.tags.append("landline-only")
            else:
                owner, ph = None, None
            tel = ""
            if ph:
                num = w.phone_typo(ph[2], rec, f"{owner.pid}:{ph[1]}", 0.01)
                dash = rng.choice(["-", "-", "", "ー", "－", "‐", "―"])
                tel = w.fmt_phone(num, dash) if dash else num
                if rng.random() < 0.25:
                    tel = to_fullwidth_digits(tel).replace("－", dash if dash in "ー‐―" and dash else "－")
                phones.append(f"{owner.pid}:{ph[1]}")
            rec.meta["phones"] = phones
            email = ""
            eo, e = (p, em) if em[2] else (p.guardian, ge) if ge else (None, None)
            if e and e[2]:
                email = e[2]
                if rng.random() < 0.2:
                    loc, dom = email.split("@")
                    email = loc[:1].upper() + loc[1:] + "@" + (dom.title() if rng.random() < 0.5 else dom)
                if rng.random() < 0.025:
                    email = email.replace("gmail", "gmial") if "gmail" in email else email.replace("@", "@@", 1) if rng.random() < 0.3 else email.replace(".", ",", 1)
                    rec.tags.append("email-typo")
                if rng.random() < 0.05:
                    email = to_fullwidth_digits(email).translate(str.maketrans("@.", "＠．"))
                rec.meta["email"] = f"{eo.pid}:{e[1]}"
                if eo is not p:
                    rec.tags.append("parent-email")
            a = p.at(p.addresses, d)[1]
            addr = w.address(a, rec, pref=rng.random() < 0.6, style=rng.choice(["hyphen"] * 4 + ["chome", "kanji"]),
                             bldg=rng.random() < 0.7, rate_typo=0.01, sep=rng.choice([" ", "　", ""]))
            if rng.random() < 0.3:
                addr = to_fullwidth_digits(addr)
            postal = a.postal[:3] + rng.choice(["-", "ー", "－", ""]) + a.postal[3:]
            if rng.random() < 0.3:
                postal = to_fullwidth_digits(postal)
            if rng.random() < 0.15:
                postal = "〒" + postal
            if rng.random() < 0.06:
                postal = ""
            sex = rng.choice(["女性", "女"]) if p.gender == "F" else rng.choice(["男性", "男"])
            if rng.random() < 0.05:
                sex = "回答しない"
            why = rng.choice(["ホームページ", "Googleマップ", "家族の紹介", "知人の紹介", "看板", "以前通院していた", ""])
            ask = rng.choice(["歯が痛い", "検診希望", "クリーニング", "子どもの検診", "詰め物が取れた", "ホワイトニングについて", "", ""])
            if p.guardian is not None and p.age(d) < 16:
                ask = "子どもの検診（母が入力）" if rng.random() < 0.5 else ask
            wr.writerow([ts, name, kana, bs, sex, tel, email, postal, addr, why, ask])
            line += 1
            self.record(fname, "", line, rec, "web")
        with open(os.path.join(self.out, fname), "w", encoding="utf-8", newline="") as f:
            f.write(buf.getvalue())
        return len(subs)

    # -- 4. the typed paper kartes (CP932) ------------------------------------------
    def cards(self):
        rng, w = self.rng, self.w
        fname = "corpus3_cards.txt"
        lines = ["# みどり台歯科クリニック 旧カルテ（紙）転記　2019年入力", "# 入力者：A=受付 佐伯 / B=衛生士 北条 / C=派遣スタッフ", ""]
        cards = []
        for p in self.people:
            if p.first >= dt.date(2016, 4, 1) or rng.random() >= 0.7:
                continue
            cards.append((p.first, p))
        cards.sort(key=lambda c: (c[0], c[1].pid))
        no = 0
        for d, p in cards:
            no += 1
            rec = Rec(p, d)
            typist = rng.choice("AABBC")
            colon = {"A": "：", "B": ":", "C": rng.choice(["：", ":"])}[typist]
            if p.foreign:
                name, kana = w.foreign_name(p, rec, rng.choice(["kana", "kana", "latin", "kanji"]), "cp932")
            else:
                sk, skana = w.surname(p, d, rec, "cp932", 1.5)
                gk, gkana = w.given(p, rec, "cp932", 1.5, 0.04)
                sk = w.kanji_typo(sk, rec, 0.04)
                gk = w.kanji_typo(gk, rec, 0.04)
                name = sk + ("　" if typist != "B" else " ") + gk
                kana = w.kana_typo(skana + ("　" if typist == "A" else " ") + gkana, rec, 0.05)
                rec.meta["script"] = "kanji"
                if typist == "A":
                    kana = kata_to_hira(kana)
            if typist == "B" and rng.random() < 0.5:
                name += " 様"
            if rng.random() < 0.05:
                kana = ""
                rec.tags.append("no-kana")
            rec.meta["kana"] = "1" if kana else ""
            b = w.birth_noise(p.birth, rec, 0.03)
            if typist == "A":
                bs = w.era_text(b, 0)
            elif typist == "B":
                bs = rng.choice([f"{b.year}/{b.month:02d}/{b.day:02d}", w.era_text(b, 1)])
            else:
                bs = rng.choice([w.era_text(b, 3), f"{b.year}年{b.month}月{b.day}日", w.era_text(b, 1)])
            if rng.random() < 0.06:
                bs = ""
                rec.tags.append("no-birth")
            rec.meta["birth"] = "1" if bs else ""
            a = p.at(p.addresses, d)[1]
            addr = w.address(a, rec, pref=typist == "B" or rng.random() < 0.3,
                             style={"A": "kanji", "B": "hyphen", "C": rng.choice(["chome", "hyphen"])}[typist],
                             bldg=rng.random() < 0.8, rate_typo=0.02)
            land, mob, em, gm, ge = self.contact(p, d)
            phones = []
            tel = mobile = ""
            if land[2] and rng.random() < 0.9:
                tel = w.fmt_phone(w.phone_typo(land[2], rec, f"{p.pid}:{land[1]}", 0.02), "-")
                phones.append(f"{p.pid}:{land[1]}")
            if mob[2] and mob[0] <= d and rng.random() < 0.85:
                mobile = w.fmt_phone(w.phone_typo(mob[2], rec, f"{p.pid}:{mob[1]}", 0.02), "-")
                phones.append(f"{p.pid}:{mob[1]}")
            elif gm and rng.random() < 0.7:
                mobile = w.fmt_phone(gm[2], "-") + rng.choice(["（母）", "（父）", "(保護者)", ""])
                phones.append(f"{p.guardian.pid}:{gm[1]}")
                rec.tags.append("parent-phone")
            rec.meta["phones"] = phones
            if not phones:
                rec.tags.append("no-phone")
            sex = "女" if p.gender == "F" else "男"
            first_line = len(lines) + 1
            if typist == "A":
                block = [f"カルテNo{colon}{no:05d}", f"患者氏名{colon}{name}", f"ふりがな{colon}{kana}", f"生年月日{colon}{bs}",
                         f"性別{colon}{sex}", f"住所{colon}{addr}"]
                if tel:
                    block.append(f"電話{colon}{tel}")
                if mobile:
                    block.append(f"携帯{colon}{mobile}")
                block.append(f"初診日{colon}{d.year}年{d.month}月{d.day}日")
                block.append(f"主訴{colon}{rng.choice(['右下奥歯の痛み', '検診希望', '歯ぐきからの出血', '詰め物脱離', '冷たい物がしみる'])}")
                if rng.random() < 0.15:
                    block.append(f"メモ{colon}{rng.choice(['麻酔苦手', '嘔吐反射強い', '金属アレルギー（ニッケル）'])}")
                    block.append("　" + rng.choice(["次回説明要", "家族も通院", "要注意"]))
                block.append("-" * 10)
            elif typist == "B":
                block = [f"カルテNo{colon} {no:05d}", f"氏名{colon} {name}", f"フリガナ{colon} {kana}", f"誕生日{colon} {bs}",
                         f"〒{colon} {a.postal[:3]}-{a.postal[3:]}" if rng.random() < 0.7 else "",
                         f"住所{colon} {addr}", f"TEL{colon} {tel or mobile}"]
                if tel and mobile:
                    block.append(f"携帯{colon} {mobile}")
                block.append(f"備考{colon} 初診 {d:%Y/%m/%d}")
                block.append("=" * 12)
            else:
                block = [f"カルテNo{colon}{no}", f"患者名{colon}{name}", f"カナ{colon}{kana}", f"生年月日{colon}{bs}",
                         f"住所{colon}{addr}", f"連絡先{colon}{' / '.join(x for x in (tel, mobile) if x)}",
                         f"初診{colon}{d:%Y.%m.%d}", ""]
            # C's cards have no separator, only a blank line
            # an empty field is left out, as the typists did; C's cards end with a blank line only
            lines.extend(x for x in block if x == "" and typist == "C" or x and x.split(colon, 1)[-1].strip())
            self.record(fname, "", first_line, rec, "cards")
        text = "\r\n".join(lines) + "\r\n"
        with open(os.path.join(self.out, fname), "wb") as f:
            f.write(text.encode("cp932"))
        return len(cards)


def mark_same_names(people):
    """Namesakes: two people (not of one household) with one full name."""
    by = defaultdict(set)
    for p in people:
        if p.foreign:
            key = (p.foreign["family_latin"], p.foreign["given_latin"])
        else:
            s = p.surnames[-1][1]
            key = (s.kanji, p.given[0])
        by[key].add(p)
    n = 0
    for key, ps in by.items():
        if len({p.hid for p in ps}) > 1:
            for p in ps:
                p.same_name = True
                p.tags.add("same-name")
                n += 1
    return n


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=20261208)
    ap.add_argument("--out", help="output folder")
    ap.add_argument("outdir", nargs="?", help="output folder (instead of --out)")
    ap.add_argument("--mappings", help="accepted for benches/dedup.sh; the mappings are mappings/corpus3_*.toml")
    args = ap.parse_args(argv)
    out = args.out or args.outdir
    if not out:
        ap.error("an output folder is needed (--out DIR or DIR)")
    if args.people < 1:
        ap.error("--people must be at least 1")
    os.makedirs(out, exist_ok=True)
    world = World(args.people, args.seed)
    people = world.build()
    namesakes = mark_same_names(people)
    c = Corpus(people, args.seed, out)
    counts = {"ledger": c.ledger(), "cards": c.cards(), "web": c.web(), "reserve": c.reserve()}
    counts["of them in the reservation export only because no other source had them"] = c.forced
    with open(os.path.join(out, "truth.csv"), "w", encoding="utf-8", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["source_file", "sheet", "row", "person_id", "household_id", "kind"])
        wr.writerows(c.truth)
    with open(os.path.join(out, "corpus3_noise.csv"), "w", encoding="utf-8", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=list(c.noise[0].keys()))
        wr.writeheader()
        wr.writerows(c.noise)
    households = Counter(p.hid for p in people)
    print(f"corpus3: {len(people):,} people in {len(households):,} households "
          f"({sum(1 for v in households.values() if v > 1):,} of 2+), {len(c.truth):,} records: "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items())
          + f"; {namesakes:,} people share their full name with someone outside their household -> {out}")


if __name__ == "__main__":
    main()
