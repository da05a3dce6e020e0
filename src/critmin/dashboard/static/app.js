// critmin dashboard: plain JS, no build step. Everything comes from the critmin REST API of
// the same origin, with the API key (kept in localStorage) in the X-API-Key header.
"use strict";

const KEY_STORAGE = "critmin.apiKey";
const PLOT_CONFIG = { displaylogo: false, responsive: true, topojsonURL: "/static/topojson/" };
const POLL_MS = 400;
const state = { me: null, loaded: {}, scenarioText: "", runJob: null, views: null,
  run: null, portfolio: null, crit: null, sweepJob: null, version: null };

// -- API ---------------------------------------------------------------------------------------
class ApiError extends Error {
  constructor(status, detail) {
    super(typeof detail === "string" ? detail : JSON.stringify(detail));
    this.status = status;
    this.detail = detail;
  }
}

async function api(rawPath, { method = "GET", body } = {}) {
  const path = method === "GET" ? withVersion(rawPath) : rawPath;
  const headers = { "X-API-Key": localStorage.getItem(KEY_STORAGE) || "" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, `the critmin service does not answer (${err.message})`);
  }
  let data = null;
  const text = await response.text();
  if (text) {
    try { data = JSON.parse(text); } catch (_) { data = text; }
  }
  if (!response.ok) {
    const detail = data && data.detail !== undefined ? data.detail : response.statusText;
    throw new ApiError(response.status, detail);
  }
  return data;
}

/** The field path of a 422 item without the "body" prefix, e.g. scenario.restrictions[0].share */
function fieldPath(item) {
  const loc = (item.loc || []).filter((p, i) => !(i === 0 && (p === "body" || p === "query")));
  return loc.map((p, i) => (typeof p === "number" ? `[${p}]` : (i ? "." : "") + p)).join("");
}

function errorLines(err) {
  if (err.status === 422 && Array.isArray(err.detail)) {
    return err.detail.map((item) => {
      const where = item.row ? ` (${item.file || ""} row ${item.row})` : "";
      return `${fieldPath(item)}${where}: ${item.msg}`;
    });
  }
  return [String(err.detail === undefined ? err.message : err.detail)];
}

function describe(err) {
  if (!(err instanceof ApiError)) return `Error in the page: ${err.message || err}`;
  const detail = errorLines(err).join("; ");
  if (err.status === 401) {
    return `Not signed in (401): ${detail}. Enter a valid API key.`;
  }
  if (err.status === 403) {
    const role = state.me ? ` (you are ${state.me.role})` : "";
    return `Not allowed for your key${role} (403): ${detail}.`;
  }
  if (err.status === 0) return detail;
  return `The request failed (${err.status}): ${detail}`;
}

// -- page helpers ------------------------------------------------------------------------------
const $ = (id) => document.getElementById(id);

function showMessage(text) {
  const box = $("message");
  box.textContent = text;
  box.hidden = !text;
}

function fail(err) {
  showMessage(describe(err));
  if (err instanceof ApiError && err.status === 401) askKey();
}

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

const fmt = {
  text: (v) => (v === null || v === undefined ? "—" : Array.isArray(v) ? v.join(", ") : String(v)),
  t: (v) => (v === null || v === undefined || Number.isNaN(v) ? "—"
    : Number(v).toLocaleString("en-US", { maximumFractionDigits: Math.abs(v) < 10 ? 2 : 0 })),
  pct: (v) => (v === null || v === undefined || Number.isNaN(v) ? "—"
    : `${(100 * Number(v)).toFixed(1)}%`),
  musd: (v) => (v === null || v === undefined ? "—"
    : (Number(v) + 0).toLocaleString("en-US", { maximumFractionDigits: 0 }).replace(/^-0$/, "0")),
  recovery: (v) => (v === null || v === undefined ? "not within the horizon" : String(v)),
};

/** A table of rows; columns are [key, label, formatter, numeric?] (a formatter may return a
 * DOM node); a CSV button before it downloads the rows. */
function renderTable(container, rows, columns, empty = "Nothing to show.") {
  container.replaceChildren();
  tableDownload(container, rows, columns);
  if (!rows || rows.length === 0) {
    container.append(el("p", { class: "empty" }, empty));
    return;
  }
  const table = el("table");
  const head = el("tr");
  for (const [, label] of columns) head.append(el("th", {}, label));
  table.append(head);
  for (const row of rows) {
    const tr = el("tr");
    for (const [key, , format = fmt.text, numeric = false] of columns) {
      const value = row[key] instanceof Node ? row[key] : format(row[key]);
      const td = el("td", numeric ? { class: "num" } : {});
      if (value instanceof Node) td.append(value);
      else td.textContent = value;
      tr.append(td);
    }
    table.append(tr);
  }
  container.append(table);
}

function plot(id, figure) {
  return draw($(id), figure.data, figure.layout);
}

/** Plotly.react with PNG and CSV download buttons before the chart. */
async function draw(node, data, layout) {
  const out = await Plotly.react(node, data, layout, PLOT_CONFIG);
  plotDownloads(node);
  return out;
}

