using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Syncwarden.Status;

namespace Syncwarden.Daemon;

public enum ControlCommand { Status, Reload, Run }

/// <summary>One request to the daemon: a command, and for <see cref="ControlCommand.Run"/> the jobs (none: all).</summary>
public sealed record ControlRequest(ControlCommand Command, IReadOnlyList<string>? Jobs = null);

/// <summary>The daemon's answer: whether it did it, a message for the admin, and for status every job's status.</summary>
public sealed record ControlReply(bool Ok, string Message, IReadOnlyList<JobStatus>? Jobs = null);

/// <summary>
/// STATE-DIR/daemon.sock, a Unix socket only root (the owner) can use: one JSON request line in, one
/// JSON reply line out, both typed records with source-generated serialisation. Lets `reload`,
/// `status` and `run` talk to the running daemon without a signal that would disturb transfers.
/// </summary>
/// <remarks>
/// Why not the web API over this socket: Core knows no HTTP, the CLI would need an HTTP stack (and its
/// start-up cost) for a one-line question, and the web layer is optional. The records here are the same
/// <see cref="JobStatus"/> the web API serves, built by the same <see cref="JobStatusQuery"/>, so the two
/// cannot drift.
/// </remarks>
public sealed class ControlSocket(JobScheduler scheduler, JobStatusQuery status, LiveConfiguration configuration, ILogger<ControlSocket> logger) : IHostedService, IAsyncDisposable
{
    private Socket? _listener;
    private Task? _acceptLoop;
    private readonly CancellationTokenSource _stop = new();
    private string? _path;

    public static string PathFor(string stateDir) => Path.Combine(stateDir, "daemon.sock");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _path = PathFor(configuration.Current.StateDir);
        File.Delete(_path);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(_path));
        File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _listener.Listen(8);
        _acceptLoop = AcceptLoopAsync(_stop.Token);
        return Task.CompletedTask;
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener!.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client, cancellationToken), cancellationToken);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        using (client)
        {
            try
            {
                await using var stream = new NetworkStream(client);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? "";
                ControlReply reply;
                try
                {
                    reply = JsonSerializer.Deserialize(line, ControlJson.Readable.ControlRequest) is { } request
                        ? Handle(request)
                        : new ControlReply(false, "empty request");
                }
                catch (JsonException ex)
                {
                    reply = new ControlReply(false, "not a control request: " + ex.Message);
                }
                var json = JsonSerializer.Serialize(reply, ControlJson.Readable.ControlReply) + "\n";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(json), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                logger.LogDebug("control connection ended: {Message}", ex.Message);
            }
        }
    }

    private ControlReply Handle(ControlRequest request)
    {
        switch (request.Command)
        {
            case ControlCommand.Reload:
                var result = scheduler.Reload();
                return result.IsValid
                    ? new ControlReply(true, $"configuration reloaded: {result.Config!.Jobs.Count} job(s)")
                    : new ControlReply(false, "reload refused, the daemon keeps its current configuration:\n" + string.Join('\n', result.Errors.Select(e => "  " + e)));
            case ControlCommand.Status:
                return new ControlReply(true, "ok", status.All(scheduler.Config));
            case ControlCommand.Run:
                var jobs = request.Jobs ?? [];
                var unknown = jobs.Where(j => scheduler.Config.FindJob(j) is null).ToList();
                if (unknown.Count > 0)
                {
                    return new ControlReply(false, $"no job named {string.Join(", ", unknown)}");
                }
                scheduler.RunNow(jobs.Count == 0 ? null : jobs, History.RunTrigger.Manual);
                return new ControlReply(true, "run requested");
            default:
                return new ControlReply(false, $"unknown command '{request.Command}' (status, reload, run)");
        }
    }

    /// <summary>Sends one request to a running daemon; null when none listens.</summary>
    public static async Task<ControlReply?> SendAsync(string stateDir, ControlRequest request, CancellationToken cancellationToken = default)
    {
        var path = PathFor(stateDir);
        if (!File.Exists(path))
        {
            return null;
        }
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return null;
        }
        await using var stream = new NetworkStream(socket);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, ControlJson.Readable.ControlRequest) + "\n"), cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        return line is null ? null : JsonSerializer.Deserialize(line, ControlJson.Readable.ControlReply);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        if (_path is not null)
        {
            File.Delete(_path);
        }
    }

    public ValueTask DisposeAsync()
    {
        _listener?.Dispose();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
