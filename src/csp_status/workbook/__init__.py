"""Workbook files: the zip package and its cells, reading and writing a master book, its layout,
colours, legacy summaries, and safe writes (locks, atomic replacement)."""
