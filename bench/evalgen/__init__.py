"""An evaluation-only synthetic family, written independently of ``geodesk.synth``.

GeoDesk's models are trained on ``geodesk.synth``; scoring them only there flatters them. The
generators here make other choices everywhere (wavelets, noise, geometry, fault shapes) and are
never used for training or for choosing thresholds of shipped models. numpy and scipy only:
nothing here imports ``geodesk``. Run benches as ``python bench/bench_X.py`` (``bench/`` is then
on ``sys.path`` and this package imports as ``evalgen``).
"""
