namespace Syncwarden.Processes;

/// <summary>An immutable description of a child process: program and argv list, never a shell string.</summary>
public sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments)
{
    public string? WorkingDirectory { get; init; }
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
    /// <summary>How long to wait after SIGTERM before SIGKILL on cancellation.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Ask the kernel to SIGTERM the child if syncwarden itself dies (kill -9).</summary>
    public bool TerminateWithParent { get; init; } = true;
    /// <summary>
    /// Start the child in a process group of its own (via setsid) and signal the whole group on
    /// cancellation, so grandchildren of a script (a sleep, a pipeline) go with it.
    /// </summary>
    public bool OwnProcessGroup { get; init; }
    /// <summary>Data written to stdin, then stdin is closed. Null closes stdin at once.</summary>
    public string? StandardInput { get; init; }
    /// <summary>
    /// After a read that found little output, wait up to this long (less if the child exits) before reading
    /// again, so a child that writes line by line is read in batches. Zero reads whatever arrives at once.
    /// </summary>
    public TimeSpan OutputBatchDelay { get; init; }

    /// <summary>For logs and errors: argv rendered with shell-style quoting. Never executed.</summary>
    public string Display => string.Join(' ', new[] { FileName }.Concat(Arguments).Select(Quote));

    private static string Quote(string a) =>
        a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:@%+,".Contains(c)) ? a : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// <summary>Receives a child's output as it arrives: a view of the read buffer, valid only during the call.</summary>
public delegate void OutputHandler(ReadOnlySpan<char> chunk);

public sealed record ProcessResult(int ExitCode, int ProcessId, TimeSpan Duration, bool Cancelled, bool Killed);

/// <summary>Thrown when a child cannot be started at all (binary missing, not executable).</summary>
public sealed class ProcessStartException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A cancelled child that was still there a bounded time after SIGKILL: stuck in the kernel (uninterruptible
/// sleep, typically I/O on a hung mount). It was left behind; its pid is in the message.
/// </summary>
public sealed class ProcessNotStoppedException(int processId, string program, TimeSpan waited)
    : Exception($"{program} (pid {processId}) did not exit within {Configuration.DurationParser.Format(waited)} of SIGKILL: it is stuck in the kernel "
        + $"(uninterruptible sleep, e.g. I/O on a hung NFS or USB disk) and was left behind; see `ps -o pid,stat,wchan:32,cmd -p {processId}`")
{
    public int ProcessId { get; } = processId;
}
