"use strict";
// bubblescope dashboard: plain JavaScript over the JSON API (no external resources).

const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({ error: "BadResponse", message: response.statusText }));
  if (!response.ok) {
    throw new Error(`${body.error || response.status}: ${body.message || response.statusText}`);
  }
  return body;
}

function post(path, payload) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) });
}

function showNumbers(target, items) {
  target.innerHTML = "";
  for (const [label, value] of items) {
    const div = document.createElement("div");
    div.className = "number";
    div.innerHTML = '<div class="label"></div><div class="value"></div>';
    div.querySelector(".label").textContent = label;
    div.querySelector(".value").textContent = value;
    target.appendChild(div);
  }
}

const fmt = (x, digits = 3) => (x === null || x === undefined ? "n/a" : Number(x).toFixed(digits));
const pct = (x) => (x === null || x === undefined ? "n/a" : `${Number(x).toFixed(1)}%`);

function numbersFor(analysis, r) {
  if (analysis === "psy") {
    const cv = r.critical_values ? r.critical_values.gsadf[r.critical_values.levels.indexOf(r.level)] : null;
    return [["GSADF", fmt(r.gsadf)], [`${Math.round(100 * r.level)}% critical value`, fmt(cv)],
            ["explosive?", r.reject === null ? "n/a" : (r.reject ? "yes" : "no")],
            ["episodes", String(r.episodes.length)], ["observations", String(r.n)]];
  }
  if (analysis === "lppls") {
    return r.ok ? [["tc", r.tc_date || fmt(r.tc_days_after_t2, 1)], ["m", fmt(r.m)], ["ω", fmt(r.omega)],
                   ["passes filter", r.passes_filter1 ? "yes" : "no"]] : [["fit", r.reason]];
  }
  if (analysis === "lppls-confidence") {
    const pos = r.rows.map((row) => row.confidence_pos).filter((v) => v !== null);
    return [["dates", String(r.rows.length)], ["peak confidence (positive)", fmt(Math.max(...pos), 2)]];
  }
  if (analysis === "runup") {
    return [["run-up episodes", String(r.n_episodes)], ["crashes", String(r.n_crashes)]];
  }
  if (analysis === "gauge") {
    const latest = r.latest || {};
    return [["gauge reading", fmt(latest.aggregate, 1)], ["as of", String(latest.date || "n/a")],
            ["weight covered", pct(100 * (latest.coverage || 0))]];
  }
  return [["maximum drawdown", pct(100 * r.max_drawdown)], ["under-water spells", String(r.n_episodes)]];
}

async function loadSeries(selected) {
  const { series } = await api("/api/series");
  const select = $("series");
  select.innerHTML = "";
  for (const s of series) {
    const option = document.createElement("option");
    option.value = s.name;
    option.textContent = `${s.name} (${s.kind})`;
    select.appendChild(option);
  }
  if (selected) select.value = selected;
}

