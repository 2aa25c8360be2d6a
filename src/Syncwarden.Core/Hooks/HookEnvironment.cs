using System.Globalization;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Rsync;

namespace Syncwarden.Hooks;

/// <summary>The SYNCWARDEN_* variables every hook and plugin gets (locally in its environment, remotely through env).</summary>
internal static class HookEnvironment
{
    /// <summary>Variables in a fixed order (the remote command line is built from them).</summary>
    public static IReadOnlyDictionary<string, string> For(SyncwardenConfig config, JobConfig job, long runId, HookKind hook, RunRecord? result = null)
    {
        var builder = new RsyncCommandBuilder(config, job);
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SYNCWARDEN_JOB"] = job.Name,
            ["SYNCWARDEN_RUN_ID"] = runId.ToString(CultureInfo.InvariantCulture),
            ["SYNCWARDEN_HOOK"] = hook.ToKebabCase(),
            ["SYNCWARDEN_DIRECTION"] = job.Direction.ToString().ToLowerInvariant(),
            ["SYNCWARDEN_HOST"] = job.Host ?? "",
            ["SYNCWARDEN_SYNC_COUNT"] = job.Syncs.Count.ToString(CultureInfo.InvariantCulture),
            ["SYNCWARDEN_SYNCS"] = string.Join('\n', job.Syncs.Select(s => $"{builder.SourceArgument(s)} -> {builder.DestinationArgument(s)}")),
        };
        for (var i = 0; i < job.Syncs.Count; i++)
        {
            var n = (i + 1).ToString(CultureInfo.InvariantCulture);
            env["SYNCWARDEN_SOURCE_" + n] = job.Syncs[i].Source;
            env["SYNCWARDEN_DESTINATION_" + n] = job.Syncs[i].Destination;
        }
        if (result is not null)
        {
            env["SYNCWARDEN_RESULT"] = result.Result.ToKebabCase();
            if (result.Error is { } error)
            {
                env["SYNCWARDEN_ERROR"] = error;
            }
        }
        return env;
    }

    public static IReadOnlyDictionary<string, string> WithPluginFiles(IReadOnlyDictionary<string, string> env, string includeFile, string excludeFile) =>
        new Dictionary<string, string>(env, StringComparer.Ordinal)
        {
            ["SYNCWARDEN_INCLUDE_FILE"] = includeFile,
            ["SYNCWARDEN_EXCLUDE_FILE"] = excludeFile,
        };
}
