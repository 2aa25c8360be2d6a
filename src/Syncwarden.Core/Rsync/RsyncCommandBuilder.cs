using System.Globalization;
using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Ssh;

namespace Syncwarden.Rsync;

/// <summary>What an rsync invocation is for; each changes only the output and dry-run options.</summary>
public enum RsyncMode
{
    /// <summary>The real transfer, with live progress and per-file lines.</summary>
    Transfer,
    /// <summary>A dry run listing every change (plan, max-delete pre-pass).</summary>
    Preview,
}

/// <summary>Include and exclude files produced for one run (by plugins), added to the job's own.</summary>
public sealed record RunFilters(IReadOnlyList<string> IncludeFrom, IReadOnlyList<string> ExcludeFrom)
{
    public static RunFilters None { get; } = new([], []);
}

/// <summary>Turns a job and one of its syncs into an rsync argv list. Never a shell string.</summary>
public sealed partial class RsyncCommandBuilder(SyncwardenConfig config, JobConfig job)
{
    /// <summary>Per-directory folder rsync keeps interrupted files in, so the next run resumes them.</summary>
    public const string PartialDir = ".syncwarden-partial";
    /// <summary>Folder at the destination root that receives files while they are written.</summary>
    public const string TempDir = ".syncwarden-tmp";
    public const string TransferOutFormat = "%i %n%L";

    /// <summary>
    /// rsync flushes its output after every line (--outbuf=B does not change that: its log code flushes
    /// each line itself), a progress update and a name per file. Reading them in batches this far apart
    /// saves a wake-up and a read per line; progress is drawn at most ten times a second anyway.
    /// </summary>
    public static readonly TimeSpan OutputBatchDelay = TimeSpan.FromMilliseconds(20);
    private const string OwnFoldersPattern = ".syncwarden-*/";

    /// <summary>
    /// An absolute partial dir at the destination root when the destination path is absolute: a
    /// relative one makes rsync look for a partial file in every directory (it doubled a no-change
    /// run of 20,000 files). Interrupted files of any directory wait there, by name.
    /// </summary>
    public static string PartialDirFor(SyncPair sync) =>
        sync.Destination.StartsWith('/') ? sync.Destination.TrimEnd('/') + "/" + PartialDir : PartialDir;

    /// <summary>
    /// The partial dir of a push through rrsync. rrsync's -absolute keeps only the transfer paths as they are; an absolute
    /// path in an option is read as one under rrsync's folder, so the partial dir is named from that folder (a leading
    /// "/" is its root). Otherwise the partial data would land in a copy of the whole path below that folder.
    /// </summary>
    private string RrsyncPartialDir(SyncPair sync)
    {
        var absolute = PartialDirFor(sync);
        if (job.HostConfig?.RrsyncRoot is not { Length: > 0 } root || !absolute.StartsWith('/'))
        {
            return absolute;
        }
        var relative = Path.GetRelativePath(root, absolute);
        return relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? absolute : "/" + relative;
    }

    public JobConfig Job => job;

    /// <summary>True when rsync's receiving side runs on this host (local and pull jobs).</summary>
    public bool ReceiverIsLocal => job.Direction != Direction.Push;

    /// <summary>
    /// The options that make rsync delete extraneous files at the destination. Not every
    /// "--delete-*" does: --delete-missing-args alone deletes nothing extraneous, and adding
    /// --delete-delay to it would turn a plain copy into a mirror.
    /// </summary>
    private static readonly HashSet<string> s_deleteOptions = new(StringComparer.Ordinal) { "--delete", "--delete-excluded", "--delete-delay", "--delete-after" };

    public static bool UsesDelete(IEnumerable<string> options) => options.Any(s_deleteOptions.Contains);

    public bool SyncDeletes(SyncPair sync) => UsesDelete(job.Options.Concat(sync.Options));

    public ProcessSpec Build(SyncPair sync, RsyncMode mode, RunFilters? extra = null) => Build(sync, mode, extra, resumeList: null);

