namespace Syncwarden.Configuration;

/// <summary>A job feature that runs something other than rsync on a remote host, so it needs a shell login there.</summary>
/// <param name="Key">The job's configuration key that asks for it.</param>
/// <param name="What">What it runs there, for messages.</param>
public sealed record ShellFeature(string Key, string What);

/// <summary>
/// The one list of what needs a shell on a remote host besides rsync. A host reached over rsync-tls offers no shell, so
/// the configuration refuses these for it (ConfigLoader); a host whose key is restricted to rsync needs a full login
/// for them (Ssh.RestrictedKey).
/// </summary>
public static class ShellFeatures
{
    /// <summary>Why verify needs more than rsync on the host.</summary>
    public const string VerifyText = "verify compares checksums over ssh with rsync options rrsync refuses";

    /// <summary>
    /// The features of <paramref name="job"/> that need a shell on <paramref name="hostName"/>: on the job's own host,
    /// remote hooks, snapshots at a push's destination, a pull's source snapshot and (with <paramref name="withVerify"/>)
    /// verify; on any host, the job's locks and blocks-on entries that name it.
    /// </summary>
    public static IEnumerable<ShellFeature> On(JobConfig job, string hostName, bool withVerify)
    {
        if (job.Host == hostName && job.Direction != Direction.Local)
        {
            var hooks = job.Hooks;
            if (hooks.Before.Concat(hooks.After).Concat(hooks.OnError).Concat(hooks.Finally).Any(h => h.Remote))
            {
                yield return new("hooks", "remote hooks (on: remote) run commands over ssh");
            }
            if (job.Direction == Direction.Push && job.Snapshots.Enabled)
            {
                yield return new("snapshots", "snapshots at the destination run scripts over ssh");
            }
            if (job.Direction == Direction.Pull && job.SourceSnapshot is not null)
            {
                yield return new("source-snapshot", "source-snapshot runs btrfs over ssh");
            }
            if (withVerify && job.Verify is not null)
            {
                yield return new("verify", VerifyText + " (verify: is set)");
            }
        }
        const string Locks = "remote locks (locks:/blocks-on: on this host) hold a shell session";
        if (job.Locks.Any(l => l.Host == hostName))
        {
            yield return new("locks", Locks);
        }
        if (job.BlocksOn.Any(l => l.Host == hostName))
        {
            yield return new("blocks-on", Locks);
        }
    }
}
