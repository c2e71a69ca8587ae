// Draws a deployment as a picture: the operator's AMFs, the CU on its central node, the DU and the RUs
// at their site, with each component's node and health, and the interfaces between them — each link in
// the state the radio reports it (N2 per AMF, F1, the fronthaul per cell) when RANaaS reads the radio.
import { el } from "./svg.js";

const BOX = { w: 180, h: 66 };
const COLUMNS = { amf: 24, cu: 274, du: 524, ru: 774 };
const WIDTH = COLUMNS.ru + BOX.w + 26;
const ROW = 84;

function health(component) {
  if (component === undefined) return { cls: "unknown", label: "no pod yet" };
  if (component.ready) return { cls: "ok", label: "ready" };
  if (component.message || component.restarts > 0)
    return { cls: "bad", label: component.message || `${component.restarts} restarts` };
  return { cls: "pending", label: "starting" };
}

function box(svg, x, y, title, lines, state, testId) {
  const g = el("g", { class: `node ${state?.cls ?? "plain"}`, "data-testid": testId });
  g.append(el("rect", { x, y, width: BOX.w, height: BOX.h, rx: 10 }));
  if (state !== undefined) {
    g.append(el("circle", { cx: x + BOX.w - 16, cy: y + 16, r: 6, class: "dot" }));
    g.append(el("title", {}, `${title}: ${state.label}`));
  }
  g.append(el("text", { x: x + 12, y: y + 22, class: "title" }, title));
  lines.forEach((line, i) => g.append(el("text", { x: x + 12, y: y + 40 + i * 15, class: "sub" }, line)));
  svg.append(g);
}

/**
 * The state of each link as the radio reports it (true: working, false: not, null: not reported), by
 * kind: `cls` colours it, `state` is its data-state and the word drawn under it. Without radio telemetry
 * every link is UNOBSERVED ("unknown", drawn plain).
 */
const LINK_WORDS = { n2: ["connected", "lost"], f1: ["up", "down"], fh: ["active", "inactive"] };
function linkState(kind, working) {
  if (working === true) return { cls: "ok", state: LINK_WORDS[kind][0] };
  if (working === false) return { cls: "bad", state: LINK_WORDS[kind][1] };
  return { cls: "unknown", state: "unknown" };
}
const UNOBSERVED = { cls: "plain", state: "unknown" };

/** A link between two boxes; `status` (from linkState) colours it and names its state in text and title. */
function link(svg, from, to, label, status, testId, what) {
  const x1 = from.x + BOX.w;
  const y1 = from.y + BOX.h / 2;
  const x2 = to.x;
  const y2 = to.y + BOX.h / 2;
  const mid = (x1 + x2) / 2;
  const g = el("g", { class: `link-group ${status.cls}`, "data-testid": testId, "data-state": status.state });
  const observed = status === UNOBSERVED ? "not observed (no radio telemetry)" : status.state;
  g.append(el("title", {}, `${what}: ${observed}`));
  g.append(el("path", { d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`, class: "link" }));
  if (label)
    g.append(
      el("text", { x: mid, y: (y1 + y2) / 2 - 6, class: "link-label", "text-anchor": "middle" }, label),
    );
  if (status !== UNOBSERVED)
    g.append(
      el(
        "text",
        { x: mid, y: (y1 + y2) / 2 + 14, class: "link-state", "text-anchor": "middle" },
        status.state,
      ),
    );
  svg.append(g);
}

function zone(svg, x, y, w, h, label) {
  svg.append(el("rect", { x, y, width: w, height: h, rx: 14, class: "zone" }));
  svg.append(el("text", { x: x + 12, y: y + 18, class: "zone-label" }, label));
}

/** An <svg> of the deployment; `view` is the API's deployment answer (with live status). */
export function topology(view) {
  const plan = view.plan;
  const cells = plan?.cells ?? view.spec.cells.map((c, index) => ({ index, band: c.band }));
  const amfs = view.spec.amf;
  const components = new Map((view.status?.components ?? []).map((c) => [c.name, c]));
  const radio = view.radio;
  const observed = (kind, working) => (radio === undefined ? UNOBSERVED : linkState(kind, working));
  const rows = Math.max(cells.length, amfs.length, 1);
  const height = 60 + rows * ROW;
  const svg = el("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`,
    class: "topology",
    role: "img",
    "aria-label": `topology of ${view.name}`,
  });
  const centre = 40 + ((rows - 1) * ROW) / 2;

  zone(svg, COLUMNS.amf - 12, 8, BOX.w + 24, height - 16, "operator's core");
  zone(svg, COLUMNS.cu - 12, 8, BOX.w + 24, height - 16, "central");
  zone(
    svg,
    COLUMNS.du - 12,
    8,
    COLUMNS.ru - COLUMNS.du + BOX.w + 24,
    height - 16,
    plan ? `site ${plan.site}` : "site (not planned yet)",
  );

  const amfBoxes = amfs.map((amf, i) => {
    const y = 40 + ((rows - amfs.length) * ROW) / 2 + i * ROW;
    box(svg, COLUMNS.amf, y, "AMF", [`${amf.address}:${amf.port ?? 38412}`], undefined, `amf-${i}`);
    return { x: COLUMNS.amf, y };
  });
  const cu = { x: COLUMNS.cu, y: centre };
  const du = { x: COLUMNS.du, y: centre };
  const conn = view.connection;
  box(
    svg,
    cu.x,
    cu.y,
    "CU",
    [plan?.cu.node ?? "—", conn ? `N3 ${conn.n3.address}` : ""],
    health(components.get("cu")),
    "component-cu",
  );
  box(
    svg,
    du.x,
    du.y,
    "DU",
    [plan?.du.node ?? "—", plan ? `gNB ${plan.gnbId}` : ""],
    health(components.get("du")),
    "component-du",
  );
  amfBoxes.forEach((a, i) =>
    link(
      svg,
      a,
      cu,
      "N2",
      observed("n2", radio?.amfs[i]?.connected ?? null),
      `link-n2-${i}`,
      `N2 to AMF ${amfs[i].address}`,
    ),
  );
  link(
    svg,
    cu,
    du,
    "F1",
    observed("f1", { up: true, down: false }[radio?.f1] ?? null),
    "link-f1",
    "F1 between CU and DU",
  );
  if (cells.length > 0)
    svg.append(
      el(
        "text",
        { x: COLUMNS.ru - 34, y: height - 22, class: "link-label", "text-anchor": "middle" },
        "Open FH 7.2",
      ),
    );
  cells.forEach((c, i) => {
    const y = 40 + ((rows - cells.length) * ROW) / 2 + i * ROW;
    const ru = { x: COLUMNS.ru, y };
    const lines =
      c.pci === undefined ? [`n${c.band}`] : [c.ruNode, `PCI ${c.pci} · n${c.band} · ${c.bandwidthMHz} MHz`];
    box(
      svg,
      ru.x,
      ru.y,
      c.ruId ?? `RU ${i}`,
      lines,
      health(components.get(`ru-emulator-${c.index ?? i}`)),
      `component-ru-${i}`,
    );
    const index = c.index ?? i;
    const reported = radio?.cells.find((r) => r.index === index);
    link(
      svg,
      du,
      ru,
      "",
      observed("fh", reported?.active ?? null),
      `link-fh-${i}`,
      `cell ${index}${c.pci === undefined ? "" : ` (PCI ${c.pci})`} between DU and RU`,
    );
  });
  return svg;
}
