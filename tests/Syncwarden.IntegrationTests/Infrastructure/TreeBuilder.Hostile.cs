using System.Text;

namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>A tree of names that break naive quoting; <see cref="CanaryPaths"/> must never exist afterwards.</summary>
public sealed record HostileTree(string Root, IReadOnlyList<string> CanaryPaths, IReadOnlyList<string> Names)
{
    /// <summary>Canary files that some shell along the way created by evaluating a name.</summary>
    public IReadOnlyList<string> TriggeredCanaries() => CanaryPaths.Where(p => System.IO.File.Exists(p)).ToList();
}

public sealed partial class TreeBuilder
{
    /// <summary>The raw bytes of the non-UTF-8 file name in the hostile tree ("f", 0xFF, "f").</summary>
    public static readonly byte[] NonUtf8FileName = [0x66, 0xFF, 0x66];

    /// <summary>The raw bytes of the non-UTF-8 directory name in the hostile tree.</summary>
    public static readonly byte[] NonUtf8DirectoryName = [0x64, 0xFE, 0x80, 0x64];

    /// <summary>
    /// Builds names with spaces, quotes, command substitutions, backticks, <c>;rm -rf x</c>, leading dashes,
    /// newline, tab, glob characters, unicode and non-UTF-8 bytes, as files, directories and a symlink.
    /// Any shell that evaluates a name creates one of <see cref="HostileTree.CanaryPaths"/>.
    /// </summary>
    public static async Task<HostileTree> BuildHostileTreeAsync(string root, CancellationToken cancellationToken = default)
    {
        var id = Guid.NewGuid().ToString("N");
        var canaryDollar = $"/tmp/PWNED-{id}";
        var canaryBacktick = $"/tmp/PWNED-{id}-bt";
        var canarySemicolon = $"/tmp/PWNED-{id}-semi";

        string[] names =
        [
            "with space.txt",
            "  leading and trailing spaces  ",
            "it's.txt",
            "say \"hi\".txt",
            "$HOME",
            ";rm -rf x",
            "-rf",
            "--delete",
            "-e ssh evil",
            "new\nline",
            "tab\there",
            "star*",
            "what?",
            "[ab]",
            "back\\slash",
            "caf\u00e9",
            "\u65e5\u672c.txt",
            "amp&pipe|gt>lt<",
        ];

        var builder = new TreeBuilder(root, seed: 7);
        foreach (var name in names)
        {
            builder.File(name, 64 + name.Length);
        }

        // '/' cannot be in a name, so the command substitutions run through nested directories: the path
        // "$(touch /tmp/PWNED-id)" is a directory "$(touch ", its child "tmp" and the file "PWNED-id)".
        builder.File($"$(touch /tmp/PWNED-{id})", 10);
        builder.File($"`touch /tmp/PWNED-{id}-bt`", 10);
        builder.File($"x;touch /tmp/PWNED-{id}-semi;x", 10);
        builder.File("-rf dir/--delete/nested file", 300);
        builder.File("quote'dir/\"inner\" $(x)/`y`", 5);
        builder.Symlink("link to it's.txt", "it's.txt");
        builder.Symlink("dangling\tlink", "no such target $(x)");
        builder.File("read only.txt", "ro")
            .Mode("read only.txt", UnixFileMode.UserRead | UnixFileMode.GroupRead);

        await CreateRawAsync(root, NonUtf8FileName, isDirectory: false, "raw bytes name", cancellationToken).ConfigureAwait(false);
        await CreateRawAsync(root, NonUtf8DirectoryName, isDirectory: true, null, cancellationToken).ConfigureAwait(false);
        byte[] rawDir = [.. NonUtf8DirectoryName, (byte)'/', .. NonUtf8FileName];
        await CreateRawAsync(root, rawDir, isDirectory: false, "nested raw", cancellationToken).ConfigureAwait(false);

        return new HostileTree(root, [canaryDollar, canaryBacktick, canarySemicolon], names);
    }

    /// <summary>
    /// Creates a file or directory whose relative path is given as raw bytes (.NET strings cannot hold
    /// invalid UTF-8). The bytes travel as \xHH escapes and are decoded by printf, never evaluated.
    /// </summary>
    public static async Task CreateRawAsync(string directory, byte[] relativePath, bool isDirectory, string? content, CancellationToken cancellationToken = default)
    {
        var escaped = new StringBuilder();
        foreach (var b in relativePath)
        {
            escaped.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{b:x2}");
        }

        // The trailing "x" keeps $(...) from eating a trailing newline in the name.
        const string script = """
            name="$(printf "$1"; printf x)"; name="${name%x}"
            if [ "$2" = dir ]; then mkdir -p -- "$name"; else printf '%s' "$3" > "$name"; fi
            """;
        var result = await TestProcess.RunAsync("bash", ["-c", script, "create-raw", escaped.ToString(), isDirectory ? "dir" : "file", content ?? ""],
            TimeSpan.FromSeconds(30), workingDirectory: directory, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"creating raw-named entry in {directory} failed: {result}");
        }
    }
}
