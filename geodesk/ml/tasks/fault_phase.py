"""One wavelet-phase decision for a whole post-stack file, and the fault model reference that
carries it to the blocks: a volume's inlines are then all treated alike (deciding inline by
inline could convert some and not their neighbours)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geodesk.core.processing.phase import PhaseEstimate, detect_wavelet_phase
from geodesk.ml.run.blocks import ModelRef

#: Inlines of a 3D volume the decision is measured on (evenly spaced).
SAMPLE_INLINES = 5


def survey_sections(survey, n: int = SAMPLE_INLINES) -> list[np.ndarray]:
    """The live traces of up to ``n`` evenly spaced inlines of a 3D survey, or of its 2D line."""
    if survey.kind == "post3d":
        inlines = survey.inlines[np.unique(np.linspace(0, len(survey.inlines) - 1, n).round()
                                           .astype(int))]
        sections = [survey.inline(int(il)) for il in inlines]
    else:
        sections = [survey.line()]
    return [np.asarray(s.data) if s.live is None else np.asarray(s.data)[np.asarray(s.live, bool)]
            for s in sections]


def survey_wavelet_phase(survey, n: int = SAMPLE_INLINES) -> PhaseEstimate:
    """The wavelet phase of a post-stack survey, pooled over ``n`` sampled sections."""
    return detect_wavelet_phase([s for s in survey_sections(survey, n) if s.size])


@dataclass(frozen=True)
class PhasedModelRef(ModelRef):
    """A fault model file to be run with ``wavelet_phase`` set (what a worker receives)."""

    wavelet_phase: str = "zero"

    def load(self):
        return super().load().set_params(wavelet_phase=self.wavelet_phase)
