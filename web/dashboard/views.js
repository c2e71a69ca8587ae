// The dashboard's pages, built from DOM nodes (text is always set as text, never parsed as HTML).
import { api, ApiError, follow } from "./api.js";
import { bitrate, count, lineChart, percent } from "./charts.js";
import { LEAVING_STATES, STATE } from "./deployment-states.js";
import { topology } from "./topology.js";

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, "");
    else node.setAttribute(k, String(v));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) node.append(child);
  return node;
}

const badge = (state) => h("span", { class: `badge state-${state}`, "data-testid": "state" }, state);

function ago(iso) {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 90 ? `${s}s ago` : s < 5400 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}

function errorBox(err) {
  const problems = err.problem?.problems ?? [];
  return h(
    "div",
    { class: "error", role: "alert", "data-testid": "error" },
    h("strong", {}, err.message),
    problems.length
      ? h(
          "ul",
          {},
          problems.map((p) => h("li", {}, `${p.path}: ${p.message}`)),
        )
      : null,
  );
}

export function toast(text) {
  const t = document.getElementById("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.hidden = true), 2500);
}

function copyButton(text) {
  return h(
    "button",
    {
      type: "button",
      class: "copy",
      title: "copy",
      onclick: async () => {
        await navigator.clipboard?.writeText(text).catch(() => undefined);
        toast(`copied ${text}`);
      },
    },
    "copy",
  );
}

/** The sign-in page: an API key, checked against /v1/me. */
export function loginView(onSignedIn) {
  const input = h("input", {
    id: "api-key",
    type: "password",
    autocomplete: "off",
    placeholder: "rns_…",
    required: true,
    spellcheck: "false",
  });
  const message = h("div");
  const form = h(
    "form",
    {
      class: "card login",
      onsubmit: async (e) => {
        e.preventDefault();
        message.replaceChildren();
        try {
          const me = await api("GET", "/v1/me", undefined, input.value.trim());
          onSignedIn(input.value.trim(), me);
        } catch (err) {
          message.replaceChildren(errorBox(err));
        }
      },
    },
    h("h1", {}, "Sign in"),
    h("p", { class: "muted" }, "Use the API key of your tenant. It stays in this tab only."),
    h("label", { for: "api-key" }, "API key"),
    input,
    message,
    h("button", { type: "submit", class: "primary" }, "Sign in"),
  );
  return form;
}

/** Every deployment the key may see, updated live from /v1/events. */
export function listView() {
  const rows = new Map();
  const tbody = h("tbody");
  const status = h("span", { class: "live muted" }, "connecting…");
  const empty = h(
    "p",
    { class: "muted", hidden: true },
    "No deployments yet. ",
    h("a", { href: "#/new" }, "Create one."),
  );
  const render = (d) => {
    const tr = h(
      "tr",
      { "data-id": d.id, "data-testid": `row-${d.name}` },
      h("td", {}, h("a", { href: `#/deployments/${d.id}` }, d.name)),
      h("td", {}, badge(d.state)),
      h("td", {}, d.plan?.site ?? "—"),
      h("td", { class: "num" }, String(d.spec.cells.length)),
      h("td", { class: "num" }, d.plan ? String(d.plan.gnbId) : "—"),
      h("td", { class: "muted" }, ago(d.updatedAt)),
    );
    const old = rows.get(d.id);
    if (old) old.replaceWith(tr);
    else tbody.prepend(tr);
    rows.set(d.id, tr);
    empty.hidden = rows.size > 0;
  };
  const page = h(
    "section",
    {},
    h(
      "div",
      { class: "heading" },
      h("h1", {}, "Deployments"),
      status,
      h("a", { class: "button primary", href: "#/new" }, "New deployment"),
    ),
    h(
      "table",
      { class: "grid", "data-testid": "deployments" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Name", "State", "Site", "Cells", "gNB ID", "Updated"].map((c) => h("th", {}, c)),
        ),
      ),
      tbody,
    ),
    empty,
  );
  const since = new Date().toISOString(); // the stream also sends what changes while the list loads
  (async () => {
    try {
      let next = "/v1/ran-deployments?limit=500";
      const all = [];
      while (next) {
        const pageData = await api("GET", next);
        all.push(...pageData.items);
        next = pageData.next;
      }
      all.filter((d) => d.state !== STATE.deleted).forEach(render);
      empty.hidden = rows.size > 0;
    } catch (err) {
      page.append(errorBox(err));
    }
  })();
  const stream = follow(
    `/v1/events?since=${encodeURIComponent(since)}`,
    (event, d) => {
      if (event !== "deployment") return;
      if (d.state === STATE.deleted) {
        rows.get(d.id)?.remove();
        rows.delete(d.id);
        empty.hidden = rows.size > 0;
      } else render(d);
    },
    (s) => (status.textContent = s === "live" ? "● live" : s),
  );
  return { node: page, stop: stream.stop };
}

