using Microsoft.Playwright;
using Syncwarden.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Syncwarden.IntegrationTests.Web;

/// <summary>
/// The dashboard in a real browser: Debian's chromium, headless, driven by Playwright (its bundled driver; no browser
/// download). Screenshots go to TestResults/ beside the test assembly; their paths are printed.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    private static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        File.Exists(Chromium).Should().BeTrue("scripts/test installs Debian's chromium package");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }

    private async Task<string> ScreenshotAsync(IPage page, string name, string? folder = null)
    {
        var path = Path.Combine(folder ?? Path.Combine(AppContext.BaseDirectory, "TestResults"), name);
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
        return path;
    }

    [Fact]
    public async Task Run_now_on_the_job_page_shows_live_progress_to_done_and_the_new_run_in_history()
    {
        // Arrange: 6 MB at 1500 KiB/s, about 4 s of transfer with a progress update a second.
        using var dir = new TempDir("web-browser");
        await using var daemon = await WebDaemon.StartAsync(WebTestBed.Config(dir, slowBytes: 6_000_000, kibPerSecond: 1500));
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var dashboard = await browser.NewPageAsync(new() { BaseURL = daemon.Address.ToString() });
        var errors = new List<string>();
        dashboard.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        await dashboard.GotoAsync("/");
        await dashboard.Locator("tr[data-job='slow']").GetByText("idle").WaitForAsync();
        await dashboard.Locator("#live").GetByText("live").WaitForAsync();
        var jobPage = await browser.NewPageAsync(new() { BaseURL = daemon.Address.ToString() });
        jobPage.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        await jobPage.GotoAsync("/");
        await jobPage.GetByRole(AriaRole.Link, new() { Name = "slow" }).ClickAsync();
        await jobPage.WaitForURLAsync("**/jobs/slow");
        await jobPage.Locator("#live").GetByText("live").WaitForAsync();

        // Act: the token typed once (Enter submits; focus moves on to Run now), then Run now from the keyboard.
        await jobPage.GetByLabel("Dashboard token").FillAsync(daemon.Token);
        await jobPage.GetByLabel("Dashboard token").PressAsync("Enter");
        await jobPage.Keyboard.PressAsync("Enter");
        var seen = new List<double>();
        var dashboardShowedProgress = false;
        var filesShown = new HashSet<string>();
        var text = "";
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < end && !text.StartsWith("done", StringComparison.Ordinal))
        {
            seen.Add(await jobPage.Locator("#progress").EvaluateAsync<double>("p => p.value"));
            text = await jobPage.Locator("#progress-text").TextContentAsync() ?? "";
            filesShown.Add("job page: " + await jobPage.Locator("#progress-file").TextContentAsync());
            foreach (var file in await dashboard.Locator("tr[data-job='slow'] .progress-file").AllTextContentsAsync())
            {
                filesShown.Add("dashboard: " + file);
            }
            if (!dashboardShowedProgress && await dashboard.Locator("tr[data-job='slow'] progress").CountAsync() > 0)
            {
                dashboardShowedProgress = true;
                await ScreenshotAsync(dashboard, "dashboard-running.png");
            }
            await Task.Delay(100);
        }
        var historyRow = jobPage.Locator("#history tr").First;
        await historyRow.GetByText("succeeded").WaitForAsync();
        await jobPage.Locator("#history tr").First.GetByRole(AriaRole.Button).ClickAsync();
        await jobPage.Locator("#log").GetByText("$ rsync", new() { Exact = false }).WaitForAsync();
        await ScreenshotAsync(jobPage, "job-page-after-run.png");

        // Assert
        text.Should().Be("done: succeeded");
        seen.Should().Contain(v => v > 0 && v < 100, "the bar moved while rsync ran: " + string.Join(",", seen.Distinct()));
        seen.Last().Should().Be(100);
        seen.Where(v => v > 0).Should().BeInAscendingOrder();
        (await jobPage.Locator("#message").TextContentAsync()).Should().Contain("slow will run now");
        (await historyRow.TextContentAsync()).Should().Contain("web").And.Contain("succeeded");
        (await jobPage.Locator("#history tr").CountAsync()).Should().Be(1);
        dashboardShowedProgress.Should().BeTrue("the dashboard shows a running job's progress bar");
        filesShown.Should().Contain(["job page: big.bin", "dashboard: big.bin"], "both pages name the file being transferred");
        await dashboard.Locator("tr[data-job='slow']").GetByText("succeeded").WaitForAsync();
        errors.Should().BeEmpty("the pages run without script errors or CSP violations");
        File.Exists(dir.Combine("dst-slow", "big.bin")).Should().BeTrue();
    }

    [Fact]
    public async Task Run_now_on_the_job_page_without_the_token_is_refused_with_a_visible_message()
    {
        // Arrange
        using var dir = new TempDir("web-browser");
        await using var daemon = await WebDaemon.StartAsync(WebTestBed.Config(dir));
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new() { BaseURL = daemon.Address.ToString() });
        await page.GotoAsync("/jobs/docs");
        await page.Locator("#status .state.idle").WaitForAsync();

        // Act
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        await page.Locator("#message.refused").WaitForAsync();
        var withoutToken = await page.Locator("#message").TextContentAsync();
        await page.GetByLabel("Dashboard token").FillAsync("a-wrong-token-of-enough-length");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use token" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        await page.Locator("#message").GetByText("Refused (403)", new() { Exact = false }).WaitForAsync();
        var wrongToken = await page.Locator("#message").TextContentAsync();
        await ScreenshotAsync(page, "job-page-refused.png");

        // Assert
        withoutToken.Should().StartWith("Refused (401)").And.Contain("Enter the dashboard token");
        wrongToken.Should().Be("Refused (403): the token is wrong");
        (await page.GetByLabel("Dashboard token").IsVisibleAsync()).Should().BeTrue("a wrong token is forgotten and asked again");
        (await daemon.GetJsonAsync("api/jobs/docs/runs")).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Beyond_loopback_the_dashboard_asks_for_the_token_then_shows_jobs_and_live_events()
    {
        // Arrange
        using var dir = new TempDir("web-browser");
        await using var daemon = await WebDaemon.StartAsync(WebTestBed.Config(dir), listenAddress: "0.0.0.0");
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new() { BaseURL = daemon.Address.ToString() });

        // Act
        await page.GotoAsync("/");
        var prompt = page.Locator("#read-token");
        await prompt.WaitForAsync();
        var rowsBefore = await page.Locator("tr[data-job]").CountAsync();
        await page.Locator("#read-token-input").FillAsync(daemon.Token);
        await page.Locator("#read-token-input").PressAsync("Enter");
        await page.Locator("tr[data-job='docs']").WaitForAsync();
        await page.Locator("#live.on").WaitForAsync();
        await ScreenshotAsync(page, "dashboard-after-token.png");

        // Assert
        rowsBefore.Should().Be(0, "nothing is shown before the token");
        (await prompt.IsHiddenAsync()).Should().BeTrue();
        (await page.Locator("#live").TextContentAsync()).Should().Be("live", "the event stream reads with the session cookie");
    }

    [Fact]
    public async Task On_a_phone_sized_screen_the_pages_fit_without_sideways_scrolling()
    {
        // Arrange
        using var dir = new TempDir("web-browser");
        await using var daemon = await WebDaemon.StartAsync(WebTestBed.Config(dir));
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new() { BaseURL = daemon.Address.ToString(), ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true });

        // Act
        var widths = new Dictionary<string, (int Content, int Screen)>();
        foreach (var (path, ready) in new[] { ("/", "tr[data-job='docs']"), ("/jobs/docs", "#status .state") })
        {
            await page.GotoAsync(path);
            await page.Locator(ready).First.WaitForAsync();
            var size = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            widths[path] = (size[0], size[1]);
            await ScreenshotAsync(page, path == "/" ? "phone-dashboard.png" : "phone-job-page.png");
        }

        // Assert
        foreach (var (path, (content, screen)) in widths)
        {
            content.Should().BeLessThanOrEqualTo(screen, $"{path} fits a 390 px wide screen");
        }
    }

    [Fact]
    public async Task On_the_standby_the_dashboard_shows_its_role_and_a_lag_in_red_over_max_lag_and_follows_a_new_sync()
    {
        // Arrange: beta is the standby; its data folder holds the marker of alpha's last push, two hours ago (max-lag 1h).
        using var dir = new TempDir("web-browser-standby");
        var data = dir.CreateSubdirectory("data");
        var marker = Path.Combine(data, ".syncwarden-standby.json");
        WriteMarker(marker, TimeSpan.FromHours(2));
        var config = new TestConfig(dir).TopLevel(Standby.StandbyYaml.OnBeta(data, $"address: 127.0.0.1, port: {WebDaemon.FreePort()}", "max-lag: 1h"));
        await using var daemon = await WebDaemon.StartAsync(config);
        var (playwright, browser) = await LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new() { BaseURL = daemon.Address.ToString() });
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };

        // Act: the page as it comes up, then a new sync arrives (a fresh marker) while it stays open.
        await page.GotoAsync("/");
        await page.Locator("#standby-role").WaitForAsync();
        await page.Locator("#standby-lag.lagging").WaitForAsync();
        var role = await page.Locator("#standby-role").TextContentAsync();
        var lagBefore = await page.Locator("#standby-lag").TextContentAsync();
        var panel = await page.Locator("#standby").InnerTextAsync();
        // In one step: the panel is rebuilt every second, so a located element may be detached by the time it is read.
        var lagColour = await page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('standby-lag')).color");
        var screenshot = await ScreenshotAsync(page, "standby-dashboard.png", dir.Path);
        WriteMarker(marker, TimeSpan.FromMinutes(3));
        await page.Locator("#standby-lag:not(.lagging)").WaitForAsync(new() { Timeout = 30_000 });
        var lagAfter = await page.Locator("#standby-lag").TextContentAsync();
        var phone = await browser.NewPageAsync(new() { BaseURL = daemon.Address.ToString(), ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true });
        await phone.GotoAsync("/");
        await phone.Locator("#standby-role").WaitForAsync();
        var size = await phone.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        await ScreenshotAsync(phone, "phone-standby-dashboard.png");

        // Assert
        role.Should().Be("standby");
        lagBefore.Should().StartWith("2 h").And.EndWith("(over max-lag 1 h 0 min)");
        lagColour.Should().Be("rgb(207, 34, 46)", "the lag over max-lag is red (--bad)");
        panel.Should().Contain("beta").And.Contain("alpha").And.Contain("Epoch").And.Contain("Refused pushes").And.Contain("2 h 0 min ago");
        lagAfter.Should().StartWith("3 min", "the panel follows the new sync without a reload");
        new FileInfo(screenshot).Length.Should().BeGreaterThan(0);
        size[0].Should().BeLessThanOrEqualTo(size[1], "the dashboard with the standby panel fits a 390 px wide screen");
        errors.Should().BeEmpty("the page runs without script errors or CSP violations");
    }

    /// <summary>The marker a primary's push leaves at the destination: epoch 4 from alpha, <paramref name="age"/> ago.</summary>
    private static void WriteMarker(string path, TimeSpan age)
    {
        var syncedAt = DateTimeOffset.UtcNow.Subtract(age).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(path, $$"""{ "epoch": 4, "primary": "alpha", "syncedAt": "{{syncedAt}}", "handover": false }""");
    }
}
