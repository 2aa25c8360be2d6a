using System.CommandLine;
using Syncwarden.Processes;
using Syncwarden.Snapshots;

namespace Syncwarden.Cli.Commands;

/// <summary><c>syncwarden restore JOB SNAPSHOT [PATH] --to DIR</c>: copies files back out of a snapshot with rsync.</summary>
internal static class RestoreCommand
{
    public static Command Create()
    {
        var job = new Argument<string>("job") { Description = "A job with snapshots: in the configuration" };
        var snapshot = new Argument<string>("snapshot") { Description = "A snapshot name from 'snapshots list', or latest" };
        var path = new Argument<string?>("path") { Description = "A file or folder inside the snapshot (default: everything)", Arity = ArgumentArity.ZeroOrOne };
        var to = new Option<string?>("--to") { HelpName = "dir", Description = "Folder to restore into (created if missing); the path keeps its folders below it" };
        var inPlace = new Option<bool>("--in-place") { Description = "Write over the live source instead (overwrites changed files, deletes nothing)" };
        var destination = new Option<string?>("--destination") { HelpName = "dest", Description = "Which destination's snapshots, for a job with several" };
        var command = new Command("restore", "Copy a file, a folder or a whole snapshot back with rsync: into --to DIR, or over the live source with --in-place. Never deletes");
        command.Arguments.Add(job);
        command.Arguments.Add(snapshot);
        command.Arguments.Add(path);
        command.Options.Add(to);
        command.Options.Add(inPlace);
        command.Options.Add(destination);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (config, selected) = SnapshotsCommand.Load(parse, job);
            var request = new RestoreRequest(parse.GetValue(snapshot)!, parse.GetValue(path), parse.GetValue(to), parse.GetValue(inPlace), parse.GetValue(destination));
            var restore = new SnapshotRestore(config, selected, ProcessRunner.Default);
            var result = await SnapshotsCommand.Run(() => restore.RunAsync(request, chunk => Console.Error.Write(chunk), cancellationToken)).ConfigureAwait(false);
            Console.WriteLine($"restored {result.From} into {result.Into} (snapshot {result.Snapshot})");
            return CliApp.Ok;
        });
        return command;
    }
}
