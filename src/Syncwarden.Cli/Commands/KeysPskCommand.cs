using System.CommandLine;
using Syncwarden.Tls;

namespace Syncwarden.Cli.Commands;

/// <summary><c>keys psk FILE</c>: a random pre-shared key for rsync-tls, in stunnel's format, mode 0600.</summary>
internal static class KeysPskCommand
{
    public static Command Create()
    {
        var fileArg = new Argument<string>("file") { Description = "Where to write the key (e.g. /etc/syncwarden/backup1.psk)" };
        var identity = new Option<string>("--identity") { Description = $"The PSK identity before the colon (default: {PskFile.DefaultIdentity})", HelpName = "NAME" };
        var force = new Option<bool>("--force") { Description = "Replace an existing file" };
        var command = new Command("psk", "Write a new random pre-shared key for transport: rsync-tls (identity:key, mode 0600); copy the same file to both hosts");
        command.Arguments.Add(fileArg);
        command.Options.Add(identity);
        command.Options.Add(force);
        command.SetAction(parse =>
        {
            var path = Path.GetFullPath(parse.GetValue(fileArg)!);
            var name = parse.GetValue(identity) ?? PskFile.DefaultIdentity;
            if (!PskFile.IsValidIdentity(name))
            {
                throw new UserError($"--identity: use letters, digits, '-', '_' and '.' (at most 128), got '{name}'");
            }
            if (File.Exists(path) && !parse.GetValue(force))
            {
                throw new UserError($"{path} already exists; add --force to replace it (both hosts then need the new file)", CliApp.Failed);
            }
            PskFile.Generate(path, name, overwrite: true);
            // The key itself is never printed.
            Console.WriteLine($"wrote a new pre-shared key to {path} (mode 0600, identity {name}); copy it to the other host with the same mode");
            return CliApp.Ok;
        });
        return command;
    }
}
