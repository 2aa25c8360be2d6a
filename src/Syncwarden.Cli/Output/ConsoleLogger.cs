using System.Globalization;
using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;

namespace Syncwarden.Cli.Output;

/// <summary>
/// Logs to the configured file, or to stderr (wiping a progress bar there first). Under systemd (JOURNAL_STREAM set)
/// lines carry a syslog priority prefix and no timestamp, so journald records the right level.
/// </summary>
internal sealed class ConsoleLogger : ILogger, IDisposable
{
    private readonly LogLevel _minimum;
    private readonly TextWriter? _file;
    private readonly StderrLine _stderr;
    private readonly bool _journald;
    private readonly Lock _lock = new();

    public ConsoleLogger(LogSettings settings, StderrLine stderr)
    {
        _stderr = stderr;
        _minimum = settings.Level switch
        {
            LogLevelSetting.Debug => LogLevel.Debug,
            LogLevelSetting.Warning => LogLevel.Warning,
            LogLevelSetting.Error => LogLevel.Error,
            _ => LogLevel.Information,
        };
        if (settings.File is { } file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            _file = new StreamWriter(new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { AutoFlush = true };
        }
        else
        {
            _journald = Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 };
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= _minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }
        var message = formatter(state, exception);
        string line;
        if (_journald)
        {
            var priority = logLevel switch { LogLevel.Critical => 2, LogLevel.Error => 3, LogLevel.Warning => 4, LogLevel.Information => 6, _ => 7 };
            line = $"<{priority}>{message}";
        }
        else
        {
            var level = logLevel switch { LogLevel.Critical => "CRIT", LogLevel.Error => "ERROR", LogLevel.Warning => "WARN", LogLevel.Information => "INFO", _ => "DEBUG" };
            line = $"{DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} {level} {message}";
        }
        if (exception is not null && logLevel >= LogLevel.Error && _minimum <= LogLevel.Debug)
        {
            line += Environment.NewLine + exception;
        }
        lock (_lock)
        {
            if (_file is not null)
            {
                _file.WriteLine(line);
            }
            else
            {
                _stderr.WriteLine(line);
            }
        }
    }

    public void Dispose() => _file?.Dispose();
}

/// <summary>Hands out the one <see cref="ConsoleLogger"/> (stderr or the log file) to every category.</summary>
internal sealed class ConsoleLoggerProvider(LogSettings settings, StderrLine stderr) : ILoggerProvider
{
    private readonly ConsoleLogger _logger = new(settings, stderr);

    public ILogger CreateLogger(string categoryName) => _logger;

    public void Dispose() => _logger.Dispose();
}
