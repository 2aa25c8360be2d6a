using System.Runtime.InteropServices;
using System.Text;

namespace Syncwarden.Standby;

/// <summary>
/// The rsync receivers writing into this machine's data folders right now (<c>rsync --server</c> without
/// <c>--sender</c>, whose working folder or target lies inside one): an old primary's push that read the epoch before
/// a promote and was cut off mid-transfer would otherwise go on writing stale data once its link comes back. Promote
/// stops them (SIGKILL: rsync's own temp files then never replace a real file).
/// Over rsync-tls the receivers are connection children of the rsync daemon <c>syncwarden serve</c> runs: they keep
/// the daemon's argv (<c>rsync --daemon ...</c>), and every module is chrooted, so a child serving a module of one of the
/// folders has its root inside it (the listening daemon's root is /). The same folder is also served read only (the
/// marker module the peer's fencing check reads, the data module rejoin pulls), and those readers must live: a
/// daemon child that sends runs as one process, while one that receives forks into a generator and a receiver, both
/// chrooted. So a chrooted daemon process counts as writing when its parent or one of its children is chrooted into
/// the same folder. A push still receiving its file list has not forked yet and is missed; the daemon's watcher on the
/// primary (HandoverWatcher) looks again every few seconds and stops it then.
/// </summary>
internal static partial class InFlightReceivers
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private const int SigKill = 9;

    private sealed record RsyncProcess(int Pid, int Parent, string[] Argv, string Root, string Cwd);

    /// <summary>Kills every receiver writing into <paramref name="folders"/>; returns their pids.</summary>
    public static IReadOnlyList<int> Stop(IReadOnlyList<string> folders)
    {
        var processes = RsyncProcesses();
        // Daemon connection children chrooted into one of the folders, by pid.
        var chrooted = processes.Where(p => p.Argv.Contains("--daemon") && p.Root != "/" && folders.Any(f => Inside(p.Root, f))).ToDictionary(p => p.Pid);
        var killed = new List<int>();
        foreach (var process in processes)
        {
            var writing = process.Argv.Contains("--daemon")
                ? chrooted.ContainsKey(process.Pid)
                    && (chrooted.TryGetValue(process.Parent, out var parent) && parent.Root == process.Root
                        || chrooted.Values.Any(c => c.Parent == process.Pid && c.Root == process.Root))
                : process.Argv.Contains("--server") && !process.Argv.Contains("--sender") && folders.Any(f => Inside(process.Cwd, f) || Inside(process.Argv[^1], f));
            if (writing && Kill(process.Pid, SigKill) == 0)
            {
                killed.Add(process.Pid);
            }
        }
        return killed;
    }

    /// <summary>Every rsync process but this one, with its parent, argv, root and working folder.</summary>
    private static List<RsyncProcess> RsyncProcesses()
    {
        var found = new List<RsyncProcess>();
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
                // stat: "pid (comm) state ppid ...", where comm may hold spaces and parentheses.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
                var root = new FileInfo(Path.Combine(dir, "root")).LinkTarget ?? "/";
                var cwd = new FileInfo(Path.Combine(dir, "cwd")).LinkTarget ?? "";
                found.Add(new RsyncProcess(pid, parent, argv, root, cwd));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to look at.
            }
        }
        return found;
    }

    private static bool Inside(string path, string folder)
    {
        var p = path.TrimEnd('/');
        var f = folder.TrimEnd('/');
        return p == f || p.StartsWith(f + "/", StringComparison.Ordinal);
    }
}
