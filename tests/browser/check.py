#!/usr/bin/env python3
"""Check a report.html as Chromium rendered it (tests/browser.sh).

  check.py OUT_DIR DOM.html SCREENSHOT.png

- the DOM holds the headline: every outcome's name, and its share as
  summary.csv gives it (formatted as the page formats shares);
- one <img> per chart the folder holds (SVG counted over PNG), each a data: URL;
- nothing is fetched (no script, no stylesheet link, no http(s) address);
- the screenshot is 1200 × 3000 and not blank, and the charts were drawn in
  it (the US colour of the charts shows), or not at all without charts.
"""
import csv
import os
import re
import subprocess
import sys

out, dom_path, shot = sys.argv[1:4]
dom = open(dom_path, encoding="utf-8").read()
fail = []


def percent(share):
    """tradewar::fmt::percent"""
    p = share * 100
    if p <= 0:
        return "0%"
    if p < 0.05:
        return "<0.1%"
    if p >= 100:
        return "100%"
    if p >= 99.95:
        return ">99.9%"
    return f"{p:.1f}%"


titles = {"detente": "détente", "vicious_cycle": "vicious cycle", "coercion": "one-sided coercion", "standoff": "standoff"}
rows = [r for r in csv.DictReader(open(os.path.join(out, "summary.csv"), encoding="utf-8")) if r["outcome"] != "all"]
if len(rows) != 4:
    fail.append(f"summary.csv has {len(rows)} outcome rows")
for r in rows:
    title, share = titles[r["outcome"]], percent(float(r["share"]))
    if f"<th>{title}</th>" not in dom:
        fail.append(f"no row for {title}")
    if f'<td class="num share">{share}</td>' not in dom:
        fail.append(f"{title}: share {share} (summary.csv) not in the table")
top = max(rows, key=lambda r: int(r["runs"]))
words = re.search(r'<p class="words">(.*?)</p>', dom, re.S)
if not words or f'{percent(float(top["share"]))} end in' not in words.group(1):
    fail.append(f"the headline does not give the largest share, {titles[top['outcome']]} {percent(float(top['share']))}")

stems = {f.rsplit(".", 1)[0] for f in os.listdir(out) if f.endswith((".png", ".svg"))}
imgs = re.findall(r"<img [^>]*>", dom)
if len(imgs) != len(stems):
    fail.append(f"{len(imgs)} images in the page, {len(stems)} charts in the folder ({sorted(stems)})")
for img in imgs:
    if 'src="data:image/' not in img:
        fail.append(f"an image is not embedded: {img[:80]}")
if not stems and "--no-charts" not in dom:
    fail.append("no charts and no word of --no-charts")
for fetch in ("<script", "<link", 'src="http', 'href="http', "url(http"):
    if fetch in dom:
        fail.append(f"the page fetches something: {fetch}")

stats = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "png.py"), "stats", shot],
                       capture_output=True, text=True, check=True).stdout.split()
width, height, inked, colours, blue = int(stats[0]), int(stats[1]), float(stats[2]), int(stats[3]), int(stats[4])
if (width, height) != (1200, 3000):
    fail.append(f"screenshot is {width} × {height}")
if inked < 0.02 or colours < 20:
    fail.append(f"screenshot looks blank: {inked:.1%} non-white pixels, {colours} colours")
if stems and blue < 200:
    fail.append(f"the charts do not show in the screenshot ({blue} pixels of the charts' US colour)")
if not stems and blue > 0:
    fail.append(f"no charts, yet {blue} pixels of the charts' US colour")

if fail:
    print(f"report.html in {out}:", *fail, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"ok: {os.path.basename(out)}: {len(imgs)} charts, headline {titles[top['outcome']]} "
      f"{percent(float(top['share']))}, screenshot {inked:.1%} non-white, {colours} colours, "
      f"{blue} chart-blue pixels")
