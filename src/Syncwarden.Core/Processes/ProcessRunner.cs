using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Syncwarden.Processes;

/// <summary>
/// The one way Syncwarden starts child processes. Reads stdout and stderr concurrently as raw
/// text chunks, cancels with SIGTERM then SIGKILL of the whole tree after a bounded grace period,
/// and waits a bounded time for the killed child to be reaped.
/// </summary>
public sealed partial class ProcessRunner
{
    /// <summary>How long a SIGKILLed child may take to go before it is reported as <see cref="ProcessNotStoppedException"/>.</summary>
    public static readonly TimeSpan DefaultReapTimeout = TimeSpan.FromSeconds(10);

    public static ProcessRunner Default { get; } = new();

    private readonly ILogger _logger;
    private readonly TimeSpan _reapTimeout;
    private readonly Action<Process, ProcessSpec> _forceKill;

    /// <param name="logger">Where a child that survives SIGKILL is reported, besides the exception.</param>
    public ProcessRunner(ILogger? logger = null)
        : this(logger, DefaultReapTimeout, ForceKill)
    {
    }

    /// <summary>Test seam: a shorter reap timeout, and a SIGKILL that can be made to miss (as it does a child stuck in the kernel).</summary>
    internal ProcessRunner(ILogger? logger, TimeSpan reapTimeout, Action<Process, ProcessSpec> forceKill)
    {
        _logger = logger ?? NullLogger.Instance;
        _reapTimeout = reapTimeout;
        _forceKill = forceKill;
    }

    private const string SetprivPath = "/usr/bin/setpriv";
    private static readonly bool s_hasSetpriv = File.Exists(SetprivPath);
    private const string SetsidPath = "/usr/bin/setsid";

    /// <summary>Runs to completion, delivering output in chunks as it arrives (rsync progress uses \r).</summary>
    /// <exception cref="ProcessNotStoppedException">Cancelled, and the child outlived SIGKILL by the reap timeout.</exception>
    public Task<ProcessResult> RunAsync(
        ProcessSpec spec,
        Action<string>? onStdout = null,
        Action<string>? onStderr = null,
        CancellationToken cancellationToken = default) =>
        StreamAsync(spec, AsStrings(onStdout), AsStrings(onStderr), cancellationToken);