function setProgress(id, fraction, status, message) {
  const box = $(id);
  box.hidden = false;
  const pct = Math.round(100 * Math.max(0, Math.min(1, fraction)));
  box.querySelector(".fill").style.width = `${pct}%`;
  box.querySelector(".text").textContent = `${pct}%`;
  box.querySelector(".status").textContent = message ? `${status}: ${message}` : status;
  box.classList.toggle("done", status === "done");
  box.classList.toggle("failed", ["failed", "cancelled", "interrupted"].includes(status));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// -- key and identity --------------------------------------------------------------------------
function askKey() {
  $("key-form").hidden = false;
  $("key-input").focus();
}

async function signIn() {
  if (!localStorage.getItem(KEY_STORAGE)) {
    $("who-text").textContent = "not signed in";
    askKey();
    return false;
  }
  try {
    state.me = await api("/me");
  } catch (err) {
    state.me = null;
    $("who-text").textContent = "not signed in";
    fail(err);
    return false;
  }
  const partner = state.me.partner ? `, partner ${state.me.partner}` : "";
  $("who-text").textContent = `${state.me.name} (${state.me.role}${partner})`;
  $("key-form").hidden = true;
  showMessage("");
  await loadVersions().catch(fail);
  return true;
}

// -- navigation --------------------------------------------------------------------------------
const PAGES = { situation: loadSituation, atlas: loadAtlas, scenario: loadScenarios,
  portfolio: loadPortfolio, criticality: loadCriticality, signals: loadSignals,
  history: loadHistory };

/** The page of the address (#page or #page/more: e.g. #scenario/run/JOB opens a run). */
function currentPage() {
  const name = location.hash.replace("#", "").split("/")[0];
  return name in PAGES ? name : "atlas";
}

const hashArgs = () => location.hash.replace("#", "").split("/").slice(1)
  .map(decodeURIComponent);

async function showPage() {
  const name = currentPage();
  for (const page of Object.keys(PAGES)) $(`page-${page}`).hidden = page !== name;
  for (const a of document.querySelectorAll("#tabs a")) {
    a.classList.toggle("active", a.dataset.page === name);
  }
  if (!state.me) return;
  if (!state.loaded[name]) {
    state.loaded[name] = true;
    try {
      await PAGES[name]();
    } catch (err) {
      state.loaded[name] = false;
      fail(err);
    }
  }
  if (name === "scenario" && state.loaded.scenario) {
    await openDraft();
    await openFromHash().catch(fail);
  }
  for (const node of $(`page-${name}`).querySelectorAll(".js-plotly-plot")) {
    Plotly.Plots.resize(node);
  }
}

/** #scenario/run/JOB shows a finished run (the situation page links there). */
async function openFromHash() {
  const [what, id] = hashArgs();
  if (what === "run" && id && (!state.run || state.run.jobId !== id)) await showRun(id);
  if (what === "alert-run" && id && (!state.run || state.run.runId !== id)) {
    await showAlertRun(id);
  }
}

// -- products and element groups ---------------------------------------------------------------
/** The atlas's Sankey views, element groups and products (id, aggregate, leaves, elements). */
async function loadViews() {
  if (state.views) return state.views;
  state.views = await api("/dashboard/atlas/views");
  setColours(state.views.colours);
  for (const select of document.querySelectorAll(".element-select")) {
    select.replaceChildren(el("option", { value: "" }, "all products"),
      ...state.views.element_groups.map((g) => el("option", { value: g.elements.join(" ") },
        `${g.id} (${g.elements.join(" ")})`)));
  }
  const view = $("atlas-view");
  view.replaceChildren(...state.views.views.map((v) => el("option", { value: v.id }, v.label)));
  $("atlas-mineral").replaceChildren(el("option", { value: "" }, "all minerals"),
    ...(state.views.minerals || []).map((m) => el("option", { value: m }, m.replace(/_/g, " "))));
  const partners = state.views.partners || ["framework"];
  $("crit-partner").replaceChildren(...partners.map((p) => el("option", { value: p }, p)));
  if (partners.includes("framework")) $("crit-partner").value = "framework";
  return state.views;
}

/** The atlas page's mineral chain as a query string part ("" for all minerals). */
function mineralQuery(sep = "&") {
  const m = $("atlas-mineral").value;
  return m ? `${sep}mineral=${encodeURIComponent(m)}` : "";
}

/** Whether a product carries one of the symbols (an aggregate: when one of its leaves does). */
function carries(productId, symbols) {
  if (!symbols.length || !state.views) return true;
  const byId = Object.fromEntries(state.views.products.map((p) => [p.id, p]));
  const p = byId[productId];
  if (!p) return false;
  const own = (q) => q && q.elements.some((e) => symbols.includes(e));
  return own(p) || p.leaves.some((leaf) => own(byId[leaf]));
}

const chosenElements = (id) => $(id).value.split(" ").filter(Boolean);

function elementQuery(symbols) {
  return symbols.map((e) => `element=${encodeURIComponent(e)}`).join("&");
}

// -- atlas -------------------------------------------------------------------------------------
async function drawSankey() {
  const view = $("atlas-view").value || "product";
  await plot("atlas-sankey",
    await api(`/dashboard/atlas/sankey?view=${encodeURIComponent(view)}${mineralQuery()}`));
}

async function drawCriticality() {
  const partner = $("crit-partner").value || "framework";
  await plot("atlas-criticality",
    await api(`/dashboard/atlas/criticality?partner=${encodeURIComponent(partner)}`
      + mineralQuery()));
}

async function loadAtlas() {
  await loadViews();
  const [sankey, map, shares, metrics] = await Promise.all([
    api(`/dashboard/atlas/sankey?view=${encodeURIComponent($("atlas-view").value || "product")}`
      + mineralQuery()),
    api(`/dashboard/atlas/map${mineralQuery("?")}`),
    api(`/dashboard/atlas/shares${mineralQuery("?")}`), api(`/metrics${mineralQuery("?")}`),
    loadSources(),
  ]);
  const d = metrics.dataset;
  $("atlas-meta").textContent = `Dataset ${d.name || ""}, version ${d.version}`
    + (d.year ? `, reference year ${d.year}` : "") + `; partner group ${d.group}.`;
  await Promise.all([plot("atlas-sankey", sankey), plot("atlas-map", map),
    plot("atlas-shares", shares), drawCriticality()]);
  const countries = [...new Set(metrics.reliance.map((r) => r.country))].sort();
  const select = $("dep-country");
  select.replaceChildren(...countries.map((c) => el("option", { value: c }, c)));
  if (countries.includes("JPN")) select.value = "JPN";
  await loadDependency();
  renderAtlasViews(metrics); // below the dependency tables: drawn after them
  await Promise.all([loadTrade(), drawProjects()]);
}

async function loadDependency() {
  const country = $("dep-country").value;
  if (!country) return;
  const symbols = chosenElements("dep-element");
  const extra = symbols.length ? `&${elementQuery(symbols)}` : "";
  const m = await api(`/metrics?country=${encodeURIComponent(country)}${extra}${mineralQuery()}`);
  const cite = (r) => ({ ...r, sources: sourceCell(sourcesOf(r.product, country)) });
  renderTable($("dep-reliance"), m.reliance.map(cite), [
    ["product", "product"], ["aggregate", "aggregate"], ["stage", "stage"],
    ["production_t", "production t", fmt.t, true], ["imports_t", "imports t", fmt.t, true],
    ["exports_t", "exports t", fmt.t, true],
    ["apparent_consumption_t", "apparent consumption t", fmt.t, true],
    ["reliance", "net import reliance", fmt.pct, true], ["sources", "sources"],
  ], `No trade data for ${country}.`);
  renderTable($("dep-partner"), m.partner_share.map(cite), [
    ["product", "product"], ["aggregate", "aggregate"], ["group", "partner group"],
    ["supply_t", "supply t", fmt.t, true],
    ["own_output_t", "own output t", fmt.t, true], ["imports_t", "imports t", fmt.t, true],
    ["group_share", "from the group", fmt.pct, true],
    ["top_supplier", "top supplier"],
    ["top_supplier_share_of_imports", "top supplier's share of imports", fmt.pct, true],
    ["sources", "sources"],
  ], `No partner-share figures for ${country}.`);
}

// -- scenario ----------------------------------------------------------------------------------
async function loadScenarios(pick) {
  const list = await api("/scenarios");
  for (const id of ["sc-select", "pf-scenario"]) {
    const select = $(id);
    select.replaceChildren(...list.map((s) => el("option", { value: s.name },
      `${s.name} (${s.months} months${s.origin === "user" ? ", stored" : ""})`)));
  }
  if (list.some((s) => s.name === "china-2025-october-controls")) {
    $("pf-scenario").value = "china-2025-october-controls";
  }
  if (pick) $("sc-select").value = pick;
  await pickScenario();
  await openDraft();
}

async function pickScenario() {
  const name = $("sc-select").value;
  if (!name) return;
  const s = await api(`/scenarios/${encodeURIComponent(name)}`);
  const cited = (s.body && s.body.sources) || [];
  $("sc-description").textContent = [s.event, s.description,
    cited.length ? `Sources: ${cited.map((c) => (typeof c === "string" ? c
      : c.publication || c.id || JSON.stringify(c))).join("; ")}` : ""]
    .filter(Boolean).join(" · ");
  state.scenarioText = JSON.stringify(s.body, null, 2);
  $("sc-body").value = state.scenarioText;
  fillForm(s.body);
  $("sc-errors").replaceChildren();
}

function scenarioSpec() {
  const text = $("sc-body").value;
  if (text === state.scenarioText) return $("sc-select").value;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(422, [{ loc: ["scenario"], msg: `not valid JSON: ${err.message}` }]);
  }
}

