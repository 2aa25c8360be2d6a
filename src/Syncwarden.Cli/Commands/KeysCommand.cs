using System.CommandLine;
using System.Text.Json;
using Syncwarden.Cli.Output;
using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Ssh;

namespace Syncwarden.Cli.Commands;

/// <summary><c>syncwarden keys init|install|list</c>: a key per host that can run nothing but rsync there (docs/keys.md).</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "Syncwarden's own ssh key per host (restricted on the host to rsync under the host's job folders), and pre-shared keys for rsync-tls");
        command.Subcommands.Add(CreateInit());
        command.Subcommands.Add(CreateInstall());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(KeysPskCommand.Create());
        return command;
    }

    private static Argument<string> HostArgument() => new("host") { Description = "A host name from the configuration's hosts:" };

    private static Command CreateInit()
    {
        var host = HostArgument();
        var force = new Option<bool>("--force") { Description = "Replace an existing key (install the new one again afterwards)" };
        var command = new Command("init", "Generate an ed25519 key for HOST in the state directory (keys/HOST/id_ed25519, mode 0600) and print its fingerprint");
        command.Arguments.Add(host);
        command.Options.Add(force);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = CliContext.LoadConfig(parse);
            var name = parse.GetValue(host)!;
            var (path, fingerprint) = await Guard(() => new KeyTools(ProcessRunner.Default).InitAsync(config, name, parse.GetValue(force), cancellationToken)).ConfigureAwait(false);
            Console.WriteLine($"created {path} for host '{name}'");
            Console.WriteLine($"fingerprint: {fingerprint}");
            Console.WriteLine($"next: syncwarden keys install {name}");
            return CliApp.Ok;
        });
        return command;
    }

    private static Command CreateInstall()
    {
        var host = HostArgument();
        var adminIdentity = new Option<string?>("--admin-identity") { Description = "Your key for the admin login (default: your agent, ~/.ssh/config and default keys)", HelpName = "FILE" };
        var adminKnownHosts = new Option<string?>("--admin-known-hosts") { Description = "known_hosts file the admin login checks the host key against (default: ssh's own)", HelpName = "FILE" };
        var accept = new Option<string?>("--accept-host-key") { Description = "Pin this host key (its SHA256 fingerprint, checked by you) when your known_hosts does not know the host", HelpName = "SHA256:..." };
        var rrsync = new Option<string?>("--rrsync") { Description = "rrsync on the host (default: the one on the remote PATH, else /usr/bin/rrsync)", HelpName = "PATH" };
        var authorizedKeys = new Option<string>("--authorized-keys")
        {
            Description = "The remote authorized_keys file, relative to the remote home unless absolute",
            HelpName = "FILE",
            DefaultValueFactory = _ => ".ssh/authorized_keys",
        };
        var command = new Command("install", "Over your own ssh login, authorize HOST's key for rsync only (rrsync, its jobs' folder, from this machine) and pin HOST's key in Syncwarden's known_hosts");
        command.Arguments.Add(host);
        command.Options.Add(adminIdentity);
        command.Options.Add(adminKnownHosts);
        command.Options.Add(accept);
        command.Options.Add(rrsync);
        command.Options.Add(authorizedKeys);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = CliContext.LoadConfig(parse);
            var name = parse.GetValue(host)!;
            var options = new KeyInstallOptions
            {
                AdminIdentity = parse.GetValue(adminIdentity),
                AdminKnownHosts = parse.GetValue(adminKnownHosts),
                AcceptHostKey = parse.GetValue(accept),
                Rrsync = parse.GetValue(rrsync),
                AuthorizedKeys = parse.GetValue(authorizedKeys)!,
            };
            var (key, line) = await Guard(() => new KeyInstaller(ProcessRunner.Default, TimeProvider.System).InstallAsync(config, name, options, cancellationToken)).ConfigureAwait(false);
            Console.WriteLine($"installed the key of host '{name}' ({key.KeyFingerprint}) in {key.AuthorizedKeys} of {key.User ?? "your user"}@{key.Address}:");
            Console.WriteLine("  " + line);
            Console.WriteLine($"  rsync only ({key.Rrsync}), {(key.ReadOnly ? "read-only" : "read and write")}, under {key.Root}, from {key.From}");
            Console.WriteLine($"pinned host key {key.HostKeyFingerprint} in {ManagedKeys.PinnedKnownHosts(config.StateDir)}");
            var reloaded = ManagedKeys.Apply(config);
            var notes = FullLoginNotes(reloaded, name);
            foreach (var note in notes)
            {
                Console.WriteLine(note);
            }
            return CliApp.Ok;
        });
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "Hosts with a managed key: its fingerprint, whether it is installed (as far as this machine knows) and the pinned host key");
        command.Options.Add(CliApp.JsonOption);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = CliContext.LoadConfig(parse);
            var tools = new KeyTools(ProcessRunner.Default);
            var rows = new List<KeyJson>();
            foreach (var name in config.Hosts.Keys.Order(StringComparer.Ordinal))
            {
                var path = ManagedKeys.PrivateKey(config.StateDir, name);
                if (!File.Exists(path))
                {
                    continue;
                }
                var installed = ManagedKeys.ReadInstalled(config.StateDir, name);
                var host = config.Hosts[name];
                rows.Add(new KeyJson(name, path, installed?.KeyFingerprint ?? await FingerprintOfAsync(tools, config.StateDir, name, cancellationToken).ConfigureAwait(false), installed is not null, host.ManagedKey,
                    installed?.From, installed?.Root, installed?.ReadOnly, installed?.HostKeyFingerprint, installed?.InstalledAt));
            }
            if (parse.GetValue(CliApp.JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize<IReadOnlyList<KeyJson>>(rows, CliJson.Readable.IReadOnlyListKeyJson));
                return CliApp.Ok;
            }
            if (rows.Count == 0)
            {
                Console.WriteLine("no host has a managed key; make one with: syncwarden keys init HOST");
                return CliApp.Ok;
            }
            var table = new TextTable("HOST", "KEY", "INSTALLED", "IN USE", "SCOPE", "HOST KEY");
            foreach (var r in rows)
            {
                table.Add(r.Host, r.Fingerprint, r.Installed ? $"yes, from {r.From}" : "no", r.InUse ? "yes" : "no",
                    r.Root is null ? "-" : r.Root + (r.ReadOnly == true ? " (read-only)" : ""), r.HostKeyFingerprint ?? "-");
            }
            Console.WriteLine(table);
            return CliApp.Ok;
        });
        return command;
    }

    /// <summary>What the jobs on a restricted host cannot do through it, for install and check.</summary>
    public static IReadOnlyList<string> FullLoginNotes(SyncwardenConfig config, string hostName)
    {
        var features = RestrictedKey.FullLoginFeatures(config, hostName);
        return features.Count == 0
            ? [$"every job on host '{hostName}' runs through rsync alone"]
            : [$"warning: these need a full login on host '{hostName}' and will not run with its restricted key (runs of those jobs are refused):", .. features.Select(f => "  " + f)];
    }

    /// <summary>The fingerprint of a key never installed (none recorded yet), or what is wrong with its public key file.</summary>
    private static async Task<string> FingerprintOfAsync(KeyTools tools, string stateDir, string host, CancellationToken cancellationToken)
    {
        var file = ManagedKeys.PublicKey(stateDir, host);
        try
        {
            return await tools.FingerprintAsync(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KeyException or IOException)
        {
            return $"unreadable public key {file}";
        }
    }

    private static async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (KeyException ex)
        {
            throw new UserError(ex.Message, CliApp.Failed);
        }
    }
}
