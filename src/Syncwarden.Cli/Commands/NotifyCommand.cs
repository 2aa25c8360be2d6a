using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Syncwarden.Cli.Output;
using Syncwarden.Configuration;
using Syncwarden.Notifications;

namespace Syncwarden.Cli.Commands;

/// <summary><c>syncwarden notify test</c>: one test message through every configured channel, each reported.</summary>
internal static class NotifyCommand
{
    public static Command Create()
    {
        var command = new Command("notify", "Notifications: check that mail, webhooks and pings get through");
        var test = new Command("test", "Send a test message through every configured channel (email, webhooks, pings) and report each. Exit 1 if any failed");
        test.Options.Add(CliApp.JsonOption);
        test.SetAction(async (parse, cancellationToken) =>
        {
            var config = CliContext.LoadConfig(parse);
            if (!SyncwardenServices.HasNotifications(config))
            {
                throw new UserError("no notifications are configured: add email:, webhooks: or ping: (see docs/configuration.md)", CliApp.Failed);
            }
            await using var services = CliServices.Build(config, ConfigLoader.ResolvePath(parse.GetValue(CliApp.ConfigOption)), new StderrLine(Console.Error));
            var reports = await services.GetRequiredService<Notifier>().TestAsync(cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(CliApp.JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(reports, CliJson.Readable.IReadOnlyListChannelReport));
            }
            else
            {
                foreach (var report in reports)
                {
                    Console.WriteLine(report.Ok ? $"ok     {report.Channel}" : $"error  {report.Channel}: {report.Error}");
                }
            }
            return reports.All(r => r.Ok) ? CliApp.Ok : CliApp.Failed;
        });
        command.Subcommands.Add(test);
        return command;
    }
}
