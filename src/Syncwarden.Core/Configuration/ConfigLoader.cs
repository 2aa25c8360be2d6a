using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

/// <summary>
/// Loads and validates <c>syncwarden.yaml</c>. Every problem in the file is reported as a
/// <see cref="ConfigError"/> with file, line, column and key; loading never stops at the first one.
/// </summary>
public static partial class ConfigLoader
{
    public const string ConfigEnvironmentVariable = "SYNCWARDEN_CONFIG";

    public static string DefaultPath => "/etc/syncwarden/syncwarden.yaml";

    private static readonly string[] TopLevelKeys = ["state-dir", "log", "run-logs", "rsync-path", "ssh-path", "stunnel-path", "hosts", "jobs", "daemon", "power", "web", "status-file", "this-host", "standby", .. NotificationKeys];
    private static readonly string[] LogKeys = ["file", "level"];
    private static readonly string[] RunLogKeys = ["keep"];

    private static readonly (string, LogLevelSetting)[] LogLevels =
    [
        ("debug", LogLevelSetting.Debug), ("info", LogLevelSetting.Info),
        ("warning", LogLevelSetting.Warning), ("error", LogLevelSetting.Error),
    ];

    /// <summary>The command-line option if given, else <c>$SYNCWARDEN_CONFIG</c>, else <see cref="DefaultPath"/>.</summary>
    public static string ResolvePath(string? cliOption)
    {
        if (!string.IsNullOrWhiteSpace(cliOption))
        {
            return cliOption;
        }
        var fromEnvironment = Environment.GetEnvironmentVariable(ConfigEnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultPath : fromEnvironment;
    }

    /// <summary>Largest configuration file read; a real one is a few kilobytes, and this bounds memory and time.</summary>
    public const int MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>Reads, permission-checks and validates the file at <paramref name="path"/>.</summary>
    public static ConfigLoadResult Load(string path)
    {
        if (Directory.Exists(path))
        {
            return FileProblem(path, "this is a directory, not a configuration file",
                $"name the file itself, e.g. {Path.Combine(path, "syncwarden.yaml")}");
        }
        string yaml;
        try
        {
            if (ReadBounded(path) is not { } text)
            {
                return TooLarge(path);
            }
            yaml = text;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return FileProblem(path, "the configuration file does not exist",
                $"create it (see docs/configuration.md), or point to another file with --config or ${ConfigEnvironmentVariable}");
        }
        catch (UnauthorizedAccessException)
        {
            return FileProblem(path, "the configuration file cannot be read: permission denied",
                "run syncwarden as the user that owns the file (usually root), or fix its ownership");
        }
        catch (IOException ex)
        {
            return FileProblem(path, $"the configuration file cannot be read: {ex.Message}",
                "check that the path names a regular file");
        }
        return ParseCore(yaml, path, checkPermissions: true);
    }

    // Reads at most one byte past the limit, so a huge file or an endless device is never read whole. Null when too large.
    private static string? ReadBounded(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        // A regular file says its size; a device or pipe is read in growing steps up to the limit.
        var size = stream.CanSeek ? stream.Length : 0;
        if (size > MaxFileBytes)
        {
            return null;
        }
        var buffer = new byte[Math.Max(size + 1, 64 * 1024)];
        var length = 0;
        int read;
        while ((read = stream.Read(buffer, length, buffer.Length - length)) > 0)
        {
            length += read;
            if (length > MaxFileBytes)
            {
                return null;
            }
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, MaxFileBytes + 1L));
            }
        }
        using var reader = new StreamReader(new MemoryStream(buffer, 0, length), detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static ConfigLoadResult TooLarge(string path) =>
        FileProblem(path, $"the configuration file is larger than the {MaxFileBytes / (1024 * 1024)} MiB limit",
            "check that --config names the right file; a configuration with hundreds of jobs is still far smaller");

    /// <summary>Validates YAML text; <paramref name="sourceFile"/> is only used in error messages. No permission check.</summary>
    public static ConfigLoadResult Parse(string yaml, string sourceFile) => ParseCore(yaml, sourceFile, checkPermissions: false);

    private static ConfigLoadResult FileProblem(string path, string message, string hint) =>
        new(null, [new ConfigError(path, 0, 0, "", message, hint)]);

    private static ConfigLoadResult ParseCore(string yaml, string sourceFile, bool checkPermissions)
    {
        if (yaml.Length > MaxFileBytes)
        {
            return TooLarge(sourceFile);
        }
        var reader = new ConfigReader(sourceFile);
        var root = ReadYaml(yaml, reader);
        SyncwardenConfig? config = null;
        if (root is not null)
        {
            if (checkPermissions)
            {
                CheckSecretsPermissions(root, sourceFile, reader);
                CheckPskFiles(root, reader);
            }
            config = BindRoot(root, reader);
        }

        var errors = reader.Errors
            .Select((error, order) => (error, order))
            .OrderBy(e => e.error.Line).ThenBy(e => e.error.Column).ThenBy(e => e.order)
            .Select(e => e.error)
            .ToList();
        // A half-bound config is never handed out: callers could otherwise run a job with a dropped option.
        return new ConfigLoadResult(errors.Count == 0 ? config : null, errors);
    }

    private static SyncwardenConfig? BindRoot(YamlNode root, ConfigReader reader)
    {
        if (ReadRootMapping(root, reader) is not { } top)
        {
            return null;
        }

        var hosts = top.Get("hosts") is { } hostsNode ? BindHosts(hostsNode, reader) : new Dictionary<string, HostConfig>();
        var jobs = top.Get("jobs") is { } jobsNode ? BindJobs(jobsNode, hosts, reader) : [];

        var config = new SyncwardenConfig { SourceFile = reader.File, Hosts = hosts, Jobs = jobs };
        if (top.Get("standby") is { } standbyNode && BindStandby(standbyNode, top, hosts, jobs, reader) is var (standby, standbyJob))
        {
            config = config with { Standby = standby, Jobs = [.. jobs, standbyJob], ThisHost = standby.ThisHost };
        }
        else if (top.Get("this-host") is not null || Environment.GetEnvironmentVariable(ThisHostEnvironmentVariable) is { Length: > 0 })
        {
            config = config with { ThisHost = ResolveThisHost(top, reader).Name };
        }
        if (top.Get("state-dir") is { } stateDir && reader.LocalPath(stateDir, top.PathOf("state-dir"), "state-dir: /var/lib/syncwarden", "/var/lib/syncwarden") is { } s)
        {
            config = config with { StateDir = s };
        }
        if (top.Get("rsync-path") is { } rsync && reader.LocalPath(rsync, top.PathOf("rsync-path"), "rsync-path: /usr/bin/rsync", "/usr/bin/rsync", program: true) is { } r)
        {
            config = config with { RsyncPath = r };
        }
        if (top.Get("ssh-path") is { } ssh && reader.LocalPath(ssh, top.PathOf("ssh-path"), "ssh-path: /usr/bin/ssh", "/usr/bin/ssh", program: true) is { } p)
        {
            config = config with { SshPath = p };
        }
        if (top.Get("stunnel-path") is { } stunnel && reader.LocalPath(stunnel, top.PathOf("stunnel-path"), "stunnel-path: /usr/bin/stunnel4", "/usr/bin/stunnel4", program: true) is { } st)
        {
            config = config with { StunnelPath = st };
        }
        if (top.Get("log") is { } log)
        {
            config = config with { Log = BindLog(log, reader) };
        }
        if (top.Get("daemon") is { } daemon)
        {
            config = config with { Daemon = BindDaemon(daemon, reader) };
        }
        if (top.Get("power") is { } power)
        {
            config = config with { Power = BindPower(power, reader) };
        }
        if (top.Get("web") is { } web)
        {
            config = config with { Web = BindWeb(web, reader) };
        }
        if (top.Get("status-file") is { } statusFile)
        {
            config = config with { StatusFile = BindStatusFile(statusFile, reader) };
        }
        if (top.Get("run-logs") is { } runLogs)
        {
            config = config with { RunLogs = BindRunLogs(runLogs, reader) };
        }
        config = config with { Notifications = BindNotifications(top, reader) };
        CheckEmailReceivers(top, config, reader);
        CheckDeviceReceivers(top, config, reader);
        CheckPaths(root, config, reader);
        // Hosts with an installed key of Syncwarden's own (keys install) use it and its pinned known_hosts.
        return Ssh.ManagedKeys.Apply(config);
    }

    private static MappingView? ReadRootMapping(YamlNode root, ConfigReader reader)
    {
        if (root is YamlMappingNode)
        {
            return reader.Map(root, "", TopLevelKeys, "");
        }
        reader.Error(root, "", $"the file must be a mapping of settings, got {ConfigReader.Describe(root)}",
            "start with top-level keys such as hosts: and jobs:");
        return null;
    }

    private static LogSettings BindLog(YamlNode node, ConfigReader reader)
    {
        var settings = new LogSettings();
        if (reader.Map(node, "log", LogKeys, "log: { file: /var/log/syncwarden.log, level: info }") is not { } log)
        {
            return settings;
        }
        if (log.Get("file") is { } file && reader.LocalPath(file, log.PathOf("file"), "file: /var/log/syncwarden.log", "/var/log/syncwarden.log") is { } f)
        {
            settings = settings with { File = f };
        }
        if (log.Get("level") is { } level && reader.Choice(level, log.PathOf("level"), LogLevels) is { } l)
        {
            settings = settings with { Level = l };
        }
        return settings;
    }

    private static RunLogSettings BindRunLogs(YamlNode node, ConfigReader reader)
    {
        var settings = new RunLogSettings();
        if (reader.Map(node, "run-logs", RunLogKeys, "run-logs: { keep: 200 }") is { } runLogs
            && runLogs.Get("keep") is { } keep
            && reader.Integer(keep, runLogs.PathOf("keep"), 1, int.MaxValue, "a whole number of run logs", "keep: 200") is { } k)
        {
            settings = settings with { Keep = (int)k };
        }
        return settings;
    }
}
