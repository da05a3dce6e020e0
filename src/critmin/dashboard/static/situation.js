// critmin dashboard, the situation page (issue 15): the alerts that `critmin respond` and the
// watch mode store (GET /alerts, GET /alerts/{id}), newest first; for the chosen alert the
// impact on each partner (tonnes and % of demand short at peak with P10-P90, months of cover,
// value at risk), the evidence sentences, the story and a link to the run behind it.
// A classic script loaded before app.js (it uses app.js's helpers when called).
"use strict";

const situation = { alerts: [], chosen: null, missing: false };

/** A P10/P50/P90 band of an impact field, whatever way it is given: a number (P50 only), an
 * object {p10, p50, p90}, or flat keys NAME_p50 / NAME_p50_t (the summaries' style). */
function band(impact, names) {
  for (const name of names) {
    const v = impact[name];
    if (typeof v === "number") return { p50: v };
    if (v && typeof v === "object" && ["p10", "p50", "p90"].some((q) => q in v)) {
      return { p10: v.p10, p50: v.p50 ?? v.mean, p90: v.p90 };
    }
    const stem = name.replace(/_(t|usd)$/, "");
    const unit = name.slice(stem.length);
    const flat = {};
    for (const q of ["p10", "p50", "p90"]) {
      for (const key of [`${name}_${q}`, `${stem}_${q}${unit}`]) {
        if (typeof impact[key] === "number") flat[q] = impact[key];
      }
    }
    if ("p50" in flat) return flat;
  }
  return null;
}

/** Impact fields of critmin.signals.alerts.PartnerImpact (first) and other spellings, with
 * the factor to the page's units (tonnes, share 0-1, months, USD). */
const IMPACT_FIELDS = {
  short_t: [[["tonnes_short_peak", "shortfall_t", "short_t", "shortfall_peak_t"], 1]],
  share: [[["pct_demand_short_peak"], 0.01], [["share_short", "share_of_demand"], 1]],
  cover: [[["months_of_cover", "cover_months"], 1]],
  var_usd: [[["value_at_risk_musd"], 1e6], [["value_at_risk_usd", "value_at_risk"], 1]],
};

function scaled(b, factor) {
  if (!b) return null;
  const out = {};
  for (const [q, v] of Object.entries(b)) if (typeof v === "number") out[q] = v * factor;
  return out;
}

/** One row per partner: the bands of the four figures (null: the alert does not give it). */
function impactRows(alert) {
  return Object.entries(alert.impact || {}).map(([partner, impact]) => {
    const row = { partner };
    const given = impact || {};
    for (const [key, spellings] of Object.entries(IMPACT_FIELDS)) {
      row[key] = null;
      for (const [names, factor] of spellings) {
        const b = band(given, names);
        if (b) {
          row[key] = scaled(b, factor);
          break;
        }
      }
    }
    // months of cover given as null: never short within the simulated horizon
    row.never_short = "months_of_cover" in given && given.months_of_cover === null;
    row.usd_year = given.usd_year;
    row.peak_month = given.peak_month;
    row.run_id = given.run_id;
    row.note = given.note || given.reason;
    return row;
  });
}

/** The event's text: critmin's EventRef (summary) or a plain string. */
const eventText = (a) => (a.event && typeof a.event === "object"
  ? a.event.summary || a.event.id : a.event) || a.title || a.id;

const bandText = (b, f) => (!b ? "—" : b.p10 === undefined || b.p90 === undefined ? f(b.p50)
  : `${f(b.p50)} (${f(b.p10)} – ${f(b.p90)})`);

const alertTime = (a) => a.created_at || a.date || a.event_date || "";

/** Seconds between two looks for new alerts while the situation page is shown. */
const SITUATION_REFRESH_S = 60;

async function loadSituation() {
  await loadViews(); // the country colours come with them
  await refreshAlerts();
  if (!situation.timer) {
    situation.timer = setInterval(() => {
      if (currentPage() === "situation" && !document.hidden) refreshAlerts().catch(fail);
    }, SITUATION_REFRESH_S * 1000);
  }
}

/** Read the alerts again; the chosen one stays chosen (else the newest is shown). */
async function refreshAlerts() {
  let body;
  try {
    body = await api("/alerts?limit=200");
  } catch (err) {
    if (!(err instanceof ApiError) || ![404, 405].includes(err.status)) throw err;
    body = null; // this service has no alerts endpoint yet
  }
  situation.missing = body === null;
  situation.alerts = rowsOf(body, "alerts").slice()
    .sort((a, b) => alertTime(b).localeCompare(alertTime(a)));
  renderAlertList();
  const keep = situation.chosen && situation.alerts.find((a) => a.id === situation.chosen.id);
  if (situation.alerts.length) await showAlert(keep ? keep.id : situation.alerts[0].id);
  $("sit-updated").textContent = `Read at ${new Date().toLocaleTimeString()}; looked at again `
    + `every ${SITUATION_REFRESH_S} s while this page is open.`;
}

