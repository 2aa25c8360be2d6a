using System.Net;
using MimeKit;
using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    /// <summary>Keys at the top level and in a job alike; a property, like LockJobKeys, so the order static fields initialise in does not matter.</summary>
    private static string[] NotificationKeys => ["email", "webhooks", "ping"];

    private static readonly string[] EmailKeys =
        ["host", "port", "tls", "username", "password", "password-file", "sender", "receivers", "on", "repeat-after", "ca-file", "timeout"];
    private static readonly string[] JobEmailKeys = ["receivers", "on"];
    private static readonly string[] WebhookKeys = ["url", "on", "headers"];
    private static readonly string[] PingKeys = ["url"];

    private static readonly (string, SmtpTls)[] TlsModes = [("implicit", SmtpTls.Implicit), ("starttls", SmtpTls.StartTls), ("none", SmtpTls.None)];

    private static readonly (string, NotifyOn)[] NotifyWords =
    [
        ("start", NotifyOn.Start), ("success", NotifyOn.Success), ("warning", NotifyOn.Warning),
        ("failure", NotifyOn.Failure), ("recovered", NotifyOn.Recovered),
    ];

    private const string EmailExample = "email: { host: smtp.example.net, tls: starttls, username: backup, password-file: /etc/syncwarden/smtp.password, sender: backup@example.net, receivers: [admin@example.net] }";
    private const string WebhookExample = "webhooks: [{ url: https://hooks.example.net/syncwarden, on: [failure, recovered] }]";
    private const string PingExample = "ping: { url: https://hc-ping.com/your-check-uuid }";

    /// <summary>The largest password file read; a password is a line.</summary>
    private const int MaxPasswordFileBytes = 4096;

    private static NotificationSettings BindNotifications(MappingView top, ConfigReader reader)
    {
        var settings = new NotificationSettings();
        if (top.Get("email") is { } email)
        {
            settings = settings with { Email = BindEmail(email, reader) };
        }
        if (top.Get("webhooks") is { } webhooks)
        {
            settings = settings with { Webhooks = BindWebhooks(webhooks, "webhooks", reader) };
        }
        if (top.Get("ping") is { } ping)
        {
            settings = settings with { Ping = BindPing(ping, "ping", reader) };
        }
        return settings;
    }

    private static JobNotificationSettings BindJobNotifications(MappingView job, ConfigReader reader)
    {
        var settings = new JobNotificationSettings();
        if (job.Get("email") is { } email)
        {
            settings = settings with { Email = BindJobEmail(email, job.PathOf("email"), reader) };
        }
        if (job.Get("webhooks") is { } webhooks)
        {
            settings = settings with { Webhooks = BindWebhooks(webhooks, job.PathOf("webhooks"), reader) };
        }
        if (job.Get("ping") is { } ping)
        {
            settings = settings with { Ping = BindPing(ping, job.PathOf("ping"), reader) };
        }
        return settings;
    }

    private static EmailSettings? BindEmail(YamlNode node, ConfigReader reader)
    {
        if (reader.Map(node, "email", EmailKeys, EmailExample) is not { } map)
        {
            return null;
        }
        var host = map.Require("host", "host: smtp.example.net") is { } h ? reader.Text(h, map.PathOf("host"), "host: smtp.example.net") : null;
        var sender = map.Require("sender", "sender: backup@example.net") is { } s ? Address(s, map.PathOf("sender"), reader) : null;
        // Without host or sender the rest is still checked, so one pass reports every mistake of the section.
        var settings = new EmailSettings { Host = host ?? "", Sender = sender ?? "" };
        var port = map.Get("port") is { } p ? reader.Integer(p, map.PathOf("port"), 1, 65535, "a TCP port", "port: 587") : null;
        // Without tls:, port 465 means implicit TLS; anything else STARTTLS (never plain by accident).
        var tls = map.Get("tls") is { } t ? reader.Choice(t, map.PathOf("tls"), TlsModes) : port == 465 ? SmtpTls.Implicit : SmtpTls.StartTls;
        if (tls is { } mode)
        {
            settings = settings with { Tls = mode, Port = (int?)port ?? mode switch { SmtpTls.Implicit => 465, SmtpTls.StartTls => 587, _ => 25 } };
        }
        settings = settings with
        {
            Receivers = map.Get("receivers") is { } r ? Addresses(r, map.PathOf("receivers"), reader) : [],
            On = map.Get("on") is { } on ? BindNotifyOn(on, map.PathOf("on"), reader) : EmailSettings.DefaultOn,
        };
        if (map.Get("repeat-after") is { } repeat && reader.Duration(repeat, map.PathOf("repeat-after"), allowZero: false, "repeat-after: 24h") is { } every)
        {
            settings = settings with { RepeatAfter = every };
        }
        if (map.Get("timeout") is { } timeout && reader.Duration(timeout, map.PathOf("timeout"), allowZero: false, "timeout: 30s") is { } limit)
        {
            settings = settings with { Timeout = limit };
        }
        if (map.Get("ca-file") is { } ca && reader.LocalPath(ca, map.PathOf("ca-file"), "ca-file: /etc/syncwarden/smtp-ca.pem", "/etc/syncwarden/smtp-ca.pem") is { } caFile)
        {
            if (!File.Exists(caFile))
            {
                reader.Error(ca, map.PathOf("ca-file"), $"the CA file {caFile} does not exist", "name a PEM file with the certificate that signed the SMTP server's certificate");
            }
            settings = settings with { CaFile = caFile };
        }
        settings = BindCredentials(map, settings, reader);
        return host is null || sender is null ? null : settings;
    }

    /// <summary>username with password or password-file; never sent where it could be read on the way.</summary>
    private static EmailSettings BindCredentials(MappingView map, EmailSettings settings, ConfigReader reader)
    {
        var username = map.Get("username") is { } u ? reader.Text(u, map.PathOf("username"), "username: backup@example.net") : null;
        Secret? password = null;
        if (map.Get("password") is { } inline)
        {
            if (map.Get("password-file") is { } both)
            {
                reader.Error(both, map.PathOf("password-file"), "give password or password-file, not both", "keep password-file: and remove password: from this file");
            }
            password = reader.Text(inline, map.PathOf("password"), "password-file: /etc/syncwarden/smtp.password") is { } text ? new Secret(text) : null;
        }
        else if (map.Get("password-file") is { } file)
        {
            password = ReadPasswordFile(file, map.PathOf("password-file"), reader);
        }
        var hasUser = map.Has("username");
        var hasPassword = map.Has("password") || map.Has("password-file");
        if (hasUser && !hasPassword)
        {
            reader.Error(map.Get("username")!, map.PathOf("username"), "a username needs a password or password-file",
                "add password-file: /etc/syncwarden/smtp.password (mode 600)");
        }
        else if (!hasUser && hasPassword)
        {
            var key = map.Has("password") ? "password" : "password-file";
            reader.Error(map.Get(key)!, map.PathOf(key), "a password needs a username", "add username: the account to log in to the SMTP server");
        }
        if (username is not null && settings.Tls == SmtpTls.None && settings.Host.Length > 0 && !IsLoopback(settings.Host))
        {
            reader.Error(map.Get("tls")!, map.PathOf("tls"), $"tls: none would send the password unencrypted to {settings.Host}",
                "use tls: starttls (port 587) or tls: implicit (port 465); tls: none with a login is only for a relay on this machine (localhost)");
        }
        return settings with { Username = username, Password = password };
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>
    /// Reads a password-file: (SMTP login, database dumps): private to its owner (like the web token file), bounded in
    /// size, the password on its first line. <paramref name="examplePath"/> is the path the hints suggest.
    /// </summary>
    private static Secret? ReadPasswordFile(YamlNode node, string path, ConfigReader reader, string examplePath = "/etc/syncwarden/smtp.password")
    {
        if (reader.LocalPath(node, path, $"password-file: {examplePath}", examplePath) is not { } file)
        {
            return null;
        }
        try
        {
            var mode = File.GetUnixFileMode(file);
            if ((mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
            {
                reader.Error(node, path, $"the password file {file} must not be readable by group or others", $"chmod 600 {file}");
                return null;
            }
            // Read bounded: a device or a huge file named by mistake is never read whole.
            var buffer = new byte[MaxPasswordFileBytes + 1];
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1))
            {
                var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                if (length > MaxPasswordFileBytes)
                {
                    reader.Error(node, path, $"the password file {file} is larger than {MaxPasswordFileBytes} bytes", "it holds the password on its first line and nothing else");
                    return null;
                }
                Array.Resize(ref buffer, length);
            }
            var password = System.Text.Encoding.UTF8.GetString(buffer).Split('\n', 2)[0].TrimEnd('\r');
            if (password.Length == 0)
            {
                reader.Error(node, path, $"the password file {file} is empty", "write the password on its first line");
                return null;
            }
            return new Secret(password);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var problem = ex is FileNotFoundException or DirectoryNotFoundException ? "does not exist" : "cannot be read";
            reader.Error(node, path, $"the password file {file} {problem}", "create it with the password on its first line, owned by the user syncwarden runs as, mode 600");
            return null;
        }
    }

    private static JobEmailSettings? BindJobEmail(YamlNode node, string path, ConfigReader reader)
    {
        if (reader.Map(node, path, JobEmailKeys, "email: { receivers: [owner@example.net], on: [failure, recovered] }") is not { } map)
        {
            return null;
        }
        var receivers = map.Require("receivers", "receivers: [owner@example.net]") is { } r ? Addresses(r, map.PathOf("receivers"), reader) : [];
        return new JobEmailSettings { Receivers = receivers, On = map.Get("on") is { } on ? BindNotifyOn(on, map.PathOf("on"), reader) : null };
    }

    private static List<WebhookSettings> BindWebhooks(YamlNode node, string path, ConfigReader reader)
    {
        var hooks = new List<WebhookSettings>();
        foreach (var (item, itemPath) in reader.Sequence(node, path, WebhookExample) ?? [])
        {
            if (reader.Map(item, itemPath, WebhookKeys, "{ url: https://hooks.example.net/syncwarden, on: [failure, recovered], headers: { Authorization: Bearer ... } }") is not { } map
                || map.Require("url", "url: https://hooks.example.net/syncwarden") is not { } urlNode
                || HttpUrl(urlNode, map.PathOf("url"), reader) is not { } url)
            {
                continue;
            }
            var hook = new WebhookSettings { Url = url };
            if (map.Get("on") is { } on)
            {
                hook = hook with { On = BindNotifyOn(on, map.PathOf("on"), reader) };
            }
            if (map.Get("headers") is { } headers)
            {
                hook = hook with { Headers = BindHeaders(headers, map.PathOf("headers"), reader) };
            }
            hooks.Add(hook);
        }
        return hooks;
    }

    private static List<(string, Secret)> BindHeaders(YamlNode node, string path, ConfigReader reader)
    {
        var headers = new List<(string, Secret)>();
        if (reader.Map(node, path, [], "headers: { Authorization: Bearer ... }") is not { } map)
        {
            return headers;
        }
        foreach (var (key, value) in map.Entries)
        {
            var name = key.Value!;
            var keyPath = map.PathOf(name);
            if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal)))
            {
                reader.Error(key, keyPath, $"'{name}' is not an HTTP header name", "letters, digits and - only, e.g. Authorization or X-Api-Key");
                continue;
            }
            // The value is a secret: never echoed, not even its length.
            if (value is YamlScalarNode { Value: { Length: > 0 } text } && !ConfigReader.IsNull(value) && !text.Any(char.IsControl))
            {
                headers.Add((name, new Secret(text)));
                continue;
            }
            reader.Error(value, keyPath, "a header value must be one line of text", $"e.g. {name}: \"Bearer ...\"");
        }
        return headers;
    }

    private static PingSettings? BindPing(YamlNode node, string path, ConfigReader reader)
    {
        if (node is YamlScalarNode && !ConfigReader.IsNull(node))
        {
            return HttpUrl(node, path, reader) is { } direct ? new PingSettings { Url = direct } : null;
        }
        return reader.Map(node, path, PingKeys, PingExample) is { } map
            && map.Require("url", "url: https://hc-ping.com/your-check-uuid") is { } urlNode
            && HttpUrl(urlNode, map.PathOf("url"), reader) is { } url
            ? new PingSettings { Url = url }
            : null;
    }

    private static Uri? HttpUrl(YamlNode node, string path, ConfigReader reader)
    {
        if (reader.Text(node, path, "url: https://hooks.example.net/syncwarden") is not { } text)
        {
            return null;
        }
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Host.Length > 0)
        {
            return url;
        }
        reader.Error(node, path, "expected an http:// or https:// URL", "e.g. url: https://hooks.example.net/syncwarden");
        return null;
    }

    /// <summary>on: [failure, recovered] (or one word); an empty list sends nothing.</summary>
    private static NotifyOn BindNotifyOn(YamlNode node, string path, ConfigReader reader)
    {
        if (node is YamlScalarNode && !ConfigReader.IsNull(node))
        {
            return reader.Choice(node, path, NotifyWords) ?? NotifyOn.None;
        }
        var on = NotifyOn.None;
        foreach (var (item, itemPath) in reader.Sequence(node, path, "on: [failure, recovered]") ?? [])
        {
            on |= reader.Choice(item, itemPath, NotifyWords) ?? NotifyOn.None;
        }
        return on;
    }

    private static List<string> Addresses(YamlNode node, string path, ConfigReader reader)
    {
        var list = new List<string>();
        if (node is YamlScalarNode && !ConfigReader.IsNull(node))
        {
            // One receiver written without brackets.
            return Address(node, path, reader) is { } one ? [one] : list;
        }
        foreach (var (item, itemPath) in reader.Sequence(node, path, "receivers: [admin@example.net]") ?? [])
        {
            if (Address(item, itemPath, reader) is { } address)
            {
                list.Add(address);
            }
        }
        return list;
    }

    private static string? Address(YamlNode node, string path, ConfigReader reader)
    {
        if (reader.Text(node, path, "admin@example.net") is not { } text)
        {
            return null;
        }
        if (MailboxAddress.TryParse(text, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal))
        {
            return text;
        }
        reader.Error(node, path, $"\"{text}\" is not an email address", "e.g. admin@example.net or \"Backup Admin <admin@example.net>\"");
        return null;
    }

    /// <summary>A job's email: adds receivers to the global SMTP settings, so it needs them; and somebody must receive the mail.</summary>
    private static void CheckEmailReceivers(MappingView top, SyncwardenConfig config, ConfigReader reader)
    {
        var jobsWithEmail = config.Jobs.Where(j => j.Notifications.Email is not null).ToList();
        if (config.Notifications.Email is { } email)
        {
            if (email.Receivers.Count == 0 && jobsWithEmail.Count == 0 && top.Get("email") is { } node)
            {
                reader.Error(node, "email.receivers", "nobody would receive these mails: no receivers here and no job has its own",
                    "add receivers: [admin@example.net]");
            }
            return;
        }
        foreach (var job in jobsWithEmail)
        {
            var at = top.Get("jobs") is YamlMappingNode jobs
                && jobs.Children.FirstOrDefault(e => (e.Key as YamlScalarNode)?.Value == job.Name).Value is YamlMappingNode body
                && body.Children.FirstOrDefault(e => (e.Key as YamlScalarNode)?.Value == "email").Key is { } key
                    ? key : top.Get("jobs")!;
            reader.Error(at, $"jobs.{job.Name}.email", "a job's email: adds receivers to the global email: section, which is missing",
                $"add the SMTP server at the top level: {EmailExample}");
        }
    }
}
