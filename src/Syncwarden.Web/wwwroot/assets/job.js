// One job: its status, live progress, Run now and Cancel (with the token), its runs and their logs.
"use strict";

(() => {
  const { el } = sw;
  const $ = id => document.getElementById(id);
  const name = decodeURIComponent(location.pathname.split("/")[2] || "");
  let status = null;
  let finished = null;   // the last RunFinished of this job, shown in the progress box

  $("job-name").textContent = name;
  document.title = `${name} · Syncwarden`;

  function field(term, ...value) {
    return [el("dt", { text: term }), el("dd", {}, ...value)];
  }

  // Seed 004's conditions, one line each: "Stale: False (UpToDate) last successful sync 3h ago ...".
  function conditionList(conditions) {
    return el("ul", { class: "conditions" }, ...conditions.map(c =>
      el("li", { class: c.status === "True" && c.type !== "Synchronizing" ? "condition bad" : "condition" },
        el("strong", { text: `${c.type}: ${c.status}` }), ` (${c.reason})`, c.message ? " " + c.message : "")));
  }

  function renderStatus() {
    if (!status) return;
    const s = status;
    $("status").replaceChildren(
      ...field("State", sw.stateBadge(s)),
      ...field("Last result", sw.result(s.lastResult), s.lastError ? " — " + s.lastError : ""),
      ...field("Last success", sw.lastSuccess(s)),
      ...field("Next run", sw.when(s.nextSyncTime ?? s.nextRunAt)),
      ...field("Schedule", s.schedule || "none (runs only when asked)"),
      ...field("Last duration", sw.duration(s.lastSyncDuration ?? s.lastDurationSeconds)),
      ...field("Last bytes", sw.bytes(s.lastBytesTransferred)),
      ...field("Direction", s.direction + (s.host ? ` (host ${s.host})` : "")),
      ...field("Missed runs", String(s.missed)),
      ...(s.conditions ? field("Conditions", conditionList(s.conditions)) : []));
    $("cancel").disabled = !s.running;
  }

  function showProgress(p, text) {
    $("progress-box").hidden = false;
    $("progress").value = p.percent;
    $("progress-text").textContent = text ?? sw.progressText(p);
    $("progress-file").textContent = p.file || "";
  }

  async function refreshStatus() {
    const answer = await sw.api("/api/jobs/" + encodeURIComponent(name));
    if (!answer.ok) { sw.showError(answer.body.error || `the daemon answered ${answer.status}`); return; }
    sw.showError(null);
    status = answer.body;
    renderStatus();
    if (status.running && status.progress && $("progress-box").hidden) showProgress(sw.progressOf(status));
  }

  async function refreshHistory() {
    const answer = await sw.api(`/api/jobs/${encodeURIComponent(name)}/runs?limit=50`);
    if (!answer.ok) return;
    $("history").replaceChildren(...answer.body.map(run => el("tr", { "data-run": String(run.id) },
      el("td", { "data-label": "Run", class: "num", text: String(run.id) }),
      el("td", { "data-label": "Started", text: new Date(run.startedAt).toLocaleString() }),
      el("td", { "data-label": "Trigger", text: run.trigger }),
      el("td", { "data-label": "Result" }, sw.result(run.result), run.error ? " — " + run.error : ""),
      el("td", { "data-label": "Duration", class: "num", text: sw.duration(run.durationSeconds) }),
      el("td", { "data-label": "Bytes", class: "num", text: sw.bytes(run.bytesTransferred) }),
      el("td", { "data-label": "Files", class: "num", text: String(run.filesTransferred) }),
      el("td", { "data-label": "Log" }, el("button", { type: "button", text: "View log", "aria-label": `View the log of run ${run.id}`, onclick: () => showLog(run.id) })))));
  }

  async function showLog(id) {
    const answer = await sw.api(`/api/runs/${id}/log`);
    $("log-heading").textContent = `Log of run ${id}`;
    $("log").textContent = answer.ok ? answer.body : (answer.body.error || `the daemon answered ${answer.status}`);
    $("log-section").hidden = false;
    $("log").focus();
  }

  function refresh() { refreshStatus(); refreshHistory(); }

  // The token: asked once, kept in sessionStorage (this tab only), sent as a bearer token with each action.
  function renderToken() {
    const has = !!sw.token();
    $("token-form").hidden = has;
    $("token-saved").hidden = !has;
  }
  $("token-form").addEventListener("submit", e => {
    e.preventDefault();
    sw.setToken($("token").value.trim());
    $("token").value = "";
    renderToken();
    $("run-now").focus();
  });
  $("forget-token").addEventListener("click", () => { sw.setToken(null); renderToken(); $("token").focus(); });

  async function act(action, button) {
    const message = $("message");
    message.className = "message";
    message.textContent = "asking the daemon…";
    button.disabled = true;
    try {
      const answer = await sw.api(`/api/jobs/${encodeURIComponent(name)}/${action}`, { method: "POST", auth: true });
      const text = answer.body && (answer.body.message || answer.body.error) || `the daemon answered ${answer.status}`;
      if (answer.status === 401 || answer.status === 403) {
        message.className = "message refused";
        message.textContent = `Refused (${answer.status}): ${text}` + (answer.status === 401 ? ". Enter the dashboard token above." : "");
        if (answer.status === 403) { sw.setToken(null); renderToken(); }
      } else {
        message.className = answer.ok ? "message" : "message refused";
        message.textContent = text;
      }
    } catch {
      message.className = "message refused";
      message.textContent = "the daemon does not answer";
    } finally {
      button.disabled = false;
      refresh();
    }
  }
  $("run-now").addEventListener("click", e => act("run", e.currentTarget));
  $("cancel").addEventListener("click", e => act("cancel", e.currentTarget));

  const mine = handler => e => { if (e.job === name) handler(e); };
  sw.events({
    RunStarted: mine(() => { finished = null; showProgress({ percent: 0 }, "starting…"); refresh(); }),
    RunProgressed: mine(e => showProgress(sw.progressOf(e))),
    RunStageChanged: mine(refreshStatus),
    RunWaiting: mine(e => { showProgress({ percent: 0 }, "waiting: " + e.reason); refreshStatus(); }),
    RunFinished: mine(e => {
      finished = e.run;
      const done = finished.result === "succeeded" || finished.result === "warning";
      showProgress({ percent: done ? 100 : $("progress").value }, `done: ${finished.result}` + (finished.error ? ` — ${finished.error}` : ""));
      refresh();
    }),
  });
  renderToken();
  refresh();
  setInterval(refreshStatus, 5000);
  setInterval(renderStatus, 1000);
})();
