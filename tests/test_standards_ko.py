"""The standards cross-reference appendix in Korean: every row has Korean text, and a
``plan.language: ko`` document shows it instead of the English paraphrases."""

from __future__ import annotations

import html as htmllib
import os
import re

import pytest
from conftest import AS_OF
from test_render import result_for, two_site_plan

from bcp.engine import validate_source
from bcp.loader import discover
from bcp.render.build import render_html
from bcp.render.standards_data import STANDARDS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLAGSHIP = os.path.join(ROOT, "plans", "kakao-messenger")
SMALL_EN = os.path.join(ROOT, "plans", "small-en.yaml")

ROWS = [r for rows in STANDARDS.values() for r in rows]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
TOKEN = re.compile(r"`([^`]+)`")
#: the row text a document may show (the template shows all but `what`, which the view carries too)
SHOWN = ("clause", "title", "what", "fields", "gap")


def appendix(html: str) -> str:
    """The text of the standards appendix, tags stripped and entities decoded."""
    start = html.index('id="s-standards"')
    end = html.index("</section>", start)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", html[start:end]))


def render(path: str) -> str:
    (source,) = discover([path])
    res = validate_source(source, AS_OF)
    return render_html(res, draft=True, media="html", logo=None, git=[], stamp="2026-11-24T00:00:00Z")


# --- the data ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=[r["key"] for r in ROWS])
def test_every_row_has_korean_text_for_what_the_document_shows(row):
    for field in ("clause", "title", "what", "fields"):
        assert row[f"{field}_ko"].strip(), (row["key"], field)
    # a gap note exactly where the English has one
    assert bool(row["gap_ko"].strip()) == bool(row["gap"].strip()), row["key"]
    # titles and paraphrases are Korean prose, not copies of the English
    assert HANGUL.search(row["title_ko"]) and HANGUL.search(row["what_ko"]), row["key"]
    assert row["what_ko"] != row["what"]
    if row["gap"]:
        assert HANGUL.search(row["gap_ko"]), row["key"]


#: words of the English field lists that name plan values, kept as written outside backticks
FIELD_WORDS = {"capacity", "cold", "git", "hot", "kind", "min_regions", "min_sites", "nist", "regions", "sites", "warm"}


@pytest.mark.parametrize("row", ROWS, ids=[r["key"] for r in ROWS])
def test_korean_text_keeps_field_names_and_has_no_english_prose(row):
    """Field names, values and rule codes stay as written; only the prose around them is Korean."""
    assert TOKEN.findall(row["fields_ko"]) == TOKEN.findall(row["fields"])
    for code in re.findall(r"\b[A-Z]\d{3}\b", row["fields"] + row["gap"]):
        assert code in row["fields_ko"] + row["gap_ko"], (row["key"], code)
    for field in SHOWN:
        words = re.findall(r"[A-Za-z][A-Za-z_]{2,}", TOKEN.sub("", row[f"{field}_ko"]))
        stray = [w for w in words if not w.isupper() and w not in FIELD_WORDS]
        assert stray == [], (row["key"], field, stray)


def test_clause_numbers_are_kept():
    for row in ROWS:
        for num in re.findall(r"\d+(?:\.\d+)*", row["clause"]):
            assert num in row["clause_ko"], (row["key"], num)


def test_korean_statute_titles_keep_their_korean_names():
    for row in STANDARDS["kr-disaster-plan"]:
        korean = re.match(r"^([\uac00-\ud7a3·]+(?: [\uac00-\ud7a3·]+)*)", row["title"])
        if korean:
            assert row["title_ko"].startswith(korean.group(1)), row["key"]


# --- the documents -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def flagship_html() -> str:
    return render(FLAGSHIP)


def test_korean_document_shows_korean_rows(flagship_html):
    text = appendix(flagship_html)
    for row in ROWS:  # the flagship cites all three standards
        assert row["title_ko"] in text, row["key"]
        assert row["key"] in text
    for needle in ("사업영향분석(BIA)", "최대허용중단시간(MTPD)", "목표복구시간(RTO)", "방송통신재난관리책임자"):
        assert needle in text


def test_korean_document_has_no_english_row_prose(flagship_html):
    text = appendix(flagship_html)
    for row in ROWS:
        for field in ("title", "what", "gap"):
            english = row[field].replace("`", "")
            if english and HANGUL.search(english) is None and english != row[f"{field}_ko"].replace("`", ""):
                assert english not in text, (row["key"], field, english)
        prose = row["fields"].replace("`", "")
        if row["fields_ko"] != row["fields"]:
            assert prose not in text, (row["key"], prose)
    for phrase in ("computed site-loss analysis", "not a plan field", "rotation order", "Roles, responsibilities",
                   "who must plan", "Business Impact Analysis", "Act 제", "Decree 제"):
        assert phrase not in text, phrase


def test_english_document_keeps_the_english_rows():
    html = render(SMALL_EN)
    text = appendix(html)
    assert HANGUL.search(text) is None
    for key in ("iso-22301", "nist-800-34"):
        for row in STANDARDS[key]:
            assert row["title"] in text, row["key"]
    assert "computed site-loss analysis (L001–L005 against rto/rpo)" in text


def test_view_picks_the_language_of_the_plan():
    from bcp.render.view import build_view

    d = two_site_plan()
    d["plan"]["standards"] = ["kr-disaster-plan", "iso-22301"]
    rows = lambda doc: {r["key"]: r for s in doc.data["standards"] for r in s["rows"]}  # noqa: E731
    en = rows(build_view(result_for(d), draft=False, git_log=[], logo_uri=None))
    d["plan"]["language"] = "ko"
    ko = rows(build_view(result_for(d), draft=False, git_log=[], logo_uri=None))
    assert en["kr-35-1"]["clause"].startswith("Act ") and ko["kr-35-1"]["clause"].startswith("법 ")
    assert ko["iso-8.3.3"]["fields"] == "산출된 사이트 손실 분석 (rto/rpo 기준 L001–L005)"
    assert ko["iso-8.4.3e"]["title"] == "언론 대응" and en["iso-8.4.3e"]["title"] == "Media response"
    # what this plan lacks is computed from the plan, the same in both languages
    for key in en:
        assert en[key]["missing"] == ko[key]["missing"] and en[key]["answered"] == ko[key]["answered"], key
        assert en[key]["coverage"] == ko[key]["coverage"]
    assert ko["iso-8.2.2a"]["gap"] == "계획 형식에 해당 필드가 없음"
