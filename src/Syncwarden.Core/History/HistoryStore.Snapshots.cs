namespace Syncwarden.History;

/// <summary>The newest complete snapshot of a job: its name (the folder under the destination), when it was taken, by which run.</summary>
public sealed record LatestSnapshot(string Job, string Name, DateTimeOffset TakenAt, long? RunId);

public sealed partial class HistoryStore
{
    /// <summary>The job's newest complete snapshot, or null when it never completed one.</summary>
    public LatestSnapshot? GetLatestSnapshot(string job)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT name, taken_at, run_id FROM latest_snapshot WHERE job=$job";
            cmd.Parameters.AddWithValue("$job", job);
            using var reader = cmd.ExecuteReader();
            return reader.Read()
                ? new LatestSnapshot(job, reader.GetString(0), Parse(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetInt64(2))
                : null;
        }
    }

    /// <summary>Records <paramref name="snapshot"/> as the job's newest complete one.</summary>
    public void SetLatestSnapshot(LatestSnapshot snapshot)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = """
                INSERT INTO latest_snapshot (job, name, taken_at, run_id) VALUES ($job, $name, $taken, $run)
                ON CONFLICT(job) DO UPDATE SET name=excluded.name, taken_at=excluded.taken_at, run_id=excluded.run_id;
                """;
            cmd.Parameters.AddWithValue("$job", snapshot.Job);
            cmd.Parameters.AddWithValue("$name", snapshot.Name);
            cmd.Parameters.AddWithValue("$taken", Format(snapshot.TakenAt));
            cmd.Parameters.AddWithValue("$run", snapshot.RunId is { } id ? id : DBNull.Value);
            cmd.ExecuteNonQuery();
        }
    }
}
