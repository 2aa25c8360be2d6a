using Syncwarden.Configuration;
using Syncwarden.History;

namespace Syncwarden.Notifications;

/// <summary>How one channel fared in <c>syncwarden notify test</c>.</summary>
public sealed record ChannelReport(string Channel, bool Ok, string? Error);

public sealed partial class Notifier
{
    /// <summary>
    /// Sends a test message through every configured channel once (no retries: the admin is watching), to every
    /// receiver of the global section and of every job, and reports each channel.
    /// </summary>
    public async Task<IReadOnlyList<ChannelReport>> TestAsync(CancellationToken cancellationToken = default)
    {
        var config = live.Current;
        var now = time.GetUtcNow();
        var notice = new Notice(NotifyOn.None, new RunRecord { Job = "(test)", StartedAt = now, EndedAt = now, Result = RunResult.Succeeded }, [], Test: true);
        var checks = new List<(string Channel, Func<CancellationToken, Task> Send)>();
        if (config.Notifications.Email is { } settings)
        {
            var receivers = settings.Receivers.Concat(config.Jobs.SelectMany(j => j.Notifications.Email?.Receivers ?? [])).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var tls = settings.Tls switch { SmtpTls.Implicit => "implicit TLS", SmtpTls.StartTls => "STARTTLS", _ => "no TLS" };
            checks.Add(($"email to {string.Join(", ", receivers)} via {settings.Host}:{settings.Port} ({tls})",
                ct => email.SendAsync(settings, MailText.Build(notice, settings.Sender, receivers, HostName, null, settings.RepeatAfter), ct)));
        }
        var payload = WebhookPayload.From(notice, HostName);
        foreach (var (owner, hook) in Each(config, c => c.Notifications.Webhooks, j => j.Notifications.Webhooks))
        {
            checks.Add(($"webhook {WebhookSender.Redact(hook.Url)}{owner}", ct => webhooks.PostAsync(hook, payload, ct)));
        }
        foreach (var (owner, ping) in Each<PingSettings>(config, c => c.Notifications.Ping is { } p ? [p] : [], j => j.Notifications.Ping is { } p ? [p] : []))
        {
            // /log records an event without changing the check's state (healthchecks.io).
            checks.Add(($"ping {WebhookSender.Redact(ping.Url)}/log{owner}", ct => webhooks.PingAsync(ping, "log", "syncwarden notify test from " + HostName, ct)));
        }
        var reports = await Task.WhenAll(checks.Select(async check =>
        {
            try
            {
                await check.Send(cancellationToken).ConfigureAwait(false);
                return new ChannelReport(check.Channel, true, null);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
            {
                return new ChannelReport(check.Channel, false, Delivery.Describe(ex));
            }
        })).ConfigureAwait(false);
        return reports;
    }

    private static IEnumerable<(string Owner, T Item)> Each<T>(SyncwardenConfig config, Func<SyncwardenConfig, IEnumerable<T>> global, Func<JobConfig, IEnumerable<T>> perJob) =>
        global(config).Select(item => ("", item)).Concat(config.Jobs.SelectMany(j => perJob(j).Select(item => ($" (job {j.Name})", item))));
}
