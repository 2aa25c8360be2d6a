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

    /// <summary>
    /// `run --device UUID` (what the udev rule starts): the jobs whose device: lists the disk, in file order, each
    /// narrowed to that disk, so the plugged-in disk is the one used even when another listed disk is attached too.
    /// </summary>
    public static IReadOnlyList<JobConfig> ForDevice(SyncwardenConfig config, string uuid)
    {
        var jobs = config.Jobs
            .Where(j => j.Device?.Find(uuid) is not null)
            .Select(j => j with { Device = j.Device! with { Disks = [j.Device.Find(uuid)!] } })
            .ToList();
        if (jobs.Count == 0)
        {
            var known = config.Jobs.Where(j => j.Device is not null).SelectMany(j => j.Device!.Disks.Select(d => $"{d.Uuid} ({j.Name})")).ToList();
            throw new UserError($"no job in {config.SourceFile} lists the disk {uuid} under device.uuids; listed disks: {(known.Count == 0 ? "(none)" : string.Join(", ", known))}", CliApp.Failed);
        }
        return jobs;
    }
}
