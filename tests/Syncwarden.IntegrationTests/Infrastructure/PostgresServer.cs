using System.Diagnostics;
using System.Globalization;

namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>
/// A private PostgreSQL 15 server for one test: a cluster made by initdb in a temp dir, run as the <c>postgres</c> OS
/// user (PostgreSQL refuses root) on a free 127.0.0.1 port with its socket in the temp dir, and password login
/// (scram-sha-256) for the superuser <see cref="User"/>. Stopped by its pid and deleted on dispose; a start that
/// fails cleans up the same way.
/// </summary>
/// <remarks>Made by <see cref="StartAsync"/>, which waits until the server accepts connections.</remarks>
public sealed class PostgresServer : TempDirServer
{
    public const string User = "postgres";
    public const string BinDir = "/usr/lib/postgresql/15/bin";
    private const string OsUser = "postgres";

    private PostgresServer(TempDir dir, int port, string password)
        : base(dir, "INT")
    {
        Port = port;
        Password = password;
    }

    public string Host => "127.0.0.1";
    public int Port { get; }
    /// <summary>The superuser's password: made to need escaping (a colon, a backslash, a quote, a space).</summary>
    public string Password { get; }
    /// <summary>The directory of the server's Unix socket (what PostgreSQL clients take as a host).</summary>
    public string SocketDir => Dir.Combine("socket");

    /// <summary>Starts a server; <paramref name="password"/> (default: a fresh one) is the superuser's, e.g. another server's for a restore of its roles.</summary>
    public static async Task<PostgresServer> StartAsync(string? password = null, CancellationToken cancellationToken = default)
    {
        var dir = new TempDir("pg");
        var server = new PostgresServer(dir, SshServer.GetFreeLoopbackPort(), password ?? "pg:pw\\ \"" + Guid.NewGuid().ToString("N")[..10]);
        return await StartAsync(server, s => s.InitAndStartAsync(cancellationToken)).ConfigureAwait(false);
    }

    private async Task InitAndStartAsync(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(SocketDir);
        System.IO.Directory.CreateDirectory(Dir.Combine("data"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.WriteAllTextAsync(Dir.Combine("pwfile"), Password + "\n", cancellationToken).ConfigureAwait(false);
        // The client side of the fixture (psql, pg_restore) logs in through a pgpass file, as syncwarden does.
        await File.WriteAllTextAsync(Dir.Combine("pgpass"), "*:*:*:*:" + Password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal) + "\n",
            cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(Dir.Combine("pgpass"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        (await TestProcess.RunAsync("chown", ["-R", $"{OsUser}:{OsUser}", SocketDir, Dir.Combine("data"), Dir.Combine("pwfile")], cancellationToken).ConfigureAwait(false)).EnsureSuccess("chown");
        (await TestProcess.RunAsync("chmod", ["755", Dir.Path], cancellationToken).ConfigureAwait(false)).EnsureSuccess("chmod");
        (await TestProcess.RunAsync("setpriv", [.. AsPostgres, Path.Combine(BinDir, "initdb"), "-D", Dir.Combine("data"), "-U", User,
            "--auth=scram-sha-256", "--pwfile=" + Dir.Combine("pwfile"), "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            TimeSpan.FromSeconds(120), cancellationToken: cancellationToken).ConfigureAwait(false)).EnsureSuccess("initdb");

        var process = TestProcess.Start("setpriv", [.. AsPostgres, Path.Combine(BinDir, "postgres"), "-D", Dir.Combine("data"),
            "-p", Port.ToString(CultureInfo.InvariantCulture), "-k", SocketDir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
            "-c", "full_page_writes=off", "-c", "shared_buffers=16MB", "-c", "max_connections=20"]);
        Process = process;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var ready = await TestProcess.RunAsync(Path.Combine(BinDir, "pg_isready"), ["-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture)],
                TimeSpan.FromSeconds(10), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (ready.ExitCode == 0)
            {
                return;
            }
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"postgres (pid {process.ProcessId}) did not start on port {Port}: {process.StandardErrorSoFar}");
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private static readonly string[] AsPostgres = ["--reuid=" + OsUser, "--regid=" + OsUser, "--init-groups", "--"];

    private IReadOnlyDictionary<string, string?> ClientEnvironment => new Dictionary<string, string?> { ["PGPASSFILE"] = Dir.Combine("pgpass"), ["PGPASSWORD"] = null };

    private string[] Connection => ["--no-password", "--host=" + Host, "--port=" + Port.ToString(CultureInfo.InvariantCulture), "--username=" + User];

    /// <summary>Runs SQL with psql (stops at the first error) and returns its unaligned, header-less output.</summary>
    public async Task<string> SqlAsync(string sql, string database = "postgres")
    {
        var result = await TestProcess.RunAsync(Path.Combine(BinDir, "psql"), [.. Connection, "--set=ON_ERROR_STOP=1", "--no-align", "--tuples-only",
            "--dbname=" + database, "--command=" + sql], TimeSpan.FromSeconds(60), ClientEnvironment).ConfigureAwait(false);
        result.EnsureSuccess("psql");
        return result.StandardOutput;
    }

    /// <summary>Restores a custom-format dump made by pg_dump, creating its database (<c>pg_restore --create</c>).</summary>
    public async Task RestoreCustomAsync(string dumpFile) =>
        (await TestProcess.RunAsync(Path.Combine(BinDir, "pg_restore"), [.. Connection, "--create", "--exit-on-error", "--dbname=postgres", dumpFile],
            TimeSpan.FromSeconds(120), ClientEnvironment).ConfigureAwait(false)).EnsureSuccess("pg_restore");

    /// <summary>
    /// Runs a plain SQL dump with psql (a pg_dumpall file). Not stopped on errors: such a file creates the role it
    /// connects as, which a fresh cluster already has; the caller compares what arrived.
    /// </summary>
    public async Task<ProcessResult> RestorePlainAsync(string sqlFile) =>
        await TestProcess.RunAsync(Path.Combine(BinDir, "psql"), [.. Connection, "--dbname=postgres", "--file=" + sqlFile], TimeSpan.FromSeconds(120), ClientEnvironment).ConfigureAwait(false);
}
