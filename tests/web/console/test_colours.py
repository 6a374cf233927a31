"""Pillar colours on tiles keep the text readable (WCAG AA) whatever colour a pillar has,
and a pillar without one gets the same colour every time."""

from __future__ import annotations

import pytest

from orchestrator.web.console.colours import (
    INK,
    MUTED,
    WHITE,
    contrast,
    derived,
    edge,
    stylesheet,
    wash,
)


def test_contrast_matches_the_wcag_formula_at_its_ends():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#777777") == pytest.approx(1.0)


@pytest.mark.parametrize("colour", ["#1F77B4", "#FF7F0E", "#2CA02C", "#FFFF00", "#000000",
                                    "#FFFFFF", "#D62728", "#00FFFF"])
def test_any_colour_gives_a_wash_text_reads_on_and_an_edge_that_stands_out(colour):
    assert contrast(MUTED, wash(colour)) >= 4.5
    assert contrast(INK, wash(colour)) >= 7
    assert contrast(edge(colour), WHITE) >= 3


def test_a_pillar_without_a_colour_gets_a_stable_one_by_its_name():
    assert derived("sosialisasi") == derived("Sosialisasi") == derived("sosialisasi")
    assert derived("sosialisasi") != derived("kampanye")
    assert stylesheet(["#1F77B4", derived("x")]).count("--pw:") == 2
