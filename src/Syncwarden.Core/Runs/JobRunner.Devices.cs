using Syncwarden.Devices;

namespace Syncwarden.Runs;

public sealed partial class JobRunner
{
    /// <summary>
    /// Unmounts removable disks that a killed syncwarden left mounted (<c>device:</c>); called at the start of `run`
    /// and of the daemon, next to closing their abandoned runs. Returns how many were unmounted.
    /// </summary>
    public Task<int> ReleaseAbandonedDisksAsync() => AbandonedMounts.ReleaseAsync(config.StateDir, runner, time, logger);
}
