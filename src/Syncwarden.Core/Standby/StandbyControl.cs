using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.Hooks;
using Syncwarden.Processes;
using Syncwarden.Runs;

namespace Syncwarden.Standby;

/// <summary>A standby action that was refused or failed; <see cref="Kind"/> says which exit code the command gives.</summary>
public sealed class StandbyActionException(StandbyRefusal kind, string message) : Exception(message)
{
    public StandbyRefusal Kind { get; } = kind;
}

/// <summary>Why a standby action did not happen (or not completely).</summary>
public enum StandbyRefusal
{
    /// <summary>The action does not fit this machine's role (promote on the primary, switchover on the standby).</summary>
    WrongRole,
    /// <summary>promote: the primary still answers (use --force only if it is really out of service).</summary>
    PrimaryAnswers,
    /// <summary>promote: the data here is older than max-lag (--accept-lag to serve it anyway).</summary>
    TooOld,
    /// <summary>The peer could not be reached, a hook or a sync failed, or the handover was not confirmed in time.</summary>
    Failed,
}

/// <summary>What a standby action did, line by line, for the command to print; <see cref="Problem"/> is set when it finished with a failure.</summary>
public sealed record StandbyActionResult(StandbyState State, IReadOnlyList<string> Lines, string? Problem = null, TimeSpan? Downtime = null, TimeSpan? DataAge = null);

/// <summary>
/// promote, rejoin and switchover, and the daemon's side of a switchover (taking the handover). Every change of the
/// role store happens under the standby job's run lock, so it never interleaves with a run of the pair.
/// </summary>
public sealed class StandbyControl(SyncwardenConfig config, ProcessRunner runner, TimeProvider time, ILogger logger)
{
    /// <summary>How often switchover reads the peer's markers while it waits for the confirmation.</summary>
    public static readonly TimeSpan ConfirmPoll = TimeSpan.FromSeconds(1);

    private StandbySettings Settings => config.Standby ?? throw new StandbyActionException(StandbyRefusal.WrongRole,
        $"{config.SourceFile} has no standby: section; see docs/standby.md");

    private JobConfig Job => config.FindJob(StandbySettings.JobName)!;

    private StandbyStore Store => new(config, time);

    public StandbyStatus Status()
    {
        var store = Store;
        return StandbyRules.Status(Settings, store.Load(), store.LocalMarkers(), time.GetUtcNow());
    }

