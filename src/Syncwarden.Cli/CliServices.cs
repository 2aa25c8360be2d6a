using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Syncwarden.Cli.Output;
using Syncwarden.Configuration;

namespace Syncwarden.Cli;

/// <summary>The CLI's composition: Syncwarden's registrations plus the terminal's own (logging, progress).</summary>
internal static class CliServices
{
    public static ILoggingBuilder AddSyncwardenLogging(this ILoggingBuilder logging, LogSettings settings, StderrLine stderr) =>
        // Our logger filters by the configured level itself; the factory lets everything through to it.
        // The host's own lifecycle chatter ("Application started") is left out below warnings.
        logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddFilter("Microsoft", LogLevel.Warning).AddProvider(new ConsoleLoggerProvider(settings, stderr));

    /// <summary>
    /// Services for commands that run jobs or read their state (no daemon parts); the log goes to the configured file
    /// or to <paramref name="stderr"/>.
    /// </summary>
    public static ServiceProvider Build(SyncwardenConfig config, string configPath, StderrLine stderr, Action<IServiceCollection>? extra = null)
    {
        var services = new ServiceCollection();
        // The same logging as AddSyncwardenLogging, built directly: the options machinery behind AddLogging costs
        // several milliseconds per command under NativeAOT, and a command's filters never change.
        services.AddSingleton<ILoggerFactory>(_ => new LoggerFactory(
            [new ConsoleLoggerProvider(config.Log, stderr)],
            new LoggerFilterOptions { MinLevel = LogLevel.Trace, Rules = { new LoggerFilterRule(null, "Microsoft", LogLevel.Warning, null) } }));
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSyncwarden(config, () => ConfigLoader.Load(configPath));
        extra?.Invoke(services);
        return services.BuildServiceProvider();
    }
}
