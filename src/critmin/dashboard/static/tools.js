// critmin dashboard, shared tools: country colours, sources, CSV/PNG downloads and the
// dataset-version picker. A classic script loaded before app.js: its functions use app.js's
// helpers ($, el, api, state) when they are called, never while this file loads.
"use strict";

// -- country colours ---------------------------------------------------------------------------
/** The server's colour map (GET /dashboard/atlas/views "colours"; critmin.charts.colours):
 * the same rule as the server's charts, so a country has one colour in every chart. */
const COLOURS = { fixed: { CHN: "#c0392b" }, palette: ["#999999"], unknown: "#999999" };

function setColours(map) {
  if (map && map.fixed && map.palette) Object.assign(COLOURS, map);
}

function countryColour(iso) {
  if (!iso) return COLOURS.unknown;
  if (COLOURS.fixed[iso]) return COLOURS.fixed[iso];
  let sum = 0;
  for (const ch of iso) sum += ch.charCodeAt(0);
  return COLOURS.palette[sum % COLOURS.palette.length];
}

// -- sources -----------------------------------------------------------------------------------
/** The sources of the dataset version shown (GET /dashboard/atlas/sources), indexed. */
const SOURCES = { version: null, byId: {}, cited: {} };

async function loadSources() {
  const body = await api(withVersion("/dashboard/atlas/sources"));
  SOURCES.version = body.version;
  SOURCES.byId = Object.fromEntries(body.sources.map((s) => [s.id, s]));
  SOURCES.cited = {};
  for (const c of body.cited) {
    const key = `${c.product}|${c.country}`;
    (SOURCES.cited[key] = SOURCES.cited[key] || new Set()).add(c.source);
  }
  return SOURCES;
}

/** Source ids cited for a product and country (any table), sorted. */
function sourcesOf(product, country) {
  return [...(SOURCES.cited[`${product}|${country}`] || [])].sort();
}

/** The quality sources.csv gives a source: primary, secondary, weak, assumption or "". */
function sourceQuality(id) {
  if (id === "assumption") return "assumption";
  const s = SOURCES.byId[id];
  return (s && s.quality) || "";
}

function sourceTitle(id) {
  const s = SOURCES.byId[id];
  if (!s) return id === "assumption" ? "assumption: see the row's note in the dataset" : id;
  const quality = sourceQuality(id);
  const flag = quality === "weak" ? "weak source (aggregator, blog or mirror): check before citing"
    : quality ? `${quality} source` : "";
  return [flag, s.publication, [s.publisher, s.year].filter(Boolean).join(", "), s.table, s.url]
    .filter(Boolean).join(" · ");
}

/** A table cell's content: each source id, a link to its URL, its publication on hover. */
function sourceCell(ids) {
  if (!ids || !ids.length) return el("span", { class: "empty" }, "none cited");
  const span = el("span", { class: "sources" });
  ids.forEach((id, i) => {
    if (i) span.append("; ");
    const s = SOURCES.byId[id];
    const node = s && s.url ? el("a", { href: s.url, target: "_blank", rel: "noopener" }, id)
      : el("span", {}, id);
    node.title = sourceTitle(id);
    node.classList.add("source");
    if (id === "assumption") node.classList.add("assumption");
    const quality = sourceQuality(id);
    if (quality) node.classList.add(`q-${quality}`);
    span.append(node);
    if (quality === "weak") span.append(el("sup", { class: "weak-flag", title: node.title }, "weak"));
  });
  return span;
}

// -- downloads ---------------------------------------------------------------------------------
function csvCell(v) {
  const t = v === null || v === undefined ? "" : Array.isArray(v) ? v.join("; ")
    : typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\n;]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

function toCsv(header, rows) {
  return `${[header, ...rows].map((r) => r.map(csvCell).join(",")).join("\n")}\n`;
}

function saveText(text, filename, type = "text/csv") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const slug = (text) => String(text || "table").toLowerCase().replace(/[^a-z0-9]+/g, "-")
  .replace(/^-|-$/g, "").slice(0, 60) || "table";