    /// <summary>
    /// Makes this standby the primary: refuses while the primary still answers (unless <paramref name="force"/>) or when
    /// the data is older than max-lag (unless <paramref name="acceptLag"/>); then takes a new epoch, writes it into this
    /// machine's data folders (an old primary reading them is fenced), runs the promote hooks and stores the role.
    /// </summary>
    public async Task<StandbyActionResult> PromoteAsync(bool force, bool acceptLag, CancellationToken cancellationToken = default)
    {
        var settings = Settings;
        using var runLock = AcquireLock("promote");
        var store = Store;
        var state = store.LoadOrInitialize();
        if (state.Role == StandbyRole.Primary)
        {
            throw new StandbyActionException(StandbyRefusal.WrongRole, $"{state.ThisHost} is already the primary (epoch {state.Epoch}); nothing to promote");
        }
        var lines = new List<string>();
        var peer = settings.Peer;
        if (await AnswersAsync(peer, cancellationToken).ConfigureAwait(false))
        {
            if (!force)
            {
                throw new StandbyActionException(StandbyRefusal.PrimaryAnswers,
                    $"the primary {peer.Name} still answers at {Endpoint(peer)}: promoting now would make two primaries. "
                    + "Stop it first (or use 'syncwarden switchover' on it for a planned change); --force promotes anyway, and the epoch then refuses the old primary's next push");
            }
            lines.Add($"warning: the primary {peer.Name} still answers at {Endpoint(peer)}; promoting anyway (--force)");
        }
        else
        {
            lines.Add($"the primary {peer.Name} does not answer at {Endpoint(peer)} (within {DurationParser.Format(peer.ConnectTimeout)})");
        }
        var markers = store.LocalMarkers();
        var now = time.GetUtcNow();
        var lastGood = StandbyRules.LastReceived(markers);
        var age = StandbyRules.Lag(state, markers, now);
        var ageText = lastGood is null ? $"no complete sync was ever received ({Age(age)} since this host became the standby)" : $"the data here is {Age(age)} old (last good sync at {lastGood:u})";
        if (age > settings.MaxLag || lastGood is null)
        {
            if (!acceptLag)
            {
                throw new StandbyActionException(StandbyRefusal.TooOld,
                    $"{ageText}, more than max-lag {DurationParser.Format(settings.MaxLag)}; --accept-lag promotes anyway and serves this data");
            }
            lines.Add($"warning: {ageText}, more than max-lag {DurationParser.Format(settings.MaxLag)}; promoting anyway (--accept-lag)");
        }
        var epoch = StandbyRules.NextEpoch(state, markers.Concat(store.LocalClaims()));
        store.WriteLocalClaims(epoch, now);
        store.WriteLocalMarkers(new StandbyMarker(epoch, state.ThisHost, lastGood ?? state.RoleSince));
        lines.Add($"epoch {state.Epoch} -> {epoch}, written into {string.Join(", ", settings.LocalPaths)} (the old primary's next push is refused)");
        // A push the old primary began before it was cut off must not resume into the data this host now serves.
        if (InFlightReceivers.Stop(settings.LocalPaths) is { Count: > 0 } stopped)
        {
            lines.Add($"stopped {stopped.Count} rsync receiver(s) of an interrupted push from {peer.Name} (pid {string.Join(", ", stopped)})");
        }
        var promoted = state with { Role = StandbyRole.Primary, Epoch = epoch, RoleSince = now, PromotedAt = now, LastGoodSync = lastGood };
        // Stored before the hooks: the markers already say this host is the primary, so whatever a hook does, it is.
        store.Save(promoted);
        var problem = await RunHooksAsync("promote", settings.PromoteHooks, promoted, lines, cancellationToken).ConfigureAwait(false);
        lines.Add($"{state.ThisHost} is now the primary in epoch {epoch}; it serves data {Age(age)} old and pushes to {peer.Name} on the schedule once it is back");
        logger.LogWarning("standby: {Host} promoted to primary in epoch {Epoch}", state.ThisHost, epoch);
        return new StandbyActionResult(promoted, lines, problem, DataAge: age);
    }

    /// <summary>
    /// Makes a repaired old primary the standby of the new one: adopts the peer's epoch, copies the peer's data here at
    /// once (a pull with --delete; the markers stay out of it) and records that sync in its own markers.
    /// </summary>
    public async Task<StandbyActionResult> RejoinAsync(CancellationToken cancellationToken = default)
    {
        var settings = Settings;
        using var runLock = AcquireLock("rejoin");
        var store = Store;
        var state = store.LoadOrInitialize();
        var (peerMarkers, peerClaims, error) = await new PeerMarkers(config, runner).ReadAsync(store, cancellationToken).ConfigureAwait(false);
        if (peerMarkers is null)
        {
            throw new StandbyActionException(StandbyRefusal.Failed, error! + "; rejoin needs the new primary reachable");
        }
        var newest = peerMarkers.Concat(peerClaims).OfType<StandbyMarker>().OrderByDescending(m => m.Epoch).FirstOrDefault();
        if (newest is null || newest.Primary != settings.PeerName || (state.Role == StandbyRole.Primary && newest.Epoch <= state.Epoch))
        {
            throw new StandbyActionException(StandbyRefusal.WrongRole,
                $"{settings.PeerName} is not a newer primary (its markers say {(newest is null ? "nothing" : $"epoch {newest.Epoch}, primary {newest.Primary}")}; this host has epoch {state.Epoch}): "
                + "rejoin is for an old primary after the standby was promoted");
        }
        var lines = new List<string> { $"{settings.PeerName} is the primary in epoch {newest.Epoch}; {state.ThisHost} becomes its standby" };
        var started = time.GetUtcNow();
        for (var i = 0; i < settings.LocalPaths.Count; i++)
        {
            if (await PullAsync(settings.PeerPaths[i], settings.LocalPaths[i], cancellationToken).ConfigureAwait(false) is { } failed)
            {
                throw new StandbyActionException(StandbyRefusal.Failed, failed + "; nothing was changed in the role store, run rejoin again");
            }
            lines.Add($"copied {settings.PeerName}:{settings.PeerPaths[i]}/ -> {settings.LocalPaths[i]}/");
        }
        store.WriteLocalMarkers(new StandbyMarker(newest.Epoch, newest.Primary, started));
        var joined = state with { Role = StandbyRole.Standby, Epoch = Math.Max(state.Epoch, newest.Epoch), RoleSince = time.GetUtcNow(), LastGoodSync = null };
        store.Save(joined);
        lines.Add($"{state.ThisHost} is now the standby in epoch {joined.Epoch}; {settings.PeerName} pushes to it on its schedule");
        logger.LogWarning("standby: {Host} rejoined as the standby of {Peer} in epoch {Epoch}", state.ThisHost, settings.PeerName, joined.Epoch);
        return new StandbyActionResult(joined, lines);
    }

