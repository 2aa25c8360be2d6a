using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Syncwarden.Configuration;

namespace Syncwarden.Cli.Commands;

/// <summary>
/// A first look for newcomers: writes the embedded demo config and sample data, then checks, plans, runs and shows
/// status, and serves the dashboard on loopback: until Ctrl-C on a terminal, or just long enough to show it answers
/// when nobody is there to look (scripts, CI).
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var dir = new Option<string>("--dir") { Description = "Where the demo keeps its files", DefaultValueFactory = _ => "/tmp/syncwarden-demo" };
        var command = new Command("demo", "Run a demonstration replication on the embedded default configuration");
        command.Options.Add(dir);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var root = Path.GetFullPath(parse.GetValue(dir)!);
            var port = DashboardPort();
            var configPath = WriteDemo(root, port);
            Console.WriteLine($"Demo configuration: {configPath}");
            Console.WriteLine($"Source: {root}/source    Replica: {root}/replica");
            foreach (var step in new[] { new[] { "check" }, ["plan", "demo"], ["run", "demo"], ["status"] })
            {
                Console.WriteLine();
                Console.WriteLine($"$ syncwarden -c {configPath} {string.Join(' ', step)}");
                var code = await CliApp.RunAsync(["-c", configPath, .. step]).ConfigureAwait(false);
                if (code != CliApp.Ok)
                {
                    return code;
                }
            }
            Console.WriteLine();
            Console.WriteLine($"Try: edit files under {root}/source and run 'syncwarden -c {configPath} run' again, or 'syncwarden -c {configPath} history'.");
            return await ServeDashboardAsync(configPath, port, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    // 9090 as documented when it is free, else any free loopback port (a second demo, or something else on 9090).
    private static int DashboardPort()
    {
        foreach (var wanted in new[] { 9090, 0 })
        {
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, wanted);
                probe.Start();
                return ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            catch (SocketException) when (wanted != 0)
            {
            }
        }
        throw new InvalidOperationException("no free loopback port");
    }

    private static async Task<int> ServeDashboardAsync(string configPath, int port, CancellationToken cancellationToken)
    {
        var config = ConfigLoader.Load(configPath).Config ?? throw new UserError($"the demo configuration {configPath} does not load", CliApp.Failed);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var daemon = DaemonCommand.RunAsync(configPath, config, stop.Token);
        var address = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var answered = false;
        for (var attempt = 0; attempt < 100 && !daemon.IsCompleted && !answered; attempt++)
        {
            try
            {
                using var health = await http.GetAsync(new Uri("healthz", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                answered = health.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
        Console.WriteLine();
        if (!answered)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            var code = await daemon.ConfigureAwait(false);
            Console.WriteLine($"Web dashboard: did not answer on {address} (see the messages above).");
            return code == CliApp.Ok ? CliApp.Failed : code;
        }
        Console.WriteLine($"Web dashboard: {address}  (JSON: {address}api/jobs, metrics: {address}metrics)");
        if (Console.IsInputRedirected || Console.IsOutputRedirected)
        {
            // Nobody at a terminal to open it: show that it answered, then stop.
            Console.WriteLine($"Dashboard answered; the demo stops it now. At a terminal it keeps serving until Ctrl-C.");
            await stop.CancelAsync().ConfigureAwait(false);
        }
        else
        {
            Console.WriteLine("Open it in a browser on this machine; press Ctrl-C to stop the demo.");
        }
        return await daemon.ConfigureAwait(false);
    }

    private static string WriteDemo(string root, int port)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("demo.yaml")
            ?? throw new InvalidOperationException("demo.yaml is not embedded");
        using var reader = new StreamReader(stream);
        var yaml = reader.ReadToEnd().Replace("{{DIR}}", root, StringComparison.Ordinal)
            .Replace("{{PORT}}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var documents = Path.Combine(root, "source", "documents");
        var photos = Path.Combine(root, "source", "photos");
        Directory.CreateDirectory(documents);
        Directory.CreateDirectory(Path.Combine(photos, "2026"));
        Directory.CreateDirectory(Path.Combine(root, "replica"));
        var random = new Random(42);
        for (var i = 1; i <= 20; i++)
        {
            File.WriteAllText(Path.Combine(documents, $"report-{i:00}.txt"), $"Quarterly report {i}\n" + new string('x', 1000 * i));
        }
        for (var i = 1; i <= 5; i++)
        {
            var bytes = new byte[256 * 1024];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(photos, "2026", $"IMG_{1000 + i}.jpg"), bytes);
        }
        File.WriteAllText(Path.Combine(documents, "scratch.tmp"), "excluded by the job's exclude list\n");

        var configPath = Path.Combine(root, "syncwarden.yaml");
        File.WriteAllText(configPath, yaml);
        File.SetUnixFileMode(configPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return configPath;
    }
}