/** The charts drawn for each cell: which KPIs (name, legend, colour class), on what axis. */
const KPI_CHARTS = [
  {
    id: "bitrate",
    title: "Bitrate",
    series: [
      ["dlBitrate", "DL", "dl"],
      ["ulBitrate", "UL", "ul"],
    ],
    format: bitrate,
  },
  {
    id: "prb",
    title: "PRB usage",
    series: [
      ["dlPrbUsage", "DL", "dl"],
      ["ulPrbUsage", "UL", "ul"],
    ],
    max: 1,
    format: percent,
  },
  { id: "ues", title: "UEs", series: [["ues", "UEs", "dl"]], format: count },
  { id: "late", title: "UL packets late", series: [["ulLate", "late", "late"]], max: 1, format: percent },
];
const KPI_WINDOW_SECONDS = 900;
const KPI_REFRESH_MS = 10_000;

/** Each cell's charts from a /kpis answer; `now` (ms) ends the window. */
function kpiCharts(kpis, now) {
  if (kpis.cells.length === 0)
    return [h("p", { class: "muted" }, "No KPIs: RANaaS observes no radio for this deployment (yet).")];
  const bucketMs = kpis.bucketSeconds * 1000;
  const buckets = kpis.buckets.map((b) => ({ at: Date.parse(b.at), cells: b.cells }));
  const to = Math.max(now, (buckets.at(-1)?.at ?? 0) + bucketMs);
  const from = to - KPI_WINDOW_SECONDS * 1000;
  return kpis.cells.map((cell, i) => {
    const figures = KPI_CHARTS.map((chart) => {
      const series = chart.series.map(([name, legend, cls]) => ({
        name,
        legend,
        cls,
        points: buckets.map((b) => [b.at + bucketMs / 2, b.cells[i]?.[name]]),
      }));
      const latest = (s) => s.points.findLast(([, v]) => v !== undefined)?.[1];
      return h(
        "figure",
        { class: "chart", "data-testid": `chart-${cell.index}-${chart.id}` },
        h(
          "figcaption",
          {},
          h("strong", {}, chart.title),
          h(
            "span",
            { class: "legend" },
            series.map((s) =>
              h(
                "span",
                { class: s.cls },
                `${s.legend} ${latest(s) === undefined ? "—" : chart.format(latest(s))}`,
              ),
            ),
          ),
        ),
        lineChart(series, {
          from,
          to,
          max: chart.max,
          format: chart.format,
          label: `${chart.title} of cell ${cell.index} over the last ${KPI_WINDOW_SECONDS / 60} minutes`,
        }),
      );
    });
    return h(
      "div",
      { class: "kpi-cell", "data-testid": `kpi-cell-${cell.index}` },
      h("h3", {}, `Cell ${cell.index} · PCI ${cell.pci}`),
      h("div", { class: "charts" }, figures),
    );
  });
}