function showErrors(id, err) {
  const list = $(id);
  list.replaceChildren();
  if (err instanceof ApiError && (err.status === 422 || err.status === 409)) {
    for (const line of errorLines(err)) list.append(el("li", {}, line));
  } else {
    fail(err);
  }
}

async function validateScenario() {
  $("sc-errors").replaceChildren();
  try {
    const spec = scenarioSpec();
    const body = typeof spec === "string" ? JSON.parse(state.scenarioText) : spec;
    const payload = { scenario: body };
    if (state.version) payload.version = state.version;
    await api("/scenarios/validate", { method: "POST", body: payload });
    $("sc-errors").append(el("li", { class: "ok" }, "The scenario is valid."));
  } catch (err) {
    showErrors("sc-errors", err);
  }
}

function intOrNull(id) {
  const v = $(id).value.trim();
  return v === "" ? null : Number.parseInt(v, 10);
}

async function runScenario() {
  $("sc-errors").replaceChildren();
  showMessage("");
  $("sc-results").hidden = true;
  let job;
  try {
    const body = { scenario: scenarioSpec(), draws: intOrNull("sc-draws") || 200,
      seed: intOrNull("sc-seed") || 0 };
    if (state.version) body.version = state.version;
    const months = intOrNull("sc-months");
    if (months) body.months = months;
    job = await api("/runs", { method: "POST", body });
  } catch (err) {
    showErrors("sc-errors", err);
    return;
  }
  state.runJob = job.id;
  $("sc-run").disabled = true;
  $("sc-cancel").hidden = false;
  try {
    job = await pollJob(`/runs/${job.id}`, "sc-progress");
    if (job.status === "done") await showRun(job.id);
    else if (job.error) $("sc-errors").append(el("li", {}, `The run ${job.status}: ${job.error}`));
  } catch (err) {
    fail(err);
  } finally {
    $("sc-run").disabled = false;
    $("sc-cancel").hidden = true;
    state.runJob = null;
  }
}

async function pollJob(url, progressId) {
  for (;;) {
    const job = await api(url);
    setProgress(progressId, job.progress, job.status, job.status === "done" ? "" : job.message);
    if (!["queued", "running"].includes(job.status)) return job;
    await sleep(POLL_MS);
  }
}

async function cancelRun() {
  if (!state.runJob) return;
  try {
    await api(`/runs/${state.runJob}`, { method: "DELETE" });
  } catch (err) {
    fail(err);
  }
}

async function showRun(jobId) {
  await loadViews();
  state.run = { jobId, summary: await api(`/runs/${jobId}/summary`) };
  $("sc-results").hidden = false;
  await renderRun();
}

