"""Label layout: text that never collides, measured with matplotlib's own renderer.

Where a label lands depends on fonts, the figure's layout and the data, so the figures
do not guess: they draw, measure each label's box in display pixels and move it.

- `fit_x_tick_labels(figure, axis, stacked, flat, fontsize)`: x tick labels that do not
  overlap: as given, else turned upright, smaller, and at last every n-th one only;
- `place_point_labels(figure, axis, points)`: a label beside each point, clear of the
  other labels, of every marker and of the axes' edges, crossing as few lines as it can;
- `tick_label_boxes`, `marker_boxes`, `text_box`: the measures.

The axes' limits must be set before placing: labels are placed in display pixels.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from matplotlib import patheffects
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Bbox

GAP_PX = 3.0  # clear space around a label, in pixels
LABEL_GAP_PX = 6.0  # and more between two point labels
MIN_FONTSIZE = 6.0  # below it a label is no longer legible in the 120 dpi PNG

# Offsets (points) from a point to its label, nearest first; the alignment keeps the
# text on the far side of the offset. Beyond the first ring a thin leader line is drawn.
_DIRECTIONS = ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1),
               (2, -1), (-2, -1), (2, 1), (-2, 1), (1, -2), (-1, -2), (1, 2), (-1, 2))
_RADII = (10.0, 18.0, 28.0, 40.0, 54.0, 70.0, 90.0)
_LEADER_FROM = 18.0
# A white outline keeps a label legible where it crosses a line.
HALO = [patheffects.withStroke(linewidth=2.6, foreground="white")]


def renderer_of(figure):
    """Lays the figure out (constrained layout included) and returns its renderer."""
    figure.draw_without_rendering()
    return figure.canvas.get_renderer()


def tick_label_boxes(figure, axis) -> list[Bbox]:
    """The display boxes of the x tick labels that show text, left to right."""
    renderer = renderer_of(figure)
    labels = [t for t in axis.get_xticklabels() if t.get_visible() and t.get_text()]
    return sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.x0)


def _strictly_overlap(a: Bbox, b: Bbox) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _ticks_collide(figure, axis) -> bool:
    boxes = tick_label_boxes(figure, axis)
    return any(a.x1 + GAP_PX > b.x0 for a, b in zip(boxes, boxes[1:]))


def fit_x_tick_labels(figure, axis, stacked: Sequence[str], flat: Sequence[str],
                      fontsize: float) -> None:
    """Sets the x tick labels so that no two overlap.

    `stacked` are the labels read level (lines one under the other), `flat` the same on
    one line each, for when they must be turned upright to fit. Upright labels shrink
    down to MIN_FONTSIZE, then only every n-th is kept; the figure grows taller by the
    labels' height so that the plot keeps its size.
    """
    axis.set_xticks(range(len(flat)))
    axis.set_xticklabels(list(stacked), fontsize=fontsize, rotation=0)
    if not _ticks_collide(figure, axis):
        return
    width, height = figure.get_size_inches()
    level_height = _tallest_label_in(figure, axis)

    def upright(size: float, step: int) -> bool:
        axis.set_xticklabels([text if i % step == 0 else "" for i, text in enumerate(flat)],
                             fontsize=size, rotation=90)
        grown = max(0.0, _tallest_label_in(figure, axis) - level_height)
        figure.set_size_inches(width, height + grown)
        return not _ticks_collide(figure, axis)

    sizes = [fontsize - 0.5 * k
             for k in range(max(0, int((fontsize - MIN_FONTSIZE) / 0.5)) + 1)]
    for size in sizes:
        if upright(size, 1):
            return
    # Still too close at the smallest legible size: keep every step-th label.
    widest = max(b.width for b in tick_label_boxes(figure, axis))
    pitch = abs(axis.transData.transform((1, 0))[0] - axis.transData.transform((0, 0))[0])
    step = max(2, math.ceil((widest + GAP_PX) / max(pitch, 1e-9)))
    while step < len(flat) and not upright(size, step):
        step += 1


def _tallest_label_in(figure, axis) -> float:
    boxes = tick_label_boxes(figure, axis)
    return max((b.height for b in boxes), default=0.0) / figure.dpi


@dataclass(frozen=True)
class PointLabel:
    """A label for the point (x, y), in data coordinates."""

    x: float
    y: float
    text: str


def marker_boxes(figure, axis) -> list[Bbox]:
    """The display box of every marker drawn in `axis` (lines with a marker, per point)."""
    scale = figure.dpi / 72.0
    boxes = []
    for line in axis.lines:
        if line.get_marker() in (None, "None", "none", "", " ") or not line.get_visible():
            continue
        half = (line.get_markersize() + line.get_markeredgewidth()) * scale / 2
        xy = line.get_xydata()
        if len(xy) == 0:
            continue
        for x, y in line.get_transform().transform(xy):
            if math.isfinite(x) and math.isfinite(y):
                boxes.append(Bbox.from_extents(x - half, y - half, x + half, y + half))
    return boxes


def _line_paths(axis) -> list[Path]:
    """The drawn line segments of `axis` in display coordinates."""
    paths = []
    for line in axis.lines:
        if line.get_linestyle() in ("None", "none", "", " ") or not line.get_visible():
            continue
        xy = line.get_transform().transform(line.get_xydata())
        for a, b in zip(xy, xy[1:]):
            if all(math.isfinite(v) for v in (*a, *b)):
                paths.append(Path([a, b]))
    return paths


def _alignment(dx: int, dy: int) -> dict:
    return {"ha": "center" if dx == 0 else "left" if dx > 0 else "right",
            "va": "center" if dy == 0 else "bottom" if dy > 0 else "top"}


def _candidates():
    """(rank, offset in points, alignment, radius) around a point, nearest first."""
    rank = 0
    for radius in _RADII:
        for dx, dy in _DIRECTIONS:
            norm = math.hypot(dx, dy)
            yield rank, (dx * radius / norm, dy * radius / norm), _alignment(dx, dy), radius
            rank += 1


def place_point_labels(figure, axis, points: Sequence[PointLabel], **text_style) -> list:
    """Annotates each point with its text where it collides with nothing; returns them.

    Each label takes, among the offsets around its point, the nearest one that keeps it
    inside the axes and off every marker, earlier label and leader line, a data line
    crossed counting as a ring of offsets further out. Labels do not take part in the
    figure's layout, so placing them cannot move the axes they were measured in.
    """
    renderer = renderer_of(figure)
    scene = _Scene(axis.get_window_extent(renderer), marker_boxes(figure, axis),
                   _line_paths(axis))
    labels = []
    for point in points:
        anchor = axis.transData.transform((point.x, point.y))
        probe = axis.annotate(point.text, (point.x, point.y), xytext=(0, 0),
                              textcoords="offset points", ha="left", va="bottom", **text_style)
        size = text_box(probe, renderer)  # measured once: only its place changes below
        probe.remove()
        best = None
        for rank, offset, alignment, radius in _candidates():
            box = _box_at(anchor, offset, alignment, size, figure.dpi / 72.0)
            # Away from its point, a label is joined to it by a leader line.
            leader = (Path([anchor, ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)])
                      if radius >= _LEADER_FROM else None)
            # Crossing a line costs as much as moving one ring further out: the white
            # outline keeps a crossed label legible, a far one is harder to match.
            score = (scene.collisions(box, leader),
                     rank + len(_DIRECTIONS) * scene.crossings(box))
            if best is None or score < best[0]:
                best = (score, offset, alignment, box, leader)
            if score == (0, rank):
                break  # the nearest free spot: nothing later can score lower
        _, offset, alignment, box, leader = best
        arrow = ({"arrowprops": {"arrowstyle": "-", "color": "#555555", "linewidth": 0.7,
                                 "shrinkA": 1, "shrinkB": 7}} if leader is not None else {})
        label = axis.annotate(point.text, (point.x, point.y), xytext=offset,
                              textcoords="offset points", path_effects=HALO, **alignment,
                              **arrow, **text_style)
        label.set_in_layout(False)
        scene.add(box, leader)
        labels.append(label)
    return labels


@dataclass
class _Scene:
    """What a new point label must keep clear of, in display pixels."""

    frame: Bbox
    markers: list[Bbox]
    lines: list[Path]
    labels: list[Bbox] = field(default_factory=list)
    leaders: list[Path] = field(default_factory=list)

    def collisions(self, box: Bbox, leader: Path | None) -> int:
        """Out of the axes, on a marker, a label or a leader, or leading across a label."""
        count = (not _inside(box, self.frame)) + sum(
            _strictly_overlap(box, other) for other in self.labels + self.markers)
        count += sum(path.intersects_bbox(box, filled=False) for path in self.leaders)
        if leader is not None:
            count += sum(leader.intersects_bbox(other, filled=False) for other in self.labels)
        return count

    def crossings(self, box: Bbox) -> int:
        return sum(path.intersects_bbox(box, filled=False) for path in self.lines)

    def add(self, box: Bbox, leader: Path | None) -> None:
        self.labels.append(box.padded(LABEL_GAP_PX))  # side by side, two must not read as one
        if leader is not None:
            self.leaders.append(leader)


_SHIFT = {"left": 0.0, "bottom": 0.0, "center": 0.5, "right": 1.0, "top": 1.0}


def _box_at(anchor, offset: tuple[float, float], alignment: dict, size: Bbox,
            px_per_point: float) -> Bbox:
    """The padded display box of text of `size`, `offset` points from `anchor`, aligned."""
    x = anchor[0] + offset[0] * px_per_point - _SHIFT[alignment["ha"]] * size.width
    y = anchor[1] + offset[1] * px_per_point - _SHIFT[alignment["va"]] * size.height
    return Bbox.from_bounds(x, y, size.width, size.height).padded(GAP_PX / 2)


def text_box(label, renderer) -> Bbox:
    """The display box of an annotation's text alone (its leader line left out)."""
    label.update_positions(renderer)
    return Text.get_window_extent(label, renderer)


def _inside(box: Bbox, frame: Bbox) -> bool:
    return (box.x0 >= frame.x0 and box.x1 <= frame.x1
            and box.y0 >= frame.y0 and box.y1 <= frame.y1)
