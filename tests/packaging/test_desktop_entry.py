"""The desktop entry is a valid freedesktop entry and the install script puts a bundle, the
command, the menu entry (Exec pointing at the installed bundle) and the icon under a prefix."""

import configparser
import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"
ICONS = REPO / "geodesk" / "resources" / "icons"


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path)
    return parser["Desktop Entry"]


def test_the_desktop_entry_names_the_command_and_the_icon():
    entry = _entry(PACKAGING / "geodesk.desktop")
    assert entry["Type"] == "Application" and entry["Name"] == "GeoDesk"
    assert entry["Exec"].split()[0] == "geodesk" and entry["Icon"] == "geodesk"
    assert entry["Categories"].endswith(";") and "Science" in entry["Categories"].split(";")
    assert (ICONS / "geodesk.svg").is_file() and (ICONS / "geodesk.png").is_file()
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(PACKAGING / "geodesk.desktop")], check=True)


def _fake_bundle(root: Path) -> Path:
    """A folder laid out like dist/geodesk with a stand-in executable."""
    bundle = root / "geodesk"
    (bundle / "_internal" / "geodesk" / "resources").mkdir(parents=True)
    shutil.copytree(ICONS, bundle / "_internal" / "geodesk" / "resources" / "icons")
    exe = bundle / "geodesk"
    exe.write_text("#!/bin/sh\necho geodesk-bundle \"$@\"\n")
    exe.chmod(0o755)
    return bundle


def test_the_install_script_installs_bundle_command_entry_and_icon(tmp_path):
    bundle = _fake_bundle(tmp_path / "dist")
    prefix = tmp_path / "prefix"
    env = {**os.environ, "PREFIX": str(prefix), "HOME": str(tmp_path)}
    subprocess.run(["sh", str(PACKAGING / "install-desktop.sh"), str(bundle)], check=True,
                   env=env, capture_output=True)
    installed = prefix / "opt" / "geodesk" / "geodesk"
    out = subprocess.run([str(prefix / "bin" / "geodesk"), "demo"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "geodesk-bundle demo" and installed.is_file()
    entry = _entry(prefix / "share" / "applications" / "geodesk.desktop")
    assert entry["Exec"] == f'"{installed}" %f'
    assert (prefix / "share/icons/hicolor/scalable/apps/geodesk.svg").is_file()
    assert (prefix / "share/icons/hicolor/256x256/apps/geodesk.png").is_file()


def test_the_install_script_refuses_a_folder_without_a_bundle(tmp_path):
    res = subprocess.run(["sh", str(PACKAGING / "install-desktop.sh"), str(tmp_path)],
                         env={**os.environ, "PREFIX": str(tmp_path / "p")}, capture_output=True,
                         text=True, check=False)
    assert res.returncode == 2 and "no bundle" in res.stderr
    assert not (tmp_path / "p" / "bin").exists()

