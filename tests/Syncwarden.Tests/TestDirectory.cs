namespace Syncwarden.Tests;

/// <summary>A fresh directory under the temp folder for one test, removed with everything in it.</summary>
internal sealed class TestDirectory(string prefix) : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>Writes <paramref name="text"/> to NAME in this directory with <paramref name="mode"/>; returns its path.</summary>
    public string Write(string name, string text, UnixFileMode mode)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
