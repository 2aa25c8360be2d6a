using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MimeKit;

namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>How the test SMTP server speaks: TLS from the first byte (465-style), STARTTLS required (587-style), or plain.</summary>
public enum SmtpMode { Implicit, StartTls, Plain }

/// <summary>One message the test SMTP server received, with how it came in.</summary>
public sealed record ReceivedMail(MimeMessage Message, IReadOnlyList<string> Recipients, bool Tls, string? Login)
{
    public string Text => Message.TextBody ?? "";
}

/// <summary>
/// A real SMTP server for one test: Debian's aiosmtpd (<c>/usr/bin/python3</c>) on a free 127.0.0.1 port, with a
/// certificate made by openssl for 127.0.0.1 and an optional login, writing every message it accepts to a folder.
/// Stopped by its pid on dispose.
/// </summary>
/// <remarks>Made by <see cref="StartAsync"/>, which waits until the server is ready.</remarks>
public sealed class SmtpServer(TempDir dir, RunningProcess process, SmtpMode mode, int port, bool login) : IAsyncDisposable
{
    public const string User = "mailer";
    public const string Password = "s3cret-smtp-pass";

    private const string Script = """
        import json, os, signal, ssl, sys, time
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        mode, port, outdir, cert, key, login = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
        password = sys.stdin.readline().rstrip("\n")

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
                name = os.path.join(outdir, "%d" % time.time_ns())
                with open(name + ".tmp", "wb") as f:
                    f.write(envelope.original_content)
                with open(name + ".json", "w") as f:
                    json.dump({"rcpt": envelope.rcpt_tos, "tls": tls, "login": getattr(session, "login_data", None) and session.login_data.decode()}, f)
                os.rename(name + ".tmp", name + ".eml")
                return "250 OK"

        def authenticate(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login.decode() == login and data.password.decode() == password
            return AuthResult(success=ok, handled=False, auth_data=data if ok else None)

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        kwargs = dict(hostname="127.0.0.1", port=port, authenticator=authenticate if login else None, auth_required=bool(login))
        if mode == "implicit":
            kwargs.update(ssl_context=context, auth_require_tls=False)
        elif mode == "starttls":
            kwargs.update(tls_context=context, require_starttls=True, auth_require_tls=True)
        else:
            kwargs.update(auth_require_tls=False)
        controller = Controller(Handler(), **kwargs)
        controller.start()
        print("READY", flush=True)
        signal.sigwait({signal.SIGTERM, signal.SIGINT})
        controller.stop()
        """;

    private readonly TempDir _dir = dir;
    private readonly RunningProcess _process = process;

    public SmtpMode Mode { get; } = mode;
    public int Port { get; } = port;
    public bool RequiresLogin { get; } = login;
    public string Host => "127.0.0.1";

    /// <summary>The server's self-signed certificate (PEM), what <c>ca-file:</c> names.</summary>
    public string CertificatePath => _dir.Combine("cert.pem");

    private string MailDir => _dir.Combine("mail");

    public static async Task<SmtpServer> StartAsync(SmtpMode mode, bool withLogin = true, CancellationToken cancellationToken = default)
    {
        var dir = new TempDir("smtp");
        RunningProcess? process = null;
        try
        {
            Directory.CreateDirectory(dir.Combine("mail"));
            var openssl = await TestProcess.RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", dir.Combine("key.pem"), "-out", dir.Combine("cert.pem")],
                cancellationToken).ConfigureAwait(false);
            if (openssl.ExitCode != 0)
            {
                throw new InvalidOperationException("openssl could not make the test certificate: " + openssl);
            }
            await File.WriteAllTextAsync(dir.Combine("smtpd.py"), Script, cancellationToken).ConfigureAwait(false);
            var port = SshServer.GetFreeLoopbackPort();
            var word = mode switch { SmtpMode.Implicit => "implicit", SmtpMode.StartTls => "starttls", _ => "plain" };
            process = TestProcess.Start("/usr/bin/python3", [dir.Combine("smtpd.py"), word, port.ToString(CultureInfo.InvariantCulture), dir.Combine("mail"),
                dir.Combine("cert.pem"), dir.Combine("key.pem"), withLogin ? User : ""], standardInput: System.Text.Encoding.UTF8.GetBytes(Password + "\n"));
            var server = new SmtpServer(dir, process, mode, port, withLogin);
            var clock = Stopwatch.StartNew();
            while (!process.StandardOutputSoFar.Contains("READY", StringComparison.Ordinal))
            {
                if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(20))
                {
                    throw new InvalidOperationException($"aiosmtpd (pid {process.ProcessId}) did not start: {process.StandardErrorSoFar}");
                }
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
            return server;
        }
        catch
        {
            if (process is not null)
            {
                await process.DisposeAsync().ConfigureAwait(false);
            }
            dir.Dispose();
            throw;
        }
    }

    /// <summary>The YAML of a global <c>email:</c> section for this server (ca-file, login as the server wants).</summary>
    public string EmailYaml(string receivers = "[admin@example.net]", string extra = "", bool passwordInline = true)
    {
        var tls = Mode switch { SmtpMode.Implicit => "implicit", SmtpMode.StartTls => "starttls", _ => "none" };
        var login = RequiresLogin ? $"\n  username: {User}\n  " + (passwordInline ? $"password: {Password}" : $"password-file: {TestConfig.Q(PasswordFile())}") : "";
        return $"email:\n  host: 127.0.0.1\n  port: {Port}\n  tls: {tls}\n  ca-file: {TestConfig.Q(CertificatePath)}\n  sender: syncwarden@example.net\n  receivers: {receivers}{login}\n  timeout: 10s\n"
            + (extra.Length > 0 ? "  " + extra.Replace("\n", "\n  ", StringComparison.Ordinal) + "\n" : "");
    }

    private string PasswordFile()
    {
        var path = _dir.Combine("smtp.password");
        File.WriteAllText(path, Password + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    /// <summary>Every message received so far, oldest first.</summary>
    public IReadOnlyList<ReceivedMail> Received() =>
        [.. Directory.GetFiles(MailDir, "*.eml").Order(StringComparer.Ordinal).Select(Read)];

    /// <summary>Waits until at least <paramref name="count"/> messages arrived.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (Directory.GetFiles(MailDir, "*.eml").Length < count && clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(30)))
        {
            await Task.Delay(50).ConfigureAwait(false);
        }
        return Received();
    }

    private static ReceivedMail Read(string eml)
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(eml, ".json")));
        var root = meta.RootElement;
        return new ReceivedMail(MimeMessage.Load(eml), [.. root.GetProperty("rcpt").EnumerateArray().Select(r => r.GetString()!)],
            root.GetProperty("tls").GetBoolean(), root.GetProperty("login").GetString());
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.TerminateAsync().ConfigureAwait(false);
            try
            {
                await _process.Completion.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await _process.KillAsync().ConfigureAwait(false);
            }
            await _process.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _dir.Dispose();
        }
    }
}
