// Shared by the dashboard and the job page: formatting, the API, the token, the event stream.
// Built with DOM calls and textContent only, so job names, paths and errors can never become markup.
"use strict";

const sw = (() => {
  const tokenKey = "syncwarden-token";

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function bytes(n) {
    if (n === null || n === undefined) return "–";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n.toFixed(0) : n.toFixed(n < 10 ? 1 : 0)) + " " + units[i];
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined || isNaN(seconds)) return "–";
    seconds = Math.max(0, Math.round(seconds));
    const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    if (h >= 48) return `${Math.floor(h / 24)} d ${h % 24} h`;
    if (h > 0) return `${h} h ${m} min`;
    if (m > 0) return `${m} min ${s} s`;
    return `${s} s`;
  }

  // .NET writes a TimeSpan as "[d.]hh:mm:ss[.fffffff]"; the seed-004 fields carry plain seconds.
  function spanSeconds(value) {
    if (value === null || value === undefined) return null;
    if (typeof value === "number") return value;
    const match = /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(value);
    if (!match) return null;
    return (+(match[1] || 0)) * 86400 + (+match[2]) * 3600 + (+match[3]) * 60 + (+match[4]);
  }

  function age(iso) {
    if (!iso) return "never";
    const seconds = (Date.now() - Date.parse(iso)) / 1000;
    return seconds < 0 ? "in " + duration(-seconds) : duration(seconds) + " ago";
  }

  function when(iso) {
    if (!iso) return "–";
    const seconds = (Date.parse(iso) - Date.now()) / 1000;
    const relative = seconds >= 0 ? "in " + duration(seconds) : duration(-seconds) + " ago";
    return `${new Date(iso).toLocaleString()} (${relative})`;
  }

  // What the job is doing: the daemon's own state when it gives one (seed-004 model), else from running and activity.
  function state(job) {
    if (job.state) return job.state;
    if (!job.running) return "idle";
    return (job.activity || "").startsWith("waiting") ? "waiting on a lock" : "running";
  }

  function stateBadge(job) {
    const text = state(job);
    const kind = text.startsWith("waiting") ? "waiting" : text.startsWith("running") ? "running" : "idle";
    return el("span", { class: "state " + kind, text: job.activity && job.running ? `${text}: ${job.activity}` : text });
  }

  function lastSuccess(job) {
    const at = job.lastSyncTime ?? job.lastSuccessAt;
    return el("span", { class: job.stale ? "stale" : null, title: at ? new Date(at).toLocaleString() : null, text: age(at) });
  }

  function result(value) {
    return el("span", { class: value ? "result-" + value : null, text: value || "never run" });
  }

  function token() { return sessionStorage.getItem(tokenKey); }
  // Keeps the token for this tab and trades it for the session cookie that lets the event stream read a dashboard
  // listening beyond loopback (EventSource cannot send a header). Forgetting it drops the cookie too.
  function setToken(value) {
    value ? sessionStorage.setItem(tokenKey, value) : sessionStorage.removeItem(tokenKey);
    return fetch("/api/session", value
      ? { method: "POST", headers: { Authorization: "Bearer " + value } }
      : { method: "DELETE" });
  }

  // A 401 on reading: this dashboard listens beyond loopback. Ask for the token once, then start over with it.
  function askForReadToken() {
    const form = document.getElementById("read-token");
    if (!form || !form.hidden) return;
    form.hidden = false;
    document.getElementById("read-token-input").focus();
    form.addEventListener("submit", async e => {
      e.preventDefault();
      const answer = await setToken(document.getElementById("read-token-input").value.trim());
      if (answer.ok) location.reload();
      else showError(answer.status === 403 ? "Refused (403): the token is wrong" : `the daemon answered ${answer.status}`);
    });
  }

  // Calls the API; resolves to { ok, status, body } with body parsed as JSON (or text), never throws for HTTP errors.
  async function api(path, options = {}) {
    const headers = { Accept: "application/json" };
    if (token()) headers.Authorization = "Bearer " + token();
    const response = await fetch(path, { method: options.method || "GET", headers, cache: "no-store" });
    if (response.status === 401 && !options.auth) askForReadToken();
    const text = await response.text();
    let body = text;
    if ((response.headers.get("content-type") || "").includes("json")) {
      try { body = JSON.parse(text); } catch { /* keep the text */ }
    }
    return { ok: response.ok, status: response.status, body };
  }

  function showError(message) {
    const box = document.getElementById("error");
    box.textContent = message || "";
    box.hidden = !message;
  }

  // The progress of a transfer: a RunProgressed event's transfer (overall percent and estimated ETA, counting
  // files checked as well as bytes), or a job status's live progress.
  function progressOf(source) {
    const t = source.transfer || {};
    const live = source.progress || {};
    const percent = live.percent ?? t.overallPercent ?? t.percent ?? 0;
    const rate = live.bytesPerSecond ?? t.bytesPerSecond ?? 0;
    const eta = live.etaSeconds ?? spanSeconds(t.estimatedEta ?? (t.timeIsElapsed ? null : t.eta));
    const file = live.currentFile ?? t.currentFile ?? null;
    return { percent, rate, eta, file, bytes: live.bytesDone ?? t.bytesTransferred ?? null };
  }

  function progressText(p) {
    const parts = [`${p.percent}%`, `${bytes(p.rate)}/s`];
    if (p.eta !== null && p.eta !== undefined) parts.push("ETA " + duration(p.eta));
    if (p.bytes !== null) parts.push(bytes(p.bytes) + " sent");
    return parts.join(" · ");
  }

  // Every run event from /api/events; handlers by event name. EventSource reconnects by itself.
  function events(handlers) {
    const live = document.getElementById("live");
    const source = new EventSource("/api/events");
    source.onopen = () => { live.textContent = "live"; live.classList.add("on"); };
    source.onerror = () => { live.textContent = "reconnecting…"; live.classList.remove("on"); };
    for (const [name, handler] of Object.entries(handlers)) {
      source.addEventListener(name, e => handler(JSON.parse(e.data)));
    }
    return source;
  }

  return { el, bytes, duration, age, when, state, stateBadge, lastSuccess, result, token, setToken, api, showError, progressOf, progressText, events };
})();
