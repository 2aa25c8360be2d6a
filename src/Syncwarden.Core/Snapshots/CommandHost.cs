using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Ssh;

namespace Syncwarden.Snapshots;

/// <summary>What one command printed and how it ended.</summary>
internal sealed record CommandOutput(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>stderr (else stdout) on one line, for an error message.</summary>
    public string Said => (Stderr.Trim().Length > 0 ? Stderr : Stdout).Trim().ReplaceLineEndings("; ") is { Length: > 0 } s ? s : $"exit code {ExitCode}";
}

/// <summary>
/// Runs an argv list on this machine, or on a job's host over ssh (each word quoted for the remote shell), in the C
/// locale so messages and numbers read the same everywhere.
/// </summary>
internal sealed class CommandHost(ProcessRunner runner, string sshPath, HostConfig? host)
{
    private static readonly KeyValuePair<string, string>[] s_locale = [new("LC_ALL", "C")];

    /// <summary>"this machine" or "host 'nas1'", for messages.</summary>
    public string Name => host is null ? "this machine" : $"host '{host.Name}'";

    public async Task<CommandOutput> RunAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        var spec = host is null
            ? new ProcessSpec(argv[0], [.. argv.Skip(1)]) { Environment = new Dictionary<string, string?> { ["LC_ALL"] = "C" } }
            : SshCommand.Remote(sshPath, host, RemoteCommandLine.Build(s_locale, argv));
        var (result, stdout, stderr) = await runner.CaptureAsync(spec with { GracePeriod = TimeSpan.FromSeconds(10) }, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return new CommandOutput(result.ExitCode, stdout, stderr);
    }
}