    /// <summary>
    /// Whether a run after an interrupted one resumes the interrupted file on its own first (<see cref="BuildResumeFirst"/>):
    /// when the partial folder is at an absolute path, where rsync keeps an interrupted file by its name alone (see
    /// <see cref="Runs.Steps.InterruptedFile"/>). Also a push over rsync-tls (the list of names stays with the sending
    /// side; the daemon only receives files), but not a pull from it, and nothing through rrsync: those receivers take
    /// only the transfers their keys allow.
    /// </summary>
    public bool ResumesInterruptedFileFirst(SyncPair sync) =>
        job.Resume && !ThroughRrsync && (!UsesTls || job.Direction == Direction.Push) && PartialDirFor(sync).StartsWith('/');

    /// <summary>
    /// The transfer of the files named in <paramref name="listFile"/> only (NUL-separated, relative to the sync's
    /// transfer root: as rsync names them in its output), with the sync's options and filters but nothing deleted:
    /// how a run resumes the file the previous one was interrupted in before anything else can meet its partial data.
    /// </summary>
    public ProcessSpec BuildResumeFirst(SyncPair sync, string listFile, RunFilters? extra = null) => Build(sync, RsyncMode.Transfer, extra, listFile);

    private ProcessSpec Build(SyncPair sync, RsyncMode mode, RunFilters? extra, string? resumeList)
    {
        var args = new List<string> { "--archive" };
        AddSecludedArgs(args);
        // rsync looks the partial dir up for every regular file it checks, changed or not (one lstat per
        // file: a quarter to a half more time for a run with nothing to do). Only a transfer can keep or
        // use a partial file, so a dry run leaves it out; except a relative one, whose name rsync also
        // excludes in every folder, so a dry run with --delete does not count those folders as deletions.
        // Over rsync-tls the receiving daemon is chrooted to the module (the destination): "/" is its root.
        var partialDir = UsesTls && job.Direction == Direction.Push ? "/" + PartialDir
            : ThroughRrsync && job.Direction == Direction.Push ? RrsyncPartialDir(sync) : PartialDirFor(sync);
        if (job.Resume && (mode == RsyncMode.Transfer || !partialDir.StartsWith('/')))
        {
            args.Add("--partial-dir=" + partialDir);
        }

        if (mode == RsyncMode.Transfer)
        {
            args.Add("--info=progress2");
            // The whole file list before the first byte, so progress has its real total (files and sizes) from the
            // start; with incremental recursion the list, and rsync's percentage, grow until the scan ends, which on
            // a tree of 20,000 files is near the end of the run. Measured on that tree (docs/operations.md): the same
            // within the noise, and about 40 bytes more memory per file. A job may pass
            // --inc-recursive in its options (they come later and win); progress then says its total is growing.
            args.Add("--no-inc-recursive");
            args.Add("--stats");
            args.Add("--out-format=" + TransferOutFormat);
        }
        else
        {
            args.Add("--dry-run");
            args.Add("--stats");
            args.Add("--out-format=" + ItemizeParser.OutFormat);
        }

        // Files being received live in one folder we own, so a receiver killed with SIGKILL leaves
        // nothing beside the real files and the next run can clear it. A dry run must not need
        // (or create) it.
        if (ReceiverIsLocal && mode == RsyncMode.Transfer)
        {
            args.Add("--temp-dir=" + TempDir);
        }
        // Our folders at the destination root are never transferred or deleted. The rule costs a
        // match per file, so it is only added where something could delete them.
        var userOptions = job.Options.Concat(sync.Options)
            .Where(o => resumeList is null || !(o == "--del" || o.StartsWith("--delete", StringComparison.Ordinal))).ToList();
        if (UsesDelete(userOptions))
        {
            args.Add("--exclude=/" + OwnFoldersPattern);
        }

        if (job.Bandwidth is { } kib)
        {
            args.Add("--bwlimit=" + kib.ToString(CultureInfo.InvariantCulture));
        }

        if (UsesDelete(userOptions) && !userOptions.Any(o => o is "--delete-delay" or "--delete-after"))
        {
            // Deletions wait until every file has been transferred: an aborted run never deleted
            // anything it had not replaced. (--delete-after already waits; rsync refuses both.)
            args.Add("--delete-delay");
        }
        args.AddRange(userOptions);
        AddFilters(args, sync, extra);
        if (resumeList is not null)
        {
            // The names are relative to the folder rsync transfers from: the source itself when it ends in "/", else
            // its parent (rsync names "src/a" for a source "src"); --files-from keeps them relative to the destination.
            args.Add("--files-from=" + resumeList);
            args.Add("--from0");
        }
        AddRemoteShell(args);
        args.Add("--");
        args.Add(resumeList is null ? SourceArgument(sync) : SourceArgument(sync with { Source = TransferRoot(sync.Source) }));
        args.Add(DestinationArgument(sync));
        return Spec(args) with { OutputBatchDelay = OutputBatchDelay };
    }