/** The toolbar before a table or chart (made once per container). */
function toolbar(container) {
  let bar = container.previousElementSibling;
  if (!bar || !bar.classList.contains("downloads")) {
    bar = el("div", { class: "downloads" });
    container.before(bar);
  }
  return bar;
}

/** A "CSV" button before a table container: the rows as shown (raw values, not formatted). */
function tableDownload(container, rows, columns) {
  const bar = toolbar(container);
  bar.replaceChildren();
  if (!rows || !rows.length) return;
  const button = el("button", { type: "button", class: "csv" }, "CSV");
  button.title = "Download this table as CSV";
  button.addEventListener("click", () => {
    const keys = columns.map((c) => c[0]);
    const name = `${slug(container.id)}${state.version ? `-v${state.version}` : ""}.csv`;
    saveText(toCsv(keys, rows.map((r) => keys.map((k) => (r[k] instanceof Node
      ? r[k].textContent : r[k])))), name);
  });
  bar.append(button);
}

/** The data of a drawn Plotly chart as rows: trace, then the trace's point arrays. */
function plotRows(node) {
  const fields = ["x", "y", "z", "locations", "text", "value", "label", "customdata"];
  const header = ["trace", ...fields];
  const rows = [];
  for (const t of node.data || []) {
    const link = t.type === "sankey" ? t.link : null;
    if (link) {
      const labels = (t.node && t.node.label) || [];
      for (let i = 0; i < (link.value || []).length; i += 1) {
        rows.push([t.type, labels[link.source[i]], labels[link.target[i]], "", "", "",
          link.value[i], "", link.customdata ? link.customdata[i] : ""]);
      }
      continue;
    }
    const n = Math.max(0, ...fields.map((f) => (Array.isArray(t[f]) ? t[f].length : 0)));
    for (let i = 0; i < n; i += 1) {
      rows.push([t.name || t.type, ...fields.map((f) => (Array.isArray(t[f]) ? t[f][i] : ""))]);
    }
  }
  return { header, rows };
}

/** "PNG" and "CSV" buttons before a chart. */
function plotDownloads(node) {
  const bar = toolbar(node);
  if (bar.dataset.plot) return;
  bar.dataset.plot = "1";
  const png = el("button", { type: "button", class: "png" }, "PNG");
  png.title = "Download this chart as PNG";
  png.addEventListener("click", () => Plotly.downloadImage(node, {
    format: "png", filename: slug(node.id), width: node.clientWidth || 1000,
    height: node.clientHeight || 500,
  }));
  const csv = el("button", { type: "button", class: "csv" }, "CSV");
  csv.title = "Download the chart's data as CSV";
  csv.addEventListener("click", () => {
    const { header, rows } = plotRows(node);
    saveText(toCsv(header, rows), `${slug(node.id)}.csv`);
  });
  bar.append(png, csv);
}

// -- dataset versions --------------------------------------------------------------------------
/** Paths whose answer depends on the dataset version (the picker's choice goes with them). */
const VERSIONED = ["/metrics", "/dashboard/atlas/", "/projects"];

function withVersion(path) {
  if (!state.version || !VERSIONED.some((p) => path.startsWith(p))) return path;
  return `${path}${path.includes("?") ? "&" : "?"}version=${state.version}`;
}

/** The versions the caller may see (GET /datasets lists only those) in the header picker. */
async function loadVersions() {
  const versions = await api("/datasets");
  const select = $("version");
  const dflt = versions.find((v) => v.default) || versions[versions.length - 1];
  select.replaceChildren(...versions.slice().reverse().map((v) => el("option",
    { value: String(v.version) }, `v${v.version} ${v.name || ""}${v.default ? " (default)" : ""}`
      + (v.confidential_to ? ` · ${v.confidential_to} only` : ""))));
  const keep = versions.some((v) => v.version === state.version);
  if (!keep) state.version = dflt ? dflt.version : null;
  if (state.version) select.value = String(state.version);
  $("version-box").hidden = !versions.length;
  return versions;
}
