"""The lock the bootstrap installs from: every dependency of pyproject.toml pinned within
its range, every pin with hashes."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.fixtures.services import repo_root

PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)")


def locked() -> dict[str, tuple[str, int]]:
    """name → (version, number of hashes)."""
    found: dict[str, tuple[str, int]] = {}
    name = None
    for line in (repo_root() / "ops" / "requirements.lock").read_text().splitlines():
        pin = PIN.match(line)
        if pin:
            name = canonicalize_name(pin[1])
            found[name] = (pin[2], 0)
        elif name and line.strip().startswith("--hash=sha256:"):
            found[name] = (found[name][0], found[name][1] + 1)
    return found


def test_every_dependency_is_pinned_within_its_range_with_hashes():
    project = tomllib.loads((repo_root() / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in
              [*project["dependencies"], *project["optional-dependencies"]["test"], "pip"]]
    pins = locked()
    for requirement in wanted:
        version, hashes = pins[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version, prereleases=True), requirement
    assert all(hashes > 0 for _, hashes in pins.values()), pins
