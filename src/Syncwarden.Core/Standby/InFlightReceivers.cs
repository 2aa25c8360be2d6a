using System.Runtime.InteropServices;
using System.Text;

namespace Syncwarden.Standby;

/// <summary>
/// The rsync receivers writing into this machine's data folders right now (<c>rsync --server</c> without
/// <c>--sender</c>, whose working folder or target lies inside one): an old primary's push that read the epoch before
/// a promote and was cut off mid-transfer would otherwise go on writing stale data once its link comes back. Promote
/// stops them (SIGKILL: rsync's own temp files then never replace a real file).
/// Over rsync-tls the receivers are the connection children of the rsync daemon <c>syncwarden serve</c> runs: they keep
/// the daemon's argv (<c>rsync --daemon ...</c>), so they are told apart from the listening daemon by their root: every
/// module is chrooted, so a child serving a module of one of the folders has its root inside it. Such a child may also
/// be a reader of the marker or data module (the peer's fencing check or rejoin); stopping it too only makes that
/// read fail, and the peer tries again.
/// </summary>
internal static partial class InFlightReceivers
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private const int SigKill = 9;

    /// <summary>Kills every receiver writing into <paramref name="folders"/>; returns their pids.</summary>
    public static IReadOnlyList<int> Stop(IReadOnlyList<string> folders)
    {
        var killed = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                var argv = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(dir, "cmdline"))).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                if (argv.Length == 0 || Path.GetFileName(argv[0]) != "rsync")
                {
                    continue;
                }
                bool writing;
                if (argv.Contains("--daemon"))
                {
                    // The listening daemon's root is /; a connection child's is its module's folder.
                    var root = new FileInfo(Path.Combine(dir, "root")).LinkTarget ?? "/";
                    writing = root != "/" && folders.Any(f => Inside(root, f));
                }
                else
                {
                    var cwd = new FileInfo(Path.Combine(dir, "cwd")).LinkTarget ?? "";
                    writing = argv.Contains("--server") && !argv.Contains("--sender") && folders.Any(f => Inside(cwd, f) || Inside(argv[^1], f));
                }
                if (writing && Kill(pid, SigKill) == 0)
                {
                    killed.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to look at.
            }
        }
        return killed;
    }

    private static bool Inside(string path, string folder)
    {
        var p = path.TrimEnd('/');
        var f = folder.TrimEnd('/');
        return p == f || p.StartsWith(f + "/", StringComparison.Ordinal);
    }
}