async function renderRun() {
  if (!state.run || state.run.alertRun) return;
  const { jobId, summary } = state.run;
  const symbols = chosenElements("sc-element");
  const keep = (rows) => (rows || []).filter((r) => carries(r.product, symbols));
  const query = symbols.length ? `?${elementQuery(symbols)}` : "";
  const figures = await api(`/dashboard/runs/${jobId}/figures${query}`);
  renderTable($("sc-table"), keep(summary.shortfall_by_country).slice(0, 10), [
    ["country", "country"], ["product", "product"], ["aggregate", "aggregate"],
    ["shortfall_p10_t", "P10 t", fmt.t, true], ["shortfall_p50_t", "P50 t", fmt.t, true],
    ["shortfall_p90_t", "P90 t", fmt.t, true],
    ["share_of_demand_p50", "% of demand (P50)", fmt.pct, true],
    ["peak_month", "peak month", fmt.text, true],
    ["months_to_recovery", "months to recovery", fmt.recovery, true],
  ], "No shortfall: every country's demand is met in every draw and month.");
  const moved = (r) => Math.max(...["p10", "p50", "p90"].map((q) => Math.abs(r[q] - 1))) > 0.005;
  const peaks = keep(summary.peak_price).filter(moved)
    .sort((a, b) => b.p90 - a.p90).slice(0, 20);
  renderTable($("sc-peaks"), peaks, [
    ["product", "product"], ["market", "market"],
    ["baseline_usd_per_kg", "baseline USD/kg", fmt.t, true],
    ["p10", "peak ratio P10", fmt.t, true], ["p50", "P50", fmt.t, true],
    ["p90", "P90", fmt.t, true],
    ["peak_usd_per_kg_p50", "peak USD/kg P50", fmt.t, true],
    ["peak_usd_per_kg_p90", "peak USD/kg P90", fmt.t, true],
  ], "No price leaves its baseline.");
  for (const [key, id, none] of [
    ["shortfall", "sc-shortfall", "No shortfall to draw."],
    ["price", "sc-price", "The price index stays at its baseline (1) in every draw and month."],
  ]) {
    const node = $(id);
    if (figures[key]) {
      await plot(id, figures[key]);
    } else {
      Plotly.purge(node);
      node.replaceChildren(el("p", { class: "empty" }, none));
    }
  }
}

// -- portfolio ---------------------------------------------------------------------------------
async function loadPortfolio() {
  await loadViews();
  if (!state.loaded.scenario) {
    state.loaded.scenario = true;
    await loadScenarios();
  }
}

function parseBudgets(text) {
  const budgets = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [who, amount] = part.split("=").map((p) => p.trim());
    const usd = Number(amount);
    if (!who || !amount || !Number.isFinite(usd) || usd <= 0) {
      throw new ApiError(422, [{ loc: ["budgets"],
        msg: `"${part}" is not PARTNER=USD (e.g. USA=2e9)` }]);
    }
    budgets[who] = usd;
  }
  if (!Object.keys(budgets).length) {
    throw new ApiError(422, [{ loc: ["budgets"], msg: "give at least one PARTNER=USD" }]);
  }
  return budgets;
}

/** PARTNER=share pairs ("USA=0.3, JPN=0.3") of a share rule. */
function parseShares(id, what) {
  const out = {};
  for (const part of $(id).value.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [who, value] = part.split("=").map((p) => p.trim());
    const share = Number(value);
    if (!who || !value || !Number.isFinite(share) || share < 0 || share > 1) {
      throw new ApiError(422, [{ loc: ["rules", what],
        msg: `"${part}" is not PARTNER=share with a share in [0, 1] (e.g. USA=0.3)` }]);
    }
    out[who] = share;
  }
  return out;
}

/** The share rules of the portfolio form (empty fields: no rule). */
function portfolioRules() {
  const rules = { min_share: parseShares("pf-min-share", "min_share"),
    max_share: parseShares("pf-max-share", "max_share") };
  const country = $("pf-max-country").value.trim();
  if (country) rules.max_country_share = Number(country);
  const gap = $("pf-min-gap").value.trim();
  if (gap) rules.min_gap_closed = Number(gap);
  return rules;
}

function parseScales(text) {
  const scales = text.split(",").map((p) => p.trim()).filter(Boolean).map(Number);
  if (scales.some((s) => !Number.isFinite(s) || s <= 0)) {
    throw new ApiError(422, [{ loc: ["scales"], msg: "budget scales are positive numbers" }]);
  }
  return [...new Set([1, ...scales])].sort((a, b) => a - b);
}

async function runPortfolio() {
  $("pf-errors").replaceChildren();
  showMessage("");
  $("pf-results").hidden = true;
  let jobs;
  try {
    const budgets = parseBudgets($("pf-budgets").value);
    const scales = parseScales($("pf-scales").value);
    const scenarios = [...$("pf-scenario").selectedOptions].map((o) => o.value);
    if (!scenarios.length) {
      throw new ApiError(422, [{ loc: ["scenarios"], msg: "choose at least one scenario" }]);
    }
    const base = { scenarios, draws: intOrNull("pf-draws") || 100,
      recheck_draws: intOrNull("pf-recheck") ?? 0, rules: portfolioRules() };
    if (state.version) base.version = state.version;
    const months = intOrNull("pf-months");
    if (months) base.months = months;
    jobs = [];
    for (const scale of scales) {
      const scaled = Object.fromEntries(Object.entries(budgets).map(([k, v]) => [k, v * scale]));
      const body = { ...base, budgets: scaled };
      if (scale !== 1) body.recheck_draws = 0;
      const job = await api("/portfolios", { method: "POST", body });
      jobs.push({ scale, id: job.id });
    }
  } catch (err) {
    showErrors("pf-errors", err);
    return;
  }
  $("pf-run").disabled = true;
  try {
    const done = await pollJobs(jobs.map((j) => j.id));
    const main = done[jobs.findIndex((j) => j.scale === 1)];
    await showPortfolio(main, done);
  } catch (err) {
    fail(err);
  } finally {
    $("pf-run").disabled = false;
  }
}

async function pollJobs(ids) {
  for (;;) {
    const jobs = await Promise.all(ids.map((id) => api(`/portfolios/${id}`)));
    const progress = jobs.reduce((a, j) => a + j.progress, 0) / jobs.length;
    const running = jobs.filter((j) => ["queued", "running"].includes(j.status));
    const ended = jobs.length - running.length;
    const status = running.length ? "running" : jobs.every((j) => j.status === "done") ? "done"
      : "failed";
    setProgress("pf-progress", running.length ? progress : 1, status,
      running.length ? `${ended} of ${jobs.length} jobs ended; ${running[0].message || ""}` : "");
    if (!running.length) return jobs;
    await sleep(POLL_MS);
  }
}

