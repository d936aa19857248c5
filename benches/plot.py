#!/usr/bin/env python3
"""Plots the scaling curves of benches/results/results.json as an SVG, without dependencies.

    python3 benches/plot.py [results.json] [out.svg]

Time per decision (log scale) against the number of rules (log scale), one line per engine.
"""
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
src = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "results" / "results.json"
out = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE / "results" / "scaling.svg"
results = json.loads(src.read_text())
rows = results["scaling"]

W, H = 720, 460
L, R, T, B = 80, 170, 50, 60
engines = [("Edict", "edict_ns", "#1b7f3b"), ("Cedar", "cedar_ns", "#c0392b"),
           ("Rego (regorus)", "rego_ns", "#2c5aa0")]
xs = [r["rules"] for r in rows]
ys = [r[k] for r in rows for _, k, _ in engines]
x0, x1 = math.log10(min(xs)), math.log10(max(xs))
y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))


def px(x):
    return L + (math.log10(x) - x0) / (x1 - x0) * (W - L - R)


def py(y):
    return H - B - (math.log10(y) - y0) / (y1 - y0) * (H - T - B)


def label_ns(v):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if v >= scale:
            return f"{v / scale:g} {unit}"
    return f"{v:g} ns"


svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
       f'font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{W / 2 - R / 2 + L / 2}" y="28" text-anchor="middle" font-size="15">'
       'Time per decision against the number of rules</text>']
for e in range(y0, y1 + 1):
    y = py(10 ** e)
    svg.append(f'<line x1="{L}" y1="{y:.1f}" x2="{W - R}" y2="{y:.1f}" stroke="#ddd"/>')
    svg.append(f'<text x="{L - 8}" y="{y + 4:.1f}" text-anchor="end">{label_ns(10 ** e)}</text>')
for x in xs:
    X = px(x)
    svg.append(f'<line x1="{X:.1f}" y1="{T}" x2="{X:.1f}" y2="{H - B}" stroke="#eee"/>')
    svg.append(f'<text x="{X:.1f}" y="{H - B + 18}" text-anchor="middle">{x:,}</text>')
svg.append(f'<text x="{(L + W - R) / 2}" y="{H - 18}" text-anchor="middle">'
           'rules in the decision (log scale)</text>')
svg.append(f'<text x="18" y="{(T + H - B) / 2}" text-anchor="middle" '
           f'transform="rotate(-90 18 {(T + H - B) / 2})">median time per decision (log scale)</text>')
svg.append(f'<rect x="{L}" y="{T}" width="{W - L - R}" height="{H - T - B}" fill="none" stroke="#888"/>')
for i, (name, key, colour) in enumerate(engines):
    pts = " ".join(f"{px(r['rules']):.1f},{py(r[key]):.1f}" for r in rows)
    svg.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
    for r in rows:
        svg.append(f'<circle cx="{px(r["rules"]):.1f}" cy="{py(r[key]):.1f}" r="3.5" fill="{colour}"/>')
    ly = T + 20 + i * 22
    svg.append(f'<line x1="{W - R + 15}" y1="{ly}" x2="{W - R + 40}" y2="{ly}" stroke="{colour}" stroke-width="2.5"/>')
    svg.append(f'<text x="{W - R + 46}" y="{ly + 4}">{name}</text>')
machine = results.get("machine", "")
svg.append(f'<text x="{W - R + 15}" y="{T + 100}" font-size="10" fill="#555">{machine[:28]}</text>')
svg.append('</svg>')
out.parent.mkdir(parents=True, exist_ok=True)
out.write_text("\n".join(svg) + "\n")
print(f"wrote {out}")
