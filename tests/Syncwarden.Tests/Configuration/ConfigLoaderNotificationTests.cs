using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

public sealed class ConfigLoaderNotificationTests
{
    private const UnixFileMode Mode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode644 = Mode600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Fact]
    public void Email_webhooks_and_ping_bind_globally_and_per_job()
    {
        // Arrange
        const string yaml = """
            email:
              host: smtp.example.net
              port: 465
              username: backup
              password: hunter2
              sender: backup@example.net
              receivers: [admin@example.net, "Ops <ops@example.net>"]
              on: [failure, recovered, start]
              repeat-after: 12h
            webhooks:
              - { url: https://hooks.example.net/a, headers: { Authorization: Bearer abc } }
            ping: https://hc-ping.com/1234
            jobs:
              nightly:
                syncs: [{ source: /srv, destination: /backup }]
                email: { receivers: [owner@example.net], on: success }
                webhooks: [{ url: http://127.0.0.1:8080/hook, on: [start] }]
                ping: { url: https://hc-ping.com/5678 }
            """;

        // Act
        var result = ConfigLoader.Parse(yaml, ConfigErrors.File);

        // Assert
        result.Errors.Should().BeEmpty();
        var config = result.Config!;
        var email = config.Notifications.Email!;
        (email.Host, email.Port, email.Tls, email.Username, email.Sender).Should().Be(("smtp.example.net", 465, SmtpTls.Implicit, "backup", "backup@example.net"));
        email.Password!.Reveal().Should().Be("hunter2");
        email.ToString().Should().NotContain("hunter2", "a record's text never shows a secret");
        email.Receivers.Should().Equal("admin@example.net", "Ops <ops@example.net>");
        email.On.Should().Be(NotifyOn.Failure | NotifyOn.Recovered | NotifyOn.Start);
        email.RepeatAfter.Should().Be(TimeSpan.FromHours(12));
        config.Notifications.Webhooks.Should().ContainSingle().Which.On.Should().Be(NotifyOn.Failure | NotifyOn.Recovered);
        config.Notifications.Webhooks[0].Headers.Should().ContainSingle().Which.Value.Reveal().Should().Be("Bearer abc");
        config.Notifications.Ping!.Url.Should().Be(new Uri("https://hc-ping.com/1234"));
        var job = config.Jobs[0].Notifications;
        job.Email.Should().Be(new JobEmailSettings { Receivers = job.Email!.Receivers, On = NotifyOn.Success });
        job.Email.Receivers.Should().Equal("owner@example.net");
        job.Webhooks.Should().ContainSingle().Which.On.Should().Be(NotifyOn.Start);
        job.Ping!.Url.Host.Should().Be("hc-ping.com");
    }

    [Theory]
    [InlineData("tls: implicit", SmtpTls.Implicit, 465)]
    [InlineData("tls: starttls", SmtpTls.StartTls, 587)]
    [InlineData("tls: none", SmtpTls.None, 25)]
    [InlineData("port: 2525", SmtpTls.StartTls, 2525)]
    [InlineData("port: 465", SmtpTls.Implicit, 465)]
    public void Tls_mode_sets_the_default_port_and_a_port_alone_never_means_plain(string line, SmtpTls tls, int port)
    {
        var config = ConfigLoader.Parse($"email: {{ host: mail.example.net, sender: a@example.net, receivers: [b@example.net], {line} }}\n", ConfigErrors.File).Config!;

        (config.Notifications.Email!.Tls, config.Notifications.Email.Port).Should().Be((tls, port));
    }

    [Fact]
    public void A_login_over_tls_none_to_another_host_is_an_error_at_tls()
    {
        var error = ConfigErrors.Single("""
            email:
              host: mail.example.net
              tls: none
              username: backup
              password: x
              sender: a@example.net
              receivers: [b@example.net]
            """);

        error.ShouldBeAt(3, 8, "email.tls");
        error.Message.Should().Contain("unencrypted to mail.example.net").And.NotContain(" x ");
        error.Hint.Should().Contain("tls: starttls");
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("::1")]
    public void A_login_over_tls_none_to_a_relay_on_this_machine_is_accepted(string host) =>
        ConfigLoader.Parse($"email: {{ host: \"{host}\", tls: none, username: u, password: p, sender: a@example.net, receivers: [b@example.net] }}\n", ConfigErrors.File)
            .Errors.Should().BeEmpty();

    [Fact]
    public void A_job_email_without_the_global_section_is_an_error_naming_what_to_add()
    {
        var error = ConfigErrors.Single("""
            jobs:
              nightly:
                syncs: [{ source: /srv, destination: /backup }]
                email: { receivers: [owner@example.net] }
            """);

        error.ShouldBeAt(4, 5, "jobs.nightly.email");
        error.Message.Should().Contain("global email: section");
        error.Hint.Should().Contain("host: smtp.example.net");
    }

    [Fact]
    public void Unknown_on_word_and_bad_address_are_reported_with_hints()
    {
        var errors = ConfigErrors.Of("email: { host: h, sender: not-an-address, receivers: [b@example.net], on: [failur] }\n");

        errors.Should().HaveCount(2);
        errors.Should().Contain(e => e.Key == "email.sender" && e.Message.Contains("is not an email address") && e.Hint!.Contains("admin@example.net"));
        errors.Should().Contain(e => e.Key == "email.on[0]" && e.Hint == "did you mean 'failure'?");
    }

    [Fact]
    public void A_bad_header_value_is_reported_without_echoing_it()
    {
        var error = ConfigErrors.Single("webhooks: [{ url: https://h.example.net/x, headers: { X-Token: [abc-secret-token] } }]\n");

        error.Key.Should().Be("webhooks[0].headers.X-Token");
        error.ToString().Should().NotContain("abc-secret-token");
    }

    [Fact]
    public void Webhook_url_must_be_http()
    {
        var error = ConfigErrors.Single("webhooks: [{ url: ftp://h.example.net/x }]\n");

        error.ShouldBeAt(1, 19, "webhooks[0].url");
    }

    [Fact]
    public void Inline_smtp_password_or_header_in_a_world_readable_file_is_an_error_but_a_password_file_key_is_not()
    {
        // Arrange
        using var dir = new TestDirectory("sw-notify-config-");
        var inline = dir.Write("inline.yaml", "email: { host: h, sender: a@example.net, receivers: [b@example.net], username: u, password: p }\n", Mode644);
        var header = dir.Write("header.yaml", "webhooks: [{ url: https://h.example.net/x, headers: { X-Api-Key: k } }]\n", Mode644);
        var passwordFile = dir.Write("smtp.password", "p\n", Mode600);
        var byFile = dir.Write("by-file.yaml", $"email: {{ host: h, sender: a@example.net, receivers: [b@example.net], username: u, password-file: {passwordFile} }}\n", Mode644);

        // Act
        var inlineErrors = ConfigLoader.Load(inline).Errors;
        var headerErrors = ConfigLoader.Load(header).Errors;
        var byFileResult = ConfigLoader.Load(byFile);

        // Assert
        inlineErrors.Should().ContainSingle().Which.Key.Should().Be("email.password");
        inlineErrors[0].Hint.Should().Be($"chmod 600 {inline}");
        headerErrors.Should().ContainSingle().Which.Key.Should().Be("webhooks[0].headers");
        byFileResult.Errors.Should().BeEmpty();
        byFileResult.Config!.Notifications.Email!.Password!.Reveal().Should().Be("p");
    }

    [Fact]
    public void A_password_file_others_can_read_is_an_error_with_a_chmod_hint()
    {
        using var dir = new TestDirectory("sw-notify-config-");
        var passwordFile = dir.Write("smtp.password", "p\n", Mode644);

        var error = ConfigErrors.Single($"email: {{ host: h, sender: a@example.net, receivers: [b@example.net], username: u, password-file: {passwordFile} }}\n");

        error.Key.Should().Be("email.password-file");
        error.Hint.Should().Be($"chmod 600 {passwordFile}");
    }
}
