using System.Security.Cryptography;
using System.Text;

namespace Syncwarden.Web;

/// <summary>
/// The bearer token that guards every state-changing endpoint, read once from the configured token-file. The
/// file must be private (it is a password), and its first line, trimmed, is the token.
/// </summary>
public sealed class WebToken
{
    /// <summary>Shortest token accepted: anything shorter could be guessed by a patient script.</summary>
    public const int MinLength = 16;

    private readonly byte[]? _token;

    private WebToken(byte[]? token) => _token = token;

    /// <summary>No token configured: every state-changing request is refused (403).</summary>
    public static WebToken None { get; } = new(null);

    public bool IsConfigured => _token is not null;

    /// <summary>Reads the token file; the error says what is wrong and how to fix it.</summary>
    public static WebToken Load(string path, out string? error)
    {
        error = null;
        string text;
        try
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
            {
                error = $"the web token file {path} is readable by group or others; run: chmod 600 {path}";
                return None;
            }
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            error = $"the web token file {path} does not exist; create it with: (umask 077; head -c 32 /dev/urandom | base64 > {path})";
            return None;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"the web token file {path} cannot be read: {ex.Message}";
            return None;
        }
        var token = text.Split('\n', 2)[0].Trim();
        if (token.Length < MinLength)
        {
            error = $"the web token in {path} is shorter than {MinLength} characters; write a long random one: (umask 077; head -c 32 /dev/urandom | base64 > {path})";
            return None;
        }
        return new WebToken(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>
    /// The value of the dashboard's session cookie: derived from the token (HMAC), so the cookie never carries the
    /// token itself and stops working when the token changes. Null without a token.
    /// </summary>
    public string? SessionValue => _token is null ? null
        : Convert.ToBase64String(HMACSHA256.HashData(_token, "syncwarden dashboard session"u8)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>True when <paramref name="cookie"/> is this token's session value (constant time).</summary>
    public bool MatchesSession(string? cookie) =>
        SessionValue is { } expected && cookie is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(cookie));

    /// <summary>Compares in constant time, so response timing says nothing about how much of a guess was right.</summary>
    public bool Matches(string candidate) =>
        _token is not null && CryptographicOperations.FixedTimeEquals(_token, Encoding.UTF8.GetBytes(candidate));
}
