using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.Daemon;
using Syncwarden.Events;
using Syncwarden.History;

namespace Syncwarden.Notifications;

/// <summary>
/// Mails, webhooks and pings about runs, as one watcher on the run-event hub: its own queue and task, so a slow
/// or dead mail server only delays the next notification, never a run. Each delivery is retried with backoff
/// (<see cref="Delivery"/>); one that still fails is logged and dropped. Reads the configuration in effect, so a
/// reload of the daemon changes receivers and hooks.
/// </summary>
public sealed partial class Notifier(
    LiveConfiguration live, HistoryStore history, EmailSender email, WebhookSender webhooks, TimeProvider time, ILogger logger) : IRunEventSubscriber
{
    /// <summary>How long a finishing `syncwarden run` waits for its notifications to go out.</summary>
    public static readonly TimeSpan DeliveryWait = TimeSpan.FromSeconds(30);

    /// <summary>Per attempt of a webhook or ping.</summary>
    public static readonly TimeSpan HttpTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How often a failing job is announced again when no email: section says (its repeat-after).</summary>
    public static readonly TimeSpan DefaultRepeatAfter = TimeSpan.FromHours(24);

    private const int MaxWarningsKept = 20;

    // Only the hub's one task for this watcher touches it.
    private readonly Dictionary<long, List<string>> _warnings = [];
    // The removable disk each run used: its receivers join that run's last mail, which shows its free space.
    private readonly Dictionary<long, RunDeviceUsed> _devices = [];

    public string Name => "notifications";

    /// <summary>This machine, as subjects and documents name it.</summary>
    public static string HostName => Environment.MachineName;

    public async ValueTask HandleAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        switch (runEvent)
        {
            case RunStarted started:
                await NotifyAsync(new Notice(NotifyOn.Start, started.Run, []), everyRun: false, cancellationToken).ConfigureAwait(false);
                break;
            case RunWarning warning:
                if (!_warnings.TryGetValue(warning.RunId, out var list))
                {
                    _warnings[warning.RunId] = list = [];
                }
                if (list.Count < MaxWarningsKept)
                {
                    list.Add(warning.Message);
                }
                break;
            case RunDeviceUsed device:
                _devices[device.RunId] = device;
                break;
            case RunFinished finished:
                await FinishedAsync(finished.Run, cancellationToken).ConfigureAwait(false);
                break;
            case VerifyFinished verified:
                await VerifiedAsync(verified.Verification, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task FinishedAsync(RunRecord run, CancellationToken cancellationToken)
    {
        var config = live.Current;
        _warnings.Remove(run.Id, out var warnings);
        _devices.Remove(run.Id, out var device);
        var before = history.GetAlertState(run.Job);
        var repeatAfter = config.Notifications.Email?.RepeatAfter ?? DefaultRepeatAfter;
        var (events, after) = AlertPolicy.Decide(run, before, time.GetUtcNow(), repeatAfter);
        if (before != after)
        {
            history.SetAlertState(run.Job, after);
        }
        if (events == NotifyOn.None && run.Result == RunResult.Failed)
        {
            logger.LogInformation("job {Job}: failing since {Since}, {Failures} failed runs; next failure notice after {Next}",
                run.Job, after!.FailingSince, after.Failures, after.LastAlertAt + repeatAfter);
        }
        var notice = new Notice(events, run, warnings ?? [], events.HasFlag(NotifyOn.Recovered) ? before : after, Device: device);
        // log.level: debug mails after every run, whatever on: says (as the Replicate tool did).
        await NotifyAsync(notice, everyRun: config.Log.Level == LogLevelSetting.Debug, cancellationToken).ConfigureAwait(false);
    }

    private async Task NotifyAsync(Notice notice, bool everyRun, CancellationToken cancellationToken)
    {
        var config = live.Current;
        var job = config.FindJob(notice.Run.Job);
        var deliveries = new List<Task>();
        if (config.Notifications.Email is { } settings && Receivers(settings, job, notice, everyRun) is { Count: > 0 } receivers)
        {
            deliveries.Add(DeliverAsync("email", notice.Run, ct =>
                email.SendAsync(settings, MailText.Build(notice, settings.Sender, receivers, HostName, job, settings.RepeatAfter), ct), cancellationToken));
        }
        var payload = WebhookPayload.From(notice, HostName);
        foreach (var hook in config.Notifications.Webhooks.Concat(job?.Notifications.Webhooks ?? []).Where(h => (h.On & notice.Events) != 0))
        {
            deliveries.Add(DeliverAsync("webhook " + WebhookSender.Redact(hook.Url), notice.Run, ct => webhooks.PostAsync(hook, payload, ct), cancellationToken));
        }
        if (PingSuffix(notice) is var (suffix, wanted) && wanted)
        {
            foreach (var ping in new[] { config.Notifications.Ping, job?.Notifications.Ping }.OfType<PingSettings>())
            {
                deliveries.Add(DeliverAsync("ping " + WebhookSender.Redact(ping.Url), notice.Run,
                    ct => webhooks.PingAsync(ping, suffix, PingBody(notice), ct), cancellationToken));
            }
        }
        await Task.WhenAll(deliveries).ConfigureAwait(false);
    }

    /// <summary>
    /// The global receivers for the global on:, the job's own for its on: (the global one when it has none), and the
    /// receivers of the disk the run used for its result, whatever it was (they want to know when to unplug it).
    /// </summary>
    private static List<string> Receivers(EmailSettings settings, JobConfig? job, Notice notice, bool everyRun)
    {
        var events = notice.Events;
        var receivers = new List<string>(notice.Device?.Notify ?? []);
        if (everyRun || (settings.On & events) != 0)
        {
            receivers.AddRange(settings.Receivers);
        }
        if (job?.Notifications.Email is { } own && (everyRun || ((own.On ?? settings.On) & events) != 0))
        {
            receivers.AddRange(own.Receivers);
        }
        return [.. receivers.Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>A monitor hears about every run (its own timer is the point): /start, the URL itself on success, /fail.</summary>
    private static (string? Suffix, bool Wanted) PingSuffix(Notice notice) =>
        notice.Events == NotifyOn.Start ? ("start", true)
        : notice.Run.Result switch
        {
            RunResult.Succeeded or RunResult.Warning => (null, true),
            RunResult.Failed => ("fail", true),
            _ => (null, false),
        };

    private static string PingBody(Notice notice) =>
        $"{notice.Run.Job} run {notice.Run.Id}: {notice.Run.Result.ToKebabCase()}" + (notice.Run.Error is { } e ? ": " + e : "");

    private async Task DeliverAsync(string channel, RunRecord run, Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        try
        {
            await Delivery.RetryAsync(send, time, cancellationToken).ConfigureAwait(false);
            logger.LogDebug("notification: {Channel} delivered for job {Job} run {RunId}", channel, run.Job, run.Id);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("notification: {Channel} for job {Job} run {RunId} not delivered: syncwarden stopped waiting for it", channel, run.Job, run.Id);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Never the run's business: it is recorded already, and a notification never changes its result.
            logger.LogWarning("notification: {Channel} for job {Job} run {RunId} not delivered: {Reason}", channel, run.Job, run.Id, Delivery.Describe(ex));
        }
    }
}
