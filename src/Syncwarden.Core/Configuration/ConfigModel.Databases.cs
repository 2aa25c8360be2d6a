namespace Syncwarden.Configuration;

/// <summary>The database engines a job can dump before its syncs.</summary>
public enum DatabaseType { Postgresql, Mysql }

/// <summary>The file format of a PostgreSQL dump of one database (a dump of all databases is always plain SQL).</summary>
public enum PostgresDumpFormat { Custom, Plain }

/// <summary>
/// One entry of a job's <c>databases:</c>: which database (or all of them) to dump before the syncs, how to
/// reach the server, and whether a failed dump fails the run.
/// </summary>
public sealed record DatabaseDump
{
    /// <summary>How long one dump may take unless the entry sets <c>timeout:</c>.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromHours(1);

    public required DatabaseType Type { get; init; }
    /// <summary>The database to dump; null means every database (pg_dumpall, mysqldump --all-databases).</summary>
    public string? Name { get; init; }
    public bool All => Name is null;
    /// <summary>TCP host; null with <see cref="Socket"/> null means the client's default (the local socket).</summary>
    public string? Host { get; init; }
    /// <summary>PostgreSQL: the directory of the socket; MySQL: the socket file.</summary>
    public string? Socket { get; init; }
    public int? Port { get; init; }
    public string? User { get; init; }
    /// <summary>Read from <c>password-file:</c> at load; handed to the dump program only through a private temporary file.</summary>
    public Secret? Password { get; init; }
    /// <summary>Extra options of the dump program, after ours.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];
    /// <summary>A failed dump is a warning instead of failing the run.</summary>
    public bool Optional { get; init; }
    public TimeSpan Timeout { get; init; } = DefaultTimeout;
    public PostgresDumpFormat Format { get; init; } = PostgresDumpFormat.Custom;
    /// <summary>The dump's file name inside the job's dump-dir.</summary>
    public required string FileName { get; init; }

    /// <summary>For logs and errors: "postgresql app", "mysql (all databases)".</summary>
    public string Label => Type.ToString().ToLowerInvariant() + (Name is { } n ? " " + n : " (all databases)");

    /// <summary>The file name used when the entry gives no <c>file:</c>.</summary>
    public static string DefaultFileName(DatabaseType type, string? name, PostgresDumpFormat format)
    {
        var engine = type == DatabaseType.Postgresql ? "postgresql" : "mysql";
        var stem = name is null ? "all" : new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        var extension = type == DatabaseType.Postgresql && name is not null && format == PostgresDumpFormat.Custom ? ".dump" : ".sql";
        return $"{engine}-{stem}{extension}";
    }
}
