"""Validates an RDF file against SHACL shapes with pySHACL and prints the outcome as JSON.

    python3 scripts/shacl_validate.py DATA.ttl SHAPES.ttl[.gz] [SHAPES.ttl[.gz] ...]

Each shapes file is parsed on its own into one shapes graph, so that blank nodes of two
files never merge (concatenating Turtle files would). Prints {"conforms", "node_shapes",
"property_shapes", "violations", "results": [...]} and exits 0 whether or not the data
conforms; any other exit status means the validation itself could not run.
"""

import gzip
import json
import sys

from pyshacl import validate
from rdflib import Graph, Namespace, RDF

SH = Namespace("http://www.w3.org/ns/shacl#")


def load(path, graph):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        graph.parse(f, format="turtle")


def main(data_path, shape_paths):
    shapes = Graph()
    for path in shape_paths:
        load(path, shapes)
    data = Graph()
    data_format = {"jsonld": "json-ld", "rdf": "xml"}.get(data_path.rsplit(".", 1)[-1], "turtle")
    data.parse(data_path, format=data_format)
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    results = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        results.append({
            "severity": str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            "focus": str(report.value(result, SH.focusNode)),
            "path": str(report.value(result, SH.resultPath)),
            "message": str(report.value(result, SH.resultMessage)),
        })
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = set(shapes.objects(None, SH.property)) | set(shapes.subjects(SH.path, None))
    print(json.dumps({
        "conforms": bool(conforms),
        "node_shapes": len(node_shapes),
        "property_shapes": len(property_shapes),
        "violations": sum(1 for r in results if r["severity"] == "Violation"),
        "results": results,
    }))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
