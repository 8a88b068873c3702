"""The readable YAML form of an assessment, lossless both ways."""

from app.interchange.yaml_io import FORMAT_VERSION, InterchangeError, dump_document, load_document

__all__ = ["FORMAT_VERSION", "InterchangeError", "dump_document", "load_document"]