    /// <summary>
    /// A planned change of roles, run on the primary: stop hooks, a final sync with nothing changing, a handover marker
    /// with the next epoch at the peer, whose daemon runs its promote hooks and confirms; waits for that confirmation.
    /// </summary>
    public async Task<StandbyActionResult> SwitchoverAsync(JobRunner jobs, CancellationToken cancellationToken = default)
    {
        var settings = Settings;
        var store = Store;
        var state = store.LoadOrInitialize();
        if (state.Role != StandbyRole.Primary)
        {
            throw new StandbyActionException(StandbyRefusal.WrongRole, $"{state.ThisHost} is the standby (epoch {state.Epoch}); run switchover on the primary");
        }
        var peer = settings.Peer;
        if (!await AnswersAsync(peer, cancellationToken).ConfigureAwait(false))
        {
            throw new StandbyActionException(StandbyRefusal.Failed, $"{peer.Name} does not answer at {Endpoint(peer)}; nothing was stopped or handed over");
        }
        var lines = new List<string>();
        var started = time.GetUtcNow();
        if (await RunHooksAsync("stop", settings.StopHooks, state, lines, cancellationToken).ConfigureAwait(false) is { } stopFailed)
        {
            throw new StandbyActionException(StandbyRefusal.Failed, stopFailed + "; nothing was handed over (start what the earlier stop hooks stopped again)");
        }
        var final = await FinalSyncAsync(jobs, cancellationToken).ConfigureAwait(false);
        if (final.Result is not (History.RunResult.Succeeded or History.RunResult.Warning))
        {
            throw new StandbyActionException(StandbyRefusal.Failed,
                $"the final sync (run {final.Id.ToString(CultureInfo.InvariantCulture)}) {final.Result.ToKebabCase()}: {final.Error}; nothing was handed over (the stop hooks ran: start the services again)");
        }
        lines.Add($"final sync: run {final.Id.ToString(CultureInfo.InvariantCulture)} {final.Result.ToKebabCase()}, {final.FilesTransferred.ToString(CultureInfo.InvariantCulture)} file(s) transferred");

        var epoch = state.Epoch + 1;
        var handover = new StandbyMarker(epoch, peer.Name, final.StartedAt, Handover: true);
        using (AcquireLock("switchover"))
        {
            if (await new PeerMarkers(config, runner).WriteAsync(store, handover, cancellationToken).ConfigureAwait(false) is { } writeFailed)
            {
                throw new StandbyActionException(StandbyRefusal.Failed, writeFailed + "; this host stays the primary (start the services again)");
            }
            // From here the peer may take over at any moment: this host must not push again.
            store.Save(state with { Role = StandbyRole.Standby, Epoch = epoch, RoleSince = time.GetUtcNow() });
            store.WriteLocalMarkers(new StandbyMarker(epoch, peer.Name, final.StartedAt));
        }
        lines.Add($"handed over epoch {epoch} to {peer.Name}; waiting up to {DurationParser.Format(settings.HandoverTimeout)} for its daemon to confirm");

        var deadline = time.GetUtcNow() + settings.HandoverTimeout;
        while (true)
        {
            var (markers, _, _) = await new PeerMarkers(config, runner).ReadAsync(store, cancellationToken).ConfigureAwait(false);
            if (markers is not null && markers.All(m => m is { Handover: false } && m.Epoch >= epoch && m.Primary == peer.Name))
            {
                break;
            }
            if (time.GetUtcNow() >= deadline)
            {
                var problem = $"{peer.Name} did not confirm the handover within {DurationParser.Format(settings.HandoverTimeout)}: is its daemon running? "
                    + $"{state.ThisHost} stays the standby in epoch {epoch}; the peer takes over as soon as its daemon sees the handover. "
                    + "To take the role back here instead: syncwarden promote --force";
                return new StandbyActionResult(store.Load(), lines, problem);
            }
            await Task.Delay(ConfirmPoll, time, cancellationToken).ConfigureAwait(false);
        }
        var downtime = time.GetUtcNow() - started;
        lines.Add($"{peer.Name} confirmed: it is the primary in epoch {epoch}, {state.ThisHost} is its standby");
        logger.LogWarning("standby: {Host} handed over to {Peer} in epoch {Epoch}", state.ThisHost, peer.Name, epoch);
        return new StandbyActionResult(store.Load(), lines, Downtime: downtime);
    }

