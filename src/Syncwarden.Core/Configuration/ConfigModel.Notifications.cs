namespace Syncwarden.Configuration;

/// <summary>A password or header value: kept out of every log line, message and <c>ToString</c>.</summary>
public sealed class Secret(string value)
{
    /// <summary>The secret itself; only for the wire (SMTP AUTH, an HTTP header).</summary>
    public string Reveal() => value;

    public override string ToString() => "(hidden)";
}

/// <summary>What a notification is sent for; the key words of <c>on:</c>.</summary>
[Flags]
public enum NotifyOn
{
    None = 0,
    Start = 1,
    Success = 2,
    Warning = 4,
    Failure = 8,
    /// <summary>The first good run (success or warning) after failures.</summary>
    Recovered = 16,
    All = Start | Success | Warning | Failure | Recovered,
}

public enum SmtpTls
{
    /// <summary>TLS from the first byte (SMTPS, port 465).</summary>
    Implicit,
    /// <summary>Plain connection upgraded with STARTTLS before anything else (submission, port 587); refused when the server cannot.</summary>
    StartTls,
    /// <summary>No encryption: a relay on this machine (port 25). Credentials only to a loopback host.</summary>
    None,
}

/// <summary>The global <c>email:</c> section: the SMTP server and who hears about every job.</summary>
public sealed record EmailSettings
{
    public const NotifyOn DefaultOn = NotifyOn.Failure | NotifyOn.Recovered;

    public required string Host { get; init; }
    public SmtpTls Tls { get; init; } = SmtpTls.StartTls;
    public int Port { get; init; } = 587;
    public string? Username { get; init; }
    public Secret? Password { get; init; }
    public required string Sender { get; init; }
    public IReadOnlyList<string> Receivers { get; init; } = [];
    public NotifyOn On { get; init; } = DefaultOn;
    /// <summary>While a job keeps failing, at most one failure mail per this interval.</summary>
    public TimeSpan RepeatAfter { get; init; } = TimeSpan.FromHours(24);
    /// <summary>PEM file of the CA (or the server's own self-signed certificate) to trust for this server.</summary>
    public string? CaFile { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>A job's own <c>email:</c>: more receivers, for the events in its own <c>on:</c> (the global one when not given).</summary>
public sealed record JobEmailSettings
{
    public IReadOnlyList<string> Receivers { get; init; } = [];
    public NotifyOn? On { get; init; }
}

/// <summary>One <c>webhooks:</c> entry: a JSON document POSTed to the URL for each event in <c>on:</c>.</summary>
public sealed record WebhookSettings
{
    public const NotifyOn DefaultOn = NotifyOn.Failure | NotifyOn.Recovered;

    public required Uri Url { get; init; }
    public NotifyOn On { get; init; } = DefaultOn;
    public IReadOnlyList<(string Name, Secret Value)> Headers { get; init; } = [];
}

/// <summary>A healthchecks.io-style monitor: URL/start at start, URL on success, URL/fail on failure.</summary>
public sealed record PingSettings
{
    public required Uri Url { get; init; }
}

/// <summary>Everything a job notifies through: the global channels plus its own.</summary>
public sealed record NotificationSettings
{
    public EmailSettings? Email { get; init; }
    public IReadOnlyList<WebhookSettings> Webhooks { get; init; } = [];
    public PingSettings? Ping { get; init; }

    public bool IsEmpty => Email is null && Webhooks.Count == 0 && Ping is null;
}

/// <summary>A job's own <c>email:</c>, <c>webhooks:</c> and <c>ping:</c>.</summary>
public sealed record JobNotificationSettings
{
    public JobEmailSettings? Email { get; init; }
    public IReadOnlyList<WebhookSettings> Webhooks { get; init; } = [];
    public PingSettings? Ping { get; init; }

    public bool IsEmpty => Email is null && Webhooks.Count == 0 && Ping is null;
}
