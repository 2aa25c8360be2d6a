using System.Diagnostics;
using System.Globalization;

namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>
/// A private MariaDB server for one test: a data directory made by mariadb-install-db in a temp dir, mariadbd on a free
/// 127.0.0.1 port with its socket in the temp dir (no /etc/mysql defaults), real authentication: root logs in over
/// the socket as the OS's root (unix_socket), and <see cref="User"/> over TCP or the socket with <see cref="Password"/>.
/// Stopped by its pid and deleted on dispose; a start that fails cleans up the same way.
/// </summary>
/// <remarks>Made by <see cref="StartAsync"/>, which waits until the server answers.</remarks>
public sealed class MariaDbServer : TempDirServer
{
    public const string User = "syncwarden";

    private MariaDbServer(TempDir dir, int port, string password)
        : base(dir, "TERM")
    {
        Port = port;
        Password = password;
    }

    public string Host => "127.0.0.1";
    public int Port { get; }
    /// <summary>The password of <see cref="User"/>: made to need escaping (a quote, a backslash, a space, a hash).</summary>
    public string Password { get; }
    public string SocketPath => Dir.Combine("mysqld.sock");

    public static async Task<MariaDbServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var dir = new TempDir("mariadb");
        var server = new MariaDbServer(dir, SshServer.GetFreeLoopbackPort(), "my\"pw\\ #" + Guid.NewGuid().ToString("N")[..10]);
        return await StartAsync(server, s => s.InitAndStartAsync(cancellationToken)).ConfigureAwait(false);
    }

    private async Task InitAndStartAsync(CancellationToken cancellationToken)
    {
        var install = await TestProcess.RunAsync("mariadb-install-db", ["--no-defaults", "--datadir=" + Dir.Combine("data"), "--user=root",
            "--auth-root-authentication-method=socket", "--skip-test-db"], TimeSpan.FromSeconds(120), cancellationToken: cancellationToken).ConfigureAwait(false);
        install.EnsureSuccess("mariadb-install-db");
        var process = TestProcess.Start("mariadbd", ["--no-defaults", "--datadir=" + Dir.Combine("data"), "--user=root", "--socket=" + SocketPath,
            "--port=" + Port.ToString(CultureInfo.InvariantCulture), "--bind-address=127.0.0.1", "--pid-file=" + Dir.Combine("mariadbd.pid"),
            "--log-error=" + Dir.Combine("error.log"), "--innodb-buffer-pool-size=16M", "--skip-name-resolve", "--skip-log-bin",
            "--innodb-flush-log-at-trx-commit=0"]);
        Process = process;
        var clock = Stopwatch.StartNew();
        while ((await RootAsync("SELECT 1", check: false).ConfigureAwait(false)).ExitCode != 0)
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                var log = File.Exists(Dir.Combine("error.log")) ? await File.ReadAllTextAsync(Dir.Combine("error.log"), cancellationToken).ConfigureAwait(false) : "";
                throw new InvalidOperationException($"mariadbd (pid {process.ProcessId}) did not start on port {Port}: {process.StandardErrorSoFar}\n{log}");
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        var quoted = Literal(Password);
        await SqlAsync($"""
            CREATE USER '{User}'@'127.0.0.1' IDENTIFIED BY {quoted};
            CREATE USER '{User}'@'localhost' IDENTIFIED BY {quoted};
            GRANT ALL PRIVILEGES ON *.* TO '{User}'@'127.0.0.1';
            GRANT ALL PRIVILEGES ON *.* TO '{User}'@'localhost';
            """).ConfigureAwait(false);
    }

    /// <summary>A SQL string literal.</summary>
    public static string Literal(string value) => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    /// <summary>Runs SQL as root over the socket and returns its tab-separated output without headers.</summary>
    public async Task<string> SqlAsync(string sql, string? database = null) => (await RootAsync(sql, database: database).ConfigureAwait(false)).StandardOutput;

    /// <summary>Feeds a dump file to the mariadb client as root (<c>mariadb &lt; dump.sql</c>).</summary>
    public async Task RestoreAsync(string sqlFile)
    {
        var result = await TestProcess.RunAsync("mariadb", ["--no-defaults", "--socket=" + SocketPath, "--user=root"], TimeSpan.FromSeconds(120),
            standardInput: await File.ReadAllBytesAsync(sqlFile).ConfigureAwait(false)).ConfigureAwait(false);
        result.EnsureSuccess("mariadb < " + sqlFile);
    }

    private async Task<ProcessResult> RootAsync(string sql, bool check = true, string? database = null)
    {
        var result = await TestProcess.RunAsync("mariadb", ["--no-defaults", "--socket=" + SocketPath, "--user=root", "--batch", "--skip-column-names",
            .. database is null ? Array.Empty<string>() : ["--database=" + database], "--execute=" + sql], TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        if (check)
        {
            result.EnsureSuccess("mariadb");
        }
        return result;
    }
}
