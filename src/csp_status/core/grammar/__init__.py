"""The pieces of the cell grammar: markers and numbers, units, placeholders, targets, polarity.

Each piece is small and reads its words from :mod:`csp_status.core.vocabulary`; ``core.parse``
puts them together.  ``docs/grammar.md`` describes them with examples and their known limits.
"""
