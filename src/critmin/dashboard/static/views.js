// critmin dashboard, the atlas's analyst views: chokepoints, supply risk, element supply and
// the map of projects of interest, every row with its sources. A classic script loaded
// before app.js (it uses app.js's helpers when called).
"use strict";

const citeIds = (ids) => sourceCell([...new Set(ids || [])].sort());

/** Chokepoint, supply-risk and element tables from the atlas's /metrics answer. */
function renderAtlasViews(m) {
  renderTable($("ck-chokepoints"), (m.chokepoints || []).map((r) => ({ ...r,
    sources: citeIds(sourcesOf(r.product, r.country)) })), [
    ["mineral", "mineral"], ["product", "product"], ["stage", "stage"],
    ["country", "country"], ["share", "share of world output", fmt.pct, true],
    ["hhi", "HHI", fmt.t, true], ["year", "year"], ["sources", "sources"],
  ], "No product has one country above the threshold.");
  const risks = (m.supply_risk || []).slice().sort((a, b) => (b.supply_risk ?? -1)
    - (a.supply_risk ?? -1));
  renderTable($("ck-risk"), risks.map((r) => ({ ...r,
    critical_text: r.critical ? "yes" : r.critical === false ? "no" : "—",
    notes_text: (r.notes || []).join("; ") })), [
    ["entity", "for"], ["mineral", "mineral"], ["product", "product"],
    ["stage", "stage"], ["supply_risk", "EU-JRC supply risk", fmt.t, true],
    ["critical_text", "above 1"], ["import_reliance", "import reliance", fmt.pct, true],
    ["eol_rir", "EoL-RIR", fmt.pct, true], ["substitution_index", "SI", fmt.t, true],
    ["notes_text", "what it rests on"],
  ], "No supply-risk figures.");
  renderTable($("ck-elements"), (m.elements || []).map((r) => ({ ...r,
    sources: citeIds(r.sources) })), [
    ["element", "element"], ["product", "product"], ["stage", "stage"],
    ["total_t", "t (basis of the product)", fmt.t, true],
    ["top1_country", "largest supplier"], ["top1_share", "its share", fmt.pct, true],
    ["top3_share", "top 3", fmt.pct, true], ["hhi", "HHI", fmt.t, true],
    ["sources", "sources"],
  ], "No element composition data.");
}

/** Projects of interest (GET /projects: those the key may see) on a map and in a table. */
async function drawProjects() {
  const projects = await api("/projects");
  const mineral = $("atlas-mineral").value;
  const chain = new Set(mineral && state.views ? state.views.products
    .filter((p) => p.mineral === mineral).map((p) => p.id) : []);
  const rows = mineral ? projects.filter((p) => chain.has(p.product)) : projects;
  renderTable($("atlas-projects-table"), rows.map((p) => ({ ...p,
    sources: citeIds([p.source]) })), [
    ["id", "id"], ["name", "project"], ["country", "country"], ["product", "product"],
    ["capacity_t", "capacity t/yr", fmt.t, true], ["basis", "basis"],
    ["capex_musd", "capex M USD", fmt.musd, true], ["capex_year", "USD of"],
    ["earliest_start", "start"], ["status", "status"], ["sources", "sources"],
  ], "No project of interest in this dataset version.");
  await drawProjectTimeline(rows);
  const byCountry = {};
  for (const p of rows) {
    const c = (byCountry[p.country] = byCountry[p.country] || { n: 0, names: [], capex: 0 });
    c.n += 1;
    c.names.push(`${p.name} (${p.product}, ${fmt.t(p.capacity_t)} t/yr)`);
    c.capex += Number(p.capex_musd) || 0;
  }
  const countries = Object.keys(byCountry).sort();
  const node = $("atlas-projects");
  if (!countries.length) {
    Plotly.purge(node);
    node.replaceChildren(el("p", { class: "empty" }, "No project to map."));
    return;
  }
  node.replaceChildren();
  await draw(node, [{
    type: "scattergeo", locationmode: "ISO-3", locations: countries,
    text: countries.map((c) => byCountry[c].names.join("<br>")),
    customdata: countries.map((c) => [byCountry[c].n, byCountry[c].capex]),
    marker: { size: countries.map((c) => 10 + 6 * Math.sqrt(byCountry[c].n)),
      color: countries.map(countryColour), line: { color: "#333", width: 0.8 }, opacity: 0.85 },
    hovertemplate: "%{location}: %{customdata[0]} project(s), capex %{customdata[1]:,.0f} M USD"
      + "<br>%{text}<extra></extra>",
  }], {
    title: { text: "Projects of interest by country (marker: number of projects)" },
    geo: { projection: { type: "natural earth" }, showcountries: true, countrycolor: "#bbb",
      showland: true, landcolor: "#f2f2f2", showcoastlines: false, showframe: false,
      lataxis: { range: [-58, 85] } },
    margin: { l: 0, r: 0, t: 50, b: 0 }, height: 420,
  });
}

