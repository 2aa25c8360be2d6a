using System.Text;

namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>Builds test trees: files with deterministic pseudo-random content, directories, symlinks, modes.</summary>
public sealed partial class TreeBuilder
{
    private readonly int _seed;

    public TreeBuilder(string root, int seed = 1)
    {
        Root = root;
        _seed = seed;
        System.IO.Directory.CreateDirectory(root);
    }

    public string Root { get; }

    /// <summary>A file of <paramref name="size"/> bytes whose content depends only on the seed and the path.</summary>
    public TreeBuilder File(string relativePath, int size)
    {
        WriteFile(relativePath, ContentFor(relativePath, size, _seed));
        return this;
    }

    public TreeBuilder File(string relativePath, string content)
    {
        WriteFile(relativePath, Encoding.UTF8.GetBytes(content));
        return this;
    }

    public TreeBuilder Directory(string relativePath)
    {
        System.IO.Directory.CreateDirectory(Full(relativePath));
        return this;
    }

    public TreeBuilder Symlink(string relativePath, string target)
    {
        var path = Full(relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.CreateSymbolicLink(path, target);
        return this;
    }

    public TreeBuilder Mode(string relativePath, UnixFileMode mode)
    {
        System.IO.File.SetUnixFileMode(Full(relativePath), mode);
        return this;
    }

    /// <summary>A small mixed tree: nested directories, empty and larger files, a symlink, a non-default mode.</summary>
    public TreeBuilder Sample()
    {
        File("README.txt", 100)
            .File("empty", 0)
            .File("docs/a.bin", 4096)
            .File("docs/deep/er/b.bin", 70_000)
            .File("data/big.bin", 1 << 20)
            .Directory("empty-dir")
            .Symlink("link-to-a", "docs/a.bin")
            .File("bin/run.sh", "#!/bin/sh\necho hi\n")
            .Mode("bin/run.sh", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        return this;
    }

    /// <summary>Deterministic content: the same (path, size, seed) gives the same bytes on every run.</summary>
    public static byte[] ContentFor(string relativePath, int size, int seed = 1)
    {
        // string.GetHashCode is randomized per process; FNV-1a is stable.
        var hash = 2166136261u ^ (uint)seed;
        foreach (var b in Encoding.UTF8.GetBytes(relativePath))
        {
            hash = (hash ^ b) * 16777619u;
        }

        var bytes = new byte[size];
        new Random((int)hash).NextBytes(bytes);
        return bytes;
    }

    private void WriteFile(string relativePath, byte[] content)
    {
        var path = Full(relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, content);
    }

    private string Full(string relativePath) => Path.Combine(Root, relativePath);
}
