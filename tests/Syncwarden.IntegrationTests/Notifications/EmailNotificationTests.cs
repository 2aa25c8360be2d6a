using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Notifications;

/// <summary>Mail about real runs of the real CLI, received by a real SMTP server (aiosmtpd) over each kind of connection.</summary>
public sealed class EmailNotificationTests
{
    private static string Host => Environment.MachineName;

    [Fact]
    public async Task Failure_mail_arrives_over_starttls_with_log_attached()
    {
        // Arrange
        await using var smtp = await SmtpServer.StartAsync(SmtpMode.StartTls);
        using var bed = new NotifyBed(smtp.EmailYaml(passwordInline: false));
        bed.RemoveSource();

        // Act
        var run = await bed.RunAsync();
        var mails = await smtp.WaitForAsync(1);

        // Assert
        run.ExitCode.Should().Be(1, run.ToString());
        var mail = mails.Should().ContainSingle().Subject;
        mail.Tls.Should().BeTrue("STARTTLS came before anything else");
        mail.Login.Should().Be(SmtpServer.User);
        mail.Recipients.Should().Equal("admin@example.net");
        mail.Message.Subject.Should().Be($"[syncwarden] {Host}: nightly FAILED");
        mail.Text.Should().Contain("What failed:").And.Contain("What to do:").And.Contain("syncwarden run nightly").And.Contain("rsync exit code: 23");
        var attachment = mail.Message.Attachments.OfType<MimeKit.MimePart>().Should().ContainSingle().Subject;
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content);
        var logFile = Directory.GetFiles(Path.Combine(bed.Config.StateDir, "logs")).Single();
        attachment.FileName.Should().Be(Path.GetFileName(logFile));
        // MIME carries text with CRLF line ends; the lines themselves are the log's.
        System.Text.Encoding.UTF8.GetString(content.ToArray()).ReplaceLineEndings("\n").Should().Be(await File.ReadAllTextAsync(logFile));
        var logLines = (await File.ReadAllLinesAsync(logFile)).TakeLast(50);
        mail.Text.Should().Contain(string.Join('\n', logLines.Select(l => "  " + l)), "the end of the log is quoted in the text");
        (run.StandardOutput + run.StandardError).Should().NotContain(SmtpServer.Password);
    }

    [Fact]
    public async Task Success_mail_arrives_over_implicit_tls_in_at_most_ten_lines()
    {
        // Arrange
        await using var smtp = await SmtpServer.StartAsync(SmtpMode.Implicit);
        using var bed = new NotifyBed(smtp.EmailYaml(extra: "on: [success, failure]"));

        // Act
        var run = await bed.RunAsync();
        var mails = await smtp.WaitForAsync(1);

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        var mail = mails.Should().ContainSingle().Subject;
        mail.Tls.Should().BeTrue();
        mail.Login.Should().Be(SmtpServer.User);
        mail.Message.Subject.Should().Be($"[syncwarden] {Host}: nightly succeeded");
        var lines = mail.Text.TrimEnd('\n').Split('\n');
        lines.Length.Should().BeLessThanOrEqualTo(10, mail.Text);
        mail.Text.Should().Contain("Moved: 3 file(s)").And.Contain("Warnings: none").And.Contain($"Free space at {bed.Destination}:").And.Contain("Duration:");
        mail.Message.Attachments.Should().BeEmpty();
    }

    [Fact]
    public async Task Start_and_end_mails_arrive_over_plain_smtp_with_login_and_job_receivers_get_their_events()
    {
        // Arrange: a relay on this machine (tls: none with a login is allowed to loopback only).
        await using var smtp = await SmtpServer.StartAsync(SmtpMode.Plain);
        using var bed = new NotifyBed(smtp.EmailYaml(extra: "on: [start, success]"), jobExtra: "email: { receivers: [owner@example.net], on: [success] }");

        // Act
        var run = await bed.RunAsync();
        var mails = await smtp.WaitForAsync(2);

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        mails.Should().HaveCount(2);
        mails.Should().OnlyContain(m => !m.Tls && m.Login == SmtpServer.User);
        var start = mails.Single(m => m.Message.Subject!.EndsWith("started", StringComparison.Ordinal));
        start.Message.Subject.Should().Be($"[syncwarden] {Host}: nightly started");
        start.Recipients.Should().Equal("admin@example.net");
        var end = mails.Single(m => m.Message.Subject!.EndsWith("succeeded", StringComparison.Ordinal));
        end.Recipients.Should().BeEquivalentTo(["admin@example.net", "owner@example.net"]);
    }

    [Fact]
    public async Task Debug_log_level_mails_after_every_run()
    {
        // Arrange: the default on: is failure and recovered, but log.level debug mails every run (seed 000).
        await using var smtp = await SmtpServer.StartAsync(SmtpMode.Plain, withLogin: false);
        using var bed = new NotifyBed(smtp.EmailYaml());
        bed.Config.LogLevel = "debug";

        // Act
        var first = await bed.RunAsync();
        var second = await bed.RunAsync();
        var mails = await smtp.WaitForAsync(2);

        // Assert
        first.ExitCode.Should().Be(0, first.ToString());
        second.ExitCode.Should().Be(0, second.ToString());
        mails.Select(m => m.Message.Subject).Should().Equal($"[syncwarden] {Host}: nightly succeeded", $"[syncwarden] {Host}: nightly succeeded");
    }

    [Fact]
    public async Task Failing_job_mails_first_failure_then_after_repeat_after_then_once_on_recovery_across_processes()
    {
        // Arrange: every run is its own syncwarden process, so the failing state must live on disk. repeat-after is an
        // hour for the first two failures, then two seconds, so the third is due for a repeat however slow the machine.
        await using var smtp = await SmtpServer.StartAsync(SmtpMode.StartTls);
        using var bed = new NotifyBed(smtp.EmailYaml(extra: "repeat-after: 1h"));
        bed.RemoveSource();
        var shortRepeat = bed.Config.Yaml.Replace("repeat-after: 1h", "repeat-after: 2s", StringComparison.Ordinal);
        shortRepeat.Should().NotBe(bed.Config.Yaml);

        // Act
        var firstFailure = await bed.RunAsync();
        var afterFirst = await smtp.WaitForAsync(1);
        var secondFailure = await bed.RunAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var afterSecond = smtp.Received();
        File.WriteAllText(bed.Config.ConfigPath, shortRepeat);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var thirdFailure = await SyncwardenCli.RunAsync(["-c", bed.Config.ConfigPath, "run", "nightly", "--no-progress"]);
        var afterThird = await smtp.WaitForAsync(2);
        bed.CreateSource();
        var recovery = await bed.RunAsync();
        var afterRecovery = await smtp.WaitForAsync(3);
        var healthy = await bed.RunAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var atEnd = smtp.Received();

        // Assert
        new[] { firstFailure, secondFailure, thirdFailure }.Should().OnlyContain(r => r.ExitCode == 1);
        recovery.ExitCode.Should().Be(0, recovery.ToString());
        healthy.ExitCode.Should().Be(0, healthy.ToString());
        afterFirst.Should().ContainSingle().Which.Message.Subject.Should().Be($"[syncwarden] {Host}: nightly FAILED");
        afterSecond.Should().HaveCount(1, "the second failure within repeat-after is not mailed");
        afterThird.Should().HaveCount(2);
        afterThird[1].Message.Subject.Should().StartWith($"[syncwarden] {Host}: nightly still failing (3 failed runs since ");
        afterRecovery.Should().HaveCount(3);
        afterRecovery[2].Message.Subject.Should().Be($"[syncwarden] {Host}: nightly recovered");
        afterRecovery[2].Text.Should().Contain("Recovered after 3 failed run(s)");
        atEnd.Should().HaveCount(3, "a healthy job is quiet again (on: failure, recovered)");
    }
}
