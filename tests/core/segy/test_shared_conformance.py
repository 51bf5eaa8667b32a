"""Every SEG-Y/SU file of the shared folder opens as MANIFEST.md says, or is refused in one line."""

from __future__ import annotations

import re

import numpy as np
import pytest

from geodesk.core.segy.reader import open_survey
from geodesk.core.survey import SurveyError
from tests.core.conftest import shared_segy_dir

#: files that must be refused, with a fragment of the reason
REFUSED = {
    "equinor+segyio/test-data/broken.sgy": "not a whole number of traces",
    "equinor+segyio/test-data/text.sgy": "no traces",
    "drousset+SeismicUnix/src/Third_Party/seg2segy/File010690.sgy":
        "file size is not a whole number of traces",
    "drousset+SeismicUnix/src/demos/Noise/Ground_Roll/oz16.su": "not a whole number of traces",
    "equinor+segyio/test-data/mapping-empty.sgy": "not a whole number of traces",
    **{f"equinor+segyio/test-data/{n}.sgy": "trace-header extensions" for n in (
        "trace-header-extension1", "trace-header-extensions", "rotated-small-rev2",
        "mapping-all-types", "mapping-all-types-lsb", "mapping-encoding-ext1",
        "mapping-encoding-private", "mapping-mixed-order", "mapping-no-extension1")},
}
#: where GeoDesk is right and segyio 1.9.14 (the MANIFEST's reference) is not
CORRECTED = {
    # ext-text count -1: GeoDesk finds the ((SEG: EndText)) stanza after 3 headers; segyio
    # 1.9.14 starts the traces at byte 400 (3600 - 3200) and reads 56 "traces" out of the text
    # headers, while segyio's own test suite on master expects tracecount == 6
    "equinor+segyio/test-data/stanzas-unknown-count.sgy": (6, 4),
    # field-limit files: binary-header ns does not fit the size, the trace header's ns 4 does
    "equinor+segyio/test-data/increment-lsb.sgy": (5, 4),
    "equinor+segyio/test-data/decrement-lsb.sgy": (5, 4),
}

_ROW = re.compile(r"^\| `([^`]+)` \| (\d+) \| [^|]* \| (\w+|\?) \| ([^|]+) \| ([^|]+) \| [^|]+ \| "
                  r"(.*) \|$")
_GEO = re.compile(r"3D OK \((\w+)-sorted, (\d+) il x (\d+) xl x (\d+) off; il (-?\d+)\.\.(-?\d+), "
                  r"xl (-?\d+)\.\.(-?\d+)\)")


def _manifest() -> dict[str, dict]:
    path = shared_segy_dir() / "MANIFEST.md"
    if not path.exists():
        return {}
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _ROW.match(line)
        if m:
            rows[m.group(1)] = {"traces": m.group(4).strip(), "samples": m.group(5).strip(),
                                "segyio": m.group(6)}
    return rows


MANIFEST = _manifest()
FILES = sorted(MANIFEST) or ["<shared data absent>"]


def test_manifest_lists_every_segy_file_in_the_folder(segy_dir):
    on_disk = {str(p.relative_to(segy_dir)) for p in segy_dir.rglob("*")
               if p.is_file() and (p.suffix.lower() in (".sgy", ".segy", ".su")
                                   or p.name.endswith("_first_trace") or p.name == "ozdata.16")}
    assert on_disk <= set(MANIFEST)
    assert len(MANIFEST) >= 150
    assert set(REFUSED) <= set(MANIFEST)


@pytest.mark.parametrize("name", FILES)
def test_shared_file_opens_as_manifest_says_or_is_refused(segy_dir, name):
    row = MANIFEST[name]
    if name in REFUSED:
        with pytest.raises(SurveyError) as err:
            open_survey(segy_dir / name).close()
        msg = str(err.value)
        assert REFUSED[name] in msg and "\n" not in msg
        return
    with open_survey(segy_dir / name) as s:
        expected = CORRECTED[name] if name in CORRECTED else (int(row["traces"]),
                                                              int(row["samples"]))
        assert (s.n_traces, s.n_samples) == expected
        s.trace(s.n_traces - 1)  # the last trace decodes
        geo = _GEO.search(row["segyio"])
        if not geo or name in CORRECTED:
            return
        _, nil, nxl, noff, il0, il1, xl0, xl1 = geo.groups()
        nil, nxl, noff = int(nil), int(nxl), int(noff)
        if noff > 1:
            assert s.kind == "prestack"
        elif nil >= 2 and nxl >= 2 and nil * nxl == s.n_traces:
            assert s.kind == "post3d"
            assert (len(s.inlines), len(s.crosslines)) == (nil, nxl)
            assert (s.inlines[0], s.inlines[-1]) == tuple(sorted((int(il0), int(il1))))
            assert (s.crosslines[0], s.crosslines[-1]) == tuple(sorted((int(xl0), int(xl1))))
        elif (nil >= 2) != (nxl >= 2):
            assert s.kind == "post2d"
            assert len(s.trace_numbers) == max(nil, nxl)


@pytest.mark.parametrize("name,kind,extent", [
    ("equinor+xtgeo-testdata/cubes/etc/ex1_missing_traces_75x71x26.segy", "post3d",
     (75, 71, 387)),
    ("trhallam+segysak/tests/test-data-segysak/f3-withdead.sgy", "post3d", (23, 18, 175)),
    ("equinor+segyio/python/tutorials/viking_small.segy", "prestack", (4, 120, 120)),
    ("msacchi+SeismicLab/SeismicLab_data/cdp700.su", "prestack", (1, 24, 24)),
    ("seg+tutorials-2014/1410_Phase/data/penobscot_xl1155.sgy", "post2d", (601, 1000, 1600)),
    ("yohanesnuwara+ccs-gundih/data/seismics/2D_Xline_12680.sgy", "post2d", (650, 4002, 4651)),
])
def test_files_segyio_cannot_structure_get_the_right_geometry(segy_dir, name, kind, extent):
    with open_survey(segy_dir / name) as s:
        assert s.kind == kind
        if kind == "post3d":
            assert (len(s.inlines), len(s.crosslines), int((~s.live_mask).sum())) == extent
            assert np.all(s.trace_grid[s.live_mask] >= 0)
        elif kind == "prestack":
            assert (len(s.gather_keys), s.gather_sizes.min(), s.gather_sizes.max()) == extent
        else:
            assert (len(s.trace_numbers), s.trace_numbers[0], s.trace_numbers[-1]) == extent


@pytest.mark.parametrize("name,dt_ms", [
    # binary dt 32762 µs from a header whose revision is garbage, trace headers 32728, 32689...:
    # nothing agrees, so 4 ms as segyio takes it
    ("equinor+segyio/test-data/decrement.sgy", 4.0),
    ("equinor+segyio/test-data/increment.sgy", 4.0),
    ("equinor+segyio/test-data/long.sgy", 1.0),  # garbage "headers" after the first do not vote
    ("DaloroAT+first_breaks_picking/data/real_gather.sgy", 0.25),
])
def test_shared_file_sample_interval(segy_dir, name, dt_ms):
    with open_survey(segy_dir / name) as s:
        assert s.dt_ms == dt_ms
