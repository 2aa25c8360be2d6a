using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Standby;

/// <summary>
/// The fenced side says so loudly: a primary whose push meets a higher epoch fails the run, posts the failure to its
/// webhook, counts it and becomes the standby. Both machines of the pair are configs on this machine; the "standby"
/// is reached through the test sshd on loopback.
/// </summary>
[Collection(SshCollection.Name)]
public sealed class FencedPushNotificationTests(SshServerFixture fixture)
{
    private static TestConfig Machine(TempDir dir, string thisHost, string alphaData, string betaData, SshServer server, string extra = "")
    {
        var config = new TestConfig(dir).Host("alpha", server).Host("beta", server);
        config.TopLevel($$"""
            this-host: {{thisHost}}
            {{extra}}
            standby:
              primary: alpha
              standby: beta
              max-lag: 1h
              syncs: [{ source: {{TestConfig.Q(alphaData)}}, destination: {{TestConfig.Q(betaData)}} }]
            """);
        return config;
    }

    [Fact]
    public async Task A_push_to_a_promoted_standby_fails_notifies_the_webhook_and_demotes_the_old_primary()
    {
        // Arrange: beta was promoted (epoch 2) while alpha was away; alpha still believes it is the primary (epoch 1).
        await using var receiver = new WebhookReceiver();
        using var alphaDir = new TempDir("fence-alpha");
        using var betaDir = new TempDir("fence-beta");
        var alphaData = alphaDir.CreateSubdirectory("data");
        var betaData = betaDir.CreateSubdirectory("data");
        new TreeBuilder(alphaData).File("stale-on-alpha.txt", "written on the old primary\n");
        var beta = Machine(betaDir, "beta", alphaData, betaData, fixture.Server);
        var alpha = Machine(alphaDir, "alpha", alphaData, betaData, fixture.Server,
            $"webhooks: [{{ url: {receiver.Url("/fenced")}, on: [failure] }}]");
        (await beta.RunCliAsync("promote", "--force", "--accept-lag")).EnsureSuccess("promote on beta");

        // Act
        var push = await alpha.RunCliAsync("run", "standby");
        var requests = await receiver.WaitForAsync(1);
        var status = JsonDocument.Parse((await alpha.RunCliAsync("status", "--json")).StandardOutput).RootElement
            .EnumerateArray().Single(j => j.GetProperty("job").GetString() == "standby").GetProperty("standby");

        // Assert
        push.ExitCode.Should().NotBe(0, push.ToString());
        push.StandardError.Should().Contain("push refused", push.ToString());
        requests.Should().ContainSingle(r => r.Path == "/fenced");
        requests[0].Body.Should().Contain("standby").And.Contain("refused");
        status.GetProperty("role").GetString().Should().Be("standby", "the fenced primary turns itself into the standby");
        status.GetProperty("epoch").GetInt64().Should().Be(2);
        status.GetProperty("refusedPushes").GetInt64().Should().Be(1);
        File.Exists(Path.Combine(betaData, "stale-on-alpha.txt")).Should().BeFalse("nothing of the fenced push reaches the new primary");
    }
}
