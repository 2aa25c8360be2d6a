using System.Security.Cryptography;
using System.Text;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Publish;

/// <summary>
/// dist/syncwarden as <c>scripts/publish</c> builds it, cached under /tmp/syncwarden-publish-cache/KEY where KEY
/// hashes everything that goes into it (src/, the build props, global.json and the scripts). The NativeAOT
/// publish takes about a minute on 2 cores; the cache makes that a one-time cost per source change instead of
/// a cost per test run, while an edit to any input still republishes, so the test never checks a stale binary.
/// </summary>
internal static class PublishedBinary
{
    private const string CacheRoot = "/tmp/syncwarden-publish-cache";
    private static readonly SemaphoreSlim s_gate = new(1, 1);

    public static async Task<string> GetAsync(CancellationToken cancellationToken = default)
    {
        var key = InputHash();
        var dir = Path.Combine(CacheRoot, key);
        var binary = Path.Combine(dir, "syncwarden");
        await s_gate.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(binary))
            {
                return binary;
            }
            Directory.CreateDirectory(CacheRoot);
            var staging = Path.Combine(CacheRoot, $"{key}.tmp-{Environment.ProcessId}");
            var result = await TestProcess.RunAsync(RepoPaths.Combine("scripts", "publish"), [staging], TimeSpan.FromMinutes(10), cancellationToken: cancellationToken);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"scripts/publish failed: {result}");
            }
            // Drop binaries of older sources, then publish this one atomically (a rename, so a killed run leaves no half file).
            foreach (var old in Directory.EnumerateDirectories(CacheRoot).Where(d => d != staging))
            {
                Directory.Delete(old, recursive: true);
            }
            Directory.Move(staging, dir);
            return binary;
        }
        finally
        {
            s_gate.Release();
        }
    }

    private static string InputHash()
    {
        var root = RepoPaths.Root;
        var files = Directory.EnumerateFiles(Path.Combine(root, "src"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "scripts", "lib")))
            .Concat(new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", "BannedSymbols.txt", "scripts/publish" }.Select(f => Path.Combine(root, f)))
            .Order(StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(root, file) + "\0"));
            hash.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
