using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Syncwarden.Configuration;
using Syncwarden.History;

namespace Syncwarden.Notifications;

/// <summary>The JSON document a webhook receives. Field names are a contract (docs/configuration.md).</summary>
public sealed record WebhookPayload(
    string Event, string Host, string Job, long RunId, RunResult Result, RunTrigger Trigger,
    DateTimeOffset StartedAt, DateTimeOffset? EndedAt, double? DurationSeconds,
    long FilesTransferred, long BytesTransferred, long FilesDeleted, int? ExitCode, string? Error,
    IReadOnlyList<string> Warnings, DateTimeOffset? FailingSince, int? FailedRuns, string? LogFile)
{
    public static WebhookPayload From(Notice notice, string host)
    {
        var r = notice.Run;
        return new(notice.EventName, host, r.Job, r.Id, r.Result, r.Trigger, r.StartedAt, r.EndedAt, r.Duration?.TotalSeconds,
            r.FilesTransferred, r.BytesTransferred, r.FilesDeleted, r.ExitCode, r.Error, notice.Warnings,
            notice.Failing?.FailingSince, notice.Failing?.Failures, r.LogFile);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(WebhookPayload))]
internal sealed partial class NotificationJson : JsonSerializerContext
{
#pragma warning disable RS0030 // Default is banned elsewhere: everything goes through Readable, which it seeds.
    public static NotificationJson Readable => field ??= new(ReadableJson.Options(Default.Options));
#pragma warning restore RS0030
}

/// <summary>POSTs webhooks and pings monitors over one HttpClient.</summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http;

    public WebhookSender(TimeSpan timeout)
    {
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = timeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("syncwarden", null));
    }

    public async Task PostAsync(WebhookSettings hook, WebhookPayload payload, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url)
        {
            Content = new StringContent(JsonSerializer.Serialize(payload, NotificationJson.Readable.WebhookPayload), Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in hook.Headers)
        {
            // Authorization and the like go on the request; Content-Type and friends on the content.
            if (!request.Headers.TryAddWithoutValidation(name, value.Reveal()))
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value.Reveal());
            }
        }
        await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>healthchecks.io style: URL/start, URL (success), URL/fail, URL/log; the body is a short summary.</summary>
    public async Task PingAsync(PingSettings ping, string? suffix, string body, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, PingUrl(ping.Url, suffix)) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public static Uri PingUrl(Uri url, string? suffix) =>
        suffix is null ? url : new UriBuilder(url) { Path = url.AbsolutePath.TrimEnd('/') + "/" + suffix }.Uri;

    private async Task SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new WebhookStatusException((int)response.StatusCode);
        }
    }

    /// <summary>A URL for messages: scheme, host and port only, since paths and queries often carry tokens (a ping UUID).</summary>
    public static string Redact(Uri url) => url.AbsolutePath.Length > 1 || url.Query.Length > 0 ? $"{url.GetLeftPart(UriPartial.Authority)}/..." : url.GetLeftPart(UriPartial.Authority);

    public void Dispose() => _http.Dispose();
}
