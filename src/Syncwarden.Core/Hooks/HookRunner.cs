using System.Globalization;
using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Rsync;
using Syncwarden.Runs;
using Syncwarden.Ssh;

namespace Syncwarden.Hooks;

/// <summary>What one hook or plugin did.</summary>
internal sealed record HookOutcome(string Label, int ExitCode, string? LastError, string? LastOutput, bool TimedOut, bool Cancelled, string? StartError)
{
    public bool Succeeded => StartError is null && !TimedOut && !Cancelled && ExitCode == 0;

    /// <summary>Exit 75 (EX_TEMPFAIL) from a before hook: not now, try at the next run.</summary>
    public bool AsksToSkip => StartError is null && !TimedOut && !Cancelled && ExitCode == HookRunner.SkipExitCode;

    /// <summary>The hook's own last word: its last stderr line, else its last stdout line.</summary>
    public string? Message => LastError ?? LastOutput;

    /// <summary>One line for the run's error: which hook, what happened, and its last stderr line.</summary>
    public string Describe(TimeSpan timeout)
    {
        var what = StartError is { } start ? $"{Label} could not start: {start}"
            : TimedOut ? $"{Label} did not finish within {Configuration.DurationParser.Format(timeout)} and was stopped"
            : Cancelled ? $"{Label} was stopped because the run was cancelled"
            : $"{Label} exited with {ExitCode.ToString(CultureInfo.InvariantCulture)}";
        return StartError is null && LastError is { } last ? $"{what}: {last}" : what;
    }

}

/// <summary>
/// Runs hooks and plugins: argv lists, never shell strings; locally or over ssh on the job's host; each
/// in its own process group so a timeout (SIGTERM, then SIGKILL after <see cref="GracePeriod"/>) takes
/// the whole script with it. Output goes to the run log, prefixed with the hook's label.
/// </summary>
internal sealed class HookRunner(SyncwardenConfig config, ProcessRunner runner, TimeProvider time)
{
    public const int SkipExitCode = 75;
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan PluginTimeout = TimeSpan.FromMinutes(5);

    public ProcessSpec BuildSpec(JobConfig job, HookCommand hook, IReadOnlyDictionary<string, string> environment)
    {
        if (!hook.Remote)
        {
            return new ProcessSpec(hook.Command[0], [.. hook.Command.Skip(1)])
            {
                Environment = environment.ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal),
                GracePeriod = GracePeriod,
                OwnProcessGroup = true,
            };
        }
        var host = job.HostConfig ?? throw new InvalidOperationException($"job '{job.Name}' has a remote hook but no host");
        // ssh passes no environment of ours across; the remote command sets it with env(1).
        return SshCommand.Remote(config.SshPath, host, RemoteCommandLine.Build(environment, hook.Command)) with { GracePeriod = GracePeriod, OwnProcessGroup = true };
    }

    public async Task<HookOutcome> RunAsync(JobConfig job, HookCommand hook, string label, IReadOnlyDictionary<string, string> environment, RunLog log, CancellationToken cancellationToken = default)
    {
        var spec = BuildSpec(job, hook, environment);
        log.Note($"{label}: {Render(hook.Command)}" + (hook.Remote ? $" (on {job.Host} over ssh)" : ""));

        string? lastError = null, lastOutput = null;
        var stdout = new RsyncLineSplitter((line, _) => { if (line.Length > 0) { lastOutput = line.Trim(); log.Output($"[{label}] {line}"); } });
        var errorTail = new Queue<string>();
        var stderr = new RsyncLineSplitter((line, _) =>
        {
            if (line.Trim().Length == 0)
            {
                return;
            }
            lastError = line.Trim();
            log.Output($"[{label}] {line}");
            errorTail.Enqueue(line);
            if (errorTail.Count > 20)
            {
                errorTail.Dequeue();
            }
        });

        using var timeout = new CancellationTokenSource(hook.Timeout, time);
        // One token per hook: the caller's (run cancelled, job timeout) and the hook's own timeout.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        ProcessResult result;
        try
        {
            result = await runner.RunAsync(spec, c => { lock (stdout) { stdout.Feed(c); } }, c => { lock (stderr) { stderr.Feed(c); } }, linked.Token).ConfigureAwait(false);
        }
        catch (ProcessStartException ex)
        {
            log.Note($"{label}: {ex.Message}");
            return new HookOutcome(label, -1, null, null, false, false, ex.Message);
        }
        stdout.Flush();
        stderr.Flush();

        var timedOut = result.Cancelled && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
        log.Note($"{label} (pid {result.ProcessId}) exited with {result.ExitCode} after {result.Duration.TotalSeconds:0.0}s"
            + (timedOut ? $", stopped after its timeout of {hook.Timeout}" : result.Cancelled ? ", stopped because the run was cancelled" : "")
            + (result.Killed ? ", killed after the grace period" : ""));

        if (hook.Remote && result.ExitCode == 255 && !result.Cancelled && job.HostConfig is { } host
            && SshErrorExplainer.Explain(string.Join('\n', errorTail), host) is (not SshProblem.None, { } explained))
        {
            lastError = explained;
        }
        return new HookOutcome(label, result.ExitCode, lastError, lastOutput, timedOut, result.Cancelled && !timedOut, null);
    }

    private static string Render(IReadOnlyList<string> argv) => new ProcessSpec(argv[0], [.. argv.Skip(1)]).Display;
}
