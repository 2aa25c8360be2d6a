using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Syncwarden.History;

namespace Syncwarden.Daemon;

public sealed record ControlReply(bool Ok, string Message, IReadOnlyList<DaemonJobState>? Jobs = null);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ControlReply))]
internal sealed partial class ControlJson : JsonSerializerContext;

/// <summary>
/// STATE-DIR/daemon.sock, a Unix socket only root (the owner) can use. One line in ("reload",
/// "status", "run JOB..."), one JSON line out. Lets `syncwarden reload` change the configuration
/// without a signal that would disturb running transfers.
/// </summary>
public sealed class ControlSocket(DaemonHost host, string stateDir, ILogger logger) : IAsyncDisposable
{
    private Socket? _listener;
    private Task? _acceptLoop;
    private readonly CancellationTokenSource _stop = new();

    public static string PathFor(string stateDir) => Path.Combine(stateDir, "daemon.sock");

    public void Start()
    {
        var path = PathFor(stateDir);
        File.Delete(path);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _listener.Listen(8);
        _acceptLoop = AcceptLoopAsync(_stop.Token);
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
                var reply = Handle(line.Trim());
                var json = JsonSerializer.Serialize(reply, ControlJson.Default.ControlReply) + "\n";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(json), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                logger.LogDebug("control connection ended: {Message}", ex.Message);
            }
        }
    }

    private ControlReply Handle(string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (words.FirstOrDefault())
        {
            case "reload":
                var result = host.Reload();
                return result.IsValid
                    ? new ControlReply(true, $"configuration reloaded: {result.Config!.Jobs.Count} job(s)")
                    : new ControlReply(false, "reload refused, the daemon keeps its current configuration:\n" + string.Join('\n', result.Errors.Select(e => "  " + e)));
            case "status":
                return new ControlReply(true, "ok", host.Snapshot());
            case "run":
                var jobs = words.Skip(1).ToList();
                var unknown = jobs.Where(j => host.Config.FindJob(j) is null).ToList();
                if (unknown.Count > 0)
                {
                    return new ControlReply(false, $"no job named {string.Join(", ", unknown)}");
                }
                host.RunNow(jobs.Count == 0 ? null : jobs, RunTrigger.Manual);
                return new ControlReply(true, "run requested");
            default:
                return new ControlReply(false, $"unknown command '{command}' (reload, status, run [JOB...])");
        }
    }

    /// <summary>Sends one command to a running daemon; null when none listens.</summary>
    public static async Task<ControlReply?> SendAsync(string stateDir, string command, CancellationToken cancellationToken = default)
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
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\n"), cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        return line is null ? null : JsonSerializer.Deserialize(line, ControlJson.Default.ControlReply);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        File.Delete(PathFor(stateDir));
        _stop.Dispose();
    }
}
