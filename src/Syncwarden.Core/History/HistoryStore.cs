using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Syncwarden.History;

/// <summary>
/// Run history in SQLite (WAL mode, so readers such as `status` never block a running job).
/// </summary>
public sealed partial class HistoryStore : IDisposable
{
    private readonly SqliteConnection _connection;
    // One connection shared by concurrently running jobs of the daemon: SQLite connections are not thread-safe.
    private readonly object _gate = new();

    private HistoryStore(SqliteConnection connection) => _connection = connection;

    public string DatabasePath { get; private init; } = "";

    /// <summary>Opens (creating or upgrading) STATE-DIR/history.db.</summary>
    /// <exception cref="HistoryVersionException">A newer syncwarden wrote the database; it is left unchanged.</exception>
    public static HistoryStore Open(string stateDir) => Open(stateDir, HistoryMigrations.All);

    // SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE (SQLite 3.25 and later).
    private const int NoCheckpointOnClose = 1006;

    internal static HistoryStore Open(string stateDir, IReadOnlyList<HistoryMigration> migrations)
    {
        Directory.CreateDirectory(stateDir);
        var path = Path.Combine(stateDir, "history.db");
        SqliteLibrary.EnsureLoaded();
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout=30000;");
            // Before anything that writes (journal mode included): a newer database is refused untouched.
            HistoryMigrations.Apply(connection, path, migrations);
            // wal_autocheckpoint: the first connection to open a database reads and checksums every frame of the
            // WAL before its first query, so the WAL is kept short (100 pages, about 400 KiB, about 20 runs of a
            // small job). At SQLite's default of 1000 pages a run read up to 4 MiB before rsync started.
            Execute(connection, """
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=NORMAL;
                PRAGMA wal_autocheckpoint=100;
                """);
            // Each `syncwarden run` opens and closes the history. By default the last connection to close
            // checkpoints and deletes the WAL, and the next run creates it again: two fsyncs of the file and
            // one of the directory per run. Leaving the WAL in place skips them; SQLite still checkpoints
            // whenever the WAL passes the threshold above.
            SQLitePCL.raw.sqlite3_db_config(connection.Handle, NoCheckpointOnClose, 1, out _);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return new HistoryStore(connection) { DatabasePath = path };
    }

