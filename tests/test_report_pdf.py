"""The printed report has a font for every script it may hold: Chinese (Simplified and
Traditional), Japanese, Korean, Arabic, Persian, Hindi, Russian and Ukrainian text in the
dataset is drawn with fonts that have its glyphs, never as missing-glyph boxes.

The report of a small dataset whose description and sources are written in those scripts is
printed with headless Chromium; ``pdffonts`` lists the fonts embedded in the PDF and
fontconfig says whether one of them covers every character of each text. Skipped without
Chromium or poppler-utils unless ``CRITMIN_REQUIRE_BROWSER=1`` (``make test``: ``make
chromium`` installs Chromium, poppler-utils and the fonts where they are missing).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from critmin.atlas import Atlas
from critmin.data.dataset import read_dataset
from critmin.report.combined import combined_html
from critmin.report.layout import FONT_STACK
from critmin.report.pdf import find_chromium, html_to_pdf

MINI = Path(__file__).parent / "data" / "mini"
#: One line per script: what a ministry's analyst may find in a dataset or a signal.
SCRIPTS = {
    "zh-Hans": "稀土永磁体出口管制公告",
    "zh-Hant": "稀土永磁體出口管制公告",
    "ja": "レアアース磁石の輸出規制について",
    "ko": "희토류 자석 수출 통제 발표",
    "ar": "ضوابط تصدير العناصر الأرضية النادرة",
    "fa": "کنترل صادرات عناصر خاکی کمیاب در چین",
    "hi": "दुर्लभ पृथ्वी तत्वों पर निर्यात नियंत्रण",
    "ru": "Экспортный контроль редкоземельных металлов",
    "uk": "Експортний контроль рідкісноземельних металів: їхні ґрунти",
}
#: The families the CSS names for each script (make chromium installs the second of each).
FAMILIES = {
    "CJK": ("Noto Sans CJK SC", "WenQuanYi Zen Hei"),
    "Arabic": ("Noto Sans Arabic", "Amiri"),
    "Devanagari": ("Noto Sans Devanagari", "Lohit Devanagari"),
}


def _require(ok: bool, reason: str) -> None:
    if ok:
        return
    if os.environ.get("CRITMIN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (CRITMIN_REQUIRE_BROWSER=1 asks for the PDF tests; make chromium)")
    pytest.skip(f"{reason}; set CRITMIN_REQUIRE_BROWSER=1 to make this a failure")


def _tools() -> None:
    _require(find_chromium() is not None, "no Chromium (apt-get install chromium)")
    missing = [t for t in ("pdffonts", "pdftotext", "fc-list") if shutil.which(t) is None]
    _require(not missing, f"no {', '.join(missing)} (apt-get install poppler-utils fontconfig)")


def _multilingual(tmp: Path) -> Path:
    """tests/data/mini with a description and a source in every script."""
    folder = tmp / "mini"
    shutil.copytree(MINI, folder)
    toml = folder / "dataset.toml"
    description = " / ".join(SCRIPTS.values())
    toml.write_text(
        re.sub(r'description = ".*"', f'description = "{description}"', toml.read_text()),
        encoding="utf-8",
    )
    with (folder / "sources.csv").open("a", encoding="utf-8") as f:
        for lang, text in SCRIPTS.items():
            f.write(f'src-{lang},"{text}",publisher {lang},2025,,,\n')
    return folder


def _embedded(pdf: Path) -> list[str]:
    """PostScript names of the fonts embedded in ``pdf`` (subset prefixes removed)."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    names = []
    for line in out.stdout.splitlines()[2:]:
        fields = line.split()
        if len(fields) >= 6 and fields[-5] == "yes":  # the "emb" column
            names.append(fields[0].split("+", 1)[-1])
    return names


def _covers(postscript: str, text: str) -> bool:
    """Whether the installed font with this PostScript name has a glyph for every character
    of ``text`` (fontconfig's charset)."""
    chars = " ".join(f"{ord(c):x}" for c in sorted(set(text)) if not c.isspace())
    found = subprocess.run(
        ["fc-list", f":postscriptname={postscript}:charset={chars}", "family"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return bool(found.stdout.strip())


def _family(postscript: str, family: str) -> bool:
    """Whether the font with this PostScript name belongs to ``family``."""
    found = subprocess.run(["fc-list", f":postscriptname={postscript}", "family"],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    return family.lower() in found.lower()


def test_the_css_names_fonts_for_every_script():
    for script, families in FAMILIES.items():
        for family in families:
            assert f'"{family}"' in FONT_STACK, (script, family)
    page = combined_html(Atlas(read_dataset(MINI)))
    assert FONT_STACK in page


@pytest.mark.browser
def test_pdf_draws_every_script_with_a_font_that_has_its_glyphs(tmp_path):
    _tools()
    html_path = tmp_path / "report.html"
    page = combined_html(Atlas(read_dataset(_multilingual(tmp_path))))
    for text in SCRIPTS.values():
        assert text in page
    html_path.write_text(page, encoding="utf-8")
    pdf = html_to_pdf(html_path, tmp_path / "report.pdf")
    fonts = _embedded(pdf)
    assert fonts, "no embedded font"
    uncovered = {lang: text for lang, text in SCRIPTS.items()
                 if not any(_covers(f, text) for f in fonts)}  # fmt: skip
    assert not uncovered, (
        f"no embedded font has the glyphs of {sorted(uncovered)} (fonts: {fonts}); "
        "make chromium installs fonts-wqy-zenhei, fonts-hosny-amiri, fonts-lohit-deva"
    )
    # Arabic and Persian are drawn by an Arabic font the CSS names, not by a Latin font's
    # few Arabic glyphs
    arabic = [f for f in fonts if any(_family(f, n) for n in FAMILIES["Arabic"])]
    assert arabic and all(any(_covers(f, SCRIPTS[k]) for f in arabic) for k in ("ar", "fa"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    flat = " ".join(text.split())
    for lang in ("zh-Hans", "zh-Hant", "ja", "ko", "ru", "uk"):
        assert SCRIPTS[lang] in flat, lang  # extracted as written: real glyphs, not boxes