    /// <summary>The job's and the sync's include and exclude rules, then the run's own files (from plugins).</summary>
    private void AddFilters(List<string> args, SyncPair sync, RunFilters? extra)
    {
        args.AddRange(LockExcludes(sync));
        foreach (var pattern in job.Include)
        {
            args.Add("--include=" + pattern);
        }
        foreach (var file in job.IncludeFrom.Concat(extra?.IncludeFrom ?? []))
        {
            args.Add("--include-from=" + file);
        }
        foreach (var pattern in sync.Exclude.Concat(job.Exclude))
        {
            args.Add("--exclude=" + pattern);
        }
        foreach (var file in job.ExcludeFrom.Concat(extra?.ExcludeFrom ?? []))
        {
            args.Add("--exclude-from=" + file);
        }
    }

    /// <summary>
    /// The job's lock files (<c>locks</c>, and the patterns of <c>blocks-on</c>) that lie inside the sync's source, as
    /// exclude rules anchored at the transfer root, first among the filters so no include brings them back. A lock
    /// file is the state of a run on the source side, not data: a copy of it at the destination would look held to
    /// anyone checking it there. A lock of the source's machine counts: this machine's for a push or local job, the
    /// host's for a pull. Names in <c>locks</c> hold no wildcard characters (the configuration refuses them), so both
    /// lists pass as they are; rsync's <c>*</c> also matches a leading dot, which a <c>blocks-on</c> pattern's does not.
    /// </summary>
    internal IEnumerable<string> LockExcludes(SyncPair sync)
    {
        var sourceHost = job.Direction == Direction.Pull ? job.Host : null;
        var inside = sync.Source.TrimEnd('/') + "/";
        var root = TransferRoot(sync.Source);
        foreach (var lockRef in job.Locks.Concat(job.BlocksOn))
        {
            if (lockRef.Host == sourceHost && root.StartsWith('/') && lockRef.Path.StartsWith(inside, StringComparison.Ordinal))
            {
                yield return "--exclude=/" + lockRef.Path[root.Length..];
            }
        }
    }

    /// <summary>
    /// rsync's numbers follow the locale (separators, decimal point); the parsers expect the C
    /// locale, in which rsync also escapes every non-ASCII byte of a name as \#ooo.
    /// </summary>
    public ProcessSpec Spec(IReadOnlyList<string> args) =>
        new(config.RsyncPath, args) { Environment = new Dictionary<string, string?> { ["LC_ALL"] = "C" }, GracePeriod = config.Daemon.ShutdownGrace };

    /// <summary>Lists the top level of a sync's source (to tell missing and empty sources apart).</summary>
    public ProcessSpec BuildSourceListing(SyncPair sync)
    {
        var args = new List<string> { "--list-only", "--dirs" };
        AddSecludedArgs(args);
        // Only a pull's source is remote (rsync-tls's --password-file is refused for a local listing).
        if (job.Direction == Direction.Pull)
        {
            AddRemoteShell(args);
        }
        args.Add("--");
        args.Add(WithTrailingSlash(SourceArgument(sync)));
        return Spec(args);
    }

