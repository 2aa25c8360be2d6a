using System.Globalization;
using System.Text;

namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>One entry of a tree, keyed by its relative path as raw bytes.</summary>
public sealed record TreeEntry(byte[] RelativePath, char Type, string Mode, byte[] SymlinkTarget, long ModificationTimeSeconds, string? Sha256)
{
    /// <summary>Human-readable path: UTF-8 where valid, \xHH for other bytes, \n and \t escaped.</summary>
    public string DisplayPath => TreeComparer.Display(RelativePath);
}

/// <summary>
/// Compares two trees byte-exact without rsync: names as raw bytes, entry types, permission bits, symlink
/// targets and file content (sha256), via <c>find -printf</c> and <c>sha256sum -z</c>.
/// </summary>
public static class TreeComparer
{
    // Latin-1 maps every byte to one char and back, so raw names can be dictionary keys.
    private static readonly Encoding s_bytes = Encoding.Latin1;

    /// <summary>Lists differences between <paramref name="a"/> and <paramref name="b"/>; empty means identical.</summary>
    public static async Task<IReadOnlyList<string>> DescribeDifferencesAsync(string a, string b, bool compareModificationTimes = false, CancellationToken cancellationToken = default)
    {
        var left = await SnapshotAsync(a, cancellationToken).ConfigureAwait(false);
        var right = await SnapshotAsync(b, cancellationToken).ConfigureAwait(false);
        var differences = new List<string>();
        foreach (var key in left.Keys.Union(right.Keys).Order(StringComparer.Ordinal))
        {
            var inA = left.GetValueOrDefault(key);
            var inB = right.GetValueOrDefault(key);
            var name = Display(s_bytes.GetBytes(key));
            if (inA is null)
            {
                differences.Add($"only in {b}: {name}");
            }
            else if (inB is null)
            {
                differences.Add($"only in {a}: {name}");
            }
            else if (inA.Type != inB.Type)
            {
                differences.Add($"type differs for {name}: {inA.Type} vs {inB.Type}");
            }
            else
            {
                if (inA.Type != 'l' && inA.Mode != inB.Mode)
                {
                    differences.Add($"mode differs for {name}: {inA.Mode} vs {inB.Mode}");
                }

                if (inA.Sha256 != inB.Sha256)
                {
                    differences.Add($"content differs for {name}: sha256 {inA.Sha256} vs {inB.Sha256}");
                }

                if (!inA.SymlinkTarget.AsSpan().SequenceEqual(inB.SymlinkTarget))
                {
                    differences.Add($"symlink target differs for {name}: {Display(inA.SymlinkTarget)} vs {Display(inB.SymlinkTarget)}");
                }

                if (compareModificationTimes && inA.Type == 'f' && inA.ModificationTimeSeconds != inB.ModificationTimeSeconds)
                {
                    differences.Add($"mtime differs for {name}: {inA.ModificationTimeSeconds} vs {inB.ModificationTimeSeconds}");
                }
            }
        }

        return differences;
    }

    /// <summary>Every entry below <paramref name="root"/> (not the root itself), keyed by the Latin-1 view of its raw relative path.</summary>
    public static async Task<IReadOnlyDictionary<string, TreeEntry>> SnapshotAsync(string root, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException(root);
        }

        // NUL-separated records: type, permission bits, symlink target, mtime, relative path.
        var listing = await RunCheckedAsync("find", [".", "-mindepth", "1", "-printf", @"%y\0%m\0%l\0%Ts\0%P\0"], root, cancellationToken).ConfigureAwait(false);
        var fields = Split(listing);
        if (fields.Count % 5 != 0)
        {
            throw new InvalidOperationException($"unexpected find output under {root}: {fields.Count} fields");
        }

        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var sums = await RunCheckedAsync("find", [".", "-mindepth", "1", "-type", "f", "-exec", "sha256sum", "-z", "--", "{}", "+"], root, cancellationToken).ConfigureAwait(false);
        foreach (var record in Split(sums))
        {
            // "<64 hex><space><space or *>./relative" with escaping disabled by -z.
            var hash = s_bytes.GetString(record, 0, 64);
            var path = record.AsSpan(66);
            hashes[s_bytes.GetString(path.StartsWith("./"u8) ? path[2..] : path)] = hash;
        }

        var entries = new Dictionary<string, TreeEntry>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i += 5)
        {
            var key = s_bytes.GetString(fields[i + 4]);
            var type = (char)fields[i][0];
            entries[key] = new TreeEntry(
                fields[i + 4],
                type,
                s_bytes.GetString(fields[i + 1]),
                fields[i + 2],
                long.Parse(s_bytes.GetString(fields[i + 3]), CultureInfo.InvariantCulture),
                type == 'f' ? hashes.GetValueOrDefault(key) ?? throw new InvalidOperationException($"no sha256 for {Display(fields[i + 4])}") : null);
        }

        return entries;
    }

    /// <summary>UTF-8 where valid, \xHH for bytes that are not, control characters escaped.</summary>
    public static string Display(byte[] raw)
    {
        var result = new StringBuilder();
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var i = 0;
        while (i < raw.Length)
        {
            var length = raw[i] < 0x80 ? 1 : raw[i] >= 0xF0 ? 4 : raw[i] >= 0xE0 ? 3 : raw[i] >= 0xC0 ? 2 : 1;
            string? text = null;
            if (i + length <= raw.Length)
            {
                try
                {
                    text = decoder.GetString(raw, i, length);
                }
                catch (DecoderFallbackException)
                {
                }
            }

            if (text is null)
            {
                result.Append(CultureInfo.InvariantCulture, $"\\x{raw[i]:x2}");
                i++;
                continue;
            }

            result.Append(text switch { "\n" => "\\n", "\t" => "\\t", "\\" => "\\\\", _ => text });
            i += length;
        }

        return result.ToString();
    }

    private static List<byte[]> Split(byte[] output)
    {
        var parts = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < output.Length; i++)
        {
            if (output[i] == 0)
            {
                parts.Add(output[start..i]);
                start = i + 1;
            }
        }

        return parts;
    }

    private static async Task<byte[]> RunCheckedAsync(string file, string[] args, string workingDirectory, CancellationToken cancellationToken)
    {
        var result = await TestProcess.RunAsync(file, args, TimeSpan.FromMinutes(5), workingDirectory: workingDirectory, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} in {workingDirectory} failed: {result}");
        }

        return result.StandardOutputBytes;
    }
}
