"""CSP Status: RAG statuses, targets and trends for Community Safety Partnership indicators."""

__version__ = "0.1.0"
