using System.CommandLine;
using System.CommandLine.Help;
using Syncwarden.Cli.Commands;

namespace Syncwarden.Cli;

/// <summary>Builds the command tree. Exit codes: 0 success, 1 a job failed or check found errors, 2 usage or config error.</summary>
internal static class CliApp
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int UsageError = 2;

    public static readonly Option<string?> ConfigOption = new("--config", "-c")
    {
        Description = "Configuration file (default: $SYNCWARDEN_CONFIG or /etc/syncwarden/syncwarden.yaml)",
        Recursive = true,
    };

    public static readonly Option<bool> JsonOption = new("--json") { Description = "Print machine-readable JSON" };

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = CreateRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync("syncwarden: " + error.Message).ConfigureAwait(false);
            }
            await Console.Error.WriteLineAsync("Run 'syncwarden --help' for usage.").ConfigureAwait(false);
            return UsageError;
        }
        try
        {
            // Our own handlers: UserError becomes a one-line message, and SIGTERM is handled by the
            // commands themselves (the run command records the run as cancelled).
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }).ConfigureAwait(false);
        }
        catch (UserError ex)
        {
            await Console.Error.WriteLineAsync("syncwarden: " + ex.Message).ConfigureAwait(false);
            return ex.ExitCode;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException
            or Syncwarden.Processes.ProcessStartException or System.Net.Sockets.SocketException)
        {
            // Environment problems (permissions, full disk, a locked database) are for the admin to fix, not bugs.
            await Console.Error.WriteLineAsync("syncwarden: " + ex.Message).ConfigureAwait(false);
            return Failed;
        }
    }

    /// <summary>The command tree, with help that shows optional arguments as optional (<see cref="CliHelpAction"/>).</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("Syncwarden: replicate data with rsync over ssh, on a schedule, safely.");
        root.Options.Add(ConfigOption);
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(HistoryCommand.Create());
        root.Subcommands.Add(LogsCommand.Create());
        root.Subcommands.Add(DaemonCommand.Create());
        root.Subcommands.Add(ReloadCommand.Create());
        root.Subcommands.Add(LockCommand.Create());
        root.Subcommands.Add(SnapshotsCommand.Create());
        root.Subcommands.Add(RestoreCommand.Create());
        root.Subcommands.Add(NotifyCommand.Create());
        root.Subcommands.Add(DeviceCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(PromoteCommand.Create());
        root.Subcommands.Add(RejoinCommand.Create());
        root.Subcommands.Add(SwitchoverCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            help.Action = new CliHelpAction((HelpAction)help.Action!);
        }
        return root;
    }
}

/// <summary>A mistake the user can fix: printed as one clear message, never as a stack trace.</summary>
internal sealed class UserError(string message, int exitCode = CliApp.UsageError) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
