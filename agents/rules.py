"""Alert rules as data: the rule model, the rule-file loader and the matcher.

Pure: no app, no I/O, no clock. A rule file (YAML or JSON) is validated as a
whole, each error naming its line; a rule names the output it watches and
conditions over that output's fields (equality, set membership with alias
resolution, numeric comparisons, phrase match) and optionally a rate ("more
than N matching records within W seconds"). Nothing in a rule is executed:
the operators are a closed set, so a rule cannot run code. The language is
documented in ``docs/alerts.md``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from agents.errors import StageError
from agents.kinds import BOOL, NAME, NUM, TEXT
from agents.kinds import KINDS as OUTPUT_KINDS
from schemas.alert import AlertV1

__all__ = [
    "FIELDS",
    "KINDS",
    "Condition",
    "Rate",
    "Rule",
    "RuleError",
    "Webhook",
    "alert_id",
    "alert_line",
    "load_rule_file",
    "make_alert",
    "match_rule",
    "parse_rule",
    "rate_step",
]

KINDS = tuple(kind.name for kind in OUTPUT_KINDS)
_NAME, _TEXT, _NUM, _BOOL = NAME, TEXT, NUM, BOOL
#: Fields a rule may test, per watched output, and what sort each is: the registry's
#: (agents/kinds.py). ``name`` fields resolve aliases ("SDF" = "Syrian Democratic
#: Forces"); ``entity`` is an entity's name or any of its aliases.
FIELDS: dict[str, dict[str, str]] = {kind.name: dict(kind.alert_fields) for kind in OUTPUT_KINDS}
for _fields in FIELDS.values():
    _fields["article_id"] = _TEXT

_SET_OPS = ("eq", "ne", "in", "not_in")
_NUM_OPS = (">", ">=", "<", "<=")
_TEXT_OPS = ("contains", "contains_any", "contains_all")
_OPS_FOR = {_NAME: (*_SET_OPS, *_TEXT_OPS), _TEXT: (*_SET_OPS, *_TEXT_OPS),
            _NUM: (*_SET_OPS, *_NUM_OPS), _BOOL: ("eq", "ne")}
_RULE_KEYS = ("id", "watch", "where", "replay", "rate", "webhook", "description", "enabled")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}

Path = tuple[str | int, ...]
Resolver = Callable[[str], str]


class RuleError(StageError):
    """A rule (or rule file) that does not validate: ``line`` and ``reason`` say where, why."""

    def __init__(self, reason: str, line: int | None = None, rule_id: str | None = None):
        self.reason, self.line, self.rule_id = reason, line, rule_id
        where = f"line {line}: " if line else ""
        rule = f"rule {rule_id!r}: " if rule_id else ""
        super().__init__(f"{where}{rule}{reason}")


@dataclass(frozen=True)
class Condition:
    """One test on one field: ``field op arg`` (``arg`` a scalar, or a tuple for sets)."""

    field: str
    op: str
    arg: Any


@dataclass(frozen=True)
class Rate:
    """Fire only while more than ``more_than`` matching records fall within ``within`` s."""

    more_than: int
    within: float


@dataclass(frozen=True)
class Webhook:
    """Where to POST this rule's alerts; ``secret`` signs the body (HMAC-SHA256)."""

    url: str
    secret: str | None = None


@dataclass(frozen=True)
class Rule:
    """A validated rule; ``source`` is the plain JSON object it was read from."""

    id: str
    watch: str
    where: tuple[Condition, ...]
    replay: bool = False
    rate: Rate | None = None
    webhook: Webhook | None = None
    enabled: bool = True
    description: str = ""
    source: Mapping[str, Any] | None = None


# --------------------------------------------------------------------------- validation
def _check(ok: bool, reason: str, path: Path, lines: Callable[[Path], int | None],
           rule_id: str | None) -> None:
    if not ok:
        raise RuleError(reason, lines(path), rule_id)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and value is not None


