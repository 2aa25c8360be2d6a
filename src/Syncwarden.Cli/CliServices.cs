using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Syncwarden.Cli.Output;
using Syncwarden.Configuration;

namespace Syncwarden.Cli;

/// <summary>The CLI's composition: Syncwarden's registrations plus the terminal's own (logging, progress).</summary>
internal static class CliServices
{
    public static ILoggingBuilder AddSyncwardenLogging(this ILoggingBuilder logging, LogSettings settings, StderrLine stderr)
    {
        logging.ClearProviders().AddProvider(new ConsoleLoggerProvider(settings, stderr));
        logging.Services.Configure<LoggerFilterOptions>(ApplyFilters);
        return logging;
    }

    /// <summary>
    /// Our logger filters by the configured level itself, so the factory lets everything through to it; the host's
    /// own lifecycle chatter ("Application started") is left out below warnings.
    /// </summary>
    private static void ApplyFilters(LoggerFilterOptions filters)
    {
        filters.MinLevel = LogLevel.Trace;
        filters.Rules.Add(new LoggerFilterRule(null, "Microsoft", LogLevel.Warning, null));
    }

    /// <summary>
    /// Services for commands that run jobs or read their state (no daemon parts); the log goes to the configured file
    /// or to <paramref name="stderr"/>.
    /// </summary>
    public static ServiceProvider Build(SyncwardenConfig config, string configPath, StderrLine stderr, Action<IServiceCollection>? extra = null)
    {
        var services = new ServiceCollection();
        // The same logging as AddSyncwardenLogging, built directly: the options machinery behind AddLogging costs
        // several milliseconds per command under NativeAOT, and a command's filters never change.
        var filters = new LoggerFilterOptions();
        ApplyFilters(filters);
        services.AddSingleton<ILoggerFactory>(_ => new LoggerFactory([new ConsoleLoggerProvider(config.Log, stderr)], filters));
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSyncwarden(config, () => ConfigLoader.Load(configPath));
        extra?.Invoke(services);
        return services.BuildServiceProvider();
    }
}
