"""Print requirements.txt: the installed versions of requirements.in and everything it pulls in.

Only the dependency closure of requirements.in is pinned, so a package installed into the venv
by hand does not slip into requirements.txt.
"""

import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

HEADER = """\
# Pinned: every package of requirements.in and what it pulls in (Python 3.11, Debian).
# Regenerate with `make requirements` after changing requirements.in."""


def direct_requirements(path: Path) -> list[Requirement]:
    """The requirements of a requirements.in file (comments and blank lines skipped)."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line]


def pinned_closure(roots: list[Requirement]) -> dict[str, str]:
    """Name → installed version for `roots` and their dependencies (extras and markers applied)."""
    pins: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = list(roots)
    while todo:
        req = todo.pop()
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = distribution(req.name)
        except PackageNotFoundError:
            sys.exit(f"{req.name} is not installed: run `make requirements`")
        pins[dist.metadata["Name"]] = dist.version
        for spec in dist.requires or []:
            dep = Requirement(spec)
            extras = req.extras or {""}
            if dep.marker is None or any(dep.marker.evaluate({"extra": e}) for e in extras):
                todo.append(dep)
    return pins


def main() -> None:
    """Print the pinned requirements for the requirements.in given as the first argument."""
    pins = pinned_closure(direct_requirements(Path(sys.argv[1])))
    print(HEADER)
    for name in sorted(pins, key=str.lower):
        print(f"{name}=={pins[name]}")


if __name__ == "__main__":
    main()
