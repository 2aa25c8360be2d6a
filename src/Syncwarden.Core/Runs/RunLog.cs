using System.Globalization;
using System.Text;

namespace Syncwarden.Runs;

/// <summary>The per-run log file: everything rsync printed (minus progress redraws) plus our own notes.</summary>
internal sealed class RunLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;

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
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
    }

    public string Path { get; }

    public void Note(string message)
    {
        lock (_lock)
        {
            _writer.WriteLine($"# {_time.GetLocalNow().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} {message}");
        }
    }

    public void Output(string line)
    {
        lock (_lock)
        {
            _writer.WriteLine(line);
        }
    }

    public void Dispose() => _writer.Dispose();
}
