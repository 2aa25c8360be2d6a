using System.Text.Json;
using Syncwarden.IntegrationTests.Hooks;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Databases;

/// <summary>
/// Database dumps against real servers started by the tests (Debian's PostgreSQL 15 and MariaDB): the job dumps into a
/// folder of its source, the sync replicates it, and the replicated dump restores into a fresh server.
/// </summary>
public sealed class DatabaseDumpTests
{
    private const string PgRows = "SELECT id, name, note FROM items ORDER BY id";
    private const string MyRows = "SELECT id, name, note FROM app.items ORDER BY id";

    private static string Q(string s) => TestConfig.Q(s);

    /// <summary>A local job replicating src/ (with its db-dumps folder) to replica/, dumping the given databases: entries first.</summary>
    private static TestConfig Job(TempDir dir, params string[] databases) => new TestConfig(dir).Job("db", $$"""
        direction: local
        dump-dir: {{Q(dir.Combine("src", "db-dumps"))}}
        databases:
        {{string.Join("\n", databases.Select(d => "  - " + d))}}
        syncs:
          - { source: {{Q(dir.Combine("src") + "/")}}, destination: {{Q(dir.Combine("replica"))}}, options: [--delete] }
        """);

    private static string PasswordFile(TempDir dir, string name, string password)
    {
        var path = dir.Combine(name);
        File.WriteAllText(path, password + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private static string Postgres(PostgresServer server, string passwordFile, string what = "name: app", string extra = "") =>
        $"{{ type: postgresql, {what}, host: 127.0.0.1, port: {server.Port}, user: {PostgresServer.User}, password-file: {Q(passwordFile)}{extra} }}";

    private static string Mysql(MariaDbServer server, string passwordFile, string what = "name: app", string extra = "") =>
        $"{{ type: mysql, {what}, host: 127.0.0.1, port: {server.Port}, user: {MariaDbServer.User}, password-file: {Q(passwordFile)}{extra} }}";

    private static async Task FillPostgresAsync(PostgresServer server)
    {
        await server.SqlAsync("CREATE DATABASE app");
        await server.SqlAsync("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, note text); "
            + "INSERT INTO items SELECT g, 'item ' || g || ' \u00fc', CASE WHEN g % 7 = 0 THEN NULL ELSE md5(g::text) END FROM generate_series(1, 500) g", "app");
    }

    private static async Task FillMariaDbAsync(MariaDbServer server) =>
        await server.SqlAsync("CREATE DATABASE app; CREATE TABLE app.items (id int PRIMARY KEY, name varchar(40) NOT NULL, note text) ENGINE=InnoDB; USE app; "
            + "INSERT INTO app.items SELECT seq, CONCAT('item ', seq, ' \u00fc'), IF(seq % 7 = 0, NULL, MD5(seq)) FROM seq_1_to_500;");

    /// <summary>No password may appear in what an admin or another user can read: the run log (with the dump's argv), the CLI's output.</summary>
    private static void ShouldNotShow(IEnumerable<string> passwords, JsonElement record, ProcessResult cli)
    {
        var log = record.Log();
        foreach (var password in passwords)
        {
            log.Should().NotContain(password, "the run log shows the dump's command line, never the password");
            cli.StandardOutput.Should().NotContain(password);
            cli.StandardError.Should().NotContain(password);
        }
    }

    private static void NoSecretFilesLeft(TestConfig config)
    {
        var secrets = Path.Combine(config.StateDir, "dump-secrets");
        (Directory.Exists(secrets) ? Directory.GetFiles(secrets) : []).Should().BeEmpty("the password file of a dump is deleted when the dump ends");
    }

    [Fact]
    public async Task Postgres_dumps_are_replicated_and_restore_into_a_fresh_server_with_the_same_rows()
    {
        // Arrange: a database with rows; one entry dumps it (custom format, over TCP), one dumps everything (pg_dumpall, over the socket).
        await using var source = await PostgresServer.StartAsync();
        await using var fresh = await PostgresServer.StartAsync(source.Password);
        using var dir = new TempDir("db");
        await FillPostgresAsync(source);
        new TreeBuilder(dir.CreateSubdirectory("src")).File("data.txt", 100);
        var passwordFile = PasswordFile(dir, "pg.password", source.Password);
        var config = Job(dir,
            Postgres(source, passwordFile),
            $"{{ type: postgresql, all: true, socket: {Q(source.SocketDir)}, port: {source.Port}, user: {PostgresServer.User}, password-file: {Q(passwordFile)} }}");

        // Act
        var (exitCode, record, cli) = await HookBed.RunAsync(config, "db");

        // Assert: both dumps arrived in the replica, private, and each restores into the fresh server with the same rows.
        exitCode.Should().Be(0, cli.ToString());
        record.Result().Should().Be("succeeded", record.Error());
        var appDump = dir.Combine("replica", "db-dumps", "postgresql-app.dump");
        var allDump = dir.Combine("replica", "db-dumps", "postgresql-all.sql");
        File.GetUnixFileMode(appDump).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, "a dump holds the database's data");
        var expected = await source.SqlAsync(PgRows, "app");
        expected.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(500);

        await fresh.RestoreCustomAsync(appDump);
        (await fresh.SqlAsync(PgRows, "app")).Should().Be(expected, "pg_restore of the replicated custom dump gives the same rows");

        await fresh.SqlAsync("DROP DATABASE app");
        await fresh.RestorePlainAsync(allDump);
        (await fresh.SqlAsync(PgRows, "app")).Should().Be(expected, "psql -f of the replicated pg_dumpall file gives the same rows");

        record.Log().Should().Contain("pg_dump --no-password --host=127.0.0.1").And.Contain("pg_dumpall --no-password --host=" + source.SocketDir);
        ShouldNotShow([source.Password], record, cli);
        NoSecretFilesLeft(config);
        Directory.GetFiles(dir.Combine("src", "db-dumps"), ".*").Should().BeEmpty("no temporary dump is left behind");
    }

    [Fact]
    public async Task Mariadb_dumps_are_replicated_and_restore_into_a_fresh_server_with_the_same_rows()
    {
        // Arrange: one entry dumps app over TCP, one dumps every database over the socket.
        await using var source = await MariaDbServer.StartAsync();
        await using var fresh = await MariaDbServer.StartAsync();
        using var dir = new TempDir("db");
        await FillMariaDbAsync(source);
        new TreeBuilder(dir.CreateSubdirectory("src")).File("data.txt", 100);
        var passwordFile = PasswordFile(dir, "mysql.password", source.Password);
        var config = Job(dir,
            Mysql(source, passwordFile),
            $"{{ type: mysql, all: true, socket: {Q(source.SocketPath)}, user: {MariaDbServer.User}, password-file: {Q(passwordFile)} }}");

        // Act
        var (exitCode, record, cli) = await HookBed.RunAsync(config, "db");

        // Assert
        exitCode.Should().Be(0, cli.ToString());
        record.Result().Should().Be("succeeded", record.Error());
        var expected = await source.SqlAsync(MyRows);
        expected.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(500);

        await fresh.RestoreAsync(dir.Combine("replica", "db-dumps", "mysql-app.sql"));
        (await fresh.SqlAsync(MyRows)).Should().Be(expected, "mariadb < the replicated dump of app gives the same rows");

        await fresh.SqlAsync("DROP DATABASE app");
        await fresh.RestoreAsync(dir.Combine("replica", "db-dumps", "mysql-all.sql"));
        (await fresh.SqlAsync(MyRows)).Should().Be(expected, "mariadb < the replicated dump of all databases gives the same rows");

        record.Log().Should().Contain("mysqldump --defaults-extra-file=").And.Contain("--single-transaction --routines --events");
        ShouldNotShow([source.Password], record, cli);
        NoSecretFilesLeft(config);
    }

    [Fact]
    public async Task A_failed_dump_fails_the_run_before_any_transfer_and_keeps_the_previous_dump()
    {
        // Arrange: a first run leaves a good dump in the source and the replica; then the password file holds a wrong password.
        await using var server = await PostgresServer.StartAsync();
        using var dir = new TempDir("db");
        await FillPostgresAsync(server);
        new TreeBuilder(dir.CreateSubdirectory("src")).File("data.txt", 100);
        var passwordFile = PasswordFile(dir, "pg.password", server.Password);
        var config = Job(dir, Postgres(server, passwordFile));
        var (firstExit, _, firstCli) = await HookBed.RunAsync(config, "db");
        firstExit.Should().Be(0, firstCli.ToString());
        var goodDump = await File.ReadAllBytesAsync(dir.Combine("src", "db-dumps", "postgresql-app.dump"));
        const string WrongPassword = "wrong:pass\\word";
        PasswordFile(dir, "pg.password", WrongPassword);
        await server.SqlAsync("INSERT INTO items VALUES (1000, 'after the first dump', NULL)", "app");
        new TreeBuilder(dir.Combine("src")).File("new.txt", 10);

        // Act
        var (exitCode, record, cli) = await HookBed.RunAsync(config, "db");

        // Assert: failed with the server's reason, nothing transferred, the last good dump kept on both sides.
        exitCode.Should().Be(1, cli.ToString());
        record.Result().Should().Be("failed");
        record.Error().Should().Contain("the dump of postgresql app failed").And.Contain("password authentication failed").And.Contain("nothing was transferred");
        File.Exists(dir.Combine("replica", "new.txt")).Should().BeFalse("a failed dump stops the run before any transfer");
        (await File.ReadAllBytesAsync(dir.Combine("src", "db-dumps", "postgresql-app.dump"))).Should().Equal(goodDump, "a failed dump never replaces the previous one");
        (await File.ReadAllBytesAsync(dir.Combine("replica", "db-dumps", "postgresql-app.dump"))).Should().Equal(goodDump);
        Directory.GetFiles(dir.Combine("src", "db-dumps"), ".*").Should().BeEmpty("the partial dump is removed");
        ShouldNotShow([server.Password, WrongPassword], record, cli);
        NoSecretFilesLeft(config);
    }

    [Fact]
    public async Task An_optional_dump_of_a_stopped_server_is_a_warning_and_the_data_is_still_replicated()
    {
        // Arrange: a first run dumps; then the server stops and new data appears in the source.
        await using var server = await MariaDbServer.StartAsync();
        using var dir = new TempDir("db");
        await FillMariaDbAsync(server);
        new TreeBuilder(dir.CreateSubdirectory("src")).File("data.txt", 100);
        var passwordFile = PasswordFile(dir, "mysql.password", server.Password);
        var config = Job(dir, Mysql(server, passwordFile, extra: ", optional: true, timeout: 2m"));
        var (firstExit, firstRecord, firstCli) = await HookBed.RunAsync(config, "db");
        firstExit.Should().Be(0, firstCli.ToString());
        firstRecord.Result().Should().Be("succeeded", firstRecord.Error());
        var goodDump = await File.ReadAllBytesAsync(dir.Combine("src", "db-dumps", "mysql-app.sql"));
        await server.StopAsync();
        new TreeBuilder(dir.Combine("src")).File("new.txt", 10);

        // Act
        var (exitCode, record, cli) = await HookBed.RunAsync(config, "db");

        // Assert: a warning naming the dump; the data and the previous dump were replicated.
        exitCode.Should().Be(0, "warnings are allowed: " + cli);
        record.Result().Should().Be("warning");
        record.Error().Should().Contain("the dump of mysql app failed").And.Contain("optional");
        record.Log().Should().Contain("warning: the dump of mysql app failed");
        File.Exists(dir.Combine("replica", "new.txt")).Should().BeTrue("an optional dump does not stop the sync");
        (await File.ReadAllBytesAsync(dir.Combine("replica", "db-dumps", "mysql-app.sql"))).Should().Equal(goodDump, "the previous dump is kept and replicated");
        ShouldNotShow([server.Password], record, cli);
        NoSecretFilesLeft(config);
    }
}
