using System.Net;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Web;

/// <summary>Whatever is asked, no response carries a secret from the configuration.</summary>
public sealed class WebSecretsTests
{
    [Fact]
    public async Task No_response_of_any_endpoint_nor_the_daemon_log_contains_the_token_or_a_configured_password()
    {
        // Arrange: a run in the history (with its log), so every endpoint has something to say; a mail password and a
        // webhook's authorization header in the file (nothing listens there: the run succeeds and they mail on failure).
        using var dir = new TempDir("web-secrets");
        const string MailPassword = "mail-Pa55word-that-must-stay-hidden";
        const string HookSecret = "hook-s3cret-that-must-stay-hidden";
        var closed = WebDaemon.FreePort();
        var config = WebTestBed.Config(dir, slowBytes: 1_000_000, kibPerSecond: 2000).TopLevel($$"""
            email: { host: 127.0.0.1, port: {{closed}}, tls: none, username: backup, password: {{MailPassword}}, sender: sw@example.org, receivers: [admin@example.org], on: [failure] }
            webhooks: [ { url: "http://127.0.0.1:{{closed}}/hook", on: [failure], headers: { Authorization: "Bearer {{HookSecret}}" } } ]
            """);
        await using var daemon = await WebDaemon.StartAsync(config);
        using var stream = await EventStreamClient.OpenAsync(daemon);
        var responses = new List<(string What, string Text)>();
        async Task Record(string what, Task<HttpResponseMessage> call)
        {
            using var response = await call;
            responses.Add((what, response.Headers + "\n" + response.Content.Headers + "\n" + await response.Content.ReadAsStringAsync()));
        }
        await Record("POST run", daemon.PostAsync("api/jobs/slow/run"));
        var events = await stream.ReadUntilAsync((name, _) => name == "RunFinished", TimeSpan.FromSeconds(60));
        responses.Add(("GET /api/events", string.Join("\n", events.Select(e => e.Name + " " + e.Data))));
        var id = (await daemon.WaitForRunAsync("slow", r => r.Result() != "running")).GetProperty("id").GetInt64();
        var token = daemon.Token;

        // Act
        foreach (var path in new[]
        {
            "", "jobs/slow", "jobs/nope", "assets/common.js", "assets/job.js", "assets/dashboard.js", "assets/site.css", "assets/icon.svg",
            "healthz", "metrics", "api/jobs", "api/jobs/slow", "api/jobs/slow/runs", $"api/runs/{id}", $"api/runs/{id}/log",
            "api/jobs/nope", "api/runs/0", "api/nothing",
        })
        {
            await Record("GET /" + path, daemon.Http.GetAsync(path));
        }
        await Record("POST cancel (not running)", daemon.PostAsync("api/jobs/slow/cancel"));
        await Record("POST run, no token", daemon.Http.PostAsync("api/jobs/slow/run", null));
        await Record("POST run, wrong token", daemon.PostAsync("api/jobs/slow/run", token[..^1] + "X"));
        await Record("POST run, a prefix of the token", daemon.PostAsync("api/jobs/slow/run", token[..16]));
        await Record("POST cancel, wrong token", daemon.PostAsync("api/jobs/slow/cancel", "x" + token));

        // Assert
        responses.Add(("the daemon's log", daemon.Process.StandardErrorSoFar + daemon.Process.StandardOutputSoFar));
        responses.Should().HaveCountGreaterThan(20);
        responses.Should().Contain(r => r.What == $"GET /api/runs/{id}/log" && r.Text.Contains("$ rsync"), "the log was really read");
        foreach (var (what, text) in responses)
        {
            text.Should().NotContain(token, $"{what} must not show the dashboard token");
            text.Should().NotContain(token[..16], $"{what} must not show part of the token either");
            text.Should().NotContain(MailPassword, $"{what} must not show the mail password").And.NotContain(HookSecret, $"{what} must not show a webhook header");
        }
    }
}
