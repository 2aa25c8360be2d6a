namespace Syncwarden.Hooks;

/// <summary>
/// The plugins of a job: every executable regular file directly in plugins-dir, by name (ordinal),
/// skipping dotfiles (editor and package-manager leftovers) and anything not executable.
/// </summary>
internal static class PluginDirectory
{
    public sealed record Listing(IReadOnlyList<string> Plugins, IReadOnlyList<string> Skipped);

    /// <summary>Lists the plugins; throws <see cref="DirectoryNotFoundException"/> when the directory is missing.</summary>
    public static Listing List(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"plugins-dir {directory} does not exist");
        }
        var plugins = new List<string>();
        var skipped = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith('.'))
            {
                continue;
            }
            if (Directory.Exists(path))
            {
                skipped.Add($"{name} (a directory; plugins-dir is not searched recursively)");
            }
            else if (!File.Exists(path))
            {
                skipped.Add($"{name} (a broken link)");
            }
            else if (!IsExecutable(path))
            {
                skipped.Add($"{name} (not executable)");
            }
            else
            {
                plugins.Add(path);
            }
        }
        return new Listing(plugins, skipped);
    }

    // File.GetUnixFileMode follows links, so a link to an executable counts.
    private static bool IsExecutable(string path) =>
        (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