    private void AddRemoteShell(List<string> args) => args.AddRange(RemoteShellOptions());

    /// <summary>True when the job's host takes Syncwarden's restricted key (keys install): rsync reaches it through rrsync.</summary>
    public bool ThroughRrsync => job.Direction != Direction.Local && job.HostConfig is { ManagedKey: true };

    /// <summary>
    /// --secluded-args sends the paths over the protocol instead of the command line, so no remote shell splits them.
    /// rrsync refuses it (it must see the paths to check them) and runs no shell; rsync then backslash-escapes each
    /// path on the command line itself, which rrsync undoes.
    /// </summary>
    private void AddSecludedArgs(List<string> args)
    {
        if (!ThroughRrsync)
        {
            args.Add("--secluded-args");
        }
    }

    /// <summary>
    /// rmdir done by rsync, for a host reached through rrsync (which runs nothing else): an empty folder copied over the
    /// destination with --delete, every name excluded but our partial folder, whose contents are excluded too; so rsync
    /// removes that folder when it is empty and only says "cannot delete non-empty directory" otherwise.
    /// </summary>
    public ProcessSpec BuildPartialDirRemoval(SyncPair sync, string emptyFolder)
    {
        var args = new List<string> { "--recursive", "--delete", "--include=/" + PartialDir + "/", "--exclude=*" };
        AddRemoteShell(args);
        args.Add("--");
        args.Add(WithTrailingSlash(emptyFolder));
        args.Add(WithTrailingSlash(DestinationArgument(sync)));
        return Spec(args);
    }

    /// <summary>True when the job reaches its host's rsync daemon over TLS (no remote shell).</summary>
    public bool UsesTls => job.Direction != Direction.Local && job.HostConfig is { UsesTls: true };

    /// <summary>--rsh (and --rsync-path) for the job's host; none for a local job. Over rsync-tls: stunnel and the key.</summary>
    public IReadOnlyList<string> RemoteShellOptions()
    {
        if (job.HostConfig is not { } host || job.Direction == Direction.Local)
        {
            return [];
        }
        if (host.UsesTls)
        {
            return Tls.TlsClient.RsyncOptions(config, host);
        }
        var args = new List<string> { "--rsh=" + SshCommand.ForRsyncRemoteShell(SshCommand.BaseArguments(config.SshPath, host)) };
        // Through rrsync the forced command picks the remote rsync; rrsync refuses a command that does not start with "rsync".
        if (host.RsyncPath is { Length: > 0 } remoteRsync && !host.ManagedKey)
        {
            args.Add("--rsync-path=" + remoteRsync);
        }
        return args;
    }

    public string SourceArgument(SyncPair sync) =>
        job.Direction == Direction.Pull && job.HostConfig is not null ? RemotePath(sync.Source) : sync.Source;

    public string DestinationArgument(SyncPair sync) =>
        job.Direction == Direction.Push && job.HostConfig is not null ? RemotePath(sync.Destination) : sync.Destination;

    /// <summary>A path on the job's host as rsync names it: host:path over ssh, syncwarden@host::module/rest over rsync-tls.</summary>
    public string RemotePath(string path)
    {
        var host = job.HostConfig ?? throw new InvalidOperationException($"job '{job.Name}' has no host");
        return host.UsesTls ? Tls.TlsModules.RemoteSpec(job, host, path) : SshCommand.RemoteSpec(host, path);
    }

    private static string WithTrailingSlash(string path) => path.EndsWith('/') ? path : path + "/";

    /// <summary>The folder rsync's output names are relative to, for a source as configured.</summary>
    private static string TransferRoot(string source) =>
        source.EndsWith('/') ? source
            : source.LastIndexOf('/') is var slash and >= 0 ? source[..(slash + 1)]
            : "./";
}
