using System.Net;
using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Web;

/// <summary>The JSON API against a real daemon running real rsync: reads, actions, refusals, errors.</summary>
public sealed class WebApiTests
{
    private static async Task<(HttpStatusCode Status, string Error)> ErrorOf(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.Content.Headers.ContentType?.MediaType.Should().Be("application/json", body);
            return (response.StatusCode, JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!);
        }
    }

    [Fact]
    public async Task Jobs_endpoints_give_every_jobs_status_and_unknown_names_get_404_with_a_json_message()
    {
        // Arrange
        using var dir = new TempDir("web-api");
        await using var daemon = await WebDaemon.StartAsync(WebTestBed.Config(dir));

        // Act
        var all = await daemon.GetJsonAsync("api/jobs");
        var one = await daemon.GetJsonAsync("api/jobs/docs");
        var runs = await daemon.GetJsonAsync("api/jobs/docs/runs");
        var unknownJob = await ErrorOf(await daemon.Http.GetAsync("api/jobs/nope"));
        var unknownJobRuns = await ErrorOf(await daemon.Http.GetAsync("api/jobs/nope/runs"));
        var unknownRun = await ErrorOf(await daemon.Http.GetAsync("api/runs/999"));
        var unknownLog = await ErrorOf(await daemon.Http.GetAsync("api/runs/999/log"));
        var notARun = await ErrorOf(await daemon.Http.GetAsync("api/runs/abc"));
        var noEndpoint = await ErrorOf(await daemon.Http.GetAsync("api/nothing/here"));
        var badLimit = await ErrorOf(await daemon.Http.GetAsync("api/jobs/docs/runs?limit=0"));
        var runUnknown = await ErrorOf(await daemon.PostAsync("api/jobs/nope/run"));
        var cancelUnknown = await ErrorOf(await daemon.PostAsync("api/jobs/nope/cancel"));

        // Assert
        all.EnumerateArray().Select(j => j.GetProperty("job").GetString()).Should().Equal("docs", "slow");
        one.GetProperty("job").GetString().Should().Be("docs");
        one.GetProperty("running").GetBoolean().Should().BeFalse();
        one.GetProperty("nextRunAt").GetString().Should().StartWith("20", "a scheduled job has a next run");
        one.GetProperty("nextSyncTime").GetString().Should().Be(one.GetProperty("nextRunAt").GetString(), "seed 004's name for the next run");
        one.GetProperty("lastSyncTime").ValueKind.Should().Be(JsonValueKind.Null, "nothing has synchronized yet");
        one.GetProperty("stale").GetBoolean().Should().BeFalse();
        Conditions(one).Should().Equal("Synchronizing False Idle", "Stale Unknown NeverRun", "Failed Unknown NeverRun");
        runs.GetArrayLength().Should().Be(0);
        unknownJob.Should().Be((HttpStatusCode.NotFound, "there is no job named 'nope' in the configuration (GET /api/jobs lists them)"));
        unknownJobRuns.Status.Should().Be(HttpStatusCode.NotFound);
        unknownRun.Should().Be((HttpStatusCode.NotFound, "there is no run 999 in the history (GET /api/jobs/JOB/runs lists a job's runs)"));
        unknownLog.Status.Should().Be(HttpStatusCode.NotFound);
        notARun.Status.Should().Be(HttpStatusCode.NotFound);
        noEndpoint.Should().Be((HttpStatusCode.NotFound, "there is no API endpoint GET /api/nothing/here (docs/api.md lists them)"));
        badLimit.Status.Should().Be(HttpStatusCode.BadRequest);
        badLimit.Error.Should().Contain("limit");
        runUnknown.Status.Should().Be(HttpStatusCode.NotFound);
        cancelUnknown.Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Run_now_with_the_token_records_a_new_successful_web_run_with_its_log()
    {
        // Arrange
        using var dir = new TempDir("web-api");
        await using var daemon = await WebDaemon.StartAsync(WebTestBed.Config(dir));

        // Act
        using var accepted = await daemon.PostAsync("api/jobs/docs/run");
        var message = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString();
        var run = await daemon.WaitForRunAsync("docs", r => r.Result() != "running");
        var id = run.GetProperty("id").GetInt64();
        var byId = await daemon.GetJsonAsync($"api/runs/{id}");
        using var log = await daemon.Http.GetAsync($"api/runs/{id}/log");
        var status = await daemon.WaitUntilIdleAsync("docs");

        // Assert
        accepted.StatusCode.Should().Be(HttpStatusCode.Accepted);
        message.Should().Contain("docs will run now");
        run.Result().Should().Be("succeeded", run.ToString());
        run.GetProperty("trigger").GetString().Should().Be("web");
        run.GetProperty("filesTransferred").GetInt64().Should().Be(3);
        byId.ToString().Should().Be(run.ToString());
        log.StatusCode.Should().Be(HttpStatusCode.OK);
        log.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        (await log.Content.ReadAsStringAsync()).Should().Contain($"run {id} of job 'docs'").And.Contain("trigger web").And.Contain("sub/b.txt");
        status.GetProperty("lastResult").GetString().Should().Be("succeeded");
        status.GetProperty("lastSuccessAt").ValueKind.Should().Be(JsonValueKind.String);
        status.GetProperty("lastSyncTime").GetString().Should().Be(status.GetProperty("lastSuccessAt").GetString(), "seed 004's name for the last success");
        status.GetProperty("lastSyncDuration").GetDouble().Should().BeGreaterThanOrEqualTo(0);
        status.GetProperty("stale").GetBoolean().Should().BeFalse();
        status.GetProperty("staleAfter").GetDouble().Should().BeGreaterThan(365 * 86400, "a yearly job is stale two due times after its last success");
        Conditions(status).Should().Equal("Synchronizing False Idle", "Stale False UpToDate", "Failed False RunSucceeded");
        File.Exists(dir.Combine("dst-quick", "sub", "b.txt")).Should().BeTrue();
    }

    [Fact]
    public async Task Run_now_without_the_token_is_refused_with_401()
    {
        // Arrange
        using var dir = new TempDir("web-api");
        await using var daemon = await WebDaemon.StartAsync(WebTestBed.Config(dir));

        // Act
        using var response = await daemon.Http.PostAsync("api/jobs/docs/run", null);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        var run = await ErrorOf(response);
        var cancel = await ErrorOf(await daemon.Http.PostAsync("api/jobs/docs/cancel", null));
        await Task.Delay(500);
        var runs = await daemon.GetJsonAsync("api/jobs/docs/runs");

        // Assert
        run.Status.Should().Be(HttpStatusCode.Unauthorized);
        run.Error.Should().Contain("Authorization: Bearer");
        challenge.Should().Be("Bearer");
        cancel.Status.Should().Be(HttpStatusCode.Unauthorized);
        runs.GetArrayLength().Should().Be(0, "nothing ran");
    }

    [Fact]
    public async Task Run_now_and_cancel_with_a_wrong_token_are_refused_with_403()
    {
        // Arrange
        using var dir = new TempDir("web-api");
        await using var daemon = await WebDaemon.StartAsync(WebTestBed.Config(dir));

        // Act
        var run = await ErrorOf(await daemon.PostAsync("api/jobs/docs/run", "not-the-token-at-all-0000"));
        var cancel = await ErrorOf(await daemon.PostAsync("api/jobs/docs/cancel", "not-the-token-at-all-0000"));

        // Assert
        run.Should().Be((HttpStatusCode.Forbidden, "the token is wrong"));
        cancel.Should().Be((HttpStatusCode.Forbidden, "the token is wrong"));
        (await daemon.GetJsonAsync("api/jobs/docs/runs")).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Run_now_is_refused_with_403_when_no_token_file_is_configured()
    {
        // Arrange
        using var dir = new TempDir("web-api");
        await using var daemon = await WebDaemon.StartAsync(WebTestBed.Config(dir), withToken: false);

        // Act
        var run = await ErrorOf(await daemon.PostAsync("api/jobs/docs/run"));
        var cancel = await ErrorOf(await daemon.PostAsync("api/jobs/docs/cancel"));

        // Assert
        run.Status.Should().Be(HttpStatusCode.Forbidden);
        run.Error.Should().Contain("no token-file is configured");
        cancel.Status.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Cancel_stops_a_slow_run_which_is_recorded_cancelled_and_its_log_is_readable_while_it_runs()
    {
        // Arrange: 20 MB at 500 KiB/s would take 40 s.
        using var dir = new TempDir("web-api");
        await using var daemon = await WebDaemon.StartAsync(WebTestBed.Config(dir));
        using (var started = await daemon.PostAsync("api/jobs/slow/run"))
        {
            started.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }
        var running = await daemon.WaitForRunAsync("slow", r => r.Result() == "running");
        var id = running.GetProperty("id").GetInt64();
        var logSoFar = "";
        for (var i = 0; i < 100 && !logSoFar.Contains("$ rsync", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            logSoFar = await daemon.Http.GetStringAsync($"api/runs/{id}/log");
        }

        // Act
        var again = await ErrorOf(await daemon.PostAsync("api/jobs/slow/run"));
        using var cancel = await daemon.PostAsync("api/jobs/slow/cancel");
        var cancelMessage = await cancel.Content.ReadAsStringAsync();
        var ended = await daemon.WaitForRunAsync("slow", r => r.GetProperty("id").GetInt64() == id && r.Result() != "running", TimeSpan.FromSeconds(30));
        await daemon.WaitUntilIdleAsync("slow"); // throws if the daemon keeps holding the job
        var notRunning = await ErrorOf(await daemon.PostAsync("api/jobs/slow/cancel"));

        // Assert
        logSoFar.Should().Contain("$ rsync").And.Contain("--bwlimit=500");
        again.Status.Should().Be(HttpStatusCode.Conflict);
        again.Error.Should().Contain("already running");
        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted, cancelMessage);
        ended.Result().Should().Be("cancelled", ended.ToString());
        ended.GetProperty("durationSeconds").GetDouble().Should().BeLessThan(30, "the run was stopped, not finished");
        notRunning.Status.Should().Be(HttpStatusCode.Conflict);
        new FileInfo(dir.Combine("dst-slow", "big.bin")).Exists.Should().BeFalse("the transfer did not finish");
    }

    [Fact]
    public async Task Event_stream_sends_run_started_progressed_and_finished_for_a_run()
    {
        // Arrange: 3 MB at 1500 KiB/s, about 2 s of progress.
        using var dir = new TempDir("web-api");
        await using var daemon = await WebDaemon.StartAsync(WebTestBed.Config(dir, slowBytes: 3_000_000, kibPerSecond: 1500));
        using var stream = await EventStreamClient.OpenAsync(daemon);

        // Act
        using (await daemon.PostAsync("api/jobs/slow/run"))
        {
        }
        var events = await stream.ReadUntilAsync((name, _) => name == "RunFinished", TimeSpan.FromSeconds(60));

        // Assert
        stream.FirstLine.Should().Be("retry: 3000", "the stream opens at once, subscribed");
        stream.Response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var mine = events.Where(e => e.Data.TryGetProperty("job", out var job) && job.GetString() == "slow").ToList();
        mine.Select(e => e.Name).Should().ContainInOrder("RunStarted", "RunProgressed", "RunFinished");
        mine.First().Data.GetProperty("run").GetProperty("trigger").GetString().Should().Be("web");
        var progress = mine.Where(e => e.Name == "RunProgressed").Select(e => e.Data.GetProperty("transfer")).ToList();
        progress.Select(p => p.GetProperty("percent").GetInt32()).Should().BeInAscendingOrder().And.Contain(100);
        progress.Should().Contain(p => p.GetProperty("percent").GetInt32() > 0 && p.GetProperty("percent").GetInt32() < 100, "progress is seen while it runs");
        progress.Should().AllSatisfy(p => p.TryGetProperty("bytesPerSecond", out _).Should().BeTrue());
        mine.Last().Data.GetProperty("run").GetProperty("result").GetString().Should().Be("succeeded");
        mine.Should().AllSatisfy(e => e.Data.TryGetProperty("mayDrop", out _).Should().BeFalse("internal queueing hints are not part of the event"));
    }

    /// <summary>The job status's conditions as "Type Status Reason", in order.</summary>
    private static IEnumerable<string> Conditions(JsonElement status) =>
        status.GetProperty("conditions").EnumerateArray()
            .Select(c => $"{c.GetProperty("type").GetString()} {c.GetProperty("status").GetString()} {c.GetProperty("reason").GetString()}").ToList();
}
