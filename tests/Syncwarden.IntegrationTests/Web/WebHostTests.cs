using System.Net;
using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Web;

/// <summary>The daemon hosts the dashboard: where it listens, and when it refuses to start.</summary>
public sealed class WebHostTests
{
    private static TestConfig Config(TempDir dir)
    {
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("a.txt", 100);
        return new TestConfig(dir).Pair("docs", "local", source, dir.Combine("dst"), extra: "schedule: \"0 0 1 1 *\"\ncatch-up: false");
    }

    [Fact]
    public async Task Daemon_serves_healthz_on_the_configured_loopback_port_and_stops_with_sigterm()
    {
        using var dir = new TempDir("web-host");
        await using var daemon = await WebDaemon.StartAsync(Config(dir));

        using var response = await daemon.Http.GetAsync("healthz");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        await daemon.Process.TerminateAsync();
        var exit = await daemon.Process.WaitAsync(TimeSpan.FromSeconds(30));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.GetProperty("status").GetString().Should().Be("ok");
        response.Headers.Contains("Server").Should().BeFalse("the server header says nothing an attacker needs");
        exit.ExitCode.Should().Be(0, exit.StandardError);
        exit.StandardError.Should().Contain("dashboard listening on http://127.0.0.1:");
    }

    [Fact]
    public async Task Daemon_refuses_to_start_when_the_token_file_is_readable_by_others()
    {
        using var dir = new TempDir("web-host");
        var config = Config(dir);
        var tokenFile = dir.Combine("web.token");
        File.WriteAllText(tokenFile, "0123456789abcdef0123456789abcdef\n");
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        config.TopLevel($"web: {{ listen: 127.0.0.1:{WebDaemon.FreePort()}, token-file: {TestConfig.Q(tokenFile)} }}");

        var result = await config.RunCliAsync(TimeSpan.FromSeconds(30), "daemon");

        result.ExitCode.Should().NotBe(0);
        result.StandardError.Should().Contain($"chmod 600 {tokenFile}").And.NotContain("   at ", "a user mistake gets no stack trace");
    }

    [Fact]
    public async Task Check_refuses_a_dashboard_on_all_addresses_without_a_token()
    {
        using var dir = new TempDir("web-host");
        var config = Config(dir).TopLevel("web: { listen: 0.0.0.0:9090 }");

        var result = await config.RunCliAsync("check");

        result.ExitCode.Should().NotBe(0);
        result.StandardError.Should().Contain("web.listen").And.Contain("not a loopback address").And.Contain("token-file");
    }
}