/** The radio's KPIs per cell over the last 15 minutes, fetched again every 10 s while the page is open. */
function kpiPanel(id) {
  const content = h("div", {}, h("p", { class: "muted" }, "loading…"));
  const updated = h("span", { class: "live muted" });
  const node = h(
    "div",
    { class: "card", "data-testid": "kpis" },
    h("div", { class: "heading" }, h("h2", {}, "Radio KPIs per cell (last 15 minutes)"), updated),
    content,
  );
  let timer;
  let stopped = false;
  const refresh = async () => {
    try {
      const kpis = await api("GET", `/v1/ran-deployments/${id}/kpis?windowSeconds=${KPI_WINDOW_SECONDS}`);
      if (stopped) return;
      content.replaceChildren(...kpiCharts(kpis, Date.now()));
      updated.textContent = `updated ${new Date().toLocaleTimeString()}`;
    } catch (err) {
      if (stopped) return;
      updated.textContent = `not updated: ${err.message}`;
    }
    timer = setTimeout(refresh, KPI_REFRESH_MS);
  };
  void refresh();
  return {
    node,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** One deployment: topology (with the radio's link states), KPI charts, connection details, identities and components, updated live. */
export function detailView(id, onDeleted) {
  const body = h("div", {}, h("p", { class: "muted" }, "loading…"));
  const live = h("span", { class: "live muted" }, "connecting…");
  const page = h("section", {}, body);
  const kpis = kpiPanel(id); // made once: its node moves into each new rendering of the page
  let current;
  const render = (d) => {
    current = d;
    const conn = d.connection;
    const plan = d.plan;
    const del = h(
      "button",
      {
        type: "button",
        class: "danger",
        "data-testid": "delete",
        disabled: LEAVING_STATES.includes(d.state),
        onclick: async () => {
          if (!confirm(`Delete ${d.name}? Its cells go off air and its RUs are released.`)) return;
          try {
            await api("DELETE", `/v1/ran-deployments/${d.id}`);
            toast(`deleting ${d.name}`);
          } catch (err) {
            body.prepend(errorBox(err));
          }
        },
      },
      "Delete",
    );
    // h() drops the null parts (replaceChildren would print them as "null").
    body.replaceChildren(
      h(
        "div",
        {},
        h("div", { class: "heading" }, h("h1", {}, d.name), badge(d.state), live, del),
        d.reason ? h("div", { class: "error" }, d.reason) : null,
        h(
          "p",
          { class: "muted mono" },
          `${d.id} · revision ${d.revision} · PLMN ${d.spec.plmn} · TAC ${d.spec.tac}`,
        ),
        h("div", { class: "card" }, h("h2", {}, "Topology"), topology(d)),
        kpis.node,
        h(
          "div",
          { class: "columns" },
          h(
            "div",
            { class: "card", "data-testid": "connection" },
            h("h2", {}, "Connection details"),
            conn
              ? h(
                  "dl",
                  { class: "kv" },
                  h("dt", {}, "N2 source (allow on the AMF)"),
                  h("dd", {}, h("code", {}, conn.n2.sourceAddress), copyButton(conn.n2.sourceAddress)),
                  ...(conn.n2.amfSeesOutsideCluster
                    ? [
                        h("dt", {}, "N2 source seen outside the cluster (SNAT)"),
                        h("dd", {}, h("code", {}, conn.n2.amfSeesOutsideCluster)),
                      ]
                    : []),
                  h("dt", {}, "Core network"),
                  h("dd", {}, conn.network === "backhaul" ? "backhaul network" : "pod network"),
                  h("dt", {}, "AMFs"),
                  h("dd", {}, conn.n2.amf.map((a) => `${a.address}:${a.port}`).join(", ")),
                  h("dt", {}, `N3 address (${conn.n3.serviceType})`),
                  h(
                    "dd",
                    {},
                    h("code", {}, `${conn.n3.address}:${conn.n3.port}`),
                    copyButton(`${conn.n3.address}:${conn.n3.port}`),
                  ),
                  h("dt", {}, "gNB ID"),
                  h("dd", {}, h("code", {}, `${conn.gnbId}`), ` (${conn.gnbIdBits} bits)`),
                )
              : h("p", { class: "muted" }, "Available once the deployment is ready."),
          ),
          h(
            "div",
            { class: "card" },
            h("h2", {}, "Components"),
            h(
              "table",
              { class: "grid", "data-testid": "components" },
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  ["Component", "Ready", "Node", "Restarts", ""].map((c) => h("th", {}, c)),
                ),
              ),
              h(
                "tbody",
                {},
                (d.status?.components ?? []).map((c) =>
                  h(
                    "tr",
                    {},
                    h("td", {}, c.name),
                    h(
                      "td",
                      {},
                      h("span", { class: `dot-inline ${c.ready ? "ok" : "pending"}` }),
                      c.ready ? "yes" : "no",
                    ),
                    h("td", {}, c.node ?? "—"),
                    h("td", { class: "num" }, String(c.restarts)),
                    h("td", { class: "muted" }, c.message ?? ""),
                  ),
                ),
              ),
            ),
            d.status?.stale
              ? h("p", { class: "muted" }, "Live status is stale: ", d.status.message ?? "")
              : null,
          ),
        ),
        h(
          "div",
          { class: "card" },
          h("h2", {}, "Cells and identities"),
          plan
            ? h(
                "table",
                { class: "grid mono", "data-testid": "identities" },
                h(
                  "thead",
                  {},
                  h(
                    "tr",
                    {},
                    ["Cell", "Band", "MHz", "DL ARFCN", "PCI", "NCI", "NR-CGI", "RU"].map((c) =>
                      h("th", {}, c),
                    ),
                  ),
                ),
                h(
                  "tbody",
                  {},
                  plan.cells.map((c) =>
                    h(
                      "tr",
                      {},
                      h("td", {}, String(c.index)),
                      h("td", {}, `n${c.band} ${c.duplex}`),
                      h("td", { class: "num" }, String(c.bandwidthMHz)),
                      h("td", { class: "num" }, String(c.dlArfcn)),
                      h("td", { class: "num" }, String(c.pci)),
                      h("td", {}, c.nci),
                      h("td", {}, c.nrCgi),
                      h("td", {}, `${c.ruId} @ ${c.ruNode}`),
                    ),
                  ),
                ),
              )
            : h("p", { class: "muted" }, "Not planned yet."),
        ),
      ),
    );
    if (d.state === STATE.deleted) onDeleted(d);
  };
  const stream = follow(
    `/v1/ran-deployments/${id}/events`,
    (event, d) => {
      if (event === "deployment") render(d);
    },
    (s) => (live.textContent = s === "live" ? "● live" : s),
  );
  api("GET", `/v1/ran-deployments/${id}`)
    .then((d) => current ?? render(d))
    .catch((err) => body.replaceChildren(errorBox(err)));
  return {
    node: page,
    stop: () => {
      stream.stop();
      kpis.stop();
    },
  };
}

/** Fields of the create form and the JSON pointers of the request they fill. */
const FIELD_OF = [
  [/^\/name/, "name"],
  [/^\/plmn/, "plmn"],
  [/^\/tac/, "tac"],
  [/^\/amf/, "amf"],
  [/^\/slices/, "slices"],
  [/^\/cells\/\d+\/band(?!width)/, "band"],
  [/^\/cells\/\d+\/bandwidthMHz/, "bandwidth"],
  [/^\/cells/, "cells"],
  [/^\/site/, "site"],
  [/^\/n3ServiceType/, "n3"],
];

/** The create form: the API validates, and its messages appear next to the fields they name. */
export function createView(onCreated, sites) {
  const field = (name, label, input, hint) =>
    h(
      "div",
      { class: "field", "data-field": name },
      h("label", { for: `f-${name}` }, label),
      input,
      hint ? h("small", { class: "muted" }, hint) : null,
      h("div", { class: "field-error", "data-testid": `error-${name}` }),
    );
  const input = (name, attrs = {}) => h("input", { id: `f-${name}`, name, ...attrs });
  const siteSelect = h(
    "select",
    { id: "f-site", name: "site" },
    h("option", { value: "" }, "any site"),
    sites.map((s) => h("option", { value: s }, s)),
  );
  const n3Select = h(
    "select",
    { id: "f-n3", name: "n3" },
    ["ClusterIP", "NodePort", "LoadBalancer"].map((t) => h("option", { value: t }, t)),
  );
  const general = h("div");
  const form = h(
    "form",
    { class: "card form", novalidate: true },
    h("h1", {}, "New deployment"),
    h(
      "div",
      { class: "grid-2" },
      field(
        "name",
        "Name",
        input("name", { placeholder: "campus", autocomplete: "off" }),
        "lower-case letters, digits and '-'",
      ),
      field("plmn", "PLMN (MCC+MNC)", input("plmn", { placeholder: "00101", inputmode: "numeric" })),
      field("tac", "TAC", input("tac", { placeholder: "7", inputmode: "numeric" })),
      field(
        "amf",
        "AMF address",
        input("amf", { placeholder: "10.0.0.5 or 10.0.0.5:38412" }),
        "the AMF that serves this PLMN",
      ),
      field("slices", "Slices (SST[:SD])", input("slices", { value: "1" }), "e.g. 1, 1:0000AB"),
      field("cells", "Cells", input("cells", { type: "number", min: 1, max: 16, value: 1 })),
      field(
        "band",
        "Band",
        input("band", { placeholder: "78", inputmode: "numeric", value: "78" }),
        "NR band, e.g. 78 (n78)",
      ),
      field("bandwidth", "Bandwidth (MHz)", input("bandwidth", { inputmode: "numeric", value: "20" })),
      field("site", "Site", siteSelect),
      field("n3", "N3 service", n3Select),
    ),
    general,
    h(
      "div",
      { class: "actions" },
      h("a", { href: "#/deployments", class: "button" }, "Cancel"),
      h("button", { type: "submit", class: "primary" }, "Create"),
    ),
  );
  const value = (name) => form.elements[name].value.trim();
  const number = (text) => (text === "" ? undefined : /^-?\d+$/.test(text) ? Number(text) : text);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    for (const el of form.querySelectorAll(".field-error")) el.textContent = "";
    for (const el of form.querySelectorAll(".field")) el.classList.remove("invalid");
    general.replaceChildren();
    const count = Number(value("cells")) || 1;
    const cell = { band: number(value("band")), bandwidthMHz: number(value("bandwidth")) };
    const spec = {
      name: value("name"),
      plmn: value("plmn"),
      tac: number(value("tac")),
      amf: value("amf")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
        .map((a) => {
          const m = /^(.+):(\d+)$/.exec(a);
          return m ? { address: m[1], port: Number(m[2]) } : { address: a };
        }),
      slices: value("slices")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => {
          const [sst, sd] = s.split(":");
          return sd === undefined ? { sst: number(sst) } : { sst: number(sst), sd };
        }),
      cells: Array.from({ length: count }, () => ({ ...cell })),
      n3ServiceType: value("n3"),
      ...(value("site") ? { site: value("site") } : {}),
    };
    for (const k of ["name", "plmn"]) if (spec[k] === "") delete spec[k];
    if (spec.tac === undefined) delete spec.tac;
    try {
      const created = await api("POST", "/v1/ran-deployments", spec);
      onCreated(created);
    } catch (err) {
      const unplaced = [];
      for (const p of err.problem?.problems ?? []) {
        const name = FIELD_OF.find(([re]) => re.test(p.path))?.[1];
        const slot = name && form.querySelector(`[data-field="${name}"]`);
        if (slot) {
          slot.classList.add("invalid");
          const msg = slot.querySelector(".field-error");
          msg.textContent = msg.textContent ? `${msg.textContent}; ${p.message}` : p.message;
        } else unplaced.push(p);
      }
      general.replaceChildren(errorBox(new ApiError({ ...err.problem, problems: unplaced })));
    }
  });
  return { node: form, stop: () => {} };
}

