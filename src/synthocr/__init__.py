"""synthocr: synthetic OCR training data from a reproducible Parquet plan."""

__version__ = "0.1.0"