// -- trade flows -------------------------------------------------------------------------------
const trade = { rows: [], total: 0 };

/** The bilateral trade rows (GET /dashboard/atlas/trade) and the product picker. */
async function loadTrade() {
  const body = await api(`/dashboard/atlas/trade${mineralQuery("?")}`);
  trade.rows = body.rows;
  trade.total = body.total;
  const products = [...new Set(body.rows.map((r) => r.product))].sort();
  const select = $("tr-product");
  const keep = select.value;
  select.replaceChildren(...products.map((p) => el("option", { value: p }, p)));
  if (products.includes(keep)) select.value = keep;
  await drawTrade();
}

/** The largest flows of one product: bars coloured by exporter, and the table with sources. */
async function drawTrade() {
  const product = $("tr-product").value;
  const rows = trade.rows.filter((r) => r.product === product);
  const shown = trade.total > trade.rows.length ? ` (the largest ${trade.rows.length} of `
    + `${trade.total} rows loaded)` : "";
  $("tr-meta").textContent = product ? `${rows.length} flow(s) of ${product}${shown}.`
    : "No bilateral trade rows in this dataset version.";
  renderTable($("tr-table"), rows.map((r) => ({ ...r, sources: citeIds([r.source]) })), [
    ["exporter", "exporter"], ["importer", "importer"], ["year", "year"],
    ["quantity_t", "t", fmt.t, true], ["basis", "basis"],
    ["value_kusd", "value k USD", fmt.t, true], ["sources", "sources"],
  ], "No trade row for this product.");
  const node = $("tr-chart");
  const top = rows.slice(0, 15);
  if (!top.length) {
    Plotly.purge(node);
    node.replaceChildren();
    return;
  }
  const exporters = [...new Set(top.map((r) => r.exporter))];
  await draw(node, exporters.map((c) => {
    const mine = top.filter((r) => r.exporter === c);
    return { type: "bar", orientation: "h", name: c,
      y: mine.map((r) => `${r.exporter} → ${r.importer} (${r.year})`),
      x: mine.map((r) => r.quantity_t), marker: { color: countryColour(c) },
      customdata: mine.map((r) => [r.basis, r.source, sourceTitle(r.source)]),
      hovertemplate: "%{y}: %{x:,.0f} t %{customdata[0]}<br>source: %{customdata[1]} "
        + "(%{customdata[2]})<extra></extra>" };
  }), {
    title: { text: `Largest flows of ${product} (t, ${top[0].basis || "basis of the product"})` },
    barmode: "stack", xaxis: { title: { text: "t" }, automargin: true },
    yaxis: { type: "category", automargin: true, autorange: "reversed",
      categoryorder: "array", categoryarray: top.map((r) => `${r.exporter} → ${r.importer} `
        + `(${r.year})`) },
    height: 160 + 24 * top.length, margin: { l: 10, r: 10, t: 50, b: 40 },
    legend: { title: { text: "exporter" } },
  });
}

// -- project timeline --------------------------------------------------------------------------
/** Projects of interest from their earliest start to full rate (start + ramp months). */
async function drawProjectTimeline(projects) {
  const node = $("atlas-project-timeline");
  const dated = projects.filter((p) => /^\d{4}-\d{2}/.test(String(p.earliest_start || "")))
    .sort((a, b) => String(a.earliest_start).localeCompare(String(b.earliest_start)));
  if (!dated.length) {
    Plotly.purge(node);
    node.replaceChildren(el("p", { class: "empty" }, "No project with a start date."));
    return;
  }
  node.replaceChildren();
  const month = 30.44 * 86400e3;
  const label = (p) => `${p.name} (${p.country})`;
  const countries = [...new Set(dated.map((p) => p.country))];
  await draw(node, countries.map((c) => {
    const mine = dated.filter((p) => p.country === c);
    return { type: "bar", orientation: "h", name: c, y: mine.map(label),
      base: mine.map((p) => `${String(p.earliest_start).slice(0, 7)}-01`),
      x: mine.map((p) => Math.max(1, Number(p.ramp_months) || 1) * month),
      marker: { color: countryColour(c) },
      customdata: mine.map((p) => [p.earliest_start, p.ramp_months, p.status,
        fmt.t(p.capacity_t), p.basis, p.product]),
      hovertemplate: "%{y}: starts %{customdata[0]}, full rate after %{customdata[1]} months"
        + "<br>%{customdata[3]} t/yr %{customdata[4]} of %{customdata[5]} · %{customdata[2]}"
        + "<extra></extra>" };
  }), {
    title: { text: "Projects of interest: earliest start to full rate" },
    xaxis: { type: "date", automargin: true }, barmode: "overlay",
    yaxis: { type: "category", automargin: true, autorange: "reversed",
      categoryorder: "array", categoryarray: dated.map(label) },
    height: 160 + 22 * dated.length, margin: { l: 10, r: 10, t: 50, b: 40 },
    legend: { title: { text: "country" } },
  });
}