    /// <summary>The final sync of a switchover: the pair's job, once the daemon's own run of it (if one is going) has ended.</summary>
    private async Task<History.RunRecord> FinalSyncAsync(JobRunner jobs, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + LockWait;
        while (true)
        {
            try
            {
                return await jobs.RunAsync(Job, History.RunTrigger.Manual, cancellationToken).ConfigureAwait(false);
            }
            catch (JobBusyException ex) when (time.GetUtcNow() < deadline)
            {
                logger.LogDebug("standby: final sync waits: {Why}", ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
            }
            catch (JobBusyException ex)
            {
                throw new StandbyActionException(StandbyRefusal.Failed, ex.Message + "; nothing was handed over (the stop hooks ran: start the services again)");
            }
        }
    }

    /// <summary>
    /// The daemon's part of a switchover: when a handover marker names this standby in a newer epoch, runs the promote
    /// hooks, takes the role and confirms by rewriting its markers. Null when there was nothing to take (or the pair's
    /// job is running: the next look takes it).
    /// </summary>
    public async Task<StandbyActionResult?> TakeHandoverAsync(CancellationToken cancellationToken = default)
    {
        if (config.Standby is null)
        {
            return null;
        }
        var store = Store;
        if (StandbyRules.HandoverFor(store.Load(), store.LocalMarkers()) is null)
        {
            return null;
        }
        JobRunLock runLock;
        try
        {
            runLock = JobRunLock.Acquire(config.StateDir, StandbySettings.JobName);
        }
        catch (JobBusyException)
        {
            return null;
        }
        using (runLock)
        {
            var state = store.LoadOrInitialize();
            if (StandbyRules.HandoverFor(state, store.LocalMarkers()) is not { } handover)
            {
                return null;
            }
            var now = time.GetUtcNow();
            var promoted = state with { Role = StandbyRole.Primary, Epoch = handover.Epoch, RoleSince = now, PromotedAt = now, LastGoodSync = handover.SyncedAt };
            var lines = new List<string> { $"{state.Peer} handed over epoch {handover.Epoch}" };
            store.Save(promoted);
            store.WriteLocalClaims(handover.Epoch, now);
            var problem = await RunHooksAsync("switchover", Settings.PromoteHooks, promoted, lines, cancellationToken).ConfigureAwait(false);
            store.WriteLocalMarkers(handover with { Handover = false });
            logger.LogWarning("standby: {Host} took over from {Peer} in epoch {Epoch}{Problem}", state.ThisHost, state.Peer, handover.Epoch, problem is null ? "" : ": " + problem);
            return new StandbyActionResult(promoted, lines, problem);
        }
    }

    /// <summary>The port the peer is reached on: its TLS port (serve's stunnel) over rsync-tls, else its ssh port.</summary>
    private static int ProbePort(HostConfig host) => host.UsesTls ? host.Tls!.Port : host.Port;

    private static string Endpoint(HostConfig host) => $"{host.Address}:{ProbePort(host).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Whether a TCP connection to the host's ssh port (its TLS port over rsync-tls) opens within its connect-timeout.</summary>
    private static async Task<bool> AnswersAsync(HostConfig host, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Sources: the caller's token and the host's connect-timeout.
        timeout.CancelAfter(host.ConnectTimeout);
        try
        {
            await client.ConnectAsync(host.Address, ProbePort(host), timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>How long an action waits for a run of the pair (a lag check takes milliseconds; a push may take longer).</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    private JobRunLock AcquireLock(string action)
    {
        var deadline = time.GetUtcNow() + LockWait;
        while (true)
        {
            try
            {
                return JobRunLock.Acquire(config.StateDir, StandbySettings.JobName);
            }
            catch (JobBusyException ex) when (time.GetUtcNow() >= deadline)
            {
                throw new StandbyActionException(StandbyRefusal.Failed,
                    ex.Message.Replace("this run was not started", $"{action} waited {DurationParser.Format(LockWait)} for it: try again once it has ended", StringComparison.Ordinal));
            }
            catch (JobBusyException)
            {
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>Runs <paramref name="hooks"/> in order, stopping at the first failure (returned); output goes to a log in STATE-DIR/logs.</summary>
    private async Task<string?> RunHooksAsync(string action, IReadOnlyList<HookCommand> hooks, StandbyState state, List<string> lines, CancellationToken cancellationToken)
    {
        if (hooks.Count == 0)
        {
            return null;
        }
        var stamp = time.GetUtcNow().ToLocalTime().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        using var log = new RunLog(Path.Combine(config.StateDir, "logs", $"{stamp}-standby-{action}.log"), time);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SYNCWARDEN_STANDBY_ACTION"] = action,
            ["SYNCWARDEN_STANDBY_ROLE"] = state.Role.ToKebabCase(),
            ["SYNCWARDEN_STANDBY_EPOCH"] = state.Epoch.ToString(CultureInfo.InvariantCulture),
            ["SYNCWARDEN_STANDBY_PEER"] = state.Peer,
            ["SYNCWARDEN_THIS_HOST"] = state.ThisHost,
            ["SYNCWARDEN_STANDBY_FOLDERS"] = string.Join('\n', Settings.LocalPaths),
        };
        var runnerOfHooks = new HookRunner(config, runner, time);
        for (var i = 0; i < hooks.Count; i++)
        {
            var label = $"{action} hook {(i + 1).ToString(CultureInfo.InvariantCulture)}/{hooks.Count.ToString(CultureInfo.InvariantCulture)} ({Path.GetFileName(hooks[i].Command[0])})";
            var outcome = await runnerOfHooks.RunAsync(Job, hooks[i], label, environment, log, cancellationToken).ConfigureAwait(false);
            if (!outcome.Succeeded)
            {
                var problem = outcome.Describe(hooks[i].Timeout) + $"; the later {action} hooks did not run (log: {log.Path})";
                lines.Add(problem);
                return problem;
            }
            lines.Add($"{label}: ok");
        }
        return null;
    }

    /// <summary>One folder of the peer copied here (rejoin): --delete, the pair's excludes (the marker among them) and options.</summary>
    private async Task<string?> PullAsync(string peerFolder, string localFolder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(localFolder);
        var builder = new Rsync.RsyncCommandBuilder(config, Job);
        var index = Settings.LocalPaths.ToList().IndexOf(localFolder);
        var sync = Job.Syncs[index];
        List<string> args = ["--archive", "--secluded-args", "--delete-delay", "--exclude=/.syncwarden-*/"];
        args.AddRange(Job.Exclude.Concat(sync.Exclude).Select(e => "--exclude=" + e));
        args.AddRange(Job.Options.Concat(sync.Options).Where(o => o != "--delete"));
        args.AddRange(builder.RemoteShellOptions());
        // Over rsync-tls the peer's serve offers its folder read only for this (the push module is written only).
        var remote = Settings.Peer.UsesTls ? Tls.TlsModules.StandbyDataSpec(Settings.Peer, index) : Ssh.SshCommand.RemoteSpec(Settings.Peer, peerFolder + "/");
        args.AddRange(["--", remote, localFolder + "/"]);
        var (result, _, stderr) = await runner.CaptureAsync(builder.Spec(args), cancellationToken).ConfigureAwait(false);
        return result.ExitCode is 0 or 24 ? null
            : $"copying {Settings.PeerName}:{peerFolder}/ failed: {FailureText.Explain(Job, [.. stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)], result.ExitCode).Message}";
    }

    private static string Age(TimeSpan age) => DurationParser.Format(TimeSpan.FromSeconds(Math.Floor(age.TotalSeconds)));
}
