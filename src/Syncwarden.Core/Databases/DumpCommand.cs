using System.Globalization;
using System.Text;
using Syncwarden.Configuration;
using Syncwarden.Processes;

namespace Syncwarden.Databases;

/// <summary>
/// The argv of one dump (pg_dump, pg_dumpall, mysqldump) and the private file that carries its password:
/// a pgpass file named by PGPASSFILE, or an option file given as --defaults-extra-file. The password is never
/// an argument and never an environment variable, so neither ps nor the run log can show it.
/// </summary>
internal static class DumpCommand
{
    public const string PgDump = "pg_dump";
    public const string PgDumpAll = "pg_dumpall";
    public const string MysqlDump = "mysqldump";

    /// <summary>How long a dump may take to stop after SIGTERM (cancel, timeout) before it is killed.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(10);

    /// <summary>The program, its arguments and environment; <paramref name="secretFile"/> is the password file or null.</summary>
    public static ProcessSpec Build(DatabaseDump dump, string outputPath, string? secretFile) =>
        dump.Type == DatabaseType.Postgresql ? Postgres(dump, outputPath, secretFile) : Mysql(dump, outputPath, secretFile);

    /// <summary>The contents of the password file for <paramref name="password"/>, in the engine's own syntax.</summary>
    public static string SecretFileContent(DatabaseType type, string password) => type == DatabaseType.Postgresql
        // pgpass: host:port:database:user:password, with \ and : escaped by a backslash; wildcards match whatever we connect to.
        ? "*:*:*:*:" + password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal) + "\n"
        // MySQL option file: a quoted value where \ and " are escaped by a backslash.
        : "[client]\npassword=\"" + password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"\n";

    private static ProcessSpec Postgres(DatabaseDump dump, string outputPath, string? secretFile)
    {
        var (host, port) = PostgresEndpoint(dump);
        var args = new List<string> { "--no-password" };
        if (host is not null)
        {
            args.Add("--host=" + host);
        }
        if (port is { } p)
        {
            args.Add("--port=" + p.ToString(CultureInfo.InvariantCulture));
        }
        if (dump.User is { } user)
        {
            args.Add("--username=" + user);
        }
        args.Add("--file=" + outputPath);
        if (dump.Name is not null)
        {
            args.Add(dump.Format == PostgresDumpFormat.Custom ? "--format=custom" : "--format=plain");
        }
        args.AddRange(dump.Options);
        if (dump.Name is { } name)
        {
            args.Add("--");
            args.Add(name);
        }
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal) { ["PGCONNECT_TIMEOUT"] = "30" };
        if (secretFile is not null)
        {
            environment["PGPASSFILE"] = secretFile;
        }
        return new ProcessSpec(dump.Name is null ? PgDumpAll : PgDump, args) { Environment = environment, GracePeriod = GracePeriod, OwnProcessGroup = true };
    }

    /// <summary>PostgreSQL takes the socket's directory as its host; a socket file named .s.PGSQL.PORT also gives the port.</summary>
    private static (string? Host, int? Port) PostgresEndpoint(DatabaseDump dump)
    {
        if (dump.Socket is not { } socket)
        {
            return (dump.Host, dump.Port);
        }
        const string Prefix = ".s.PGSQL.";
        var fileName = Path.GetFileName(socket.TrimEnd('/'));
        if (fileName.StartsWith(Prefix, StringComparison.Ordinal)
            && int.TryParse(fileName.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var socketPort))
        {
            return (Path.GetDirectoryName(socket.TrimEnd('/')), dump.Port ?? socketPort);
        }
        return (socket, dump.Port);
    }

    private static ProcessSpec Mysql(DatabaseDump dump, string outputPath, string? secretFile)
    {
        var args = new List<string>();
        if (secretFile is not null)
        {
            // Must come first: mysqldump reads option files before anything else.
            args.Add("--defaults-extra-file=" + secretFile);
        }
        args.AddRange(["--single-transaction", "--routines", "--events"]);
        if (dump.Host is { } host)
        {
            args.Add("--host=" + host);
            args.Add("--protocol=TCP");
        }
        else if (dump.Socket is { } socket)
        {
            args.Add("--socket=" + socket);
            args.Add("--protocol=SOCKET");
        }
        if (dump.Port is { } port)
        {
            args.Add("--port=" + port.ToString(CultureInfo.InvariantCulture));
        }
        if (dump.User is { } user)
        {
            args.Add("--user=" + user);
        }
        args.Add("--result-file=" + outputPath);
        args.AddRange(dump.Options);
        if (dump.Name is { } name)
        {
            // --databases writes CREATE DATABASE and USE, so the dump restores with a bare `mariadb < file`.
            args.Add("--databases");
            args.Add(name);
        }
        else
        {
            args.Add("--all-databases");
        }
        return new ProcessSpec(MysqlDump, args) { GracePeriod = GracePeriod, OwnProcessGroup = true };
    }

    /// <summary>The password file's bytes (UTF-8 without a byte order mark).</summary>
    public static byte[] SecretFileBytes(DatabaseType type, string password) => new UTF8Encoding(false).GetBytes(SecretFileContent(type, password));
}