async function pollJob(job, box = "progress") {
  $(box).hidden = false;
  for (;;) {
    const state = await api(`/api/jobs/${job.id}`);
    $(`${box}-bar`).max = Math.max(state.total, 1);
    $(`${box}-bar`).value = state.done;
    $(`${box}-text`).textContent = `${state.status} ${state.done}/${state.total || "?"}`;
    if (state.status === "done") { $(box).hidden = true; return state.result; }
    if (state.status === "failed") { $(box).hidden = true; throw new Error(`${state.error.error}: ${state.error.message}`); }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function runAnalysis(event) {
  event.preventDefault();
  const analysis = $("analysis").value;
  const body = { series: $("series").value };
  if ($("start").value) body.start = $("start").value;
  if ($("end").value) body.end = $("end").value;
  $("message").textContent = "";
  $("run").disabled = true;
  try {
    let out;
    if (analysis === "psy") {
      Object.assign(body, { transform: $("transform").value, frequency: $("frequency").value, reps: Number($("reps").value) });
      out = await pollJob(await post("/api/jobs/psy", body));
    } else if (analysis === "lppls-confidence") {
      out = await pollJob(await post("/api/jobs/lppls-confidence", body));
    } else if (analysis === "gauge") {
      out = await api(`/api/gauge/${encodeURIComponent(body.series)}`);
    } else {
      out = await post(`/api/${analysis}`, body);
    }
    showNumbers($("numbers"), numbersFor(analysis, out.result));
    Plotly.react("chart", out.chart.data, out.chart.layout, { responsive: true, displaylogo: false });
    const data = out.data ? `\n\ndata: ${out.data.vintage}; ${out.data.first_date} to ${out.data.last_date}` +
      (out.data.stale ? `\nwarning: ${out.data.stale}` : "") : "";
    $("summary").textContent = (out.summary || "") + data;
    $("chart").dataset.ready = analysis;
  } catch (err) {
    $("message").textContent = err.message;
  } finally {
    $("run").disabled = false;
  }
}

async function uploadFile() {
  const file = $("upload").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  $("message").textContent = "";
  try {
    const out = await api("/api/upload", { method: "POST", body: form });
    await loadSeries(out.name);
    $("message").textContent = "";
  } catch (err) {
    $("message").textContent = err.message;
  }
}

async function loadNetwork() {
  const out = await api("/api/network");
  const r = out.result;
  const total = r.commitments.reduce((s, c) => s + (c.amount_usd_bn || 0), 0);
  showNumbers($("network-numbers"), [["firms", String(r.firms.length)], ["commitments", String(r.commitments.length)],
                                     ["total, USD bn", total.toFixed(1)], ["loops", String(r.cycles.length)]]);
  Plotly.react("network-chart", out.chart.data, out.chart.layout, { responsive: true, displaylogo: false });
  const firm = $("firm");
  firm.innerHTML = "";
  for (const f of r.firms) {
    const option = document.createElement("option");
    option.value = f.name;
    option.textContent = f.name;
    firm.appendChild(option);
  }
  firm.value = "OpenAI";
}

async function runStress(event) {
  event.preventDefault();
  try {
    const out = await post("/api/stress", { shocks: [{ firm: $("firm").value, fraction: Number($("fraction").value) }],
                                            alpha: Number($("alpha").value), beta: Number($("beta").value) });
    Plotly.react("stress-chart", out.chart.data, out.chart.layout, { responsive: true, displaylogo: false });
    $("stress-summary").textContent = out.summary;
  } catch (err) {
    $("stress-summary").textContent = err.message;
  }
}

// "Firms": the `firms` registry entry (POST /api/analyses/firms) as linked tables, its chart,
// and the charts of its runway and restated-P/E parts (the `runway` and `flattered` entries).
function linkTo(link, text) {
  const node = link.url ? Object.assign(document.createElement("a"), { href: link.url, rel: "noreferrer", target: "_blank" })
                        : document.createElement("span");
  node.textContent = text;
  node.title = link.title || link.text;
  return node;
}

// USD bn as Python's f"{x:,.2f}" writes it (toFixed rounds the double itself, as Python does;
// toLocaleString rounds its shortest decimal and could show 415.27 where the report shows 415.26).
function bn(x, digits = 2) {
  if (x === null || x === undefined) return "n/a";
  const [whole, frac] = Number(x).toFixed(digits).split(".");
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (frac === undefined ? "" : `.${frac}`);
}
const share = (x) => (x === null || x === undefined ? "n/a" : `${Math.round(100 * x)}%`);

function firmsTable(caption, head, rows) {
  const table = document.createElement("table");
  table.className = "firms-table";
  table.createCaption().textContent = caption;
  const tr = table.insertRow();
  for (const h of head) tr.appendChild(Object.assign(document.createElement("th"), { textContent: h }));
  for (const cells of rows) {
    const row = table.insertRow();
    cells.forEach((cell, k) => {
      const td = document.createElement(k === 0 ? "th" : "td");
      if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell;
      if (cell instanceof Element && cell.dataset.td) td.className = cell.dataset.td;
      row.appendChild(td);
    });
  }
  return table;
}

function valueCell(v) {
  if (v.basis === "missing") {
    const span = Object.assign(document.createElement("span"), { className: "missing", textContent: "n/a", title: v.reason });
    return span;
  }
  return linkedNumber(bn(v.value_usd_bn), v.links);
}

// A number linked to its first source, the others as numbered superscripts.
function linkedNumber(text, links) {
  const box = document.createElement("span");
  box.appendChild(links.length ? linkTo(links[0], text) : document.createTextNode(text));
  links.slice(1).forEach((link, k) => {
    const sup = document.createElement("sup");
    sup.appendChild(document.createTextNode(" "));
    sup.appendChild(linkTo(link, String(k + 2)));
    box.appendChild(sup);
  });
  return box;
}

function sourcesCell(links) {
  const box = document.createElement("span");
  box.dataset.td = "text";
  links.forEach((link, k) => {
    if (k) box.appendChild(document.createTextNode(", "));
    box.appendChild(linkTo(link, link.text));
  });
  return box;
}

function renderFirms(r) {
  const box = $("firms-tables");
  box.innerHTML = "";
  const titles = r.item_titles;
  for (const [kind, caption] of [["listed", "Balance sheets of the listed firms (USD bn, latest filing)"],
                                 ["private", "The private labs (USD bn, from graded facts)"]]) {
    const items = r.items[kind];
    const rows = [];
    for (const f of r.firms.filter((x) => x.kind === kind)) {
      const name = `${f.name} (${f.ticker || "private"})`;
      if (f.fallback) {
        const span = Object.assign(document.createElement("span"), { className: "missing", textContent: `n/a: ${f.fallback}` });
        span.dataset.td = "text";
        rows.push([name, span]);
        continue;
      }
      const byItem = Object.fromEntries(f.values.map((v) => [v.item, v]));
      rows.push([name, ...items.map((i) => valueCell(byItem[i]))]);
    }
    const table = firmsTable(caption, ["firm", ...items.map((i) => titles[i])], rows);
    for (const row of table.rows) {
      const only = row.cells.length === 2 && items.length > 1 ? row.cells[1] : null;
      if (only) only.colSpan = items.length;
    }
    box.appendChild(table);
  }
  const s = r.stress;
  box.appendChild(firmsTable(
    `Exposures when ${s.scenarios.join("; ")} (USD bn a year, ${s.year}; % of liquid assets)`,
    ["firm", "liquid assets", "exposure to shocked", "%", "payments due", "%", "shortfall", "%", "default"],
    s.exposures.map((e) => [
      e.firm,
      e.links.length ? linkTo(e.links[0], bn(e.liquid_assets))
                     : Object.assign(document.createElement("span"), { textContent: `${bn(e.liquid_assets)} assumed`, title: e.liquid_source, className: "assumed" }),
      linkedNumber(bn(e.exposure_to_shocked), e.exposure_to_shocked ? e.exposure_links : []), share(e.exposure_share),
      linkedNumber(bn(e.due), e.due ? e.due_links : []), share(e.due_share),
      linkedNumber(bn(e.shortfall), e.shortfall ? e.due_links : []), share(e.shortfall_share),
      e.default_round === null ? "-" : `round ${e.default_round}`,
    ])));
  box.appendChild(firmsTable("Runway: the year funding runs short (USD bn)",
    ["lab", "scenario", "short in", "new money", "payments", "sources"],
    r.runway.short_year.map((x) => [x.lab, x.scenario, x.short_year === null ? "never within the contracts" : String(x.short_year),
                                    bn(x.new_money_total, 1), linkedNumber(bn(x.payments_total, 1), x.payment_links), sourcesCell(x.links)])));
  const [lo, hi] = r.flattered.window;
  box.appendChild(firmsTable(`Restated P/E (earnings ${lo}-${hi}, servers over ${bn(r.flattered.economic_life_years)} years)`,
    ["firm", "earnings overstated", "Burry", "P/E at book", "P/E restated", "sources"],
    r.flattered.firms.map((x) => [x.ticker, `${x.overstated_pct >= 0 ? "+" : ""}${x.overstated_pct.toFixed(1)}%`,
                                  x.published_pct === null ? "-" : `${x.published_pct.toFixed(1)}%`,
                                  bn(x.pe_book, 1), bn(x.pe_restated, 1), sourcesCell(x.links)])));
  const notes = $("firms-notes");
  notes.innerHTML = "";
  for (const n of r.notes) notes.appendChild(Object.assign(document.createElement("li"), { textContent: n }));
  const defaults = s.exposures.filter((e) => e.default_round !== null).map((e) => e.firm);
  const filed = r.firms.filter((f) => f.kind === "listed" && !f.fallback).length;
  showNumbers($("firms-numbers"), [["firms", String(r.firms.length)], ["listed firms with filings", String(filed)],
                                   ["in default", defaults.join(", ") || "none"]]);
}

async function loadFirmsForm() {
  const { result } = await api("/api/network");
  fillSelect($("firms-firm"), result.firms.filter((f) => !f.external).map((f) => [f.name, f.name]), "OpenAI");
}

async function runFirms(event) {
  if (event) event.preventDefault();
  const body = { shocks: [`${$("firms-firm").value || "OpenAI"}=${Number($("firms-fraction").value)}`] };
  if ($("firms-year").value) body.year = Number($("firms-year").value);
  $("firms-message").textContent = "";
  $("firms-run").disabled = true;
  try {
    const [out, runway, flattered] = await Promise.all([
      post("/api/analyses/firms", body), post("/api/analyses/runway", {}), post("/api/analyses/flattered", {})]);
    renderFirms(out.result);
    Plotly.react("firms-chart", out.chart.data, out.chart.layout, { responsive: true, displaylogo: false });
    Plotly.react("firms-runway-chart", runway.chart.data, runway.chart.layout, { responsive: true, displaylogo: false });
    Plotly.react("firms-flattered-chart", flattered.chart.data, flattered.chart.layout, { responsive: true, displaylogo: false });
    $("firms-tables").dataset.ready = body.shocks[0];
  } catch (err) {
    $("firms-message").textContent = err.message;
  } finally {
    $("firms-run").disabled = false;
  }
}

async function runGpu(event) {
  if (event) event.preventDefault();
  const params = new URLSearchParams({ generation: $("generation").value });
  if ($("purchase").value) params.set("purchase_time", $("purchase").value);
  try {
    const out = await api(`/api/gpu?${params}`);
    const r = out.result;
    showNumbers($("gpu-numbers"), [["payback", r.payback_years === null ? "not within horizon" : `${fmt(r.payback_years, 1)} years`],
                                   ["economic life (cash rule)", `${fmt(r.economic_life_years, 1)} years`],
                                   ["full-cost break-even rent", `${fmt(r.full_cost_price_usd_per_gpu_hour, 2)} USD/GPU-h`]]);
    Plotly.react("gpu-chart", out.chart.data, out.chart.layout, { responsive: true, displaylogo: false });
    $("economy-summary").textContent = out.summary;
  } catch (err) {
    $("economy-summary").textContent = err.message;
  }
}

async function loadPower() {
  const out = await api("/api/power");
  Plotly.react("power-chart", out.chart.data, out.chart.layout, { responsive: true, displaylogo: false });
}

async function searchFacts(event) {
  if (event) event.preventDefault();
  const q = $("facts-q").value;
  const out = await api(`/api/facts${q ? `?q=${encodeURIComponent(q)}` : ""}`);
  const tbody = $("facts-table").querySelector("tbody");
  tbody.innerHTML = "";
  for (const f of out.facts) {
    const tr = document.createElement("tr");
    const value = f.value === null ? f.value_text : `${f.value} ${f.unit}`;
    for (const text of [f.id, f.description, value, f.as_of]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.appendChild(td);
    }
    const src = document.createElement("td");
    if (f.source_ref.startsWith("http")) {
      const a = document.createElement("a");
      a.href = f.source_ref;
      a.textContent = f.source_title;
      a.rel = "noreferrer";
      src.appendChild(a);
    } else {
      src.textContent = `${f.source_title} (${f.source_ref})`;
    }
    tr.appendChild(src);
    const grade = document.createElement("td");
    grade.textContent = f.grade;
    tr.appendChild(grade);
    tbody.appendChild(tr);
  }
}

let scenarioCatalogue = null;

function fillTable(table, rows, keys) {
  const tbody = table.querySelector("tbody");
  tbody.innerHTML = "";
  for (const row of rows) {
    const tr = document.createElement("tr");
    for (const key of keys) {
      const td = document.createElement("td");
      td.textContent = row[key] === null || row[key] === undefined ? "" : String(row[key]);
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
}

function showPreset() {
  const preset = scenarioCatalogue.presets.find((p) => p.name === $("preset").value);
  $("preset-description").textContent = preset.description;
  const box = $("scenario-params");
  box.innerHTML = "";
  for (const name of scenarioCatalogue.key_parameters) {
    const row = preset.parameters.find((r) => r.parameter === name);
    const label = document.createElement("label");
    label.title = `${row.meaning}; source: ${row.source}`;
    label.textContent = `${name} (${row.model_unit === "1" ? "fraction" : row.model_unit})`;
    const input = document.createElement("input");
    Object.assign(input, { type: "number", id: `param-${name}`, step: "any", value: String(row.model_value) });
    input.dataset.preset = String(row.model_value);
    label.appendChild(input);
    box.appendChild(label);
  }
  fillTable($("scenario-inputs"), preset.parameters, ["parameter", "value", "unit", "kind", "source", "meaning"]);
}

// Replace a <select>'s options with [value, label] pairs and select `chosen`.
function fillSelect(select, pairs, chosen) {
  select.innerHTML = "";
  for (const [value, label] of pairs) {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = label;
    select.appendChild(option);
  }
  select.value = chosen;
}

async function loadScenario() {
  scenarioCatalogue = await api("/api/scenario/presets");
  fillSelect($("preset"), scenarioCatalogue.presets.map((p) => [p.name, p.name]), "base");
  showPreset();
}

async function runScenario(event) {
  event.preventDefault();
  const overrides = {};
  for (const name of scenarioCatalogue.key_parameters) {
    const input = $(`param-${name}`);
    if (input.value !== input.dataset.preset) overrides[name] = Number(input.value);
  }
  const body = { preset: $("preset").value, paths: Number($("scenario-paths").value),
                 seed: Number($("scenario-seed").value), overrides };
  $("scenario-message").textContent = "";
  $("scenario-run").disabled = true;
  try {
    const out = await pollJob(await post("/api/jobs/scenario", body), "scenario-progress");
    const h = out.headline;
    showNumbers($("scenario-numbers"), [
      [`bust share by ${h.by_year}`, pct(100 * h.bust_share)],
      ["median bust year", h.median_bust_year === null ? `after ${h.by_year}` : String(h.median_bust_year)],
      ["median depth (busted paths)", h.median_depth === null ? "n/a" : pct(100 * h.median_depth)],
      ["paths", String(h.n_paths)],
    ]);
    Plotly.react("scenario-chart", out.chart.data, out.chart.layout, { responsive: true, displaylogo: false });
    $("scenario-summary").textContent = out.summary;
    fillTable($("scenario-inputs"), out.result.scenario.parameters, ["parameter", "value", "unit", "kind", "source", "meaning"]);
    $("scenario-chart").dataset.ready = Object.keys(overrides).sort().join(",") || "preset";
  } catch (err) {
    $("scenario-message").textContent = err.message;
  } finally {
    $("scenario-run").disabled = false;
  }
}

async function loadStatus() {
  try {
    const job = await api("/api/jobs/status", { method: "POST" });
    const out = await pollJob(job, "status-progress");
    $("status-table").innerHTML = out.html;  // server-rendered and escaped (status_table_html)
    if (out.chart) Plotly.react("status-chart", out.chart.data, out.chart.layout, { responsive: true, displaylogo: false });
    $("status-table").dataset.ready = "1";
  } catch (err) {
    $("status-message").textContent = err.message;
    $("status-progress").hidden = true;
  }
}

// "All analyses": every entry of the registry (GET /api/analyses), its form built from the
// JSON schema of its request; fields left unchanged take the preset's values on the server.
let registryCatalogue = null;

function registryInput(name, prop, value) {
  const choices = prop.enum || (prop.anyOf || []).flatMap((p) => p.enum || []);
  const types = [prop.type, ...(prop.anyOf || []).map((p) => p.type)];
  let input;
  if (choices.length) {
    input = document.createElement("select");
    for (const c of choices) {
      const option = document.createElement("option");
      option.value = JSON.stringify(c);
      option.textContent = String(c);
      input.appendChild(option);
    }
    input.value = JSON.stringify(value);
  } else if (types.includes("boolean")) {
    input = Object.assign(document.createElement("input"), { type: "checkbox", checked: Boolean(value) });
  } else {
    input = Object.assign(document.createElement("input"), { type: "text", value: value === null || value === undefined ? "" : JSON.stringify(value).replace(/^"|"$/g, "") });
  }
  input.dataset.field = name;
  input.dataset.initial = input.type === "checkbox" ? String(input.checked) : input.value;
  return input;
}

function showRegistryEntry() {
  const entry = registryCatalogue.find((a) => a.name === $("registry-analysis").value);
  $("registry-help").textContent = entry.help;
  const box = $("registry-fields");
  box.innerHTML = "";
  for (const [name, prop] of Object.entries(entry.schema.properties)) {
    const label = document.createElement("label");
    label.title = prop.description || "";
    label.textContent = name.replace(/_/g, " ");
    label.appendChild(registryInput(name, prop, prop.default));
    box.appendChild(label);
  }
}

function registryValue(input) {
  if (input.type === "checkbox") return input.checked;
  if (input.tagName === "SELECT") return JSON.parse(input.value);
  const text = input.value.trim();
  if (text === "") return null;
  try { return JSON.parse(text); } catch { return text.includes(",") ? text.split(",").map((t) => t.trim()) : text; }
}

async function loadRegistry() {
  registryCatalogue = (await api("/api/analyses")).analyses;
  fillSelect($("registry-analysis"), registryCatalogue.map((a) => [a.name, a.title]), "water");
  showRegistryEntry();
}

async function runRegistry(event) {
  event.preventDefault();
  const entry = registryCatalogue.find((a) => a.name === $("registry-analysis").value);
  const body = {};
  for (const input of $("registry-fields").querySelectorAll("[data-field]")) {
    const now = input.type === "checkbox" ? String(input.checked) : input.value;
    if (now !== input.dataset.initial || input.dataset.field === "series") body[input.dataset.field] = registryValue(input);
  }
  $("registry-message").textContent = "";
  $("registry-run").disabled = true;
  try {
    const out = entry.slow ? await pollJob(await post(`${entry.endpoint}/job`, body), "registry-progress")
                           : await post(entry.endpoint, body);
    Plotly.react("registry-chart", out.chart.data, out.chart.layout, { responsive: true, displaylogo: false });
    $("registry-summary").textContent = out.summary;
    $("registry-chart").dataset.ready = entry.name;
  } catch (err) {
    $("registry-message").textContent = err.message;
  } finally {
    $("registry-run").disabled = false;
  }
}

function switchTab(name) {
  for (const button of document.querySelectorAll(".tab")) button.classList.toggle("active", button.dataset.tab === name);
  for (const panel of document.querySelectorAll(".panel")) panel.hidden = panel.id !== `tab-${name}`;
  if (name === "network" && !$("network-chart").dataset.loaded) {
    $("network-chart").dataset.loaded = "1";
    loadNetwork().catch((err) => { $("stress-summary").textContent = err.message; });
  }
  if (name === "firms" && !$("firms-tables").dataset.loaded) {
    $("firms-tables").dataset.loaded = "1";
    loadFirmsForm().catch((err) => { $("firms-message").textContent = err.message; });
    runFirms();
  }
  if (name === "economy" && !$("gpu-chart").dataset.loaded) {
    $("gpu-chart").dataset.loaded = "1";
    runGpu();
    loadPower().catch((err) => { $("economy-summary").textContent = err.message; });
  }
  if (name === "scenario" && !$("preset").dataset.loaded) {
    $("preset").dataset.loaded = "1";
    loadScenario().catch((err) => { $("scenario-message").textContent = err.message; });
  }
  if (name === "registry" && !$("registry-analysis").dataset.loaded) {
    $("registry-analysis").dataset.loaded = "1";
    loadRegistry().catch((err) => { $("registry-message").textContent = err.message; });
  }
  if (name === "facts" && !$("facts-table").dataset.loaded) {
    $("facts-table").dataset.loaded = "1";
    searchFacts();
  }
}

function toggleOptions() {
  const psy = $("analysis").value === "psy";
  for (const id of ["start", "end"]) $(id).disabled = $("analysis").value === "gauge";
  for (const el of document.querySelectorAll(".psy-only")) el.hidden = !psy;
}

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll(".tab")) button.addEventListener("click", () => switchTab(button.dataset.tab));
  $("analyse-form").addEventListener("submit", runAnalysis);
  $("stress-form").addEventListener("submit", runStress);
  $("firms-form").addEventListener("submit", runFirms);
  $("facts-form").addEventListener("submit", searchFacts);
  $("gpu-form").addEventListener("submit", runGpu);
  $("scenario-form").addEventListener("submit", runScenario);
  $("registry-form").addEventListener("submit", runRegistry);
  $("registry-analysis").addEventListener("change", showRegistryEntry);
  $("preset").addEventListener("change", showPreset);
  $("upload").addEventListener("change", uploadFile);
  $("analysis").addEventListener("change", toggleOptions);
  toggleOptions();
  loadSeries("NASDAQ").catch((err) => { $("message").textContent = err.message; });
  loadStatus();
});
