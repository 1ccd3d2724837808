"""Make NotoSansCJKsc-Subset.otf: Noto Sans CJK SC (Debian's fonts-noto-cjk, OFL 1.1) cut
to the characters Corridor Viewer's users' data uses, so the app carries ~4 MB, not 19 MB.

Kept: every hanzi of GB 2312 (the 6,763 of Simplified Chinese in everyday and official use),
Japanese kana, the 2,350 Hangul syllables of KS X 1001, CJK punctuation and full-width
forms, and every CJK character in the data the app ships or is tried on (maps/, the basemap
assets, ../shared/data/basemap, the OpenStreetMap pack's names), Traditional forms included.

    python3 assets/fonts/subset_cjk.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

Needs fontTools (pip install fonttools).
"""
import glob
import gzip
import os
import re
import sqlite3
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def codec_chars(codec, lead, trail):
    out = set()
    for a in lead:
        for b in trail:
            try:
                out.add(bytes([a, b]).decode(codec))
            except UnicodeDecodeError:
                pass
    return out


def data_chars():
    out = set()
    files = glob.glob(os.path.join(ROOT, "maps", "*.geojson"))
    files += glob.glob(os.path.join(ROOT, "assets", "basemap", "*"))
    files += glob.glob(os.path.join(ROOT, "..", "shared", "data", "basemap", "*.geojson"))
    for f in files:
        with open(f, "rb") as fh:
            out.update(CJK.findall(fh.read().decode("utf-8", "ignore")))
    for pack in glob.glob(os.path.join(ROOT, "maps", "*.mbtiles")):
        db = sqlite3.connect(pack)
        for (blob,) in db.execute("select tile_data from tiles"):
            try:
                blob = gzip.decompress(blob)
            except OSError:
                pass
            out.update(CJK.findall(blob.decode("utf-8", "ignore")))
    return out


def main():
    ttc = sys.argv[1]
    chars = set()
    chars |= codec_chars("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF))  # hanzi
    chars |= codec_chars("gb2312", range(0xA1, 0xAA), range(0xA1, 0xFF))  # symbols
    chars |= codec_chars("euc_kr", range(0xB0, 0xC9), range(0xA1, 0xFF))  # Hangul
    chars |= {chr(c) for c in range(0x3040, 0x3100)}  # kana
    chars |= {chr(c) for c in range(0x3000, 0x3040)}  # CJK punctuation
    chars |= {chr(c) for c in range(0xFF00, 0xFFF0)}  # full-width forms
    from_data = data_chars()
    chars |= from_data
    print(f"{len(chars)} characters, {len(from_data)} of them in the data")
    sc = TTCollection(ttc).fonts[2]
    assert "SC" in sc["name"].getDebugName(4)
    src = os.path.join("/tmp", "NotoSansCJKsc-Regular.otf")
    sc.save(src)
    out = os.path.join(HERE, "NotoSansCJKsc-Subset.otf")
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(src, options)
    sub = subset.Subsetter(options)
    sub.populate(text="".join(sorted(chars)))
    sub.subset(font)
    subset.save_font(font, out, options)
    print(out, os.path.getsize(out), "bytes")


if __name__ == "__main__":
    main()
