using System.CommandLine;
using Syncwarden.Configuration;

namespace Syncwarden.Cli.Commands;

internal static class PromoteCommand
{
    public static Command Create()
    {
        var force = new Option<bool>("--force") { Description = "Promote even though the primary still answers (the epoch then refuses its next push)" };
        var acceptLag = new Option<bool>("--accept-lag") { Description = "Promote even though the data here is older than max-lag" };
        var command = new Command("promote",
            "Make this standby the primary: a new epoch fences the old primary, the promote hooks run. Exit 0 promoted, 1 a hook failed, 3 the primary still answers, 4 the data is older than max-lag");
        command.Options.Add(force);
        command.Options.Add(acceptLag);
        command.SetAction((parse, cancellationToken) => StandbyCommandBase.RunAsync(parse, async (control, _, token) =>
        {
            var result = await control.PromoteAsync(parse.GetValue(force), parse.GetValue(acceptLag), token).ConfigureAwait(false);
            var age = result.DataAge is { } a ? DurationParser.Format(TimeSpan.FromSeconds(Math.Floor(a.TotalSeconds))) : "-";
            return result with { Lines = [.. result.Lines, $"serving data {age} old"] };
        }, cancellationToken));
        return command;
    }
}
