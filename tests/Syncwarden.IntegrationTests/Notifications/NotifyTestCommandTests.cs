using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Notifications;

/// <summary><c>syncwarden notify test</c> against real channels: one that works, one that cannot.</summary>
public sealed class NotifyTestCommandTests
{
    [Fact]
    public async Task Notify_test_reports_each_channel_and_fails_when_one_does()
    {
        // Arrange
        await using var smtp = await SmtpServer.StartAsync(SmtpMode.StartTls);
        await using var receiver = new WebhookReceiver();
        var dead = WebhookReceiver.DeadUrl("/secret-path");
        using var bed = new NotifyBed(smtp.EmailYaml() + $"webhooks: [{{ url: {receiver.Url("/hook")} }}, {{ url: {dead} }}]\n",
            jobExtra: "email: { receivers: [owner@example.net] }");

        // Act
        var result = await bed.Config.RunCliAsync("notify", "test", "--json");
        var mails = await smtp.WaitForAsync(1);

        // Assert
        result.ExitCode.Should().Be(1, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        var reports = json.RootElement.EnumerateArray().Select(e => (Channel: e.GetProperty("channel").GetString()!, Ok: e.GetProperty("ok").GetBoolean(), Error: e.GetProperty("error").GetString())).ToList();
        reports.Should().HaveCount(3);
        reports[0].Should().Be(($"email to admin@example.net, owner@example.net via 127.0.0.1:{smtp.Port} (STARTTLS)", true, null));
        reports[1].Should().Be(($"webhook http://127.0.0.1:{receiver.Port}/...", true, null));
        reports[2].Ok.Should().BeFalse();
        reports[2].Error.Should().StartWith("cannot connect: Connection refused");
        result.StandardOutput.Should().NotContain("secret-path").And.NotContain(SmtpServer.Password);
        var mail = mails.Should().ContainSingle().Subject;
        mail.Message.Subject.Should().Be($"[syncwarden] {Environment.MachineName}: (test) test message, delivery works");
        mail.Recipients.Should().BeEquivalentTo(["admin@example.net", "owner@example.net"]);
        receiver.Requests.Should().ContainSingle().Which.Body.Should().Contain("\"event\": \"test\"".Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Notify_test_names_an_untrusted_certificate_without_ca_file()
    {
        // Arrange
        await using var smtp = await SmtpServer.StartAsync(SmtpMode.Implicit);
        var email = string.Join('\n', smtp.EmailYaml().Split('\n').Where(l => !l.Contains("ca-file", StringComparison.Ordinal)));
        using var bed = new NotifyBed(email);

        // Act
        var result = await bed.Config.RunCliAsync("notify", "test");

        // Assert
        result.ExitCode.Should().Be(1, result.ToString());
        result.StandardOutput.Should().StartWith("error  email to admin@example.net via 127.0.0.1:")
            .And.Contain("the server's certificate is not trusted (name its CA with ca-file:)");
        smtp.Received().Should().BeEmpty("no password and no mail went to a server that could not prove who it is");
    }
}
