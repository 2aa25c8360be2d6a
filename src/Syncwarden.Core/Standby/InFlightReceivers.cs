using System.Runtime.InteropServices;
using System.Text;

namespace Syncwarden.Standby;

/// <summary>
/// The rsync receivers writing into this machine's data folders right now (<c>rsync --server</c> without
/// <c>--sender</c>, whose working folder or target lies inside one): an old primary's push that read the epoch before
/// a promote and was cut off mid-transfer would otherwise go on writing stale data once its link comes back. Promote
/// stops them (SIGKILL: rsync's own temp files then never replace a real file).
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
                if (argv.Length == 0 || Path.GetFileName(argv[0]) != "rsync" || !argv.Contains("--server") || argv.Contains("--sender"))
                {
                    continue;
                }
                var cwd = new FileInfo(Path.Combine(dir, "cwd")).LinkTarget ?? "";
                if (folders.Any(f => Inside(cwd, f) || Inside(argv[^1], f)) && Kill(pid, SigKill) == 0)
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
