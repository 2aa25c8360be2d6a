using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine.Ssh;

[Collection(SshCollection.Name)]
public sealed class SshErrorTests(SshServerFixture fixture)
{
    private readonly SshServer _server = fixture.Server;

    [Theory]
    [InlineData("push", false)]
    [InlineData("push", true)]
    [InlineData("pull", false)]
    [InlineData("pull", true)] // --delete first lists the remote source, before any transfer
    public async Task Authentication_failure_names_the_key_and_is_not_retried(string direction, bool delete)
    {
        // Arrange
        using var dir = new TempDir("ssh-auth");
        var key = await _server.CreateUnauthorizedClientKeyAsync();
        var config = Job(dir, direction, delete).Host("backup", _server, identity: key);

        // Act
        var run = await config.RunCliAsync("run", "job", "--json");

        // Assert
        FailedAtOnce(run, dir).Error.Should().Contain("authentication failed").And.Contain(key);
    }

    [Theory]
    [InlineData("push", false)]
    [InlineData("push", true)]
    [InlineData("pull", false)]
    [InlineData("pull", true)] // --delete first lists the remote source, before any transfer
    public async Task Host_key_mismatch_is_a_clear_error_that_says_what_to_do(string direction, bool delete)
    {
        // Arrange
        using var dir = new TempDir("ssh-hostkey");
        var knownHosts = await _server.CreateWrongKnownHostsAsync();
        var config = Job(dir, direction, delete).Host("backup", _server, knownHosts: knownHosts);

        // Act
        var run = await config.RunCliAsync("run", "job", "--json");

        // Assert
        FailedAtOnce(run, dir).Error.Should().Contain("host key").And.Contain(knownHosts).And.Contain("ssh-keygen -R");
    }

    [Fact]
    public async Task Unknown_host_key_hint_is_the_exact_command_that_adds_the_key()
    {
        // Arrange: a known_hosts file without the server's entry.
        using var dir = new TempDir("ssh-unknown-key");
        var knownHosts = dir.Combine("known_hosts");
        await File.WriteAllTextAsync(knownHosts, "");
        var config = Job(dir, "pull", delete: false).Host("backup", _server, knownHosts: knownHosts);

        // Act
        var run = await config.RunCliAsync("run", "job", "--json");

        // Assert
        var keyscan = $"ssh-keyscan -p {_server.Port} {_server.Address}";
        FailedAtOnce(run, dir).Error.Should().Be(
            $"host 'backup' ({_server.User}@{_server.Address} port {_server.Port}): the server's host key is unknown: {knownHosts} has no entry for [{_server.Address}]:{_server.Port}. "
            + $"Compare its fingerprint ({keyscan} | ssh-keygen -lf -) with the server's, then add it: {keyscan} >> {knownHosts}");
        await CopiedCommandFixesTheRunAsync(config, RunOutput.Parse(run).Error!, dir);
    }

    [Fact]
    public async Task Changed_host_key_hint_is_the_exact_command_that_replaces_the_entry()
    {
        // Arrange: a known_hosts file naming the server with another key.
        using var dir = new TempDir("ssh-changed-key");
        var knownHosts = dir.Combine("known_hosts");
        File.Copy(await _server.CreateWrongKnownHostsAsync(), knownHosts);
        var config = Job(dir, "push", delete: false).Host("backup", _server, knownHosts: knownHosts);

        // Act
        var run = await config.RunCliAsync("run", "job", "--json");

        // Assert
        FailedAtOnce(run, dir).Error.Should().EndWith(
            $"then replace the entry: ssh-keygen -R '[{_server.Address}]:{_server.Port}' -f {knownHosts} && ssh-keyscan -p {_server.Port} {_server.Address} >> {knownHosts}");
        await CopiedCommandFixesTheRunAsync(config, RunOutput.Parse(run).Error!, dir);
    }

