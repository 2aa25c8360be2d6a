using System.Globalization;
using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Hooks;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// The job's hooks: before hooks in order (a failure aborts the run, exit 75 skips it); afterwards the
/// after hooks on success or warning, on-error hooks on failure or cancel, finally hooks always.
/// </summary>
internal sealed class HooksStep(HookRunner hooks, ILogger logger) : IRunStep
{
    public async Task<RunRecord?> BeforeAsync(RunContext context)
    {
        var job = context.Job;
        var environment = HookEnvironment.For(context.Config, job, context.Record.Id, HookKind.Before);
        for (var i = 0; i < job.Hooks.Before.Count; i++)
        {
            var hook = job.Hooks.Before[i];
            var label = Label(HookKind.Before, i, job.Hooks.Before.Count, hook);
            context.Report.Stage(RunPhase.Hooks, detail: label);
            var outcome = await hooks.RunAsync(job, hook, label, environment, context.Log, context.CancellationToken).ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                continue;
            }
            if (outcome.AsksToSkip)
            {
                var message = $"skipped by {label}" + (outcome.Message is { } m ? ": " + m : " (exit 75)");
                context.Log.Note(message);
                return context.End(RunResult.Skipped, message);
            }
            if (outcome.Cancelled)
            {
                return context.Stopped($"while {label} was running", "; nothing was transferred");
            }
            return context.End(RunResult.Failed, outcome.Describe(hook.Timeout) + RunContext.AbortedBeforeTransfer);
        }
        return null;
    }

    public async Task<RunRecord> AfterAsync(RunContext context, RunRecord result)
    {
        var job = context.Job;
        if (result.Result is RunResult.Succeeded or RunResult.Warning)
        {
            var problems = await RunAllAsync(context, result, HookKind.After, job.Hooks.After, context.CancellationToken).ConfigureAwait(false);
            if (problems.Count > 0)
            {
                // The data arrived; a failed after hook (a snapshot, a notification) is worth a warning, not a failure.
                result = result with { Result = RunResult.Warning, Error = string.Join("; ", (result.Error is { } e ? [e] : Array.Empty<string>()).Concat(problems)) };
            }
        }
        // A cancelled or timed-out run still gets its on-error and finally hooks (unmount, unlock, alert);
        // each is bounded by its own timeout rather than by the already cancelled run.
        if (result.Result is RunResult.Failed or RunResult.Cancelled)
        {
            await RunAllAsync(context, result, HookKind.OnError, job.Hooks.OnError, CancellationToken.None).ConfigureAwait(false);
        }
        await RunAllAsync(context, result, HookKind.Finally, job.Hooks.Finally, CancellationToken.None).ConfigureAwait(false);
        return result;
    }

    /// <summary>Runs every hook of one kind (a failure does not stop the others); returns what failed.</summary>
    private async Task<List<string>> RunAllAsync(RunContext context, RunRecord result, HookKind kind, IReadOnlyList<HookCommand> list, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (list.Count == 0)
        {
            return problems;
        }
        var job = context.Job;
        var environment = HookEnvironment.For(context.Config, job, result.Id, kind, result);
        for (var i = 0; i < list.Count; i++)
        {
            var label = Label(kind, i, list.Count, list[i]);
            context.Report.Stage(RunPhase.Hooks, detail: label);
            var outcome = await hooks.RunAsync(job, list[i], label, environment, context.Log, cancellationToken).ConfigureAwait(false);
            if (!outcome.Succeeded)
            {
                var problem = outcome.Describe(list[i].Timeout);
                problems.Add(problem);
                context.Log.Note("warning: " + problem);
                context.Report.Warning(problem);
                logger.LogWarning("job {Job}: run {RunId}: {Problem}", job.Name, result.Id, problem);
            }
        }
        return problems;
    }

    private static string Label(HookKind kind, int index, int count, HookCommand hook) =>
        $"{kind.ToKebabCase()} hook" + (count > 1 ? $" {(index + 1).ToString(CultureInfo.InvariantCulture)}" : "") + $" ({Path.GetFileName(hook.Command[0])})";
}
