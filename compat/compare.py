"""Normalization and comparison of one case's torch and myautograd outputs.

The only normalization is object addresses (0x... ). Verdicts: same, close (only printed
numbers differ, within the case's tolerance), differs, error (myautograd exited non-zero and
torch did not), skip (column not run). Pure functions on synthetic data; no subprocesses.
"""
import difflib
import math
import re
from dataclasses import dataclass
from typing import Optional, Union

VERDICTS = ("same", "close", "differs", "error", "skip")

_ADDRESS = re.compile(r"0x[0-9a-f]+")
# a line that looks like `SomeError: msg` (dotted names allowed, message optional)
_EXC_LINE = re.compile(
    r"^(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*"
    r"(?:Error|Exception|Exit|Interrupt|Iteration|Warning)(?::\s.*|:)?$")
_ANY_NAME_LINE = re.compile(r"^(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?::\s.*)?$")
_NUMBER = re.compile(
    r"(?<![\w.])[-+]?(?:(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|inf|nan)(?!\w)")
_TOLERANCE = re.compile(r"^#\s*tolerance:\s*(?P<body>.*)$", re.MULTILINE)


@dataclass
class Outcome:
    """One side's run of one case. status: the exit code, or "timeout"."""
    stdout: str
    exc_line: str
    status: Union[int, str]
    stderr: str = ""

    @property
    def failed(self):
        return self.status != 0


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float
    reason: str = ""


def normalize(text):
    """Replaces object addresses: `<X object at 0x7f..>` -> `<X object at 0x...>`."""
    return _ADDRESS.sub("0x...", text)


def final_exception_line(stderr, status=None):
    """The last stderr line that looks like `SomeError: msg` ('' if none). When the process
    failed and no such line exists, the last `Name: msg` line is taken instead."""
    lines = stderr.splitlines()
    for line in reversed(lines):
        if _EXC_LINE.match(line):
            return line
    if status not in (None, 0):
        for line in reversed(lines):
            if _ANY_NAME_LINE.match(line) and line.strip():
                return line
    return ""


def parse_tolerance(source_text):
    """Tolerance from a `# tolerance: rtol=<x> atol=<y>  reason: <why>` header line,
    or None when the case states none. A malformed line raises ValueError."""
    m = _TOLERANCE.search(source_text)
    if not m:
        return None
    body = m.group("body")
    head, _, reason = body.partition("reason:")
    values = dict(re.findall(r"\b(rtol|atol)\s*=\s*(\S+)", head))
    if not values:
        raise ValueError(f"tolerance line without rtol=/atol=: {m.group(0)!r}")
    try:
        rtol = float(values.get("rtol", 0.0))
        atol = float(values.get("atol", 0.0))
    except ValueError:
        raise ValueError(f"bad number in tolerance line: {m.group(0)!r}") from None
    if rtol < 0 or atol < 0 or math.isnan(rtol) or math.isnan(atol):
        raise ValueError(f"negative or nan tolerance: {m.group(0)!r}")
    return Tolerance(rtol, atol, reason.strip())


def tokenize(text):
    """Splits text into alternating text pieces and number tokens: [(is_number, str)]."""
    out, pos = [], 0
    for m in _NUMBER.finditer(text):
        if m.start() > pos:
            out.append((False, text[pos:m.start()]))
        out.append((True, m.group(0)))
        pos = m.end()
    if pos < len(text):
        out.append((False, text[pos:]))
    return out


def _numbers_close(a, b, tol):
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return abs(x - y) <= tol.atol + tol.rtol * abs(y)


def texts_close(expected, actual, tol):
    """True when the texts differ only in numbers, each within tol (expected = torch's)."""
    a, b = tokenize(expected), tokenize(actual)
    if len(a) != len(b):
        return False
    for (num_a, ta), (num_b, tb) in zip(a, b):
        if num_a != num_b:
            return False
        if num_a:
            if ta != tb and not _numbers_close(tb, ta, tol):
                return False
        elif ta != tb:
            return False
    return True


def _normalized(o):
    return normalize(o.stdout), normalize(o.exc_line), o.status


def classify(torch_out, mine_out, tol=None):
    """Verdict for one cell: same / close / differs / error."""
    t, m = _normalized(torch_out), _normalized(mine_out)
    if t == m:
        return "same"
    if mine_out.failed and not torch_out.failed:
        return "error"
    if (tol is not None and t[2] == m[2]
            and texts_close(t[0], m[0], tol) and texts_close(t[1], m[1], tol)):
        return "close"
    return "differs"


def render(o):
    """The normalized text a diff shows for one side: stdout, exception line, status."""
    text = normalize(o.stdout)
    if text and not text.endswith("\n"):
        text += "\n"
    return text + f"[exception] {normalize(o.exc_line) or '-'}\n[exit status] {o.status}\n"


def unified_diff(torch_out, mine_out, name="case"):
    lines = difflib.unified_diff(
        render(torch_out).splitlines(keepends=True), render(mine_out).splitlines(keepends=True),
        fromfile=f"{name} (torch)", tofile=f"{name} (myautograd)")
    return "".join(lines)


def summary_line(verdicts):
    """`compat: N cases, S same, C close, D differ, E error` over non-skip verdicts."""
    v = [x for x in verdicts if x != "skip"]
    return (f"compat: {len(v)} cases, {v.count('same')} same, {v.count('close')} close, "
            f"{v.count('differs')} differ, {v.count('error')} error")


def exit_status(verdicts):
    return 1 if any(x in ("differs", "error") for x in verdicts) else 0


def tolerance_text(tol: Optional[Tolerance]):
    return "-" if tol is None else f"rtol={tol.rtol:g} atol={tol.atol:g}"
