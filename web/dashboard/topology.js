// Draws a deployment as a picture: the operator's AMFs, the CU on its central node, the DU and the RUs
// at their site, with each component's node and health, and the interfaces between them.
const NS = "http://www.w3.org/2000/svg";
const BOX = { w: 180, h: 66 };
const COLUMNS = { amf: 24, cu: 254, du: 484, ru: 714 };
const ROW = 84;

function el(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

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

function link(svg, from, to, label) {
  const x1 = from.x + BOX.w;
  const y1 = from.y + BOX.h / 2;
  const x2 = to.x;
  const y2 = to.y + BOX.h / 2;
  const mid = (x1 + x2) / 2;
  svg.append(el("path", { d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`, class: "link" }));
  if (label)
    svg.append(
      el("text", { x: mid, y: (y1 + y2) / 2 - 6, class: "link-label", "text-anchor": "middle" }, label),
    );
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
  const rows = Math.max(cells.length, amfs.length, 1);
  const height = 60 + rows * ROW;
  const svg = el("svg", {
    viewBox: `0 0 920 ${height}`,
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
  for (const a of amfBoxes) link(svg, a, cu, "N2");
  link(svg, cu, du, "F1");
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
    link(svg, du, ru, "");
  });
  return svg;
}
