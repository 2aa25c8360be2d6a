using System.Text.Json;
using Microsoft.Data.Sqlite;
using Syncwarden.Verification;

namespace Syncwarden.History;

public sealed partial class HistoryStore
{
    /// <summary>Records a finished verification; returns its id.</summary>
    public long InsertVerification(VerifyRecord record)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = """
                INSERT INTO verifications (job, started_at, ended_at, result, trigger, sample_percent, seed, files_in_source, files_checked, corrupt, changed, missing, error)
                VALUES ($job, $started, $ended, $result, $trigger, $percent, $seed, $files, $checked, $corrupt, $changed, $missing, $error);
                SELECT last_insert_rowid();
                """;
            cmd.Parameters.AddWithValue("$job", record.Job);
            cmd.Parameters.AddWithValue("$started", Format(record.StartedAt));
            cmd.Parameters.AddWithValue("$ended", Format(record.EndedAt));
            cmd.Parameters.AddWithValue("$result", record.Result.ToKebabCase());
            cmd.Parameters.AddWithValue("$trigger", record.Trigger.ToKebabCase());
            cmd.Parameters.AddWithValue("$percent", record.SamplePercent);
            cmd.Parameters.AddWithValue("$seed", record.Seed);
            cmd.Parameters.AddWithValue("$files", record.FilesInSource);
            cmd.Parameters.AddWithValue("$checked", record.FilesChecked);
            cmd.Parameters.AddWithValue("$corrupt", PathsJson(record.Corrupt, record.CorruptCount));
            cmd.Parameters.AddWithValue("$changed", PathsJson(record.Changed, record.ChangedCount));
            cmd.Parameters.AddWithValue("$missing", PathsJson(record.Missing, record.MissingCount));
            cmd.Parameters.AddWithValue("$error", (object?)record.Error ?? DBNull.Value);
            return (long)cmd.ExecuteScalar()!;
        }
    }

    /// <summary>The job's verifications, newest first.</summary>
    public IReadOnlyList<VerifyRecord> Verifications(string job, int limit)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = """
                SELECT id, job, started_at, ended_at, result, trigger, sample_percent, seed, files_in_source, files_checked, corrupt, changed, missing, error
                FROM verifications WHERE job=$job ORDER BY id DESC LIMIT $limit
                """;
            cmd.Parameters.AddWithValue("$job", job);
            cmd.Parameters.AddWithValue("$limit", limit);
            using var reader = cmd.ExecuteReader();
            var records = new List<VerifyRecord>();
            while (reader.Read())
            {
                records.Add(ReadVerification(reader));
            }
            return records;
        }
    }

    public VerifyRecord? LastVerification(string job) => Verifications(job, 1).FirstOrDefault();

    private static VerifyRecord ReadVerification(SqliteDataReader reader)
    {
        var (corrupt, corruptCount) = ReadPaths(reader.GetString(10));
        var (changed, changedCount) = ReadPaths(reader.GetString(11));
        var (missing, missingCount) = ReadPaths(reader.GetString(12));
        return new VerifyRecord
        {
            Id = reader.GetInt64(0),
            Job = reader.GetString(1),
            StartedAt = Parse(reader.GetString(2)),
            EndedAt = Parse(reader.GetString(3)),
            Result = ReadName<VerifyResult>(reader, 4),
            Trigger = ReadName<RunTrigger>(reader, 5),
            SamplePercent = reader.GetDouble(6),
            Seed = reader.GetInt32(7),
            FilesInSource = reader.GetInt64(8),
            FilesChecked = reader.GetInt64(9),
            Corrupt = corrupt,
            Changed = changed,
            Missing = missing,
            CorruptCount = corruptCount,
            ChangedCount = changedCount,
            MissingCount = missingCount,
            Error = reader.IsDBNull(13) ? null : reader.GetString(13),
        };
    }

    // The kept paths, with the exact count first: [count, path, path, ...] as JSON strings.
    private static string PathsJson(IReadOnlyList<string> paths, long count) =>
        JsonSerializer.Serialize<IReadOnlyList<string>>([count.ToString(System.Globalization.CultureInfo.InvariantCulture), .. paths.Take(VerifyRecord.PathsKept)],
            HistoryJson.Readable.IReadOnlyListString);

    private static (IReadOnlyList<string> Paths, long Count) ReadPaths(string json)
    {
        var items = JsonSerializer.Deserialize(json, HistoryJson.Readable.IReadOnlyListString) ?? [];
        return items.Count == 0 ? ([], 0) : ([.. items.Skip(1)], long.Parse(items[0], System.Globalization.CultureInfo.InvariantCulture));
    }
}
