namespace Syncwarden.History;

/// <summary>A job that is failing: since when, how many failed runs, and when a failure was last announced.</summary>
public sealed record AlertState(string Job, DateTimeOffset FailingSince, int Failures, DateTimeOffset? LastAlertAt);

public sealed partial class HistoryStore
{
    /// <summary>The job's failing state, or null while it is healthy.</summary>
    public AlertState? GetAlertState(string job)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT failing_since, failures, last_alert_at FROM alert_state WHERE job=$job";
            cmd.Parameters.AddWithValue("$job", job);
            using var reader = cmd.ExecuteReader();
            return reader.Read()
                ? new AlertState(job, Parse(reader.GetString(0)), reader.GetInt32(1), reader.IsDBNull(2) ? null : Parse(reader.GetString(2)))
                : null;
        }
    }

    /// <summary>Records the job as failing (<paramref name="state"/>), or healthy again when null.</summary>
    public void SetAlertState(string job, AlertState? state)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            if (state is null)
            {
                cmd.CommandText = "DELETE FROM alert_state WHERE job=$job";
            }
            else
            {
                cmd.CommandText = """
                    INSERT INTO alert_state (job, failing_since, failures, last_alert_at) VALUES ($job, $since, $failures, $last)
                    ON CONFLICT(job) DO UPDATE SET failing_since=excluded.failing_since, failures=excluded.failures, last_alert_at=excluded.last_alert_at;
                    """;
                cmd.Parameters.AddWithValue("$since", Format(state.FailingSince));
                cmd.Parameters.AddWithValue("$failures", state.Failures);
                cmd.Parameters.AddWithValue("$last", state.LastAlertAt is { } last ? Format(last) : DBNull.Value);
            }
            cmd.Parameters.AddWithValue("$job", job);
            cmd.ExecuteNonQuery();
        }
    }
}
