using System.Net;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Web;

/// <summary>A dashboard listening beyond loopback shows nothing without the token; on loopback reading is open.</summary>
public sealed class WebReadGuardTests
{
    [Fact]
    public async Task Beyond_loopback_reading_needs_the_token_or_its_session_cookie_and_health_and_pages_stay_open()
    {
        // Arrange
        using var dir = new TempDir("web-guard");
        await using var daemon = await WebDaemon.StartAsync(WebTestBed.Config(dir), listenAddress: "0.0.0.0");
        // Cookies only where a request names them (the shared client would keep the session cookie for every later request).
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = daemon.Address };

        // Act
        using var jobsAnonymous = await http.GetAsync("api/jobs");
        using var metricsAnonymous = await http.GetAsync("metrics");
        using var eventsAnonymous = await http.GetAsync("api/events", HttpCompletionOption.ResponseHeadersRead);
        using var health = await http.GetAsync("healthz");
        using var page = await http.GetAsync("");
        using var jobsWithBearer = await http.SendAsync(daemon.Authorized(HttpMethod.Get, "api/jobs"));
        using var jobsWrongBearer = await http.SendAsync(daemon.Authorized(HttpMethod.Get, "api/jobs", "not-the-token-at-all"));
        using var sessionAnonymous = await http.PostAsync("api/session", null);
        using var session = await http.SendAsync(daemon.Authorized(HttpMethod.Post, "api/session"));
        var cookie = session.Headers.GetValues("Set-Cookie").Single();
        using var withCookie = new HttpRequestMessage(HttpMethod.Get, "api/jobs") { Headers = { { "Cookie", cookie.Split(';')[0] } } };
        using var jobsWithCookie = await http.SendAsync(withCookie);
        using var forged = new HttpRequestMessage(HttpMethod.Get, "api/jobs") { Headers = { { "Cookie", "syncwarden_session=" + daemon.Token } } };
        using var jobsForgedCookie = await http.SendAsync(forged);
        using var runWithCookieOnly = new HttpRequestMessage(HttpMethod.Post, "api/jobs/docs/run") { Headers = { { "Cookie", cookie.Split(';')[0] } } };
        using var runByCookie = await http.SendAsync(runWithCookieOnly);

        // Assert
        jobsAnonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await jobsAnonymous.Content.ReadAsStringAsync()).Should().Contain("reading needs the token");
        metricsAnonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        eventsAnonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        health.StatusCode.Should().Be(HttpStatusCode.OK);
        page.StatusCode.Should().Be(HttpStatusCode.OK, "the page holds no data; it asks for the token");
        jobsWithBearer.StatusCode.Should().Be(HttpStatusCode.OK);
        jobsWrongBearer.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        sessionAnonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        session.StatusCode.Should().Be(HttpStatusCode.NoContent);
        cookie.Should().Contain("httponly").And.Contain("samesite=strict").And.NotContain(daemon.Token);
        jobsWithCookie.StatusCode.Should().Be(HttpStatusCode.OK);
        jobsForgedCookie.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the cookie is derived from the token, not the token");
        runByCookie.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "actions need the bearer token itself");
    }

    [Fact]
    public async Task On_loopback_reading_is_open_without_a_token()
    {
        using var dir = new TempDir("web-guard");
        await using var daemon = await WebDaemon.StartAsync(WebTestBed.Config(dir));

        using var jobs = await daemon.Http.GetAsync("api/jobs");
        using var metrics = await daemon.Http.GetAsync("metrics");

        jobs.StatusCode.Should().Be(HttpStatusCode.OK);
        metrics.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