function renderAlertList() {
  const list = $("sit-list");
  const n = situation.alerts.length;
  $("sit-detail").hidden = !n;
  if (!n) {
    $("sit-meta").textContent = situation.missing
      ? "No alerts yet: this service has no alert store (GET /alerts). Alerts come from "
        + "`critmin respond ARTICLES` or the watch mode once they are stored."
      : "No alerts yet: nothing `critmin respond` or the watch mode turned into an alert.";
    list.replaceChildren(el("p", { class: "empty" }, "No alerts yet."));
    return;
  }
  $("sit-meta").textContent = `${n} alert(s), newest first. Click one for its impact.`;
  const items = situation.alerts.map((a) => {
    const li = el("li", { class: "alert-item", "data-id": a.id });
    li.append(el("span", { class: "when" }, alertTime(a).slice(0, 16).replace("T", " ")),
      el("span", { class: "type" }, fmt.text(a.type).replaceAll("_", " ")),
      el("span", { class: "what" }, eventText(a)),
      el("span", { class: "who" }, `${fmt.text(a.countries)} · ${fmt.text(a.materials)}`));
    li.addEventListener("click", () => showAlert(a.id).catch(fail));
    return li;
  });
  list.replaceChildren(el("ul", { class: "alerts" }, undefined));
  list.firstChild.append(...items);
}

async function showAlert(id) {
  const listed = situation.alerts.find((a) => a.id === id) || {};
  let alert = listed;
  try {
    alert = { ...listed, ...(await api(`/alerts/${encodeURIComponent(id)}`)) };
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
  }
  situation.chosen = alert;
  for (const li of document.querySelectorAll("#sit-list li")) {
    li.classList.toggle("chosen", li.dataset.id === id);
  }
  $("sit-title").textContent = eventText(alert);
  const facts = [fmt.text(alert.type).replaceAll("_", " "), `countries ${fmt.text(alert.countries)}`,
    `materials ${fmt.text(alert.materials)}`, alertTime(alert) && `at ${alertTime(alert)}`,
    alert.confidence !== undefined && `confidence ${fmt.pct(alert.confidence)}`,
    alert.draws && `${alert.draws} draws`,
    alert.dataset_version && `dataset version ${alert.dataset_version}`,
    alert.scenario && (typeof alert.scenario === "string" || alert.scenario.name)
      && `scenario ${typeof alert.scenario === "string" ? alert.scenario : alert.scenario.name}`];
  $("sit-facts").textContent = facts.filter(Boolean).join(" · ");
  const rows = impactRows(alert);
  await drawImpact(rows);
  const given = (key) => rows.some((r) => r[key] !== undefined && r[key] !== null);
  renderTable($("sit-table"), rows.map((r) => ({ ...r,
    short_text: bandText(r.short_t, fmt.t), share_text: bandText(r.share, fmt.pct),
    cover_text: r.never_short ? "not short within the horizon" : bandText(r.cover, fmt.t),
    var_text: bandText(r.var_usd, (v) => `${fmt.t(v / 1e6)} M`)
      + (r.var_usd && r.usd_year ? ` (USD ${r.usd_year})` : "") })), [
    ["partner", "partner"], ["product", "product"],
    ["short_text", "t short at peak P50 (P10 – P90)", fmt.text, true],
    ["share_text", "% of demand short at peak", fmt.text, true],
    ["cover_text", "months of cover", fmt.text, true],
    ["var_text", "value at risk USD", fmt.text, true],
    ["peak_month", "peak month", fmt.text, true], ["note", "note"],
  ].filter(([key]) => !["product", "peak_month", "note"].includes(key) || given(key)), "The alert quantifies no partner (no simulation behind it).");
  const evidence = Array.isArray(alert.evidence) ? alert.evidence
    : alert.evidence ? [alert.evidence] : [];
  $("sit-evidence").replaceChildren(...(evidence.length
    ? evidence.map((s) => el("li", {}, typeof s === "string" ? s : s.text || JSON.stringify(s)))
    : [el("li", { class: "empty" }, "No evidence sentence.")]));
  await showAlertStory(alert.story);
  const run = alert.run_id || (alert.run && alert.run.id)
    || (rows.find((r) => r.run_id) || {}).run_id;
  const link = $("sit-run");
  link.hidden = !run;
  $("sit-no-run").hidden = Boolean(run);
  if (run) link.href = `#scenario/alert-run/${encodeURIComponent(run)}`;
}

