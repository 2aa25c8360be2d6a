using Syncwarden.Configuration;

namespace Syncwarden.Ssh;

public enum SshProblem { None, Authentication, HostKey, Unreachable }

/// <summary>Turns the ssh client's stderr into an admin-facing explanation of what to fix.</summary>
public static class SshErrorExplainer
{
    public static (SshProblem Problem, string? Message) Explain(string stderr, HostConfig host)
    {
        var target = $"{host.User ?? "(default user)"}@{host.Address} port {host.Port}";
        if (stderr.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", StringComparison.Ordinal))
        {
            return (SshProblem.HostKey, $"host '{host.Name}' ({target}): " + HostKeyHint.Changed(host));
        }
        if (stderr.Contains("Host key verification failed", StringComparison.Ordinal))
        {
            return (SshProblem.HostKey, $"host '{host.Name}' ({target}): " + HostKeyHint.Unknown(host));
        }
        if (stderr.Contains("Permission denied", StringComparison.Ordinal)
            || stderr.Contains("Too many authentication failures", StringComparison.Ordinal))
        {
            return (SshProblem.Authentication,
                $"host '{host.Name}' ({target}): authentication failed; the server refused "
                + (host.Identity is { } id ? $"the key {id}" : "every offered key")
                + ". Check 'identity' and that its public key is in the remote user's authorized_keys.");
        }
        foreach (var marker in new[] { "Connection refused", "Connection timed out", "No route to host", "Could not resolve hostname", "Network is unreachable", "Connection closed by", "Connection reset", "timed out", "not responding" })
        {
            if (stderr.Contains(marker, StringComparison.Ordinal))
            {
                return (SshProblem.Unreachable, $"host '{host.Name}' ({target}) is unreachable: {FirstLineWith(stderr, marker)}");
            }
        }
        return (SshProblem.None, null);
    }

    private static string FirstLineWith(string text, string marker) =>
        text.Split('\n').FirstOrDefault(l => l.Contains(marker, StringComparison.Ordinal))?.Trim() ?? marker;
}
