"""geodesk.core.safety: which outputs are refused (inputs by any name, project folders, other
kinds of file, hard links, folders) and which are allowed (new files, same-kind files, --force)."""

import os

import pytest

from geodesk.core.memory import MemoryRefused, check_allocation
from geodesk.core.safety import OutputRefused, check_output, file_kind, same_file


@pytest.fixture
def segy(tmp_path):
    from geodesk.synth import generate_post3d

    path = tmp_path / "vol.sgy"
    generate_post3d((4, 4, 32), seed=0).write(path)
    return path


def test_an_input_is_refused_by_path_symlink_and_hard_link(tmp_path, segy):
    (tmp_path / "sym.csv").symlink_to(segy)
    os.link(segy, tmp_path / "hard.csv")
    for out in (segy, tmp_path / "sym.csv", tmp_path / "hard.csv", tmp_path / "." / "vol.sgy"):
        assert same_file(out, segy)
        with pytest.raises(OutputRefused, match="is the input"):
            check_output(out, "text", [segy], force=True)  # --force never allows it


def test_a_path_in_a_project_folder_is_refused_even_through_a_symlink(tmp_path):
    project = tmp_path / "p.geodesk"
    project.mkdir()
    (tmp_path / "to_project").symlink_to(project)
    (tmp_path / "dangling.csv").symlink_to(project / "not_yet.csv")
    for out in (project / "new.csv", tmp_path / "to_project" / "new.csv", project,
                tmp_path / "dangling.csv"):
        with pytest.raises(OutputRefused, match="project folder"):
            check_output(out, "text", force=True)


def test_another_kind_of_file_is_refused_unless_forced(tmp_path, segy):
    with pytest.raises(OutputRefused, match="holds SEG-Y data"):
        check_output(segy, "text")
    assert check_output(segy, "text", force=True) == segy
    csv = tmp_path / "old.csv"
    csv.write_text("cdp,time_ms,vrms_mps\n1,0,1500\n")
    assert check_output(csv, "text") == csv  # a previous result of the same kind
    assert check_output(tmp_path / "new.sgy", "segy") == tmp_path / "new.sgy"


def test_a_hard_linked_output_a_folder_and_a_missing_folder_are_refused(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("x\n")
    os.link(a, tmp_path / "b.csv")
    with pytest.raises(OutputRefused, match="hard-linked"):
        check_output(a, "text")
    with pytest.raises(OutputRefused, match="is a folder"):
        check_output(tmp_path, "text", force=True)
    with pytest.raises(OutputRefused, match="does not exist"):
        check_output(tmp_path / "no" / "x.csv", "text", force=True)


def test_file_kinds_are_told_apart_by_content(tmp_path, segy):
    odd = tmp_path / "data.bin"
    odd.write_bytes(segy.read_bytes())
    txt = tmp_path / "t.dat"
    txt.write_text("a,b\n1,2\n")
    png = tmp_path / "x"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    empty = tmp_path / "empty.sgy"
    empty.touch()
    assert [file_kind(p) for p in (odd, txt, png, empty)] == ["segy", "text", "png", None]


def test_an_allocation_beyond_the_available_memory_is_refused_with_the_size():
    check_allocation(1 << 20, "a small array", available=1 << 30)
    with pytest.raises(MemoryRefused, match=r"4\.0 GiB of memory; 1\.0 GiB is available, of which GeoDesk uses at most 80% \(819\.2 MiB\)"):
        check_allocation(4 << 30, "a big array", available=1 << 30)
    with pytest.raises(MemoryRefused):
        check_allocation(float("nan"), "an unknown size", available=1 << 30)
