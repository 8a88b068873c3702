class StoreError(Exception):
    """The file cannot be used; the message says why and what to do. Nothing was changed."""
