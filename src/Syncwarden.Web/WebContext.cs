using Syncwarden.Daemon;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Status;

namespace Syncwarden.Web;

/// <summary>What the web endpoints may use from the daemon: read status and history, watch events, ask for runs, export the metrics.</summary>
public sealed record WebContext(
    JobStatusQuery Status,
    JobScheduler Scheduler,
    HistoryStore History,
    RunEventHub Events,
    WebToken Token,
    TimeProvider Time,
    MetricsExport Metrics);
