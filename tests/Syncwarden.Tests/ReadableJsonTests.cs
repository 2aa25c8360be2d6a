using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Syncwarden.Cli.Output;
using Syncwarden.Daemon;
using Syncwarden.History;
using Syncwarden.Locks;
using Syncwarden.Status;

namespace Syncwarden.Tests;

public sealed class ReadableJsonTests
{
    private const string Text = "can't read \"/srv/<it's> & more\"";
    private const string Readable = @"can't read \""/srv/<it's> & more\""";

    [Fact]
    public void Cli_output_keeps_apostrophes_and_angle_brackets_readable_and_parses_back()
    {
        // Arrange
        var run = new RunRecord { Job = "nightly", StartedAt = DateTimeOffset.UnixEpoch, Error = Text, FailedPaths = ["/srv/<it's>"] };

        // Act
        var json = JsonSerializer.Serialize<IReadOnlyList<RunJson>>([RunJson.From(run)], CliJson.Readable.IReadOnlyListRunJson);

        // Assert
        json.Should().Contain($"\"error\": \"{Readable}\"").And.Contain("\"/srv/<it's>\"").And.NotContain("\\u00");
        JsonDocument.Parse(json).RootElement[0].GetProperty("error").GetString().Should().Be(Text);
    }

    [Fact]
    public void Control_socket_history_and_lock_registrations_keep_them_readable_too()
    {
        // Arrange
        var reply = new ControlReply(false, Text);
        var run = new ActiveRun("it's <mine>", 1, 2, "host", DateTimeOffset.UnixEpoch, [], []);
        IReadOnlyList<string> paths = [Text];

        // Act
        var control = JsonSerializer.Serialize(reply, ControlJson.Readable.ControlReply);
        var registration = JsonSerializer.Serialize(run, Syncwarden.Locks.LockJson.Readable.ActiveRun);
        var history = JsonSerializer.Serialize(paths, HistoryJson.Readable.IReadOnlyListString);

        // Assert
        control.Should().Contain(Readable);
        JsonSerializer.Deserialize(control, ControlJson.Readable.ControlReply)!.Message.Should().Be(Text);
        registration.Should().Contain("\"it's <mine>\"");
        JsonSerializer.Deserialize(registration, Syncwarden.Locks.LockJson.Readable.ActiveRun)!.Job.Should().Be("it's <mine>");
        history.Should().Be($"[\"{Readable}\"]");
        JsonSerializer.Deserialize(history, HistoryJson.Readable.IReadOnlyListString).Should().Equal(Text);
    }

    [Fact]
    public void Every_json_context_offers_readable_options()
    {
        // Arrange: every source-generated context of the product; a new one must offer Readable as well.
        var contexts = new[] { typeof(RunRecord).Assembly, typeof(CliJson).Assembly, typeof(Syncwarden.Web.WebJson).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t.IsSubclassOf(typeof(JsonSerializerContext)))
            .ToList();

        // Act
        var encoders = contexts.ToDictionary(t => t.Name, t =>
            (t.GetProperty("Readable", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as JsonSerializerContext)?.Options.Encoder);

        // Assert
        encoders.Keys.Should().BeEquivalentTo(["CliJson", "ControlJson", "LockJson", "HistoryJson", "StatusJson", "NotificationJson", "WebJson", "DeviceJson", "KeysJson", "StandbyJson"]);
        encoders.Values.Should().AllSatisfy(e => e.Should().BeSameAs(JavaScriptEncoder.UnsafeRelaxedJsonEscaping));
    }
}
