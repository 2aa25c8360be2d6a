using System.Security.Cryptography;
using System.Text;

namespace Syncwarden.Tls;

/// <summary>
/// A pre-shared key file in stunnel's PSKsecrets format: one line <c>identity:key</c>, readable only by its owner.
/// Its content is never logged or echoed; errors name the file only.
/// </summary>
public static class PskFile
{
    /// <summary>stunnel refuses keys shorter than this many bytes.</summary>
    public const int MinimumKeyLength = 16;
    public const string DefaultIdentity = "syncwarden";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Writes a new random key (256 bits, hex) as <c>identity:key</c>, created 0600; refuses to replace a file unless <paramref name="overwrite"/>.</summary>
    public static void Generate(string path, string identity, bool overwrite)
    {
        var line = identity + ":" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) + "\n";
        var temp = path + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly }))
        {
            stream.Write(Encoding.ASCII.GetBytes(line));
            stream.Flush(flushToDisk: true);
        }
        try
        {
            File.Move(temp, path, overwrite);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Whether <paramref name="identity"/> may stand before the colon of a PSK line.</summary>
    public static bool IsValidIdentity(string identity) =>
        identity.Length is > 0 and <= 128 && identity.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>What is wrong with the file (missing, readable by others, not one <c>identity:key</c> line), or null.</summary>
    public static string? Problem(string path)
    {
        if (!File.Exists(path))
        {
            return $"psk-file {path} does not exist; create it with: syncwarden keys psk {path} (and copy it to the other host, mode 0600)";
        }
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) != 0)
        {
            var octal = Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
            return $"psk-file {path} is accessible by group or others (mode {octal}); it must be 0600: chmod 600 {path}";
        }
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"psk-file {path} cannot be read: {ex.Message}";
        }
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var colon = lines.Length == 1 ? lines[0].IndexOf(':', StringComparison.Ordinal) : -1;
        if (colon <= 0 || !IsValidIdentity(lines[0][..colon]) || lines[0].Length - colon - 1 < MinimumKeyLength)
        {
            return $"psk-file {path} is not one line 'identity:key' with a key of at least {MinimumKeyLength} characters; generate one with: syncwarden keys psk {path} --force";
        }
        return null;
    }
}