    [Theory]
    [InlineData("authentication")]
    [InlineData("host key")]
    public async Task After_an_authentication_or_host_key_failure_the_other_syncs_to_the_host_are_skipped(string failure)
    {
        // Arrange: two syncs to the same host, refused by the server.
        using var dir = new TempDir("ssh-skip");
        var (config, first, second, replica) = TwoSyncsToBackup(dir, new TestConfig(dir)
            .Host("backup", _server, identity: failure == "authentication" ? await _server.CreateUnauthorizedClientKeyAsync() : null,
                knownHosts: failure == "host key" ? await _server.CreateWrongKnownHostsAsync() : null), retries: 2);

        // Act
        var run = await config.RunCliAsync("run", "job", "--json");

        // Assert
        var record = FailedAtOnce(run, dir);
        var said = failure == "authentication" ? "authentication failed" : "host key does not match";
        var skipped = failure == "authentication" ? "1 remaining sync(s) skipped: authentication to host 'backup' failed"
            : "1 remaining sync(s) skipped: the host key of host 'backup' was not accepted";
        record.Error.Should().StartWith($"{first} -> {_server.Address}:{replica}: host 'backup' ").And.EndWith("; " + skipped);
        Regex.Matches(record.Error!, Regex.Escape(said)).Should().ContainSingle("the error is said once");
        record.Error.Should().NotContain(second);
        record.Log.Split('\n').Count(l => l.Contains("$ rsync", StringComparison.Ordinal)).Should().Be(1, "the second sync is not tried");
        record.Log.Should().Contain(skipped);
    }

    [Fact]
    public async Task After_the_host_stays_unreachable_through_the_retries_the_other_syncs_are_skipped()
    {
        // Arrange: two syncs to a host whose port refuses connections.
        using var dir = new TempDir("ssh-skip-unreachable");
        var (config, first, second, replica) = TwoSyncsToBackup(dir, new TestConfig(dir).Host("backup", _server), retries: 1);

        // Act
        var run = await RunAgainstClosedPortAsync(config, "run", "job", "--json");

        // Assert: the first sync is tried and retried, the second never; the error says why once.
        run.ExitCode.Should().Be(1, run.ToString());
        var record = RunOutput.Parse(run);
        record.Result.Should().Be("failed");
        record.Error.Should().StartWith($"{first} -> ").And.EndWith("; 1 remaining sync(s) skipped: host 'backup' is unreachable");
        Regex.Matches(record.Error!, "Connection refused").Should().ContainSingle("the error is said once");
        record.Error.Should().NotContain(second);
        record.Log.Split('\n').Count(l => Regex.IsMatch(l, @"^# \S+ \S+ \$ rsync")).Should().Be(2, "one attempt and one retry of the first sync, none of the second");
        Directory.EnumerateFileSystemEntries(replica).Should().BeEmpty();
    }

    /// <summary>
    /// Runs the command at the end of <paramref name="error"/> (after "add it: " or "replace the entry: ") in a shell, as
    /// the admin would paste it, and then the job again: it must now succeed.
    /// </summary>
    private static async Task CopiedCommandFixesTheRunAsync(TestConfig config, string error, TempDir dir)
    {
        var command = Regex.Match(error, "(?:add it|replace the entry): (.+)$").Groups[1].Value;
        var fix = await TestProcess.RunAsync("/bin/sh", ["-c", command], TimeSpan.FromSeconds(30));
        fix.ExitCode.Should().Be(0, fix.ToString());

        var rerun = await config.RunCliAsync("run", "job", "--json");

        rerun.ExitCode.Should().Be(0, rerun.ToString());
        RunOutput.Parse(rerun).Result.Should().Be("succeeded");
        Directory.EnumerateFileSystemEntries(dir.Combine("replica")).Select(Path.GetFileName).Should().Equal("work");
    }