def _condition(field: str, sort: str, spec: Any, path: Path,
               lines: Callable[[Path], int | None], rid: str) -> list[Condition]:
    def fail(reason: str, at: Path = path) -> None:
        raise RuleError(f"{field}: {reason}", lines(at), rid)

    if isinstance(spec, list):
        spec = {"in": spec}
    elif not isinstance(spec, dict):
        spec = {"eq": spec}
    if not spec:
        fail("an empty condition")
    out = []
    for op, arg in spec.items():
        at = (*path, op)
        if op not in _OPS_FOR[sort]:
            fail(f"operator {op!r} does not apply to a {sort} field (use one of "
                 f"{', '.join(_OPS_FOR[sort])})", at)
        if op in ("in", "not_in", "contains_any", "contains_all"):
            if not isinstance(arg, list) or not arg or not all(_scalar(a) for a in arg):
                fail(f"{op} takes a non-empty list of values", at)
            arg = tuple(arg)
        elif not _scalar(arg):
            fail(f"{op} takes a single value, not {type(arg).__name__}", at)
        values = arg if isinstance(arg, tuple) else (arg,)
        if sort == _NUM and any(isinstance(v, bool) or not isinstance(v, int | float)
                                for v in values):
            fail(f"{op} on a number field takes numbers", at)
        if sort == _BOOL and not all(isinstance(v, bool) for v in values):
            fail(f"{op} on a true/false field takes true or false", at)
        if op in _TEXT_OPS and not all(isinstance(v, str) and v.strip() for v in values):
            fail(f"{op} takes non-empty text", at)
        out.append(Condition(field, op, arg))
    return out


def _duration(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) if value > 0 else None
    m = _DURATION.match(value) if isinstance(value, str) else None
    return float(m.group(1)) * _UNIT_SECONDS[m.group(2)] if m and float(m.group(1)) > 0 else None


def parse_rule(data: Any, lines: Callable[[Path], int | None] | None = None,
               path: Path = ()) -> Rule:
    """Validate one rule object and return it as a :class:`Rule`.

    Args:
        data: The rule as plain JSON data (a dict).
        lines: Maps a path inside the file to its line number (for error messages).
        path: Where this rule sits in the file.

    Raises:
        RuleError: The first thing wrong with the rule, with its line when known.
    """
    at = lines or (lambda _p: None)
    if not isinstance(data, dict):
        raise RuleError("a rule must be a mapping with id, watch and where", at(path))
    rid = data.get("id")
    _check(isinstance(rid, str) and bool(_ID.match(rid)), "id must be 1-64 letters, digits, "
           "'.', '_' or '-' (starting with a letter or digit)", (*path, "id")
           if "id" in data else path, at, None)
    for key in data:
        _check(key in _RULE_KEYS, f"unknown key {key!r} (keys: {', '.join(_RULE_KEYS)})",
               (*path, key), at, rid)
    watch = data.get("watch")
    _check(watch in KINDS, f"watch must be one of {', '.join(KINDS)}, not {watch!r}",
           (*path, "watch") if "watch" in data else path, at, rid)
    where = data.get("where", {})
    _check(isinstance(where, dict), "where must be a mapping of field: condition",
           (*path, "where"), at, rid)
    conditions: list[Condition] = []
    for field, spec in where.items():
        fpath = (*path, "where", field)
        _check(field in FIELDS[watch], f"{field!r} is not a field of {watch} (fields: "
               f"{', '.join(FIELDS[watch])})", fpath, at, rid)
        conditions += _condition(field, FIELDS[watch][field], spec, fpath, at, rid)
    for flag in ("replay", "enabled"):
        _check(isinstance(data.get(flag, False), bool), f"{flag} must be true or false",
               (*path, flag), at, rid)
    rate = None
    if data.get("rate") is not None:
        spec = data["rate"]
        rpath = (*path, "rate")
        _check(isinstance(spec, dict) and set(spec) == {"more_than", "within"},
               "rate takes exactly more_than (a count) and within (seconds, or 30s/5m/1h/1d)",
               rpath, at, rid)
        n = spec["more_than"]
        _check(isinstance(n, int) and not isinstance(n, bool) and n >= 0,
               "rate.more_than must be a whole number >= 0", (*rpath, "more_than"), at, rid)
        within = _duration(spec["within"])
        _check(within is not None, "rate.within must be a positive duration (3600, 90s, "
               "5m, 1h, 1d)", (*rpath, "within"), at, rid)
        rate = Rate(n, float(within or 0))
    hook = None
    if data.get("webhook") is not None:
        spec = data["webhook"]
        hpath = (*path, "webhook")
        _check(isinstance(spec, dict) and isinstance(spec.get("url"), str)
               and re.match(r"^https?://[^\s/]+", spec["url"]) is not None
               and set(spec) <= {"url", "secret"},
               "webhook takes url (http:// or https://) and an optional secret", hpath, at, rid)
        _check(isinstance(spec.get("secret", ""), str), "webhook.secret must be text",
               (*hpath, "secret"), at, rid)
        hook = Webhook(spec["url"], spec.get("secret") or None)
    description = data.get("description", "")
    _check(isinstance(description, str), "description must be text", (*path, "description"),
           at, rid)
    return Rule(rid, watch, tuple(conditions), replay=data.get("replay", False), rate=rate,
                webhook=hook, enabled=data.get("enabled", True), description=description,
                source=data)


