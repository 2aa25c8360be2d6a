using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Web;

/// <summary>The jobs the web tests drive: a quick one and a bandwidth-limited one, both run only when asked.</summary>
internal static class WebTestBed
{
    public const string Quick = "docs";
    public const string Slow = "slow";
    private const string Never = "schedule: \"0 0 1 1 *\"\ncatch-up: false";

    /// <summary><see cref="Quick"/> copies three small files; <see cref="Slow"/> one file of <paramref name="slowBytes"/> at <paramref name="kibPerSecond"/> KiB/s.</summary>
    public static TestConfig Config(TempDir dir, int slowBytes = 20_000_000, int kibPerSecond = 500)
    {
        var quick = dir.CreateSubdirectory("src-quick");
        new TreeBuilder(quick).File("a.txt", 100).File("sub/b.txt", 2000).File("c.bin", 50_000);
        var slow = dir.CreateSubdirectory("src-slow");
        new TreeBuilder(slow).File("big.bin", slowBytes);
        return new TestConfig(dir)
            .Pair(Quick, "local", quick + "/", dir.Combine("dst-quick") + "/", extra: Never)
            .Pair(Slow, "local", slow + "/", dir.Combine("dst-slow") + "/", extra: Never + $"\nbandwidth: {kibPerSecond}");
    }

    public static string Result(this JsonElement run) => run.GetProperty("result").GetString()!;
}
