"""Builds the fuzzers' seed corpus from the real data files: single records and short runs of
records from each importer's file, the names and titles they hold as search queries, and
query strings for the directory, the call list and search. Usage: fuzz-corpus.py DATA OUT"""

import gzip
import hashlib
import json
import sys
import urllib.parse
from pathlib import Path


def save(folder: Path, text: str) -> None:
    data = text.encode("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def json_objects(text: str):
    """The objects of a stream of JSON values, with or without separators between them."""
    decoder = json.JSONDecoder()
    position = 0
    text = text.lstrip("\ufeff")
    while position < len(text):
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            break
        value, end = decoder.raw_decode(text, position)
        yield text[position:end], value
        position = end


def main(data: Path, out: Path) -> None:
    ror_text = gzip.open(data / "ror_nl_be.jsonl.gz", "rt", encoding="utf-8").read()
    ror = [line for line in ror_text.splitlines() if line.strip()]
    calls = list(json_objects(gzip.open(data / "eu_calls_open.jsonl.gz", "rt", encoding="utf-8").read()))

    for line in ror[::10]:
        save(out / "ror_records", line)
    for start in range(0, 60, 3):
        save(out / "ror_records", "\n".join(ror[start : start + 3]))
    save(out / "ror_records", "[" + ",".join(ror[:4]) + "]")  # the data dump's array form

    for raw, _ in calls[::5]:
        if len(raw) <= 65536:
            save(out / "eu_call_stream", raw)
    save(out / "eu_call_stream", "\ufeff" + "".join(raw for raw, _ in calls[:3]))

    words = []
    for line in ror[::25]:
        words.append(json.loads(line).get("name", ""))
    for _, call in calls[::10]:
        words.append(call.get("title", ""))
    for text in words + ["bloed", "Amsterdm", "kanker onderzoek", "AI diagnos", "ziekenhuis én zorg", "\"", "-", "é"]:
        save(out / "search_query", text)

    queries = [
        "q=sanquin&kind=healthcare&city=Amsterdam&country=NL&sort=-name&limit=20&offset=0",
        "kind=research-institute&sort=city&limit=100&offset=40",
        "q=&kind=&city=&country=&sort=&limit=&offset=",
        "q=cancer&programme=Horizon%20Europe&status=open&deadlineFrom=2026-01-01&deadlineTo=2027-12-31"
        "&budgetMin=100000&budgetMax=9000000&sort=deadline&limit=10&offset=0",
        "status=forthcoming&sort=-budget",
        "q=bloed&type=organisation&limit=5",
        "q=AI&type=call",
        "limit=0", "limit=101", "offset=-1", "deadlineFrom=2026-02-30", "budgetMin=abc", "q=%FF%FE",
    ]
    for name in words[:40]:
        queries.append("q=" + urllib.parse.quote(name))
    for query in queries:
        save(out / "query_string", query)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
