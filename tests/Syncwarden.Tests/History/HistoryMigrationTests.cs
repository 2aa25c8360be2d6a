using Microsoft.Data.Sqlite;
using Syncwarden.History;

namespace Syncwarden.Tests.History;

/// <summary>
/// The history schema's version and its steps. The fixtures are raw SQL copied from the code of the
/// release that wrote them, so they stay the OLD schema however the code changes.
/// </summary>
public sealed class HistoryMigrationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sw-history-migration-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string DatabasePath => Path.Combine(_dir, "history.db");

    private static string Latest => HistoryMigrations.All[^1].Version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>HistoryStore.Open before schema versions existed (user_version 0), verbatim.</summary>
    private const string UnversionedSchema = """
        PRAGMA journal_mode=WAL;
        PRAGMA busy_timeout=30000;
        PRAGMA synchronous=NORMAL;
        CREATE TABLE IF NOT EXISTS runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            job TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            result TEXT NOT NULL,
            exit_code INTEGER,
            error TEXT,
            files_transferred INTEGER NOT NULL DEFAULT 0,
            bytes_transferred INTEGER NOT NULL DEFAULT 0,
            total_size INTEGER NOT NULL DEFAULT 0,
            files_deleted INTEGER NOT NULL DEFAULT 0,
            failed_paths TEXT,
            log_file TEXT,
            pid INTEGER,
            trigger TEXT NOT NULL DEFAULT 'manual'
        );
        CREATE INDEX IF NOT EXISTS runs_job_started ON runs(job, started_at);
        """;

    /// <summary>Runs as that release wrote them: every result, every trigger, failed paths as JSON, a run still going.</summary>
    private const string UnversionedRuns = """
        INSERT INTO runs (job, started_at, ended_at, result, exit_code, error, files_transferred, bytes_transferred, total_size, files_deleted, failed_paths, log_file, pid, trigger)
        VALUES
            ('nightly', '2026-11-20T01:00:00.0000000+00:00', '2026-11-20T01:00:42.0000000+00:00', 'succeeded', 0, NULL, 7, 1234, 99999, 2, NULL, '/var/lib/syncwarden/logs/20261120-010000-000001-nightly.log', 4242, 'schedule'),
            ('nightly', '2026-11-21T01:03:00.0000000+00:00', '2026-11-21T01:04:00.0000000+00:00', 'warning', 24, 'some files vanished', 3, 10, 100, 0, '["/data/a b","/data/c\"d"]', NULL, 4242, 'catch-up'),
            ('offsite', '2026-11-21T02:00:00.0000000+00:00', '2026-11-21T02:00:05.5000000+00:00', 'failed', 23, 'rsync error', 0, 0, 0, 0, '["/x"]', NULL, 4343, 'manual'),
            ('offsite', '2026-11-21T03:00:00.0000000+00:00', '2026-11-21T03:00:01.0000000+00:00', 'cancelled', NULL, 'cancelled', 0, 0, 0, 0, NULL, NULL, 4343, 'signal'),
            ('offsite', '2026-11-21T04:00:00.0000000+00:00', '2026-11-21T04:00:00.1000000+00:00', 'skipped', NULL, 'skipped by before hook (exit 75)', 0, 0, 0, 0, NULL, NULL, NULL, 'schedule');
        INSERT INTO runs (job, started_at, result, pid) VALUES ('nightly', '2026-11-22T01:00:00.0000000+00:00', 'running', 4242);
        """;

    private void CreateDatabase(params string[] sql) => CreateDatabaseAt(DatabasePath, sql);

    private static void CreateDatabaseAt(string path, params string[] sql)
    {
        using var connection = Connect(path);
        foreach (var statement in sql)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = statement;
            cmd.ExecuteNonQuery();
        }
    }

    private static SqliteConnection Connect(string path)
    {
        SqliteLibrary.EnsureLoaded();
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Each row of <paramref name="sql"/> as "a|b|c".</summary>
    private static List<string> Rows(string path, string sql)
    {
        using var connection = Connect(path);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : reader.GetValue(i).ToString())));
        }
        return rows;
    }

    private List<string> Rows(string sql) => Rows(DatabasePath, sql);

    private string UserVersion() => Rows("PRAGMA user_version").Single();

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_database_from_before_schema_versions_opens_with_every_run_intact_at_the_latest_version()
    {
        // Arrange
        CreateDatabase(UnversionedSchema, UnversionedRuns);
        UserVersion().Should().Be("0");

        // Act
        using (var store = HistoryStore.Open(_dir))
        {
            // Assert
            var runs = store.History(null, 100).OrderBy(r => r.Id).ToList();
            runs.Select(r => (r.Id, r.Job, r.Result, r.Trigger)).Should().Equal(
                (1L, "nightly", RunResult.Succeeded, RunTrigger.Schedule),
                (2L, "nightly", RunResult.Warning, RunTrigger.CatchUp),
                (3L, "offsite", RunResult.Failed, RunTrigger.Manual),
                (4L, "offsite", RunResult.Cancelled, RunTrigger.Signal),
                (5L, "offsite", RunResult.Skipped, RunTrigger.Schedule),
                (6L, "nightly", RunResult.Running, RunTrigger.Manual));

            runs[0].Should().BeEquivalentTo(new RunRecord
            {
                Id = 1, Job = "nightly", StartedAt = At("2026-11-20T01:00:00Z"), EndedAt = At("2026-11-20T01:00:42Z"),
                Result = RunResult.Succeeded, ExitCode = 0, FilesTransferred = 7, BytesTransferred = 1234, TotalSize = 99999, FilesDeleted = 2,
                LogFile = "/var/lib/syncwarden/logs/20261120-010000-000001-nightly.log", ProcessId = 4242, Trigger = RunTrigger.Schedule,
            });
            runs[1].FailedPaths.Should().Equal("/data/a b", "/data/c\"d");
            runs[1].ExitCode.Should().Be(24);
            runs[1].Error.Should().Be("some files vanished");
            runs[2].Duration.Should().Be(TimeSpan.FromSeconds(5.5));
            runs[4].ProcessId.Should().BeNull();
            runs[5].EndedAt.Should().BeNull();
            store.LastSuccess("nightly")!.Id.Should().Be(2);

            // New runs are stored with the same text as the old ones.
            var id = store.Insert(new RunRecord { Job = "nightly", StartedAt = At("2026-11-23T01:00:00Z"), Trigger = RunTrigger.CatchUp });
            store.Update(store.Get(id)! with { EndedAt = At("2026-11-23T01:00:01Z"), Result = RunResult.Succeeded });
        }

        UserVersion().Should().Be(Latest);
        Rows("SELECT result, trigger FROM runs ORDER BY id").Should().Equal(
            "succeeded|schedule", "warning|catch-up", "failed|manual", "cancelled|signal", "skipped|schedule", "running|manual", "succeeded|catch-up");
    }

    [Fact]
    public void A_new_database_gets_the_same_schema_as_one_from_before_schema_versions()
    {
        // Arrange
        var legacyDir = Directory.CreateDirectory(Path.Combine(_dir, "legacy")).FullName;
        var legacyPath = Path.Combine(legacyDir, "history.db");
        CreateDatabaseAt(legacyPath, UnversionedSchema);

        // Act
        HistoryStore.Open(_dir).Dispose();
        HistoryStore.Open(legacyDir).Dispose();

        // Assert: every column (type, NOT NULL, default, key) and every index column.
        const string Shape = """
            SELECT m.type, m.name, p.cid, p.name, p.type, p."notnull", p.dflt_value, p.pk
            FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
            UNION ALL
            SELECT m.type, m.name, i.seqno, i.name, NULL, NULL, NULL, NULL
            FROM sqlite_master m JOIN pragma_index_info(m.name) i WHERE m.type = 'index'
            ORDER BY 1, 2, 3
            """;
        Rows(Shape).Should().NotBeEmpty().And.Equal(Rows(legacyPath, Shape));
        Rows(legacyPath, "PRAGMA user_version").Should().Equal(UserVersion());
        UserVersion().Should().Be(Latest);
    }

    [Fact]
    public void A_database_from_a_newer_syncwarden_is_refused_and_left_unchanged()
    {
        // Arrange: what a future version might write; journal_mode DELETE so even switching to WAL would show in the bytes.
        const int Newer = 1000;
        CreateDatabase(UnversionedSchema, UnversionedRuns, "ALTER TABLE runs ADD COLUMN host TEXT", $"PRAGMA user_version={Newer}", "PRAGMA journal_mode=DELETE");
        var before = File.ReadAllBytes(DatabasePath);

        // Act
        var open = () => HistoryStore.Open(_dir);

        // Assert
        var refusal = open.Should().Throw<HistoryVersionException>().Which;
        refusal.Message.Should().Contain(DatabasePath).And.Contain($"version {Newer}").And.Contain("Upgrade syncwarden");
        (refusal.Version, refusal.SupportedVersion).Should().Be((Newer, HistoryMigrations.All[^1].Version));
        refusal.Should().BeAssignableTo<IOException>("the CLI prints environment problems as one line, exit 1");
        File.ReadAllBytes(DatabasePath).Should().Equal(before);
        UserVersion().Should().Be("1000");
    }

    [Fact]
    public void Steps_after_the_current_version_run_in_order_once_each()
    {
        // Arrange: a test-only list; version 1 is deliberately not the real schema, so running it on an old database would show.
        CreateDatabase(UnversionedSchema, UnversionedRuns);
        HistoryMigration[] steps =
        [
            new(1, "CREATE TABLE version_one_ran (x)"),
            new(2, "ALTER TABLE runs ADD COLUMN host TEXT; UPDATE runs SET host = 'nas1' WHERE job = 'nightly'"),
            new(3, "CREATE TABLE hosts (name TEXT PRIMARY KEY); INSERT INTO hosts SELECT DISTINCT host FROM runs WHERE host IS NOT NULL"),
        ];

        // Act
        using (var store = HistoryStore.Open(_dir, steps))
        {
            store.History(null, 100).Should().HaveCount(6);
        }
        HistoryStore.Open(_dir, steps).Dispose();

        // Assert
        UserVersion().Should().Be("3");
        Rows("SELECT name FROM sqlite_master WHERE name = 'version_one_ran'").Should().BeEmpty("a database from before versions already has version 1");
        Rows("SELECT name FROM hosts").Should().Equal("nas1");
        Rows("SELECT count(*) FROM runs WHERE host = 'nas1'").Should().Equal("3");
    }

    [Fact]
    public void A_step_that_fails_changes_nothing_and_leaves_the_previous_version()
    {
        // Arrange
        CreateDatabase(UnversionedSchema, UnversionedRuns);
        HistoryMigration[] steps =
        [
            HistoryMigrations.All[0],
            new(2, "ALTER TABLE runs ADD COLUMN host TEXT"),
            new(3, "CREATE TABLE hosts (name TEXT); INSERT INTO hosts VALUES ('a'); INSERT INTO no_such_table VALUES (1)"),
        ];

        // Act
        var open = () => HistoryStore.Open(_dir, steps);

        // Assert
        open.Should().Throw<SqliteException>().WithMessage("*no_such_table*");
        UserVersion().Should().Be("2");
        Rows("SELECT name FROM sqlite_master WHERE name = 'hosts'").Should().BeEmpty();
        Rows("SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'host'").Should().Equal("1");
        using var store = HistoryStore.Open(_dir, steps[..2]);
        store.History(null, 100).Should().HaveCount(6);
    }

    [Fact]
    public void A_new_database_runs_every_step_from_version_one()
    {
        // Arrange
        HistoryMigration[] steps = [HistoryMigrations.All[0], new(2, "CREATE TABLE extra (x)")];

        // Act
        using var store = HistoryStore.Open(_dir, steps);

        // Assert
        UserVersion().Should().Be("2");
        Rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('runs', 'extra') ORDER BY name").Should().Equal("extra", "runs");
        store.Insert(new RunRecord { Job = "a", StartedAt = DateTimeOffset.UtcNow }).Should().Be(1);
    }

    [Fact]
    public async Task Stores_opening_an_old_database_at_once_apply_each_step_once()
    {
        // Arrange: adding a column twice fails, so a step run by two openers would show.
        CreateDatabase(UnversionedSchema, UnversionedRuns);
        HistoryMigration[] steps = [HistoryMigrations.All[0], new(2, "ALTER TABLE runs ADD COLUMN host TEXT")];
        using var start = new Barrier(8);

        // Act
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            HistoryStore.Open(_dir, steps).Dispose();
        })));

        // Assert
        UserVersion().Should().Be("2");
        Rows("SELECT count(*) FROM runs").Should().Equal("6");
    }

    [Fact]
    public void Steps_are_numbered_from_one_without_gaps()
    {
        HistoryMigrations.All.Select(m => m.Version).Should().Equal(Enumerable.Range(1, HistoryMigrations.All.Count));

        var gap = () => HistoryStore.Open(_dir, [HistoryMigrations.All[0], new(3, "SELECT 1")]);
        gap.Should().Throw<InvalidOperationException>().WithMessage("*numbered*");
    }
}
