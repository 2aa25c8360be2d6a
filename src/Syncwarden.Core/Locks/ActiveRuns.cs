using System.Text.Json;
using System.Text.Json.Serialization;

namespace Syncwarden.Locks;

/// <summary>A running job as registered in STATE-DIR/active/run-ID.json (flock-held for the run's lifetime).</summary>
public sealed record ActiveRun(string Job, long Run, int Pid, string Host, DateTimeOffset Started, IReadOnlyList<string> Locks, IReadOnlyList<string> BlocksOn)
{
    /// <summary>True when this run blocks on, or holds, the local path <paramref name="path"/>.</summary>
    public bool Concerns(string path) =>
        Locks.Contains(path, StringComparer.Ordinal) || BlocksOn.Any(pattern => pattern.StartsWith('/') && LockGlob.Matches(pattern, path));
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ActiveRun))]
internal sealed partial class LockJson : JsonSerializerContext
{
    /// <summary>The context to use: the options above with readable escaping (<see cref="ReadableJson"/>).</summary>
#pragma warning disable RS0030 // Default is banned elsewhere: everything goes through Readable, which it seeds.
    public static LockJson Readable => field ??= new(ReadableJson.Options(Default.Options));
#pragma warning restore RS0030
}

/// <summary>
/// Registry of running jobs with locks or blocks-on, so <c>syncwarden lock acquire NAME</c> can wait for them.
/// Entries are written under the guard and flock-held, so an entry of a crashed run is recognised as dead.
/// </summary>
public static class ActiveRuns
{
    public static string Directory(string stateDir) => Path.Combine(stateDir, "active");

    /// <summary>Registers a run (call under the guard); dispose the result with Release() under the guard.</summary>
    public static HeldLockFile Register(string stateDir, ActiveRun run)
    {
        var path = Path.Combine(Directory(stateDir), $"run-{run.Run}.json");
        var (held, found) = LockFiles.TryTake(path, JsonSerializer.Serialize(run, LockJson.Readable.ActiveRun));
        return held ?? throw new IOException($"{path}: already held ({LockHolder.Describe(found.Content)})");
    }

    /// <summary>Runs that are alive (their entry is flock-held); entries of dead runs are removed.</summary>
    public static IReadOnlyList<ActiveRun> Live(string stateDir)
    {
        var dir = Directory(stateDir);
        if (!System.IO.Directory.Exists(dir))
        {
            return [];
        }
        var live = new List<ActiveRun>();
        foreach (var file in System.IO.Directory.EnumerateFiles(dir, "run-*.json"))
        {
            var probe = LockFiles.Probe(file);
            if (probe.State != LockFileState.Held)
            {
                TryDelete(file);
                continue;
            }
            try
            {
                if (JsonSerializer.Deserialize(probe.Content, LockJson.Readable.ActiveRun) is { } run)
                {
                    live.Add(run);
                }
            }
            catch (JsonException)
            {
                // Being written right now (we are not under the guard) or damaged; skip it.
            }
        }
        return live;
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Someone else cleans it up.
        }
    }
}