    /// <summary>
    /// Runs to completion, handing output to the handlers as it arrives without copying it: each chunk
    /// is a view of the read buffer, valid only during the call.
    /// </summary>
    /// <exception cref="ProcessNotStoppedException">Cancelled, and the child outlived SIGKILL by the reap timeout.</exception>
    public async Task<ProcessResult> StreamAsync(
        ProcessSpec spec,
        OutputHandler? onStdout,
        OutputHandler? onStderr,
        CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        using var process = await SpawnAsync(spec).ConfigureAwait(false);
        var pid = process.Id;
        var exited = process.WaitForExitAsync(CancellationToken.None);

        var stdinTask = WriteStdinAsync(process, spec.StandardInput);
        var stdoutTask = PumpAsync(process.StandardOutput, onStdout, spec.OutputBatchDelay, exited);
        var stderrTask = PumpAsync(process.StandardError, onStderr, spec.OutputBatchDelay, exited);

        var cancelled = false;
        var killed = false;
        try
        {
            await exited.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            cancelled = true;
            killed = await StopAsync(process, spec).ConfigureAwait(false);
        }

        // Output pipes close when the last holder exits; bound the wait in case a grandchild keeps them.
        await Task.WhenAny(Task.WhenAll(stdoutTask, stderrTask, stdinTask), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        return new ProcessResult(process.ExitCode, pid, stopwatch.Elapsed, cancelled, killed);
    }

    /// <summary>Runs to completion and returns the whole stdout and stderr.</summary>
    public async Task<(ProcessResult Result, string Stdout, string Stderr)> CaptureAsync(ProcessSpec spec, CancellationToken cancellationToken = default)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var result = await StreamAsync(spec, chunk => { lock (stdout) { stdout.Append(chunk); } }, chunk => { lock (stderr) { stderr.Append(chunk); } }, cancellationToken).ConfigureAwait(false);
        return (result, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// Sends SIGTERM (to the child's process group when it has its own), waits up to the grace period,
    /// then SIGKILLs the whole tree and waits up to the reap timeout. True when killed.
    /// </summary>
    /// <exception cref="ProcessNotStoppedException">The child was still there when the reap timeout ran out.</exception>
    internal async Task<bool> StopAsync(Process process, ProcessSpec spec)
    {
        if (process.HasExited && !spec.OwnProcessGroup)
        {
            return false;
        }
        var pid = process.Id;
        // The group id is the child's pid; the kernel never hands that pid out again while the group has members.
        var target = spec.OwnProcessGroup ? -pid : pid;
        _ = Kill(target, SigTerm);
        using var graceCts = new CancellationTokenSource(spec.GracePeriod);
        try
        {
            await process.WaitForExitAsync(graceCts.Token).ConfigureAwait(false);
            while (spec.OwnProcessGroup && Kill(target, 0) == 0)
            {
                await Task.Delay(50, graceCts.Token).ConfigureAwait(false);
            }
            return false;
        }
        catch (OperationCanceledException)
        {
            _forceKill(process, spec);
        }
        // A SIGKILLed process goes once it leaves the kernel; one in uninterruptible sleep (a hung NFS or
        // USB disk) may never do so, and waiting for it would hang the run, the lock release and shutdown.
        using var reapCts = new CancellationTokenSource(_reapTimeout);
        try
        {
            await process.WaitForExitAsync(reapCts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            var stuck = new ProcessNotStoppedException(pid, spec.FileName, _reapTimeout);
            _logger.LogError("{Message}", stuck.Message);
            throw stuck;
        }
    }

    private static void ForceKill(Process process, ProcessSpec spec)
    {
        if (spec.OwnProcessGroup)
        {
            _ = Kill(-process.Id, SigKill);
        }
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    private static async Task WriteStdinAsync(Process process, string? input)
    {
        try
        {
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input).ConfigureAwait(false);
            }
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child closed its stdin early; nothing to deliver.
        }
    }

    private static OutputHandler? AsStrings(Action<string>? sink) => sink is null ? null : chunk => sink(new string(chunk));

    /// <summary>
    /// Reads a child's output on a thread of its own with blocking reads: rsync writes a progress
    /// update per file, and an async read per small write cost more CPU than rsync itself spent.
    /// With a batch delay, a read that found little waits (until the child exits at the latest) so
    /// the next read takes many lines at once; a read that found a lot goes straight on, and the pipe
    /// is enlarged, so a child that writes fast is not held up by the wait.
    /// </summary>
    private static Task PumpAsync(StreamReader reader, OutputHandler? sink, TimeSpan batchDelay, Task exited) =>
        Task.Factory.StartNew(() =>
        {
            if (batchDelay > TimeSpan.Zero && reader.BaseStream is PipeStream pipe)
            {
                // Room for what a fast child writes while we wait (the default 64 KiB is about 600 rsync
                // lines); if the kernel refuses, batches are only smaller.
                _ = SetPipeSize(pipe.SafePipeHandle, BatchPipeSize);
            }
            var buffer = new char[64 * 1024];
            int read;
            while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
            {
                sink?.Invoke(buffer.AsSpan(0, read));
                if (batchDelay > TimeSpan.Zero && read < buffer.Length / 4)
                {
                    ((IAsyncResult)exited).AsyncWaitHandle.WaitOne(batchDelay);
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>The start info, wrappers included; <paramref name="program"/> is the resolved program they exec, for messages.</summary>
    private static ProcessStartInfo BuildStartInfo(ProcessSpec spec, out string program)
    {
        var info = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = spec.WorkingDirectory ?? string.Empty,
        };
        program = ExecutableResolver.Resolve(spec.FileName)
            ?? throw new ProcessStartException($"cannot run '{spec.FileName}': not found (install it or give its full path)");
        // Wrappers exec in place (setsid only forks when already a group leader, which a fresh child
        // never is), so the pid we see is the program's and the group id equals it.
        var wrappers = new List<string>();
        if (spec.TerminateWithParent && ParentDeathWrapper.Path is { } wrapper)
        {
            wrappers.AddRange(ParentDeathWrapper.Prefix(wrapper));
        }
        else if (spec.TerminateWithParent && s_hasSetpriv)
        {
            wrappers.AddRange([SetprivPath, "--pdeathsig", "TERM", "--"]);
        }
        if (spec.OwnProcessGroup)
        {
            if (!File.Exists(SetsidPath))
            {
                throw new ProcessStartException($"cannot run '{spec.FileName}' in its own process group: {SetsidPath} (util-linux) is missing");
            }
            wrappers.Add(SetsidPath);
        }
        if (wrappers.Count > 0)
        {
            info.FileName = wrappers[0];
            foreach (var w in wrappers.Skip(1))
            {
                info.ArgumentList.Add(w);
            }
            info.ArgumentList.Add(program);
        }
        else
        {
            info.FileName = program;
        }
        foreach (var a in spec.Arguments)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (k, v) in spec.Environment)
        {
            info.Environment[k] = v;
        }
        return info;
    }

    private const int SigTerm = 15;
    private const int SigKill = 9;

    private const int BatchPipeSize = 1024 * 1024;
    private const int FSetPipeSize = 1031;

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int SetPipeSize(SafeHandle fd, int command, int size);

    private static int SetPipeSize(SafeHandle fd, int size) => SetPipeSize(fd, FSetPipeSize, size);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Sends a signal to a process by pid; signal 0 only asks whether it exists.</summary>
    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>Whether a process exists (one owned by another user answers EPERM, and exists).</summary>
    public static bool IsAlive(int pid) => pid > 0 && (Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == EPerm);

    private const int EPerm = 1;
}
