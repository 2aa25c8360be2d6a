using System.Globalization;
using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Hooks;
using Syncwarden.Rsync;

namespace Syncwarden.Runs;

public sealed partial class JobRunner
{
    /// <summary>Before hooks in order, then the plugins; either filters for the syncs or a finished record (skipped, failed).</summary>
    private async Task<Prepared> PrepareAsync(JobConfig job, RunRecord record, RunLog log, CancellationToken cancellationToken, CancellationTokenSource timeout)
    {
        var hooks = new HookRunner(config, _runner, _time);
        var environment = HookEnvironment.For(config, job, record.Id, HookKind.Before);
        for (var i = 0; i < job.Hooks.Before.Count; i++)
        {
            var hook = job.Hooks.Before[i];
            var label = HookLabel(HookKind.Before, i, job.Hooks.Before.Count, hook);
            ReportHook(job, record.Id, label);
            var outcome = await hooks.RunAsync(job, hook, label, environment, log, cancellationToken).ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                continue;
            }
            if (outcome.AsksToSkip)
            {
                var message = $"skipped by {label}" + (outcome.Message is { } m ? ": " + m : " (exit 75)");
                log.Note(message);
                return new Prepared(RunFilters.None, Ended(record, RunResult.Skipped, message));
            }
            if (outcome.Cancelled)
            {
                return new Prepared(RunFilters.None, timeout.IsCancellationRequested
                    ? Ended(record, RunResult.Failed, $"{label} was stopped by the job timeout of {DurationParser.Format(job.Timeout!.Value)}; nothing was transferred")
                    : Ended(record, RunResult.Cancelled, $"cancelled while {label} was running; nothing was transferred"));
            }
            return new Prepared(RunFilters.None, Ended(record, RunResult.Failed, outcome.Describe(hook.Timeout) + "; the run was aborted, nothing was transferred"));
        }

        if (job.PluginsDir is not { } pluginsDir)
        {
            return new Prepared(RunFilters.None, null);
        }
        try
        {
            return await RunPluginsAsync(job, record, log, pluginsDir, hooks, cancellationToken, timeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var message = $"plugins: {ex.Message}; the run was aborted, nothing was transferred";
            log.Note(message);
            return new Prepared(RunFilters.None, Ended(record, RunResult.Failed, message));
        }
    }

