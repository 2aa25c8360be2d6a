using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Syncwarden.Cli.Output;
using Syncwarden.Configuration;

namespace Syncwarden.Cli;

/// <summary>The CLI's composition: Syncwarden's registrations plus the terminal's own (logging, progress).</summary>
internal static class CliServices
{
    public static ILoggingBuilder AddSyncwardenLogging(this ILoggingBuilder logging, LogSettings settings) =>
        // Our logger filters by the configured level itself; the factory lets everything through to it.
        // The host's own lifecycle chatter ("Application started") is left out below warnings.
        logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddFilter("Microsoft", LogLevel.Warning).AddProvider(new ConsoleLoggerProvider(settings));

    /// <summary>Services for commands that run jobs or read their state (no daemon parts).</summary>
    public static ServiceProvider Build(SyncwardenConfig config, string configPath, Action<IServiceCollection>? extra = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddSyncwardenLogging(config.Log));
        services.AddSyncwarden(config, () => ConfigLoader.Load(configPath));
        extra?.Invoke(services);
        return services.BuildServiceProvider();
    }
}
