using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>Outcome of a finished child process. Output is kept as raw bytes so names that are not UTF-8 survive.</summary>
public sealed record ProcessResult(int ProcessId, int ExitCode, byte[] StandardOutputBytes, byte[] StandardErrorBytes)
{
    public string StandardOutput => Encoding.UTF8.GetString(StandardOutputBytes);

    public string StandardError => Encoding.UTF8.GetString(StandardErrorBytes);

    public override string ToString() =>
        $"pid {ProcessId} exited {ExitCode}\nstdout: {StandardOutput}\nstderr: {StandardError}";

    /// <summary>Throws, naming <paramref name="what"/> and the output, unless the process exited 0.</summary>
    public ProcessResult EnsureSuccess(string what) =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"{what} failed: {this}");
}

/// <summary>
/// The one place the integration tests spawn child processes (ssh, sshd, rsync, ip, the CLI...).
/// Arguments are always a list; stdout and stderr are drained concurrently; a timeout kills the whole tree.
/// </summary>
public static class TestProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs <paramref name="file"/> to completion; throws <see cref="TimeoutException"/> (after killing it) if it outlives <paramref name="timeout"/>.</summary>
    public static async Task<ProcessResult> RunAsync(
        string file,
        IEnumerable<string> args,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        byte[]? standardInput = null,
        CancellationToken cancellationToken = default)
    {
        await using var running = Start(file, args, environment, workingDirectory, standardInput);
        return await running.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Same as the other overload with <see cref="DefaultTimeout"/>.</summary>
    public static Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, CancellationToken cancellationToken = default) =>
        RunAsync(file, args, DefaultTimeout, cancellationToken: cancellationToken);

    /// <summary>Starts a long-running child (sshd, the daemon). Dispose the handle to make sure it is gone.</summary>
    public static RunningProcess Start(
        string file,
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        byte[]? standardInput = null)
    {
        var startInfo = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                if (value is null)
                {
                    startInfo.Environment.Remove(key);
                }
                else
                {
                    startInfo.Environment[key] = value;
                }
            }
        }

        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {Describe(file, startInfo.ArgumentList)}: {ex.Message}", ex);
        }

        return new RunningProcess(process, Describe(file, startInfo.ArgumentList), standardInput);
    }

    /// <summary>Sends a signal through the <c>kill</c> binary (e.g. "TERM", "KILL", "INT", "HUP"); false if the process was already gone.</summary>
    public static async Task<bool> SignalAsync(int processId, string signal, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync("kill", ["-s", signal, processId.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            TimeSpan.FromSeconds(10), cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0;
    }

    internal static string Describe(string file, IEnumerable<string> args) =>
        string.Join(' ', new[] { file }.Concat(args).Select(a => a.Length == 0 || a.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"') ? $"'{a}'" : a));
}

/// <summary>A started child process: signal it, await it, or dispose it to kill it.</summary>
public sealed class RunningProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _description;
    private readonly OutputBuffer _stdout = new();
    private readonly OutputBuffer _stderr = new();
    private readonly Task<ProcessResult> _completion;

    internal RunningProcess(Process process, string description, byte[]? standardInput)
    {
        _process = process;
        _description = description;
        ProcessId = process.Id;
        var stdoutPump = _stdout.PumpAsync(process.StandardOutput.BaseStream);
        var stderrPump = _stderr.PumpAsync(process.StandardError.BaseStream);
        var stdinPump = FeedInputAsync(process.StandardInput.BaseStream, standardInput);
        _completion = CompleteAsync(stdoutPump, stderrPump, stdinPump);
    }

    public int ProcessId { get; }

    public bool HasExited => _completion.IsCompleted;

    /// <summary>Completes with the result when the process has exited and its output is drained.</summary>
    public Task<ProcessResult> Completion => _completion;

    /// <summary>What the process wrote to stderr so far (for error messages while it still runs).</summary>
    public string StandardErrorSoFar => Encoding.UTF8.GetString(_stderr.Snapshot());

    public string StandardOutputSoFar => Encoding.UTF8.GetString(_stdout.Snapshot());

    public TaskAwaiter<ProcessResult> GetAwaiter() => _completion.GetAwaiter();

    public Task<bool> SignalAsync(string signal, CancellationToken cancellationToken = default) =>
        HasExited ? Task.FromResult(false) : TestProcess.SignalAsync(ProcessId, signal, cancellationToken);

    public Task<bool> TerminateAsync(CancellationToken cancellationToken = default) => SignalAsync("TERM", cancellationToken);

    public Task<bool> KillAsync(CancellationToken cancellationToken = default) => SignalAsync("KILL", cancellationToken);

    /// <summary>Stops a server: sends <paramref name="signal"/>, waits up to <paramref name="grace"/> for it to exit, then kills it, and disposes the handle.</summary>
    public async Task StopAsync(string signal, TimeSpan grace)
    {
        await SignalAsync(signal).ConfigureAwait(false);
        try
        {
            await _completion.WaitAsync(grace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await KillAsync().ConfigureAwait(false);
        }
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Waits for exit; on timeout kills the process tree and throws <see cref="TimeoutException"/> naming the pid and its output.</summary>
    public async Task<ProcessResult> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _completion.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            KillTree();
            throw new TimeoutException(
                $"'{_description}' (pid {ProcessId}) did not exit within {timeout}; killed it.\n" +
                $"stdout: {StandardOutputSoFar}\nstderr: {StandardErrorSoFar}");
        }
        catch (OperationCanceledException)
        {
            KillTree();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            KillTree();
            try
            {
                await _completion.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Output pipes may be held open by grandchildren that ignored the kill; nothing more to do.
            }
        }

        _process.Dispose();
    }

    private void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static async Task FeedInputAsync(Stream stdin, byte[]? input)
    {
        try
        {
            if (input is not null)
            {
                await stdin.WriteAsync(input).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The child closed its stdin early; that is its business.
        }
        finally
        {
            // Closing stdin keeps ssh and friends from waiting on the test runner's terminal.
            await stdin.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<ProcessResult> CompleteAsync(Task stdoutPump, Task stderrPump, Task stdinPump)
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        await Task.WhenAll(stdoutPump, stderrPump, stdinPump).ConfigureAwait(false);
        return new ProcessResult(ProcessId, _process.ExitCode, _stdout.Snapshot(), _stderr.Snapshot());
    }

    private sealed class OutputBuffer
    {
        private readonly Lock _lock = new();
        private readonly MemoryStream _buffer = new();

        public async Task PumpAsync(Stream source)
        {
            var chunk = new byte[8192];
            int read;
            while ((read = await source.ReadAsync(chunk).ConfigureAwait(false)) > 0)
            {
                lock (_lock)
                {
                    _buffer.Write(chunk, 0, read);
                }
            }
        }

        public byte[] Snapshot()
        {
            lock (_lock)
            {
                return _buffer.ToArray();
            }
        }
    }
}
