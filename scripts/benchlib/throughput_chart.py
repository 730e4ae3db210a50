#!/usr/bin/python3
"""Throughput against client count, as an SVG bar chart, from the table that
scripts/bench prints (its lines "report submits/s, N clients  X  Y ..." and
the continuation line with the plain INSERTs).

    scripts/bench | tee bench.log
    scripts/benchlib/throughput_chart.py < bench.log > docs/throughput.svg

Standard library only: it writes the SVG by hand.
"""
import re
import sys

SERIES = [  # (request, which figure, label, colour)
    ("report", "chengguan", "report submit, chengguan", "#c0392b"),
    ("report", "function", "report submit, pgbench same SQL", "#e6a09a"),
    ("report", "inserts", "report submit, pgbench plain INSERTs", "#f3d3cf"),
    ("patrol", "chengguan", "patrol submit, chengguan", "#1f5f8b"),
    ("patrol", "function", "patrol submit, pgbench same SQL", "#8fb8d6"),
    ("patrol", "inserts", "patrol submit, pgbench plain INSERTs", "#d2e4f0"),
]


def parse(text):
    """{(request, clients): {"chengguan": x, "function": y, "inserts": z}}"""
    data, last = {}, None
    for line in text.splitlines():
        m = re.match(r"(report|patrol) submits/s, (\d+) clients\s+([\d.]+)\s+([\d.]+) pgbench, same SQL", line)
        if m:
            last = (m.group(1), int(m.group(2)))
            data[last] = {"chengguan": float(m.group(3)), "function": float(m.group(4))}
            continue
        m = re.match(r"\s+([\d.]+) pgbench, plain INSERTs", line)
        if m and last:
            data[last]["inserts"] = float(m.group(1))
        last = None if not m else last
    return data


def svg(data):
    clients = sorted({c for _, c in data})
    if not clients:
        sys.exit("throughput_chart: no 'submits/s' lines in the input (scripts/bench's output)")
    top = max(v for d in data.values() for v in d.values())
    top = (int(top / 500) + 1) * 500
    w, h, left, bottom, plot_h = 760, 400, 60, 60, 280
    group_w = (w - left - 20) / len(clients)
    bar_w = (group_w - 30) / len(SERIES)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h + 50}" '
           'font-family="sans-serif" font-size="12">',
           f'<text x="{w / 2}" y="18" text-anchor="middle" font-size="14">'
           'Durable writes acknowledged per second against clients (scripts/bench)</text>']
    y0 = h - bottom
    for t in range(0, top + 1, 500):
        y = y0 - plot_h * t / top
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - 20}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{t}</text>')
    for gi, c in enumerate(clients):
        gx = left + gi * group_w + 15
        for si, (req, fig, _, colour) in enumerate(SERIES):
            v = data.get((req, c), {}).get(fig)
            if v is None:
                continue
            bh = plot_h * v / top
            x = gx + si * bar_w
            out.append(f'<rect x="{x:.1f}" y="{y0 - bh:.1f}" width="{bar_w - 2:.1f}" height="{bh:.1f}" '
                       f'fill="{colour}"><title>{req} {fig} {c} clients: {v:.0f}/s</title></rect>')
        out.append(f'<text x="{gx + (group_w - 30) / 2:.1f}" y="{y0 + 18}" text-anchor="middle">'
                   f'{c} client{"s" if c > 1 else ""}</text>')
    for si, (_, _, label, colour) in enumerate(SERIES):
        x, y = left + (si % 2) * 330, h - 10 + (si // 2) * 20
        out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 18}" y="{y + 10}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(svg(parse(sys.stdin.read())))
