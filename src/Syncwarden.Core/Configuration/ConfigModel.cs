namespace Syncwarden.Configuration;

/// <summary>The whole validated configuration file.</summary>
public sealed record SyncwardenConfig
{
    public required string SourceFile { get; init; }
    public string StateDir { get; init; } = "/var/lib/syncwarden";
    public LogSettings Log { get; init; } = new();
    public RunLogSettings RunLogs { get; init; } = new();
    /// <summary>Local rsync binary.</summary>
    public string RsyncPath { get; init; } = "rsync";
    /// <summary>Local ssh client binary.</summary>
    public string SshPath { get; init; } = "ssh";
    /// <summary>Local stunnel binary (Debian's stunnel4), for hosts with transport rsync-tls.</summary>
    public string StunnelPath { get; init; } = "stunnel4";
    public IReadOnlyDictionary<string, HostConfig> Hosts { get; init; } = new Dictionary<string, HostConfig>();
    /// <summary>Which entry of hosts: this machine is ($SYNCWARDEN_THIS_HOST, else this-host:); null when neither names it.</summary>
    public string? ThisHost { get; init; }
    /// <summary>Jobs in file order.</summary>
    public IReadOnlyList<JobConfig> Jobs { get; init; } = [];
    public DaemonSettings Daemon { get; init; } = new();
    public PowerSettings Power { get; init; } = new();
    /// <summary>The daemon's dashboard, API and metrics; null when not configured (nothing listens).</summary>
    public WebSettings? Web { get; init; }
    public StatusFileSettings StatusFile { get; init; } = new();

    /// <summary>Where the daemon writes its status file: the configured path, or status.json in the state directory.</summary>
    public string StatusFilePath => StatusFile.Path ?? System.IO.Path.Combine(StateDir, "status.json");
    /// <summary>The global email:, webhooks: and ping: sections.</summary>
    public NotificationSettings Notifications { get; init; } = new();
    /// <summary>The warm standby pair; null when the file has no standby: section.</summary>
    public StandbySettings? Standby { get; init; }

    public JobConfig? FindJob(string name) => Jobs.FirstOrDefault(j => j.Name == name);

    /// <summary>
    /// True for a job whose host is this machine (<see cref="ThisHost"/>): in a file shared by both machines, the push
    /// or pull it describes runs on the other one. The daemon does not schedule it here, and `run` of all jobs skips it.
    /// </summary>
    public bool RunsElsewhere(JobConfig job) => ThisHost is not null && job.Direction != Direction.Local && job.Host == ThisHost;
}

public enum LogLevelSetting { Debug, Info, Warning, Error }

public sealed record LogSettings
{
    /// <summary>Log file; null means stderr (journald under systemd).</summary>
    public string? File { get; init; }
    public LogLevelSetting Level { get; init; } = LogLevelSetting.Info;
}

/// <summary>The JSON file the daemon rewrites for scripts (top-level <c>status-file:</c>).</summary>
public sealed record StatusFileSettings
{
    /// <summary>The shortest interval accepted.</summary>
    public static readonly TimeSpan Shortest = TimeSpan.FromSeconds(1);

    /// <summary>Null: status.json in the state directory.</summary>
    public string? Path { get; init; }
    public TimeSpan Every { get; init; } = TimeSpan.FromSeconds(10);
}

public sealed record RunLogSettings
{
    /// <summary>How many per-run rsync log files to keep (oldest removed first).</summary>
    public int Keep { get; init; } = 200;
}

public enum HostKeyChecking { Yes, AcceptNew, No }

public sealed partial record HostConfig
{
    public required string Name { get; init; }
    public required string Address { get; init; }
    public string? User { get; init; }
    public int Port { get; init; } = 22;
    public string? Identity { get; init; }
    public string? KnownHosts { get; init; }
    public HostKeyChecking HostKeyChecking { get; init; } = HostKeyChecking.Yes;
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>Extra ssh "-o" options, each "Key=Value".</summary>
    public IReadOnlyList<string> SshOptions { get; init; } = [];
    /// <summary>rsync binary on the remote host (rsync's --rsync-path).</summary>
    public string? RsyncPath { get; init; }
    /// <summary>
    /// True when <see cref="Identity"/> is Syncwarden's own key for this host (<c>keys init</c> and <c>keys install</c>,
    /// Ssh/ManagedKeys): the remote side lets it run nothing but rsync through rrsync, under one folder.
    /// </summary>
    public bool ManagedKey { get; init; }
    /// <summary>
    /// The folder rrsync limits <see cref="ManagedKey"/> to (as <c>keys install</c> wrote it): rrsync reads an absolute
    /// path in an option, such as the partial dir, as one under this folder, so such paths are named from it.
    /// </summary>
    public string? RrsyncRoot { get; init; }
    /// <summary>True when <see cref="KnownHosts"/> is Syncwarden's own file with the host key pinned by <c>keys install</c>.</summary>
    public bool PinnedHostKey { get; init; }
}

