using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine.Ssh;

/// <summary>The first run record of <c>syncwarden run --json</c>, with its run log read from disk.</summary>
internal sealed record RunOutput(string Result, string? Error, long FilesTransferred, double DurationSeconds, string LogFile, string Log)
{
    public static RunOutput Parse(ProcessResult run)
    {
        using var json = JsonDocument.Parse(run.StandardOutput);
        var record = json.RootElement[0];
        var logFile = record.GetProperty("logFile").GetString() ?? throw new InvalidOperationException("run record has no logFile: " + run);
        return new RunOutput(
            record.GetProperty("result").GetString()!,
            record.GetProperty("error").GetString(),
            record.GetProperty("filesTransferred").GetInt64(),
            record.GetProperty("durationSeconds").GetDouble(),
            logFile,
            File.ReadAllText(logFile));
    }
}
