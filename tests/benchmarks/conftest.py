"""Benchmarks run on purpose: `pytest tests/benchmarks -m benchmark -s`."""

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.benchmark)
