using System.Globalization;
using System.Text.RegularExpressions;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Locks;

/// <summary>Helpers for lock tests: a slow local job (bandwidth-limited rsync) and reading its run log.</summary>
internal static partial class LockTestBed
{
    /// <summary>A local job copying a 3 MB file at 1000 KiB/s (about 3 s), plus the given extra YAML lines.</summary>
    public static string SlowJob(TempDir dir, string name, string extra)
    {
        var src = dir.CreateSubdirectory("src-" + name);
        if (!File.Exists(Path.Combine(src, "big")))
        {
            File.WriteAllBytes(Path.Combine(src, "big"), RandomNumberGenerator(3_000_000));
        }
        var dst = dir.CreateSubdirectory("dst-" + name);
        return $$"""
            direction: local
            bandwidth: 500
            blocks-on-poll: 1s
            {{extra}}
            syncs: [{ source: {{TestConfig.Q(src + "/")}}, destination: {{TestConfig.Q(dst + "/")}} }]
            """;
    }

    private static byte[] RandomNumberGenerator(int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    /// <summary>The run log of <paramref name="job"/> in the state dir (the newest), or null.</summary>
    public static string? LogOf(TestConfig config, string job)
    {
        var dir = Path.Combine(config.StateDir, "logs");
        return Directory.Exists(dir) ? Directory.GetFiles(dir, $"*-{job}.log").Order(StringComparer.Ordinal).LastOrDefault() : null;
    }

    public static string LogText(TestConfig config, string job) => LogOf(config, job) is { } f ? File.ReadAllText(f) : "";

    /// <summary>Waits until the job's run log contains <paramref name="text"/>.</summary>
    public static async Task WaitForLogAsync(TestConfig config, string job, string text, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < until)
        {
            if (LogText(config, job).Contains(text, StringComparison.Ordinal))
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"run log of {job} never said \"{text}\":\n{LogText(config, job)}");
    }

    /// <summary>The time of the first "# yyyy-MM-dd HH:mm:ss message" note containing <paramref name="text"/>.</summary>
    public static DateTime NoteTime(string log, string text)
    {
        foreach (Match m in NotePattern().Matches(log))
        {
            if (m.Groups[2].Value.Contains(text, StringComparison.Ordinal))
            {
                return DateTime.ParseExact(m.Groups[1].Value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            }
        }
        throw new InvalidOperationException($"no note containing \"{text}\" in:\n{log}");
    }

    [GeneratedRegex(@"^# (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (.*)$", RegexOptions.Multiline)]
    private static partial Regex NotePattern();
}
