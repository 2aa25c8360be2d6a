namespace Syncwarden.History;

/// <summary>Names of the per-job totals kept in the history beside the runs.</summary>
public static class JobCounter
{
    public const string MissedRuns = "missed_runs";
    public const string LockWaitSeconds = "lock_wait_seconds";
}

public sealed partial class HistoryStore
{
    /// <summary>Adds <paramref name="delta"/> to the job's counter <paramref name="name"/> (created at 0).</summary>
    public void AddToCounter(string job, string name, double delta)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = """
                INSERT INTO job_counters (job, name, value) VALUES ($job, $name, $delta)
                ON CONFLICT(job, name) DO UPDATE SET value = value + excluded.value;
                """;
            cmd.Parameters.AddWithValue("$job", job);
            cmd.Parameters.AddWithValue("$name", name);
            cmd.Parameters.AddWithValue("$delta", delta);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Every job's counters.</summary>
    public IReadOnlyList<(string Job, string Name, double Value)> Counters()
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT job, name, value FROM job_counters";
            using var reader = cmd.ExecuteReader();
            var counters = new List<(string, string, double)>();
            while (reader.Read())
            {
                counters.Add((reader.GetString(0), reader.GetString(1), reader.GetDouble(2)));
            }
            return counters;
        }
    }
}