async function showPortfolio(main, all) {
  const failed = all.filter((j) => j.status !== "done");
  for (const j of failed) {
    $("pf-errors").append(el("li", {}, `job ${j.id} ${j.status}: ${j.error || j.message || ""}`));
  }
  if (main.status !== "done") return;
  const r = main.result;
  $("pf-results").hidden = false;
  const summary = [`Status: ${r.status}, ${r.reason}.`];
  if (r.ok) {
    summary.push(`Expected shortfall ${fmt.t(r.expected_shortfall_before_t_reo)} → `
      + `${fmt.t(r.expected_shortfall_after_t_reo)} t REO eq; CVaR `
      + `${fmt.t(r.cvar_before_t_reo)} → ${fmt.t(r.cvar_after_t_reo)} t; cost `
      + `${fmt.musd(r.cost_musd)} M USD.`);
  }
  if (r.out_of_sample && r.out_of_sample.length) {
    const o = r.out_of_sample[0];
    summary.push(`Out of sample (${o.draws} fresh draws): removes ${fmt.pct(o.removed_share)} `
      + "of the shortfall.");
  }
  $("pf-summary").textContent = summary.join(" ");
  const doneIds = all.filter((j) => j.status === "done").map((j) => j.id);
  plot("pf-frontier", await api(`/dashboard/portfolios/frontier?jobs=${doneIds.join(",")}`));
  state.portfolio = r;
  renderChosen();
  renderTable($("pf-partners"), r.partners, [
    ["partner", "partner"], ["budget_musd", "budget M USD", fmt.musd, true],
    ["spent_musd", "spent M USD", fmt.musd, true], ["share_of_spend", "share", fmt.pct, true],
  ]);
  renderTable($("pf-scenarios"), r.scenarios, [
    ["scenario", "scenario"], ["shortfall_before_t_reo", "before t", fmt.t, true],
    ["shortfall_after_t_reo", "after t", fmt.t, true], ["closed_t_reo", "closed t", fmt.t, true],
    ["closed_share", "closed", fmt.pct, true],
  ]);
}

function renderChosen() {
  const r = state.portfolio;
  if (!r) return;
  const symbols = chosenElements("pf-element");
  const chosen = (r.chosen || []).filter((p) => carries(p.product, symbols));
  const payCols = Object.keys((r.chosen || [])[0] || {}).filter((k) => k.startsWith("pay_"));
  renderTable($("pf-chosen"), chosen, [
    ["id", "id"], ["name", "project"], ["country", "country"], ["product", "product"],
    ["capacity_t", "capacity t/yr", fmt.t, true], ["capex_musd", "capex M USD", fmt.musd, true],
    ["earliest_start", "start"], ["status", "status"],
    ...payCols.map((k) => [k, k.replace("pay_", "").replace("_musd", " pays M USD"), fmt.musd,
      true]),
  ], symbols.length ? "No chosen project carries these elements." : "No project chosen.");
}

// -- criticality -------------------------------------------------------------------------------
/** Partner colours: the one country colour map (tools.js). */
const partnerColour = (p) => countryColour(p);
const musd = (v) => (v === null || v === undefined ? "—" : fmt.t(Number(v) / 1e6));

async function loadCriticality() {
  await loadViews();
  $("cr-minerals").replaceChildren(...(state.views.minerals || []).map((m) => el("option",
    { value: m }, m.replace(/_/g, " "))));
  await listSweeps();
}

/** The stored sweeps in the picker (newest first); ``pick`` selects one. */
async function listSweeps(pick) {
  const sweeps = await api("/sweeps");
  const select = $("cr-sweep");
  select.replaceChildren(...sweeps.map((s) => el("option", { value: s.id },
    `${s.created_at.slice(0, 16).replace("T", " ")} · ${s.minerals ? s.minerals.join(", ")
      : "all minerals"} · ${s.cases} cases × ${s.draws} draws`)));
  if (!sweeps.length) {
    $("cr-ranking").hidden = true;
    $("cr-detail").hidden = true;
    $("cr-meta").textContent = "No stored sweep yet: run one below (analysts).";
    $("cr-run-box").open = true;
    return;
  }
  if (pick) select.value = pick;
  await showSweep();
}

let critSeq = 0; // answers to an older choice of sweep or partner are dropped

async function showSweep() {
  const id = $("cr-sweep").value;
  if (!id) return;
  const seq = ++critSeq;
  const partners = $("cr-partner");
  const first = await api(`/sweeps/${encodeURIComponent(id)}`
    + (partners.value ? `?partner=${encodeURIComponent(partners.value)}` : ""))
    .catch((err) => (err instanceof ApiError && err.status === 422 ? null : Promise.reject(err)));
  const body = first || await api(`/sweeps/${encodeURIComponent(id)}`);
  if (seq !== critSeq) return;
  const sweepPartners = body.sweep.partners;
  const current = body.partner;
  partners.replaceChildren(...sweepPartners.map((p) => el("option", { value: p }, p)));
  partners.value = current;
  state.crit = { id, body, item: null };
  renderRanking();
}

async function switchPartner() {
  if (!state.crit) return;
  const { id, item } = state.crit;
  const p = $("cr-partner").value;
  const seq = ++critSeq;
  const body = await api(`/sweeps/${encodeURIComponent(id)}?partner=${encodeURIComponent(p)}`);
  if (seq !== critSeq) return;
  state.crit = { id, body, item: null };
  renderRanking();
  if (item && body.rows.some((r) => r.item === item)) await showItem(item);
}

