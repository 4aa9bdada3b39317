"""Case discovery: the files of compat/cases/ and the end-to-end training scripts of
examples/ (document "examples"), their header (feature, source, tolerance), and selection by
name or glob. A user script outside compat/cases/ loads the same way.
"""
import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Tuple

from .compare import Tolerance, parse_tolerance

CASES_DIR = Path(__file__).resolve().parent / "cases"
EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
_HEADER = re.compile(r"^#\s*(feature|source):\s*(.*?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Case:
    name: str                      # file stem, e.g. seed003_06_integer_requires_grad
    path: str                      # absolute path
    document: str                  # seed003, or "user" for a script outside compat/cases
    features: Tuple[str, ...] = field(default=())
    source: str = ""
    tolerance: Optional[Tolerance] = None

    @property
    def feature(self):
        """The primary feature tag (first listed), used to group rows."""
        return self.features[0] if self.features else "-"


def _header_text(text):
    """The leading comment block (where the header tags live)."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            lines.append(line)
        else:
            break
    return "\n".join(lines)


def load_case(path, document=None):
    path = os.path.abspath(path)
    with open(path, encoding="utf-8") as f:
        header = _header_text(f.read())
    tags = {}
    for key, value in _HEADER.findall(header):
        tags.setdefault(key, value)
    features = tuple(t.strip() for t in tags.get("feature", "").split(",") if t.strip())
    name = Path(path).stem
    if document is None:
        if is_case_path(path):
            document = name.split("_", 1)[0]
        elif is_example_path(path):
            document = "examples"
        else:
            document = "user"
    return Case(name=name, path=path, document=document, features=features,
                source=tags.get("source", ""), tolerance=parse_tolerance(header))


def is_case_path(path):
    try:
        Path(path).resolve().relative_to(CASES_DIR)
        return True
    except ValueError:
        return False


def is_example_path(path):
    try:
        Path(path).resolve().relative_to(EXAMPLES_DIR)
        return True
    except ValueError:
        return False


def all_cases():
    """The snippet cases (compat/cases/*.py), then the examples (examples/*.py)."""
    return ([load_case(p) for p in sorted(CASES_DIR.glob("*.py"))]
            + [load_case(p) for p in sorted(EXAMPLES_DIR.glob("*.py"))])


def select(cases, patterns):
    """Cases whose name (or file name) matches any pattern; also the unmatched patterns."""
    chosen, unmatched = [], []
    for pat in patterns:
        pat_name = Path(pat).name
        hits = [c for c in cases
                if fnmatch.fnmatchcase(c.name, pat_name) or fnmatch.fnmatchcase(c.name + ".py", pat_name)]
        if not hits:
            unmatched.append(pat)
        for c in hits:
            if c not in chosen:
                chosen.append(c)
    order = {c.name: i for i, c in enumerate(cases)}
    return sorted(chosen, key=lambda c: order[c.name]), unmatched


def user_script(arg):
    """A positional argument naming an existing file outside compat/cases/ (else None).
    A path into examples/ keeps its document ("examples"); it is run like a user script
    (its diff is shown)."""
    if os.path.isfile(arg) and not is_case_path(arg):
        return load_case(arg)
    return None
