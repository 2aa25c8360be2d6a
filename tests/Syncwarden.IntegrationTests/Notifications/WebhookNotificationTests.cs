using System.Diagnostics;
using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Notifications;

/// <summary>Webhooks and pings from real runs of the real CLI to an HTTP server started by the test.</summary>
public sealed class WebhookNotificationTests
{
    private const string Token = "Bearer tok-5b1e-never-logged";

    [Fact]
    public async Task Webhook_gets_the_run_as_json_and_ping_gets_start_and_success_while_a_dead_webhook_does_not_fail_the_run()
    {
        // Arrange
        await using var receiver = new WebhookReceiver();
        var dead = WebhookReceiver.DeadUrl("/hook");
        using var bed = new NotifyBed($"""
            webhooks:
              - {"{"} url: {receiver.Url("/hook")}, on: [success, failure], headers: {"{"} Authorization: "{Token}" {"}"} {"}"}
              - {"{"} url: {dead}, on: [success] {"}"}
            ping: {"{"} url: {receiver.Url("/ping/0c1d")} {"}"}

            """);

        // Act
        var clock = Stopwatch.StartNew();
        var run = await bed.RunAsync();
        clock.Stop();
        var requests = await receiver.WaitForAsync(3);

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "delivery is bounded: a dead webhook costs its retries, never the run");
        run.StandardError.Should().Contain("not delivered").And.Contain("cannot connect").And.NotContain("tok-5b1e");
        requests.Select(r => (r.Method, r.Path)).Should().BeEquivalentTo([("POST", "/ping/0c1d/start"), ("POST", "/hook"), ("POST", "/ping/0c1d")]);
        var hook = requests.Single(r => r.Path == "/hook");
        hook.Headers["Authorization"].Should().Be(Token);
        hook.Headers["Content-Type"].Should().StartWith("application/json");
        using var json = JsonDocument.Parse(hook.Body);
        var root = json.RootElement;
        root.GetProperty("event").GetString().Should().Be("success");
        root.GetProperty("host").GetString().Should().Be(Environment.MachineName);
        root.GetProperty("job").GetString().Should().Be("nightly");
        root.GetProperty("result").GetString().Should().Be("succeeded");
        root.GetProperty("filesTransferred").GetInt64().Should().Be(3);
        root.GetProperty("bytesTransferred").GetInt64().Should().Be(21_010);
        root.GetProperty("runId").GetInt64().Should().Be(1);
    }

    [Fact]
    public async Task Failed_run_pings_fail_and_posts_failure_to_the_job_webhook()
    {
        // Arrange
        await using var receiver = new WebhookReceiver();
        using var bed = new NotifyBed("", jobExtra: $"webhooks: [{{ url: {receiver.Url("/job-hook")} }}]\nping: {receiver.Url("/ping/77")}");
        bed.RemoveSource();

        // Act
        var run = await bed.RunAsync();
        var requests = await receiver.WaitForAsync(3);

        // Assert
        run.ExitCode.Should().Be(1, run.ToString());
        requests.Select(r => r.Path).Should().BeEquivalentTo(["/ping/77/start", "/ping/77/fail", "/job-hook"]);
        requests.Single(r => r.Path == "/ping/77/fail").Body.Should().StartWith("nightly run 1: failed");
        using var json = JsonDocument.Parse(requests.Single(r => r.Path == "/job-hook").Body);
        json.RootElement.GetProperty("event").GetString().Should().Be("failure");
        json.RootElement.GetProperty("exitCode").GetInt32().Should().Be(23);
        json.RootElement.GetProperty("failedRuns").GetInt32().Should().Be(1);
    }
}