    [Theory]
    [InlineData("push", false)]
    [InlineData("push", true)]
    [InlineData("pull", false)]
    [InlineData("pull", true)] // --delete first lists the remote source, before any transfer
    public async Task Unreachable_host_is_a_clear_error_after_retries(string direction, bool delete)
    {
        // Arrange
        using var dir = new TempDir("ssh-unreachable");
        var config = Job(dir, direction, delete).Host("backup", _server);

        // Act
        var run = await RunAgainstClosedPortAsync(config, "run", "job", "--json");

        // Assert
        run.ExitCode.Should().Be(1, run.ToString());
        var record = RunOutput.Parse(run);
        record.Result.Should().Be("failed");
        record.Error.Should().Contain("unreachable").And.Contain("Connection refused");
        var retries = record.Log.Split('\n').Where(l => l.Contains("retrying", StringComparison.Ordinal)).ToList();
        retries.Should().HaveCount(2);
        retries[0].Should().Contain("(1/2)");
        retries[1].Should().Contain("(2/2)");
        // Each attempt either starts the transfer or, with --delete, fails at the source check first.
        var attemptMarker = delete && direction == "pull" ? "cannot check source" : "$ rsync";
        record.Log.Split('\n').Count(l => Regex.IsMatch(l, @"^# \S+ \S+ " + Regex.Escape(attemptMarker))).Should().Be(3, "one attempt and two retries");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Pull_succeeds_when_the_host_comes_back_between_retries(bool delete)
    {
        // Arrange: the host's port refuses connections until the first retry is announced, then forwards to sshd.
        using var dir = new TempDir("ssh-comeback");
        var port = ClosedLoopbackPort();
        var knownHosts = dir.Combine("known_hosts");
        await File.WriteAllTextAsync(knownHosts, $"[{_server.Address}]:{port} {_server.HostPublicKey.Trim()}\n");
        var config = Job(dir, "pull", delete, retryDelay: "2s").Host("backup", _server, knownHosts: knownHosts);
        var path = WriteWithPort(config, port);
        using var stop = new CancellationTokenSource();

        // Act
        await using var cli = await SyncwardenCli.StartAsync(["-c", path, "run", "job", "--json"]);
        await WaitForLogLineAsync(config.StateDir, "retrying", TimeSpan.FromSeconds(30));
        var forwarder = ForwardAsync(port, _server.Port, stop.Token);
        var run = await cli.WaitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await forwarder;

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        var record = RunOutput.Parse(run);
        record.Result.Should().Be("succeeded");
        record.FilesTransferred.Should().Be(1);
        record.Log.Split('\n').Count(l => l.Contains("retrying", StringComparison.Ordinal)).Should().Be(1);
        (await TreeComparer.DescribeDifferencesAsync(dir.Combine("src", "work"), dir.Combine("replica", "work"))).Should().BeEmpty();
        Directory.EnumerateFileSystemEntries(dir.Combine("replica")).Select(Path.GetFileName).Should().BeEquivalentTo(["work"]);
    }

    [Fact]
    public async Task Plan_against_an_unreachable_host_is_a_clear_error()
    {
        // Arrange
        using var dir = new TempDir("ssh-plan-unreachable");
        var config = Job(dir, "pull", delete: false).Host("backup", _server);

        // Act
        var plan = await RunAgainstClosedPortAsync(config, "plan", "job");

        // Assert
        plan.ExitCode.Should().Be(1, plan.ToString());
        (plan.StandardOutput + plan.StandardError).Should().Contain("unreachable").And.Contain("Connection refused");
    }

    /// <summary>Runs the CLI with <paramref name="config"/> rewritten so host "backup" points at a loopback port nobody listens on.</summary>
    private async Task<ProcessResult> RunAgainstClosedPortAsync(TestConfig config, params string[] args)
    {
        var path = WriteWithPort(config, ClosedLoopbackPort());
        return await SyncwardenCli.RunAsync(["-c", path, .. args]);
    }

    /// <summary>Writes <paramref name="config"/> with host "backup" on <paramref name="port"/> instead of the fixture's; returns the file.</summary>
    private string WriteWithPort(TestConfig config, int port)
    {
        var yaml = config.Yaml.Replace($"    port: {_server.Port}\n", $"    port: {port}\n", StringComparison.Ordinal);
        yaml.Should().Contain($"port: {port}");
        var path = config.Dir.Combine("other-port.yaml");
        File.WriteAllText(path, yaml);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private static async Task WaitForLogLineAsync(string stateDir, string text, TimeSpan timeout)
    {
        var logs = Path.Combine(stateDir, "logs");
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Directory.Exists(logs) && Directory.EnumerateFiles(logs).Any(f => File.ReadAllText(f).Contains(text, StringComparison.Ordinal)))
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"no run log under {logs} mentioned '{text}' within {timeout}");
    }

