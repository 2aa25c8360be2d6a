using Syncwarden.Rsync;
using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

/// <summary>
/// Checks that need the whole file: the state-dir and the file's own place decide which destinations are
/// refused. They read positions from the YAML nodes and direction and options from the bound config;
/// values the binding already refused are skipped, so each mistake is reported once.
/// </summary>
public static partial class ConfigLoader
{
    private static readonly string[] RemoveSourceOptions = ["--remove-source-files", "--remove-sent-files"];

    private const string OverlapHint = "use a destination outside the source that does not contain it either, such as /mnt/backup/data";

    /// <summary>One side of a sync as written, as compared (<see cref="Normal"/>) and where it is.</summary>
    private sealed record SyncSide(YamlNode Node, string Path, string Written, string Normal, string Lexical, bool IsLocal, string Place)
    {
        /// <summary>The path as written, and what it comes to when that is not obvious from the spelling.</summary>
        public string Shown => Normal == (Written.Length > 1 ? Written.TrimEnd('/') : Written)
            ? $"\"{Written}\""
            : $"\"{Written}\" (that is {Normal})";
    }

    /// <summary>Why a folder must not be written into as a whole, what is at stake there, and what to do.</summary>
    private sealed record Protection(string What, string Stake, string Hint);

    /// <summary>Runs once the whole file is bound: refused sync targets, overlapping local syncs.</summary>
    private static void CheckPaths(YamlNode root, SyncwardenConfig config, ConfigReader reader)
    {
        // The name the file was loaded (or, for Parse, described) by; a relative one counts from the current folder.
        var configFile = PathSafety.Resolve(Path.IsPathRooted(reader.File) ? reader.File : Path.Join(Directory.GetCurrentDirectory(), reader.File));
        var stateDir = config.StateDir.StartsWith('/') ? PathSafety.Resolve(config.StateDir) : null;
        foreach (var (jobNode, jobPath) in Select(root, "", "jobs.*"))
        {
            if (config.FindJob(jobPath["jobs.".Length..]) is not { } job || !HasValidDirection(jobNode))
            {
                continue;
            }
            foreach (var (syncNode, syncPath) in Select(jobNode, jobPath, "syncs.[]"))
            {
                CheckSyncPaths(syncNode, syncPath, job, stateDir, configFile, reader);
            }
        }
    }

    private static void CheckSyncPaths(YamlNode sync, string path, JobConfig job, string? stateDir, string configFile, ConfigReader reader)
    {
        var options = job.Options.Concat(Select(sync, path, "options.[]").Select(o => ScalarText(o.Node) ?? "")).ToList();
        var source = ReadSide(sync, path, "source", job.Direction != Direction.Pull, job);
        var destination = ReadSide(sync, path, "destination", job.Direction != Direction.Push, job);

        var destinationRefused = false;
        if (destination is not null && Protect(destination, stateDir, configFile) is { } guarded)
        {
            reader.Error(destination.Node, destination.Path,
                $"destination {destination.Shown} {guarded.What}: a sync into it can overwrite or (with --delete) remove {guarded.Stake}", guarded.Hint);
            destinationRefused = true;
        }
        // rsync only reads a source, unless it is told to delete what it has copied.
        if (source is not null && options.Any(RemoveSourceOptions.Contains) && Protect(source, stateDir, configFile) is { } protectedSource)
        {
            reader.Error(source.Node, source.Path,
                $"source {source.Shown} {protectedSource.What}: --remove-source-files would delete each file there once it is copied",
                "name the folder whose files are meant to be moved, or remove --remove-source-files");
        }
        if (job.Direction == Direction.Local && source is not null && destination is not null && !destinationRefused)
        {
            CheckOverlap(source, destination, reader);
        }
    }

    private static SyncSide? ReadSide(YamlNode sync, string syncPath, string key, bool isLocal, JobConfig job)
    {
        if (Select(sync, syncPath, key).FirstOrDefault() is not ({ } node, { } path) || ScalarText(node) is not { } written || !written.StartsWith('/'))
        {
            // Missing, or relative: refused already on this machine; on a host it is below the login's home.
            return null;
        }
        var lexical = PathSafety.Lexical(written);
        var normal = isLocal ? PathSafety.Resolve(written) : lexical;
        return new SyncSide(node, path, written, normal, lexical, isLocal, isLocal ? "this machine" : $"host '{job.Host}'");
    }

