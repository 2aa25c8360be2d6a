using System.CommandLine;
using System.Text.Json;
using Syncwarden.Cli.Output;
using Syncwarden.Configuration;

namespace Syncwarden.Cli.Commands;

internal static class CheckCommand
{
    // Text output stays readable for a huge file; --json always has everything.
    private const int ListedJobs = 20;
    private const int ListedErrors = 200;

    public static Command Create()
    {
        var command = new Command("check", "Validate the configuration file and print every error (exit 0 valid, 1 invalid)");
        command.Options.Add(CliApp.JsonOption);
        command.SetAction(parse =>
        {
            var path = ConfigLoader.ResolvePath(parse.GetValue(CliApp.ConfigOption));
            var result = ConfigLoader.Load(path);
            if (parse.GetValue(CliApp.JsonOption))
            {
                var json = new CheckJson(path, result.IsValid,
                    [.. result.Errors.Select(e => new CheckErrorJson(e.File, e.Line, e.Column, e.Key, e.Message, e.Hint))],
                    result.Config?.Jobs.Select(j => j.Name).ToList() ?? []);
                Console.WriteLine(JsonSerializer.Serialize(json, CliJson.Readable.CheckJson));
            }
            else if (result.IsValid)
            {
                var config = result.Config!;
                var names = string.Join(", ", config.Jobs.Take(ListedJobs).Select(j => j.Name));
                var more = config.Jobs.Count > ListedJobs ? $" and {config.Jobs.Count - ListedJobs} more" : "";
                Console.WriteLine($"{path}: OK, {config.Jobs.Count} job(s): {names}{more}");
                foreach (var line in KeyLines(config))
                {
                    Console.WriteLine(line);
                }
            }
            else
            {
                foreach (var error in result.Errors.Take(ListedErrors))
                {
                    Console.Error.WriteLine(error.ToString());
                }
                if (result.Errors.Count > ListedErrors)
                {
                    Console.Error.WriteLine($"... and {result.Errors.Count - ListedErrors} more; check --json lists them all");
                }
                Console.Error.WriteLine($"{path}: {result.Errors.Count} error(s)");
            }
            return result.IsValid ? CliApp.Ok : CliApp.Failed;
        });
        return command;
    }

    /// <summary>
    /// Which key and known_hosts each host's jobs use, and for a host with Syncwarden's restricted key what needs a
    /// full login there.
    /// </summary>
    private static IEnumerable<string> KeyLines(SyncwardenConfig config)
    {
        foreach (var host in config.Hosts.Values.OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            if (host.UsesTls)
            {
                yield return $"host {host.Name}: rsync-tls to port {host.Tls!.Port}, pre-shared key {host.Tls.PskFile} (no ssh)";
                continue;
            }
            var key = host.ManagedKey ? $"managed key {host.Identity} (restricted to rsync by keys install)"
                : host.Identity is { } identity ? $"key {identity} (identity:)"
                : "ssh's own keys (agent, ~/.ssh)";
            var knownHosts = host.PinnedHostKey ? $"pinned host key in {host.KnownHosts}" : host.KnownHosts is { } file ? $"known_hosts {file}" : "ssh's own known_hosts";
            var pending = !host.ManagedKey && host.Identity is null && File.Exists(Ssh.ManagedKeys.PrivateKey(config.StateDir, host.Name))
                ? "; a managed key exists but is not installed: syncwarden keys install " + host.Name : "";
            yield return $"host {host.Name}: {key}, {knownHosts}{pending}";
            if (host.ManagedKey)
            {
                foreach (var note in KeysCommand.FullLoginNotes(config, host.Name))
                {
                    yield return "  " + note;
                }
            }
        }
    }
}
