using System.Globalization;
using System.Text;
using MimeKit;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Verification;

namespace Syncwarden.Notifications;

public sealed partial class Notifier
{
    /// <summary>
    /// A verification that found differences or failed goes to whoever hears about failed runs (mail receivers and
    /// webhooks whose on: includes failure, global and the job's); a passed one is only recorded. Pings are left
    /// out: a monitor times the job's runs, and a verification is not one.
    /// </summary>
    private async Task VerifiedAsync(VerifyRecord verification, CancellationToken cancellationToken)
    {
        if (verification.Result == VerifyResult.Passed)
        {
            return;
        }
        var config = live.Current;
        var job = config.FindJob(verification.Job);
        // The run-shaped view the delivery log and the webhook document take; the event says it is a verification.
        var asRun = new RunRecord
        {
            Id = verification.Id, Job = verification.Job, StartedAt = verification.StartedAt, EndedAt = verification.EndedAt,
            Result = RunResult.Failed, Error = "verify: " + verification.Summary, Trigger = verification.Trigger,
        };
        var notice = new Notice(NotifyOn.Failure, asRun, [.. VerifyLines(verification).Take(20)]);
        var deliveries = new List<Task>();
        if (config.Notifications.Email is { } settings && Receivers(settings, job, notice, everyRun: false) is { Count: > 0 } receivers)
        {
            deliveries.Add(DeliverAsync("email", asRun, ct => email.SendAsync(settings, VerifyMail(verification, settings.Sender, receivers), ct), cancellationToken));
        }
        var payload = WebhookPayload.From(notice, HostName) with { Event = "verify" };
        foreach (var hook in config.Notifications.Webhooks.Concat(job?.Notifications.Webhooks ?? []).Where(h => h.On.HasFlag(NotifyOn.Failure)))
        {
            deliveries.Add(DeliverAsync("webhook " + WebhookSender.Redact(hook.Url), asRun, ct => webhooks.PostAsync(hook, payload, ct), cancellationToken));
        }
        await Task.WhenAll(deliveries).ConfigureAwait(false);
    }

    private static MimeMessage VerifyMail(VerifyRecord v, string sender, IReadOnlyList<string> receivers)
    {
        var what = v.Result == VerifyResult.Failed ? "verification FAILED" : "verification found DIFFERENCES";
        var message = MailText.NewMessage(sender, receivers, $"[syncwarden] {HostName}: {v.Job} {what}");
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Verification {v.Id} of job {v.Job} on {HostName} at {MailText.Time(v.EndedAt)} ({v.Trigger.ToKebabCase()}): {v.Summary}.\n\n");
        foreach (var line in VerifyLines(v).Take(60))
        {
            text.Append("  ").Append(line).Append('\n');
        }
        text.Append("\nWhat to do:\n")
            .Append("- changed or missing: the next run copies them again if the source still has them (syncwarden run ").Append(v.Job).Append(").\n")
            .Append("- corrupt (same size and time, other content): a normal run does not see these. Check the replica's disk, then copy them\n")
            .Append("  again: touch them at the source, or run the job once with --checksum in its options.\n")
            .Append(CultureInfo.InvariantCulture, $"- The same files again: syncwarden verify {v.Job} --sample {v.SamplePercent.ToString("0.##", CultureInfo.InvariantCulture)} --seed {v.Seed}\n");
        message.Body = new TextPart("plain") { Text = text.ToString() };
        return message;
    }

    private static IEnumerable<string> VerifyLines(VerifyRecord v) =>
        (v.Error is { } e ? [$"error: {e}"] : Array.Empty<string>())
        .Concat(v.Corrupt.Select(p => "corrupt " + p))
        .Concat(v.Changed.Select(p => "changed " + p))
        .Concat(v.Missing.Select(p => "missing " + p));
}
