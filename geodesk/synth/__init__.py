"""Synthetic surveys with exact truth (demo, tests, training data); numpy only, deterministic."""

from geodesk.synth.cmps import generate_cmps
from geodesk.synth.post3d import generate_post3d
from geodesk.synth.shots import generate_shots
from geodesk.synth.truth import load_truth

__all__ = ["generate_cmps", "generate_post3d", "generate_shots", "load_truth"]
