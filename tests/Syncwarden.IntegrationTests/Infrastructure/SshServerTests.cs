namespace Syncwarden.IntegrationTests.Infrastructure;

[Collection(SshCollection.Name)]
public sealed class SshServerTests(SshServerFixture fixture)
{
    private readonly SshServer _server = fixture.Server;

    [Fact]
    public async Task Ssh_with_generated_known_hosts_and_strict_checking_runs_a_command()
    {
        // Act
        var result = await _server.RunSshAsync(_server.SshArgs, "echo hello");

        // Assert
        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardOutput.Should().Be("hello\n");
        _server.SshArgs.Should().ContainInOrder("-o", "StrictHostKeyChecking=yes");
        File.ReadAllText(_server.KnownHostsPath).Should().StartWith($"[127.0.0.1]:{_server.Port} ssh-ed25519 ");
    }

    [Fact]
    public async Task RunRemoteAsync_passes_arguments_verbatim()
    {
        // Act
        var result = await _server.RunRemoteAsync("printf", "%s|", "a b", "it's", "$(echo no)", "`x`");

        // Assert
        result.ExitCode.Should().Be(0, result.ToString());
        result.StandardOutput.Should().Be("a b|it's|$(echo no)|`x`|");
    }

    [Fact]
    public async Task Unauthorized_client_key_is_refused()
    {
        // Arrange
        var otherKey = await _server.CreateUnauthorizedClientKeyAsync();

        // Act
        var result = await _server.RunSshAsync(_server.BuildSshArgs(otherKey, _server.KnownHostsPath), "true");

        // Assert
        result.ExitCode.Should().Be(255);
        result.StandardError.Should().Contain("Permission denied");
    }

    [Fact]
    public async Task Wrong_host_key_in_known_hosts_fails_verification()
    {
        // Arrange
        var wrongKnownHosts = await _server.CreateWrongKnownHostsAsync();

        // Act
        var result = await _server.RunSshAsync(_server.BuildSshArgs(_server.ClientKeyPath, wrongKnownHosts), "true");

        // Assert
        result.ExitCode.Should().Be(255);
        result.StandardError.Should().Contain("Host key verification failed");
    }

    [Fact]
    public async Task Starting_and_disposing_a_server_leaves_no_sshd_behind()
    {
        // Arrange
        var server = await SshServer.StartAsync();
        var pid = server.ProcessId;
        var config = server.ConfigPath;
        var dir = server.Directory;
        (await server.RunRemoteAsync("true")).ExitCode.Should().Be(0);

        // Act
        await server.DisposeAsync();

        // Assert
        ProcFs.IsAlive(pid).Should().BeFalse();
        ProcFs.FindByCommandLine(config).Should().BeEmpty();
        Directory.Exists(dir).Should().BeFalse();
    }

    [Fact]
    public async Task Failed_start_reports_sshd_stderr_and_cleans_up()
    {
        // Act
        var act = () => SshServer.StartAsync(["NoSuchOption yes"]);

        // Assert
        var thrown = await act.Should().ThrowAsync<SshServerStartException>();
        thrown.Which.Message.Should().Contain("NoSuchOption");
        var config = System.Text.RegularExpressions.Regex.Match(thrown.Which.Message, @"config (\S+)/sshd_config").Groups[1].Value;
        config.Should().StartWith("/tmp/syncwarden-it-sshd-");
        Directory.Exists(config).Should().BeFalse();
        ProcFs.FindByCommandLine(config).Should().BeEmpty();
    }
}