# --------------------------------------------------------------------------- rule files
def _plain(node: yaml.Node, loader: yaml.SafeLoader, path: Path,
           lines: dict[Path, int]) -> Any:
    """A YAML node as plain JSON data, noting the line of every key and item."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                raise RuleError("a key must be text", key_node.start_mark.line + 1)
            key = str(key).lower() if isinstance(key, bool) else str(key)
            if key in out:
                raise RuleError(f"duplicate key {key!r}", key_node.start_mark.line + 1)
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _plain(value_node, loader, (*path, key), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, loader, (*path, i), lines) for i, item in enumerate(node.value)]
    value = loader.construct_object(node, deep=True)
    if isinstance(value, dt.date | dt.datetime):  # YAML reads 2019-03-12 as a date
        return value.isoformat()
    return value


def _compose(text: str) -> tuple[Any, dict[Path, int]]:
    try:  # the reader refuses control characters before any parsing starts
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as exc:
        raise RuleError(f"not valid YAML/JSON: {exc}", None) from None
    try:
        node = loader.get_single_node()
        lines: dict[Path, int] = {}
        data = _plain(node, loader, (), lines) if node is not None else None
        return data, lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise RuleError(f"not valid YAML/JSON: {exc.problem or exc}", line) from None
    finally:
        loader.dispose()


def load_rule_file(text: str) -> list[Rule]:
    """Every rule of a YAML or JSON rule file, all validated, or the first error.

    The file is a list of rules, or a mapping with a ``rules`` list.

    Raises:
        RuleError: With the line and the reason; nothing of the file is usable then.
    """
    data, lines = _compose(text.replace("\t", "    ") if text.lstrip()[:1] in "[{" else text)
    where: Path = ()
    if isinstance(data, dict):
        if set(data) != {"rules"}:
            raise RuleError("the file must be a list of rules or a mapping with only 'rules'", 1)
        data, where = data["rules"], ("rules",)
    if not isinstance(data, list) or not data:
        raise RuleError("no rules: expected a non-empty list of rules", lines.get(where, 1))
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, item in enumerate(data):
        rule = parse_rule(item, lines.get, (*where, i))
        if rule.id in seen:
            raise RuleError("duplicate rule id", lines.get((*where, i, "id")), rule.id)
        seen.add(rule.id)
        rules.append(rule)
    return rules


# --------------------------------------------------------------------------- matching
def _norm(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


@functools.lru_cache(maxsize=1024)
def _phrase(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def _names(field: str, record: Mapping[str, Any]) -> list[str]:
    if field == "entity":
        return [n for n in (record.get("name"), *(record.get("aliases") or [])) if n]
    if field == "country":
        value = record.get("country") or record.get("place")
        return [value] if value else []
    value = record.get(field)
    return [value] if value else []


def _same(sort: str, want: Any, values: list[Any], resolve: Resolver) -> bool:
    if sort == _NAME:
        wanted = {_norm(want), _norm(resolve(str(want)))}
        return any(_norm(v) in wanted or _norm(resolve(str(v))) in wanted for v in values)
    if sort in (_NUM, _BOOL):
        return any(v == want and isinstance(v, bool) == isinstance(want, bool) for v in values)
    return any(_norm(v) == _norm(want) for v in values)


def _numbers(field: str, record: Mapping[str, Any]) -> list[float]:
    value = record.get(field)
    if value is None and field == "value":  # a range: the whole range must pass
        return [v for v in (record.get("low"), record.get("high")) if v is not None]
    return [] if value is None or isinstance(value, bool) else [value]


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
}


def _holds(cond: Condition, sort: str, record: Mapping[str, Any], resolve: Resolver) -> bool:
    if sort == _NUM:
        values: list[Any] = _numbers(cond.field, record)
    elif sort == _NAME:
        values = _names(cond.field, record)
    else:
        value = record.get(cond.field)
        values = [] if value is None else [value]
    op, arg = cond.op, cond.arg
    if op in _COMPARE:
        return bool(values) and all(_COMPARE[op](float(v), float(arg)) for v in values)
    if op in ("eq", "ne", "in", "not_in"):
        wanted = arg if isinstance(arg, tuple) else (arg,)
        hit = any(_same(sort, w, values, resolve) for w in wanted)
        return hit if op in ("eq", "in") else not hit
    found = [any(_phrase(p).search(str(v)) for v in values) for p in
             (arg if isinstance(arg, tuple) else (arg,))]
    return all(found) if op in ("contains", "contains_all") else any(found)


def match_rule(rule: Rule, kind: str, record: Mapping[str, Any],
               resolve_alias: Resolver = lambda name: name) -> bool:
    """Whether ``record`` (an output record from ``kind``) meets every condition of ``rule``.

    A disabled rule, a rule that watches another output, and a replayed record
    (``replay: true``) under a rule without ``replay: true`` never match. The
    rate condition is not checked here (see :func:`rate_step`).

    Args:
        rule: A validated rule.
        kind: events, quotes, figures or entities.
        record: The output record as plain JSON data.
        resolve_alias: Canonical name of a name or alias ("SDF" -> "Syrian Democratic Forces").
    """
    if not rule.enabled or rule.watch != kind:
        return False
    if record.get("replay") and not rule.replay:
        return False
    fields = FIELDS[kind]
    return all(_holds(c, fields[c.field], record, resolve_alias) for c in rule.where)


def rate_step(state: list[list[Any]] | None, record_id: str, at: float,
              rate: Rate) -> tuple[list[list[Any]], bool]:
    """Count one more matching record in a rule's window; say whether the rule fires.

    Args:
        state: ``[[time, record id], ...]`` of earlier matches (None for none).
        record_id: The matching record (counted once, however often it is seen).
        at: Its time in epoch seconds (the article's ``received_at``, so replays agree).
        rate: The rule's rate condition.

    Returns:
        The new state (at most ``more_than + 1`` newest entries within the window)
        and True when more than ``more_than`` matches fall within ``within`` seconds
        up to ``at``.
    """
    entries = [e for e in (state or []) if e[1] != record_id]
    entries.append([at, record_id])
    entries = sorted(e for e in entries if e[0] > at - rate.within)
    entries = entries[-(rate.more_than + 1):]
    fires = sum(1 for e in entries if e[0] <= at) > rate.more_than
    return entries, fires


# --------------------------------------------------------------------------- alerts
def alert_id(rule_id: str, record_id: str) -> str:
    """The alert's id: the same (rule, record) always gives the same id."""
    return hashlib.sha256(f"{rule_id}\x1f{record_id}".encode()).hexdigest()[:20]


def _when(value: Any) -> dt.datetime:
    stamp = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def make_alert(rule: Rule, kind: str, record: Mapping[str, Any], *, headline: str | None,
               now: dt.datetime) -> AlertV1:
    """The alert for a rule that matched a record; ``now`` is the emission time."""
    received = _when(record["received_at"])
    return AlertV1(id=alert_id(rule.id, record["id"]), rule_id=rule.id, kind=kind,
                   record_id=record["id"], record=dict(record), article_id=record["article_id"],
                   received_at=received, emitted_at=now, headline=headline,
                   latency_ms=round((now - received).total_seconds() * 1000, 1))


def alert_line(alert: Mapping[str, Any]) -> str:
    """One readable line for an alert (``wiredesk alerts tail``)."""
    r = alert.get("record") or {}
    kind = alert.get("kind")
    if kind == "events":
        who = " -> ".join(x for x in (r.get("actor"), r.get("target")) if x)
        what = f"{r.get('type')} at {r.get('place') or '?'}" + (f" ({who})" if who else "")
    elif kind == "quotes":
        what = f"{r.get('speaker') or 'unattributed'}: \"{str(r.get('text', ''))[:90]}\""
    elif kind == "figures":
        what = f"{r.get('text')} ({r.get('unit') or '-'})"
    else:
        n = r.get("mentions", 1)
        what = f"{r.get('name')} ({r.get('type')}, {n} mention{'' if n == 1 else 's'})"
    stamp = str(alert.get("emitted_at", ""))[11:19]
    headline = f" | {alert['headline']}" if alert.get("headline") else ""
    return (f"{stamp} [{alert.get('rule_id')}] {kind}: {what}{headline} "
            f"({alert.get('latency_ms')} ms)")
