using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Hooks;

namespace Syncwarden.Tests.Hooks;

public sealed class HookEnvironmentTests
{
    private static readonly SyncwardenConfig s_config = new() { SourceFile = "/etc/syncwarden/syncwarden.yaml" };

    private static readonly JobConfig s_job = new()
    {
        Name = "nightly", Direction = Direction.Local, Syncs = [new SyncPair { Source = "/data", Destination = "/backup" }],
    };

    /// <summary>The values docs/configuration.md documents for SYNCWARDEN_HOOK and SYNCWARDEN_RESULT.</summary>
    [Theory]
    [InlineData(HookKind.Before, "before")]
    [InlineData(HookKind.After, "after")]
    [InlineData(HookKind.OnError, "on-error")]
    [InlineData(HookKind.Finally, "finally")]
    [InlineData(HookKind.Plugin, "plugin")]
    public void Hook_kind_and_result_keep_their_documented_values(HookKind kind, string expected)
    {
        // Arrange
        var finished = new RunRecord { Id = 12, Job = "nightly", StartedAt = DateTimeOffset.UnixEpoch, Result = RunResult.Cancelled, Error = "cancelled" };

        // Act
        var before = HookEnvironment.For(s_config, s_job, 12, kind);
        var after = HookEnvironment.For(s_config, s_job, 12, kind, finished);

        // Assert
        before["SYNCWARDEN_HOOK"].Should().Be(expected);
        before.Should().NotContainKey("SYNCWARDEN_RESULT");
        after["SYNCWARDEN_HOOK"].Should().Be(expected);
        after["SYNCWARDEN_RESULT"].Should().Be("cancelled");
        after["SYNCWARDEN_ERROR"].Should().Be("cancelled");
    }
}
