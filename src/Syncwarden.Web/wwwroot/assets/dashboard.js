// The dashboard: every job in one table, refreshed from /api/jobs and moved live by /api/events; above it the standby
// pair from /api/standby when the configuration has one.
"use strict";

(() => {
  const { el } = sw;
  const rows = new Map();      // job name -> { row, cells, progress }
  let jobs = [];
  const labels = ["Job", "State", "Last result", "Last success", "Next run", "Last duration", "Last bytes", "Progress"];

  function progressContent(job, progress) {
    if (!job.running) return ["–"];
    const p = progress || sw.progressOf(job);
    return [
      el("progress", { max: "100", value: String(p.percent), "aria-label": `progress of ${job.job}` }),
      el("span", { class: "progress-text", text: sw.progressText(p) }),
      p.file ? el("span", { class: "progress-file", text: p.file }) : "",
    ];
  }

  // Rows are made once and their cells refilled, so a focused link keeps its focus across updates.
  function rowFor(job) {
    let entry = rows.get(job.job);
    if (!entry) {
      const cells = labels.map(label => el("td", { "data-label": label }));
      cells[0].append(el("a", { href: "/jobs/" + encodeURIComponent(job.job), text: job.job }));
      entry = { row: el("tr", { "data-job": job.job }, ...cells), cells, progress: null };
      document.getElementById("jobs").append(entry.row);
      rows.set(job.job, entry);
    }
    return entry;
  }

  function render() {
    for (const job of jobs) {
      const entry = rowFor(job);
      if (!job.running) entry.progress = null;
      const c = entry.cells;
      c[1].replaceChildren(sw.stateBadge(job));
      c[2].replaceChildren(sw.result(job.lastResult));
      c[3].replaceChildren(sw.lastSuccess(job));
      c[4].replaceChildren(sw.when(job.nextSyncTime ?? job.nextRunAt));
      c[5].replaceChildren(el("span", { class: "num", text: sw.duration(job.lastSyncDuration ?? job.lastDurationSeconds) }));
      c[6].replaceChildren(el("span", { class: "num", text: sw.bytes(job.lastBytesTransferred) }));
      c[7].replaceChildren(...progressContent(job, entry.progress));
    }
    for (const [name, entry] of rows) {
      if (!jobs.some(j => j.job === name)) { entry.row.remove(); rows.delete(name); }
    }
  }

  async function refresh() {
    try {
      const answer = await sw.api("/api/jobs");
      if (!answer.ok) { sw.showError(answer.body.error || `the daemon answered ${answer.status}`); return; }
      sw.showError(null);
      jobs = answer.body;
      render();
    } catch {
      sw.showError("the daemon does not answer; retrying");
    }
  }

  // The standby pair (GET /api/standby): shown only when the configuration has a standby: section (404 otherwise).
  let standby = null;

  function renderStandby() {
    const section = document.getElementById("standby");
    section.hidden = !standby;
    if (!standby) return;
    const s = standby;
    const over = s.lagging || (s.lagSeconds !== null && s.lagSeconds !== undefined && s.lagSeconds > s.maxLagSeconds);
    const lag = s.lagSeconds === null || s.lagSeconds === undefined
      ? el("span", { id: "standby-lag", class: over ? "lagging" : null, text: "no good sync yet" })
      : el("span", { id: "standby-lag", class: over ? "lagging" : "num", text: sw.duration(s.lagSeconds) + (over ? ` (over max-lag ${sw.duration(s.maxLagSeconds)})` : "") });
    const refused = el("span", { class: s.refusedPushes > 0 ? "lagging" : "num",
      text: String(s.refusedPushes) + (s.lastRefusal ? ": " + s.lastRefusal : "") });
    const items = [
      ["This machine", el("span", { text: s.thisHost })],
      ["Role", el("span", { id: "standby-role", class: "role", text: s.role })],
      ["Epoch", el("span", { class: "num", text: String(s.epoch) })],
      ["Peer", el("span", { text: s.peer })],
      ["Primary", el("span", { text: s.primary })],
      ["Lag", lag],
      ["Last good sync", el("span", { title: s.lastGoodSync ? new Date(s.lastGoodSync).toLocaleString() : null, text: sw.age(s.lastGoodSync) })],
      ["Refused pushes", refused],
    ];
    document.getElementById("standby-status").replaceChildren(...items.flatMap(([label, value]) => [el("dt", { text: label }), el("dd", {}, value)]));
  }

  // Asked only when the job list has the pair's job (its status carries a standby field), so a daemon without a pair
  // is not asked for a 404 every few seconds.
  async function refreshStandby() {
    try {
      if (!jobs.some(j => j.standby)) {
        standby = null;
      } else {
        const answer = await sw.api("/api/standby");
        standby = answer.ok ? answer.body : null;
      }
    } catch {
      standby = null;
    }
    renderStandby();
  }

  function onProgress(e) {
    const job = jobs.find(j => j.job === e.job);
    if (!job) return;
    const entry = rowFor(job);
    entry.progress = sw.progressOf(e);
    job.running = true;
    entry.cells[7].replaceChildren(...progressContent(job, entry.progress));
  }

  async function refreshAll() { await refresh(); await refreshStandby(); }

  sw.events({
    RunProgressed: onProgress,
    RunStarted: refresh, RunStageChanged: refresh, RunWaiting: refresh, RunFinished: refreshAll,
    RunMissed: refresh, ConfigurationReloaded: refreshAll,
  });
  refreshAll();
  setInterval(refreshAll, 5000);
  // Ages and "in 3 min" move on their own between refreshes.
  setInterval(() => { render(); renderStandby(); }, 1000);
})();
