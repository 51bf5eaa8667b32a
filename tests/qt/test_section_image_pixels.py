"""SectionImage turns a float section into premultiplied ARGB32 through its colour table."""

import numpy as np

from geodesk.core import display
from geodesk.qt.views.section_image import SectionImage


def test_transposed_section_with_gaps_gives_the_colour_table_pixels_row_major(qapp):
    rng = np.random.default_rng(7)
    data = rng.standard_normal((37, 90)).astype(np.float32)  # traces x samples
    data[5] = np.nan  # a missing trace
    img = data.T  # what the view shows: samples x traces, a column-major view
    lut = display.colormap_lut("seismic")
    words = display.premultiplied_argb(lut)
    item = SectionImage()
    item.setImage(img, levels=(-1.5, 1.5), lut=lut, autoLevels=False)
    item.render()
    q = item.qimage
    got = np.frombuffer(q.constBits(), dtype=np.uint32, count=q.width() * q.height()).reshape(
        q.height(), q.width())
    # the index: the clipped amplitude's place in the table, truncated (float32 arithmetic)
    scaled = (img - np.float32(-1.5)) * np.float32(len(words) / 3.0)
    want = words[np.clip(np.nan_to_num(scaled), 0, len(words) - 1).astype(np.intp)]
    want[np.isnan(img)] = 0  # transparent
    assert item._pixels.flags.c_contiguous and got.shape == img.shape
    assert np.array_equal(got, want)
