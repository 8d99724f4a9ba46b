"""Schemathesis hooks for scripts/api-conformance.

OpenAPI cannot state a rule between two parameters. The call list refuses a deadline range
that ends before it starts (deadlineFrom after deadlineTo) and a grant range whose floor is
above its ceiling (budgetMin above budgetMax), and matchmaking needs exactly one of call,
organisation and text; each is a 400 that names the field, so the generator is told not to
send such requests as if they were valid.

These are `filter_case` hooks because schemathesis applies case hooks in every phase, its
coverage phase included, while `filter_query` hooks are skipped there."""

import schemathesis


# What Rust's `str::trim` removes (Unicode White_Space); Python's `str.strip` also removes
# the separators U+001C to U+001F, which the hub keeps.
_WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"


def _text(value):
    """A parameter as the hub reads it: trimmed, with blank meaning absent."""
    if value is None:
        return None
    text = str(value).strip(_WHITE_SPACE)
    return text or None


def _number(value):
    text = _text(value)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _reversed_calls_range(query):
    start, end = _text(query.get("deadlineFrom")), _text(query.get("deadlineTo"))
    if start is not None and end is not None and start > end:
        return True
    least, most = _number(query.get("budgetMin")), _number(query.get("budgetMax"))
    return least is not None and most is not None and least > most


def _one_thing_to_match(query):
    return sum(_text(query.get(name)) is not None for name in ("call", "organisation", "text")) == 1


@schemathesis.hook
def filter_case(context, case):
    query = case.query or {}
    if case.operation.path == "/api/v1/calls":
        return not _reversed_calls_range(query)
    if case.operation.path == "/api/v1/match":
        return _one_thing_to_match(query)
    return True
