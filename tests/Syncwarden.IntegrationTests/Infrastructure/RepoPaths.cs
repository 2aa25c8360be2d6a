namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>Files of the repository under test (deploy/, scripts/), found by walking up to Syncwarden.sln.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Syncwarden.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"Syncwarden.sln not found above {AppContext.BaseDirectory}");
    }
}
