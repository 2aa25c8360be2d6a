using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    private static readonly string[] DatabaseJobKeys = ["databases", "dump-dir"];

    private static readonly string[] DatabaseKeys =
        ["type", "name", "all", "host", "socket", "port", "user", "password-file", "options", "optional", "timeout", "format", "file"];

    private static readonly (string, DatabaseType)[] DatabaseTypes =
        [("postgresql", DatabaseType.Postgresql), ("mysql", DatabaseType.Mysql)];

    private static readonly (string, PostgresDumpFormat)[] PostgresFormats =
        [("custom", PostgresDumpFormat.Custom), ("plain", PostgresDumpFormat.Plain)];

    private const string DatabasesExample = "databases: [{ type: postgresql, name: app, user: backup, password-file: /etc/syncwarden/pg.password }]";
    private const string DatabaseEntryExample = "- { type: mysql, all: true, socket: /run/mysqld/mysqld.sock, user: root, password-file: /etc/syncwarden/mysql.password }";
    private const string DumpDirExample = "dump-dir: /srv/data/.db-dumps";
    private const string DatabasePasswordExample = "/etc/syncwarden/db.password";

    /// <summary>
    /// Options the dump's own keys set (connection, output file, what to dump) or that would put a password on the
    /// command line: (short option, long option, the key to use instead).
    /// </summary>
    private static readonly (string? Short, string Long, string Instead)[] PostgresReservedOptions =
    [
        ("-h", "--host", "host: or socket:"), ("-p", "--port", "port:"), ("-U", "--username", "user:"), ("-f", "--file", "file:"),
        ("-F", "--format", "format:"), ("-d", "--dbname", "name:"), ("-W", "--password", "password-file:"),
    ];

    private static readonly (string? Short, string Long, string Instead)[] MysqlReservedOptions =
    [
        ("-h", "--host", "host:"), ("-P", "--port", "port:"), ("-u", "--user", "user:"), ("-S", "--socket", "socket:"),
        ("-r", "--result-file", "file:"), ("-p", "--password", "password-file:"), ("-B", "--databases", "name:"), ("-A", "--all-databases", "all: true"),
        (null, "--defaults-file", "password-file:"), (null, "--defaults-extra-file", "password-file:"), (null, "--no-defaults", "password-file:"),
    ];

    /// <summary>databases: and dump-dir: of a job; the dump-dir must lie inside one of the sources the job sends from this machine.</summary>
    private static JobConfig BindDatabases(MappingView map, JobConfig job, bool directionKnown, ConfigReader reader)
    {
        var databasesNode = map.Get("databases");
        var dumpDirNode = map.Get("dump-dir");
        if (databasesNode is null)
        {
            if (dumpDirNode is not null)
            {
                reader.Error(dumpDirNode, map.PathOf("dump-dir"), "dump-dir: is where database dumps go, but this job has no databases:", $"add {DatabasesExample}, or remove dump-dir:");
            }
            return job;
        }
        var dumps = new List<DatabaseDump>();
        foreach (var (item, itemPath) in reader.Sequence(databasesNode, map.PathOf("databases"), DatabasesExample) ?? [])
        {
            if (BindDatabase(item, itemPath, reader) is { } dump)
            {
                if (dumps.FirstOrDefault(d => d.FileName == dump.FileName) is { } clash)
                {
                    reader.Error(item, itemPath, $"this dump would overwrite the dump of {clash.Label}: both are named {dump.FileName}",
                        "give one of them its own file name, e.g. file: app-replica.dump");
                    continue;
                }
                dumps.Add(dump);
            }
        }
        if (dumps.Count == 0)
        {
            return job;
        }
        if (directionKnown && job.Direction == Direction.Pull)
        {
            reader.Error(databasesNode, map.PathOf("databases"), "databases are dumped on this machine, but a pull job's sources are on its host",
                "dump them on the host (a before hook with on: remote), or run syncwarden on the database server with a push job");
            return job;
        }
        if (dumpDirNode is null)
        {
            reader.Error(map.Start, map.PathOf("dump-dir"), "a job with databases: needs dump-dir:, a folder inside one of its sources, so the dumps are replicated with the data",
                $"add {DumpDirExample} (any folder below a sync's source)");
            return job with { Databases = dumps };
        }
        if (reader.LocalPath(dumpDirNode, map.PathOf("dump-dir"), DumpDirExample, "/srv/data/.db-dumps") is not { } dumpDir)
        {
            return job with { Databases = dumps };
        }
        var normalized = dumpDir.TrimEnd('/');
        if (normalized.Split('/').Any(part => part is "." or ".."))
        {
            reader.Error(dumpDirNode, map.PathOf("dump-dir"), $"dump-dir must not contain . or .. segments, got \"{dumpDir}\"", DumpDirExample);
        }
        else if (directionKnown && job.Syncs.Count > 0 && !job.Syncs.Any(s => IsInside(normalized, s.Source)))
        {
            reader.Error(dumpDirNode, map.PathOf("dump-dir"), $"dump-dir {dumpDir} is not inside any source of this job, so the dumps would not be replicated",
                "pick a folder below one of: " + string.Join(", ", job.Syncs.Select(s => s.Source)));
        }
        return job with { Databases = dumps, DumpDir = normalized.Length == 0 ? "/" : normalized };
    }

    private static bool IsInside(string dir, string source)
    {
        var root = source.TrimEnd('/');
        return dir == root || dir.StartsWith(root + "/", StringComparison.Ordinal);
    }

    private static DatabaseDump? BindDatabase(YamlNode node, string path, ConfigReader reader)
    {
        if (reader.Map(node, path, DatabaseKeys, DatabaseEntryExample) is not { } map)
        {
            return null;
        }
        var type = map.Require("type", "type: postgresql (or mysql)") is { } t ? reader.Choice(t, map.PathOf("type"), DatabaseTypes) : null;
        var name = BindDatabaseName(map, type, reader, out var nameOk);
        var dump = new DatabaseDump { Type = type ?? DatabaseType.Postgresql, Name = name, FileName = "" };
        dump = BindDatabaseConnection(map, dump, type, reader);
        if (map.Get("options") is { } options)
        {
            dump = dump with { Options = BindDumpOptions(options, map.PathOf("options"), type, reader) };
        }
        if (map.Get("optional") is { } optional && reader.Boolean(optional, map.PathOf("optional"), "optional: true") is { } o)
        {
            dump = dump with { Optional = o };
        }
        if (map.Get("timeout") is { } timeout && reader.Duration(timeout, map.PathOf("timeout"), allowZero: false, "timeout: 2h") is { } d)
        {
            dump = dump with { Timeout = d };
        }
        if (map.Get("format") is { } format && reader.Choice(format, map.PathOf("format"), PostgresFormats) is { } f)
        {
            if (type != DatabaseType.Postgresql || name is null)
            {
                reader.Error(format, map.PathOf("format"), "format: is for a PostgreSQL dump of one database (pg_dumpall and mysqldump write plain SQL)", "remove format:");
            }
            dump = dump with { Format = f };
        }
        var fileName = DatabaseDump.DefaultFileName(dump.Type, name, dump.Format);
        if (map.Get("file") is { } file && reader.Text(file, map.PathOf("file"), "file: app.dump") is { } given)
        {
            if (given.Contains('/', StringComparison.Ordinal) || given.StartsWith('.'))
            {
                reader.Error(file, map.PathOf("file"), $"file: is a file name inside dump-dir, not a path, and must not start with a dot; got \"{ConfigReader.Excerpt(given)}\"", "e.g. file: app.dump");
            }
            fileName = given;
        }
        return type is null || !nameOk ? null : dump with { FileName = fileName };
    }

    /// <summary>name: or all: true, exactly one; a name is never taken for an option or a connection string.</summary>
    private static string? BindDatabaseName(MappingView map, DatabaseType? type, ConfigReader reader, out bool ok)
    {
        ok = false;
        var all = map.Get("all") is { } allNode ? reader.Boolean(allNode, map.PathOf("all"), "all: true") : false;
        var nameNode = map.Get("name");
        if (nameNode is not null && all == true)
        {
            reader.Error(nameNode, map.PathOf("name"), "give name: or all: true, not both", "keep name: to dump one database, or all: true for every database");
            return null;
        }
        if (nameNode is null)
        {
            if (all != true)
            {
                reader.Error(map.Start, map.PathOf("name"), "say which database to dump", "add name: app, or all: true for every database (with the PostgreSQL roles, or the MySQL users)");
            }
            ok = all == true;
            return null;
        }
        if (reader.Text(nameNode, map.PathOf("name"), "name: app") is not { } name)
        {
            return null;
        }
        if (name.StartsWith('-')
            || (type == DatabaseType.Postgresql && (name.Contains('=', StringComparison.Ordinal) || name.Contains("://", StringComparison.Ordinal))))
        {
            reader.Error(nameNode, map.PathOf("name"), $"\"{ConfigReader.Excerpt(name)}\" would be read as an option or a connection string, not as a database name",
                "name: is the plain name of the database; the connection goes in host:, socket:, port: and user:");
            return null;
        }
        ok = true;
        return name;
    }

    private static DatabaseDump BindDatabaseConnection(MappingView map, DatabaseDump dump, DatabaseType? type, ConfigReader reader)
    {
        string? Value(string key, string example) => map.Get(key) is { } n ? reader.Text(n, map.PathOf(key), example) : null;
        var host = Value("host", "host: db.example.net");
        var socket = map.Get("socket") is { } s ? reader.LocalPath(s, map.PathOf("socket"), "socket: /run/postgresql", "/run/postgresql") : null;
        if (host is not null && map.Has("socket"))
        {
            reader.Error(map.Get("socket")!, map.PathOf("socket"), "give host: or socket:, not both", "host: for TCP, socket: for the local socket");
        }
        if (host is not null && host.StartsWith('-'))
        {
            reader.Error(map.Get("host")!, map.PathOf("host"), $"\"{ConfigReader.Excerpt(host)}\" is not a host name", "e.g. host: db.example.net");
        }
        int? port = null;
        if (map.Get("port") is { } portNode && reader.Integer(portNode, map.PathOf("port"), 1, 65535, "a TCP port", "port: 5432") is { } p)
        {
            port = (int)p;
            if (type == DatabaseType.Mysql && host is null)
            {
                reader.Error(portNode, map.PathOf("port"), "port: is for a TCP connection, but this entry names no host:", "add host: 127.0.0.1, or remove port: to use the socket");
            }
        }
        var user = Value("user", "user: backup");
        if (user is not null && user.StartsWith('-'))
        {
            reader.Error(map.Get("user")!, map.PathOf("user"), $"\"{ConfigReader.Excerpt(user)}\" is not a user name", "e.g. user: backup");
        }
        var password = map.Get("password-file") is { } file ? ReadPasswordFile(file, map.PathOf("password-file"), reader, DatabasePasswordExample) : null;
        return dump with { Host = host, Socket = socket, Port = port, User = user, Password = password };
    }

    private static List<string> BindDumpOptions(YamlNode node, string path, DatabaseType? type, ConfigReader reader)
    {
        var reserved = type == DatabaseType.Mysql ? MysqlReservedOptions : PostgresReservedOptions;
        var options = new List<string>();
        foreach (var (value, item, itemPath) in reader.TextList(node, path, "options: [--no-owner]") ?? [])
        {
            if (!value.StartsWith('-'))
            {
                reader.Error(item, itemPath, $"\"{ConfigReader.Excerpt(value)}\" is not an option of the dump program", "each entry is one option, e.g. options: [--no-owner, \"--exclude-table=audit_log\"]");
                continue;
            }
            if (value.Contains("password", StringComparison.OrdinalIgnoreCase))
            {
                reader.Error(item, itemPath, "a password must never be on the command line (every user can read it with ps)", "use password-file: (mode 600)");
                continue;
            }
            var clash = reserved.FirstOrDefault(r =>
                value == r.Long || value.StartsWith(r.Long + "=", StringComparison.Ordinal)
                || (r.Short is { } s && value.StartsWith(s, StringComparison.Ordinal) && !value.StartsWith("--", StringComparison.Ordinal)));
            if (clash.Long is not null)
            {
                reader.Error(item, itemPath, $"{clash.Long} is set by syncwarden from this entry's keys", $"use {clash.Instead}");
                continue;
            }
            options.Add(value);
        }
        return options;
    }
}
