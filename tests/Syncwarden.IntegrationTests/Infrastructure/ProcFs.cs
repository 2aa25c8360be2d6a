using System.Globalization;

namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>Reads the process table from /proc, so tests can prove their children are gone.</summary>
public static class ProcFs
{
    /// <summary>True if the pid exists and is not a zombie.</summary>
    public static bool IsAlive(int processId)
    {
        var state = ReadStat(processId);
        return state is not null && state.Value.State != 'Z';
    }

    /// <summary>All live descendants (children, grandchildren...) of <paramref name="processId"/>.</summary>
    public static IReadOnlyList<int> DescendantsOf(int processId)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && ReadStat(pid) is { } stat)
            {
                parents[pid] = stat.ParentId;
            }
        }

        var result = new List<int>();
        var frontier = new Queue<int>([processId]);
        while (frontier.Count > 0)
        {
            var parent = frontier.Dequeue();
            foreach (var (pid, ppid) in parents)
            {
                if (ppid == parent && !result.Contains(pid))
                {
                    result.Add(pid);
                    frontier.Enqueue(pid);
                }
            }
        }

        return result;
    }

    /// <summary>The command line of a process as arguments, or null if it is gone.</summary>
    public static IReadOnlyList<string>? CommandLine(int processId)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return raw.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Pids whose command line contains <paramref name="fragment"/> in one argument.</summary>
    public static IReadOnlyList<int> FindByCommandLine(string fragment)
    {
        var result = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && CommandLine(pid) is { } args
                && args.Any(a => a.Contains(fragment, StringComparison.Ordinal))
                && IsAlive(pid))
            {
                result.Add(pid);
            }
        }

        return result;
    }

    private static (char State, int ParentId)? ReadStat(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) S ppid ..." where comm may contain spaces and parentheses: parse after the last ')'.
        var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (rest[0][0], int.Parse(rest[1], CultureInfo.InvariantCulture));
    }
}
