using System.Net;
using System.Text.RegularExpressions;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Web;

/// <summary>The dashboard's files: embedded, typed, self-contained (offline), under a strict content security policy.</summary>
public sealed partial class WebPagesTests
{
    [Fact]
    public async Task Pages_and_assets_are_served_from_the_binary_with_their_types_a_csp_and_nothing_from_elsewhere()
    {
        // Arrange
        using var dir = new TempDir("web-pages");
        await using var daemon = await WebDaemon.StartAsync(WebTestBed.Config(dir));
        var expected = new Dictionary<string, string>
        {
            [""] = "text/html", ["jobs/docs"] = "text/html", ["assets/site.css"] = "text/css", ["assets/common.js"] = "text/javascript",
            ["assets/dashboard.js"] = "text/javascript", ["assets/job.js"] = "text/javascript", ["assets/icon.svg"] = "image/svg+xml",
        };

        // Act
        var answers = new Dictionary<string, (HttpStatusCode Status, string? Type, string Csp, string Body)>();
        foreach (var path in expected.Keys)
        {
            using var response = await daemon.Http.GetAsync(path);
            answers[path] = (response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                string.Join(";", response.Headers.GetValues("Content-Security-Policy")), await response.Content.ReadAsStringAsync());
        }
        using var missing = await daemon.Http.GetAsync("assets/nope.js");

        // Assert
        foreach (var (path, type) in expected)
        {
            var (status, actualType, csp, body) = answers[path];
            status.Should().Be(HttpStatusCode.OK, path);
            actualType.Should().Be(type, path);
            csp.Should().StartWith("default-src 'self'", path);
            ExternalReference().IsMatch(body).Should().BeFalse($"{path} must load nothing from the network (offline, no CDN): {ExternalReference().Match(body).Value}");
        }
        answers[""].Body.Should().Contain("<script src=\"/assets/dashboard.js\"").And.NotContain("<script>", "inline scripts are refused by the CSP");
        answers["jobs/docs"].Body.Should().Contain("<label for=\"token\">").And.Contain("<button id=\"run-now\" type=\"button\">Run now</button>");
        answers["assets/common.js"].Body.Should().NotContain("innerHTML", "names and errors are inserted as text, never as markup");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [GeneratedRegex("(?:https?:)?//(?!www\\.w3\\.org/)[a-z0-9.-]+\\.[a-z]{2,}", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
