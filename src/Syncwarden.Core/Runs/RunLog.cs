using System.Globalization;
using System.Text;

namespace Syncwarden.Runs;

/// <summary>The per-run log file: everything rsync printed (minus progress redraws) plus our own notes.</summary>
internal sealed class RunLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private long _lastFlush;

    /// <summary>Writes nowhere: the log of a run not yet admitted.</summary>
    public static RunLog Null { get; } = new();

    private RunLog()
    {
        Path = "";
        _time = TimeProvider.System;
        _writer = StreamWriter.Null;
    }

    public RunLog(string path, TimeProvider time)
    {
        Path = path;
        _time = time;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
        });
        // Buffered: a flush per rsync line cost a write system call per file. Notes flush, so the
        // log is current at every step that matters, and rsync's lines follow within about a second
        // (flushed on the next line or progress update).
        _writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024);
    }

    public string Path { get; }

    public void Note(string message)
    {
        lock (_lock)
        {
            _writer.WriteLine($"# {_time.GetLocalNow().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} {message}");
            _writer.Flush();
            _lastFlush = Environment.TickCount64;
        }
    }

    public void Output(string line) => Output(line.AsSpan());

    public void Output(ReadOnlySpan<char> line)
    {
        lock (_lock)
        {
            _writer.WriteLine(line);
            FlushIfDueLocked();
        }
    }

    /// <summary>Writes out the buffered rsync lines now.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            _writer.Flush();
            _lastFlush = Environment.TickCount64;
        }
    }

    /// <summary>Flushes buffered rsync lines if the last flush is more than a second old (called on progress).</summary>
    public void FlushIfDue()
    {
        lock (_lock)
        {
            FlushIfDueLocked();
        }
    }

    private void FlushIfDueLocked()
    {
        if (Environment.TickCount64 - _lastFlush > 1000)
        {
            _writer.Flush();
            _lastFlush = Environment.TickCount64;
        }
    }

    public void Dispose()
    {
        if (!ReferenceEquals(this, Null))
        {
            _writer.Dispose();
        }
    }
}
