"""Schemathesis hooks for scripts/api-conformance.

OpenAPI cannot state a rule between two parameters. The call list refuses a deadline range
that ends before it starts (deadlineFrom after deadlineTo) and a grant range whose floor is
above its ceiling (budgetMin above budgetMax), each a 400 that names the field, so the
generator is told not to send such ranges as if they were valid."""

import schemathesis


@schemathesis.hook
def filter_query(context, query):
    if query is None or context.operation is None:
        return True
    if context.operation.path == "/api/v1/match":
        # Matchmaking needs something to match from: a call, an organisation or a text.
        return any(isinstance(query.get(name), str) and query[name].strip() for name in ("call", "organisation", "text"))
    if context.operation.path != "/api/v1/calls":
        return True
    start, end = query.get("deadlineFrom"), query.get("deadlineTo")
    if isinstance(start, str) and isinstance(end, str) and start.strip() and end.strip():
        if start.strip() > end.strip():
            return False
    least, most = query.get("budgetMin"), query.get("budgetMax")
    if isinstance(least, int) and isinstance(most, int):
        return least <= most
    return True
