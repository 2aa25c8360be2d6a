using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Syncwarden.Cli.Output;
using Syncwarden.Configuration;
using Syncwarden.Events;
using Syncwarden.Notifications;
using Syncwarden.Runs;
using Syncwarden.Standby;

namespace Syncwarden.Cli.Commands;

/// <summary>
/// What promote, rejoin and switchover share: the configuration with its standby: section, the services, SIGTERM and
/// SIGINT as a cancel, the action's lines on stdout, and its refusal as a one-line error with the documented exit code.
/// </summary>
internal static class StandbyCommandBase
{
    /// <summary>promote: the primary still answers.</summary>
    public const int PrimaryAnswers = 3;

    /// <summary>promote: the standby's data is older than max-lag.</summary>
    public const int TooOld = 4;

    public static async Task<int> RunAsync(ParseResult parse, Func<StandbyControl, IServiceProvider, CancellationToken, Task<StandbyActionResult>> action, CancellationToken cancellationToken)
    {
        var config = CliContext.LoadConfig(parse);
        if (config.Standby is null)
        {
            throw new UserError($"{config.SourceFile} has no standby: section, so this machine is in no standby pair; see docs/standby.md");
        }
        using var signals = new StopSignals(cancellationToken);
        var stderr = new StderrLine(Console.Error);
        await using var services = CliServices.Build(config, ConfigLoader.ResolvePath(parse.GetValue(CliApp.ConfigOption)), stderr);
        var control = new StandbyControl(config, services.GetRequiredService<Processes.ProcessRunner>(), services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger("standby"));
        StandbyActionResult result;
        try
        {
            result = await action(control, services, signals.Token).ConfigureAwait(false);
        }
        catch (StandbyActionException ex)
        {
            throw new UserError(ex.Message, ex.Kind switch
            {
                StandbyRefusal.WrongRole => CliApp.UsageError,
                StandbyRefusal.PrimaryAnswers => PrimaryAnswers,
                StandbyRefusal.TooOld => TooOld,
                _ => CliApp.Failed,
            });
        }
        catch (OperationCanceledException) when (signals.IsCancellationRequested)
        {
            throw new UserError("cancelled; 'syncwarden status' shows the role this machine has now", CliApp.Failed);
        }
        finally
        {
            // Mails about a run the action made (switchover's final sync) go out before the command ends, within a bound.
            await services.GetRequiredService<RunEventHub>().StopAsync(services.GetService<Notifier>() is null ? TimeSpan.FromSeconds(2) : Notifier.DeliveryWait).ConfigureAwait(false);
        }
        foreach (var line in result.Lines)
        {
            Console.WriteLine(line);
        }
        if (result.Problem is { } problem)
        {
            await Console.Error.WriteLineAsync("syncwarden: " + problem).ConfigureAwait(false);
            return CliApp.Failed;
        }
        return CliApp.Ok;
    }
}
