using System.Text.Json;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Locks;

namespace Syncwarden.IntegrationTests.Cli;

/// <summary>
/// CLI help, JSON field names and the names of results, triggers, hook kinds and lock states are contracts for admins' scripts. A change must be deliberate:
/// rerun with UPDATE_SNAPSHOTS=1 and commit the new files under tests/.../Snapshots.
/// </summary>
public sealed class ContractSnapshotTests
{
    private static string SnapshotDir =>
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Snapshots"));

    internal static void Verify(string name, string actual)
    {
        var path = Path.Combine(SnapshotDir, name);
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, actual);
        }
        File.Exists(path).Should().BeTrue($"snapshot {path} exists (create it with UPDATE_SNAPSHOTS=1)");
        actual.Should().Be(File.ReadAllText(path), $"{name} is a contract; update the snapshot deliberately if the change is intended");
    }

    [Theory]
    [InlineData("")]
    [InlineData("check")]
    [InlineData("plan")]
    [InlineData("run")]
    [InlineData("verify")]
    [InlineData("status")]
    [InlineData("history")]
    [InlineData("logs")]
    [InlineData("demo")]
    [InlineData("daemon")]
    [InlineData("reload")]
    [InlineData("lock")]
    [InlineData("lock acquire")]
    [InlineData("lock release")]
    [InlineData("lock list")]
    [InlineData("notify")]
    [InlineData("notify test")]
    [InlineData("device")]
    [InlineData("device list")]
    [InlineData("serve")]
    [InlineData("keys psk")]
    [InlineData("device udev-rules")]
    [InlineData("snapshots")]
    [InlineData("snapshots list")]
    [InlineData("snapshots prune")]
    [InlineData("restore")]
    [InlineData("keys")]
    [InlineData("keys init")]
    [InlineData("keys install")]
    [InlineData("keys list")]
    [InlineData("promote")]
    [InlineData("rejoin")]
    [InlineData("switchover")]
    public async Task Help_text_matches_the_snapshot(string command)
    {
        var args = command.Length == 0 ? new[] { "--help" } : [.. command.Split(' '), "--help"];

        var help = await SyncwardenCli.RunAsync(args);

        help.ExitCode.Should().Be(0);
        Verify($"help-{(command.Length == 0 ? "root" : command.Replace(' ', '-'))}.txt", help.StandardOutput);
    }

    [Fact]
    public async Task Json_field_names_and_enum_values_match_the_snapshots()
    {
        using var dir = new TempDir("contract");
        var source = dir.CreateSubdirectory("src");
        File.WriteAllText(Path.Combine(source, "a"), "a");
        var config = new TestConfig(dir).Job("j", $$"""
            direction: local
            locks: [ {{TestConfig.Q(dir.Combine("j.lock"))}} ]
            syncs: [ { source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(dir.CreateSubdirectory("dst"))}} } ]
            """);

        var outputs = new Dictionary<string, string>
        {
            ["run"] = (await config.RunCliAsync("run", "--json")).StandardOutput,
            ["history"] = (await config.RunCliAsync("history", "--json")).StandardOutput,
            ["status"] = (await config.RunCliAsync("status", "--json")).StandardOutput,
            ["plan"] = (await config.RunCliAsync("plan", "j", "--json")).StandardOutput,
            ["check"] = (await config.RunCliAsync("check", "--json")).StandardOutput,
            ["lock list"] = (await config.RunCliAsync("lock", "list", "--json")).StandardOutput,
        };

        var shapes = string.Join('\n', outputs.Select(o => $"{o.Key}: {string.Join(", ", FieldPaths(JsonDocument.Parse(o.Value).RootElement, ""))}")) + "\n";
        Verify("json-fields.txt", shapes);

        // The enum fields as the CLI prints them (written by KebabCaseEnumConverter).
        var values = string.Join('\n', outputs.Where(o => o.Key != "plan" && o.Key != "check").Select(o =>
            $"{o.Key}: {string.Join(", ", EnumFieldValues(JsonDocument.Parse(o.Value).RootElement))}")) + "\n";
        Verify("json-enum-values.txt", values);
    }

    /// <summary>The JSON document webhooks receive (docs/configuration.md lists the fields).</summary>
    [Fact]
    public void Webhook_document_fields_match_the_snapshot()
    {
        var at = new DateTimeOffset(2026, 12, 1, 1, 0, 0, TimeSpan.Zero);
        var run = new RunRecord { Id = 7, Job = "j", StartedAt = at, EndedAt = at.AddSeconds(3), Result = RunResult.Failed, ExitCode = 23, Error = "e", LogFile = "/l" };
        var notice = new Syncwarden.Notifications.Notice(Syncwarden.Configuration.NotifyOn.Failure, run, ["w"], new AlertState("j", at, 2, at));

        var json = JsonSerializer.Serialize(Syncwarden.Notifications.WebhookPayload.From(notice, "host"), Syncwarden.Notifications.NotificationJson.Readable.WebhookPayload);

        Verify("webhook-fields.txt", string.Join(", ", FieldPaths(JsonDocument.Parse(json).RootElement, "")) + "\n");
    }

    /// <summary>Every name of every contract enum: JSON, logs, hook variables and the history database use these.</summary>
    [Fact]
    public void Enum_names_match_the_snapshot()
    {
        var names = string.Join('\n', Names<RunResult>(), Names<RunTrigger>(), Names<HookKind>(), Names<LockFileState>(), Names<LockKind>(), Names<Syncwarden.Verification.VerifyResult>()) + "\n";

        Verify("enum-names.txt", names);
    }

    private static string Names<TEnum>() where TEnum : struct, Enum =>
        $"{typeof(TEnum).Name}: {string.Join(", ", Enum.GetValues<TEnum>().Select(v => v.ToKebabCase()))}";

    private static readonly string[] s_enumFields = ["result", "trigger", "lastResult", "kind", "state"];

    private static IEnumerable<string> EnumFieldValues(JsonElement array) =>
        array.EnumerateArray().SelectMany(item => item.EnumerateObject()).Where(p => s_enumFields.Contains(p.Name)).Select(p => $"{p.Name}={p.Value}");

    internal static IEnumerable<string> FieldPaths(JsonElement element, string prefix) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => new[] { prefix + p.Name }.Concat(FieldPaths(p.Value, prefix + p.Name + "."))),
        JsonValueKind.Array => element.GetArrayLength() > 0 ? FieldPaths(element[0], prefix.TrimEnd('.') + "[].") : [],
        _ => [],
    };
}
