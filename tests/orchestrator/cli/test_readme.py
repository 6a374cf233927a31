"""The README describes the demo that `siaran demo` runs."""

from __future__ import annotations

from connectors import registry
from tests.fixtures.services import repo_root

NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def test_the_readme_counts_the_demo_channels_right():
    readme = (repo_root() / "README.md").read_text(encoding="utf-8")
    demo = readme.split("The demo starts", 1)[1].split("\n\n", 1)[0]
    # The demo adds one channel per platform of the registry.
    assert f"adds {NUMBERS[len(registry.names())]} channels" in " ".join(demo.split())
    for platform in ("X", "Facebook", "Instagram", "Telegram", "WordPress"):
        assert platform in demo
