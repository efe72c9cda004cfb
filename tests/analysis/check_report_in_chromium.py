#!/usr/bin/python3
"""Opens the fixture report in headless Chromium and checks a person would see it.

1. Builds report.html from tests/data/analysis/ with analysis/report.py.
2. Loads a copy of it, with a small script added at the end, in headless Chromium with
   --dump-dom: the script writes into the page how many images decoded
   (naturalWidth > 0) out of how many there are. Every image must have loaded, and
   there must be as many as the report embeds.
3. Takes a 1200 x 3000 screenshot of the report itself (no script) and decodes the PNG
   with the standard library (zlib and the PNG row filters): the page must not be blank,
   that is not one colour: at least 2 % of the pixels differ from the background (the
   most common colour) and there are at least 64 distinct colours (text, plots).

Exit status: 0 when all holds, 1 when something does not, 77 (ctest's SKIP_RETURN_CODE)
when /usr/bin/chromium (or $DNNSIM_CHROMIUM) is not installed.
"""

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections import Counter
from pathlib import Path

# DNNSIM_CHROMIUM overrides the browser (e.g. to check that the test skips without it).
CHROMIUM = os.environ.get("DNNSIM_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "analysis"
WIDTH, HEIGHT = 1200, 3000

PROBE = """
<script>
window.addEventListener("load", function () {
  var images = Array.prototype.slice.call(document.images);
  var loaded = images.filter(function (i) { return i.complete && i.naturalWidth > 0; });
  var probe = document.createElement("pre");
  probe.id = "image-probe";
  probe.textContent = "images-loaded " + loaded.length + " of " + images.length;
  document.body.appendChild(probe);
});
</script>
"""


def chromium(args: list[str], profile: str) -> subprocess.CompletedProcess:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
               *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def decode_png(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """Width, height, bytes per pixel and the unfiltered rows of an 8-bit RGB(A) PNG."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("not a PNG")
    position, idat, header = 8, [], None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        position += 12 + length
    width, height, depth, color_type, _, _, interlace = header
    channels = {2: 3, 6: 4}.get(color_type)
    if depth != 8 or channels is None or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {color_type}")
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, previous = [], bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + predictor) & 0xFF
        rows.append(bytes(line))
        previous = rows[-1]
    return width, height, channels, rows


def colour_statistics(rows: list[bytes], channels: int) -> tuple[int, float]:
    """The number of distinct colours and the share of pixels unlike the most common one."""
    counts = Counter()
    for row in rows:
        counts.update(row[i:i + 3] for i in range(0, len(row), channels))
    total = sum(counts.values())
    return len(counts), 1.0 - counts.most_common(1)[0][1] / total


def fail(message: str) -> int:
    print(f"FAIL: {message}")
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-dir", required=True, help="where the report and screenshots go")
    args = parser.parse_args()
    if not os.access(CHROMIUM, os.X_OK):
        print(f"SKIP: {CHROMIUM} is not installed (apt-get install chromium)")
        return 77
    work = Path(args.work_dir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    report = work / "report.html"
    built = subprocess.run([sys.executable, str(ROOT / "analysis" / "report.py"),
                            "--sweep", str(DATA / "sweep.csv"), "--layers",
                            str(DATA / "layers.csv"), "--trace", str(DATA / "trace.json"),
                            "--title", "dnnsim fixture study", "--output", str(report)],
                           capture_output=True, text=True)
    if built.returncode != 0:
        return fail(f"report.py exited with {built.returncode}: {built.stderr}")
    html = report.read_text(encoding="utf-8")
    expected_images = html.count("<img ")
    if expected_images == 0:
        return fail("the report embeds no image")

    probe_page = work / "probe.html"
    probe_page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="dnnsim-chromium-") as profile:
        dom = chromium(["--virtual-time-budget=10000", "--dump-dom", probe_page.as_uri()],
                       profile)
    found = re.search(r"images-loaded (\d+) of (\d+)", dom.stdout)
    if not found:
        return fail(f"no image count in the DOM (chromium exit {dom.returncode}):\n"
                    f"{dom.stderr[-2000:]}")
    loaded, total = int(found.group(1)), int(found.group(2))
    print(f"images loaded: {loaded} of {total} (the report embeds {expected_images})")
    if total != expected_images or loaded != total:
        return fail("not every image of the report loaded")
    if "dnnsim fixture study" not in dom.stdout:
        return fail("the title is not in the rendered page")

    screenshot = work / "screenshot.png"
    with tempfile.TemporaryDirectory(prefix="dnnsim-chromium-") as profile:
        shot = chromium([f"--screenshot={screenshot}", f"--window-size={WIDTH},{HEIGHT}",
                         report.as_uri()], profile)
    if not screenshot.exists():
        return fail(f"no screenshot (chromium exit {shot.returncode}):\n{shot.stderr[-2000:]}")
    width, height, channels, rows = decode_png(screenshot.read_bytes())
    colours, inked = colour_statistics(rows, channels)
    print(f"screenshot {width} x {height}: {colours} colours, {inked:.1%} of the pixels "
          "unlike the background")
    if (width, height) != (WIDTH, HEIGHT):
        return fail(f"expected a {WIDTH} x {HEIGHT} screenshot")
    if colours < 64 or inked < 0.02:
        return fail("the page looks blank")
    print(f"OK: {screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
