#!/usr/bin/env python3
"""Writes crates/web/assets/map/nl-be.json: the outlines of the Netherlands (its European
part) and Belgium, simplified, from Natural Earth's admin-0 countries (public domain).

Input: the TopoJSON `countries-10m.json` of the `world-atlas` npm package (version 2.0.2,
Natural Earth 4.1.0), e.g. unpacked by `npm pack world-atlas && tar xzf world-atlas-*.tgz`:

    python3 scripts/map-boundaries.py package/countries-10m.json > crates/web/assets/map/nl-be.json

Only the standard library is used. Rings are decoded from the topology's shared arcs,
kept when they lie in Europe (so the Caribbean islands are left out), simplified with
Douglas-Peucker at TOLERANCE degrees, and dropped when fewer than four points or less
than MIN_AREA square degrees remain (tiny islets that would be specks on the map).
"""

import json
import sys

# Degrees; about 500 m north-south, under a pixel on the hub's map.
TOLERANCE = 0.005
# Square degrees; about 0.4 km². Smaller islands are not drawn.
MIN_AREA = 0.00005
# Degrees kept: about 10 m, far below what the map shows.
DECIMALS = 4
# Natural Earth's names, with the ISO codes the hub uses.
COUNTRIES = {"Netherlands": "NL", "Belgium": "BE"}
# The European part: Caribbean Netherlands lies far west and south of it.
EUROPE = (-10.0, 35.0, 30.0, 72.0)


def decode_arcs(topology):
    """The arcs in degrees: TopoJSON quantizes them and stores deltas."""
    scale = topology["transform"]["scale"]
    translate = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def ring(indices, arcs):
    """A ring from arc indices; a negative index ~i is arc i reversed."""
    points = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        # Consecutive arcs share their joining point.
        points.extend(arc if not points else arc[1:])
    return points


def perpendicular(p, a, b):
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify(points, tolerance):
    """Douglas-Peucker, iterative (rings of the 10m data are long for recursion)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        distance, index = 0.0, None
        for i in range(first + 1, last):
            d = perpendicular(points[i], points[first], points[last])
            if d > distance:
                distance, index = d, i
        if index is not None and distance > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep) if k]


def area(points):
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]))) / 2


def in_europe(points):
    west, south, east, north = EUROPE
    return all(west <= x <= east and south <= y <= north for x, y in points)


def main(path):
    with open(path, encoding="utf-8") as f:
        topology = json.load(f)
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name")
        if name not in COUNTRIES:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = []
        for polygon in polygons:
            # The outer ring only: the two countries' holes are Baarle's enclaves, each
            # drawn as the other country's polygon anyway.
            points = ring(polygon[0], arcs)
            if not in_europe(points):
                continue
            simplified = simplify(points, TOLERANCE)
            if len(simplified) < 4 or area(simplified) < MIN_AREA:
                continue
            rings.append([[round(x, DECIMALS), round(y, DECIMALS)] for x, y in simplified])
        countries.append({"code": COUNTRIES[name], "name": name, "rings": rings})
    countries.sort(key=lambda c: c["code"])
    out = {
        "source": "Natural Earth 4.1.0 admin-0 countries, 1:10m (public domain), via the world-atlas package 2.0.2",
        "tolerance": TOLERANCE,
        "countries": countries,
    }
    json.dump(out, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


def self_test():
    """`python3 scripts/map-boundaries.py --self-test`: the simplification and decoding."""
    # A straight line loses its middle points; a corner beyond the tolerance stays.
    assert simplify([(0, 0), (1, 0.001), (2, 0), (3, 0.002), (4, 0)], 0.005) == [(0, 0), (4, 0)]
    assert simplify([(0, 0), (1, 1), (2, 0)], 0.005) == [(0, 0), (1, 1), (2, 0)]
    # A deviation of exactly the tolerance is dropped, just over it kept.
    assert len(simplify([(0, 0), (1, 0.005), (2, 0)], 0.005)) == 2
    assert len(simplify([(0, 0), (1, 0.0051), (2, 0)], 0.005)) == 3
    # Quantized deltas decode to degrees; a reversed arc joins without repeating its point.
    topology = {"transform": {"scale": [0.5, 0.25], "translate": [2, 50]}, "arcs": [[[0, 0], [2, 0], [0, 4]], [[0, 0], [2, 4]]]}
    arcs = decode_arcs(topology)
    assert arcs[0] == [(2, 50), (3, 50), (3, 51)]
    assert ring([0, ~1], arcs) == [(2, 50), (3, 50), (3, 51), (2, 50)]
    assert area([(0, 0), (1, 0), (1, 1), (0, 1)]) == 1
    assert in_europe([(4.9, 52.4)]) and not in_europe([(-68.9, 12.2)])
    print("ok")


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        self_test()
    else:
        main(sys.argv[1])
