"""The 7.7 page publishes the chapter's prose verbatim.

The chapter is the user's text (``../shared/chapter/7.7-权重矩阵随机初始化.md``; a copy is kept
in tests/data so the check also runs on a clone without shared/). Code fences, printouts,
images, admonitions added by the e-resource and link markup are set aside; heading levels
may differ; a ``{{ value }}`` filled from a run stands for the number the book prints there;
template statements and calls on a line of their own (``{% … %}``, ``{{ lab.open(case1) }}``:
the e-resource's additions) are set aside.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COPY = ROOT / "tests" / "data" / "chapter-7.7.md"
SHARED = ROOT.parent / "shared" / "chapter" / "7.7-权重矩阵随机初始化.md"
PAGE = ROOT / "docs" / "ch7" / "7.7.md"
NUMBER = r"[-+]?\d+(?:\.\d+)?%?"


def prose_lines(text: str) -> list[str]:
    """Non-empty lines outside fences, front matter, admonitions, images and captions markers."""
    out, fence, in_admonition, front = [], None, False, False
    lines = text.split("\n")
    for i, line in enumerate(lines):
        s = line.strip()
        if i == 0 and s == "---":
            front = True
            continue
        if front:
            front = s != "---"
            continue
        if fence:
            fence = None if s.startswith(fence) else fence
            continue
        if m := re.match(r"(`{3,}|~{3,})", s):
            fence = m.group(1)
            continue
        if re.match(r"(!!!|\?\?\?\+?)\s", line):
            in_admonition = True
            continue
        if in_admonition:
            if not s or line.startswith("    "):
                continue
            in_admonition = False
        if (not s or s.startswith("<img ") or s.startswith("![") or s.startswith("<!--") or s in ("/// caption", "///")
                or s.startswith("[:material-") or s.startswith("{ .") or re.fullmatch(r"\{%.*%\}|\{\{.*\}\}", s)):
            continue
        s = re.sub(r"^#+\s*", "", s)  # heading levels
        s = re.sub(r"\s*\{ *#[^}]*\}$", "", s)  # heading ids
        s = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", s)  # link markup, keep the text
        out.append(s)
    return out


def chapter_text() -> str:
    return COPY.read_text(encoding="utf-8")


def test_the_copy_is_the_users_chapter():
    if not SHARED.is_file():
        pytest.skip("the author's chapter (shared/chapter/, beside the repository) is not here: "
                    "tests/data/chapter-7.7.md, its copy, is what the other tests check")
    assert COPY.read_bytes() == SHARED.read_bytes(), "tests/data/chapter-7.7.md differs from shared/: copy it again"


def test_page_prose_is_the_chapter_verbatim():
    check_verbatim(PAGE.read_text(encoding="utf-8"), chapter_text())


def check_verbatim(page_text: str, book_text: str) -> None:
    book = prose_lines(book_text)
    page = prose_lines(page_text)
    assert len(page) == len(book), "the page has a different number of prose lines than the chapter"
    for ours, theirs in zip(page, book):
        parts = re.split(r"\{\{.*?\}\}", ours)
        pattern = NUMBER.join(re.escape(p) for p in parts)
        assert re.fullmatch(pattern, theirs), f"page: {ours}\nbook: {theirs}"
