using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Hooks;

/// <summary>Scripts for hook and plugin tests, and reading back what they recorded.</summary>
internal static class HookBed
{
    /// <summary>Writes an executable /bin/sh script.</summary>
    public static string Script(string path, string body)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        return path;
    }

    /// <summary>A hook that writes its whole environment (NUL-separated, as env -0 prints it) to the file named by its first argument.</summary>
    public static string EnvRecorder(TempDir dir) => Script(dir.Combine("bin", "record-env"), "env -0 > \"$1\"");

    public static Dictionary<string, string> ReadEnv(string file) =>
        File.ReadAllText(file).Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "", StringComparer.Ordinal);

    public static Dictionary<string, string> SyncwardenVariables(string file) =>
        ReadEnv(file).Where(kv => kv.Key.StartsWith("SYNCWARDEN_", StringComparison.Ordinal) && kv.Key != "SYNCWARDEN_CONFIG")
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    /// <summary>Runs one job with --json; returns the CLI's exit code, its run record and the CLI result for messages.</summary>
    public static async Task<(int ExitCode, JsonElement Record, ProcessResult Cli)> RunAsync(TestConfig config, string job)
    {
        var run = await config.RunCliAsync("run", job, "--json");
        JsonElement record;
        try
        {
            using var json = JsonDocument.Parse(run.StandardOutput);
            record = json.RootElement[0].Clone();
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException("syncwarden run printed no JSON record: " + run, ex);
        }
        return (run.ExitCode, record, run);
    }

    public static string Result(this JsonElement record) => record.GetProperty("result").GetString()!;

    public static string? Error(this JsonElement record) => record.GetProperty("error").GetString();

    public static string Log(this JsonElement record) => File.ReadAllText(record.GetProperty("logFile").GetString()!);

    public static string[] Entries(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(directory, p)).Order(StringComparer.Ordinal)];
}
