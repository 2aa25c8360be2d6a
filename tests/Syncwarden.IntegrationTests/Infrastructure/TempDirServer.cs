namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>
/// A server a test starts in a temp dir of its own (PostgreSQL, MariaDB): on dispose it is stopped by its pid (a signal,
/// then SIGKILL after a grace period) and the dir is deleted, also when the start failed half-way.
/// </summary>
public abstract class TempDirServer(TempDir dir, string stopSignal) : IAsyncDisposable
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    protected TempDir Dir { get; } = dir;

    /// <summary>The running server; null before the start and after a stop.</summary>
    protected RunningProcess? Process { get; set; }

    /// <summary>Runs <paramref name="start"/> on <paramref name="server"/>; if it throws, the server is stopped and its dir deleted.</summary>
    protected static async Task<T> StartAsync<T>(T server, Func<T, Task> start)
        where T : TempDirServer
    {
        try
        {
            await start(server).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the server without deleting its files: for a test of a server that is gone.</summary>
    public async Task StopAsync()
    {
        if (Process is { } process)
        {
            Process = null;
            await process.StopAsync(stopSignal, StopGrace).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        finally
        {
            Dir.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}
