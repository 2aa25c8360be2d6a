using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.PointInTime;

/// <summary>
/// `syncwarden verify` on real replicas made by real runs: a byte changed in the replica without changing its size or
/// time (what a normal run cannot see) and a missing file are found, locally and over ssh; a clean replica passes; a
/// sample is a seeded subset.
/// </summary>
[Collection(SshCollection.Name)]
public sealed class VerifyTests(SshServerFixture fixture)
{
    /// <summary>Changes one byte of <paramref name="path"/> in place and puts its modification time back.</summary>
    private static void CorruptKeepingSizeAndTime(string path)
    {
        var time = File.GetLastWriteTimeUtc(path);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, time);
    }

    private static async Task<(int ExitCode, JsonElement Json, string Output)> VerifyAsync(TestConfig config, params string[] args)
    {
        var result = await config.RunCliAsync(["verify", "j", "--json", .. args]);
        using var json = JsonDocument.Parse(result.StandardOutput.Length > 0 ? result.StandardOutput : "{}");
        return (result.ExitCode, json.RootElement.Clone(), result.ToString());
    }

    private static IEnumerable<string?> Paths(JsonElement json, string kind) => json.GetProperty(kind).EnumerateArray().Select(e => e.GetString());

    [Fact]
    public async Task Verify_finds_a_silently_corrupted_byte_and_a_missing_file_and_passes_on_a_clean_replica()
    {
        // Arrange
        using var dir = new TempDir("verify");
        var source = new TreeBuilder(dir.CreateSubdirectory("src")).File("a.bin", 50_000).File("sub/b.txt", 3000).File("sub/c.txt", 10).File("name with spaces", 100).Root;
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Pair("j", "local", source + "/", replica);
        (await config.RunCliAsync("run", "j")).ExitCode.Should().Be(0);

        // Act
        var clean = await VerifyAsync(config);
        CorruptKeepingSizeAndTime(Path.Combine(replica, "sub", "b.txt"));
        File.Delete(Path.Combine(replica, "name with spaces"));
        var plan = await config.RunCliAsync("plan", "j", "--json");
        var damaged = await VerifyAsync(config);

        // Assert
        clean.ExitCode.Should().Be(0, clean.Output);
        clean.Json.GetProperty("result").GetString().Should().Be("passed");
        clean.Json.GetProperty("filesChecked").GetInt64().Should().Be(4);
        plan.StandardOutput.Should().NotContain("sub/b.txt", "rsync's quick check (size and time) does not see the damage");
        damaged.ExitCode.Should().Be(1, damaged.Output);
        damaged.Json.GetProperty("result").GetString().Should().Be("differences");
        Paths(damaged.Json, "corrupt").Should().Equal("sub/b.txt");
        Paths(damaged.Json, "missing").Should().Equal("name with spaces");
        Paths(damaged.Json, "changed").Should().BeEmpty();
        File.Exists(Path.Combine(replica, "name with spaces")).Should().BeFalse("verify changes nothing");
    }

    [Theory]
    [InlineData("push")]
    [InlineData("pull")]
    public async Task Verify_over_ssh_finds_a_corrupted_byte_on_either_side(string direction)
    {
        // Arrange: the sshd runs on this machine, so the remote side's paths are local paths too.
        using var dir = new TempDir("verify-" + direction);
        var source = new TreeBuilder(dir.CreateSubdirectory("src", "data")).File("one.bin", 20_000).File("deep/two.txt", 500).Root;
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Pair("j", direction, source, replica, server: fixture.Server);
        (await config.RunCliAsync("run", "j")).ExitCode.Should().Be(0);
        var clean = await VerifyAsync(config);

        // Act
        CorruptKeepingSizeAndTime(Path.Combine(replica, "data", "one.bin"));
        var damaged = await VerifyAsync(config);

        // Assert
        clean.ExitCode.Should().Be(0, clean.Output);
        clean.Json.GetProperty("filesChecked").GetInt64().Should().Be(2);
        damaged.ExitCode.Should().Be(1, damaged.Output);
        Paths(damaged.Json, "corrupt").Should().Equal("data/one.bin");
        Paths(damaged.Json, "missing").Should().BeEmpty();
    }

    [Fact]
    public async Task Sample_compares_a_seeded_subset_the_same_seed_picks_the_same_files()
    {
        // Arrange: every replica file damaged, so the damage found names exactly the files compared.
        using var dir = new TempDir("verify-sample");
        var tree = new TreeBuilder(dir.CreateSubdirectory("src"));
        for (var i = 0; i < 100; i++)
        {
            tree.File($"f{i:D3}.txt", 200);
        }
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Pair("j", "local", tree.Root + "/", replica);
        (await config.RunCliAsync("run", "j")).ExitCode.Should().Be(0);
        foreach (var file in Directory.EnumerateFiles(replica))
        {
            CorruptKeepingSizeAndTime(file);
        }

        // Act
        var first = await VerifyAsync(config, "--sample", "10%", "--seed", "7");
        var again = await VerifyAsync(config, "--sample", "10", "--seed", "7");
        var other = await VerifyAsync(config, "--sample", "10%", "--seed", "8");

        // Assert
        first.Json.GetProperty("filesInSource").GetInt64().Should().Be(100);
        first.Json.GetProperty("filesChecked").GetInt64().Should().Be(10);
        first.Json.GetProperty("seed").GetInt32().Should().Be(7);
        Paths(first.Json, "corrupt").Should().HaveCount(10).And.OnlyHaveUniqueItems();
        Paths(again.Json, "corrupt").Should().Equal(Paths(first.Json, "corrupt"), "the same seed picks the same files");
        Paths(other.Json, "corrupt").Should().HaveCount(10).And.NotEqual(Paths(first.Json, "corrupt"));
    }

    [Fact]
    public async Task Daemon_verifies_on_schedule_and_posts_the_differences_to_the_webhook()
    {
        // Arrange: a replica with a damaged file, a job never verified (so the daemon verifies it at start) and no sync schedule.
        await using var receiver = new WebhookReceiver();
        using var dir = new TempDir("verify-daemon");
        var source = new TreeBuilder(dir.CreateSubdirectory("src")).File("a.bin", 4000).File("b.txt", 100).Root;
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Pair("j", "local", source + "/", replica,
            $"verify: {{ every: 1w, sample: 100% }}\nwebhooks: [{{ url: {receiver.Url("/hook")}, on: [failure] }}]");
        (await config.RunCliAsync("run", "j")).ExitCode.Should().Be(0);
        CorruptKeepingSizeAndTime(Path.Combine(replica, "b.txt"));

        // Act
        await using var daemon = await config.StartCliAsync("daemon");
        var requests = await receiver.WaitForAsync(1, TimeSpan.FromSeconds(60));
        await daemon.TerminateAsync();
        var exit = await daemon.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        exit.ExitCode.Should().Be(0, exit.StandardError);
        using var json = JsonDocument.Parse(requests.Single().Body);
        json.RootElement.GetProperty("event").GetString().Should().Be("verify");
        json.RootElement.GetProperty("job").GetString().Should().Be("j");
        json.RootElement.GetProperty("trigger").GetString().Should().Be("schedule");
        json.RootElement.GetProperty("error").GetString().Should().Contain("1 corrupt in 2 of 2 file(s)");
        json.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).Should().Equal("corrupt b.txt");
        exit.StandardError.Should().Contain("job j: verification 1 differences");
    }

    [Fact]
    public async Task A_bad_sample_is_a_clear_usage_error()
    {
        // Arrange
        using var dir = new TempDir("verify-usage");
        var config = new TestConfig(dir).Pair("j", "local", dir.CreateSubdirectory("src"), dir.Combine("replica"));

        // Act
        var result = await config.RunCliAsync("verify", "j", "--sample", "150%");

        // Assert
        result.ExitCode.Should().Be(2, result.ToString());
        result.StandardError.Should().Contain("--sample: expected a percentage above 0% and at most 100%").And.NotContain("   at ");
    }

    [Fact]
    public async Task Verify_of_a_link_dest_job_reads_the_latest_snapshot()
    {
        // Arrange: two snapshots; the damage goes into the one latest names.
        using var dir = new TempDir("verify");
        var source = new TreeBuilder(dir.CreateSubdirectory("src")).File("a.bin", 20_000).File("b.txt", 3000).Root;
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Pair("j", "local", source + "/", replica, extra: "snapshots: { method: link-dest, keep: { last: 5 } }");
        (await config.RunCliAsync("run", "j")).ExitCode.Should().Be(0);
        File.AppendAllText(Path.Combine(source, "b.txt"), "more");
        await Task.Delay(1100); // snapshot names are per second
        (await config.RunCliAsync("run", "j")).ExitCode.Should().Be(0);
        var latest = new DirectoryInfo(Path.Combine(replica, "latest")).ResolveLinkTarget(returnFinalTarget: true)!.FullName;

        // Act
        var clean = await VerifyAsync(config);
        CorruptKeepingSizeAndTime(Path.Combine(latest, "b.txt"));
        var damaged = await VerifyAsync(config);

        // Assert
        clean.ExitCode.Should().Be(0, clean.Output);
        clean.Json.GetProperty("filesChecked").GetInt64().Should().Be(2, "the snapshot's files, not the dated folders beside them");
        damaged.ExitCode.Should().Be(1, damaged.Output);
        Paths(damaged.Json, "corrupt").Should().Equal("b.txt");
    }
}
