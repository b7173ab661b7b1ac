"""bcp: a business-continuity-plan compiler."""

__version__ = "0.1.0"
