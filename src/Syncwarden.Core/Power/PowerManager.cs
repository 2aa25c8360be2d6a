using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Syncwarden.Configuration;
using Syncwarden.Processes;

namespace Syncwarden.Power;

/// <summary>
/// Decides, after a run, whether the host may go into deep sleep until shortly before the next scheduled run,
/// and puts it to sleep with <c>rtcwake</c>. Every decision is logged with its reason.
/// </summary>
public sealed class PowerManager(
    PowerSettings settings,
    IUserSessionSource sessions,
    ProcessRunner runner,
    ILogger? logger = null)
{
    /// <summary>Sleeps shorter than this are not worth a suspend/resume cycle (and rtcwake needs a future time).</summary>
    public static readonly TimeSpan MinimumSleep = TimeSpan.FromMinutes(1);

    private readonly ProcessRunner _runner = runner;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public PowerSettings Settings { get; } = settings;

    /// <summary>
    /// Stays awake when sleeping is off, a job runs, the stay-awake file exists, no run is scheduled, the next
    /// run is within the wake margin (plus <see cref="MinimumSleep"/>), or someone is logged in; otherwise
    /// sleeps until <paramref name="nextRun"/> minus the wake margin. Cheap checks come first; utmp is read last.
    /// </summary>
    public async Task<SleepDecision> DecideAsync(DateTimeOffset now, DateTimeOffset? nextRun, bool jobsRunning, CancellationToken cancellationToken = default)
    {
        var decision = await DecideCoreAsync(now, nextRun, jobsRunning, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Power: {Decision}", decision.Describe());
        return decision;
    }

    private async Task<SleepDecision> DecideCoreAsync(DateTimeOffset now, DateTimeOffset? nextRun, bool jobsRunning, CancellationToken cancellationToken)
    {
        if (!Settings.SleepAfterRun)
        {
            return SleepDecision.Awake(StayAwakeReason.SleepDisabled, "power.sleep-after-run is off");
        }
        if (jobsRunning)
        {
            return SleepDecision.Awake(StayAwakeReason.JobRunning, "a job is running");
        }
        if (File.Exists(Settings.StayAwakeFile))
        {
            return SleepDecision.Awake(StayAwakeReason.StayAwakeFile, $"{Settings.StayAwakeFile} exists (remove it to allow sleeping)");
        }
        if (nextRun is not { } next)
        {
            return SleepDecision.Awake(StayAwakeReason.NoNextRun, "no job has a next scheduled run, so there is no time to wake up at");
        }
        var wakeAt = next - Settings.WakeMargin;
        if (wakeAt - now < MinimumSleep)
        {
            return SleepDecision.Awake(StayAwakeReason.NextRunTooSoon,
                $"the next run at {next:yyyy-MM-dd HH:mm:ss zzz} is within the wake margin ({Configuration.DurationParser.Format(Settings.WakeMargin)}) plus {Configuration.DurationParser.Format(MinimumSleep)}");
        }

        var open = await sessions.GetSessionsAsync(cancellationToken).ConfigureAwait(false);
        if (open.Count > 0)
        {
            return SleepDecision.Awake(StayAwakeReason.UserSession,
                $"{(open.Count == 1 ? "a user is" : $"{open.Count} users are")} logged in: {string.Join("; ", open)}");
        }
        return new Sleep(wakeAt, next, Settings.Mode, BuildRtcwake(Settings, wakeAt));
    }

    /// <summary>
    /// <c>rtcwake -m MODE -t UNIX-SECONDS</c>. <c>-t</c> is an absolute time_t, so it does not depend on time zones;
    /// whether the RTC keeps UTC or local time is left to rtcwake's default (<c>--auto</c>: read /etc/adjtime,
    /// UTC when absent), the same source hwclock uses, rather than guessed here.
    /// </summary>
    public static ProcessSpec BuildRtcwake(PowerSettings settings, DateTimeOffset wakeAt) =>
        new(settings.RtcwakePath,
        [
            "-m", ModeWord(settings.Mode),
            "-t", wakeAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        ])
        {
            // rtcwake returns only after resume (or never, for off): it must not be killed with syncwarden.
            TerminateWithParent = false,
        };

    public static string ModeWord(SleepMode mode) => mode switch
    {
        SleepMode.Mem => "mem",
        SleepMode.Disk => "disk",
        SleepMode.Off => "off",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>
    /// Runs rtcwake for a <see cref="Sleep"/> decision; returns after the host has resumed. A <see cref="StayAwake"/>
    /// decision does nothing. Throws <see cref="SleepFailedException"/> naming the command, exit code, rtcwake's
    /// message and a likely fix when the host could not be put to sleep.
    /// </summary>
    public async Task SleepAsync(SleepDecision decision, CancellationToken cancellationToken = default)
    {
        if (decision is not Sleep sleep)
        {
            return;
        }
        _logger.LogInformation("Power: running {Command}", sleep.Command.Display);
        ProcessResult result;
        string stdout, stderr;
        try
        {
            (result, stdout, stderr) = await _runner.CaptureAsync(sleep.Command, cancellationToken).ConfigureAwait(false);
        }
        catch (ProcessStartException ex)
        {
            throw new SleepFailedException(
                $"cannot put the host to sleep: {ex.Message}; install util-linux or set power.rtcwake-path", sleep.Command, null, "", ex);
        }
        if (result.Cancelled)
        {
            throw new OperationCanceledException($"{sleep.Command.Display} was cancelled (pid {result.ProcessId})", cancellationToken);
        }
        if (result.ExitCode != 0)
        {
            var output = (stderr + stdout).Trim();
            throw new SleepFailedException(
                $"cannot put the host to sleep: {sleep.Command.Display} exited with {result.ExitCode} (pid {result.ProcessId})"
                + (output.Length > 0 ? $": {output}" : "") + Hint(output),
                sleep.Command, result.ExitCode, output);
        }
        _logger.LogInformation("Power: {Command} returned after {Duration}: the host is awake again", sleep.Command.Display, result.Duration);
    }

    private static string Hint(string output) => output switch
    {
        _ when output.Contains("unable to find device", StringComparison.Ordinal) =>
            "; this host has no RTC device (/dev/rtc0), so it cannot be woken by an alarm: set power.sleep-after-run: false",
        _ when output.Contains("unrecognized suspend state", StringComparison.Ordinal) =>
            "; the kernel does not offer this mode (see /sys/power/state): choose another power.mode",
        _ when output.Contains("ermission denied", StringComparison.Ordinal) || output.Contains("not permitted", StringComparison.Ordinal) =>
            "; rtcwake needs root with CAP_SYS_TIME, write access to /dev/rtc0 and a writable /sys/power: see \"Deep sleep\" in docs/operations.md for the systemd unit",
        _ => "",
    };

}

/// <summary>rtcwake could not be started or failed; the message says why and what to change.</summary>
public sealed class SleepFailedException(string message, ProcessSpec command, int? exitCode, string output, Exception? inner = null)
    : Exception(message, inner)
{
    public ProcessSpec Command { get; } = command;

    /// <summary>rtcwake's exit code; null when it could not be started.</summary>
    public int? ExitCode { get; } = exitCode;

    /// <summary>What rtcwake printed (stderr then stdout).</summary>
    public string Output { get; } = output;
}
