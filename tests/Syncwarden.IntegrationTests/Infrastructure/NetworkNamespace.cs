using System.Globalization;

namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>
/// A second "host": a network namespace <c>swt-*</c> joined to the root namespace by a veth pair on a private /30
/// in 10.213.0.0/16. Only the two addresses on that link are ever contacted. Deleted on dispose.
/// </summary>
public sealed class NetworkNamespace : IAsyncDisposable
{
    private static readonly Lock s_subnetLock = new();
    private static readonly HashSet<int> s_subnetsInUse = [];
    private static readonly TimeSpan s_ipTimeout = TimeSpan.FromSeconds(20);

    private readonly int _subnet;
    private bool _disposed;

    private NetworkNamespace(string suffix, int subnet)
    {
        Name = "swt-" + suffix;
        HostInterface = "swh-" + suffix;
        NamespaceInterface = "swn-" + suffix;
        _subnet = subnet;
        // Subnet n is 10.213.(n / 64).((n % 64) * 4)/30: .1 is the root side, .2 the namespace side.
        var third = (subnet / 64).ToString(CultureInfo.InvariantCulture);
        var fourth = (subnet % 64) * 4;
        Network = $"10.213.{third}.{fourth.ToString(CultureInfo.InvariantCulture)}/30";
        HostAddress = $"10.213.{third}.{(fourth + 1).ToString(CultureInfo.InvariantCulture)}";
        NamespaceAddress = $"10.213.{third}.{(fourth + 2).ToString(CultureInfo.InvariantCulture)}";
    }

    public string Name { get; }

    /// <summary>Root-namespace end of the veth pair.</summary>
    public string HostInterface { get; }

    /// <summary>Namespace end of the veth pair.</summary>
    public string NamespaceInterface { get; }

    /// <summary>The /30 of the link, e.g. 10.213.3.8/30.</summary>
    public string Network { get; }

    /// <summary>Address of the root-namespace side.</summary>
    public string HostAddress { get; }

    /// <summary>Address inside the namespace.</summary>
    public string NamespaceAddress { get; }

