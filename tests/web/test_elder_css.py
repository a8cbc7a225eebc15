"""The elder-mode stylesheet keeps the MIIT 2021 age-friendly numbers (DOMAIN.md §7.1).

Parsed from the CSS itself, so a later edit that shrinks text or targets fails here; the
browser tests (tests/e2e) check the computed sizes on real pages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import cheguan

CSS = (Path(cheguan.__file__).parent / "web/static/cheguan/cheguan.css").read_text()
ROOT_PX, ELDER_BODY_PX = 16.0, 20.0


def rules() -> list[tuple[str, dict[str, str]]]:
    text = re.sub(r"/\*.*?\*/", "", CSS, flags=re.S)
    text = re.sub(r"@media[^{]*\{(.*?\})\s*\}", r"\1", text, flags=re.S)
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        decls = {}
        for decl in body.split(";"):
            if ":" in decl:
                key, value = decl.split(":", 1)
                decls[key.strip()] = value.strip()
        found.append((" ".join(selector.split()), decls))
    return found


def elder_rules():
    return [
        (sel, decls)
        for sel, decls in rules()
        if all(part.strip().startswith("body.elder") for part in sel.split(","))
    ]


def px(value: str, *, em_base: float = ELDER_BODY_PX) -> float:
    number = float(re.match(r"[\d.]+", value).group())
    if value.endswith("rem"):
        return number * ROOT_PX
    if value.endswith("em"):
        return number * em_base
    assert value.endswith("px"), value
    return number


def test_elder_body_text_is_at_least_18px_with_line_height_at_least_1_3():
    body = dict(elder_rules())["body.elder"]
    assert px(body["font-size"]) >= 18
    assert float(body["line-height"]) >= 1.3


def test_no_elder_rule_makes_text_smaller_than_18px():
    sizes = {sel: px(d["font-size"]) for sel, d in elder_rules() if "font-size" in d}
    assert sizes, "no elder font sizes found"
    assert {sel: size for sel, size in sizes.items() if size < 18} == {}


def test_small_text_of_standard_mode_is_restated_for_elder_mode():
    """Every class that standard mode shrinks below 18px has an elder override."""
    elder_selectors = " ".join(sel for sel, _ in elder_rules())
    for sel, decls in rules():
        if sel.startswith("body.elder") or "font-size" not in decls:
            continue
        if decls["font-size"].endswith("rem") and px(decls["font-size"]) < 18:
            for part in sel.split(","):
                last = part.split()[-1]
                assert last in elder_selectors, f"{part.strip()} has no elder-mode size"


@pytest.mark.parametrize("selector", ["button", ".button", "main a:not(.button)", "input"])
def test_elder_touch_targets_are_at_least_60_by_60(selector):
    matching = [
        d
        for sel, d in elder_rules()
        if f"body.elder {selector}" in [s.strip() for s in sel.split(",")]
    ]
    assert matching, selector
    assert px(matching[0]["min-height"]) >= 60
    if selector != "input":
        assert px(matching[0]["min-width"]) >= 60


def luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


VARS = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", CSS))
PAIRS = [
    ("fg", "bg"),
    ("muted", "bg"),
    ("accent", "bg"),
    ("#ffffff", "accent"),  # header text, primary buttons
    ("warn", "bg"),
    ("#ffffff", "warn"),  # danger buttons
    ("ok", "bg"),
    ("accent", "panel"),
    ("ok", "panel"),
    ("warn", "panel"),
    ("muted", "panel"),
    ("#3d2600", "#fff4d6"),  # the assisted-service banner
    ("#333333", "bg"),  # elder help text
]


@pytest.mark.parametrize(("fg", "bg"), PAIRS)
def test_text_colours_have_contrast_of_at_least_4_5(fg, bg):
    colour = lambda name: name if name.startswith("#") else VARS[name]  # noqa: E731
    assert contrast(colour(fg), colour(bg)) >= 4.5
