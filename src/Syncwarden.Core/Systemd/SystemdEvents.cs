using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Syncwarden.Events;

namespace Syncwarden.Systemd;

/// <summary>
/// Tells systemd what the daemon is doing, as a watcher of its events: READY=1 with a STATUS line when
/// it is ready (at start and after each reload), RELOADING=1 with MONOTONIC_USEC when a reload is
/// handled, STATUS while jobs run. READY at start and STOPPING come from the host's systemd lifetime.
/// A broken NOTIFY_SOCKET is worth a warning, never a stopped daemon.
/// </summary>
public sealed class SystemdEvents(ISystemdNotifier notifier, ILogger<SystemdEvents> logger) : IRunEventSubscriber
{
    public string Name => "systemd";

    public ValueTask HandleAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        if (!notifier.IsEnabled)
        {
            return ValueTask.CompletedTask;
        }
        var state = runEvent switch
        {
            DaemonReady r => SystemdMessages.Ready($"{r.Jobs} job(s), {r.Scheduled} scheduled"),
            ConfigurationReloaded => SystemdMessages.Reloading(),
            RunStarted s => SystemdMessages.Status($"running {s.Job} (run {s.Run.Id})"),
            RunFinished f => SystemdMessages.Status($"{f.Job}: last run {f.Run.Result.ToKebabCase()}"),
            _ => null,
        };
        if (state is null)
        {
            return ValueTask.CompletedTask;
        }
        try
        {
            notifier.Notify(new ServiceState(state));
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            logger.LogWarning("systemd notification failed: {Message}", ex.Message);
        }
        return ValueTask.CompletedTask;
    }
}
