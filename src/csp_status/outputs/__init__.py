"""Renderings of judgements: the Summary sheet, the Trends sheet and its charts, the board pack,
and the rollup of many partnerships."""
