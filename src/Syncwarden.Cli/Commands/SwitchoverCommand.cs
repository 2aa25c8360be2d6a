using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Syncwarden.Runs;

namespace Syncwarden.Cli.Commands;

internal static class SwitchoverCommand
{
    public static Command Create()
    {
        var command = new Command("switchover",
            "On the primary, planned: stop hooks, a final sync, hand the role to the standby (its daemon runs the promote hooks) and wait for it. Exit 0 switched over, 1 failed or not confirmed, 2 this host is not the primary");
        command.SetAction((parse, cancellationToken) => StandbyCommandBase.RunAsync(parse, async (control, services, token) =>
        {
            var result = await control.SwitchoverAsync(services.GetRequiredService<JobRunner>(), token).ConfigureAwait(false);
            return result.Downtime is { } d
                ? result with { Lines = [.. result.Lines, $"downtime: {d.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}s (from the first stop hook to the peer's confirmation)"] }
                : result;
        }, cancellationToken));
        return command;
    }
}