    /// <summary>
    /// Each plugin gets the paths of two files to append rsync filter rules to (includes, excludes); they
    /// start empty every run and are handed to rsync as --include-from and --exclude-from.
    /// </summary>
    private async Task<Prepared> RunPluginsAsync(JobConfig job, RunRecord record, RunLog log, string pluginsDir, HookRunner hooks, CancellationToken cancellationToken, CancellationTokenSource timeout)
    {
        var listing = PluginDirectory.List(pluginsDir);
        foreach (var skipped in listing.Skipped)
        {
            log.Note($"plugins-dir {pluginsDir}: skipping {skipped}");
        }
        var runDir = RunFilesDir(record.Id);
        if (Directory.Exists(runDir))
        {
            Directory.Delete(runDir, recursive: true);
        }
        Directory.CreateDirectory(runDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var include = Path.Combine(runDir, "include");
        var exclude = Path.Combine(runDir, "exclude");
        await File.WriteAllTextAsync(include, "", cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(exclude, "", cancellationToken).ConfigureAwait(false);

        var environment = HookEnvironment.WithPluginFiles(HookEnvironment.For(config, job, record.Id, HookKind.Plugin), include, exclude);
        foreach (var plugin in listing.Plugins)
        {
            var label = $"plugin {Path.GetFileName(plugin)}";
            ReportHook(job, record.Id, label);
            var command = new HookCommand { Command = [plugin, include, exclude], Timeout = HookRunner.PluginTimeout };
            var outcome = await hooks.RunAsync(job, command, label, environment, log, cancellationToken).ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                continue;
            }
            var message = outcome.Cancelled
                ? (timeout.IsCancellationRequested ? $"{label} was stopped by the job timeout of {DurationParser.Format(job.Timeout!.Value)}" : $"cancelled while {label} was running")
                : outcome.Describe(command.Timeout);
            var result = outcome.Cancelled && !timeout.IsCancellationRequested ? RunResult.Cancelled : RunResult.Failed;
            return new Prepared(RunFilters.None, Ended(record, result, message + "; the run was aborted, nothing was transferred"));
        }

        // The files are removed after the run; the log keeps what the plugins asked for.
        foreach (var (kind, file) in new[] { ("include", include), ("exclude", exclude) })
        {
            var rules = await File.ReadAllLinesAsync(file, cancellationToken).ConfigureAwait(false);
            if (rules.Length > 0)
            {
                log.Note($"plugin {kind} rules ({rules.Length}): " + string.Join(" | ", rules.Take(50)) + (rules.Length > 50 ? " | ..." : ""));
            }
        }
        return new Prepared(new RunFilters([include], [exclude]), null);
    }

    /// <summary>After hooks on success or warning, on-error hooks on failure or cancellation, finally hooks always.</summary>
    private async Task<RunRecord> FinishAsync(JobConfig job, RunRecord result, RunLog log, CancellationToken cancellationToken)
    {
        RemoveRunFiles(result.Id, log);
        var hooks = new HookRunner(config, _runner, _time);
        if (result.Result is RunResult.Succeeded or RunResult.Warning)
        {
            var problems = await RunFinishingHooksAsync(job, result, log, HookKind.After, job.Hooks.After, hooks, cancellationToken).ConfigureAwait(false);
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
            await RunFinishingHooksAsync(job, result, log, HookKind.OnError, job.Hooks.OnError, hooks, CancellationToken.None).ConfigureAwait(false);
        }
        await RunFinishingHooksAsync(job, result, log, HookKind.Finally, job.Hooks.Finally, hooks, CancellationToken.None).ConfigureAwait(false);
        return result;
    }

    /// <summary>Runs every hook of one kind (a failure does not stop the others); returns what failed.</summary>
    private async Task<List<string>> RunFinishingHooksAsync(JobConfig job, RunRecord result, RunLog log, HookKind kind, IReadOnlyList<HookCommand> list, HookRunner hooks, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (list.Count == 0)
        {
            return problems;
        }
        var environment = HookEnvironment.For(config, job, result.Id, kind, result);
        for (var i = 0; i < list.Count; i++)
        {
            var label = HookLabel(kind, i, list.Count, list[i]);
            ReportHook(job, result.Id, label);
            var outcome = await hooks.RunAsync(job, list[i], label, environment, log, cancellationToken).ConfigureAwait(false);
            if (!outcome.Succeeded)
            {
                var problem = outcome.Describe(list[i].Timeout);
                problems.Add(problem);
                log.Note("warning: " + problem);
                logger.LogWarning("job {Job}: run {RunId}: {Problem}", job.Name, result.Id, problem);
            }
        }
        return problems;
    }

    private static string HookLabel(HookKind kind, int index, int count, HookCommand hook) =>
        $"{kind.ToKebabCase()} hook" + (count > 1 ? $" {(index + 1).ToString(CultureInfo.InvariantCulture)}" : "") + $" ({Path.GetFileName(hook.Command[0])})";

    private void ReportHook(JobConfig job, long runId, string label) =>
        progress.Report(new RunProgress(job.Name, runId, RunPhase.Hooks, 0, job.Syncs.Count, null, null, label));

    private string RunFilesDir(long runId) => Path.Combine(config.StateDir, "runs", runId.ToString(CultureInfo.InvariantCulture));

    private void RemoveRunFiles(long runId, RunLog log)
    {
        var dir = RunFilesDir(runId);
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Note($"could not remove {dir}: {ex.Message}");
        }
    }
}
