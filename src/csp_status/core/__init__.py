"""The calculation core: pure Python, no workbook and no shell.

vocabulary (every closed word list), parse (reading cells), rules (status, gap, trend), stats
(intervals), judgement (the one decision for an indicator), functions (the worksheet functions'
rules), commentary and wording (text), model (what a book holds), errors.
"""
