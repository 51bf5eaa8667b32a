"""The wavelet-phase detector tells a minimum-phase section from a zero-phase one by the data."""

import numpy as np
import pytest

from geodesk.core.processing.phase import detect_wavelet_phase
from geodesk.synth.phase_section import phase_section


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_minimum_phase_section_is_told_from_a_zero_phase_one(seed):
    zero = detect_wavelet_phase(phase_section(seed, "zero"))
    minimum = detect_wavelet_phase(phase_section(seed, "minimum"))
    assert zero.kind == "zero" and minimum.kind == "minimum"
    assert minimum.score > zero.score and zero.windows > 10


def test_a_list_of_sections_is_decided_together():
    one = detect_wavelet_phase(phase_section(4, "minimum"))
    both = detect_wavelet_phase([phase_section(4, "minimum"), phase_section(5, "minimum")])
    assert both.kind == "minimum" and both.windows == 2 * one.windows


def test_a_dead_or_tiny_section_is_left_as_zero_phase():
    assert detect_wavelet_phase(np.zeros((30, 100), np.float32)).kind == "zero"
    tiny = detect_wavelet_phase(np.ones((3, 20), np.float32))
    assert tiny.kind == "zero" and tiny.windows == 0
