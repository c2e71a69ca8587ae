// Small line charts in plain SVG for the radio's KPIs: time along x (a window up to now), one path per
// series with a point per bucket that reported the figure; a bucket without one breaks the line.
import { el } from "./svg.js";

const SIZE = { w: 240, h: 100 };
const PAD = { left: 52, right: 6, top: 6, bottom: 16 };

/** Rounds a maximum up to 1, 2 or 5 × 10ⁿ, so the axis reads well (1 when there is nothing to show). */
export function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((m) => m >= value);
}

/** "1.25 Mbit/s", "180 kbit/s". */
export function bitrate(bps) {
  const units = ["bit/s", "kbit/s", "Mbit/s", "Gbit/s"];
  let value = bps;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${Number(value.toPrecision(3))} ${units[unit]}`;
}

/** A share (0–1) as "12.5%". */
export const percent = (share) => `${Number((share * 100).toFixed(1))}%`;

/** A count or mean (UEs) as "3" or "2.5". */
export const count = (value) => String(Number(value.toFixed(1)));

/** Each unbroken run of points, as [x, y] pairs. */
function runs(points) {
  const all = [[]];
  for (const [at, value] of points) {
    if (value === undefined) {
      if (all.at(-1).length > 0) all.push([]);
    } else all.at(-1).push([at, value]);
  }
  return all.filter((run) => run.length > 0);
}

/**
 * An <svg> line chart. `series`: [{ name, cls, points: [[atMs, value or undefined], …] }], oldest first;
 * `from`/`to`: the window (ms); `max`: the y axis' top (default: from the data); `format`: a value as text.
 */
export function lineChart(series, { from, to, max, format, label }) {
  const values = series.flatMap((s) => s.points.map(([, v]) => v ?? 0));
  const top = max ?? niceMax(Math.max(0, ...values));
  const plot = {
    x: PAD.left,
    y: PAD.top,
    w: SIZE.w - PAD.left - PAD.right,
    h: SIZE.h - PAD.top - PAD.bottom,
  };
  const x = (at) => (plot.x + ((at - from) / (to - from)) * plot.w).toFixed(1);
  const y = (v) => (plot.y + plot.h - (Math.max(0, Math.min(v, top)) / top) * plot.h).toFixed(1);
  const svg = el("svg", {
    viewBox: `0 0 ${SIZE.w} ${SIZE.h}`,
    class: "chart-plot",
    role: "img",
    "aria-label": label,
  });
  svg.append(el("rect", { x: plot.x, y: plot.y, width: plot.w, height: plot.h, class: "frame" }));
  const middle = plot.y + plot.h / 2;
  svg.append(el("line", { x1: plot.x, x2: plot.x + plot.w, y1: middle, y2: middle, class: "grid-line" }));
  const axis = (tx, ty, text, anchor) =>
    svg.append(el("text", { x: tx, y: ty, class: "axis", "text-anchor": anchor }, text));
  axis(plot.x - 4, plot.y + 8, format(top), "end");
  axis(plot.x - 4, plot.y + plot.h, format(0), "end");
  axis(plot.x, SIZE.h - 3, `−${Math.round((to - from) / 60_000)} min`, "start");
  axis(plot.x + plot.w, SIZE.h - 3, "now", "end");
  for (const s of series) {
    const parts = runs(s.points).map((run) => {
      const [first, ...rest] = run;
      const start = `M${x(first[0])},${y(first[1])}`;
      // A lone point is a dot: a line too short to see, with round caps.
      return rest.length === 0
        ? `${start} h0.01`
        : `${start} ${rest.map(([a, v]) => `L${x(a)},${y(v)}`).join(" ")}`;
    });
    const points = s.points.filter(([, v]) => v !== undefined).length;
    svg.append(
      el("path", {
        d: parts.join(" "),
        class: `series ${s.cls}`,
        "data-series": s.name,
        "data-points": points,
      }),
    );
  }
  return svg;
}
