using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    private static readonly string[] HookKinds = [.. new[] { HookKind.Before, HookKind.After, HookKind.OnError, HookKind.Finally }.Select(k => k.ToKebabCase())];
    private static readonly string[] HookKeys = ["command", "on", "timeout"];
    private static readonly (string, bool)[] HookPlaces = [("local", false), ("remote", true)];

    private const string HookExample = "before: [[/usr/local/bin/check-disk, /mnt/backup]]";
    private const string HookEntryExample = "- [/usr/local/bin/snap, --quiet]   or   - { command: [/usr/local/bin/snap, --quiet], on: remote, timeout: 5m }";

    /// <summary>hooks: { before: [...], after: [...], on-error: [...], finally: [...] }.</summary>
    private static HooksConfig BindHooks(YamlNode node, string path, bool jobHasHost, ConfigReader reader)
    {
        var hooks = new HooksConfig();
        if (reader.Map(node, path, HookKinds, "hooks: { before: [[/usr/local/bin/check-disk]], after: [[/usr/local/bin/snap]] }") is not { } map)
        {
            return hooks;
        }
        List<HookCommand> Kind(HookKind kind) =>
            map.Get(kind.ToKebabCase()) is { } list ? BindHookList(list, map.PathOf(kind.ToKebabCase()), jobHasHost, reader) : [];
        return new HooksConfig { Before = Kind(HookKind.Before), After = Kind(HookKind.After), OnError = Kind(HookKind.OnError), Finally = Kind(HookKind.Finally) };
    }

    private static List<HookCommand> BindHookList(YamlNode node, string path, bool jobHasHost, ConfigReader reader)
    {
        var hooks = new List<HookCommand>();
        foreach (var (item, itemPath) in reader.Sequence(node, path, HookExample) ?? [])
        {
            if (BindHook(item, itemPath, jobHasHost, reader) is { } hook)
            {
                hooks.Add(hook);
            }
        }
        return hooks;
    }

    private static HookCommand? BindHook(YamlNode node, string path, bool jobHasHost, ConfigReader reader)
    {
        switch (node)
        {
            case YamlSequenceNode:
                return BindArgv(node, path, reader) is { } argv ? new HookCommand { Command = argv } : null;
            case YamlMappingNode:
                break;
            case YamlScalarNode { Value: { Length: > 0 } text } when !ConfigReader.IsNull(node):
                var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                reader.Error(node, path, "a hook is an argv list, not a command line: it never goes through a shell",
                    $"write it as a list, e.g. - [{string.Join(", ", words)}]");
                return null;
            default:
                reader.Error(node, path, $"expected a hook, got {ConfigReader.Describe(node)}", HookEntryExample);
                return null;
        }

        if (reader.Map(node, path, HookKeys, "{ command: [/usr/local/bin/snap, --quiet], on: remote, timeout: 5m }") is not { } map)
        {
            return null;
        }
        var command = map.Require("command", "command: [/usr/local/bin/snap, --quiet]") is { } c ? BindArgv(c, map.PathOf("command"), reader) : null;
        var hook = new HookCommand { Command = command ?? [] };
        if (map.Get("on") is { } on && reader.Choice(on, map.PathOf("on"), HookPlaces) is { } remote)
        {
            if (remote && !jobHasHost)
            {
                reader.Error(on, map.PathOf("on"), "on: remote runs the hook on the job's host, but this job has no host",
                    "remove on: remote to run the hook on this machine, or give the job a host");
            }
            hook = hook with { Remote = remote };
        }
        if (map.Get("timeout") is { } timeout && reader.Duration(timeout, map.PathOf("timeout"), allowZero: false, "timeout: 5m") is { } t)
        {
            hook = hook with { Timeout = t };
        }
        return command is null ? null : hook;
    }

    /// <summary>
    /// A program and its arguments. The program is an absolute path or a bare name looked up on PATH when the
    /// hook runs; a relative path would depend on the daemon's working directory. Arguments may be empty.
    /// </summary>
    private static List<string>? BindArgv(YamlNode node, string path, ConfigReader reader)
    {
        if (reader.Sequence(node, path, "[/usr/local/bin/snap, --quiet]") is not { } items)
        {
            return null;
        }
        if (items.Count == 0)
        {
            reader.Error(node, path, "a hook needs a program to run; the list is empty", "e.g. [/usr/local/bin/snap, --quiet]");
            return null;
        }
        var argv = new List<string>(items.Count);
        var ok = true;
        foreach (var (item, itemPath) in items)
        {
            // A quoted "" is a real (empty) argument; a bare null, a list or a mapping is a mistake.
            if (item is YamlScalarNode { Value: { } word } && !ConfigReader.IsNull(item))
            {
                argv.Add(word);
                continue;
            }
            reader.Error(item, itemPath, $"expected a word of the command, got {ConfigReader.Describe(item)}", "write each argument as text; quote an empty one as \"\"");
            ok = false;
        }
        if (!ok)
        {
            return null;
        }
        var program = argv[0];
        if (program.Trim().Length == 0)
        {
            reader.Error(items[0].Node, items[0].Path, "the program must not be empty", "e.g. [/usr/local/bin/snap, --quiet]");
            return null;
        }
        if (!program.StartsWith('/') && (program.Contains('/', StringComparison.Ordinal) || program.StartsWith('-') || program.Contains('=', StringComparison.Ordinal)))
        {
            reader.Error(items[0].Node, items[0].Path, $"the program must be an absolute path or a bare name found on PATH, got \"{program}\"",
                $"e.g. /{program.TrimStart('.', '/', '-')}; a relative path would depend on the daemon's working directory");
            return null;
        }
        return argv;
    }

    private static string? BindPluginsDir(YamlNode node, string path, ConfigReader reader)
    {
        if (reader.Text(node, path, "plugins-dir: /etc/syncwarden/plugins.d") is not { } dir)
        {
            return null;
        }
        if (!dir.StartsWith('/'))
        {
            reader.Error(node, path, $"plugins-dir must be an absolute path, got \"{dir}\"", $"e.g. /{dir.TrimStart('.', '/')}");
            return null;
        }
        return dir;
    }
}
