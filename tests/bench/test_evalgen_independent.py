"""The evaluation family must stay independent of the training generators."""

import ast
from pathlib import Path

EVALGEN = Path(__file__).resolve().parents[2] / "bench" / "evalgen"


def test_evalgen_modules_import_nothing_from_geodesk():
    for path in sorted(EVALGEN.glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n == "geodesk" or n.startswith("geodesk.") for n in names), (
                f"{path.name} imports {names}: the evaluation family must not use GeoDesk's code")
