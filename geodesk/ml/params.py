"""scikit-learn style hyper-parameters shared by every model kind (torch networks and numpy
estimators): keyword-only ``__init__`` arguments stored as attributes of the same name."""

from __future__ import annotations

import inspect
from typing import Any


class HyperParams:
    """``get_params`` / ``set_params`` / ``repr`` from the keyword-only ``__init__`` arguments."""

    name: str = ""

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p.name for p in sig.parameters.values()
                if p.kind is inspect.Parameter.KEYWORD_ONLY]

    def get_params(self) -> dict[str, Any]:
        """Hyper-parameters by name (JSON-able: tuples as lists)."""
        out = {}
        for k in self._param_names():
            v = getattr(self, k)
            out[k] = list(v) if isinstance(v, tuple) else v
        return out

    def set_params(self, **params: Any):
        """Change hyper-parameters (before ``fit``); returns self."""
        unknown = set(params) - set(self._param_names())
        if unknown:
            raise ValueError(f"unknown parameter(s) for {self.name}: {', '.join(sorted(unknown))}")
        for k, v in params.items():
            setattr(self, k, tuple(v) if isinstance(v, list) else v)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"