public enum Direction { Local, Push, Pull }

public enum ExitCodeClass { Success, Warning, Failure }

public sealed record SyncPair
{
    public required string Source { get; init; }
    public required string Destination { get; init; }
    public IReadOnlyList<string> Options { get; init; } = [];
    public IReadOnlyList<string> Exclude { get; init; } = [];
}

/// <summary>A deletion cap: an absolute count, or a percentage of destination files.</summary>
public sealed record DeleteLimit(long? Count, double? Percent)
{
    public override string ToString() => Count is { } c ? c.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Percent}%";

    public bool IsExceeded(long deletions, long destinationFiles) =>
        Count is { } c ? deletions > c : deletions > (Percent ?? 100) / 100.0 * Math.Max(destinationFiles, 0);
}

public sealed record RetryPolicy
{
    /// <summary>Extra attempts after the first, for network-class failures only.</summary>
    public int Count { get; init; } = 2;
    /// <summary>Delay before the first retry; doubled for each later one.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(10);
    public static readonly IReadOnlySet<int> NetworkExitCodes = new HashSet<int> { 10, 12, 30, 35, 255 };
}

public sealed partial record JobConfig
{
    public required string Name { get; init; }
    public Direction Direction { get; init; } = Direction.Local;
    public string? Host { get; init; }
    public HostConfig? HostConfig { get; init; }
    /// <summary>KiB/s, passed to rsync --bwlimit.</summary>
    public int? Bandwidth { get; init; }
    public IReadOnlyList<SyncPair> Syncs { get; init; } = [];
    public IReadOnlyList<string> Exclude { get; init; } = [];
    public IReadOnlyList<string> ExcludeFrom { get; init; } = [];
    public IReadOnlyList<string> Include { get; init; } = [];
    public IReadOnlyList<string> IncludeFrom { get; init; } = [];
    public IReadOnlyList<string> Options { get; init; } = [];
    public bool AllowEmptySource { get; init; }
    /// <summary>Keep interrupted files in a partial dir so the next run resumes them (costs a lookup per file).</summary>
    public bool Resume { get; init; } = true;
    public DeleteLimit? MaxDelete { get; init; }
    /// <summary>rsync exit code to class; codes not listed are failures (0 is success).</summary>
    public IReadOnlyDictionary<int, ExitCodeClass> ExitCodes { get; init; } = DefaultExitCodes;
    public RetryPolicy Retries { get; init; } = new();
    /// <summary>Whole-run timeout; null means none.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>When the daemon runs the job; null means only on demand (run, SIGHUP).</summary>
    public Scheduling.ISchedule? Schedule { get; init; }
    /// <summary>
    /// How old the last successful sync may get before status calls the job stale; null: two due times of its schedule (Status/Staleness)
    /// (never for a job without one).
    /// </summary>
    public TimeSpan? StaleAfter { get; init; }
    /// <summary>Run once at daemon start when a due time passed since the last run began (or it never ran).</summary>
    public bool CatchUp { get; init; } = true;
    /// <summary>Locks held for the whole run.</summary>
    public IReadOnlyList<LockRef> Locks { get; init; } = [];
    /// <summary>Locks (or other products' lock files, globs allowed) the run waits for.</summary>
    public IReadOnlyList<LockRef> BlocksOn { get; init; } = [];
    public BlocksOnSettings BlocksOnSettings { get; init; } = new();
    public HooksConfig Hooks { get; init; } = new();
    /// <summary>Executables run before the sync with an include and an exclude file to append to.</summary>
    public string? PluginsDir { get; init; }
    /// <summary>Databases dumped into <see cref="DumpDir"/> before the syncs (Databases/DatabaseDumper).</summary>
    public IReadOnlyList<DatabaseDump> Databases { get; init; } = [];
    /// <summary>Where the dumps are written: inside one of the job's sources, so the syncs replicate them.</summary>
    public string? DumpDir { get; init; }
    /// <summary>The job's own email receivers, webhooks and ping, in addition to the global ones.</summary>
    public JobNotificationSettings Notifications { get; init; } = new();
    /// <summary>The removable disk the job writes to (mounted for the run, unmounted after); null: none.</summary>
    public DeviceConfig? Device { get; init; }
    /// <summary>Point-in-time copies of the destination after each successful run (link-dest or btrfs); none by default.</summary>
    public SnapshotSettings Snapshots { get; init; } = new();

    public static readonly IReadOnlyDictionary<int, ExitCodeClass> DefaultExitCodes =
        new Dictionary<int, ExitCodeClass> { [0] = ExitCodeClass.Success, [24] = ExitCodeClass.Warning, [23] = ExitCodeClass.Failure };

    public ExitCodeClass Classify(int rsyncExitCode) =>
        ExitCodes.TryGetValue(rsyncExitCode, out var c) ? c : rsyncExitCode == 0 ? ExitCodeClass.Success : ExitCodeClass.Failure;
}
