namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>A unique directory under /tmp (<c>syncwarden-it-*</c>) for one test, removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public const string Prefix = "syncwarden-it-";

    public TempDir(string? label = null)
    {
        var name = Prefix + (label is null ? "" : label + "-") + Guid.NewGuid().ToString("N")[..12];
        Path = System.IO.Path.Combine("/tmp", name);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Path of <paramref name="parts"/> below this directory (nothing is created).</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Creates (if needed) and returns a subdirectory.</summary>
    public string CreateSubdirectory(params string[] parts)
    {
        var path = Combine(parts);
        Directory.CreateDirectory(path);
        return path;
    }

    public override string ToString() => Path;

    public void Dispose()
    {
        if (!Directory.Exists(Path))
        {
            return;
        }

        // .NET cannot delete entries whose names are not UTF-8, and read-only directories stop a
        // non-root delete, so make everything writable and let rm do the work.
        TestProcess.RunAsync("chmod", ["-R", "u+rwX", "--", Path], TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        var result = TestProcess.RunAsync("rm", ["-rf", "--", Path], TimeSpan.FromSeconds(120)).GetAwaiter().GetResult();
        if (result.ExitCode != 0 || Directory.Exists(Path))
        {
            throw new IOException($"Could not remove temp dir {Path}: {result.StandardError}");
        }
    }
}
