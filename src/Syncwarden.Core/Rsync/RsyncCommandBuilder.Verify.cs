using Syncwarden.Configuration;
using Syncwarden.Processes;

namespace Syncwarden.Rsync;

public sealed partial class RsyncCommandBuilder
{
    /// <summary>
    /// The source's regular files as a sync sees them (the same filters and options), as the dry run of a copy into
    /// <paramref name="emptyFolder"/>: every file prints as a created item (<see cref="ItemizeParser"/>), its name
    /// relative to <see cref="VerifyBase"/>. Nothing is written.
    /// </summary>
    public ProcessSpec BuildVerifyListing(SyncPair sync, string emptyFolder)
    {
        var args = VerifyArguments(sync);
        args.Add(SourceArgument(sync));
        args.Add(WithTrailingSlash(emptyFolder));
        return Spec(args) with { OutputBatchDelay = OutputBatchDelay };
    }

    /// <summary>
    /// Compares the files named in <paramref name="fileList"/> (NUL-separated, relative to <see cref="VerifyBase"/>)
    /// with <paramref name="replica"/> by checksum, changing nothing: a file that differs prints as an update with the
    /// checksum flag, one missing from the replica as created.
    /// </summary>
    public ProcessSpec BuildVerifyCheck(SyncPair sync, string fileList, string replica)
    {
        var args = VerifyArguments(sync);
        args.Insert(0, "--checksum");
        args.Insert(0, "--from0");
        args.Insert(0, "--files-from=" + fileList);
        args.Add(VerifyBase(sync));
        args.Add(WithTrailingSlash(job.Direction == Direction.Push && job.HostConfig is not null ? RemotePath(replica) : replica));
        return Spec(args) with { OutputBatchDelay = OutputBatchDelay };
    }

    /// <summary>
    /// The folder the names of a sync's files are relative to: the source itself with a trailing slash (its contents
    /// are copied), else its parent (the source's own folder is copied, so names start with its name).
    /// </summary>
    public string VerifyBase(SyncPair sync)
    {
        if (sync.Source.EndsWith('/'))
        {
            return SourceArgument(sync);
        }
        var slash = sync.Source.LastIndexOf('/');
        var parent = slash < 0 ? "./" : sync.Source[..(slash + 1)];
        return job.Direction == Direction.Pull && job.HostConfig is not null ? RemotePath(parent) : parent;
    }

    /// <summary>A dry run with itemised output, the job's options (without deletions) and filters, and ssh when remote.</summary>
    private List<string> VerifyArguments(SyncPair sync)
    {
        var args = new List<string> { "--archive", "--dry-run", "--out-format=" + ItemizeParser.OutFormat };
        AddSecludedArgs(args);
        args.AddRange(job.Options.Concat(sync.Options).Where(o => !s_deleteOptions.Contains(o)));
        AddFilters(args, sync, null);
        AddRemoteShell(args);
        args.Add("--");
        return args;
    }
}
