"""Section, map, navigator, header and interpretation views of the workstation window."""
