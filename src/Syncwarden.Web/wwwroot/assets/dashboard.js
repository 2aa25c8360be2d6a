// The dashboard: every job in one table, refreshed from /api/jobs and moved live by /api/events.
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

  function onProgress(e) {
    const job = jobs.find(j => j.job === e.job);
    if (!job) return;
    const entry = rowFor(job);
    entry.progress = sw.progressOf(e);
    job.running = true;
    entry.cells[7].replaceChildren(...progressContent(job, entry.progress));
  }

  sw.events({
    RunProgressed: onProgress,
    RunStarted: refresh, RunStageChanged: refresh, RunWaiting: refresh, RunFinished: refresh,
    RunMissed: refresh, ConfigurationReloaded: refresh,
  });
  refresh();
  setInterval(refresh, 5000);
  // Ages and "in 3 min" move on their own between refreshes.
  setInterval(render, 1000);
})();
