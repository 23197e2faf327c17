// wiredesk operations view: polls /ops/data (samples of this worker's Prometheus
// metrics) and draws each panel as inline SVG. No dependencies, no build step.
"use strict";

const POLL_MS = 2000;
const COLORS = ["#0b5cad", "#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#c2255c", "#1098ad", "#5c940d"];
const SVG = "http://www.w3.org/2000/svg";
const W = 600, H = 180, PAD_L = 44, PAD_B = 16, PAD_T = 8;

function el(name, attrs, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function fmt(value, unit) {
  if (value === null || value === undefined) return "–";
  if (unit === "s") return value < 1 ? `${(value * 1000).toFixed(0)} ms` : `${value.toFixed(2)} s`;
  if (Math.abs(value) >= 1000) return `${(value / 1000).toFixed(1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

// A topic's name without the deployment's prefix (the part before the first dot).
function shortName(name) {
  const dot = name.indexOf(".");
  return dot > 0 && !name.includes("/") ? name.slice(dot + 1) : name;
}

function draw(panelId, t, lines, unit, emptyText) {
  const panel = document.getElementById(panelId);
  const chart = panel.querySelector(".chart");
  const legend = panel.querySelector(".legend");
  const names = Object.keys(lines);
  let peak = 0;
  for (const name of names) for (const v of lines[name]) if (v !== null && v > peak) peak = v;
  panel.dataset.peak = String(peak);
  panel.dataset.series = String(names.length);
  const top = peak > 0 ? peak * 1.1 : 1;
  const t0 = t.length ? Math.min(t[0], -60) : -60;
  const x = (s) => PAD_L + (W - PAD_L - 4) * (s - t0) / (0 - t0);
  const y = (v) => PAD_T + (H - PAD_T - PAD_B) * (1 - v / top);

  const svg = el("svg", {viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", role: "img",
                         "aria-label": panel.querySelector("h2").textContent});
  svg.append(el("line", {class: "axis", x1: PAD_L, y1: y(0), x2: W, y2: y(0)}),
             el("line", {class: "axis", x1: PAD_L, y1: PAD_T, x2: PAD_L, y2: y(0)}),
             el("text", {x: PAD_L - 4, y: PAD_T + 8, "text-anchor": "end"}, fmt(top, unit)),
             el("text", {x: PAD_L - 4, y: y(0), "text-anchor": "end"}, "0"),
             el("text", {x: PAD_L, y: H - 2}, `${Math.round(-t0 / 60 * 10) / 10} min ago`),
             el("text", {x: W - 4, y: H - 2, "text-anchor": "end"}, "now"));
  legend.replaceChildren();
  names.forEach((name, i) => {
    const color = COLORS[i % COLORS.length];
    let points = [];
    const flush = () => {
      if (points.length > 1) svg.append(el("polyline", {points: points.join(" "), stroke: color}));
      else if (points.length) {  // one sample between gaps: a dot, not an invisible line
        const [cx, cy] = points[0].split(",");
        svg.append(el("circle", {cx, cy, r: 3, fill: color}));
      }
      points = [];
    };
    lines[name].forEach((v, k) => {
      if (v === null || v === undefined) flush();
      else points.push(`${x(t[k]).toFixed(1)},${y(v).toFixed(1)}`);
    });
    flush();
    const values = lines[name].filter((v) => v !== null && v !== undefined);
    const item = document.createElement("li");
    item.style.setProperty("--swatch", color);
    item.title = name;
    item.dataset.name = name;
    item.append(shortName(name));
    const value = document.createElement("span");
    value.className = "value";
    value.textContent = fmt(values.length ? values[values.length - 1] : null, unit);
    item.append(value);
    legend.append(item);
  });
  if (!names.length) {
    const item = document.createElement("li");
    item.className = "empty";
    item.textContent = emptyText;
    legend.append(item);
  }
  chart.replaceChildren(svg);
}

function render(data) {
  draw("throughput", data.t, data.throughput, "", "no stage has processed anything yet");
  draw("lag", data.t, data.lag, "", "no input partitions assigned yet");
  draw("latency", data.t, data.latency, "s", "no latencies yet");
  draw("dead-letters", data.t, data.dead_letters, "", "no dead letters since this worker started");
  const totals = data.totals || {};
  const sum = (o) => Object.values(o || {}).reduce((a, b) => a + b, 0);
  document.getElementById("totals").textContent = data.t.length
    ? `Since this worker started: ${sum(totals.processed)} messages processed, ` +
      `${sum(totals.records_out)} records out, ${sum(totals.dead_letters)} dead letters; ` +
      `lag now ${totals.lag ?? 0}. ${data.t.length} samples, one every ${data.every_s} s.`
    : "Waiting for the first sample…";
}

async function poll() {
  const status = document.getElementById("status");
  try {
    const response = await fetch("/ops/data", {cache: "no-store"});
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    render(await response.json());
    status.dataset.state = "live";
    status.textContent = `Live, updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    status.dataset.state = "error";
    status.textContent = `Worker not answering (${error.message}); retrying`;
  }
  setTimeout(poll, POLL_MS);
}

poll();
