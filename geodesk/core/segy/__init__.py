"""SEG-Y and SU access through segyio: probing, geometry, trace headers, reading, writing."""
