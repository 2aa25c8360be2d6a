using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.Daemon;

namespace Syncwarden.Status;

/// <summary>The status file's content: when it was written, by which daemon, and every job's <see cref="JobStatus"/>.</summary>
public sealed record StatusFileDocument(DateTimeOffset WrittenAt, int Pid, string Config, IReadOnlyList<JobStatus> Jobs);

/// <summary>
/// Rewrites the daemon's status file (<c>status-file:</c>) at start, every <see cref="StatusFileSettings.Every"/> on the
/// injected clock, and once more at stop, for scripts that cannot use the control socket. Each write goes to a temporary
/// file beside it and is renamed over it, so a reader never sees half a file. Mode 0644: it holds what `status --json`
/// shows, no secrets. A failed write is logged (once per distinct problem) and retried at the next interval.
/// </summary>
public sealed class StatusFileWriter(LiveConfiguration configuration, JobStatusQuery query, TimeProvider time, ILogger<StatusFileWriter> logger)
    : BackgroundService
{
    private const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private string? _lastProblem;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The timer first: an interval counts from the start, and the first file tells a test (or a script) it runs.
        using var timer = new PeriodicTimer(configuration.Current.StatusFile.Every, time);
        Write();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Write();
                // A reload may have changed the interval; the path is read at each write.
                timer.Period = configuration.Current.StatusFile.Every;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes the last state.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Write();
    }

    /// <summary>Writes the file now.</summary>
    public void Write()
    {
        var config = configuration.Current;
        var path = config.StatusFilePath;
        var temp = Path.Combine(Path.GetDirectoryName(path) ?? "/", "." + Path.GetFileName(path) + ".tmp");
        try
        {
            var document = new StatusFileDocument(time.GetUtcNow(), Environment.ProcessId, config.SourceFile, query.All(config));
            Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
            // A temporary file left by a crash keeps its old mode on reuse; start afresh.
            File.Delete(temp);
            using (var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = Mode }))
            {
                JsonSerializer.Serialize(stream, document, StatusJson.Readable.StatusFileDocument);
            }
            File.Move(temp, path, overwrite: true);
            if (_lastProblem is not null)
            {
                logger.LogInformation("status file {Path} written again", path);
                _lastProblem = null;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (ex.Message != _lastProblem)
            {
                logger.LogWarning("cannot write the status file {Path}: {Message} (status-file: in {Config}); retrying every {Every}",
                    path, ex.Message, config.SourceFile, DurationParser.Format(config.StatusFile.Every));
                _lastProblem = ex.Message;
            }
        }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(StatusFileDocument))]
internal sealed partial class StatusJson : JsonSerializerContext
{
    /// <summary>The context to use: the options above with readable escaping (<see cref="ReadableJson"/>).</summary>
#pragma warning disable RS0030 // Default is banned elsewhere: everything goes through Readable, which it seeds.
    public static StatusJson Readable => field ??= new(ReadableJson.Options(Default.Options));
#pragma warning restore RS0030
}
