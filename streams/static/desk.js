// wiredesk desk page: plain JavaScript, no library, no build step.
// Data: /desk/stream and /alerts/stream?recent= (server-sent events) feed the live
// column, each first with its recent items (so a reload shows them again);
// the table API answers the searches and /articles/{id}/annotated the article view;
// /health tells whether the worker still reaches the broker (while it does not, the
// column keeps what it showed, marked stale). Every text from the worker goes into
// the page through textContent, never as HTML; a missing value shows as "–".
"use strict";

(function () {
  const MAX_ITEMS = 200;
  const RECENT_ALERTS = 25; // per partition of the alerts topic, on (re)load
  const CHART_DAYS = 60; // the entity chart's window, ending on its last day
  const HEALTH_EVERY_MS = 5000;
  const KIND_OF_ALERT = { quotes: "quote", figures: "figure", entities: "entity", events: "event" };
  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- helpers
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function latency(ms) {
    if (ms === null || ms === undefined) return "–";
    if (ms < 1000) return `${Math.round(ms)} ms`;
    if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
    return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
  }

  function clock(iso) {
    const d = iso ? new Date(iso) : null;
    if (!d || isNaN(d)) return h("span", { text: "–" });
    const text = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    return h("time", { datetime: d.toISOString(), title: d.toLocaleString() }, text);
  }

  function day(iso) {
    const d = iso ? new Date(iso) : null;
    if (!d || isNaN(d)) return "–";
    // The story's date is a calendar day: show it as the UTC day it was given as.
    return d.toLocaleDateString([], { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
  }

  function articleHref(articleId, kind, ref) {
    const base = `#/article/${encodeURIComponent(articleId)}`;
    return kind && ref ? `${base}/${kind}/${encodeURIComponent(ref)}` : base;
  }

  async function getJson(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" } });
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    return { status: response.status, body };
  }

  const seg = (text) => encodeURIComponent(text.trim());
  // What the page prints for a value: never "null" or "undefined".
  const shown = (v) => (v === null || v === undefined || v === "" ? "–" : String(v));

  // ---------------------------------------------------------------- status and health
  const status = $("status");
  const streams = { articles: "connecting", alerts: "connecting" };
  let brokerLost = false;
  let lastFresh = null; // when the column was last known to be live (a Date)

  function showStale() {
    // Stale: the worker lost the broker, or the article stream failed after it was live.
    // The column keeps what it showed; a note says since when it is not live.
    const stale = lastFresh !== null && (brokerLost || streams.articles === "retrying");
    const section = $("feed-section");
    if (!stale) {
      delete section.dataset.stale;
      $("stale").hidden = true;
      return;
    }
    section.dataset.stale = "true";
    $("stale").hidden = false;
    $("stale-since").replaceChildren(clock(lastFresh.toISOString()));
  }

  function showStatus() {
    if (!brokerLost && streams.articles === "open") lastFresh = new Date();
    showStale();
    const counts = `${feed.articles} article${feed.articles === 1 ? "" : "s"}, ` +
                   `${feed.alerts} alert${feed.alerts === 1 ? "" : "s"}`;
    if (brokerLost) {
      status.dataset.state = "error";
      status.textContent = "Broker lost · " + counts;
    } else if (streams.articles === "open") {
      status.dataset.state = "live";
      status.textContent = "Live · " + counts;
    } else {
      status.dataset.state = "connecting";
      status.textContent = (streams.articles === "connecting" ? "Connecting…" : "Reconnecting…");
    }
  }

  async function checkHealth() {
    let title = "", text = "";
    try {
      const { body } = await getJson("/health");
      if (!body || body.broker_connected === false) {  // 503 "no_partitions"/"stalled": not a lost broker
        title = "The worker lost the Kafka broker";
        const where = body && body.broker ? ` at ${body.broker}` : "";
        const why = body && body.error ? ` (${body.error})` : "";
        text = `The worker cannot reach its Kafka broker${where}${why}.`;
      }
    } catch (e) {
      title = "The worker does not answer";
      text = `No answer from ${location.origin}. Is "wiredesk worker" still running?`;
    }
    brokerLost = Boolean(title);
    $("broker-error").hidden = !brokerLost;
    if (brokerLost) {
      $("broker-error-title").textContent = title;
      $("broker-error-text").textContent = text;
    }
    showStatus();
    saveSoon(); // lastFresh moved on
  }

  // ---------------------------------------------------------------- kept across a reload
  // The column's items (the newest MAX_ITEMS) and when it was last live are kept in this
  // tab's sessionStorage, so a reload while the broker is lost still shows them, marked
  // stale. Once the streams answer they send the recent items again; the seen-set drops
  // the doubles. The streams stay the source: this is only what the tab already showed.
  const KEPT = "wiredesk.desk.feed";
  const kept = new Map(); // seen-key -> [kind, data]
  let saveTimer = null;

  function keep(key, kind, data) {
    kept.set(key, [kind, data]);
    saveSoon();
  }

  function saveSoon() {
    if (saveTimer === null) saveTimer = setTimeout(save, 500);
  }

  function save() {
    saveTimer = null;
    // In the column's order (ties in time keep their place), only what it still shows.
    const order = Array.from(feed.list.children, (li) => li.dataset.key).filter((k) => kept.has(k));
    const items = order.map((k) => kept.get(k));
    const showing = new Set(order);
    for (const key of Array.from(kept.keys())) if (!showing.has(key)) kept.delete(key);
    const state = { fresh: lastFresh && lastFresh.toISOString(), items };
    try { sessionStorage.setItem(KEPT, JSON.stringify(state)); } catch (e) { /* full or off: keep nothing */ }
  }

  function restore() {
    let state = null;
    try { state = JSON.parse(sessionStorage.getItem(KEPT) || "null"); } catch (e) { state = null; }
    if (!state || !Array.isArray(state.items)) return;
    const fresh = state.fresh ? new Date(state.fresh) : null;
    if (fresh && !isNaN(fresh)) lastFresh = fresh;
    for (const [kind, data] of state.items) {  // newest first: each goes below the last
      if (kind === "article") addArticle(data, false);
      else if (kind === "alert") addAlert(data, false);
    }
  }

  // ---------------------------------------------------------------- live column
  const feed = { list: $("feed"), seen: new Set(), sources: new Map(), articles: 0, alerts: 0,
                 ready: false, alertsReady: false };

  function showEmpty() {
    $("empty").hidden = !(feed.ready && feed.list.children.length === 0);
  }

  function insertSorted(li, when) {
    // Newest first by when the worker finished it (processed, or alert made).
    const time = Date.parse(when || "") || 0;
    li.dataset.when = String(time);
    const items = Array.from(feed.list.children);
    const after = items.find((other) => Number(other.dataset.when) < time);
    feed.list.insertBefore(li, after || null);
    while (feed.list.children.length > MAX_ITEMS) feed.list.lastElementChild.remove();
    markCurrent();
    showEmpty();
  }

  function addArticle(a, live) {
    const key = `a:${a.id}:${a.revision}`;
    if (feed.seen.has(key)) return;
    feed.seen.add(key);
    keep(key, "article", a);
    feed.sources.set(a.id, a.source);
    feed.articles += 1;
    const li = h("li", { class: "item article" + (live ? " new" : ""), "data-article": a.id, "data-key": key },
      h("a", { href: articleHref(a.id) },
        h("span", { class: "badge", text: "article" }), a.headline || a.id),
      h("p", { class: "meta" },
        h("span", { class: "source", title: "source" }, a.source || "–"),
        h("span", {}, "received ", clock(a.received_at)),
        h("span", { class: "latency", title: "received → processed" }, "in ", latency(a.latency_ms)),
        a.revision > 1 ? h("span", { text: `revision ${a.revision}` }) : null));
    insertSorted(li, a.processed_at);
    for (const pending of feed.list.querySelectorAll(`.alert[data-article="${CSS.escape(a.id)}"] .source`)) {
      pending.textContent = a.source || "–";
    }
    showStatus();
  }

  function alertSummary(alert) {
    const r = alert.record || {};
    switch (alert.kind) {
      case "quotes": return `${r.speaker || "unattributed"}: “${r.text || ""}”`;
      case "figures": return `${r.text || ""}${r.unit ? ` (${r.unit})` : ""}`;
      case "entities": return `${r.name || ""}${r.type ? ` (${r.type})` : ""}`;
      case "events": return `${r.type || ""}: ${r.trigger || ""}${r.place ? ` at ${r.place}` : ""}`;
      default: return alert.kind || "";
    }
  }

  async function addAlert(alert, live) {
    const key = `x:${alert.id}`;
    if (feed.seen.has(key)) return;
    feed.seen.add(key);
    keep(key, "alert", alert);
    feed.alerts += 1;
    const source = h("span", { class: "source", title: "source" }, feed.sources.get(alert.article_id) || "…");
    const li = h("li", { class: "item alert" + (live ? " new" : ""), "data-article": alert.article_id,
                         "data-key": key },
      h("a", { href: articleHref(alert.article_id, KIND_OF_ALERT[alert.kind], alert.record_id) },
        h("span", { class: "badge", text: `alert · ${alert.rule_id}` }), alert.headline || alert.article_id,
        h("span", { class: "what", text: alertSummary(alert) })),
      h("p", { class: "meta" }, source,
        h("span", {}, "received ", clock(alert.received_at)),
        h("span", { class: "latency", title: "received → alert" }, "in ", latency(alert.latency_ms))));
    insertSorted(li, alert.emitted_at);
    showStatus();
    if (!feed.sources.has(alert.article_id)) {
      const { status: code, body } = await getJson(`/articles/${seg(alert.article_id)}`).catch(() => ({}));
      if (code === 200 && body) source.textContent = body.source || "–";
    }
  }

  function connect(name, url, handlers) {
    // EventSource reconnects by itself after a dropped connection (sending
    // Last-Event-ID); after an HTTP error it gives up, so we open a new one.
    const source = new EventSource(url);
    source.onopen = () => { streams[name] = "open"; showStatus(); };
    source.onerror = () => {
      streams[name] = "retrying";
      showStatus();
      if (source.readyState === EventSource.CLOSED) setTimeout(() => connect(name, url, handlers), 3000);
    };
    for (const [event, handle] of Object.entries(handlers)) {
      source.addEventListener(event, (e) => handle(e.data ? JSON.parse(e.data) : null));
    }
  }

  // ---------------------------------------------------------------- search
  function showResults(title, ...content) {
    const section = $("results");
    section.hidden = false;
    $("results-title").textContent = title;
    // replaceChildren() would print a null (a note left out) as the text "null".
    $("results-body").replaceChildren(...content.flat().filter((c) => c !== null && c !== undefined));
  }

  function notFound(code, body, what) {
    if (code === 404) return h("p", { text: body && body.message ? `Nothing found: ${body.message}.` : `No ${what}.` });
    return h("p", { class: "error", text: `The worker answered HTTP ${code}${body && body.message ? `: ${body.message}` : ""}.` });
  }

  function resolvedNote(asked, got) {
    // Only when the worker answered with another name than the one typed.
    if (got === null || got === undefined || got === "") return null;
    return asked.trim().toLowerCase() !== String(got).toLowerCase()
      ? h("p", { class: "hint", text: `“${asked.trim()}” is ${got}.` }) : null;
  }

  async function searchSpeaker(name) {
    const { status: code, body } = await getJson(`/speakers/${seg(name)}/quotes?limit=100`);
    if (code !== 200) return showResults(`Quotes by ${name.trim()}`, notFound(code, body, "quotes"));
    showResults(`Quotes by ${body.speaker || name.trim()} (${body.total})`, resolvedNote(name, body.speaker),
      h("ul", { class: "quotes" }, body.items.map((q) => h("li", {},
        h("a", { href: articleHref(q.article_id, "quote", q.id) }, h("q", { text: q.text })),
        " ", h("span", { class: "hint", text: [q.kind, q.cue, q.day].filter(Boolean).join(" · ") })))));
  }

  async function searchEntity(name) {
    const { status: code, body } = await getJson(`/entities/${seg(name)}`);
    if (code !== 200) return showResults(`Entity ${name.trim()}`, notFound(code, body, "entity"));
    const entity = body.name || name.trim();
    const rows = [["type", body.type], ["also called", (body.aliases || []).join(", ")],
                  ["mentions", body.mentions], ["articles", body.articles],
                  ["first seen", body.first_seen], ["last seen", body.last_seen]];
    const chart = h("figure", { class: "daily", "aria-busy": "true" },
      h("figcaption", { text: "Mentions per day" }));
    showResults(entity, resolvedNote(name, entity),
      h("dl", { class: "entity" }, rows.map(([k, v]) => [h("dt", { text: k }), h("dd", { text: shown(v) })])),
      chart,
      h("p", {}, h("button", { type: "button",
        onclick: () => { $("speaker").value = entity; searchSpeaker(entity); } },
        `Quotes by ${entity}`)));
    const daily = await getJson(`/entities/${seg(entity)}/daily`).catch(() => ({}));
    chart.removeAttribute("aria-busy");
    if (daily.status === 200 && daily.body && daily.body.daily) {
      chart.append(...[dailyChart(entity, daily.body.daily)].flat());
    } else {
      chart.append(h("p", { class: "hint", text: "No daily counts." }));
    }
  }

  // ---------------------------------------------------------------- entity chart
  const SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    el.append(...children);
    return el;
  }

  function dailyChart(entity, daily) {
    // Bars for the CHART_DAYS days ending on the entity's last day (days without a
    // mention are zero), drawn as inline SVG: no chart library, nothing from elsewhere.
    const counts = new Map(Object.entries(daily).filter(([d]) => /^\d{4}-\d{2}-\d{2}$/.test(d)));
    const known = Array.from(counts.keys()).sort();
    if (!known.length) return h("p", { class: "hint", text: "No dated mentions." });
    const DAY = 86400000;
    const last = Date.parse(`${known[known.length - 1]}T00:00:00Z`);
    const first = Math.max(Date.parse(`${known[0]}T00:00:00Z`), last - (CHART_DAYS - 1) * DAY);
    const days = [];
    for (let t = first; t <= last; t += DAY) {
      const d = new Date(t).toISOString().slice(0, 10);
      days.push([d, Number(counts.get(d)) || 0]);
    }
    const peak = days.reduce((best, day) => (day[1] > best[1] ? day : best), days[0]);
    const width = 320, height = 64, gap = 1;
    const bar = Math.max(2, Math.min(24, Math.floor(width / days.length) - gap));
    const total = days.reduce((sum, [, n]) => sum + n, 0);
    const label = `${entity}: ${total} mention${total === 1 ? "" : "s"} over ${days.length} ` +
                  `day${days.length === 1 ? "" : "s"} to ${days[days.length - 1][0]}, ` +
                  `most on ${peak[0]} (${peak[1]})`;
    const chart = svg("svg", { class: "bars", role: "img", "aria-label": label,
                               viewBox: `0 0 ${days.length * (bar + gap)} ${height}`,
                               width: Math.min(width, days.length * (bar + gap)), height,
                               preserveAspectRatio: "none" },
      svg("title", {}, label),
      ...days.map(([d, n], i) => {
        const tall = n ? Math.max(2, Math.round((n / peak[1]) * (height - 2))) : 1;
        return svg("rect", { class: n ? "bar" : "bar zero", x: i * (bar + gap), y: height - tall,
                             width: bar, height: tall, "data-day": d, "data-count": n },
          svg("title", {}, `${d}: ${n} mention${n === 1 ? "" : "s"}`));
      }));
    return [chart, h("p", { class: "hint axis" },
      h("span", { text: days[0][0] }), h("span", { text: `peak ${peak[1]}` }),
      h("span", { text: days[days.length - 1][0] }))];
  }

  async function searchPlace(place, when) {
    const query = when ? `?day=${encodeURIComponent(when)}&limit=100` : "?limit=100";
    const label = `Events at ${place.trim()}${when ? ` on ${when}` : ""}`;
    const { status: code, body } = await getJson(`/places/${seg(place)}/events${query}`);
    if (code !== 200) return showResults(label, notFound(code, body, "events"));
    const items = body.items.map((e) => h("li", {},
      h("a", { href: articleHref(e.article_id, "event", e.id) }, `${e.type}: ${e.trigger}`),
      " ", h("span", { class: "hint", text: [e.actor && `by ${e.actor}`, e.target && `against ${e.target}`, e.date].filter(Boolean).join(" · ") })));
    showResults(`Events at ${body.place}${when ? ` on ${when}` : ""} (${body.total})`, resolvedNote(place, body.place),
      items.length ? h("ul", {}, items) : h("p", { text: "No events on that day." }));
  }

  function onSubmit(formId, run) {
    $(formId).addEventListener("submit", async (event) => {
      event.preventDefault();
      try { await run(); } catch (e) { showResults("Search failed", h("p", { class: "error", text: String(e) })); }
      $("results-title").focus();
    });
  }

  // ---------------------------------------------------------------- article view
  const LABEL = { quotes: "Quotes", figures: "Figures", entities: "Entities", dates: "Dates", events: "Events" };
  const MARK = { quotes: "quote", figures: "figure", entities: "entity", dates: "date", events: "event" };

  function renderNodes(nodes) {
    return nodes.map((node) => {
      if (typeof node === "string") return document.createTextNode(node);
      const attrs = { class: `m m-${node.mark}`, "data-ref": node.ref, "data-kind": node.mark };
      if (node.anchor) Object.assign(attrs, { id: `r-${node.mark}-${node.ref}`, tabindex: "-1" });
      return h("mark", attrs, renderNodes(node.nodes));
    });
  }

  function jumpTo(kind, ref) {
    const target = document.getElementById(`r-${kind}-${ref}`);
    if (!target) return false;
    const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    target.scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" });
    target.focus({ preventScroll: true });
    const pieces = document.querySelectorAll(`mark[data-kind="${kind}"][data-ref="${CSS.escape(ref)}"]`);
    for (const piece of pieces) piece.classList.add("flash");
    setTimeout(() => pieces.forEach((p) => p.classList.remove("flash")), 2000);
    return true;
  }

  function recordButton(kind, record, ...content) {
    return h("li", {}, h("button", { type: "button", class: "linkish", "data-ref": record.id, "data-kind": MARK[kind],
      onclick: () => jumpTo(MARK[kind], record.id) }, content));
  }

  function figureValue(f) {
    const n = (x) => (x === null || x === undefined ? "?" : Number(x).toLocaleString());
    if (f.bound === "range") return `${n(f.low)}–${n(f.high)}`;
    return n(f.value);
  }

  function recordLists(a) {
    const sections = [];
    // Quotes grouped by speaker, in order of first appearance.
    const bySpeaker = new Map();
    for (const q of a.quotes) {
      const who = q.speaker || "Unattributed";
      if (!bySpeaker.has(who)) bySpeaker.set(who, { title: q.speaker_title, quotes: [] });
      bySpeaker.get(who).quotes.push(q);
    }
    sections.push(["quotes", Array.from(bySpeaker, ([who, group]) => h("li", { class: "speaker", "data-speaker": who },
      h("h4", {}, who, group.title ? h("span", { class: "hint", text: group.title }) : null),
      h("ul", {}, group.quotes.map((q) => recordButton("quotes", q,
        h("span", { class: "kind", text: q.kind }), h("q", { text: q.text }),
        q.cue ? h("span", { class: "sub", text: `cue: ${q.cue}` }) : null)))))]);
    sections.push(["figures", a.figures.map((f) => recordButton("figures", f,
      h("strong", { text: figureValue(f) }), " ", f.unit || "",
      h("span", { class: "sub", text: [`“${f.text}”`, f.bound !== "exact" ? `bound: ${f.bound.replace("_", " ")}` : "exact",
                                         f.approx ? "approximate" : null].filter(Boolean).join(" · ") })))]);
    sections.push(["entities", a.entities.filter((e) => e.spans && e.spans.length).map((e) => recordButton("entities", e,
      h("strong", { text: e.name }), " ", h("span", { class: "kind", text: e.type }),
      h("span", { class: "sub", text: [`${e.mentions} mention${e.mentions === 1 ? "" : "s"}`,
                                         e.aliases.length ? `also ${e.aliases.join(", ")}` : null].filter(Boolean).join(" · ") })))]);
    sections.push(["dates", a.dates.map((d) => recordButton("dates", d,
      `“${d.text}”`, " → ", h("strong", { text: d.date || (d.start && d.end ? `${d.start} – ${d.end}` : "unresolved") }),
      d.relative ? h("span", { class: "sub", text: "relative to the story's date" }) : null))]);
    sections.push(["events", a.events.map((e) => recordButton("events", e,
      h("span", { class: "kind", text: e.type }), h("strong", { text: e.trigger }),
      h("span", { class: "sub", text: [e.actor && `by ${e.actor}`, e.target && `against ${e.target}`,
                                         e.place && `at ${e.place}`, e.date].filter(Boolean).join(" · ") })))]);
    return sections.map(([kind, items]) => h("section", { "aria-labelledby": `list-${kind}`, class: `list-${kind}` },
      h("h3", { id: `list-${kind}` }, LABEL[kind], h("span", { class: "hint", text: String(kind === "quotes" ? a.quotes.length : items.length) })),
      items.length ? h("ul", {}, items) : h("p", { class: "hint", text: "none" })));
  }

  function legend() {
    return h("ul", { class: "legend", "aria-label": "Highlight colours" },
      ["quote", "figure", "entity", "date", "event"].map((k) => h("li", {}, h("mark", { class: `m-${k}`, text: k }))));
  }

  async function openArticle(id, kind, ref) {
    const section = $("article");
    $("welcome").hidden = true;
    section.hidden = false;
    section.replaceChildren(h("p", { class: "hint", text: "Loading the article…" }));
    const { status: code, body } = await getJson(`/articles/${seg(id)}/annotated`);
    if (code !== 200) {
      const state = await getJson(`/articles/${seg(id)}`).catch(() => ({}));
      const known = state.status === 200 && state.body;
      const text = known && state.body.status === "failed" ? `This article failed: ${state.body.reason}.`
        : known ? `This article is ${state.body.status}; it shows here once processed.`
        : `No article ${id} on this worker's tables.`;
      section.replaceChildren(h("h2", { id: "article-title", tabindex: "-1", text: known ? state.body.headline || id : "Article not found" }),
        h("p", { class: "notice", text }));
      $("article-title").focus();
      return;
    }
    const a = body;
    const meta = [a.byline && a.byline.length ? `By ${a.byline.join(", ")}` : null, a.source,
                  a.published ? `published ${day(a.published)}` : null];
    section.replaceChildren(
      h("article", { class: "story" },
        h("header", { class: "story-head" },
          h("h2", { id: "article-title", tabindex: "-1", text: a.headline || a.id }),
          h("p", { class: "meta" }, meta.filter(Boolean).join(" · "), " · received ", clock(a.received_at),
            " · processed in ", h("strong", { class: "latency", text: latency(a.latency_ms) }),
            ` · revision ${a.revision}`),
          legend()),
        h("div", { class: "story-grid" },
          h("div", { class: "story-body", id: "article-body" },
            a.truncated ? h("p", { class: "notice", text: "This article is too large to show marked up here; its records are in the API." }) : null,
            a.paragraphs.map((p) => h("p", {}, renderNodes(p.nodes)))),
          h("aside", { class: "records", "aria-label": "What the article says" }, recordLists(a)))));
    for (const li of feed.list.children) li.classList.toggle("current", li.dataset.article === id);
    if (!(kind && ref && jumpTo(kind, ref))) {
      $("article-title").focus({ preventScroll: true });
      section.scrollIntoView({ block: "start" });
    }
    document.title = `${a.headline} · wiredesk desk`;
  }

  function markCurrent() {
    const match = /^#\/article\/([^/]+)/.exec(location.hash);
    const id = match ? decodeURIComponent(match[1]) : null;
    for (const li of feed.list.children) li.classList.toggle("current", li.dataset.article === id);
  }

  function route() {
    const match = /^#\/article\/([^/]+)(?:\/([a-z]+)\/([^/]+))?$/.exec(location.hash);
    if (match) {
      openArticle(decodeURIComponent(match[1]), match[2], match[3] && decodeURIComponent(match[3]));
    } else {
      $("article").hidden = true;
      $("welcome").hidden = false;
      document.title = "wiredesk desk";
    }
    markCurrent();
  }

  // ---------------------------------------------------------------- start
  onSubmit("search-speaker", () => searchSpeaker($("speaker").value));
  onSubmit("search-entity", () => searchEntity($("entity").value));
  onSubmit("search-place", () => searchPlace($("place").value, $("day").value));
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest && event.target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      $("speaker").focus();
    }
  });
  window.addEventListener("hashchange", route);

  restore();
  connect("articles", "/desk/stream", {
    article: (a) => addArticle(a, feed.ready),
    ready: () => { feed.ready = true; showEmpty(); },
  });
  connect("alerts", `/alerts/stream?recent=${RECENT_ALERTS}`, {
    alert: (a) => addAlert(a, feed.alertsReady),
    ready: () => { feed.alertsReady = true; },
  });
  checkHealth();
  setInterval(checkHealth, HEALTH_EVERY_MS);
  route();
})();
