using Microsoft.Extensions.Logging;
using Syncwarden.Daemon;
using Syncwarden.Events;
using Syncwarden.Processes;
using Syncwarden.Runs;

namespace Syncwarden.Power;

/// <summary>
/// Deep sleep between runs, as a watcher of the daemon's events: on an idle <see cref="DaemonWaiting"/> it asks the
/// <see cref="PowerManager"/> (again at each idle announcement, about once a minute, logging only
/// changes of mind), and sleeps at most once per idle period: after a wake-up (by the RTC alarm or by
/// hand) the host stays up until the next run has finished (<see cref="RunFinished"/> re-arms it).
/// </summary>
/// <remarks>
/// A run in any process (the daemon's, or a `syncwarden run` from cron or ssh) holds its job's run lock,
/// so the policy asks the locks, never files a killed run may have left behind.
/// </remarks>
public sealed class PowerPolicy(
    LiveConfiguration configuration,
    IUserSessionSource sessions,
    ProcessRunner runner,
    TimeProvider time,
    PowerState state,
    ILogger<PowerPolicy> logger) : IRunEventSubscriber
{
    private string? _lastDecision;
    private bool _armed = true;

    public string Name => "power";

    public async ValueTask HandleAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        switch (runEvent)
        {
            case RunFinished:
                _armed = true;
                break;
            case DaemonWaiting { Idle: true } idle:
                await OnIdleAsync(idle.NextRun, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task OnIdleAsync(DateTimeOffset? nextRun, CancellationToken cancellationToken)
    {
        var config = configuration.Current;
        if (!config.Power.SleepAfterRun)
        {
            return;
        }
        if (!_armed)
        {
            logger.LogDebug("power: already slept in this idle period; staying up until the next run has finished");
            return;
        }
        var power = new PowerManager(config.Power, sessions, runner);
        var jobsRunning = JobRunLock.AnyRunning(config.StateDir);
        var decision = await power.DecideAsync(time.GetUtcNow(), nextRun, jobsRunning, cancellationToken).ConfigureAwait(false);
        var text = decision is StayAwake awake ? awake.Reason + ": " + awake.Message : decision.Describe();
        if (text != _lastDecision)
        {
            logger.LogInformation("power: {Decision}", decision.Describe());
            _lastDecision = text;
        }
        else
        {
            logger.LogDebug("power: {Decision} (unchanged)", decision.Describe());
        }
        if (decision is not Sleep)
        {
            return;
        }
        try
        {
            state.Sleeping = true;
            await power.SleepAsync(decision, cancellationToken).ConfigureAwait(false);
        }
        catch (SleepFailedException ex)
        {
            logger.LogError("power: {Message}", ex.Message);
            _lastDecision = "failed";
            return;
        }
        finally
        {
            state.Sleeping = false;
        }
        _lastDecision = null;
        _armed = false;
    }
}