    /// <summary>Accepts on loopback <paramref name="listenPort"/> and relays each connection to <paramref name="targetPort"/> until cancelled.</summary>
    private static async Task ForwardAsync(int listenPort, int targetPort, CancellationToken cancellationToken)
    {
        var listener = new TcpListener(IPAddress.Loopback, listenPort);
        listener.Start();
        var relays = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(cancellationToken);
                relays.Add(RelayAsync(client, targetPort, cancellationToken));
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            listener.Stop();
        }
        await Task.WhenAll(relays);
    }

    private static async Task RelayAsync(TcpClient client, int targetPort, CancellationToken cancellationToken)
    {
        using (client)
        using (var target = new TcpClient())
        {
            try
            {
                await target.ConnectAsync(IPAddress.Loopback, targetPort, cancellationToken);
                using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var up = client.GetStream().CopyToAsync(target.GetStream(), both.Token);
                var down = target.GetStream().CopyToAsync(client.GetStream(), both.Token);
                await Task.WhenAny(up, down);
                await both.CancelAsync();
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // Either side closing ends the relay.
            }
        }
    }

    /// <summary>A free loopback port: bound, then released, so connecting to it is refused.</summary>
    private static int ClosedLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// Job "job" through host "backup" (added by the caller), from src/work to replica/, retried twice after
    /// <paramref name="retryDelay"/>, with <c>--delete</c> when <paramref name="delete"/>.
    /// </summary>
    private static TestConfig Job(TempDir dir, string direction, bool delete, string retryDelay = "1s")
    {
        var source = new TreeBuilder(dir.CreateSubdirectory("src", "work")).File("a.txt", 100).Root;
        return new TestConfig(dir).Pair("job", direction, source, dir.CreateSubdirectory("replica"),
            $"retries: {{ count: 2, delay: {retryDelay} }}" + (delete ? "\noptions: [--delete]" : ""));
    }

    /// <summary>The run failed without a retry and without touching the replica: what an error that retrying cannot fix gives.</summary>
    /// <summary>A push job "job" with two syncs (a file each) to host "backup" of <paramref name="withHost"/>, into one replica folder.</summary>
    private static (TestConfig Config, string First, string Second, string Replica) TwoSyncsToBackup(TempDir dir, TestConfig withHost, int retries)
    {
        var first = new TreeBuilder(dir.CreateSubdirectory("src", "first")).File("a.txt", 100).Root;
        var second = new TreeBuilder(dir.CreateSubdirectory("src", "second")).File("b.txt", 100).Root;
        var replica = dir.CreateSubdirectory("replica");
        var config = withHost.Job("job", $$"""
            direction: push
            host: backup
            retries: { count: {{retries}}, delay: 1s }
            syncs:
              - { source: {{TestConfig.Q(first)}}, destination: {{TestConfig.Q(replica)}} }
              - { source: {{TestConfig.Q(second)}}, destination: {{TestConfig.Q(replica)}} }
            """);
        return (config, first, second, replica);
    }

    private static RunOutput FailedAtOnce(ProcessResult run, TempDir dir)
    {
        run.ExitCode.Should().Be(1, run.ToString());
        var record = RunOutput.Parse(run);
        record.Result.Should().Be("failed");
        record.Log.Should().NotContain("retrying");
        Directory.EnumerateFileSystemEntries(dir.Combine("replica")).Should().BeEmpty();
        return record;
    }
}
