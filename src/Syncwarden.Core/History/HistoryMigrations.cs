using Microsoft.Data.Sqlite;

namespace Syncwarden.History;

/// <summary>One step of the history schema: its SQL runs in one transaction that also sets <c>PRAGMA user_version</c> to <see cref="Version"/>.</summary>
internal sealed record HistoryMigration(int Version, string Sql);

/// <summary>
/// The schema of <c>history.db</c> as ordered steps, its version kept in <c>PRAGMA user_version</c>.
/// To change the schema, append a step; never edit a released one (databases in the field already ran it).
/// A new <see cref="RunResult"/> or <see cref="RunTrigger"/> name is a schema change too: older code cannot read it.
/// </summary>
internal static class HistoryMigrations
{
    public static IReadOnlyList<HistoryMigration> All { get; } =
    [
        // Version 1: the schema every release wrote before the version was recorded (user_version 0).
        new(1, """
            CREATE TABLE runs (
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
            CREATE INDEX runs_job_started ON runs(job, started_at);
            """),
        // Version 2: jobs that are failing, for notifications (mail the first failure, then at most every
        // repeat-after, then once on recovery), shared by the daemon and `syncwarden run`.
        new(2, """
            CREATE TABLE alert_state (
                job TEXT PRIMARY KEY,
                failing_since TEXT NOT NULL,
                failures INTEGER NOT NULL,
                last_alert_at TEXT
            );
            """),
        // Version 3: totals that are not runs (missed runs, seconds waited for locks), so the daemon's metrics
        // go on from where they were after a restart.
        new(3, """
            CREATE TABLE job_counters (
                job TEXT NOT NULL,
                name TEXT NOT NULL,
                value REAL NOT NULL,
                PRIMARY KEY (job, name)
            );
            """),
        // Version 4: checksum verifications of replicas (`syncwarden verify`, verify: every), kept apart from runs so
        // a verification never counts as a sync for status, staleness, metrics or the failing streak.
        new(4, """
            CREATE TABLE verifications (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                job TEXT NOT NULL,
                started_at TEXT NOT NULL,
                ended_at TEXT NOT NULL,
                result TEXT NOT NULL,
                trigger TEXT NOT NULL,
                sample_percent REAL NOT NULL,
                seed INTEGER NOT NULL,
                files_in_source INTEGER NOT NULL,
                files_checked INTEGER NOT NULL,
                corrupt TEXT NOT NULL,
                changed TEXT NOT NULL,
                missing TEXT NOT NULL,
                error TEXT
            );
            CREATE INDEX verifications_job_started ON verifications(job, started_at);
            """),
        // Version 5: the newest complete snapshot of each job with snapshots (status' latestSnapshot), written when a
        // run completes one; reading the destination (maybe over ssh) on every status would be too slow.
        new(5, """
            CREATE TABLE latest_snapshot (
                job TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                taken_at TEXT NOT NULL,
                run_id INTEGER
            );
            """),
    ];

    /// <summary>
    /// Brings the database at <paramref name="path"/> to the last version of <paramref name="migrations"/>.
    /// A database written by a newer syncwarden is refused before anything in it changes.
    /// </summary>
    /// <exception cref="HistoryVersionException">The database's version is newer than the last step.</exception>
    public static void Apply(SqliteConnection connection, string path, IReadOnlyList<HistoryMigration> migrations)
    {
        CheckOrder(migrations);
        var latest = migrations[^1].Version;
        var found = Version(connection, null);
        if (found == latest)
        {
            return;
        }
        if (found > latest)
        {
            throw new HistoryVersionException(path, found, latest);
        }
        while (true)
        {
            // BEGIN IMMEDIATE: the version is read again under the write lock, so two processes opening
            // an old database at once (the daemon and `status`) never apply a step twice.
            using var transaction = connection.BeginTransaction(deferred: false);
            var current = Version(connection, transaction);
            if (current > latest)
            {
                throw new HistoryVersionException(path, current, latest);
            }
            if (current == 0 && HasRunsTable(connection, transaction))
            {
                // Written before the version was recorded: that schema is version 1.
                SetVersion(connection, transaction, 1);
                transaction.Commit();
                continue;
            }
            if (migrations.FirstOrDefault(m => m.Version > current) is not { } next)
            {
                transaction.Commit();
                return;
            }
            Execute(connection, transaction, next.Sql);
            SetVersion(connection, transaction, next.Version);
            transaction.Commit();
        }
    }

    private static void CheckOrder(IReadOnlyList<HistoryMigration> migrations)
    {
        if (migrations.Count == 0)
        {
            throw new InvalidOperationException("history migrations: the list is empty");
        }
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"history migrations must be numbered 1, 2, 3, ... in order; step {i + 1} is version {migrations[i].Version}");
            }
        }
    }

    private static int Version(SqliteConnection connection, SqliteTransaction? transaction) =>
        Convert.ToInt32(Scalar(connection, transaction, "PRAGMA user_version"), System.Globalization.CultureInfo.InvariantCulture);

    private static bool HasRunsTable(SqliteConnection connection, SqliteTransaction transaction) =>
        Scalar(connection, transaction, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='runs'") is long and > 0;

    // PRAGMA takes no parameters; the version is an int we own.
    private static void SetVersion(SqliteConnection connection, SqliteTransaction transaction, int version) =>
        Execute(connection, transaction, $"PRAGMA user_version={version.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    private static object? Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