    public long Insert(RunRecord run)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = """
                INSERT INTO runs (job, started_at, result, pid, trigger, log_file)
                VALUES ($job, $started, $result, $pid, $trigger, $log);
                SELECT last_insert_rowid();
                """;
            cmd.Parameters.AddWithValue("$job", run.Job);
            cmd.Parameters.AddWithValue("$started", Format(run.StartedAt));
            cmd.Parameters.AddWithValue("$result", run.Result.ToKebabCase());
            cmd.Parameters.AddWithValue("$pid", (object?)run.ProcessId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$trigger", run.Trigger.ToKebabCase());
            cmd.Parameters.AddWithValue("$log", (object?)run.LogFile ?? DBNull.Value);
            return (long)cmd.ExecuteScalar()!;
        }
    }

    public void Update(RunRecord run)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = """
                UPDATE runs SET ended_at=$ended, result=$result, exit_code=$exit, error=$error,
                    files_transferred=$files, bytes_transferred=$bytes, total_size=$total,
                    files_deleted=$deleted, failed_paths=$failed, log_file=$log
                WHERE id=$id;
                """;
            cmd.Parameters.AddWithValue("$id", run.Id);
            cmd.Parameters.AddWithValue("$ended", run.EndedAt is { } e ? Format(e) : DBNull.Value);
            cmd.Parameters.AddWithValue("$result", run.Result.ToKebabCase());
            cmd.Parameters.AddWithValue("$exit", (object?)run.ExitCode ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$error", (object?)run.Error ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$files", run.FilesTransferred);
            cmd.Parameters.AddWithValue("$bytes", run.BytesTransferred);
            cmd.Parameters.AddWithValue("$total", run.TotalSize);
            cmd.Parameters.AddWithValue("$deleted", run.FilesDeleted);
            cmd.Parameters.AddWithValue("$failed", run.FailedPaths.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(run.FailedPaths, HistoryJson.Readable.IReadOnlyListString));
            cmd.Parameters.AddWithValue("$log", (object?)run.LogFile ?? DBNull.Value);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Marks runs left "running" by a syncwarden process that no longer exists (killed, host
    /// crashed) as failed, so history never shows a phantom run and nothing waits on it.
    /// </summary>
    public int CloseAbandonedRuns(DateTimeOffset now) =>
        CloseAbandonedRuns(pid => pid != Environment.ProcessId && Processes.ProcessRunner.IsAlive(pid), now);

    public int CloseAbandonedRuns(Func<int, bool> isAlive, DateTimeOffset now)
    {
        var abandoned = Query("WHERE result=$running", [("$running", RunResult.Running.ToKebabCase())]).Where(r => r.ProcessId is not { } pid || !isAlive(pid)).ToList();
        foreach (var run in abandoned)
        {
            Update(run with
            {
                EndedAt = now,
                Result = RunResult.Failed,
                Error = $"interrupted: syncwarden (pid {run.ProcessId}) stopped before the run finished; the next run resumes partial files",
            });
        }
        return abandoned.Count;
    }

    public IReadOnlyList<RunRecord> History(string? job, int limit)
    {
        var where = job is null ? "" : "WHERE job=$job";
        var args = new List<(string, object)>();
        if (job is not null)
        {
            args.Add(("$job", job));
        }
        args.Add(("$limit", limit));
        return Query(where + " ORDER BY id DESC LIMIT $limit", args);
    }

    public RunRecord? Get(long id) => Query("WHERE id=$id", [("$id", id)]).FirstOrDefault();

    public RunRecord? LastRun(string job) => Query("WHERE job=$job ORDER BY id DESC LIMIT 1", [("$job", job)]).FirstOrDefault();

    public RunRecord? FirstRun(string job) => Query("WHERE job=$job ORDER BY id ASC LIMIT 1", [("$job", job)]).FirstOrDefault();

    public RunRecord? LastSuccess(string job) =>
        Query("WHERE job=$job AND result IN ($succeeded, $warning) ORDER BY id DESC LIMIT 1",
            [("$job", job), ("$succeeded", RunResult.Succeeded.ToKebabCase()), ("$warning", RunResult.Warning.ToKebabCase())]).FirstOrDefault();

    /// <summary>Every run from id <paramref name="firstId"/> on, finished or not, oldest first (the daemon's metrics count from these).</summary>
    public IReadOnlyList<RunRecord> RunsFrom(long firstId) => Query("WHERE id>=$first ORDER BY id", [("$first", firstId)]);

    /// <summary>Log files of runs beyond the newest <paramref name="keep"/>, for retention.</summary>
    public IReadOnlyList<(long Id, string LogFile)> LogFilesBeyond(int keep)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT id, log_file FROM runs WHERE log_file IS NOT NULL ORDER BY id DESC LIMIT -1 OFFSET $keep";
            cmd.Parameters.AddWithValue("$keep", keep);
            using var reader = cmd.ExecuteReader();
            var list = new List<(long, string)>();
            while (reader.Read())
            {
                list.Add((reader.GetInt64(0), reader.GetString(1)));
            }
            return list;
        }
    }

    public void ForgetLogFile(long id)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "UPDATE runs SET log_file=NULL WHERE id=$id";
            cmd.Parameters.AddWithValue("$id", id);
            cmd.ExecuteNonQuery();
        }
    }

    private List<RunRecord> Query(string tail, IEnumerable<(string Name, object Value)> parameters)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = """
                SELECT id, job, started_at, ended_at, result, exit_code, error, files_transferred,
                       bytes_transferred, total_size, files_deleted, failed_paths, log_file, pid, trigger
                FROM runs
                """ + " " + tail;
            foreach (var (name, value) in parameters)
            {
                cmd.Parameters.AddWithValue(name, value);
            }
            using var reader = cmd.ExecuteReader();
            var list = new List<RunRecord>();
            while (reader.Read())
            {
                list.Add(new RunRecord
                {
                    Id = reader.GetInt64(0),
                    Job = reader.GetString(1),
                    StartedAt = Parse(reader.GetString(2)),
                    EndedAt = reader.IsDBNull(3) ? null : Parse(reader.GetString(3)),
                    Result = ReadName<RunResult>(reader, 4),
                    ExitCode = reader.IsDBNull(5) ? null : reader.GetInt32(5),
                    Error = reader.IsDBNull(6) ? null : reader.GetString(6),
                    FilesTransferred = reader.GetInt64(7),
                    BytesTransferred = reader.GetInt64(8),
                    TotalSize = reader.GetInt64(9),
                    FilesDeleted = reader.GetInt64(10),
                    FailedPaths = reader.IsDBNull(11) ? [] : JsonSerializer.Deserialize(reader.GetString(11), HistoryJson.Readable.IReadOnlyListString) ?? [],
                    LogFile = reader.IsDBNull(12) ? null : reader.GetString(12),
                    ProcessId = reader.IsDBNull(13) ? null : reader.GetInt32(13),
                    Trigger = ReadName<RunTrigger>(reader, 14),
                });
            }
            return list;
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static TEnum ReadName<TEnum>(SqliteDataReader reader, int column) where TEnum : struct, Enum =>
        KebabCase.TryParse<TEnum>(reader.GetString(column), out var value) ? value
            : throw new InvalidDataException($"history run {reader.GetInt64(0)}: unknown {reader.GetName(column)} '{reader.GetString(column)}' (written by a newer syncwarden?)");

    private static string Format(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    public void Dispose() => _connection.Dispose();
}
