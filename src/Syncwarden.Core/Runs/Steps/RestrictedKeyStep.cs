using Syncwarden.History;
using Syncwarden.Ssh;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// A job whose host takes only rsync (Syncwarden's restricted key, <c>keys install</c>) but that also needs a shell
/// there (remote hooks, remote locks, destination or source snapshots) is stopped before anything runs, with the list
/// of what needs a full login, instead of failing half-way with rrsync's refusal.
/// </summary>
internal sealed class RestrictedKeyStep : IRunStep
{
    public Task<RunRecord?> BeforeAsync(RunContext context)
    {
        var features = RestrictedKey.FullLoginFeatures(context.Config, context.Job);
        if (features.Count == 0)
        {
            return Task.FromResult<RunRecord?>(null);
        }
        var message = $"job '{context.Job.Name}' needs a full ssh login, but its host's key is restricted to rsync (keys install): "
            + string.Join("; ", features)
            + ". Remove these features from the job, or give the host its own identity: with a full login" + RunContext.AbortedBeforeTransfer;
        context.Log.Note(message);
        return Task.FromResult<RunRecord?>(context.End(RunResult.Failed, message));
    }

    public Task<RunRecord> AfterAsync(RunContext context, RunRecord result) => Task.FromResult(result);
}
