using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Syncwarden.Configuration;

namespace Syncwarden.Notifications;

/// <summary>Sends one message over SMTP with MailKit: implicit TLS, STARTTLS (required, never "when available") or plain to a local relay.</summary>
public sealed class EmailSender
{
    public async Task SendAsync(EmailSettings settings, MimeMessage message, CancellationToken cancellationToken = default)
    {
        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        var trusted = settings.CaFile is { } caFile ? LoadCertificates(caFile) : null;
        if (trusted is not null)
        {
            // A private CA (or a self-signed relay certificate) publishes no revocation list.
            client.CheckCertificateRevocation = false;
        }
        client.ServerCertificateValidationCallback = (_, certificate, _, errors) => Validate(certificate, errors, trusted);
        var options = settings.Tls switch
        {
            SmtpTls.Implicit => SecureSocketOptions.SslOnConnect,
            // StartTls, not StartTlsWhenAvailable: a server (or a man in the middle) that hides STARTTLS gets no password.
            SmtpTls.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        await client.ConnectAsync(settings.Host, settings.Port, options, cancellationToken).ConfigureAwait(false);
        if (settings.Username is { } user && settings.Password is { } password)
        {
            await client.AuthenticateAsync(user, password.Reveal(), cancellationToken).ConfigureAwait(false);
        }
        await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
    }

    private static X509Certificate2Collection LoadCertificates(string caFile)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(caFile);
        return collection;
    }

    /// <summary>The system's trust; with ca-file, a chain to one of its certificates counts too. The name must always match.</summary>
    private static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection? trusted)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }
        if (trusted is null || certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
