using Syncwarden.Configuration;
using Syncwarden.Rsync;
using Syncwarden.Ssh;

namespace Syncwarden.Runs;

/// <summary>
/// The one way a failed rsync (transfer, dry run, source listing) is put into words: what ssh said
/// about the host, explained, when ssh was the problem; else rsync's first specific complaint and its
/// summary line.
/// </summary>
internal static class FailureText
{
    public static (string Message, SshProblem Ssh) Explain(JobConfig job, IReadOnlyList<string> stderrLines, int exitCode)
    {
        if (job.HostConfig is { } host && job.Direction != Direction.Local
            && (host.UsesTls ? Tls.TlsErrorExplainer.Explain(stderrLines, host) : SshErrorExplainer.Explain(string.Join('\n', stderrLines), host)) is (var problem, { } explained))
        {
            return (explained, problem);
        }
        var summary = RsyncErrorParser.MainError(stderrLines) ?? $"rsync exited with code {exitCode}";
        // rsync's first specific complaint says what went wrong; its summary line says how bad.
        var detail = stderrLines.FirstOrDefault(l => l.StartsWith("rsync:", StringComparison.Ordinal))
            ?? stderrLines.FirstOrDefault(l => l.Contains("ssh:", StringComparison.Ordinal));
        return (detail is not null && !summary.Contains(detail, StringComparison.Ordinal) ? detail + " — " + summary : summary, SshProblem.None);
    }

    /// <summary>Whether another attempt could help: network-class exit codes, unless ssh refused the key or host key.</summary>
    public static bool Retryable(int exitCode, SshProblem ssh) =>
        ssh == SshProblem.None ? RetryPolicy.NetworkExitCodes.Contains(exitCode) : ssh == SshProblem.Unreachable;
}
