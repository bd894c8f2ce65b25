"""centrale: the shared risk registry of Moroccan microcredit, and its weekly review."""

__version__ = "0.1.0"
