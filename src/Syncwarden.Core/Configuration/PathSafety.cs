namespace Syncwarden.Configuration;

/// <summary>
/// Puts paths in one spelling before they are compared, and knows the folders no sync may write into as a
/// whole. Paths on this machine are resolved like realpath(3) as far as they exist; paths on another host
/// can only be normalised as text.
/// </summary>
internal static class PathSafety
{
    /// <summary>
    /// The root and the system's own folders (FHS), which an admin never means as the whole destination of a
    /// copy. Folders below them (/home/alice/backup, /var/backups) and data or mount folders (/srv, /opt,
    /// /mnt, /media) are not listed. The /usr ones are where /bin, /sbin and /lib lead on a merged-/usr system.
    /// </summary>
    public static IReadOnlyList<string> SystemFolders { get; } =
    [
        "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/root",
        "/run", "/sbin", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libx32",
        "/usr/sbin", "/usr/share", "/var", "/var/lib", "/var/log",
    ];

    // The kernel's own limit (MAXSYMLINKS); beyond it the rest of the path is taken as written.
    private const int MaxSymlinks = 40;

    /// <summary>
    /// Collapses repeated slashes, "." and ".." and drops a trailing slash, without looking at the disk.
    /// ".." above the root stays at the root; a relative path keeps its leading "..".
    /// </summary>
    public static string Lexical(string path)
    {
        var absolute = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..")
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                else if (!absolute)
                {
                    parts.Add(part);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }
        var joined = string.Join('/', parts);
        return absolute ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    /// <summary>
    /// An absolute path on this machine with every symlink in its existing part followed and ".." applied
    /// after them, as the kernel would; the part that does not exist yet is appended as written.
    /// </summary>
    public static string Resolve(string absolutePath)
    {
        var pending = new Stack<string>(Components(absolutePath));
        var resolved = new List<string>();
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }
                continue;
            }
            if (part == ".")
            {
                continue;
            }
            resolved.Add(part);
            if (links < MaxSymlinks && LinkTarget("/" + string.Join('/', resolved)) is { } target)
            {
                links++;
                resolved.RemoveAt(resolved.Count - 1);
                if (target.StartsWith('/'))
                {
                    resolved.Clear();
                }
                foreach (var next in Components(target))
                {
                    pending.Push(next);
                }
            }
        }
        return "/" + string.Join('/', resolved);
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or lies below it; both normalised.</summary>
    public static bool IsSameOrInside(string path, string folder) =>
        path == folder || path.StartsWith(folder == "/" ? "/" : folder + "/", StringComparison.Ordinal);

    /// <summary>The components of a path, last first, ready to be pushed onto a stack.</summary>
    private static IEnumerable<string> Components(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse();

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Unreadable or not a folder on the way: nothing to follow, the rest is taken as written.
            return null;
        }
    }
}
