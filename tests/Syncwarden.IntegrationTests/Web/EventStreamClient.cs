using System.Text.Json;

namespace Syncwarden.IntegrationTests.Web;

/// <summary>An open GET /api/events, already past its first line (so subscribed), read as server-sent events.</summary>
internal sealed class EventStreamClient(HttpResponseMessage response, StreamReader reader, string firstLine) : IDisposable
{
    public HttpResponseMessage Response => response;
    /// <summary>"retry: 3000", the first line the daemon sends once the stream is subscribed.</summary>
    public string FirstLine => firstLine;

    public static async Task<EventStreamClient> OpenAsync(WebDaemon daemon)
    {
        var response = await daemon.Http.GetAsync("api/events", HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        return new EventStreamClient(response, reader, await reader.ReadLineAsync() ?? "");
    }

    /// <summary>Reads events until <paramref name="until"/> says stop (that event included).</summary>
    public async Task<List<(string Name, JsonElement Data)>> ReadUntilAsync(Func<string, JsonElement, bool> until, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var events = new List<(string, JsonElement)>();
        string? name = null;
        while (await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
            {
                var data = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                events.Add((name, data));
                if (until(name, data))
                {
                    break;
                }
            }
            else if (line.Length == 0)
            {
                name = null;
            }
        }
        return events;
    }

    public void Dispose()
    {
        reader.Dispose();
        response.Dispose();
    }
}