    /// <summary>Creates the namespace and link; on any failure removes whatever was created and rethrows.</summary>
    public static async Task<NetworkNamespace> CreateAsync(CancellationToken cancellationToken = default)
    {
        var ns = new NetworkNamespace(Guid.NewGuid().ToString("N")[..8], await ReserveSubnetAsync(cancellationToken).ConfigureAwait(false));
        try
        {
            await ns.SetUpAsync(cancellationToken).ConfigureAwait(false);
            return ns;
        }
        catch
        {
            await ns.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Arguments for the <c>ip</c> binary that run <paramref name="command"/> inside the namespace: <c>ip netns exec NAME command...</c>.</summary>
    public IReadOnlyList<string> ExecArgs(params string[] command) => ["netns", "exec", Name, .. command];

    /// <summary>Runs <paramref name="command"/> inside the namespace.</summary>
    public Task<ProcessResult> ExecAsync(IEnumerable<string> command, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        TestProcess.RunAsync("ip", ExecArgs([.. command]), timeout ?? TestProcess.DefaultTimeout, cancellationToken: cancellationToken);

    /// <summary>How the link is cut; see <see cref="LinkCut"/>.</summary>
    public LinkCut? Cut { get; private set; }

    /// <summary>
    /// Simulates a network cut. <see cref="LinkCut.HostSideDown"/> (default) sets the root-side veth down:
    /// new connections fail at once (the guard blackhole route answers), established ones stall.
    /// <see cref="LinkCut.SilentDrop"/> sets the namespace-side veth down instead: every packet vanishes,
    /// so connects hit their timeout, like a pulled cable.
    /// </summary>
    public async Task CutLinkAsync(LinkCut how = LinkCut.HostSideDown, CancellationToken cancellationToken = default)
    {
        string[] args = how == LinkCut.HostSideDown
            ? ["link", "set", HostInterface, "down"]
            : ["-n", Name, "link", "set", NamespaceInterface, "down"];
        await IpAsync(args, cancellationToken).ConfigureAwait(false);
        Cut = how;
    }

    /// <summary>Brings both veth ends back up (the connected route comes back with the root side).</summary>
    public async Task RestoreLinkAsync(CancellationToken cancellationToken = default)
    {
        await IpAsync(["-n", Name, "link", "set", NamespaceInterface, "up"], cancellationToken).ConfigureAwait(false);
        await IpAsync(["link", "set", HostInterface, "up"], cancellationToken).ConfigureAwait(false);
        Cut = null;
        // "up" is only a request: wait until both ends report carrier, or traffic sent at once
        // still meets a link that is down ("No route to host").
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var host = await TestProcess.RunAsync("ip", ["link", "show", HostInterface], s_ipTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            var inner = await TestProcess.RunAsync("ip", ["-n", Name, "link", "show", NamespaceInterface], s_ipTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (host.StandardOutput.Contains("LOWER_UP", StringComparison.Ordinal) && inner.StandardOutput.Contains("LOWER_UP", StringComparison.Ordinal))
            {
                return;
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        throw new InvalidOperationException($"link {HostInterface} <-> {Name}/{NamespaceInterface} did not come back up within 15 s");
    }

    /// <summary>Waits until a TCP connection to the namespace's address and <paramref name="port"/> succeeds.</summary>
    public async Task WaitUntilReachableAsync(int port, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var client = new System.Net.Sockets.TcpClient();
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                await client.ConnectAsync(NamespaceAddress, port, attempt.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new TimeoutException($"{NamespaceAddress}:{port} in {Name} not reachable within {timeout}", ex);
                }
            }
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // Best effort each step: a partial setup leaves any subset of these behind.
        await TryIpAsync(["link", "del", HostInterface]).ConfigureAwait(false);
        await TryIpAsync(["netns", "del", Name]).ConfigureAwait(false);
        await TryIpAsync(["route", "del", "blackhole", Network]).ConfigureAwait(false);
        lock (s_subnetLock)
        {
            s_subnetsInUse.Remove(_subnet);
        }

        var left = await TestProcess.RunAsync("ip", ["netns", "list"], s_ipTimeout).ConfigureAwait(false);
        if (left.StandardOutput.Split('\n').Any(line => line.Split(' ')[0] == Name))
        {
            throw new InvalidOperationException($"network namespace {Name} still exists after dispose");
        }
    }

    private async Task SetUpAsync(CancellationToken cancellationToken)
    {
        // While the link is cut the connected route disappears; this blackhole route (worse metric) keeps
        // packets for the link from following the default route off the machine.
        await IpAsync(["route", "add", "blackhole", Network, "metric", "4242"], cancellationToken).ConfigureAwait(false);
        await IpAsync(["netns", "add", Name], cancellationToken).ConfigureAwait(false);
        await IpAsync(["link", "add", HostInterface, "type", "veth", "peer", "name", NamespaceInterface], cancellationToken).ConfigureAwait(false);
        await IpAsync(["link", "set", NamespaceInterface, "netns", Name], cancellationToken).ConfigureAwait(false);
        await IpAsync(["addr", "add", HostAddress + "/30", "dev", HostInterface], cancellationToken).ConfigureAwait(false);
        await IpAsync(["link", "set", HostInterface, "up"], cancellationToken).ConfigureAwait(false);
        await IpAsync(["-n", Name, "addr", "add", NamespaceAddress + "/30", "dev", NamespaceInterface], cancellationToken).ConfigureAwait(false);
        await IpAsync(["-n", Name, "link", "set", NamespaceInterface, "up"], cancellationToken).ConfigureAwait(false);
        await IpAsync(["-n", Name, "link", "set", "lo", "up"], cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ReserveSubnetAsync(CancellationToken cancellationToken)
    {
        // Distinct per instance in this process (the set) and, as far as we can see, from other processes
        // (addresses and routes already present in 10.213.0.0/16).
        var routes = await TestProcess.RunAsync("ip", ["-4", "route", "show", "table", "all"], s_ipTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        var addrs = await TestProcess.RunAsync("ip", ["-4", "-o", "addr", "show"], s_ipTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        var taken = routes.StandardOutput + "\n" + addrs.StandardOutput;
        lock (s_subnetLock)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var subnet = Random.Shared.Next(0, 256 * 64);
                var probe = new NetworkNamespace("probe", subnet);
                var prefix = probe.Network[..probe.Network.LastIndexOf('.')] + ".";
                var fourth = (subnet % 64) * 4;
                var clash = Enumerable.Range(fourth, 4).Any(host =>
                    System.Text.RegularExpressions.Regex.IsMatch(taken, $@"(?<![\d.]){System.Text.RegularExpressions.Regex.Escape(prefix + host.ToString(CultureInfo.InvariantCulture))}(?![\d])"));
                if (!clash && s_subnetsInUse.Add(subnet))
                {
                    return subnet;
                }
            }
        }

        throw new InvalidOperationException("no free /30 left in 10.213.0.0/16");
    }

    private static async Task IpAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var list = args.ToList();
        var result = await TestProcess.RunAsync("ip", list, s_ipTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', list)} failed ({result.ExitCode}): {result.StandardError}");
        }
    }

    private static async Task TryIpAsync(IEnumerable<string> args)
    {
        try
        {
            await TestProcess.RunAsync("ip", args, s_ipTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Keep cleaning up the rest.
        }
    }
}

/// <summary>Ways to cut a <see cref="NetworkNamespace"/> link.</summary>
public enum LinkCut
{
    /// <summary>Root-side veth down: its route goes, the blackhole guard makes connects fail immediately.</summary>
    HostSideDown,

    /// <summary>Namespace-side veth down: packets are silently lost, connects time out.</summary>
    SilentDrop,
}
