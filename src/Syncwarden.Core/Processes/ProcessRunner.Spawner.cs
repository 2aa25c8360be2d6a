using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;

namespace Syncwarden.Processes;

public sealed partial class ProcessRunner
{
    // The kernel's parent-death signal fires when the *thread* that forked the child exits, not the
    // process. Thread-pool threads come and go, so every child is forked from one thread that lives
    // as long as syncwarden does.
    private readonly BlockingCollection<(ProcessStartInfo Info, string Program, TaskCompletionSource<Process> Done)> _spawnQueue = new();
    private Thread? _spawner;
    private readonly Lock _spawnerLock = new();

    private Task<Process> SpawnAsync(ProcessSpec spec)
    {
        var info = BuildStartInfo(spec, out var program);
        EnsureSpawner();
        var done = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _spawnQueue.Add((info, program, done));
        return done.Task;
    }

    private void EnsureSpawner()
    {
        lock (_spawnerLock)
        {
            if (_spawner is not null)
            {
                return;
            }
            _spawner = new Thread(SpawnLoop) { IsBackground = true, Name = "syncwarden-spawner" };
            _spawner.Start();
        }
    }

    private const int ETxtBsy = 26;

    /// <summary>
    /// exec fails with ETXTBSY while any process still holds the program open for writing, which
    /// happens for a moment when a script (hook, plugin) was just written and another thread forked
    /// meanwhile, inheriting the descriptor. That clears by itself, so a few short retries.
    /// </summary>
    private static Process StartRetryingBusyText(ProcessStartInfo info)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
#pragma warning disable RS0030 // The single sanctioned call site.
                return Process.Start(info) ?? throw new ProcessStartException($"could not start {info.FileName}");
#pragma warning restore RS0030
            }
            catch (Win32Exception ex) when (ex.NativeErrorCode == ETxtBsy && attempt < 5)
            {
                Thread.Sleep(20 * attempt);
            }
        }
    }

    private void SpawnLoop()
    {
        foreach (var (info, program, done) in _spawnQueue.GetConsumingEnumerable())
        {
            try
            {
                done.SetResult(StartRetryingBusyText(info));
            }
            catch (Win32Exception ex)
            {
                done.SetException(new ProcessStartException($"cannot run '{program}': {ex.Message}", ex));
            }
            catch (Exception ex)
            {
                // Anything else must reach the caller too: an exception escaping this thread would end the process.
                done.SetException(ex is ProcessStartException ? ex : new ProcessStartException($"cannot run '{program}': {ex.Message}", ex));
            }
        }
    }
}