function renderRanking() {
  const { body } = state.crit;
  const s = body.sweep;
  const rows = body.rows;
  $("cr-ranking").hidden = false;
  $("cr-detail").hidden = true;
  const spec = s.spec || {};
  const given = Object.keys(spec.probabilities || {}).length;
  const signals = (spec.signal_measures || []).length;
  $("cr-meta").textContent = `Sweep ${s.id} on dataset version ${s.dataset_version}: `
    + `${s.cases} cases, ${s.draws} draws of ${s.months} months each, method ${s.method}; `
    + `severities ${fmt.text(spec.severities)}, durations ${fmt.text(spec.durations)} months.`;
  $("cr-sources").textContent = `What the numbers are: the ${body.unit} for ${body.partner} `
    + "(million USD in the table and chart): for each draw, the sum over the item's cases of "
    + "annual probability × value added lost in the case; the mean across draws, with P10–P90. "
    + "Annual probability: of any of the item's cases, "
    + (given ? `given with the sweep (${given} exporter:mineral keys), else ` : "")
    + "from the export-restriction history in the dataset"
    + (signals ? ` and ${signals} disruption(s) from the signals store.` : ".")
    + " Top scenario: the case that contributes most to the expected loss.";
  drawRanking(rows, body.partner);
  const table = $("cr-table");
  const shown = rows.map((r) => ({ ...r,
    band: `${musd(r.expected_loss_p10_usd)} – ${musd(r.expected_loss_p90_usd)}`,
    top: r.scenarios[0] ? `${r.scenarios[0].case} (${fmt.pct(r.scenarios[0].share_of_expected)})`
      : "—" }));
  renderTable(table, shown, [
    ["rank", "#", fmt.text, true], ["item", "item"],
    ["expected_loss_usd", "expected loss M USD/yr", musd, true],
    ["band", "P10–P90 M USD", fmt.text, true],
    ["probability", "annual probability", fmt.pct, true], ["cases", "cases", fmt.text, true],
    ["top", "top scenario"],
  ], "The sweep has no items.");
  // the band and top-scenario cells, and a click on a row opens the item
  const trs = table.querySelectorAll("tr");
  rows.forEach((r, i) => {
    const tr = trs[i + 1];
    const cells = tr.querySelectorAll("td");
    cells[3].textContent = `${musd(r.expected_loss_p10_usd)} – ${musd(r.expected_loss_p90_usd)}`;
    const top = r.scenarios[0];
    cells[6].textContent = top ? `${top.case} (${fmt.pct(top.share_of_expected)})` : "—";
    tr.classList.add("pick");
    tr.dataset.item = r.item;
    tr.addEventListener("click", () => showItem(r.item).catch(fail));
  });
}

function drawRanking(rows, partner) {
  const m = (v) => v / 1e6;
  const data = [{
    type: "bar", name: partner, x: rows.map((r) => r.item),
    y: rows.map((r) => m(r.expected_loss_usd)),
    error_y: { type: "data", symmetric: false, color: "#555",
      array: rows.map((r) => m(r.expected_loss_p90_usd - r.expected_loss_usd)),
      arrayminus: rows.map((r) => m(r.expected_loss_usd - r.expected_loss_p10_usd)) },
    marker: { color: partnerColour(partner) },
    customdata: rows.map((r) => [m(r.expected_loss_p10_usd), m(r.expected_loss_p90_usd),
      r.probability]),
    hovertemplate: "%{x}: %{y:,.2f} M USD/yr<br>P10–P90 %{customdata[0]:,.2f} – "
      + "%{customdata[1]:,.2f}<br>annual probability %{customdata[2]:.1%}<extra></extra>",
  }];
  const layout = {
    title: { text: `Expected value added lost a year, ${partner} (mean, P10–P90 error bars)` },
    xaxis: { type: "category", automargin: true },
    yaxis: { title: { text: "million USD a year" }, rangemode: "tozero", automargin: true },
    margin: { l: 10, r: 10, t: 50, b: 40 }, showlegend: false, // height: the CSS
  };
  return draw($("cr-chart"), data, layout);
}

async function showItem(item) {
  const { id, body } = state.crit;
  const partner = body.partner;
  const d = await api(`/sweeps/${encodeURIComponent(id)}/losses?partner=`
    + `${encodeURIComponent(partner)}&item=${encodeURIComponent(item)}`);
  if (state.crit.body !== body) return; // another sweep or partner was chosen meanwhile
  state.crit.item = item;
  for (const tr of $("cr-table").querySelectorAll("tr.pick")) {
    tr.classList.toggle("chosen", tr.dataset.item === item);
  }
  $("cr-detail").hidden = false;
  $("cr-detail-title").textContent = `${item} for ${partner}: loss distribution`;
  $("cr-detail-meta").textContent = `Expected ${musd(d.expected_loss_usd)} M USD a year; `
    + `P10 ${musd(d.p10_usd)}, P50 ${musd(d.p50_usd)}, P90 ${musd(d.p90_usd)} across `
    + `${d.values.length} draws (${d.unit}).`;
  const values = d.values.map((v) => v / 1e6);
  const line = (x, label, dash) => ({ type: "line", x0: x, x1: x, yref: "paper", y0: 0, y1: 1,
    line: { color: label === "mean" ? "#c0392b" : "#555", dash, width: 1.5 } });
  const layout = {
    title: { text: `${item}: expected loss per draw, ${partner}` },
    xaxis: { title: { text: "million USD a year" }, automargin: true },
    yaxis: { title: { text: "draws" }, automargin: true },
    bargap: 0.05, margin: { l: 10, r: 10, t: 50, b: 40 }, showlegend: false,
    shapes: [line(d.p10_usd / 1e6, "P10", "dot"), line(d.expected_loss_usd / 1e6, "mean", "solid"),
      line(d.p90_usd / 1e6, "P90", "dot")],
    annotations: [["P10", d.p10_usd], ["mean", d.expected_loss_usd], ["P90", d.p90_usd]].map(
      ([t, x]) => ({ x: x / 1e6, yref: "paper", y: 1, text: t, showarrow: false,
        yanchor: "bottom", font: { size: 10 } })),
  };
  await draw($("cr-hist"), [{ type: "histogram", x: values,
    marker: { color: partnerColour(partner) }, nbinsx: Math.min(40, Math.max(5, values.length)),
    hovertemplate: "%{x} M USD: %{y} draws<extra></extra>" }], layout);
  renderTable($("cr-cases"), d.scenarios, [
    ["case", "case"], ["exporter", "exporter"], ["severity", "cut", fmt.pct, true],
    ["duration_months", "months", fmt.text, true],
    ["probability", "annual probability", fmt.pct, true],
    ["loss_mean_usd", "loss if it happens M USD", musd, true],
    ["loss_p10_usd", "P10", musd, true], ["loss_p90_usd", "P90", musd, true],
    ["share_of_expected", "share of expected", fmt.pct, true],
  ], "No case.");
}

