using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Syncwarden.Notifications;

/// <summary>Retries a delivery with backoff on problems that may pass (a refused connection, a 4xx reply, a 5xx from a webhook).</summary>
internal static class Delivery
{
    /// <summary>Waits before the second and third attempt.</summary>
    public static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    public static async Task RetryAsync(Func<CancellationToken, Task> attempt, TimeProvider time, CancellationToken cancellationToken)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                await attempt(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (i < Backoff.Length && IsTransient(ex, cancellationToken))
            {
                await Task.Delay(Backoff[i], time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool IsTransient(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        _ when cancellationToken.IsCancellationRequested => false,
        AuthenticationException or SslHandshakeException or NotSupportedException => false,
        SmtpCommandException smtp => (int)smtp.StatusCode is >= 400 and < 500,
        WebhookStatusException http => http.Status is >= 500 or 408 or 429,
        SocketException or IOException or TimeoutException or OperationCanceledException or SmtpProtocolException
            or ServiceNotConnectedException or HttpRequestException => true,
        _ => false,
    };

    /// <summary>One line for the log and <c>notify test</c>: what went wrong and, where it helps, what to change. Never a secret.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        SslHandshakeException => "the TLS handshake failed: the server's certificate is not trusted (name its CA with ca-file:) "
            + "or the server does not speak TLS that way on this port (tls: implicit is port 465, starttls 587)",
        AuthenticationException => "the SMTP server refused the login: check username and password (" + FirstLine(ex.Message) + ")",
        NotSupportedException when ex.Message.Contains("STARTTLS", StringComparison.OrdinalIgnoreCase) =>
            "the SMTP server does not offer STARTTLS, and the login is never sent unencrypted: use tls: implicit (port 465) or a server that offers STARTTLS",
        SmtpCommandException smtp => $"the SMTP server answered {(int)smtp.StatusCode}: {FirstLine(smtp.Message)}",
        WebhookStatusException http => $"the server answered HTTP {http.Status}",
        SocketException socket => $"cannot connect: {FirstLine(socket.Message)}",
        HttpRequestException { InnerException: SocketException socket } => $"cannot connect: {FirstLine(socket.Message)}",
        TimeoutException or TaskCanceledException => "no answer in time",
        _ => FirstLine(ex.Message),
    };

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}

/// <summary>A webhook answered with a status other than 2xx.</summary>
internal sealed class WebhookStatusException(int status) : Exception($"HTTP {status}")
{
    public int Status { get; } = status;
}
