"""The application layer: use cases (scan, resolve, export, …) that both the CLI and the window call.

It may import every core package (model, content, store, checks, redaction,
export); the core packages never import it, and it never imports Qt.
"""
