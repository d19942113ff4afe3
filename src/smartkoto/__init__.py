"""Smart KOTO: digital public services for Japanese municipalities."""

__version__ = "0.1.0"
