using System.CommandLine;
using System.Text.Json;
using Syncwarden.Cli.Output;
using Syncwarden.Configuration;
using Syncwarden.Locks;
using Syncwarden.Processes;

namespace Syncwarden.Cli.Commands;

/// <summary><c>syncwarden lock acquire|release|list</c>: plain lock files for other products (Veeam scripts) and the state of every lock.</summary>
internal static class LockCommand
{
    public static Command Create()
    {
        var command = new Command("lock", "Create or remove plain lock files for other backup products, and list the state of every lock");
        command.Subcommands.Add(CreateAcquire());
        command.Subcommands.Add(CreateRelease());
        command.Subcommands.Add(CreateList());
        return command;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "Absolute path of the lock file on this host" };

    private static Command CreateAcquire()
    {
        var name = NameArgument();
        var wait = new Option<string>("--wait") { Description = "How long to wait for running jobs that block on NAME", DefaultValueFactory = _ => "8h" };
        var poll = new Option<string>("--poll") { Description = "How often to look again while waiting", DefaultValueFactory = _ => "5s" };
        var command = new Command("acquire", "Wait until no running job blocks on or holds NAME, then create NAME with holder details. Exit 1 on timeout");
        command.Arguments.Add(name);
        command.Options.Add(wait);
        command.Options.Add(poll);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = CliContext.LoadConfig(parse);
            var path = AbsolutePath(parse.GetValue(name)!);
            var limit = Duration(parse.GetValue(wait)!, "--wait");
            var interval = Duration(parse.GetValue(poll)!, "--poll");
            try
            {
                await ManualLocks.AcquireAsync(config.StateDir, path, new BlocksOnSettings { Timeout = limit, Poll = interval }, TimeProvider.System,
                    who => Console.Error.WriteLine($"waiting for {who} (blocks on or holds {path})"), cancellationToken).ConfigureAwait(false);
            }
            catch (LockWaitTimeoutException ex)
            {
                throw new UserError(ex.Message, CliApp.Failed);
            }
            Console.WriteLine($"created lock file {path}");
            return CliApp.Ok;
        });
        return command;
    }

    private static Command CreateRelease()
    {
        var name = NameArgument();
        var command = new Command("release", "Remove the lock file NAME made by lock acquire (a missing file is a warning, exit 0)");
        command.Arguments.Add(name);
        command.SetAction(async (parse, cancellationToken) =>
        {
            _ = CliContext.LoadConfig(parse);
            var path = AbsolutePath(parse.GetValue(name)!);
            try
            {
                if (!await ManualLocks.ReleaseAsync(path, cancellationToken).ConfigureAwait(false))
                {
                    await Console.Error.WriteLineAsync($"warning: lock file {path} does not exist (already removed?)").ConfigureAwait(false);
                    return CliApp.Ok;
                }
            }
            catch (LockException ex)
            {
                throw new UserError(ex.Message, CliApp.Failed);
            }
            Console.WriteLine($"removed lock file {path}");
            return CliApp.Ok;
        });
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "Show every lock of the configured jobs (locks and blocks-on, local and remote): state, holder and age");
        command.Options.Add(CliApp.JsonOption);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = CliContext.LoadConfig(parse);
            var rows = await new LockInventory(config, ProcessRunner.Default, TimeProvider.System).ListAsync(cancellationToken).ConfigureAwait(false);
            var json = rows.Select(r => new LockJson(r.Job, r.Kind, r.Ref.ToString(), r.Ref.Host, r.Path, r.State, r.Holder,
                r.Age is { } a ? Math.Round(a.TotalSeconds, 1) : null, r.Error)).ToList();
            if (parse.GetValue(CliApp.JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize<IReadOnlyList<LockJson>>(json, CliJson.Readable.IReadOnlyListLockJson));
                return CliApp.Ok;
            }
            var table = new TextTable("JOB", "KIND", "LOCK", "STATE", "AGE", "HOLDER");
            foreach (var r in json)
            {
                var where = r.Host is { } h ? $"{h}:{r.Path}" : r.Path;
                table.Add(r.Job, r.Kind.ToKebabCase(), where, r.Error is null ? r.State.ToKebabCase() : "unknown", Format.Duration(r.AgeSeconds is { } s ? TimeSpan.FromSeconds(s) : null), r.Error ?? r.Holder ?? "-");
            }
            Console.WriteLine(table);
            return rows.Any(r => r.Error is not null) ? CliApp.Failed : CliApp.Ok;
        });
        return command;
    }

    private static string AbsolutePath(string name) =>
        name.StartsWith('/') ? name : throw new UserError($"lock file name must be an absolute path, got \"{name}\"");

    private static TimeSpan Duration(string text, string option) =>
        DurationParser.TryParse(text, out var value, out var error) ? value : throw new UserError($"{option}: {error}");
}