/** The ranking shown, as CSV (USD, as the API gives it), downloaded from the page. */
function downloadRanking() {
  if (!state.crit) return;
  const { body } = state.crit;
  const cols = ["partner", "rank", "item", "mineral", "element", "expected_loss_usd",
    "expected_loss_p10_usd", "expected_loss_p90_usd", "probability", "cases",
    "worst_case_p50_usd"];
  const esc = (v) => {
    const t = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  const lines = [[...cols, "top_scenario"].join(","), ...body.rows.map((r) => [
    ...cols.map((c) => esc(r[c])), esc(r.scenarios[0] ? r.scenarios[0].case : "")].join(","))];
  const url = URL.createObjectURL(new Blob([`${lines.join("\n")}\n`], { type: "text/csv" }));
  const a = el("a", { href: url, download: `criticality-${body.sweep.id}-${body.partner}.csv` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function numberList(id, what) {
  const text = $(id).value;
  const values = text.split(",").map((p) => p.trim()).filter(Boolean).map(Number);
  if (!values.length || values.some((v) => !Number.isFinite(v))) {
    throw new ApiError(422, [{ loc: [what], msg: `numbers separated by commas, not "${text}"` }]);
  }
  return values;
}

function parseProbabilities(text) {
  const out = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const at = part.lastIndexOf("=");
    const p = Number(part.slice(at + 1));
    if (at < 1 || !Number.isFinite(p)) {
      throw new ApiError(422, [{ loc: ["probabilities"],
        msg: `"${part}" is not EXPORTER:mineral=probability (e.g. CHN:graphite=0.2)` }]);
    }
    out[part.slice(0, at).trim()] = p;
  }
  return out;
}

async function runSweep() {
  $("cr-errors").replaceChildren();
  showMessage("");
  let job;
  try {
    const body = { draws: intOrNull("cr-draws") || 100, months: intOrNull("cr-months") || 24,
      severities: numberList("cr-severities", "severities"),
      durations: numberList("cr-durations", "durations"),
      probabilities: parseProbabilities($("cr-probabilities").value) };
    const minerals = [...$("cr-minerals").selectedOptions].map((o) => o.value);
    if (minerals.length) body.minerals = minerals;
    job = await api("/criticality", { method: "POST", body });
  } catch (err) {
    showErrors("cr-errors", err);
    return;
  }
  state.sweepJob = job.id;
  $("cr-run").disabled = true;
  $("cr-cancel").hidden = false;
  try {
    job = await pollJob(`/criticality/${job.id}`, "cr-progress");
    if (job.status === "done") await listSweeps(job.sweep_id);
    else $("cr-errors").append(el("li", {}, `The sweep ${job.status}: ${job.error || ""}`));
  } catch (err) {
    fail(err);
  } finally {
    $("cr-run").disabled = false;
    $("cr-cancel").hidden = true;
    state.sweepJob = null;
  }
}

async function cancelSweep() {
  if (!state.sweepJob) return;
  try {
    await api(`/criticality/${state.sweepJob}`, { method: "DELETE" });
  } catch (err) {
    fail(err);
  }
}

// -- signals -----------------------------------------------------------------------------------
const TYPE_COLOURS = ["#c0392b", "#2c7fb8", "#41ab5d", "#fdae61", "#807dba", "#d9a441",
  "#1d91c0", "#969696"];

function rowsOf(body, key) {
  if (Array.isArray(body)) return body;
  return (body && (body[key] || body.rows || body.items)) || [];
}

async function loadSignals() {
  const all = rowsOf(await api("/events?limit=1000"), "events");
  const types = [...new Set(all.map((e) => e.type))].sort();
  $("sig-type").replaceChildren(el("option", { value: "" }, "any"),
    ...types.map((t) => el("option", { value: t }, t.replaceAll("_", " "))));
  await filterSignals();
}

async function filterSignals() {
  const params = new URLSearchParams();
  for (const [key, id] of [["country", "sig-country"], ["material", "sig-material"],
    ["type", "sig-type"]]) {
    const v = $(id).value.trim();
    if (v) params.set(key, v);
  }
  const query = params.toString();
  const body = await api(`/events${query ? `?${query}&` : "?"}limit=1000`);
  const events = rowsOf(body, "events").map((e) => ({ ...e, action: eventAction(e) }));
  const total = body && typeof body.total === "number" ? body.total : events.length;
  const shown = total > events.length ? ` (the first ${events.length} shown)` : "";
  $("sig-meta").textContent = `${total} event(s)${query ? " matching the filters" : ""}${shown}.`;
  renderTable($("sig-table"), events, [
    ["date", "date"], ["type", "type", (v) => fmt.text(v).replaceAll("_", " ")],
    ["countries", "countries"], ["materials", "materials"], ["language", "language"],
    ["title", "title"], ["evidence", "evidence"], ["action", "scenario"],
  ], "No event matches.");
  drawTimeline(events);
  await renderStories(query);
}

async function renderStories(query) {
  const stories = rowsOf(await api(`/stories${query ? `?${query}&` : "?"}limit=200`), "stories");
  renderTable($("sig-stories"), stories.map((s) => ({ ...s,
    agreed_text: Object.entries(s.agreed || {}).map(([k, v]) => `${k}: ${fmt.text(v)}`)
      .join("; "),
    disputed: (s.disagreements || []).length })), [
    ["date", "date"], ["type", "type", (v) => fmt.text(v).replaceAll("_", " ")],
    ["countries", "countries"], ["materials", "materials"], ["languages", "languages"],
    ["articles", "articles"], ["agreed_text", "agreed facts"],
    ["disputed", "disputed facts", fmt.text, true],
  ], "No story matches.");
}

function drawTimeline(events) {
  const dated = events.filter((e) => e.date);
  const types = [...new Set(dated.map((e) => e.type))].sort();
  const data = types.map((t, i) => {
    const rows = dated.filter((e) => e.type === t);
    return {
      type: "scatter", mode: "markers+text", name: t.replaceAll("_", " "),
      x: rows.map((e) => e.date), y: rows.map(() => t.replaceAll("_", " ")),
      text: rows.map((e) => fmt.text(e.countries)), textposition: "top center",
      customdata: rows.map((e) => `${e.title || e.id}<br>${fmt.text(e.materials)}`),
      hovertemplate: "%{x}: %{text}<br>%{customdata}<extra>%{fullData.name}</extra>",
      marker: { size: 11, color: TYPE_COLOURS[i % TYPE_COLOURS.length], opacity: 0.8 },
    };
  });
  const days = dated.map((e) => Date.parse(e.date)).filter((t) => !Number.isNaN(t));
  const pad = 45 * 86400e3; // a few events close together still get a readable date axis
  const range = days.length ? [new Date(Math.min(...days) - pad).toISOString().slice(0, 10),
    new Date(Math.max(...days) + pad).toISOString().slice(0, 10)] : undefined;
  const layout = {
    title: { text: "Policy timeline (events by date and type; labels: countries)" },
    xaxis: { type: "date", title: { text: "date" }, range },
    yaxis: { type: "category", automargin: true },
    height: 220 + 40 * types.length, showlegend: false,
    margin: { l: 10, r: 10, t: 50, b: 40 }, legend: { title: { text: "type" } },
  };
  return draw($("sig-timeline"), data, layout);
}

// -- history -----------------------------------------------------------------------------------
async function loadHistory() {
  $("hist-meta").textContent = "Press Show to replay (or read the stored replay of) every "
    + "historical episode.";
}

async function showHistory() {
  const draws = intOrNull("hist-draws") || 200;
  $("hist-load").disabled = true;
  $("hist-episodes").replaceChildren();
  showMessage("");
  try {
    for (;;) {  // 202 while the backtest job runs: poll the same URL
      const response = await fetch(`/backtest?draws=${draws}`,
        { headers: { "X-API-Key": localStorage.getItem(KEY_STORAGE) || "" } });
      const body = await response.json().catch(() => ({}));
      if (response.status === 200) break;
      if (response.status !== 202) throw new ApiError(response.status, body.detail);
      setProgress("hist-progress", body.progress, body.status, body.message);
      await sleep(2 * POLL_MS);
    }
    setProgress("hist-progress", 1, "done", "");
    await drawHistory(await api(`/dashboard/backtest?draws=${draws}`));
  } catch (err) {
    fail(err);
  } finally {
    $("hist-load").disabled = false;
  }
}

async function drawHistory(h) {
  const roles = Object.entries(h.coverage_by_role).map(([role, c]) => `${role}: ${c.inside} of `
    + `${c.points} recorded points inside the band`
    + (c.points ? ` (${fmt.pct(c.inside / c.points)})` : ""));
  $("hist-meta").textContent = `Dataset version ${h.version}, ${h.draws} draws per episode, `
    + `seed ${h.seed}. ${roles.join("; ")}.`;
  const box = $("hist-episodes");
  box.replaceChildren();
  for (const [i, e] of h.episodes.entries()) {
    const id = `hist-fig-${i}`;
    box.append(el("h3", {}, `${e.id} · ${e.role} · coverage `
      + `${e.coverage === null ? "—" : fmt.pct(e.coverage)}`));
    box.append(el("p", { class: "meta" }, `scenario ${e.scenario}, network year `
      + `${e.dataset_year}`));
    box.append(el("div", { id, class: "plot" }));
    const table = el("div");
    box.append(table);
    await plot(id, e.figure);
    renderTable(table, e.series.map((s) => ({ ...s, cited: s.sources.map((c) => (c.publication
      ? `${c.id} (${c.publication})` : c.id)).join("; ") })), [
      ["id", "series"], ["description", "what"], ["unit", "unit"],
      ["inside", "in band", fmt.text, true], ["points", "points", fmt.text, true],
      ["cited", "sources"],
    ]);
  }
}

// -- start -------------------------------------------------------------------------------------
function bind() {
  $("key-entry").addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = $("key-input").value.trim();
    if (!key) return;
    localStorage.setItem(KEY_STORAGE, key);
    $("key-input").value = "";
    state.loaded = {};
    state.views = null;
    if (await signIn()) await showPage();
  });
  $("change-key").addEventListener("click", () => {
    localStorage.removeItem(KEY_STORAGE);
    state.me = null;
    $("who-text").textContent = "not signed in";
    askKey();
  });
  window.addEventListener("hashchange", showPage);
  bindBuilder();
  $("sit-refresh").addEventListener("click", () => refreshAlerts().catch(fail));
  $("version").addEventListener("change", () => {
    state.version = Number($("version").value) || null;
    state.loaded = {};
    state.views = null;
    state.run = null;
    showPage().catch(fail);
  });
  $("dep-country").addEventListener("change", () => loadDependency().catch(fail));
  $("dep-element").addEventListener("change", () => loadDependency().catch(fail));
  $("atlas-view").addEventListener("change", () => drawSankey().catch(fail));
  $("atlas-mineral").addEventListener("change", () => loadAtlas().catch(fail));
  $("crit-partner").addEventListener("change", () => drawCriticality().catch(fail));
  $("tr-product").addEventListener("change", () => drawTrade().catch(fail));
  $("sc-element").addEventListener("change", () => renderRun().catch(fail));
  $("pf-element").addEventListener("change", renderChosen);
  $("hist-load").addEventListener("click", showHistory);
  $("sc-select").addEventListener("change", () => pickScenario().catch(fail));
  $("sc-validate").addEventListener("click", validateScenario);
  $("sc-run").addEventListener("click", runScenario);
  $("sc-cancel").addEventListener("click", cancelRun);
  $("pf-run").addEventListener("click", runPortfolio);
  $("cr-sweep").addEventListener("change", () => showSweep().catch(fail));
  $("cr-partner").addEventListener("change", () => switchPartner().catch(fail));
  $("cr-run").addEventListener("click", runSweep);
  $("cr-download").addEventListener("click", downloadRanking);
  $("cr-cancel").addEventListener("click", cancelSweep);
  $("sig-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    filterSignals().catch(fail);
  });
}

async function start() {
  bind();
  await showPage();
  if (await signIn()) await showPage();
  document.body.dataset.ready = "1";
}

start().catch(fail);
