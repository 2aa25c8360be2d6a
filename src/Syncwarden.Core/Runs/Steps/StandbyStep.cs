using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Processes;
using Syncwarden.Standby;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// The standby pair's job (<c>standby:</c>) acts on this machine's current role. On the standby a run transfers
/// nothing: it checks how old the received data is and fails when that is more than max-lag (mailed like any failure,
/// once, then after repeat-after, and its recovery). On the primary it reads the marker of every destination first
/// and refuses the push when one holds a higher epoch (a promoted standby): the run fails loudly, nothing is written,
/// and this machine becomes a standby in that epoch. After a good push it writes its epoch into every destination.
/// Other jobs pass straight through.
/// </summary>
internal sealed class StandbyStep(ProcessRunner runner, ILogger logger) : IRunStep
{
    private StandbyStore? _store;
    private StandbyState? _pushing;

    public async Task<RunRecord?> BeforeAsync(RunContext context)
    {
        if (context.Config.Standby is not { } settings || context.Job.Name != StandbySettings.JobName)
        {
            return null;
        }
        var store = new StandbyStore(context.Config, context.Time);
        var state = store.LoadOrInitialize();
        var now = context.Time.GetUtcNow();
        if (state.Role == StandbyRole.Standby)
        {
            return CheckLag(context, settings, store, state, now);
        }

        context.Report.Stage(RunPhase.Checking, detail: "standby markers");
        var (markers, claims, error) = await new PeerMarkers(context.Config, runner).ReadAsync(store, context.CancellationToken).ConfigureAwait(false);
        if (markers is null)
        {
            // Without the peer's epoch the push could overwrite a promoted standby: never push blind.
            context.Log.Note(error! + RunContext.AbortedBeforeTransfer);
            return context.End(RunResult.Failed, error + RunContext.AbortedBeforeTransfer);
        }
        if (StandbyRules.Fence(state, markers.Concat(claims)) is { } higher)
        {
            var why = $"push refused: {settings.PeerName} holds epoch {higher.Epoch} (primary {higher.Primary}{(higher.Handover ? ", handed over" : "")}), "
                + $"this host has epoch {state.Epoch}; nothing was written. {state.ThisHost} is now the standby "
                + "(bring it back with 'syncwarden rejoin')";
            store.Save(StandbyRules.Demote(state, higher, now, why));
            context.Log.Note(why);
            context.Report.Warning(why);
            logger.LogError("job {Job}: {Why}", context.Job.Name, why);
            return context.End(RunResult.Failed, why);
        }
        context.Log.Note($"standby: this host is the primary in epoch {state.Epoch}; {settings.PeerName}'s markers allow the push");
        _store = store;
        _pushing = state;
        return null;
    }

    public async Task<RunRecord> AfterAsync(RunContext context, RunRecord result)
    {
        if (_store is null || _pushing is not { } state || result.Result is not (RunResult.Succeeded or RunResult.Warning))
        {
            return result;
        }
        var marker = new StandbyMarker(state.Epoch, state.ThisHost, context.Record.StartedAt);
        if (await new PeerMarkers(context.Config, runner).WriteAsync(_store, marker, CancellationToken.None).ConfigureAwait(false) is { } error)
        {
            return context.Warn(result, error + "; the data arrived, but the peer does not know its age or this host's epoch");
        }
        // Re-read: a promote or rejoin in between wins over this run's view.
        var now = _store.Load();
        if (now.Role == StandbyRole.Primary && now.Epoch == state.Epoch)
        {
            _store.Save(now with { LastGoodSync = context.Record.StartedAt });
        }
        context.Log.Note($"standby: wrote epoch {state.Epoch} into {context.Config.Standby!.PeerName}'s data folders");
        return result;
    }

    private static RunRecord CheckLag(RunContext context, StandbySettings settings, StandbyStore store, StandbyState state, DateTimeOffset now)
    {
        var markers = store.LocalMarkers();
        var last = StandbyRules.LastReceived(markers);
        var lag = StandbyRules.Lag(state, markers, now);
        var age = DurationParser.Format(TimeSpan.FromSeconds(Math.Floor(lag.TotalSeconds)));
        var received = last is { } l ? $"its data is {age} old (last good sync from {markers.OfType<StandbyMarker>().First().Primary} at {l:u})" : $"it has received no sync for {age}";
        if (lag > settings.MaxLag)
        {
            var message = $"this host is the standby and {received}, more than max-lag {DurationParser.Format(settings.MaxLag)}: is the primary's daemon running and can it reach this host?";
            context.Log.Note(message);
            return context.End(RunResult.Failed, message);
        }
        context.Log.Note($"this host is the standby in epoch {state.Epoch}: it receives, nothing to push; {received}, within max-lag {DurationParser.Format(settings.MaxLag)}");
        return context.End(RunResult.Succeeded, null, 0);
    }
}
