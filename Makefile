# GeoDesk: `make run` starts the workstation on the demo survey, `make test` runs the whole suite,
# `make bundle` builds the one-folder desktop bundle dist/geodesk (PyInstaller, packaging/).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench bundle clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "torch==2.13.0" -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/geodesk demo

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

bench: $(STAMP)
	$(PY) bench/run_all.py

bundle: $(STAMP)
	$(PY) -c "import PyInstaller" 2>/dev/null || $(PY) -m pip install -q -e ".[bundle]"
	$(PY) -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/geodesk.spec
	cp packaging/geodesk.desktop packaging/install-desktop.sh dist/geodesk/
	du -sh dist/geodesk

clean:
	rm -rf $(VENV) build dist *.egg-info
