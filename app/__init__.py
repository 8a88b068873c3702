"""Riskwright: risk assessments of frontier AI models, checked and redacted offline."""

__version__ = "0.1.0"
