namespace Syncwarden.IntegrationTests.Infrastructure;

public sealed class NetworkNamespaceTests
{
    [Theory]
    [InlineData(LinkCut.HostSideDown, "connect to host")]
    [InlineData(LinkCut.SilentDrop, "timed out")]
    public async Task Sshd_in_a_namespace_is_reachable_until_the_link_is_cut(LinkCut how, string expectedError)
    {
        // Arrange
        await using var ns = await NetworkNamespace.CreateAsync();
        await using var server = await SshServer.StartInNamespaceAsync(ns);
        var shortTimeout = server.BuildSshArgs(server.ClientKeyPath, server.KnownHostsPath, connectTimeoutSeconds: 2);

        // Act
        var before = await server.RunSshAsync(shortTimeout, "echo hello from $(ip -o -4 addr show scope global | wc -l) link");
        await ns.CutLinkAsync(how);
        var cut = await server.RunSshAsync(shortTimeout, "true", TimeSpan.FromSeconds(30));
        await ns.RestoreLinkAsync();
        var restored = await WaitForSshAsync(server, shortTimeout);

        // Assert
        server.Address.Should().Be(ns.NamespaceAddress);
        before.ExitCode.Should().Be(0, before.ToString());
        before.StandardOutput.Should().Be("hello from 1 link\n");
        cut.ExitCode.Should().Be(255);
        cut.StandardError.Should().Contain(expectedError);
        restored.ExitCode.Should().Be(0, restored.ToString());
    }

    [Fact]
    public async Task Dispose_removes_namespace_and_veth_and_parallel_instances_get_distinct_subnets()
    {
        // Arrange
        var first = await NetworkNamespace.CreateAsync();
        var second = await NetworkNamespace.CreateAsync();

        // Act
        var inside = await first.ExecAsync(["ip", "-o", "-4", "addr", "show", "dev", first.NamespaceInterface]);
        await first.DisposeAsync();
        await second.DisposeAsync();
        var namespaces = await TestProcess.RunAsync("ip", ["netns", "list"]);
        var links = await TestProcess.RunAsync("ip", ["-o", "link", "show"]);

        // Assert
        first.Network.Should().NotBe(second.Network);
        inside.StandardOutput.Should().Contain(first.NamespaceAddress + "/30");
        first.Name.Should().StartWith("swt-");
        namespaces.StandardOutput.Should().NotContain(first.Name).And.NotContain(second.Name);
        links.StandardOutput.Should().NotContain(first.HostInterface).And.NotContain(second.HostInterface);
    }

    private static async Task<ProcessResult> WaitForSshAsync(SshServer server, IReadOnlyList<string> sshArgs)
    {
        ProcessResult result;
        var attempts = 0;
        do
        {
            result = await server.RunSshAsync(sshArgs, "true", TimeSpan.FromSeconds(30));
        }
        while (result.ExitCode != 0 && ++attempts < 10);
        return result;
    }
}
