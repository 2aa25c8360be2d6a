using Syncwarden.Configuration;

namespace Syncwarden.Cli.Commands;

internal static class JobArguments
{
    /// <summary>The named jobs in the order given, or all jobs; an unknown name is a usage error naming the known ones.</summary>
    public static IReadOnlyList<JobConfig> Select(SyncwardenConfig config, IReadOnlyList<string>? names)
    {
        if (names is null || names.Count == 0)
        {
            return config.Jobs;
        }
        var jobs = new List<JobConfig>();
        foreach (var name in names)
        {
            jobs.Add(config.FindJob(name) ?? throw new UserError(
                $"no job named '{name}' in {config.SourceFile}; jobs: {(config.Jobs.Count == 0 ? "(none)" : string.Join(", ", config.Jobs.Select(j => j.Name)))}"));
        }
        return jobs;
    }
}
