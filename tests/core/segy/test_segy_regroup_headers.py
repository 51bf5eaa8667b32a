"""A regrouped pre-stack view takes the header fields its parent already read."""

import numpy as np

import geodesk
from geodesk.core.segy import traces
from geodesk.core.segy.write import write_prestack


def test_regrouped_view_reuses_the_fields_read_and_gives_the_same_gathers(tmp_path, monkeypatch):
    n_shot, n_ch = 5, 8
    ffid = np.repeat(np.arange(1, n_shot + 1), n_ch)
    ch = np.tile(np.arange(1, n_ch + 1), n_shot)
    cdp = ffid + ch  # shot-sorted: every CMP spread over shots
    off = 100.0 * ch
    rng = np.random.default_rng(4)
    path = write_prestack(tmp_path / "shots.sgy", rng.standard_normal((ffid.size, 50)),
                          ffid=ffid, channel=ch, offset=off, cdp=cdp,
                          source_xy=(ffid * 50.0, np.zeros(ffid.size)),
                          group_xy=(ffid * 50.0 + off, np.zeros(ffid.size)), dt_ms=4.0)
    with geodesk.open(path, kind="prestack") as shots:
        assert shots.gather_key == "ffid"
        before = shots.header_values(37).copy()
        reads = []
        real = traces.TraceStore._field_rows
        monkeypatch.setattr(traces.TraceStore, "_field_rows",
                            lambda self, byte, r0, r1: reads.append(byte) or real(self, byte,
                                                                                   r0, r1))
        with shots.regroup("cdp") as cmps:
            np.testing.assert_array_equal(cmps.header_values(37), before)
            assert 37 not in reads and 21 not in reads
            g = cmps.gather(int(cmps.gather_keys[2]))
            idx = np.flatnonzero(cdp == cmps.gather_keys[2])
            np.testing.assert_array_equal(np.sort(g.trace_index), idx)
            np.testing.assert_array_equal(np.sort(g.headers["offset"]), np.sort(off[idx]))
