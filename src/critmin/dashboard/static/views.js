// critmin dashboard, the atlas's analyst views: chokepoints, supply risk, element supply and
// the map of projects of interest, every row with its sources. A classic script loaded
// before app.js (it uses app.js's helpers when called).
"use strict";

const citeIds = (ids) => sourceCell([...new Set(ids || [])].sort());

/** Chokepoint, supply-risk and element tables from the atlas's /metrics answer. */
function renderAtlasViews(m) {
  const stageOf = (r) => fmt.text(r.stage);
  renderTable($("ck-chokepoints"), (m.chokepoints || []).map((r) => ({ ...r,
    sources: citeIds(sourcesOf(r.product, r.country)) })), [
    ["mineral", "mineral"], ["product", "product"], ["stage", "stage", stageOf],
    ["country", "country"], ["share", "share of world output", fmt.pct, true],
    ["hhi", "HHI", fmt.t, true], ["year", "year"], ["sources", "sources"],
  ], "No product has one country above the threshold.");
  const risks = (m.supply_risk || []).slice().sort((a, b) => (b.supply_risk ?? -1)
    - (a.supply_risk ?? -1));
  renderTable($("ck-risk"), risks.map((r) => ({ ...r,
    critical_text: r.critical ? "yes" : r.critical === false ? "no" : "—",
    notes_text: (r.notes || []).join("; ") })), [
    ["entity", "for"], ["mineral", "mineral"], ["product", "product"],
    ["stage", "stage", stageOf], ["supply_risk", "EU-JRC supply risk", fmt.t, true],
    ["critical_text", "above 1"], ["import_reliance", "import reliance", fmt.pct, true],
    ["eol_rir", "EoL-RIR", fmt.pct, true], ["substitution_index", "SI", fmt.t, true],
    ["notes_text", "what it rests on"],
  ], "No supply-risk figures.");
  renderTable($("ck-elements"), (m.elements || []).map((r) => ({ ...r,
    sources: citeIds(r.sources) })), [
    ["element", "element"], ["product", "product"], ["stage", "stage", stageOf],
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
