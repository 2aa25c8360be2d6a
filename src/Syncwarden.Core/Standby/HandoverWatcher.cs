using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Syncwarden.Daemon;
using Syncwarden.Processes;

namespace Syncwarden.Standby;

/// <summary>
/// The daemon's eye on its own data folders while it is the standby: every <see cref="Every"/> it reads the markers
/// there (a few small local files), and when the primary's switchover left a handover for this host it takes it
/// (<see cref="StandbyControl.TakeHandoverAsync"/>: promote hooks, role, confirmation). Runs only with a standby: section.
/// </summary>
public sealed class HandoverWatcher(LiveConfiguration configuration, ProcessRunner runner, TimeProvider time, ILogger<HandoverWatcher> logger) : BackgroundService
{
    /// <summary>How often the markers are read: the longest a switchover waits for this daemon to notice it.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    private string? _lastProblem;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await LookAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// Nobody pushes to the primary: an rsync receiver writing into its folders is a demoted primary's push that was in
    /// flight (its connection stalled before the promote and resumed after it). It is stopped at once.
    /// </summary>
    private void GuardPrimary(Configuration.SyncwardenConfig config)
    {
        var store = new StandbyStore(config, time);
        if (!File.Exists(store.PathOfState) || store.Load().Role != StandbyRole.Primary)
        {
            return;
        }
        foreach (var pid in InFlightReceivers.Stop(config.Standby!.LocalPaths))
        {
            logger.LogError("standby: stopped an rsync receiver (pid {Pid}) writing into this primary's data: a push of the demoted peer that was in flight", pid);
        }
    }

    /// <summary>One look at the markers; a problem is logged once until it changes.</summary>
    public async Task LookAsync(CancellationToken cancellationToken = default)
    {
        var config = configuration.Current;
        if (config.Standby is null)
        {
            return;
        }
        try
        {
            GuardPrimary(config);
            var taken = await new StandbyControl(config, runner, time, logger).TakeHandoverAsync(cancellationToken).ConfigureAwait(false);
            if (taken is not null)
            {
                foreach (var line in taken.Lines)
                {
                    logger.LogWarning("standby: {Line}", line);
                }
            }
            _lastProblem = null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (ex.Message != _lastProblem)
            {
                logger.LogError("standby: could not look for a handover: {Problem}", ex.Message);
                _lastProblem = ex.Message;
            }
        }
    }
}