/** The scenario page with the quick run behind an alert (#scenario/alert-run/RUN): its
 * shortfall and price charts (GET /dashboard/alert-runs/{run}/figures). */
async function showAlertRun(runId) {
  const figures = await api(`/dashboard/alert-runs/${encodeURIComponent(runId)}/figures`);
  state.run = { jobId: null, runId, alertRun: true };
  $("sc-results").hidden = false;
  $("sc-description").textContent = `The quick run ${runId} behind an alert (critmin respond). `
    + "Its impact per partner is on the Situation page; pick a scenario above to run another.";
  $("sc-table").replaceChildren(el("p", { class: "empty" },
    "The impact per partner of this run is on the Situation page."));
  $("sc-peaks").replaceChildren();
  for (const [key, id] of [["shortfall", "sc-shortfall"], ["price", "sc-price"]]) {
    const node = $(id);
    if (figures[key]) {
      await plot(id, figures[key]);
    } else {
      Plotly.purge(node);
      node.replaceChildren(el("p", { class: "empty" }, `No ${key} to draw.`));
    }
  }
}

/** Bars per partner: % of demand short at peak (P50, P10-P90 whiskers), else tonnes. */
async function drawImpact(rows) {
  const node = $("sit-impact");
  const useShare = rows.some((r) => r.share);
  const key = useShare ? "share" : "short_t";
  const scale = useShare ? 100 : 1;
  const shown = rows.filter((r) => r[key]);
  if (!shown.length) {
    Plotly.purge(node);
    node.replaceChildren(el("p", { class: "empty" }, "No impact figures to draw."));
    return;
  }
  node.replaceChildren();
  const v = (r, q) => (r[key][q] === undefined ? r[key].p50 : r[key][q]) * scale;
  const data = [{
    type: "bar", orientation: "h", y: shown.map((r) => r.partner),
    x: shown.map((r) => v(r, "p50")),
    marker: { color: shown.map((r) => countryColour(r.partner)) },
    error_x: { type: "data", symmetric: false, color: "#333",
      array: shown.map((r) => v(r, "p90") - v(r, "p50")),
      arrayminus: shown.map((r) => v(r, "p50") - v(r, "p10")) },
    customdata: shown.map((r) => [v(r, "p10"), v(r, "p90")]),
    hovertemplate: `%{y}: %{x:,.1f}${useShare ? "%" : " t"} (P10 %{customdata[0]:,.1f} – `
      + "P90 %{customdata[1]:,.1f})<extra></extra>",
  }];
  const layout = {
    title: { text: useShare ? "Share of demand short at peak (P50, P10–P90)"
      : "Tonnes short at peak (P50, P10–P90)" },
    xaxis: { title: { text: useShare ? "% of demand" : "t" }, rangemode: "tozero",
      automargin: true },
    yaxis: { type: "category", automargin: true },
    height: 160 + 50 * shown.length, margin: { l: 10, r: 10, t: 50, b: 40 }, showlegend: false,
  };
  await draw(node, data, layout);
}

async function showAlertStory(story) {
  const box = $("sit-story");
  if (!story) {
    box.replaceChildren(el("p", { class: "empty" }, "Not part of a story."));
    return;
  }
  let s = typeof story === "object" ? story : { id: story };
  if (!s.articles) {
    try {
      s = await api(`/stories/${encodeURIComponent(s.id)}`);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
    }
  }
  box.replaceChildren(storySummary(s));
}

/** A story's id, languages, articles and agreed facts (shared with the signals page). */
function storySummary(s) {
  const div = el("div", { class: "story" });
  div.append(el("p", {}, `Story ${s.id}${s.title ? `: ${s.title}` : ""}`
    + `${s.type ? ` (${s.type.replaceAll("_", " ")})` : ""}`
    + (s.articles ? `: ${s.articles.length} article(s) in ${fmt.text(s.languages)}` : "")));
  const agreed = Object.entries(s.agreed || {});
  if (agreed.length) {
    div.append(el("p", { class: "meta" }, `Agreed: ${agreed.map(([k, v]) => `${k} `
      + `${fmt.text(v)}`).join("; ")}`));
  }
  if (s.disagreements && s.disagreements.length) {
    div.append(el("p", { class: "meta" }, `Disputed: ${s.disagreements.map((d) => d.field
      || d.fact || JSON.stringify(d)).join("; ")}`));
  }
  return div;
}
