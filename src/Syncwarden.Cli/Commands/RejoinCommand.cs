using System.CommandLine;

namespace Syncwarden.Cli.Commands;

internal static class RejoinCommand
{
    public static Command Create()
    {
        var command = new Command("rejoin",
            "On a repaired old primary: become the standby of the promoted peer, adopt its epoch and copy its data here now. Exit 0 rejoined, 1 failed, 2 nothing to rejoin");
        command.SetAction((parse, cancellationToken) => StandbyCommandBase.RunAsync(parse, (control, _, token) => control.RejoinAsync(token), cancellationToken));
        return command;
    }
}
