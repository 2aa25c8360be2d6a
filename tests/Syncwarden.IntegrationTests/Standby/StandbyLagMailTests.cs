using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Standby;

/// <summary>
/// On the standby the pair's job pushes nothing: it checks how old the received data is, and data older than max-lag
/// fails the run, which reaches the admin like any failure (here by mail, through a real SMTP server).
/// </summary>
public sealed class StandbyLagMailTests
{
    [Fact]
    public async Task A_standby_whose_data_is_older_than_max_lag_fails_its_run_and_mails_the_admin()
    {
        // Arrange: beta is the standby with max-lag 1s, and nothing arrives from alpha. Its first run starts the clock
        // (the role's start is the age of data never received) and passes; the next, two seconds later, is over max-lag.
        await using var smtp = await SmtpServer.StartAsync(SmtpMode.StartTls);
        using var dir = new TempDir("standby-lag-mail");
        var data = dir.CreateSubdirectory("data");
        var config = new TestConfig(dir) { LogLevel = "info" }.TopLevel(smtp.EmailYaml() + StandbyYaml.OnBeta(data, "address: 127.0.0.1, port: 1", "max-lag: 1s"));
        var first = await config.RunCliAsync("run", "standby", "--no-progress");
        await Task.Delay(TimeSpan.FromSeconds(2));

        // Act
        var late = await config.RunCliAsync("run", "standby", "--no-progress");
        var mails = await smtp.WaitForAsync(1);

        // Assert
        first.ExitCode.Should().Be(0, first.ToString());
        late.ExitCode.Should().Be(1, late.ToString());
        late.StandardOutput.Should().Contain("standby: failed").And.Contain("more than max-lag 1s");
        var mail = mails.Should().ContainSingle("only the failed run mails (email: is for failures by default)").Subject;
        mail.Recipients.Should().Equal("admin@example.net");
        mail.Message.Subject.Should().Be($"[syncwarden] {Environment.MachineName}: standby FAILED");
        mail.Text.Should().Contain("this host is the standby").And.Contain("more than max-lag 1s")
            .And.Contain("is the primary's daemon running and can it reach this host?");
    }
}
