"""Deep models for interpretation and processing: faults, first breaks, velocities, denoising.

``import geodesk.ml`` is cheap: torch is imported only by the modules that run networks
(:mod:`geodesk.ml.nets.unet`, :mod:`geodesk.ml.nets.dncnn`, :mod:`geodesk.ml.base` when a model is built).
The registry (:mod:`geodesk.ml.registry`) lists models without loading torch.
"""