    private static Protection? Protect(SyncSide side, string? stateDir, string configFile)
    {
        const string SystemHint = "name the folder meant for the copy, such as a backup disk's mount point (/mnt/backup) or a folder below it";
        if (side.Normal == "/")
        {
            return new Protection($"is the root folder of {side.Place}", "the whole system", SystemHint);
        }
        if (PathSafety.SystemFolders.Contains(side.Normal) || PathSafety.SystemFolders.Contains(side.Lexical))
        {
            return new Protection($"is a system folder of {side.Place}", "files the system needs", SystemHint);
        }
        if (!side.IsLocal)
        {
            return null;
        }
        if (stateDir is not null && PathSafety.IsSameOrInside(stateDir, side.Normal))
        {
            var what = stateDir == side.Normal ? "is syncwarden's state-dir" : $"contains syncwarden's state-dir ({stateDir})";
            return new Protection(what, "the run history and locks", $"choose a destination that neither is nor contains {stateDir}, or move state-dir");
        }
        if (PathSafety.IsSameOrInside(configFile, side.Normal))
        {
            return new Protection($"contains this configuration file ({configFile})", "it",
                $"choose a destination that does not contain {configFile}, or keep the file elsewhere");
        }
        return null;
    }

    /// <summary>A local job copying into its own source, or over it, is refused; reported at the destination.</summary>
    private static void CheckOverlap(SyncSide source, SyncSide destination, ConfigReader reader)
    {
        string? problem = null;
        if (source.Normal == destination.Normal)
        {
            problem = $"destination {destination.Shown} is the same folder as source {source.Shown}: a local job copies between two different folders";
        }
        else if (PathSafety.IsSameOrInside(destination.Normal, source.Normal))
        {
            problem = $"destination {destination.Shown} is inside source {source.Shown}: every run would copy the earlier copies once more";
        }
        else if (PathSafety.IsSameOrInside(source.Normal, destination.Normal))
        {
            problem = $"destination {destination.Shown} contains source {source.Shown}: the sync writes over its own source, and with --delete can remove it";
        }
        if (problem is not null)
        {
            reader.Error(destination.Node, destination.Path, problem, OverlapHint);
        }
    }

    /// <summary>A misspelt direction is reported where it is bound; path rules that depend on it are skipped.</summary>
    private static bool HasValidDirection(YamlNode job) =>
        Select(job, "", "direction").FirstOrDefault().Node is not { } node
        || Directions.Any(d => string.Equals(d.Item1, ScalarText(node), StringComparison.OrdinalIgnoreCase));

    private static string? ScalarText(YamlNode node) =>
        node is YamlScalarNode { Value: { } value } && !ConfigReader.IsNull(node) && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>The nodes a pattern such as "jobs.*" or "syncs.[]" names below <paramref name="node"/>, with their key paths.</summary>
    private static List<(YamlNode Node, string Path)> Select(YamlNode node, string path, string pattern)
    {
        List<(YamlNode Node, string Path)> found = [(node, path)];
        foreach (var segment in pattern.Split('.'))
        {
            found = [.. found.SelectMany(f => Step(f.Node, f.Path, segment))];
        }
        return found;
    }

    private static IEnumerable<(YamlNode Node, string Path)> Step(YamlNode node, string path, string segment) => (segment, node) switch
    {
        ("[]", YamlSequenceNode list) => list.Children.Select((item, index) => (item, $"{path}[{index}]")),
        (_, YamlMappingNode map) => map.Children
            .Where(c => c.Key is YamlScalarNode { Value: { } key } && (segment == "*" || ConfigReader.KeyName(key) == segment))
            .Select(c => (c.Value, ConfigReader.Join(path, ConfigReader.KeyName(((YamlScalarNode)c.Key).Value!)))),
        _ => [],
    };
}
