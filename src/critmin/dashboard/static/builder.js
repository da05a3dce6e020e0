// critmin dashboard, scenario building: the form (name, horizon, restrictions), saving a
// scenario (POST /scenarios) and drafting one from a signal (GET /events/{id}/scenario) in one
// click. A classic script loaded before app.js (it uses app.js's helpers when called).
"use strict";

/** Event types a scenario can be drafted from (critmin.signals.scenario_draft). */
const DRAFT_TYPES = new Set(["export_control", "import_ban", "sanction"]);

const splitList = (text) => text.split(",").map((p) => p.trim()).filter(Boolean);

function restrictionRow(r = {}) {
  const tr = el("tr", { class: "bd-row" });
  const cell = (cls, value, attrs = {}) => {
    const input = el("input", { class: cls, size: attrs.size || 10, ...attrs });
    input.value = value === undefined || value === null ? "" : String(value);
    const td = el("td");
    td.append(input);
    tr.append(td);
  };
  cell("bd-exporter", r.exporter || "", { size: 6, placeholder: "CHN" });
  cell("bd-products", (r.products || []).join(", "), { size: 22 });
  cell("bd-importers", Array.isArray(r.importers) ? r.importers.join(", ") : "", { size: 14 });
  cell("bd-share", r.share ?? 1, { type: "number", min: 0, max: 1, step: 0.05 });
  cell("bd-start", r.start ?? 1, { type: "number", min: 1 });
  cell("bd-duration", r.duration ?? "", { type: "number", min: 1 });
  const remove = el("button", { type: "button", class: "bd-remove" }, "remove");
  remove.addEventListener("click", () => tr.remove());
  const td = el("td");
  td.append(remove);
  tr.append(td);
  $("bd-restrictions").append(tr);
}

/** The form as a scenario body (numbers as numbers; empty fields left to the defaults). */
function formScenario() {
  const sc = { name: $("bd-name").value.trim(), months: Number($("bd-months").value) || 24 };
  const description = $("bd-description").value.trim();
  if (description) sc.description = description;
  sc.restrictions = [...document.querySelectorAll("#bd-restrictions .bd-row")].map((tr) => {
    const v = (cls) => tr.querySelector(`.${cls}`).value.trim();
    const r = { exporter: v("bd-exporter"), share: Number(v("bd-share") || 1),
      start: Number(v("bd-start") || 1) };
    if (v("bd-products")) r.products = splitList(v("bd-products"));
    if (v("bd-importers")) r.importers = splitList(v("bd-importers"));
    if (v("bd-duration")) r.duration = Number(v("bd-duration"));
    return r;
  });
  return sc;
}

/** Fill the form from a scenario body (its restrictions; other fields stay in the JSON). */
function fillForm(sc) {
  $("bd-name").value = sc.name || "";
  $("bd-months").value = sc.months || 24;
  $("bd-description").value = sc.description || "";
  for (const tr of document.querySelectorAll("#bd-restrictions .bd-row")) tr.remove();
  for (const r of sc.restrictions || []) restrictionRow(r);
}

/** "Use this form": merge the form into the JSON editor's scenario (other fields kept). */
function applyForm() {
  let current = {};
  try {
    current = JSON.parse($("sc-body").value || "{}");
  } catch (_) {
    current = {};
  }
  const sc = { ...current, ...formScenario() };
  $("sc-body").value = JSON.stringify(sc, null, 2);
  $("sc-errors").replaceChildren();
  $("sc-description").textContent = `Built with the form: ${sc.name || "(no name yet)"}, `
    + `${sc.restrictions.length} restriction(s). Validate, run or save it.`;
}

/** Save the scenario of the JSON editor (POST /scenarios) and pick it in the list. */
async function saveScenario() {
  $("sc-errors").replaceChildren();
  let body;
  try {
    body = JSON.parse($("sc-body").value);
  } catch (err) {
    showErrors("sc-errors", new ApiError(422, [{ loc: ["scenario"],
      msg: `not valid JSON: ${err.message}` }]));
    return;
  }
  try {
    const payload = { scenario: body };
    if (state.version) payload.version = state.version;
    const saved = await api("/scenarios", { method: "POST", body: payload });
    state.loaded.scenario = true;
    await loadScenarios(saved.name);
    $("sc-errors").append(el("li", { class: "ok" }, `Saved as ${saved.name}`
      + `${saved.confidential_to ? ` (visible to ${saved.confidential_to} only)` : ""}.`));
  } catch (err) {
    showErrors("sc-errors", err);
  }
}

/** The signals page's "Scenario" button: draft the event's scenario and open it. */
async function draftFromEvent(eventId) {
  const draft = await api(`/events/${encodeURIComponent(eventId)}/scenario`);
  state.draft = { eventId, body: draft };
  if (location.hash === "#scenario") await openDraft();
  else location.hash = "#scenario";
}

/** Put a pending draft in the editor and the form (unsaved: Run and Save use the text). */
async function openDraft() {
  const draft = state.draft;
  if (!draft) return;
  state.draft = null;
  state.scenarioText = "";
  $("sc-body").value = JSON.stringify(draft.body, null, 2);
  fillForm(draft.body);
  $("sc-build").open = true;
  $("sc-description").textContent = `Draft from signal ${draft.eventId}: `
    + `${draft.body.description || draft.body.name}. Review it, then Run or Save.`;
  $("sc-errors").replaceChildren();
}

function eventAction(e) {
  if (!DRAFT_TYPES.has(e.type)) return el("span", { class: "empty" }, "—");
  const b = el("button", { type: "button", class: "draft", "data-event": e.id }, "Scenario");
  b.title = "Draft the scenario this event implies and open it";
  b.addEventListener("click", () => draftFromEvent(e.id).catch(fail));
  return b;
}

function bindBuilder() {
  $("bd-add").addEventListener("click", () => restrictionRow());
  $("bd-apply").addEventListener("click", applyForm);
  $("sc-save").addEventListener("click", saveScenario);
}
