using System.Globalization;
using Syncwarden.Configuration;
using Syncwarden.Ssh;

namespace Syncwarden.Tls;

/// <summary>
/// Turns what stunnel and rsync print when an rsync-tls connection fails into what to fix. A refused key shows as a
/// failed TLS handshake in stunnel's words (an alert from the server, a binder or decrypt error) and as rsync's "did not
/// see server greeting": both become "TLS pre-shared key refused by HOST:PORT — check psk-file".
/// </summary>
public static class TlsErrorExplainer
{
    private static readonly string[] s_handshake = ["SSL_connect", "SSL routines"];
    private static readonly string[] s_unreachable = ["Connection refused", "No route to host", "Network is unreachable", "timed out", "Connection timed out", "Error resolving", "Name or service not known", "No more addresses to connect", "Connection reset"];

    public static (SshProblem Problem, string? Message) Explain(IReadOnlyList<string> stderrLines, HostConfig host)
    {
        var tls = host.Tls!;
        var target = $"{host.Address}:{tls.Port.ToString(CultureInfo.InvariantCulture)}";
        if (stderrLines.FirstOrDefault(l => s_handshake.Any(m => l.Contains(m, StringComparison.Ordinal))) is not null
            || stderrLines.Any(l => l.StartsWith("@ERROR: auth failed", StringComparison.Ordinal)))
        {
            return (SshProblem.Authentication,
                $"TLS pre-shared key refused by {target} — check psk-file {tls.PskFile}: host '{host.Name}' must serve with the same key file (copy it there, mode 0600)");
        }
        if (stderrLines.FirstOrDefault(l => l.Contains("s_connect", StringComparison.Ordinal) && s_unreachable.Any(m => l.Contains(m, StringComparison.Ordinal))) is { } unreachable)
        {
            return (SshProblem.Unreachable,
                $"host '{host.Name}' ({target}) is unreachable over rsync-tls: {Detail(unreachable)}; is `syncwarden serve` running there and the TLS port open?");
        }
        if (stderrLines.Any(l => l.StartsWith("@ERROR: chroot failed", StringComparison.Ordinal)))
        {
            return (SshProblem.None,
                $"host '{host.Name}' ({target}) cannot enter this sync's folder (rsync daemon: chroot failed): it is missing there (an unmounted disk?); create it, or restart `syncwarden serve`, which creates it when its parent exists");
        }
        if (stderrLines.FirstOrDefault(l => l.StartsWith("@ERROR: Unknown module", StringComparison.Ordinal)) is { } unknown)
        {
            return (SshProblem.None,
                $"host '{host.Name}' ({target}) does not serve this sync's module ({unknown[1..]}): restart `syncwarden serve` there with the same configuration");
        }
        return (SshProblem.None, null);
    }

    /// <summary>stunnel's line without its time stamp and level ("2026.12.01 19:20:30 LOG3[0]: ").</summary>
    private static string Detail(string line)
    {
        var at = line.IndexOf("]: ", StringComparison.Ordinal);
        return (at >= 0 ? line[(at + 3)..] : line).Trim();
    }
}