/** Capacity per site; admins also see the RU pool and who holds each RU. */
export function capacityView(me) {
  const page = h("section", {}, h("div", { class: "heading" }, h("h1", {}, "Capacity")));
  const gib = (mib) => `${Math.round(mib / 1024)} GiB`;
  const cpu = (m) => `${(m / 1000).toFixed(1)} CPU`;
  (async () => {
    try {
      const cap = await api("GET", "/v1/capacity");
      const cards = cap.sites.map((s) => {
        const total = s.freeRus;
        return h(
          "div",
          { class: "card site", "data-testid": `site-${s.site}` },
          h("h2", {}, s.site),
          h("div", { class: "metric" }, h("span", { class: "big" }, String(total)), " free RUs"),
          h(
            "div",
            { class: "muted" },
            `${s.edge.nodes} edge nodes · ${cpu(s.edge.free.cpuMillis)} · ${gib(s.edge.free.memoryMiB)} free`,
          ),
          h(
            "div",
            { class: "bands" },
            s.bands.map((b) =>
              h(
                "span",
                { class: "chip", title: `up to ${b.maxBandwidthMHz} MHz` },
                `n${b.band} × ${b.freeRus}`,
              ),
            ),
          ),
        );
      });
      page.append(
        h(
          "div",
          { class: "sites" },
          cards,
          h(
            "div",
            { class: "card site" },
            h("h2", {}, "central"),
            h("div", { class: "metric" }, h("span", { class: "big" }, String(cap.central.nodes)), " nodes"),
            h(
              "div",
              { class: "muted" },
              `${cpu(cap.central.free.cpuMillis)} · ${gib(cap.central.free.memoryMiB)} free`,
            ),
          ),
        ),
      );
      if (cap.quota) {
        const r = cap.quota.remaining;
        const show = (v) => (v === null ? "unlimited" : String(v));
        page.append(
          h(
            "div",
            { class: "card" },
            h("h2", {}, "Your quota"),
            h(
              "p",
              {},
              `Left: ${show(r.deployments)} deployments, ${show(r.cells)} cells, ${r.cpuMillis === null ? "unlimited" : cpu(r.cpuMillis)}`,
            ),
          ),
        );
      }
      if (me.role === "admin") {
        const { items } = await api("GET", "/v1/rus");
        page.append(
          h(
            "div",
            { class: "card" },
            h("h2", {}, `RU pool (${items.length})`),
            h(
              "table",
              { class: "grid mono", "data-testid": "rus" },
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  ["RU", "Site", "Node", "Bands", "Max MHz", "Held by"].map((c) => h("th", {}, c)),
                ),
              ),
              h(
                "tbody",
                {},
                items.map((ru) =>
                  h(
                    "tr",
                    {},
                    h("td", {}, ru.id),
                    h("td", {}, ru.site),
                    h("td", {}, ru.node),
                    h("td", {}, ru.bands.map((b) => `n${b}`).join(" ")),
                    h("td", { class: "num" }, String(ru.maxBandwidthMHz)),
                    h(
                      "td",
                      {},
                      ru.allocatedTo
                        ? h("a", { href: `#/deployments/${ru.allocatedTo}` }, ru.allocatedTo.slice(-12))
                        : "free",
                    ),
                  ),
                ),
              ),
            ),
          ),
        );
      }
    } catch (err) {
      page.append(errorBox(err));
    }
  })();
  return { node: page, stop: () => {} };
}
