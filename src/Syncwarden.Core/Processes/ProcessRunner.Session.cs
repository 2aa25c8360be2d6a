using System.Diagnostics;

namespace Syncwarden.Processes;

public sealed partial class ProcessRunner
{
    /// <summary>
    /// Starts a child whose stdin stays open until <see cref="ProcessSession.CloseInput"/>: for helpers that live as
    /// long as something is held (a remote lock's ssh session). <see cref="ProcessSpec.StandardInput"/> is ignored.
    /// </summary>
    public async Task<ProcessSession> StartSessionAsync(ProcessSpec spec, Action<string>? onStdout = null, Action<string>? onStderr = null)
    {
        var process = await SpawnAsync(spec).ConfigureAwait(false);
        var exited = process.WaitForExitAsync(CancellationToken.None);
        return new ProcessSession(this, process, spec, exited, PumpAsync(process.StandardOutput, AsStrings(onStdout), spec.OutputBatchDelay, exited),
            PumpAsync(process.StandardError, AsStrings(onStderr), spec.OutputBatchDelay, exited));
    }
}

/// <summary>A running child with an open stdin. Disposing closes stdin, waits briefly, then stops it (SIGTERM, SIGKILL).</summary>
public sealed class ProcessSession : IAsyncDisposable
{
    private readonly ProcessRunner _runner;
    private readonly Process _process;
    private readonly ProcessSpec _spec;
    private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
    private readonly Task _pumps;
    private readonly Lock _inputLock = new();
    private bool _inputClosed;

    internal ProcessSession(ProcessRunner runner, Process process, ProcessSpec spec, Task exited, Task stdout, Task stderr)
    {
        _runner = runner;
        _process = process;
        _spec = spec;
        ProcessId = process.Id;
        OutputClosed = stdout;
        _pumps = Task.WhenAll(stdout, stderr);
        Exited = exited;
    }

    public int ProcessId { get; }

    /// <summary>Completes when the child exits.</summary>
    public Task Exited { get; }

    /// <summary>Completes when stdout reaches end of file and every chunk was delivered.</summary>
    public Task OutputClosed { get; }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Writes one line to the child's stdin; false when the child no longer reads it.</summary>
    public async Task<bool> WriteLineAsync(string line)
    {
        try
        {
            await _process.StandardInput.WriteAsync(line + "\n").ConfigureAwait(false);
            await _process.StandardInput.FlushAsync().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            return false;
        }
    }

    public void CloseInput()
    {
        lock (_inputLock)
        {
            if (_inputClosed)
            {
                return;
            }
            _inputClosed = true;
        }
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child is already gone.
        }
    }

    /// <summary>Closes stdin and waits up to <paramref name="wait"/> for the child to exit by itself; then SIGTERM, then SIGKILL.</summary>
    /// <exception cref="ProcessNotStoppedException">The child outlived SIGKILL by the runner's reap timeout.</exception>
    public async Task<ProcessResult> StopAsync(TimeSpan wait)
    {
        CloseInput();
        using var waitCts = new CancellationTokenSource(wait);
        var killed = false;
        try
        {
            await _process.WaitForExitAsync(waitCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            killed = await _runner.StopAsync(_process, _spec).ConfigureAwait(false);
        }
        await Task.WhenAny(_pumps, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        return new ProcessResult(_process.ExitCode, ProcessId, _stopwatch.Elapsed, false, killed);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
