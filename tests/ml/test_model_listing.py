"""Listing model files reads their metadata only (mapped tensors), never the weights."""

import torch

from geodesk.ml import base, registry


def test_listing_the_shipped_models_maps_tensors_instead_of_reading_them(monkeypatch):
    calls = []
    real = torch.load

    def spy(*args, **kwargs):
        calls.append(kwargs.get("mmap", False))
        return real(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    files = registry.find_weight_files()
    assert files and all(not w.error for w in files)
    assert calls and all(calls)  # every file opened with mmap=True
    meta, state = base.read_model_file(files[0].path, meta_only=True)
    assert state == {} and meta["task"] == files[0].meta["task"]
    meta_full, state_full = base.read_model_file(files[0].path)
    assert meta_full == meta and state_full  # the full read still returns the weights
