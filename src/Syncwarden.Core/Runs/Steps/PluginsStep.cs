using System.Globalization;
using Syncwarden.History;
using Syncwarden.Hooks;
using Syncwarden.Rsync;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// The job's plugins-dir: each plugin gets the paths of two files to append rsync filter rules to
/// (includes, excludes); they start empty every run and reach rsync as --include-from and
/// --exclude-from. Afterwards the run's files are removed (the log keeps what the plugins asked for).
/// </summary>
internal sealed class PluginsStep(HookRunner hooks) : IRunStep
{
    public async Task<RunRecord?> BeforeAsync(RunContext context)
    {
        if (context.Job.PluginsDir is not { } pluginsDir)
        {
            return null;
        }
        try
        {
            return await RunPluginsAsync(context, pluginsDir).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var message = $"plugins: {ex.Message}" + RunContext.AbortedBeforeTransfer;
            context.Log.Note(message);
            return context.End(RunResult.Failed, message);
        }
    }

    private async Task<RunRecord?> RunPluginsAsync(RunContext context, string pluginsDir)
    {
        var log = context.Log;
        var listing = PluginDirectory.List(pluginsDir);
        foreach (var skipped in listing.Skipped)
        {
            log.Note($"plugins-dir {pluginsDir}: skipping {skipped}");
        }
        var runDir = RunFilesDir(context);
        if (Directory.Exists(runDir))
        {
            Directory.Delete(runDir, recursive: true);
        }
        Directory.CreateDirectory(runDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var include = Path.Combine(runDir, "include");
        var exclude = Path.Combine(runDir, "exclude");
        await File.WriteAllTextAsync(include, "", context.CancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(exclude, "", context.CancellationToken).ConfigureAwait(false);

        var environment = HookEnvironment.WithPluginFiles(HookEnvironment.For(context.Config, context.Job, context.Record.Id, Configuration.HookKind.Plugin), include, exclude);
        foreach (var plugin in listing.Plugins)
        {
            var label = $"plugin {Path.GetFileName(plugin)}";
            context.Report.Stage(RunPhase.Hooks, detail: label);
            var command = new Configuration.HookCommand { Command = [plugin, include, exclude], Timeout = HookRunner.PluginTimeout };
            var outcome = await hooks.RunAsync(context.Job, command, label, environment, log, context.CancellationToken).ConfigureAwait(false);
            if (outcome.Succeeded)
            {
                continue;
            }
            return outcome.Cancelled
                ? context.Stopped($"while {label} was running", RunContext.AbortedBeforeTransfer)
                : context.End(RunResult.Failed, outcome.Describe(command.Timeout) + RunContext.AbortedBeforeTransfer);
        }

        foreach (var (kind, file) in new[] { ("include", include), ("exclude", exclude) })
        {
            var rules = await File.ReadAllLinesAsync(file, context.CancellationToken).ConfigureAwait(false);
            if (rules.Length > 0)
            {
                log.Note($"plugin {kind} rules ({rules.Length}): " + string.Join(" | ", rules.Take(50)) + (rules.Length > 50 ? " | ..." : ""));
            }
        }
        context.Filters = new RunFilters([include], [exclude]);
        return null;
    }

    public Task<RunRecord> AfterAsync(RunContext context, RunRecord result)
    {
        var dir = RunFilesDir(context);
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Log.Note($"could not remove {dir}: {ex.Message}");
        }
        return Task.FromResult(result);
    }

    private static string RunFilesDir(RunContext context) =>
        Path.Combine(context.Config.StateDir, "runs", context.Record.Id.ToString(CultureInfo.InvariantCulture));
}
