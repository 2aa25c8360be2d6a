using System.CommandLine;
using Syncwarden.Cli.Output;
using Syncwarden.Processes;
using Syncwarden.Tls;

namespace Syncwarden.Cli.Commands;

/// <summary>
/// The receiving side of rsync-tls, in the foreground (a systemd service): an rsync daemon on loopback behind stunnel,
/// one module per sync that the configuration's jobs push to (write only) or pull from (read only) this host.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var hostArg = new Argument<string?>("host")
        {
            Description = "The configured host this machine is (default: $SYNCWARDEN_THIS_HOST, else this-host:, else the short host name)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("serve", "Receive rsync-tls transfers for HOST: run an rsync daemon on loopback behind stunnel until SIGTERM");
        command.Arguments.Add(hostArg);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = CliContext.LoadConfig(parse);
            var hostName = parse.GetValue(hostArg) ?? config.ThisHost ?? Environment.MachineName.Split('.')[0];
            using var signals = new StopSignals(cancellationToken);
            using var provider = new ConsoleLoggerProvider(config.Log, new StderrLine(Console.Error));
            var logger = provider.CreateLogger("serve");
            var server = new TlsServer(config, new ProcessRunner(logger), logger);
            try
            {
                await server.RunAsync(hostName, message => Console.Error.WriteLine("syncwarden: " + message), signals.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (signals.IsCancellationRequested)
            {
                Console.Error.WriteLine("syncwarden: serve stopped");
                return CliApp.Ok;
            }
            catch (TlsServeException ex)
            {
                throw new UserError(ex.Message, CliApp.Failed);
            }
            Console.Error.WriteLine("syncwarden: serve stopped");
            return CliApp.Ok;
        });
        return command;
    }
}
